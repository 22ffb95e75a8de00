//! Core errors to JavaScript: one structured payload, turned into the typed error class by `index.js`.
//!
//! napi-rs rejects a promise with a plain `Error` built from a status and a message, so the payload travels as
//! JSON in the message behind [`MARKER`]. `index.js` strips it and builds `ValidationError`, `ApiError`, ...,
//! or for a file error (kind `io`) the platform's error with `code` `ENOENT`, `EACCES` or `EIO`.

use ccc_aicall::{CallAttempt, Error, KeyCase};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `index.js` recognises a native error by this prefix on its message; the rest is the JSON payload.
pub const MARKER: &str = "ccc-aicall-error:";

pub fn to_napi(err: Error) -> napi::Error {
    napi::Error::new(napi::Status::GenericFailure, format!("{MARKER}{}", payload(&err)))
}

/// The error as `index.js` rebuilds it: what `to_napi` throws, and what a campaign item carries in `error`.
pub fn payload(err: &Error) -> Value {
    let errors: Vec<Value> = err
        .field_errors()
        .iter()
        .map(|f| json!({ "field": f.field(KeyCase::Camel), "message": f.message_in(KeyCase::Camel) }))
        .collect();
    let mut payload = json!({
        "kind": err.kind().as_str(),
        "message": err.message_in(KeyCase::Camel),
        "code": err.code(),
        "requestId": err.request_id(),
        "httpStatus": err.http_status(),
        "outcomeUnknown": err.outcome_unknown(),
        "cancelled": err.cancelled(),
        "timedOut": err.timed_out(),
        "errors": errors,
    });
    if let Error::WaitTimedOut { session_id, last_status } = err.inner() {
        payload["sessionId"] = json!(session_id);
        payload["lastStatus"] = json!(last_status);
    }
    if let Error::KeyPending { key, in_flight } = err.inner() {
        payload["idempotencyKey"] = json!(key);
        payload["inFlight"] = json!(in_flight);
    }
    if let Some(attempt) = err.attempt() {
        payload["attempt"] = attempt_payload(attempt);
    }
    if let Some(kind) = err.io_kind() {
        // An error rebuilt from a journal line has lost its path (an empty one).
        let path = err.path().filter(|p| !p.as_os_str().is_empty()).map(|p| p.display().to_string());
        payload["io"] = json!({ "code": errno_code(kind), "path": path });
    }
    payload
}

/// The call an outcome-unknown error may have placed. `sentAt` (Unix milliseconds) is what the error shows;
/// `sentAtNs` (nanoseconds, as text: more digits than a JavaScript number keeps) lets `attempt_from_payload` give
/// `reconcile` the very same send time.
fn attempt_payload(a: &CallAttempt) -> Value {
    let since_epoch = a.sent_at.duration_since(UNIX_EPOCH).unwrap_or_default();
    json!({
        "sdkAppId": a.sdk_app_id,
        "callee": a.callee,
        "sentAt": since_epoch.as_millis() as u64,
        "sentAtNs": since_epoch.as_nanos().to_string(),
        "maxCallDurationMs": a.max_call_duration.map(|d| d.as_millis() as u64),
    })
}

/// The call back from what `attempt_payload` made, or from an error built by hand with `sdkAppId`, `callee` and
/// `sentAt` (milliseconds) only; `None` when it names no call.
pub fn attempt_from_payload(p: &Value) -> Option<CallAttempt> {
    let since_epoch = match p["sentAtNs"].as_str().and_then(|ns| ns.parse::<u128>().ok()) {
        Some(ns) => Duration::new((ns / 1_000_000_000) as u64, (ns % 1_000_000_000) as u32),
        None => Duration::from_millis(p["sentAt"].as_u64()?),
    };
    Some(CallAttempt {
        sdk_app_id: p["sdkAppId"].as_u64()?,
        callee: p["callee"].as_str()?.to_string(),
        sent_at: SystemTime::UNIX_EPOCH + since_epoch,
        max_call_duration: p["maxCallDurationMs"].as_u64().map(Duration::from_millis),
    })
}

/// The Node error code `index.js` gives a file error, as `fs` would: not found and permission denied by name,
/// everything else the generic I/O error (the platform's reason stays in the message).
fn errno_code(kind: std::io::ErrorKind) -> &'static str {
    match kind {
        std::io::ErrorKind::NotFound => "ENOENT",
        std::io::ErrorKind::PermissionDenied => "EACCES",
        _ => "EIO",
    }
}

/// Parse the JSON text `index.js` made with `JSON.stringify`; `None` (nothing given) stays `None`.
pub fn from_json(text: Option<String>) -> napi::Result<Option<Value>> {
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| napi::Error::new(napi::Status::InvalidArg, format!("not JSON: {e}")))
    })
    .transpose()
}
