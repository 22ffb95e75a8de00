//! One error model for the core and both bindings.
//!
//! API errors are classified by `Error.Code` (never by HTTP status when an envelope is present). Every error
//! answers [`Error::outcome_unknown`]: true exactly when the request may have reached the service and no
//! definitive rejection came back, i.e. a phone may have been dialled.

use crate::field::{FieldError, KeyCase};
use std::fmt;

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
    /// `FailedOperation*`, `LimitExceeded*`, `OperationDenied*`, `ResourceNotFound*`, ...: the service declined the call.
    CallRejected,
    /// `InternalError*`: the service failed; it may have dialled.
    InternalServer,
    /// Nothing reached the service (DNS, connect, TLS).
    Connection,
    /// A timeout before the request was sent (connecting).
    Timeout,
    /// The request was sent and no definitive answer came back (timeout, connection loss, 5xx, unparseable body).
    OutcomeUnknown,
    /// The call was cancelled by the caller before an answer came back.
    Cancelled,
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
        }
    }

    /// Classify a service `Error.Code`.
    pub fn from_code(code: &str) -> ErrorKind {
        let family = code.split('.').next().unwrap_or(code);
        match family {
            "AuthFailure" | "UnauthorizedOperation" | "IpInBlacklist" | "IpNotInWhitelist" => ErrorKind::Authentication,
            "RequestLimitExceeded" => ErrorKind::RateLimited,
            "InternalError" => ErrorKind::InternalServer,
            "InvalidParameter"
            | "InvalidParameterValue"
            | "MissingParameter"
            | "UnknownParameter"
            | "InvalidAction"
            | "NoSuchVersion"
            | "ActionOffline"
            | "InvalidRequest"
            | "UnsupportedOperation" => ErrorKind::InvalidRequest,
            _ => ErrorKind::CallRejected,
        }
    }
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

    #[error("cancelled before an answer came back{}", if *.sent { " (the request had been sent: the call may have been placed)" } else { "" })]
    Cancelled { sent: bool },
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
        match self {
            Error::Validation(_) => ErrorKind::Validation,
            Error::Config(_) | Error::ClientOption(_) => ErrorKind::Config,
            Error::Api { code, .. } => ErrorKind::from_code(code),
            Error::Connection(_) => ErrorKind::Connection,
            Error::Timeout(_) => ErrorKind::Timeout,
            Error::OutcomeUnknown { .. } => ErrorKind::OutcomeUnknown,
            Error::Cancelled { .. } => ErrorKind::Cancelled,
        }
    }

    /// True exactly when the request may have reached the service and no definitive rejection came back.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Api { code, .. } => ErrorKind::from_code(code) == ErrorKind::InternalServer,
            Error::OutcomeUnknown { .. } => true,
            Error::Cancelled { sent } => *sent,
            _ => false,
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } => Some(request_id),
            Error::OutcomeUnknown { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Api { http_status, .. } => Some(*http_status),
            Error::OutcomeUnknown { http_status, .. } => *http_status,
            _ => None,
        }
    }

    /// The service's message, or this error's own description.
    pub fn message(&self) -> String {
        match self {
            Error::Api { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// True when the failure was a timeout (connecting, or waiting for the answer after sending).
    pub fn timed_out(&self) -> bool {
        matches!(self, Error::Timeout(_) | Error::OutcomeUnknown { timed_out: true, .. })
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Validation(v) => v,
            _ => &[],
        }
    }

    /// What a binding shows as the exception message: the service's own message for API errors, otherwise this
    /// error's description with field names spelled for the caller's language.
    pub fn detail_in(&self, case: KeyCase) -> String {
        match self {
            Error::Api { message, .. } => message.clone(),
            other => other.message_in(case),
        }
    }

    /// The message with field and option names spelled for the caller's language.
    pub fn message_in(&self, case: KeyCase) -> String {
        match self {
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

    /// Whether the service certainly did not act on this request (so sending it again cannot dial twice).
    pub fn certainly_not_acted(&self) -> bool {
        match self {
            Error::Validation(_)
            | Error::Config(_)
            | Error::ClientOption(_)
            | Error::Connection(_)
            | Error::Timeout(_) => true,
            Error::Api { code, .. } => {
                matches!(ErrorKind::from_code(code), ErrorKind::Authentication | ErrorKind::RateLimited)
            }
            Error::Cancelled { sent } => !sent,
            Error::OutcomeUnknown { .. } => false,
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
}
