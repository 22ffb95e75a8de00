//! The client: validate -> loop { rate-limit -> sign (fresh timestamp) -> send -> classify -> maybe retry }.

use crate::config::{ClientConfig, ResolvedConfig};
use crate::envelope::{self, Answer};
use crate::error::{Error, Result};
use crate::ratelimit::RateLimiter;
use crate::request::CreateAiCallRequest;
use crate::retry::{self, Decision};
use crate::signer::{self, SigningInput, CONTENT_TYPE_JSON};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use serde_json::{Map, Value};
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;
pub use tokio_util::sync::CancellationToken;

const USER_AGENT: &str = concat!("ccc-aicall/", env!("CARGO_PKG_VERSION"));

/// The answer to a placed call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AiCallResult {
    pub session_id: String,
    pub request_id: String,
}

/// An async client for CreateAICall and the other CCC actions. `Send + Sync`; clones share the connection pool,
/// the rate limiter and the clock correction.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    http: reqwest::Client,
}

struct Inner {
    config: ResolvedConfig,
    /// The certificates of `ca_file`, read once, for every connection pool built from this configuration.
    roots: Vec<reqwest::Certificate>,
    /// The headers every request carries (Content-Type, Host, version, language, region, token), checked once.
    base_headers: HeaderMap,
    limiter: Option<RateLimiter>,
    /// Seconds to add to the local clock, learnt from the server's `Date` on `AuthFailure.SignatureExpire`.
    clock_offset: AtomicI64,
}

/// What [`ResolvedConfig::shown`] shows, as the Python and Node clients show it.
impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Client");
        for (name, value) in self.inner.config.shown(crate::KeyCase::Wire) {
            match &value {
                Some(text) => d.field(name, text),
                None => d.field(name, &value),
            };
        }
        d.finish_non_exhaustive()
    }
}

/// Runs right before a request leaves; an error stops it from being sent.
pub(crate) type BeforeSend<'a> = &'a (dyn Fn() -> Result<()> + Sync);

/// What one attempt produced, before the retry decision.
struct Failure {
    error: Error,
    server_date: Option<SystemTime>,
}

impl Client {
    /// Build a client; credentials and options are resolved now (explicit > environment > default).
    pub fn new(config: ClientConfig) -> Result<Self> {
        Self::from_resolved(config.resolve()?)
    }

