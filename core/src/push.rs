//! Receiving the service's data pushes (OUTCOMES.md section 11): one handler that takes a request as any HTTP
//! server sees it (method, query string, headers, body) and says what to answer and, for a new push, what arrived.
//!
//! The pushes are not signed; the only protection is the receiver's own authentication: none, HTTP Basic, or an
//! OAuth2 bearer token that [`PushReceiver::token`] issued (the client-credentials grant). Credentials are compared
//! in constant time. The same push may arrive again (up to three re-pushes, same `X-TCCC-PUSH-UUID`): a bounded
//! memory of the ids seen acknowledges a re-push without delivering it twice. The service re-pushes whatever is not
//! answered `{"ErrCode": 0}` quickly, so the reply never waits for the user's handler (the bindings send it first).
//!
//! Undocumented, decided here: the Basic header is the standard one; the token request is a form POST with
//! `grant_type=client_credentials` and the client authenticated by HTTP Basic or by `client_id`/`client_secret`
//! form fields (both accepted, RFC 6749 section 2.3.1); the token is presented as `Authorization: Bearer`; a
//! malformed body is answered HTTP 400 with a non-zero `ErrCode` (the service may push it again, which is harmless:
//! it is refused each time and reported).

mod shared;

pub use shared::PUSH_ID_TTL;

use crate::credential::Secret;
use crate::error::Result;
use crate::outcome::CallOutcome;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use shared::PushStore;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// The push id header; a re-push carries the same value.
pub const PUSH_ID_HEADER: &str = "x-tccc-push-uuid";
/// Bodies larger than this are refused (a call record is a few kilobytes).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// How many push ids are remembered for de-duplication (the oldest is forgotten first).
pub const DEFAULT_SEEN_CAPACITY: usize = 100_000;
/// How long an issued token is accepted.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(3600);

/// How a push must authenticate.
#[derive(Clone)]
pub enum PushAuth {
    /// No check (the service's "none" mode): rely on a secret URL and TLS.
    None,
    Basic {
        username: String,
        password: Secret,
    },
    /// OAuth2 client credentials: the service first asks [`PushReceiver::token`] for a token with this client id and
    /// secret, then presents it on every push.
    OAuth2 {
        client_id: String,
        client_secret: Secret,
        token_ttl: Duration,
    },
}

impl fmt::Debug for PushAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushAuth::None => f.write_str("None"),
            PushAuth::Basic { username, .. } => write!(f, "Basic {{ username: {username:?}, password: *** }}"),
            PushAuth::OAuth2 { client_id, token_ttl, .. } => {
                write!(f, "OAuth2 {{ client_id: {client_id:?}, client_secret: ***, token_ttl: {token_ttl:?} }}")
            }
        }
    }
}

/// What was pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PushKind {
    /// A call record (`action=cdr`): [`PushEvent::outcome`] holds it decoded.
    Cdr,
    /// A recording (`action=record`), one per recorded party.
    Recording,
    /// A voicemail recording (`action=voicemail`).
    Voicemail,
    /// An `action` this SDK does not know: the raw body is in [`PushEvent::body`].
    Unknown,
}

/// A new push, delivered once.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PushEvent {
    pub kind: PushKind,
    /// The `action` query parameter as it came.
    pub action: String,
    /// `X-TCCC-PUSH-UUID`, when the push carried one.
    pub push_id: Option<String>,
    pub session_id: Option<String>,
    /// For a call record: the same decoding as a pulled one ([`CallOutcome::from_record`]).
    pub outcome: Option<CallOutcome>,
    /// For a recording or voicemail push: its `RecordURL`.
    pub recording_url: Option<String>,
    /// The body as it came.
    pub body: Map<String, Value>,
}

/// What to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushReply {
    pub status: u16,
    /// Extra headers (`WWW-Authenticate` on a 401, `Cache-Control` on a token).
    pub headers: Vec<(&'static str, String)>,
    pub content_type: &'static str,
    pub body: String,
}

impl PushReply {
    fn json(status: u16, body: Value) -> PushReply {
        PushReply { status, headers: Vec::new(), content_type: "application/json", body: body.to_string() }
    }

    /// `{"ErrCode": 0, "ErrMsg": ""}`: received, do not push again.
    fn ok() -> PushReply {
        PushReply::json(200, json!({"ErrCode": 0, "ErrMsg": ""}))
    }

