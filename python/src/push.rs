//! `PushReceiver`: the core's data-push receiver (`ccc_aicall::push`) for `ccc_aicall.push`. Conversion only: the
//! Python side reads the request off its HTTP server, this hands it to the core and returns the reply and the
//! event as Python values (a call record's outcome as the same `CallOutcome` that `wait_for_call` returns).

use crate::{convert, errors, outcome};
use ccc_aicall::push::{
    self, Handled, PushAuth, PushEvent, PushKind, PushReply, PushRequest, DEFAULT_MAX_BODY_BYTES, DEFAULT_SEEN_CAPACITY,
};
use ccc_aicall::{FieldError, Secret};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

/// `(status, headers, content_type, body)`.
type Reply<'py> = (u16, Vec<(&'static str, String)>, &'static str, Bound<'py, PyBytes>);
/// The reply's four, then `(event, duplicate, problem)`.
type Outcome<'py> = (
    u16,
    Vec<(&'static str, String)>,
    &'static str,
    Bound<'py, PyBytes>,
    Option<Bound<'py, PyDict>>,
    bool,
    Option<String>,
);

#[pyclass(module = "ccc_aicall._native", frozen)]
pub struct PushReceiver {
    receiver: push::PushReceiver,
    oauth2: bool,
    max_body_bytes: usize,
}

fn auth_error(py: Python<'_>, message: &str) -> PyErr {
    errors::validation(py, vec![FieldError::invalid("auth", message)])
}

/// `None`, `("basic", username, password)` or `("oauth2", client_id, client_secret[, token_ttl])`.
fn auth(py: Python<'_>, given: Option<&Bound<'_, PyAny>>) -> PyResult<PushAuth> {
    let Some(given) = given.filter(|g| !g.is_none()) else {
        return Ok(PushAuth::None);
    };
    let usage = "must be None, (\"basic\", username, password) or (\"oauth2\", client_id, client_secret[, token_ttl])";
    let parts = given.cast::<PyTuple>().map_err(|_| auth_error(py, usage))?;
    let text = |i: usize| -> PyResult<String> {
        parts.get_item(i)?.extract::<String>().map_err(|_| auth_error(py, usage)).and_then(|s| {
            if s.is_empty() {
                Err(auth_error(py, "the names and secrets must not be empty"))
            } else {
                Ok(s)
            }
        })
    };
    let scheme = parts.get_item(0).ok().and_then(|s| s.extract::<String>().ok()).unwrap_or_default();
    match (scheme.to_ascii_lowercase().as_str(), parts.len()) {
        ("basic", 3) => Ok(PushAuth::Basic { username: text(1)?, password: Secret::new(text(2)?) }),
        ("oauth2", 3 | 4) => {
            let token_ttl = match parts.len() {
                4 => convert::duration(&parts.get_item(3)?, "auth.token_ttl")?,
                _ => push::DEFAULT_TOKEN_TTL,
            };
            Ok(PushAuth::OAuth2 { client_id: text(1)?, client_secret: Secret::new(text(2)?), token_ttl })
        }
        _ => Err(auth_error(py, usage)),
    }
}

fn reply<'py>(py: Python<'py>, r: PushReply) -> Reply<'py> {
    (r.status, r.headers, r.content_type, PyBytes::new(py, r.body.as_bytes()))
}

fn kind(k: PushKind) -> &'static str {
    match k {
        PushKind::Cdr => "cdr",
        PushKind::Recording => "recording",
        PushKind::Voicemail => "voicemail",
        PushKind::Unknown => "unknown",
    }
}

/// The event's fields as keywords for `ccc_aicall.push.PushEvent`.
fn event<'py>(py: Python<'py>, e: &PushEvent) -> PyResult<Bound<'py, PyDict>> {
    let fields = PyDict::new(py);
    fields.set_item("kind", kind(e.kind))?;
    fields.set_item("action", &e.action)?;
    fields.set_item("push_id", &e.push_id)?;
    fields.set_item("session_id", &e.session_id)?;
    let decoded = e.outcome.as_ref().map(|o| outcome::call_outcome(py, o)).transpose()?;
    fields.set_item("outcome", decoded)?;
    fields.set_item("recording_url", &e.recording_url)?;
    fields.set_item("body", convert::dict_from_json(py, &e.body)?)?;
    Ok(fields)
}

#[pymethods]
impl PushReceiver {
    #[new]
    #[pyo3(signature = (*, auth=None, max_body_bytes=None, seen_capacity=None, redis_url=None))]
    fn new(
        py: Python<'_>,
        auth: Option<&Bound<'_, PyAny>>,
        max_body_bytes: Option<usize>,
        seen_capacity: Option<usize>,
        redis_url: Option<&str>,
    ) -> PyResult<Self> {
        let max_body_bytes = max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES);
        let seen_capacity = seen_capacity.unwrap_or(DEFAULT_SEEN_CAPACITY);
        let auth = self::auth(py, auth)?;
        let oauth2 = matches!(auth, PushAuth::OAuth2 { .. });
        let receiver = push::PushReceiver::with_limits(auth, max_body_bytes, seen_capacity);
        let receiver = match redis_url {
            Some(url) => receiver.with_redis(url).map_err(|e| errors::to_py(py, &e))?,
            None => receiver,
        };
        Ok(PushReceiver { receiver, oauth2, max_body_bytes })
    }

    /// One push request: `(status, headers, content_type, body, event or None, duplicate, problem or None)`;
    /// the event is a dict of `PushEvent`'s fields.
    fn handle<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        query: &str,
        headers: Vec<(String, String)>,
        body: &[u8],
    ) -> PyResult<Outcome<'py>> {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        // With a shared store the receiver waits on Redis: without the GIL, so other threads (an event loop) run.
        let (method, query, body) = (method.to_string(), query.to_string(), body.to_vec());
        let Handled { reply: r, event: e, duplicate, problem } = py.detach(|| {
            self.receiver.handle(&PushRequest { method: &method, query: &query, headers: &headers, body: &body })
        });
        let e = e.as_ref().map(|e| event(py, e)).transpose()?;
        let (status, headers, content_type, body) = reply(py, r);
        Ok((status, headers, content_type, body, e, duplicate, problem))
    }

    /// The OAuth2 token endpoint: `(status, headers, content_type, body)`.
    fn token<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        query: &str,
        headers: Vec<(String, String)>,
        body: &[u8],
    ) -> Reply<'py> {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (method, query, body) = (method.to_string(), query.to_string(), body.to_vec());
        let answer = py.detach(|| {
            self.receiver.token(&PushRequest { method: &method, query: &query, headers: &headers, body: &body })
        });
        reply(py, answer)
    }

    /// The oauth2 mode: requests for the token endpoint are routed to `token`.
    #[getter]
    fn issues_tokens(&self) -> bool {
        self.oauth2
    }

    /// Larger bodies are refused; a server need not read more than one byte past it.
    #[getter]
    fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.receiver)
    }
}
