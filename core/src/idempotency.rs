//! Idempotency keys for `create_ai_call`: Stripe's idempotency, done on the client's side.
//!
//! Before a call with a key is sent, the key is claimed atomically in the client's store (Redis when configured,
//! else this process's memory) with the client's `idempotency_ttl`. Whoever comes with the same key afterwards, in
//! any process sharing the store, sends nothing: it gets the stored [`AiCallResult`] (with `replayed` set) once the
//! first attempt placed the call, and [`Error::KeyPending`] while that attempt is in flight or after it ended with
//! its outcome unknown.
//!
//! The claim covers one `create_ai_call`, its own retries included (they resend the same request only when the
//! service certainly did not act on it). It is released when the call certainly was not placed (the request was
//! refused before sending, or the service's answer proves it did not act), so that a later attempt may send; it
//! is kept, marked unknown, when the call may have been placed.

use crate::client::AiCallResult;
use crate::error::{Error, Result};
use crate::field::FieldError;
use crate::outcome::CallAttempt;
use crate::store::{self, Claim, Connection, Store};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The longest idempotency key, in bytes: room for a UUID with a prefix, or an application's own composite id.
pub const MAX_KEY_LEN: usize = 255;

/// The field name errors use for the key (`idempotency_key` in Python, `idempotencyKey` in Node).
const FIELD: &str = "IdempotencyKey";

/// Per-call options of [`crate::Client::create_ai_call_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Send this call at most once per key: a repeat with the same key, in this process or any other sharing the
    /// Redis store, returns the first call's result or [`Error::KeyPending`] and never dials again. 1 to
    /// [`MAX_KEY_LEN`] bytes, no control characters. Remembered for the client's `idempotency_ttl`.
    pub idempotency_key: Option<String>,
}

/// A key fit to use, or a validation error naming the field.
pub(crate) fn check_key(key: &str) -> Result<()> {
    let problem = if key.is_empty() {
        Some("must not be empty".to_string())
    } else if key.len() > MAX_KEY_LEN {
        Some(format!("must be at most {MAX_KEY_LEN} bytes long, not {}", key.len()))
    } else if key.chars().any(char::is_control) {
        Some("must not contain control characters".to_string())
    } else {
        None
    };
    match problem {
        Some(p) => Err(Error::Validation(vec![FieldError::invalid(FIELD, p)])),
        None => Ok(()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum State {
    InFlight,
    Unknown,
    Placed,
}

/// What the store holds for a key: JSON, read by the settle script for its `owner`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    owner: String,
    state: State,
    /// A hash of the request's wire body: a key reused for a different call is a mistake, not a repeat.
    request: String,
    sdk_app_id: u64,
    callee: String,
    sent_at_ms: Option<u64>,
    max_call_duration_ms: Option<u64>,
    session_id: Option<String>,
    request_id: Option<String>,
    extraction_configured: bool,
}

/// The call a claim is for.
pub(crate) struct Call<'a> {
    pub key: &'a str,
    pub body: &'a str,
    pub sdk_app_id: u64,
    pub callee: &'a str,
    pub max_call_duration: Option<Duration>,
    pub extraction_configured: bool,
}

/// A key this caller holds: settle it with the call's outcome.
pub(crate) struct Held<'a> {
    store: &'a Store,
    conn: &'a Connection,
    store_key: String,
    record: Record,
    ttl: Duration,
}

/// Claim the key of `call`: `Ok(Err(result))` is a repeat of a placed call (nothing to send).
pub(crate) async fn claim<'a>(
    store: &'a Store,
    conn: &'a Connection,
    account: &str,
    call: &Call<'_>,
    ttl: Duration,
) -> Result<std::result::Result<Held<'a>, AiCallResult>> {
    let record = Record {
        owner: new_owner(),
        state: State::InFlight,
        request: store::hash_hex(call.body),
        sdk_app_id: call.sdk_app_id,
        callee: call.callee.to_string(),
        sent_at_ms: None,
        max_call_duration_ms: call.max_call_duration.map(|d| d.as_millis() as u64),
        session_id: None,
        request_id: None,
        extraction_configured: call.extraction_configured,
    };
    let store_key = store::idempotency_store_key(account, call.key);
    match store.claim(conn, &store_key, &to_json(&record), ttl).await? {
        Claim::Claimed => Ok(Ok(Held { store, conn, store_key, record, ttl })),
        Claim::Taken(stored) => repeat(call, &stored).map(Err),
    }
}

/// What a repeat of a taken key gets.
fn repeat(call: &Call<'_>, stored: &str) -> Result<AiCallResult> {
    let Ok(earlier) = serde_json::from_str::<Record>(stored) else {
        // Not a record this crate wrote: the conservative answer, as if the first attempt were still going.
        return Err(Error::KeyPending { key: call.key.to_string(), in_flight: true });
    };
    if earlier.request != store::hash_hex(call.body) {
        return Err(Error::Validation(vec![FieldError::invalid(
            FIELD,
            format!("{:?} was already used for a different call; each call needs a key of its own", call.key),
        )]));
    }
    let pending = |in_flight| {
        let attempt = CallAttempt {
            sdk_app_id: earlier.sdk_app_id,
            callee: earlier.callee.clone(),
            sent_at: earlier.sent_at_ms.map_or_else(SystemTime::now, from_ms),
            max_call_duration: earlier.max_call_duration_ms.map(Duration::from_millis),
        };
        Error::KeyPending { key: call.key.to_string(), in_flight }.with_attempt(attempt)
    };
    match (earlier.state, earlier.session_id, earlier.request_id, earlier.sent_at_ms) {
        (State::Placed, Some(session_id), Some(request_id), Some(sent_at)) => Ok(AiCallResult {
            session_id,
            request_id,
            sdk_app_id: earlier.sdk_app_id,
            callee: earlier.callee,
            placed_at: from_ms(sent_at),
            extraction_configured: earlier.extraction_configured,
            replayed: true,
        }),
        (State::InFlight, ..) => Err(pending(true)),
        _ => Err(pending(false)),
    }
}