    fn refused(status: u16, message: &str) -> PushReply {
        PushReply::json(status, json!({"ErrCode": status, "ErrMsg": message}))
    }
}

/// What one request came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Handled {
    pub reply: PushReply,
    /// A new push to deliver; `None` for a refused request or a re-push already delivered.
    pub event: Option<PushEvent>,
    /// A re-push of an id already delivered (acknowledged, not delivered again).
    pub duplicate: bool,
    /// Why the request was refused (bad credentials, a malformed or oversized body...), for the log.
    pub problem: Option<String>,
}

impl Handled {
    fn refused(reply: PushReply, problem: impl Into<String>) -> Handled {
        Handled { reply, event: None, duplicate: false, problem: Some(problem.into()) }
    }
}

/// A request as the HTTP server saw it. Header names are matched without regard to case.
#[derive(Debug, Clone, Copy)]
pub struct PushRequest<'a> {
    pub method: &'a str,
    /// The query string without the `?`.
    pub query: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

impl PushRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
    }
}

/// The ids seen, oldest first, bounded.
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
    capacity: usize,
}

impl Seen {
    /// True the first time an id is offered.
    fn first_time(&mut self, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() >= self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.ids.remove(&old);
            }
        }
        self.ids.insert(id.to_string());
        self.order.push_back(id.to_string());
        true
    }
}

/// Receives pushes: authenticates, de-duplicates, decodes. `Send + Sync`; share one per endpoint.
pub struct PushReceiver {
    auth: PushAuth,
    max_body_bytes: usize,
    seen: Mutex<Seen>,
    /// SHA-256 of each issued token, with when it stops being accepted (the tokens themselves are not kept).
    tokens: Mutex<HashMap<[u8; 32], Instant>>,
    /// With [`PushReceiver::with_redis`]: the push ids and tokens every receiver process shares.
    store: Option<PushStore>,
}

impl fmt::Debug for PushReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushReceiver").field("auth", &self.auth).field("max_body_bytes", &self.max_body_bytes).finish()
    }
}

impl PushReceiver {
    pub fn new(auth: PushAuth) -> Self {
        PushReceiver::with_limits(auth, DEFAULT_MAX_BODY_BYTES, DEFAULT_SEEN_CAPACITY)
    }

    pub fn with_limits(auth: PushAuth, max_body_bytes: usize, seen_capacity: usize) -> Self {
        PushReceiver {
            auth,
            max_body_bytes,
            seen: Mutex::new(Seen { ids: HashSet::new(), order: VecDeque::new(), capacity: seen_capacity.max(1) }),
            tokens: Mutex::new(HashMap::new()),
            store: None,
        }
    }

    /// Share the ids of the pushes delivered and the OAuth2 tokens issued with every receiver that uses the same
    /// Redis (see [`shared`]): for a receiver that runs as several processes. When Redis does not answer, this
    /// receiver goes on with its own memory (a re-push reaching another process may then be delivered twice).
    pub fn with_redis(mut self, redis_url: &str) -> Result<Self> {
        self.store = Some(PushStore::new(redis_url)?);
        Ok(self)
    }

    /// Whether a push id is new: to every receiver sharing the store, else to this one.
    fn first_time(&self, id: &str) -> bool {
        let here = self.seen.lock().unwrap_or_else(|p| p.into_inner()).first_time(id);
        match self.store.as_ref().map(|store| store.first_time(id)) {
            Some(Ok(first)) => first,
            Some(Err(e)) => {
                log::warn!(target: "ccc_aicall", "push de-duplication falls back to this process's memory: {e}");
                here
            }
            None => here,
        }
    }

