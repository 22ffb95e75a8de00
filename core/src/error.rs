//! One error model for the core and both bindings.
//!
//! API errors are classified by `Error.Code` (never by HTTP status when an envelope is present). Every error
//! answers [`Error::outcome_unknown`]: true exactly when the request may have reached the service and no
//! definitive rejection came back, i.e. a phone may have been dialled.
//!
//! Whether a request may be sent again is decided in one place, [`Error::resend`]: the client's own retries, the
//! campaign's re-queueing and the journal's replay all ask it. For API error codes it reads [`CODE_RULES`].

use crate::field::{FieldError, KeyCase};
use std::fmt;
use std::path::{Path, PathBuf};

/// Stable names; the bindings map these to their exception classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request broke documented rules; nothing was sent.
    Validation,
    /// The client could not be built (credentials, endpoint, proxy, CA file...).
    Config,
    /// `AuthFailure*`, `UnauthorizedOperation*`: the service refused without acting.
    Authentication,
    /// `RequestLimitExceeded*`: the service refused without acting.
    RateLimited,
    /// `InvalidParameter*`, `MissingParameter`, `UnknownParameter`, `InvalidAction`, `NoSuchVersion`, ...
    InvalidRequest,
    /// `FailedOperation*`, `LimitExceeded*`, `OperationDenied*`, `ResourceNotFound*`, ...: the service declined
    /// the call.
    CallRejected,
    /// `InternalError*`: the service failed; it may have dialled.
    InternalServer,
    /// Nothing reached the service (DNS, connect, TLS).
    Connection,
    /// A timeout before the request was sent (connecting).
    Timeout,
    /// The request was sent and no definitive answer came back (timeout, connection loss, 5xx, unparseable body).
    OutcomeUnknown,
    /// The caller cancelled before the request was sent: nothing was placed. (A cancel after the request left is
    /// [`ErrorKind::OutcomeUnknown`]: the call may have been placed.)
    Cancelled,
    /// A file could not be read or written (a calls CSV, ...); [`Error::io_kind`] tells why.
    Io,
    /// A live-call action (hang up, say, transfer) found the call over or not in a state that takes it
    /// (`FailedOperation.SessionNotExists`, `FailedOperation.SessionNotInControlState`).
    CallNotLive,
    /// [`crate::Client::wait_for_call`] ran out of time before the call ended: nothing is wrong, wait again.
    WaitTimedOut,
    /// The shared store (Redis, `redis_url`) could not be reached or refused the operation: nothing was sent.
    StoreUnavailable,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::Config => "config",
            ErrorKind::Authentication => "authentication",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::CallRejected => "call_rejected",
            ErrorKind::InternalServer => "internal_server",
            ErrorKind::Connection => "connection",
            ErrorKind::Timeout => "timeout",
            ErrorKind::OutcomeUnknown => "outcome_unknown",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Io => "io",
            ErrorKind::CallNotLive => "call_not_live",
            ErrorKind::WaitTimedOut => "wait_timed_out",
            ErrorKind::StoreUnavailable => "store_unavailable",
        }
    }

    /// Classify a service `Error.Code`.
    pub fn from_code(code: &str) -> ErrorKind {
        code_rule(code).kind
    }
}

/// When sending a request again can do any good. Only ever asked about requests the service certainly did not act
/// on ([`Verdict::not_acted`]); for the others the answer is always [`Resend::Never`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resend {
    /// Not without a change by the caller (credentials, the request itself, the account).
    Never,
    /// After a pause of seconds or more: a limit that frees up as calls end. The campaign re-queues these.
    Later,
    /// After a short backoff: the request never arrived, or a per-second rate limit. The client retries these.
    Soon,
}

/// What an error says about the request that caused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Verdict {
    /// The service certainly did not act on the request: sending it again cannot dial anyone twice.
    pub not_acted: bool,
    /// When sending it again can do good ([`Resend::Never`] whenever `not_acted` is false).
    pub resend: Resend,
}

impl Verdict {
    /// The service may have acted: never send the request again.
    pub const MAY_HAVE_ACTED: Verdict = Verdict { not_acted: false, resend: Resend::Never };

    const fn not_acted(resend: Resend) -> Verdict {
        Verdict { not_acted: true, resend }
    }
}

