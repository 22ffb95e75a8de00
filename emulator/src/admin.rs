//! A small unsigned control surface under `/__emulator/`, for driving the standalone binary from other
//! processes (the official SDKs' tests, demos). The service itself only serves `/`, so nothing collides.
//! Requests here are not counted as hits.
//!
//! - `GET  /__emulator/state`: `{"hits", "hits_by_action", "calls", "pending_faults", "clock_offset_secs",
//!   "rate_limit", "scripts", "sessions"}`
//! - `POST /__emulator/faults`: a fault in its JSON form, or a list of them; queued in order
//! - `POST /__emulator/scripts`: `{"callee": "008613012345678", "end_status": 206, ...}` (a [`CallScript`]'s
//!   fields next to `callee`), or a list of them
//! - `POST /__emulator/push`: data-push settings (a [`crate::PushConfig`] in JSON: `{"url": ..., "auth": {"type":
//!   "basic", "username": ..., "password": ...}, "duplicate": true, ...}`), or `null` to stop pushing
//! - `GET  /__emulator/pushes`: every push made, with its attempts
//! - `POST /__emulator/reset`: forget calls, counters, faults, sessions, scripts and the push log
//! - `POST /__emulator/clock-offset`: `{"secs": 600}`
//! - `POST /__emulator/rate-limit`: `{"rps": 5}`

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};

use crate::fault::Fault;
use crate::push::PushConfig;
use crate::script::CallScript;
use crate::server::{read_body, response, BodyError};
use crate::state::Shared;

pub(crate) const PREFIX: &str = "/__emulator/";

pub(crate) async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<http_body_util::Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = match read_body(&parts, body, shared.max_body_bytes).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return answer(shared, StatusCode::PAYLOAD_TOO_LARGE, json!({"error": "body too large"}))
        }
        Err(BodyError::Broken) => return answer(shared, StatusCode::BAD_REQUEST, json!({"error": "body not read"})),
    };
    let path = parts.uri.path().strip_prefix(PREFIX).unwrap_or_default();
    let result = match (&parts.method, path) {
        (&Method::GET, "state") => Ok(json!({
            "hits": shared.hits(),
            "hits_by_action": shared.hits_by_action(),
            "calls": shared.calls(),
            "pending_faults": shared.pending_faults(),
            "clock_offset_secs": shared.clock_offset(),
            "rate_limit": shared.rate_limit(),
            "scripts": shared.scripts(),
            "sessions": shared.session_views(),
        })),
        (&Method::POST, "scripts") => scripts(&body).map(|list| {
            let set = list.len();
            list.into_iter().for_each(|(callee, script)| shared.set_script(&callee, script));
            json!({ "scripted": set })
        }),
        (&Method::POST, "faults") => faults(&body).map(|list| {
            let queued = list.len();
            list.into_iter().for_each(|f| shared.inject(f));
            json!({ "queued": queued })
        }),
        (&Method::POST, "push") => push(&body).map(|config| {
            let on = config.is_some();
            shared.pushes.configure(config);
            json!({ "pushing": on })
        }),
        (&Method::GET, "pushes") => serde_json::to_value(shared.pushes.log()).map_err(|e| e.to_string()),
        (&Method::POST, "reset") => {
            shared.reset();
            Ok(json!({}))
        }
        (&Method::POST, "clock-offset") => field(&body, "secs").and_then(|v| {
            let secs = v.as_i64().ok_or("`secs` must be whole seconds")?;
            shared.set_clock_offset(secs);
            Ok(json!({ "clock_offset_secs": secs }))
        }),
        (&Method::POST, "rate-limit") => field(&body, "rps").and_then(|v| {
            let rps = v.as_f64().filter(|r| r.is_finite() && *r >= 0.0).ok_or("`rps` must be a number >= 0")?;
            shared.set_rate_limit(rps);
            Ok(json!({ "rate_limit": rps }))
        }),
        _ => {
            return answer(
                shared,
                StatusCode::NOT_FOUND,
                json!({"error": "GET state, pushes; POST faults, scripts, push, reset, clock-offset, rate-limit"}),
            )
        }
    };
    match result {
        Ok(v) => answer(shared, StatusCode::OK, v),
        Err(e) => answer(shared, StatusCode::BAD_REQUEST, json!({ "error": e.to_string() })),
    }
}

fn faults(body: &[u8]) -> Result<Vec<Fault>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let items = match value {
        Value::Array(items) => items,
        one => vec![one],
    };
    items.into_iter().map(|v| Fault::from_value(v).map_err(|e| e.to_string())).collect()
}

/// `{"callee": ..., <script fields>}` or a list of them; all refused if one is wrong.
fn scripts(body: &[u8]) -> Result<Vec<(String, CallScript)>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let items = match value {
        Value::Array(items) => items,
        one => vec![one],
    };
    items
        .into_iter()
        .map(|mut item| {
            let callee = item.as_object_mut().and_then(|m| m.remove("callee"));
            let callee = callee.and_then(|c| c.as_str().map(str::to_string)).ok_or("each script needs a \"callee\"")?;
            let script = serde_json::from_value(item).map_err(|e| format!("script for {callee}: {e}"))?;
            Ok((callee, script))
        })
        .collect()
}

fn push(body: &[u8]) -> Result<Option<PushConfig>, String> {
    match serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))? {
        Value::Null => Ok(None),
        config => PushConfig::from_value(config).map(Some),
    }
}

fn field(body: &[u8], name: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    value.get(name).cloned().ok_or_else(|| format!("expected {{\"{name}\": ...}}"))
}

fn answer(shared: &Shared, status: StatusCode, body: Value) -> Response<http_body_util::Full<Bytes>> {
    response(shared, 0, status, "application/json", body.to_string().into())
}