    /// Handle one push request.
    pub fn handle(&self, request: &PushRequest<'_>) -> Handled {
        if !request.method.eq_ignore_ascii_case("POST") {
            let mut reply = PushReply::refused(405, "pushes are POST requests");
            reply.headers.push(("Allow", "POST".into()));
            return Handled::refused(reply, format!("method {} refused", request.method));
        }
        if let Err(problem) = self.authenticate(request) {
            let mut reply = PushReply::refused(401, "authentication required");
            let scheme = if matches!(self.auth, PushAuth::OAuth2 { .. }) { "Bearer" } else { "Basic" };
            reply.headers.push(("WWW-Authenticate", format!("{scheme} realm=\"ccc-push\"")));
            return Handled::refused(reply, problem);
        }
        if request.body.len() > self.max_body_bytes {
            return Handled::refused(
                PushReply::refused(413, "body too large"),
                format!("a body of {} bytes (the limit is {})", request.body.len(), self.max_body_bytes),
            );
        }
        let body = match serde_json::from_slice::<Value>(request.body) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return Handled::refused(PushReply::refused(400, "the body must be a JSON object"), "not an object")
            }
            Err(e) => {
                return Handled::refused(PushReply::refused(400, "the body is not JSON"), format!("not JSON: {e}"))
            }
        };
        let push_id = request.header(PUSH_ID_HEADER).filter(|id| !id.is_empty()).map(String::from);
        if let Some(id) = &push_id {
            if !self.first_time(id) {
                return Handled { reply: PushReply::ok(), event: None, duplicate: true, problem: None };
            }
        }
        let action = query_value(request.query, "action").unwrap_or_default();
        let kind = match action.as_str() {
            "cdr" => PushKind::Cdr,
            "record" => PushKind::Recording,
            "voicemail" => PushKind::Voicemail,
            _ => PushKind::Unknown,
        };
        let text = |key: &str| body.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from);
        let event = PushEvent {
            kind,
            action,
            push_id,
            session_id: text("SessionId"),
            outcome: (kind == PushKind::Cdr).then(|| CallOutcome::from_record(&body)),
            recording_url: if matches!(kind, PushKind::Recording | PushKind::Voicemail) {
                text("RecordURL")
            } else {
                None
            },
            body,
        };
        Handled { reply: PushReply::ok(), event: Some(event), duplicate: false, problem: None }
    }

    /// The OAuth2 token endpoint (client-credentials grant) for [`PushAuth::OAuth2`]: a form POST with
    /// `grant_type=client_credentials`, the client authenticated by HTTP Basic or by `client_id` and `client_secret`
    /// form fields. Answers a short-lived bearer token, or the RFC 6749 error.
    pub fn token(&self, request: &PushRequest<'_>) -> PushReply {
        let PushAuth::OAuth2 { client_id, client_secret, token_ttl } = &self.auth else {
            return PushReply::json(404, json!({"error": "invalid_request", "error_description": "no OAuth2 here"}));
        };
        let error = |status: u16, code: &str| PushReply::json(status, json!({"error": code}));
        if !request.method.eq_ignore_ascii_case("POST") {
            return error(405, "invalid_request");
        }
        let form = std::str::from_utf8(request.body).unwrap_or_default();
        if query_value(form, "grant_type").as_deref() != Some("client_credentials") {
            return error(400, "unsupported_grant_type");
        }
        let presented = match basic_credentials(request.header("authorization")) {
            Some(pair) => Some(pair),
            None => query_value(form, "client_id").zip(query_value(form, "client_secret")),
        };
        let Some((id, secret)) = presented else {
            let mut reply = error(401, "invalid_client");
            reply.headers.push(("WWW-Authenticate", "Basic realm=\"ccc-push\"".into()));
            return reply;
        };
        if !(same(&id, client_id) & same(&secret, client_secret.expose())) {
            return error(401, "invalid_client");
        }
        let mut raw = [0u8; 32];
        if getrandom::getrandom(&mut raw).is_err() {
            return error(500, "server_error");
        }
        let token = hex_encode(&raw);
        let now = Instant::now();
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.retain(|_, expires| *expires > now);
        tokens.insert(digest(&token), now + *token_ttl);
        drop(tokens);
        if let Some(store) = &self.store {
            if let Err(e) = store.remember_token(&hex_encode(&digest(&token)), *token_ttl) {
                log::warn!(target: "ccc_aicall", "the token is known to this process only: {e}");
            }
        }
        let mut reply = PushReply::json(
            200,
            json!({"access_token": token, "token_type": "Bearer", "expires_in": token_ttl.as_secs()}),
        );
        reply.headers.push(("Cache-Control", "no-store".into()));
        reply
    }

    fn authenticate(&self, request: &PushRequest<'_>) -> Result<(), String> {
        let header = request.header("authorization");
        match &self.auth {
            PushAuth::None => Ok(()),
            PushAuth::Basic { username, password } => match basic_credentials(header) {
                Some((user, pass)) if same(&user, username) & same(&pass, password.expose()) => Ok(()),
                Some(_) => Err("wrong Basic credentials".into()),
                None => Err("no Basic credentials".into()),
            },
            PushAuth::OAuth2 { .. } => {
                let token = header
                    .and_then(|h| h.split_once(' '))
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map(|(_, t)| t.trim())
                    .ok_or("no bearer token")?;
                let presented = digest(token);
                let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
                match tokens.get(&presented) {
                    Some(expires) if *expires > Instant::now() => Ok(()),
                    Some(_) => Err("an expired token".into()),
                    None => {
                        drop(tokens);
                        // Issued by another receiver process: the shared store knows it until it expires, and this
                        // process remembers it from then on (so that it outlives a Redis outage).
                        match self.store.as_ref().map(|store| store.token_left(&hex_encode(&presented))) {
                            Some(Ok(Some(left))) => {
                                let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
                                tokens.insert(presented, Instant::now() + left);
                                Ok(())
                            }
                            Some(Err(e)) => Err(format!("a token this process did not issue ({e})")),
                            _ => Err("a token this receiver did not issue".into()),
                        }
                    }
                }
            }
        }
    }
}

