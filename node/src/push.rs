//! `NativePushReceiver`: the core's data-push receiver (`ccc_aicall::push`) for `createPushHandler` in `index.js`.
//! Conversion only: `index.js` reads the request off the HTTP server and writes the reply this returns.
//!
//! Options arrive as JSON text; a bad one is a validation error naming the field as JavaScript spells it. Replies
//! and events leave as plain objects with camelCase keys; a call record's outcome is the same object `waitForCall`
//! resolves with (`follow::outcome_js`), so `index.js` makes it the same `CallOutcome`.

use crate::error::{from_json, to_napi};
use crate::follow::outcome_js;
use ccc_aicall::push::{Handled, PushAuth, PushEvent, PushReceiver, PushReply, PushRequest, DEFAULT_MAX_BODY_BYTES};
use ccc_aicall::push::{DEFAULT_SEEN_CAPACITY, DEFAULT_TOKEN_TTL};
use ccc_aicall::{Error, FieldError, Secret};
use napi::bindgen_prelude::{AsyncTask, Buffer};
use napi::{Env, Task};
use napi_derive::napi;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

#[napi]
pub struct NativePushReceiver {
    inner: Arc<PushReceiver>,
}

/// A push or token request answered on libuv's thread pool: a receiver with a shared store waits on Redis, which
/// must not hold the event loop.
pub struct Answer {
    inner: Arc<PushReceiver>,
    token: bool,
    method: String,
    query: String,
    raw_headers: Vec<String>,
    body: Vec<u8>,
}

impl Task for Answer {
    /// The answer as JSON text (what `handle` or `token` returns as an object).
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<String> {
        let headers = pairs(&self.raw_headers);
        let request = PushRequest { method: &self.method, query: &self.query, headers: &headers, body: &self.body };
        let answer =
            if self.token { reply_js(&self.inner.token(&request)) } else { handled_js(&self.inner.handle(&request)) };
        Ok(answer.to_string())
    }

    fn resolve(&mut self, _env: Env, output: String) -> napi::Result<String> {
        Ok(output)
    }
}

#[napi]
impl NativePushReceiver {
    /// `options_json`: `{ auth, maxBodyBytes }` as `createPushHandler` took them.
    #[napi(constructor, catch_unwind)]
    pub fn new(options_json: Option<String>) -> napi::Result<Self> {
        let options = from_json(options_json)?.unwrap_or(Value::Null);
        let (auth, max_body_bytes, redis_url) =
            options_from(&options).map_err(|problems| to_napi(Error::from(problems)))?;
        let inner = PushReceiver::with_limits(auth, max_body_bytes, DEFAULT_SEEN_CAPACITY);
        let inner = match redis_url {
            Some(url) => inner.with_redis(&url).map_err(to_napi)?,
            None => inner,
        };
        Ok(NativePushReceiver { inner: Arc::new(inner) })
    }

    /// `handle` (or, with `token`, `token`) off the event loop, for a receiver with a shared store; resolves with the
    /// same answer as JSON text.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn answer_off_loop(
        &self,
        token: bool,
        method: String,
        query: String,
        raw_headers: Vec<String>,
        body: Buffer,
    ) -> AsyncTask<Answer> {
        AsyncTask::new(Answer { inner: self.inner.clone(), token, method, query, raw_headers, body: body.to_vec() })
    }

    /// One push: `raw_headers` is Node's flat `[name, value, name, value, ...]` (`req.rawHeaders`).
    /// Answers `{ status, headers: [[name, value]], contentType, body, event, duplicate, problem }`.
    #[napi(catch_unwind, ts_return_type = "Record<string, unknown>")]
    pub fn handle(&self, method: String, query: String, raw_headers: Vec<String>, body: Buffer) -> Value {
        let headers = pairs(&raw_headers);
        let handled =
            self.inner.handle(&PushRequest { method: &method, query: &query, headers: &headers, body: &body });
        handled_js(&handled)
    }

    /// The OAuth2 token endpoint; answers `{ status, headers, contentType, body }`.
    #[napi(catch_unwind, ts_return_type = "Record<string, unknown>")]
    pub fn token(&self, method: String, query: String, raw_headers: Vec<String>, body: Buffer) -> Value {
        let headers = pairs(&raw_headers);
        reply_js(&self.inner.token(&PushRequest { method: &method, query: &query, headers: &headers, body: &body }))
    }
}

fn pairs(raw: &[String]) -> Vec<(&str, &str)> {
    raw.chunks_exact(2).map(|p| (p[0].as_str(), p[1].as_str())).collect()
}