    pub fn from_resolved(config: ResolvedConfig) -> Result<Self> {
        let mut roots = Vec::new();
        if let Some(path) = &config.ca_file {
            let pem = std::fs::read(path).map_err(|e| Error::Config(format!("`ca_file` {}: {e}", path.display())))?;
            roots = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| Error::Config(format!("`ca_file` {}: not PEM certificates: {e}", path.display())))?;
            if roots.is_empty() {
                return Err(Error::Config(format!("`ca_file` {}: no certificates in it", path.display())));
            }
        }
        let limiter = config.rate_limit.map(RateLimiter::new);
        let base_headers = base_headers(&config)?;
        let inner = Inner { config, roots, base_headers, limiter, clock_offset: AtomicI64::new(0) };
        let http = inner.http_client()?;
        Ok(Client { inner: Arc::new(inner), http })
    }

    /// A client that shares this one's configuration, rate limiter and clock correction but has a connection
    /// pool of its own. A pooled connection is driven by the runtime that opened it, so a caller that runs calls
    /// on a runtime of its own (a current-thread runtime per thread, as the Python `Client` does for blocking
    /// calls) needs a pool of its own too.
    pub fn with_own_connections(&self) -> Result<Self> {
        Ok(Client { inner: self.inner.clone(), http: self.inner.http_client()? })
    }

    /// The configuration in force.
    pub fn config(&self) -> &ResolvedConfig {
        &self.inner.config
    }

    /// The clock correction in seconds learnt from the server (0 until a `SignatureExpire` taught one).
    pub fn clock_offset(&self) -> i64 {
        self.inner.clock_offset.load(Ordering::Relaxed)
    }

    /// Place one AI call: validate, wait for the rate limiter, sign, send, parse.
    pub async fn create_ai_call(&self, request: &CreateAiCallRequest) -> Result<AiCallResult> {
        self.create_ai_call_cancellable(request, &CancellationToken::new()).await
    }

    /// [`Client::create_ai_call`] that stops when `cancel` fires. A cancel while the request is in flight gives
    /// `Error::Cancelled { sent: true }`, which is outcome-unknown: the call may have been placed.
    pub async fn create_ai_call_cancellable(
        &self,
        request: &CreateAiCallRequest,
        cancel: &CancellationToken,
    ) -> Result<AiCallResult> {
        self.create_ai_call_hooked(request, cancel, &|| Ok(())).await
    }

    /// [`Client::create_ai_call_cancellable`] that runs `before_send` right before each request leaves (after the
    /// rate limiter); if it fails, nothing is sent. The campaign journal uses this to reach the disk first.
    pub(crate) async fn create_ai_call_hooked(
        &self,
        request: &CreateAiCallRequest,
        cancel: &CancellationToken,
        before_send: BeforeSend<'_>,
    ) -> Result<AiCallResult> {
        let context = crate::ValidationContext { default_country_code: self.inner.config.default_country_code };
        let body = request.to_wire_body_with(&context).map_err(Error::Validation)?;
        let answer = self.send("CreateAICall", body, cancel, before_send).await?;
        match answer.response.get("SessionId") {
            Some(Value::String(s)) if !s.is_empty() => {
                Ok(AiCallResult { session_id: s.clone(), request_id: answer.request_id })
            }
            _ => Err(Error::OutcomeUnknown {
                reason: "the service answered without a SessionId".into(),
                request_id: Some(answer.request_id),
                http_status: Some(200),
                timed_out: false,
            }),
        }
    }

    /// Any other CCC action (DescribeTelSession, HangUpCall, DescribeTelCdr, ...) through the same signed path.
    /// `params` must be a JSON object of wire parameters; returns the `Response` object (RequestId included).
    pub async fn request(&self, action: &str, params: Value) -> Result<Map<String, Value>> {
        self.request_cancellable(action, params, &CancellationToken::new()).await
    }

    pub async fn request_cancellable(
        &self,
        action: &str,
        params: Value,
        cancel: &CancellationToken,
    ) -> Result<Map<String, Value>> {
        if action.is_empty() || !action.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::Validation(vec![crate::FieldError::invalid(
                "Action",
                "must be an action name such as `DescribeTelSession`",
            )]));
        }
        let body = match params {
            Value::Object(map) => Value::Object(map).to_string(),
            Value::Null => "{}".to_string(),
            _ => {
                return Err(Error::Validation(vec![crate::FieldError::invalid(
                    "params",
                    "must be an object of parameters",
                )]))
            }
        };
        let mut answer = self.send(action, body, cancel, &|| Ok(())).await?;
        answer.response.insert("RequestId".into(), Value::String(answer.request_id));
        Ok(answer.response)
    }

    async fn send(
        &self,
        action: &str,
        body: String,
        cancel: &CancellationToken,
        before_send: BeforeSend<'_>,
    ) -> Result<Answer> {
        let inner = &*self.inner;
        let body = Bytes::from(body);
        let mut attempt: u32 = 0;
        let mut retries: u32 = 0;
        let mut clock_corrected = false;
        loop {
            // `biased`: a token already cancelled must win over a ready limiter slot or request.
            if cancel.is_cancelled() {
                return Err(Error::Cancelled { sent: false });
            }
            if let Some(limiter) = &inner.limiter {
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return Err(Error::Cancelled { sent: false }),
                    _ = limiter.acquire() => {}
                }
            }
            attempt += 1;
            let started = Instant::now();
            if cancel.is_cancelled() {
                return Err(Error::Cancelled { sent: false });
            }
            before_send()?;
            let outcome = tokio::select! {
                biased;
                // Bytes may already be on the wire: treat as sent, the call may have been placed.
                _ = cancel.cancelled() => return Err(Error::Cancelled { sent: true }),
                r = self.attempt(action, &body) => r,
            };
            let elapsed = started.elapsed().as_millis();
            let failure = match outcome {
                Ok(answer) => {
                    log::info!(target: "ccc_aicall", "action={action} attempt={attempt} elapsed_ms={elapsed} request_id={} outcome=ok", answer.request_id);
                    return Ok(answer);
                }
                Err(f) => f,
            };
            let err = failure.error;
            log::info!(
                target: "ccc_aicall",
                "action={action} attempt={attempt} elapsed_ms={elapsed} request_id={} outcome={} code={} outcome_unknown={}",
                err.request_id().unwrap_or("-"),
                err.kind(),
                err.code().unwrap_or("-"),
                err.outcome_unknown()
            );
            if err.code() == Some("AuthFailure.SignatureExpire") && !clock_corrected {
                if let Some(server) = failure.server_date {
                    let offset = signed_secs(server) - signed_secs(SystemTime::now());
                    inner.clock_offset.store(offset, Ordering::Relaxed);
                    clock_corrected = true;
                    log::warn!(target: "ccc_aicall", "local clock is {offset} s off the service's; re-signing with the corrected time");
                    continue;
                }
            }
            match retry::decide(&err, retries + 1, inner.config.max_retries, fastrand::f64()) {
                Decision::Fail => return Err(err),
                Decision::RetryAfter(delay) => {
                    retries += 1;
                    log::debug!(target: "ccc_aicall", "action={action} retrying in {} ms", delay.as_millis());
                    tokio::select! {
                        biased;
                        _ = cancel.cancelled() => return Err(Error::Cancelled { sent: false }),
                        _ = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    }

    /// One signed HTTP exchange. Errors say whether the request can have reached the service.
    async fn attempt(&self, action: &str, body: &Bytes) -> std::result::Result<Answer, Failure> {
        let inner = &*self.inner;
        let cfg = &inner.config;
        let timestamp = signed_secs(SystemTime::now()) + inner.clock_offset.load(Ordering::Relaxed);
        let headers = [("content-type", CONTENT_TYPE_JSON), ("host", cfg.host.as_str())];
        let signed = signer::sign(
            &cfg.credentials.secret_id,
            cfg.credentials.secret_key.expose(),
            &SigningInput {
                method: "POST",
                path: "/",
                query: "",
                headers: &headers,
                payload: body,
                service: crate::SERVICE,
                timestamp,
            },
        );
        // The headers that do not change between calls were checked and built with the client.
        let mut headers = inner.base_headers.clone();
        let unsendable = |what: &str| Failure {
            error: Error::Config(format!("{what} cannot be sent as an HTTP header value")),
            server_date: None,
        };
        headers.insert(X_TC_ACTION, HeaderValue::from_str(action).map_err(|_| unsendable("the action"))?);
        headers.insert(X_TC_TIMESTAMP, HeaderValue::from(timestamp));
        let mut authorization = HeaderValue::try_from(signed.authorization).map_err(|_| unsendable("the signature"))?;
        authorization.set_sensitive(true);
        headers.insert(AUTHORIZATION, authorization);
        // `Bytes` clones share the buffer: a retry re-sends the same body without copying it.
        let req = self.http.post(cfg.url.clone()).headers(headers).body(body.clone());
        let resp = req.send().await.map_err(|e| Failure { error: classify_send_error(&e), server_date: None })?;
        let status = resp.status().as_u16();
        let server_date = resp
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok());
        let bytes = resp.bytes().await.map_err(|e| Failure {
            error: Error::OutcomeUnknown {
                reason: format!("the answer broke off while being read ({})", describe(&e)),
                request_id: None,
                http_status: Some(status),
                timed_out: e.is_timeout(),
            },
            server_date,
        })?;
        envelope::parse(status, &bytes).map_err(|error| Failure { error, server_date })
    }
}

impl Inner {
    fn http_client(&self) -> Result<reqwest::Client> {
        let config = &self.config;
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .user_agent(USER_AGENT)
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(50))
            .tcp_nodelay(true)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(proxy) = &config.proxy {
            let p = reqwest::Proxy::all(proxy.as_str())
                .map_err(|e| Error::Config(format!("`proxy` {}: {e}", crate::config::redact_url(proxy))))?;
            builder = builder.proxy(p);
        }
        for cert in &self.roots {
            builder = builder.add_root_certificate(cert.clone());
        }
        builder.build().map_err(|e| Error::Config(format!("HTTP client: {e}")))
    }
}