/// Equal in constant time (the lengths may show; the contents do not): compares the SHA-256 digests.
fn same(given: &str, expected: &str) -> bool {
    bool::from(digest(given).ct_eq(&digest(expected)))
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `Authorization: Basic base64(user:password)`.
fn basic_credentials(header: Option<&str>) -> Option<(String, String)> {
    let (scheme, encoded) = header?.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = BASE64.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// One parameter of a query string or form body, percent-decoded (`+` is a space).
fn query_value(query: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CallStatus;

    const CDR: &str = r#"{"SdkAppId": 1400000000, "SessionId": "s1", "Callee": "008613012345678",
        "EndStatusString": "notAnswer", "RingTimestamp": 1608130639, "AcceptTimestamp": 0,
        "EndedTimestamp": 1608130651, "Duration": 0, "HungUpSide": "user"}"#;

    fn push<'a>(query: &'a str, headers: &'a [(&'a str, &'a str)], body: &'a [u8]) -> PushRequest<'a> {
        PushRequest { method: "POST", query, headers, body }
    }

    fn basic(user: &str, password: &str) -> String {
        format!("Basic {}", BASE64.encode(format!("{user}:{password}")))
    }

    #[test]
    fn a_cdr_push_is_decoded_once_and_a_repush_acknowledged() {
        let receiver = PushReceiver::new(PushAuth::None);
        let headers = [("X-TCCC-PUSH-UUID", "p-1"), ("Content-Type", "application/json;charset=utf8")];
        let first = receiver.handle(&push("action=cdr&version=1", &headers, CDR.as_bytes()));
        assert_eq!((first.reply.status, first.reply.body.as_str()), (200, r#"{"ErrCode":0,"ErrMsg":""}"#));
        let event = first.event.expect("a new push");
        assert_eq!(
            (event.kind, event.push_id.as_deref(), event.session_id.as_deref()),
            (PushKind::Cdr, Some("p-1"), Some("s1"))
        );
        let outcome = event.outcome.expect("decoded");
        assert_eq!((outcome.status, outcome.answered), (CallStatus::NotAnswered, false));
        let again = receiver.handle(&push("action=cdr&version=1", &headers, CDR.as_bytes()));
        assert_eq!(again.reply.status, 200);
        assert!(again.duplicate && again.event.is_none());
    }

    #[test]
    fn recordings_voicemail_and_unknown_actions() {
        let receiver = PushReceiver::new(PushAuth::None);
        let body = br#"{"SdkAppId": 1, "SessionId": "s", "RecordURL": "http://r/x.mp3", "EndpointUser": 13123456789}"#;
        for (query, kind) in [
            ("action=record&version=1", PushKind::Recording),
            ("action=voicemail", PushKind::Voicemail),
            ("action=imcdr&version=1", PushKind::Unknown),
        ] {
            let event = receiver.handle(&push(query, &[], body)).event.unwrap();
            assert_eq!(event.kind, kind);
            assert_eq!(event.recording_url.is_some(), kind != PushKind::Unknown);
            assert_eq!(event.body["EndpointUser"], 13123456789u64, "a number where a string is typed reads");
        }
    }

    #[test]
    fn basic_credentials_wrong_missing_and_right() {
        let auth = PushAuth::Basic { username: "ccc".into(), password: Secret::new("s3cret") };
        let receiver = PushReceiver::new(auth);
        for header in [None, Some(basic("ccc", "wrong")), Some(basic("other", "s3cret")), Some("Bearer x".into())] {
            let headers: Vec<(&str, &str)> = header.iter().map(|h| ("Authorization", h.as_str())).collect();
            let refused = receiver.handle(&push("action=cdr", &headers, CDR.as_bytes()));
            assert_eq!(refused.reply.status, 401, "{header:?}");
            assert!(refused.event.is_none() && refused.problem.is_some());
            assert!(refused.reply.headers.iter().any(|(k, _)| *k == "WWW-Authenticate"));
        }
        let right = basic("ccc", "s3cret");
        let accepted = receiver.handle(&push("action=cdr", &[("authorization", &right)], CDR.as_bytes()));
        assert_eq!(accepted.reply.status, 200);
        assert!(accepted.event.is_some());
        assert!(!format!("{receiver:?}").contains("s3cret"));
    }

    #[test]
    fn oauth2_tokens_are_issued_to_the_client_and_expire() {
        let auth = PushAuth::OAuth2 {
            client_id: "id".into(),
            client_secret: Secret::new("sec"),
            token_ttl: Duration::from_millis(200),
        };
        let receiver = PushReceiver::new(auth);
        let form = b"grant_type=client_credentials&client_id=id&client_secret=sec";
        let reply = receiver.token(&PushRequest { method: "POST", query: "", headers: &[], body: form });
        assert_eq!(reply.status, 200, "{}", reply.body);
        let token: Value = serde_json::from_str(&reply.body).unwrap();
        let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
        assert_eq!(token["token_type"], "Bearer");
        let by_basic = basic("id", "sec");
        let headers = [("Authorization", by_basic.as_str())];
        let second = receiver.token(&PushRequest {
            method: "POST",
            query: "",
            headers: &headers,
            body: b"grant_type=client_credentials",
        });
        assert_eq!(second.status, 200, "client authenticated by HTTP Basic");
        let wrong = b"grant_type=client_credentials&client_id=id&client_secret=nope";
        assert_eq!(receiver.token(&PushRequest { method: "POST", query: "", headers: &[], body: wrong }).status, 401);
        let grant = b"grant_type=password&client_id=id&client_secret=sec";
        assert_eq!(receiver.token(&PushRequest { method: "POST", query: "", headers: &[], body: grant }).status, 400);

        let ok = receiver.handle(&push("action=cdr", &[("Authorization", &bearer)], CDR.as_bytes()));
        assert_eq!(ok.reply.status, 200);
        let forged = receiver.handle(&push("action=cdr", &[("Authorization", "Bearer 00ff")], CDR.as_bytes()));
        assert_eq!(forged.reply.status, 401);
        std::thread::sleep(Duration::from_millis(250));
        let expired = receiver.handle(&push("action=cdr", &[("Authorization", &bearer)], CDR.as_bytes()));
        assert_eq!((expired.reply.status, expired.problem.as_deref()), (401, Some("an expired token")));
    }

    #[test]
    fn malformed_oversized_and_wrong_method_are_refused_without_an_event() {
        let receiver = PushReceiver::with_limits(PushAuth::None, 64, 10);
        let cases: [(&str, &[u8], u16); 3] =
            [("POST", b"{not json", 400), ("POST", b"[1, 2]", 400), ("POST", &[b' '; 65], 413)];
        for (method, body, status) in cases {
            let handled = receiver.handle(&PushRequest { method, query: "action=cdr", headers: &[], body });
            assert_eq!(handled.reply.status, status);
            assert!(handled.event.is_none() && handled.problem.is_some());
            let reply: Value = serde_json::from_str(&handled.reply.body).unwrap();
            assert_ne!(reply["ErrCode"], 0);
        }
        let get = receiver.handle(&PushRequest { method: "GET", query: "", headers: &[], body: b"" });
        assert_eq!(get.reply.status, 405);
    }

    #[test]
    fn the_memory_of_push_ids_is_bounded() {
        let receiver = PushReceiver::with_limits(PushAuth::None, 1024, 2);
        let send = |id: &str| receiver.handle(&push("action=cdr", &[(PUSH_ID_HEADER, id)], CDR.as_bytes())).duplicate;
        assert!(!send("a") && !send("b") && send("a"));
        assert!(!send("c"), "a third id forgets the oldest");
        assert!(!send("a"), "forgotten, so delivered again");
    }
}