/// The largest body the stream reader in `index.js` keeps (one byte more tells the core it was too large).
#[napi]
pub fn default_push_max_body_bytes() -> u32 {
    u32::try_from(DEFAULT_MAX_BODY_BYTES).unwrap_or(u32::MAX)
}

fn options_from(options: &Value) -> Result<(PushAuth, usize, Option<String>), Vec<FieldError>> {
    let options = match options {
        Value::Null => &Map::new(),
        Value::Object(map) => map,
        _ => return Err(vec![FieldError::invalid("Options", "must be an object")]),
    };
    let mut problems = Vec::new();
    for key in options.keys().filter(|k| !["auth", "maxBodyBytes", "redisUrl"].contains(&k.as_str())) {
        problems.push(FieldError::unknown(key.clone(), "is not an option of the push receiver"));
    }
    let max_body_bytes = match options.get("maxBodyBytes") {
        None | Some(Value::Null) => DEFAULT_MAX_BODY_BYTES,
        Some(v) => match v.as_u64().filter(|n| *n > 0).and_then(|n| usize::try_from(n).ok()) {
            Some(n) => n,
            None => {
                problems.push(FieldError::invalid("MaxBodyBytes", "must be a positive whole number of bytes"));
                DEFAULT_MAX_BODY_BYTES
            }
        },
    };
    let redis_url = match options.get("redisUrl") {
        None | Some(Value::Null) => None,
        Some(Value::String(url)) => Some(url.clone()),
        Some(_) => {
            problems.push(FieldError::invalid("RedisUrl", "must be a redis:// URL (a string)"));
            None
        }
    };
    let auth = auth_from(options.get("auth").unwrap_or(&Value::Null), &mut problems);
    if problems.is_empty() {
        Ok((auth, max_body_bytes, redis_url))
    } else {
        Err(problems)
    }
}

fn auth_from(auth: &Value, problems: &mut Vec<FieldError>) -> PushAuth {
    let map = match auth {
        Value::Null => return PushAuth::None,
        Value::Object(map) => map,
        _ => {
            problems.push(FieldError::invalid("Auth", "must be an object with a type, 'basic' or 'oauth2'"));
            return PushAuth::None;
        }
    };
    let mut text = |key: &str, path: &str| match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        None | Some(Value::Null) => {
            problems.push(FieldError::missing(path, "is required"));
            String::new()
        }
        Some(_) => {
            problems.push(FieldError::invalid(path, "must be a non-empty string"));
            String::new()
        }
    };
    let (auth, known): (PushAuth, &[&str]) = match map.get("type").and_then(Value::as_str) {
        Some("basic") => (
            PushAuth::Basic {
                username: text("username", "Auth.Username"),
                password: Secret::new(text("password", "Auth.Password")),
            },
            &["type", "username", "password"],
        ),
        Some("oauth2") => {
            let client_id = text("clientId", "Auth.ClientId");
            let client_secret = Secret::new(text("clientSecret", "Auth.ClientSecret"));
            let token_ttl = match map.get("tokenTtlMs") {
                None | Some(Value::Null) => DEFAULT_TOKEN_TTL,
                Some(v) => match v.as_u64().filter(|n| *n > 0) {
                    Some(ms) => Duration::from_millis(ms),
                    None => {
                        problems.push(FieldError::invalid("Auth.TokenTtlMs", "must be a positive number of ms"));
                        DEFAULT_TOKEN_TTL
                    }
                },
            };
            (
                PushAuth::OAuth2 { client_id, client_secret, token_ttl },
                &["type", "clientId", "clientSecret", "tokenTtlMs"],
            )
        }
        _ => {
            problems.push(FieldError::invalid("Auth.Type", "must be 'basic' or 'oauth2'"));
            return PushAuth::None;
        }
    };
    for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
        problems.push(FieldError::unknown(format!("Auth.{key}"), "is not a field of this auth type"));
    }
    auth
}

fn reply_js(r: &PushReply) -> Value {
    let headers: Vec<Value> = r.headers.iter().map(|(k, v)| json!([k, v])).collect();
    json!({"status": r.status, "headers": headers, "contentType": r.content_type, "body": r.body})
}

fn event_js(e: &PushEvent) -> Value {
    json!({
        "kind": e.kind,
        "action": e.action,
        "pushId": e.push_id,
        "sessionId": e.session_id,
        "outcome": e.outcome.as_ref().map(outcome_js),
        "recordingUrl": e.recording_url,
        "body": e.body,
    })
}

fn handled_js(h: &Handled) -> Value {
    let mut out = reply_js(&h.reply);
    out["event"] = h.event.as_ref().map_or(Value::Null, event_js);
    out["duplicate"] = json!(h.duplicate);
    out["problem"] = json!(h.problem);
    out
}