const X_TC_ACTION: HeaderName = HeaderName::from_static("x-tc-action");
const X_TC_VERSION: HeaderName = HeaderName::from_static("x-tc-version");
const X_TC_TIMESTAMP: HeaderName = HeaderName::from_static("x-tc-timestamp");
const X_TC_LANGUAGE: HeaderName = HeaderName::from_static("x-tc-language");
const X_TC_REGION: HeaderName = HeaderName::from_static("x-tc-region");
const X_TC_TOKEN: HeaderName = HeaderName::from_static("x-tc-token");

/// The headers of every request that do not depend on the call. A value that cannot be a header (a control
/// character in the region or token) is a configuration error now rather than on every call.
fn base_headers(cfg: &ResolvedConfig) -> Result<HeaderMap> {
    let value = |what: &str, v: &str| {
        HeaderValue::from_str(v)
            .map_err(|_| Error::Config(format!("{what} cannot be sent as an HTTP header value (control characters?)")))
    };
    let mut h = HeaderMap::with_capacity(10);
    h.insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON));
    h.insert(HOST, value("the endpoint's host", &cfg.host)?);
    h.insert(X_TC_VERSION, HeaderValue::from_static(crate::API_VERSION));
    h.insert(X_TC_LANGUAGE, value("`language`", &cfg.language)?);
    if let Some(region) = &cfg.region {
        h.insert(X_TC_REGION, value("`region`", region)?);
    }
    if let Some(token) = &cfg.credentials.token {
        let mut token = value("`token`", token.expose())?;
        token.set_sensitive(true);
        h.insert(X_TC_TOKEN, token);
    }
    Ok(h)
}

fn signed_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// reqwest reports DNS, TCP connect and TLS handshake failures as connect errors: nothing was sent.
fn classify_send_error(e: &reqwest::Error) -> Error {
    if e.is_connect() {
        if e.is_timeout() {
            Error::Timeout(format!("connecting: {}", describe(e)))
        } else {
            Error::Connection(describe(e))
        }
    } else if e.is_builder() {
        Error::Config(describe(e))
    } else {
        Error::OutcomeUnknown {
            reason: if e.is_timeout() {
                "timed out waiting for the answer after the request was sent".into()
            } else {
                format!("the connection failed after the request was sent ({})", describe(e))
            },
            request_id: None,
            http_status: None,
            timed_out: e.is_timeout(),
        }
    }
}

/// The error and its causes, without the URL (which is not secret, but keeps messages short and stable).
fn describe(e: &reqwest::Error) -> String {
    let mut parts = vec![e.without_url_ref()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.dedup();
    parts.join(": ")
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let kind = if self.is_connect() {
            "connect error"
        } else if self.is_timeout() {
            "timeout"
        } else if self.is_body() || self.is_decode() {
            "body error"
        } else if self.is_request() {
            "request error"
        } else {
            "error"
        };
        kind.to_string()
    }
}