/// What one API error code (or family of codes) means: its kind and its [`Verdict`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRule {
    pub kind: ErrorKind,
    pub verdict: Verdict,
}

const fn rule(kind: ErrorKind, verdict: Verdict) -> CodeRule {
    CodeRule { kind, verdict }
}

const ACTED: Verdict = Verdict::MAY_HAVE_ACTED;

/// The one table of API error codes. A row is a full code (`FailedOperation.AIConcurrentOverFrequency`), matched
/// first, or a family (the part before the first `.`, `AuthFailure`). A code in neither is a
/// [`ErrorKind::CallRejected`] of which nothing is certain: a future or unknown code is never taken as proof that
/// nothing happened.
///
/// The service documents (the published API's error-code section) that only `RequestLimitExceeded*` and `AuthFailure.*`
/// guarantee that it did not act on the request. Every other code, including the validation families and the
/// refusals that in practice happen before dialling, may not be relied on for that: a request refused with one
/// of them is never sent again automatically.
pub const CODE_RULES: &[(&str, CodeRule)] = &[
    // The service's per-second rate limit: it refused without acting, and the budget refills within a second.
    ("RequestLimitExceeded", rule(ErrorKind::RateLimited, Verdict::not_acted(Resend::Soon))),
    // Authentication failed: not acted, but the same credentials fail again (`SignatureExpire` is corrected apart,
    // once, by the client).
    ("AuthFailure", rule(ErrorKind::Authentication, Verdict::not_acted(Resend::Never))),
    // Too many AI calls in progress at once for the account's concurrency package. NOT in the documented list of
    // codes that prove nothing happened: a deliberate exception, kept from the campaign's first version. The code
    // names an admission check (the account's concurrent AI calls are used up), which by its nature refuses a new
    // call before one is set up, and without re-queueing it a campaign larger than the package would fail most of
    // its items. The campaign re-queues it with pauses of seconds and a journal replay sends it again; the client's
    // own fast retries never do. Revisit if the service documents otherwise.
    ("FailedOperation.AIConcurrentOverFrequency", rule(ErrorKind::CallRejected, Verdict::not_acted(Resend::Later))),
    // The live-call actions' refusals (OUTCOMES.md section 8): the session is over, unknown, or not controllable.
    ("FailedOperation.SessionNotExists", rule(ErrorKind::CallNotLive, ACTED)),
    ("FailedOperation.SessionNotInControlState", rule(ErrorKind::CallNotLive, ACTED)),
    ("UnauthorizedOperation", rule(ErrorKind::Authentication, ACTED)),
    ("IpInBlacklist", rule(ErrorKind::Authentication, ACTED)),
    ("IpNotInWhitelist", rule(ErrorKind::Authentication, ACTED)),
    ("InternalError", rule(ErrorKind::InternalServer, ACTED)),
    ("InvalidParameter", rule(ErrorKind::InvalidRequest, ACTED)),
    ("InvalidParameterValue", rule(ErrorKind::InvalidRequest, ACTED)),
    ("MissingParameter", rule(ErrorKind::InvalidRequest, ACTED)),
    ("UnknownParameter", rule(ErrorKind::InvalidRequest, ACTED)),
    ("InvalidAction", rule(ErrorKind::InvalidRequest, ACTED)),
    ("NoSuchVersion", rule(ErrorKind::InvalidRequest, ACTED)),
    ("ActionOffline", rule(ErrorKind::InvalidRequest, ACTED)),
    ("InvalidRequest", rule(ErrorKind::InvalidRequest, ACTED)),
    ("UnsupportedOperation", rule(ErrorKind::InvalidRequest, ACTED)),
];

/// Unknown or future codes, and the families not listed (`FailedOperation`, `LimitExceeded`, `OperationDenied`, ...).
const OTHER_CODES: CodeRule = rule(ErrorKind::CallRejected, ACTED);