impl Held<'_> {
    /// The call was placed: keep its result for the key's repeats.
    pub async fn placed(mut self, result: &AiCallResult) {
        self.record.state = State::Placed;
        self.record.session_id = Some(result.session_id.clone());
        self.record.request_id = Some(result.request_id.clone());
        self.record.sent_at_ms = Some(ms(result.placed_at));
        self.write(true).await;
    }

    /// The call ended with `error`: release the key if the call certainly was not placed, else mark it unknown.
    pub async fn failed(mut self, error: &Error) {
        if error.certainly_not_acted() {
            self.write(false).await;
        } else {
            self.record.state = State::Unknown;
            self.record.sent_at_ms = Some(error.attempt().map_or_else(|| ms(SystemTime::now()), |a| ms(a.sent_at)));
            self.write(true).await;
        }
    }

    async fn write(&self, keep: bool) {
        let record = keep.then(|| to_json(&self.record));
        let settled =
            self.store.settle(self.conn, &self.store_key, &self.record.owner, record.as_deref(), self.ttl).await;
        // The claim stays as it was ("in flight" until its TTL): repeats are refused as outcome unknown, never sent.
        if let Err(e) = settled {
            log::warn!(target: "ccc_aicall", "idempotency key's outcome not recorded, repeats will be refused: {e}");
        }
    }
}

fn to_json(record: &Record) -> String {
    serde_json::to_string(record).expect("a record serialises")
}

/// A random owner for a claim, so that only its claimant settles it.
fn new_owner() -> String {
    let mut raw = [0u8; 16];
    if getrandom::getrandom(&mut raw).is_err() {
        raw = fastrand::u128(..).to_le_bytes();
    }
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

fn ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

fn from_ms(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_and_named() {
        assert!(check_key("appt-123").is_ok());
        assert!(check_key(&"x".repeat(MAX_KEY_LEN)).is_ok());
        for bad in ["", "a\nb", &"x".repeat(MAX_KEY_LEN + 1)] {
            let e = check_key(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Validation);
            assert_eq!(e.field_errors()[0].field(crate::KeyCase::Snake), "idempotency_key");
            assert_eq!(e.field_errors()[0].field(crate::KeyCase::Camel), "idempotencyKey");
        }
    }

    fn call<'a>(key: &'a str, body: &'a str) -> Call<'a> {
        Call {
            key,
            body,
            sdk_app_id: 1400000000,
            callee: "008613012345678",
            max_call_duration: None,
            extraction_configured: false,
        }
    }

    #[tokio::test]
    async fn a_repeat_replays_a_placed_call_and_refuses_an_unsettled_one() {
        let store = Store::Memory(Default::default());
        let conn = Connection::default();
        let ttl = Duration::from_secs(60);
        let held = claim(&store, &conn, "acct", &call("k", "{}"), ttl).await.unwrap().ok().unwrap();
        let e = claim(&store, &conn, "acct", &call("k", "{}"), ttl).await.err().unwrap();
        assert!(matches!(e.inner(), Error::KeyPending { in_flight: true, .. }) && e.outcome_unknown(), "{e}");
        assert!(e.to_string().contains("\"k\""), "the key is named: {e}");
        assert!(e.attempt().is_some(), "the call it may have placed, for reconcile");
        let other = claim(&store, &conn, "acct", &call("k", "{\"other\":1}"), ttl).await.err().unwrap();
        assert_eq!(other.kind(), crate::ErrorKind::Validation, "{other}");
        assert!(claim(&store, &conn, "other account", &call("k", "{}"), ttl).await.unwrap().is_ok());

        let placed = AiCallResult {
            session_id: "s-1".into(),
            request_id: "r-1".into(),
            sdk_app_id: 1400000000,
            callee: "008613012345678".into(),
            placed_at: from_ms(1_700_000_000_123),
            extraction_configured: false,
            replayed: false,
        };
        held.placed(&placed).await;
        let again = claim(&store, &conn, "acct", &call("k", "{}"), ttl).await.unwrap().err().unwrap();
        assert_eq!(again, AiCallResult { replayed: true, ..placed });
    }

    #[tokio::test]
    async fn a_call_certainly_not_placed_frees_its_key_and_an_unknown_one_keeps_it() {
        let store = Store::Memory(Default::default());
        let conn = Connection::default();
        let ttl = Duration::from_secs(60);
        let held = claim(&store, &conn, "a", &call("k", "{}"), ttl).await.unwrap().ok().unwrap();
        held.failed(&Error::Connection("refused".into())).await;
        let held = claim(&store, &conn, "a", &call("k", "{}"), ttl).await.unwrap().ok();
        let held = held.expect("released");
        held.failed(&Error::Api {
            code: "InternalError".into(),
            message: "m".into(),
            request_id: "r".into(),
            http_status: 200,
        })
        .await;
        let e = claim(&store, &conn, "a", &call("k", "{}"), ttl).await.err().unwrap();
        assert!(matches!(e.inner(), Error::KeyPending { in_flight: false, .. }), "{e}");
    }
}