/// The rule for one API error code: its own row, else its family's, else [`OTHER_CODES`].
pub fn code_rule(code: &str) -> CodeRule {
    let family = code.split('.').next().unwrap_or(code);
    let find = |name: &str| CODE_RULES.iter().find(|(n, _)| *n == name).map(|(_, r)| *r);
    find(code).or_else(|| find(family)).unwrap_or(OTHER_CODES)
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Errors of the ccc-aicall core. Messages never contain secrets.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("invalid request: {}", summarize(.0))]
    Validation(Vec<FieldError>),

    /// The client could not be built. Options are named in backticks by their Rust (and Python) name, e.g.
    /// `` `secret_id` ``; [`Error::message_in`] spells them the caller's way.
    #[error("configuration error: {0}")]
    Config(String),

    /// A client option as the caller gave it could not be read (an unknown name, a wrong type or unit). The
    /// message names the option exactly as the caller spelled it, so it is shown as it is.
    #[error("configuration error: {0}")]
    ClientOption(String),

    /// An error envelope from the service.
    #[error("{code}: {message} (RequestId {request_id})")]
    Api { code: String, message: String, request_id: String, http_status: u16 },

    /// Nothing reached the service.
    #[error("could not reach the service: {0}")]
    Connection(String),

    /// Timed out before the request was sent.
    #[error("timed out before the request was sent: {0}")]
    Timeout(String),

    /// The request was sent; no definitive answer came back. It may have dialled.
    #[error("outcome unknown, the call may have been placed: {reason}")]
    OutcomeUnknown { reason: String, request_id: Option<String>, http_status: Option<u16>, timed_out: bool },

    /// Cancelled by the caller; `sent`: the request had left, so the call may have been placed (its kind is then
    /// [`ErrorKind::OutcomeUnknown`]).
    #[error(
        "cancelled before an answer came back{}",
        if *.sent { " (the request had been sent: the call may have been placed)" } else { "" }
    )]
    Cancelled { sent: bool },

    /// A file could not be read or written. `kind` keeps the platform's reason (not found, permission denied...)
    /// so that bindings can raise their own not-found errors.
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, kind: std::io::ErrorKind, message: String },

    /// [`crate::Client::wait_for_call`] ran out of time before the call had ended (or before its record appeared).
    /// Nothing is wrong with the call; wait again, or look it up later.
    #[error(
        "the call {session_id} had not ended within the wait (last seen: {})",
        last_status.as_deref().unwrap_or("-")
    )]
    WaitTimedOut { session_id: String, last_status: Option<String> },

    /// The shared store could not take the rate-limit turn or the idempotency claim the request needs, so it was
    /// not sent. The text names the store without its password.
    #[error("the shared store could not be used, nothing was sent: {0}")]
    StoreUnavailable(String),

    /// `create_ai_call` with an idempotency key that an earlier attempt holds and whose call is not known to have
    /// been placed: that attempt is still in flight (`in_flight`) or ended with its outcome unknown. Nothing was
    /// sent now; the earlier attempt may have placed the call. Its kind is [`ErrorKind::OutcomeUnknown`].
    #[error(
        "idempotency key {key:?}: an earlier attempt with this key {}; not sent again",
        if *.in_flight { "is still in flight" } else { "ended with its outcome unknown (it may have placed the call)" },
    )]
    KeyPending { key: String, in_flight: bool },

    /// An outcome-unknown error of `create_ai_call`, with what identifies the call it may have placed (the app,
    /// the normalised callee, when the request left), so that [`crate::Client::reconcile`] can settle it. Every
    /// method answers for the error inside; [`Error::attempt`] gives the call.
    #[error("{error}")]
    Attempted { attempt: Box<crate::outcome::CallAttempt>, error: Box<Error> },
}

/// The problems [`crate::CreateAiCallRequest::validate`] (and `to_wire`) return, as the error `create_ai_call` gives
/// for them: `request.validate()?` works in a function returning [`Result`].
impl From<Vec<FieldError>> for Error {
    fn from(problems: Vec<FieldError>) -> Self {
        Error::Validation(problems)
    }
}

fn summarize(errors: &[FieldError]) -> String {
    let mut s = errors.iter().take(5).map(|e| e.to_string()).collect::<Vec<_>>().join("; ");
    if errors.len() > 5 {
        s.push_str(&format!("; and {} more", errors.len() - 5));
    }
    s
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self.inner() {
            Error::Validation(_) => ErrorKind::Validation,
            Error::Config(_) | Error::ClientOption(_) => ErrorKind::Config,
            Error::Api { code, .. } => ErrorKind::from_code(code),
            Error::Connection(_) => ErrorKind::Connection,
            Error::Timeout(_) => ErrorKind::Timeout,
            Error::OutcomeUnknown { .. } | Error::Cancelled { sent: true } => ErrorKind::OutcomeUnknown,
            Error::Cancelled { sent: false } => ErrorKind::Cancelled,
            Error::Io { .. } => ErrorKind::Io,
            Error::WaitTimedOut { .. } => ErrorKind::WaitTimedOut,
            Error::StoreUnavailable(_) => ErrorKind::StoreUnavailable,
            Error::KeyPending { .. } => ErrorKind::OutcomeUnknown,
            Error::Attempted { error, .. } => error.kind(),
        }
    }

    /// The error itself, without the call an [`Error::Attempted`] adds.
    pub fn inner(&self) -> &Error {
        match self {
            Error::Attempted { error, .. } => error.inner(),
            other => other,
        }
    }

    /// For an outcome-unknown error of `create_ai_call`: the call it may have placed.
    pub fn attempt(&self) -> Option<&crate::outcome::CallAttempt> {
        match self {
            Error::Attempted { attempt, .. } => Some(attempt),
            _ => None,
        }
    }

    /// This error with the call it may have placed (only outcome-unknown errors carry one).
    pub fn with_attempt(self, attempt: crate::outcome::CallAttempt) -> Error {
        if !self.outcome_unknown() || self.attempt().is_some() {
            return self;
        }
        Error::Attempted { attempt: Box::new(attempt), error: Box::new(self) }
    }

    /// An I/O error on `path`.
    pub fn io(path: &Path, error: &std::io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), kind: error.kind(), message: error.to_string() }
    }

    /// The platform's reason for an [`Error::Io`].
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self.inner() {
            Error::Io { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// The file of an [`Error::Io`].
    pub fn path(&self) -> Option<&Path> {
        match self.inner() {
            Error::Io { path, .. } => Some(path),
            _ => None,
        }
    }

    /// True when the caller's cancel ended the call (before or after the request left).
    pub fn cancelled(&self) -> bool {
        matches!(self.inner(), Error::Cancelled { .. })
    }

    /// True exactly when the request may have reached the service and no definitive rejection came back.
    pub fn outcome_unknown(&self) -> bool {
        match self.inner() {
            Error::Api { code, .. } => code_rule(code).kind == ErrorKind::InternalServer,
            Error::OutcomeUnknown { .. } | Error::KeyPending { .. } => true,
            Error::Cancelled { sent } => *sent,
            _ => false,
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self.inner() {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self.inner() {
            Error::Api { request_id, .. } => Some(request_id),
            Error::OutcomeUnknown { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    pub fn http_status(&self) -> Option<u16> {
        match self.inner() {
            Error::Api { http_status, .. } => Some(*http_status),
            Error::OutcomeUnknown { http_status, .. } => *http_status,
            _ => None,
        }
    }

    /// The service's message, or this error's own description.
    pub fn message(&self) -> String {
        match self.inner() {
            Error::Api { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// True when the failure was a timeout (connecting, or waiting for the answer after sending).
    pub fn timed_out(&self) -> bool {
        matches!(self.inner(), Error::Timeout(_) | Error::OutcomeUnknown { timed_out: true, .. })
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self.inner() {
            Error::Validation(v) => v,
            _ => &[],
        }
    }

    /// What a binding shows as the exception message: the service's own message for API errors, otherwise this
    /// error's description with field names spelled for the caller's language.
    pub fn detail_in(&self, case: KeyCase) -> String {
        match self.inner() {
            Error::Api { message, .. } => message.clone(),
            other => other.message_in(case),
        }
    }

    /// The message with field and option names spelled for the caller's language.
    pub fn message_in(&self, case: KeyCase) -> String {
        match self.inner() {
            Error::Validation(errors) => {
                let rendered: Vec<String> =
                    errors.iter().map(|e| format!("{}: {}", e.field(case), e.message_in(case))).collect();
                let mut s =
                    format!("invalid request: {}", rendered.iter().take(5).cloned().collect::<Vec<_>>().join("; "));
                if rendered.len() > 5 {
                    s.push_str(&format!("; and {} more", rendered.len() - 5));
                }
                s
            }
            Error::Config(_) => crate::config::options_in(&self.to_string(), case),
            other => other.to_string(),
        }
    }

    /// What this error says about its request: whether the service certainly did not act on it, and when
    /// sending it again can do good. The one rule behind every resend (client retries, campaign re-queueing,
    /// journal replay).
    pub fn verdict(&self) -> Verdict {
        match self.inner() {
            // Nothing was sent.
            Error::Validation(_)
            | Error::Config(_)
            | Error::ClientOption(_)
            | Error::Io { .. }
            | Error::Cancelled { sent: false } => Verdict::not_acted(Resend::Never),
            // DNS, TCP connect, TLS handshake or a connect timeout: the request never left.
            Error::Connection(_) | Error::Timeout(_) => Verdict::not_acted(Resend::Soon),
            Error::Api { code, .. } => code_rule(code).verdict,
            Error::OutcomeUnknown { .. } | Error::Cancelled { sent: true } | Error::KeyPending { .. } => {
                Verdict::MAY_HAVE_ACTED
            }
            // Nothing was sent; the store may be back in seconds.
            Error::StoreUnavailable(_) => Verdict::not_acted(Resend::Later),
            // A read: nothing about it is to be resent automatically by a campaign.
            Error::WaitTimedOut { .. } => Verdict::not_acted(Resend::Never),
            Error::Attempted { error, .. } => error.verdict(),
        }
    }

    /// Whether the service certainly did not act on this request (so sending it again cannot dial twice).
    pub fn certainly_not_acted(&self) -> bool {
        self.verdict().not_acted
    }

    /// When the same request may be sent again: [`Resend::Never`] unless the service certainly did not act.
    pub fn resend(&self) -> Resend {
        let v = self.verdict();
        if v.not_acted {
            v.resend
        } else {
            Resend::Never
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str) -> Error {
        Error::Api { code: code.into(), message: "m".into(), request_id: "r".into(), http_status: 200 }
    }

    #[test]
    fn codes_classify_by_family() {
        for (code, kind) in [
            ("AuthFailure.SignatureFailure", ErrorKind::Authentication),
            ("AuthFailure.SignatureExpire", ErrorKind::Authentication),
            ("UnauthorizedOperation", ErrorKind::Authentication),
            ("RequestLimitExceeded", ErrorKind::RateLimited),
            ("RequestLimitExceeded.UinLimitExceeded", ErrorKind::RateLimited),
            ("InvalidParameterValue.PhoneNumInvalid", ErrorKind::InvalidRequest),
            ("MissingParameter", ErrorKind::InvalidRequest),
            ("UnknownParameter", ErrorKind::InvalidRequest),
            ("InvalidAction", ErrorKind::InvalidRequest),
            ("FailedOperation.CalleeIsBlackUser", ErrorKind::CallRejected),
            ("LimitExceeded.BasePackageExpired", ErrorKind::CallRejected),
            ("OperationDenied.NotInWhiteList", ErrorKind::CallRejected),
            ("ResourceNotFound", ErrorKind::CallRejected),
            ("InternalError", ErrorKind::InternalServer),
            ("InternalError.DBError", ErrorKind::InternalServer),
            ("FailedOperation.AIConcurrentOverFrequency", ErrorKind::CallRejected),
            ("SomethingNew.Entirely", ErrorKind::CallRejected),
        ] {
            assert_eq!(api(code).kind(), kind, "{code}");
        }
    }

    #[test]
    fn outcome_unknown_exactly_when_it_may_have_dialled() {
        assert!(api("InternalError").outcome_unknown());
        assert!(!api("FailedOperation.CallOutFailed").outcome_unknown());
        assert!(!api("RequestLimitExceeded").outcome_unknown());
        assert!(Error::OutcomeUnknown {
            reason: "x".into(),
            request_id: None,
            http_status: Some(502),
            timed_out: false
        }
        .outcome_unknown());
        assert!(!Error::Connection("refused".into()).outcome_unknown());
        assert!(!Error::Timeout("connect".into()).outcome_unknown());
        assert!(Error::Cancelled { sent: true }.outcome_unknown());
        assert!(!Error::Cancelled { sent: false }.outcome_unknown());
    }

    #[test]
    fn a_cancel_after_sending_is_outcome_unknown_and_before_it_is_cancelled() {
        assert_eq!(Error::Cancelled { sent: true }.kind(), ErrorKind::OutcomeUnknown);
        assert_eq!(Error::Cancelled { sent: false }.kind(), ErrorKind::Cancelled);
        assert!(Error::Cancelled { sent: true }.cancelled() && Error::Cancelled { sent: false }.cancelled());
        assert!(!unknown().cancelled());
    }

    fn unknown() -> Error {
        Error::OutcomeUnknown { reason: "x".into(), request_id: None, http_status: None, timed_out: true }
    }

    /// The one rule: (error, certainly not acted, when to resend).
    #[test]
    fn verdicts() {
        let io = Error::io(Path::new("calls.csv"), &std::io::Error::from(std::io::ErrorKind::NotFound));
        let rows: Vec<(Error, bool, Resend)> = vec![
            (api("RequestLimitExceeded"), true, Resend::Soon),
            (api("RequestLimitExceeded.UinLimitExceeded"), true, Resend::Soon),
            (api("RequestLimitExceeded.GlobalRegionUinLimitExceeded"), true, Resend::Soon),
            (api("AuthFailure.SignatureFailure"), true, Resend::Never),
            (api("AuthFailure.SignatureExpire"), true, Resend::Never),
            (api("AuthFailure.UnauthorizedOperation"), true, Resend::Never),
            (api("FailedOperation.AIConcurrentOverFrequency"), true, Resend::Later),
            // Not documented as proof that nothing happened: never re-sent.
            (api("UnauthorizedOperation"), false, Resend::Never),
            (api("IpNotInWhitelist"), false, Resend::Never),
            (api("FailedOperation.CalleeIsBlackUser"), false, Resend::Never),
            (api("FailedOperation.CallerOverFrequency"), false, Resend::Never),
            (api("FailedOperation"), false, Resend::Never),
            (api("LimitExceeded.BasePackageExpired"), false, Resend::Never),
            (api("InvalidParameterValue.PhoneNumInvalid"), false, Resend::Never),
            (api("MissingParameter"), false, Resend::Never),
            (api("InternalError"), false, Resend::Never),
            (api("InternalError.DBError"), false, Resend::Never),
            // Unknown and future codes prove nothing.
            (api("SomethingNew"), false, Resend::Never),
            (api("FailedOperation.SomethingNew"), false, Resend::Never),
            (api(""), false, Resend::Never),
            (Error::Connection("refused".into()), true, Resend::Soon),
            (Error::Timeout("connect".into()), true, Resend::Soon),
            (Error::Validation(vec![]), true, Resend::Never),
            (Error::Config("x".into()), true, Resend::Never),
            (io, true, Resend::Never),
            (Error::Cancelled { sent: false }, true, Resend::Never),
            (Error::Cancelled { sent: true }, false, Resend::Never),
            (unknown(), false, Resend::Never),
            (Error::StoreUnavailable("redis://127.0.0.1:1/".into()), true, Resend::Later),
            (Error::KeyPending { key: "k".into(), in_flight: true }, false, Resend::Never),
        ];
        for (err, not_acted, resend) in rows {
            assert_eq!(err.certainly_not_acted(), not_acted, "{err:?}");
            assert_eq!(err.resend(), resend, "{err:?}");
            // Whatever may have dialled is never re-sent.
            assert!(err.certainly_not_acted() || err.resend() == Resend::Never, "{err:?}");
        }
    }

    #[test]
    fn the_table_names_each_code_once() {
        let mut names: Vec<&str> = CODE_RULES.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CODE_RULES.len());
        assert!(CODE_RULES.iter().all(|(_, r)| r.verdict.not_acted || r.verdict.resend == Resend::Never));
    }

    #[test]
    fn io_errors_keep_the_platform_reason_and_the_path() {
        let err = Error::io(Path::new("/x/calls.csv"), &std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(err.kind(), ErrorKind::Io);
        assert_eq!(err.io_kind(), Some(std::io::ErrorKind::NotFound));
        assert_eq!(err.path(), Some(Path::new("/x/calls.csv")));
        assert!(err.to_string().starts_with("/x/calls.csv: "), "{err}");
        assert!(!err.outcome_unknown());
    }
}
