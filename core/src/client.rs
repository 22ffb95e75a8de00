//! The client: validate -> loop { rate-limit -> sign (fresh timestamp) -> send -> classify -> maybe retry }.

use crate::config::{ClientConfig, ResolvedConfig};
use crate::envelope::{self, Answer};
use crate::error::{Error, Result};
use crate::idempotency::{self, CallOptions};
use crate::latch::SendLatch;
use crate::outcome::CallAttempt;
use crate::ratelimit::{Limiters, RateLimiter};
use crate::request::CreateAiCallRequest;
use crate::retry::{self, Decision};
use crate::signer::{self, SigningInput, CONTENT_TYPE_JSON};
use crate::store::{Connection, MemoryStore, RedisStore, Store};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use serde_json::{Map, Value};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;
pub use tokio_util::sync::CancellationToken;

const USER_AGENT: &str = concat!("ccc-aicall/", env!("CARGO_PKG_VERSION"));

/// The answer to a placed call, with what the actions that follow it need ([`crate::outcome::CallRef`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AiCallResult {
    pub session_id: String,
    pub request_id: String,
    pub sdk_app_id: u64,
    /// The callee as sent: in the service's form, `00` and the country code.
    pub callee: String,
    /// When the request that placed the call left.
    #[serde(with = "crate::outcome::unix_ms")]
    pub placed_at: SystemTime,
    /// The request configured `ExtractConfig` (extracted fields are then worth waiting for).
    pub extraction_configured: bool,
    /// This call was placed by an earlier `create_ai_call` with the same idempotency key (in this process or
    /// another sharing the store): this is its stored result, and nothing was sent now.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replayed: bool,
}

/// An async client for CreateAICall and the other CCC actions. `Send + Sync`; clones share the connection pool,
/// the rate limiters and the clock correction.
///
/// Each action has its own rate limiter (see [`crate::ratelimit`]): the `rate_limit` option is CreateAICall's budget
/// and caps every other action's (which also stays within its documented limit, 20/s for every documented action);
/// `rate_limit: 0` turns every limiter off. Polling `DescribeTelSession` therefore never delays dialling.
///
/// With a `redis_url`, the limiters are shared by every client using that Redis and the same SecretId, in any
/// process (one Redis round trip per request; see [`crate::store`]), and idempotency keys hold across processes.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    http: reqwest::Client,
    /// The store's connection, made on first use; like `http`, driven by the runtime that opened it.
    store_conn: Arc<Connection>,
}

struct Inner {
    config: ResolvedConfig,
    /// The certificates of `ca_file`, read once, for every connection pool built from this configuration.
    roots: Vec<reqwest::Certificate>,
    /// The headers every request carries (Content-Type, Host, version, language, region, token), checked once.
    base_headers: HeaderMap,
    limiters: Limiters,
    /// Idempotency keys, and with Redis the shared limiters' state.
    store: Store,
    /// The store's name for this SecretId's account (a hash: the SecretId never reaches the store).
    account: String,
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

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a campaign adds to each call.
pub(crate) struct Hooks<'a> {
    /// Stops the call only while its request has not been sent (a campaign's early stop): a request in flight is
    /// read to its end, since its outcome must be known.
    pub stop_unsent: &'a CancellationToken,
    /// Runs right before each request leaves, while the rate limiter's turn is held; if it fails, nothing is sent.
    /// It is not cancelled half-way (a journal line being written is finished).
    pub before_send: &'a (dyn Fn() -> BoxFuture<'a, Result<()>> + Sync),
    /// Called as each request leaves.
    pub on_sent: &'a (dyn Fn() + Sync),
}

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
        let limiters = Limiters::new(config.rate_limit);
        let base_headers = base_headers(&config)?;
        let store = match &config.redis_url {
            Some(url) => Store::Redis(Box::new(RedisStore::new(url, config.connect_timeout)?)),
            None => Store::Memory(MemoryStore::default()),
        };
        let account = crate::store::account_tag(&config.credentials.secret_id);
        let inner = Inner { config, roots, base_headers, limiters, store, account, clock_offset: AtomicI64::new(0) };
        let http = inner.http_client()?;
        Ok(Client { inner: Arc::new(inner), http, store_conn: Arc::default() })
    }

    /// A client that shares this one's configuration, rate limiters and clock correction but has a connection
    /// pool (and a connection to the shared store) of its own. A pooled connection is driven by the runtime that
    /// opened it, so a caller that runs calls on a runtime of its own (a current-thread runtime per thread, as the
    /// Python `Client` does for blocking calls) needs a pool of its own too.
    pub fn with_own_connections(&self) -> Result<Self> {
        Ok(Client { inner: self.inner.clone(), http: self.inner.http_client()?, store_conn: Arc::default() })
    }

    /// The shared store (Redis), its connection, and this account's name in it; `None` without a `redis_url`.
    pub(crate) fn redis_store(&self) -> Option<(&RedisStore, &Connection, &str)> {
        self.inner.store.redis().map(|store| (store, &*self.store_conn, self.inner.account.as_str()))
    }

    /// This SecretId's name in the store (a hash: the SecretId never leaves the process).
    pub(crate) fn account(&self) -> &str {
        &self.inner.account
    }

    /// The configuration in force.
    pub fn config(&self) -> &ResolvedConfig {
        &self.inner.config
    }

    /// How this client checks a request: with its default country code.
    pub(crate) fn validation_context(&self) -> crate::ValidationContext {
        crate::ValidationContext { default_country_code: self.inner.config.default_country_code }
    }

    /// The clock correction in seconds learnt from the server (0 until a `SignatureExpire` taught one).
    pub fn clock_offset(&self) -> i64 {
        self.inner.clock_offset.load(Ordering::Relaxed)
    }

    /// Place one AI call: validate, wait for the rate limiter, sign, send, parse.
    pub async fn create_ai_call(&self, request: &CreateAiCallRequest) -> Result<AiCallResult> {
        self.create_ai_call_cancellable(request, &CancellationToken::new()).await
    }

    /// [`Client::create_ai_call`] with per-call options. With an idempotency key the call is sent at most once per
    /// key (see [`crate::idempotency`]):
    ///
    /// - the key is claimed before anything is sent; a store that cannot be reached refuses the call
    ///   ([`crate::ErrorKind::StoreUnavailable`], nothing sent), whatever `store_fallback_local` says;
    /// - a repeat of a key whose call was placed returns that call's result, with [`AiCallResult::replayed`] set;
    /// - a repeat while the first attempt is in flight, or after it ended with its outcome unknown, is
    ///   [`Error::KeyPending`] (kind `OutcomeUnknown`, naming the key, with the call it may have placed);
    /// - a key reused for a different request is a validation error on `idempotency_key`.
    ///
    /// ```no_run
    /// # async fn f(client: &ccc_aicall::Client, request: &ccc_aicall::CreateAiCallRequest) -> ccc_aicall::Result<()> {
    /// let options = ccc_aicall::CallOptions { idempotency_key: Some("appt-123".into()) };
    /// let placed = client.create_ai_call_with(request, &options).await?;
    /// println!("{} (replayed: {})", placed.session_id, placed.replayed);
    /// # Ok(()) }
    /// ```
    pub async fn create_ai_call_with(
        &self,
        request: &CreateAiCallRequest,
        options: &CallOptions,
    ) -> Result<AiCallResult> {
        self.create_ai_call_hooked(request, &CancellationToken::new(), None, None, options).await
    }

    /// [`Client::create_ai_call`] that stops when `cancel` fires. A cancel before the request left gives
    /// `Error::Cancelled { sent: false }` (kind `Cancelled`: nothing was placed); a cancel while the request is in
    /// flight gives `Error::Cancelled { sent: true }`, whose kind is `OutcomeUnknown`: the call may have been placed.
    pub async fn create_ai_call_cancellable(
        &self,
        request: &CreateAiCallRequest,
        cancel: &CancellationToken,
    ) -> Result<AiCallResult> {
        self.create_ai_call_hooked(request, cancel, None, None, &CallOptions::default()).await
    }

    /// [`Client::create_ai_call_cancellable`] with per-call options ([`Client::create_ai_call_with`]).
    pub async fn create_ai_call_cancellable_with(
        &self,
        request: &CreateAiCallRequest,
        cancel: &CancellationToken,
        options: &CallOptions,
    ) -> Result<AiCallResult> {
        self.create_ai_call_hooked(request, cancel, None, None, options).await
    }

    /// [`Client::create_ai_call`] for a caller that may drop the future at any moment: `latch` is marked right before
    /// the request leaves, so that [`SendLatch::abandon`] tells the caller whether the call may have been placed (and
    /// stops any request from leaving after it).
    pub async fn create_ai_call_latched(
        &self,
        request: &CreateAiCallRequest,
        latch: &SendLatch,
    ) -> Result<AiCallResult> {
        self.create_ai_call_hooked(request, &CancellationToken::new(), None, Some(latch), &CallOptions::default()).await
    }

    /// [`Client::create_ai_call_latched`] with per-call options ([`Client::create_ai_call_with`]). A call dropped
    /// after its key was claimed leaves the key held as in flight until its TTL: its repeats are refused, never
    /// sent, since the call may have been placed.
    pub async fn create_ai_call_latched_with(
        &self,
        request: &CreateAiCallRequest,
        latch: &SendLatch,
        options: &CallOptions,
    ) -> Result<AiCallResult> {
        self.create_ai_call_hooked(request, &CancellationToken::new(), None, Some(latch), options).await
    }

    /// [`Client::create_ai_call_cancellable`] with a campaign's [`Hooks`]: the journal reaches the disk before each
    /// request leaves, and an early stop ends the call while it has not been sent.
    pub(crate) async fn create_ai_call_hooked(
        &self,
        request: &CreateAiCallRequest,
        cancel: &CancellationToken,
        hooks: Option<&Hooks<'_>>,
        latch: Option<&SendLatch>,
        options: &CallOptions,
    ) -> Result<AiCallResult> {
        let context = self.validation_context();
        let body = request.to_wire_body_with(&context).map_err(Error::Validation)?;
        // The body was built, so the callee normalises.
        let callee = crate::phone::normalize(&request.callee, context.default_country_code)
            .unwrap_or_else(|_| request.callee.clone());
        let Some(key) = options.idempotency_key.as_deref() else {
            return self.place(request, body, callee, cancel, hooks, latch).await;
        };
        idempotency::check_key(key)?;
        let inner = &*self.inner;
        let call = idempotency::Call {
            key,
            body: &body,
            sdk_app_id: request.sdk_app_id,
            callee: &callee,
            max_call_duration: request.max_call_duration_ms.map(Duration::from_millis),
            extraction_configured: request.extraction_configured(),
        };
        let ttl = inner.config.idempotency_ttl;
        let held = match idempotency::claim(&inner.store, &self.store_conn, &inner.account, &call, ttl).await? {
            Ok(held) => held,
            Err(replayed) => {
                let session_id = &replayed.session_id;
                log::info!(target: "ccc_aicall", "action=CreateAICall outcome=replayed session_id={session_id}");
                return Ok(replayed);
            }
        };
        let placed = self.place(request, body, callee, cancel, hooks, latch).await;
        match &placed {
            Ok(result) => held.placed(result).await,
            Err(e) => held.failed(e).await,
        }
        placed
    }

    /// Send a validated CreateAICall and read its answer.
    async fn place(
        &self,
        request: &CreateAiCallRequest,
        body: String,
        callee: String,
        cancel: &CancellationToken,
        hooks: Option<&Hooks<'_>>,
        latch: Option<&SendLatch>,
    ) -> Result<AiCallResult> {
        let mut sent_at = None;
        if let Some(latch) = latch {
            latch.describe(CallAttempt {
                sdk_app_id: request.sdk_app_id,
                callee: callee.clone(),
                sent_at: SystemTime::now(),
                max_call_duration: request.max_call_duration_ms.map(Duration::from_millis),
            });
        }
        let attempt = |sent_at: SystemTime| CallAttempt {
            sdk_app_id: request.sdk_app_id,
            callee: callee.clone(),
            sent_at,
            max_call_duration: request.max_call_duration_ms.map(Duration::from_millis),
        };
        let answer = match self.send("CreateAICall", body, cancel, hooks, latch, &mut sent_at).await {
            Ok(answer) => answer,
            Err(e) => return Err(e.with_attempt(attempt(sent_at.unwrap_or_else(SystemTime::now)))),
        };
        let sent_at = sent_at.unwrap_or_else(SystemTime::now);
        match answer.response.get("SessionId") {
            Some(Value::String(s)) if !s.is_empty() => Ok(AiCallResult {
                session_id: s.clone(),
                request_id: answer.request_id,
                sdk_app_id: request.sdk_app_id,
                callee,
                placed_at: sent_at,
                extraction_configured: request.extraction_configured(),
                replayed: false,
            }),
            _ => Err(Error::OutcomeUnknown {
                reason: "the service answered without a SessionId".into(),
                request_id: Some(answer.request_id),
                http_status: Some(200),
                timed_out: false,
            }
            .with_attempt(attempt(sent_at))),
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
        self.request_observed(action, params, cancel, None).await
    }

    /// [`Client::request_cancellable`] that calls `on_sent` as each attempt (retries included) leaves: a campaign
    /// counts the requests it spends per action.
    pub(crate) async fn request_observed(
        &self,
        action: &str,
        params: Value,
        cancel: &CancellationToken,
        on_sent: Option<&(dyn Fn() + Sync)>,
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
        let never = CancellationToken::new();
        let ready = || -> BoxFuture<'_, Result<()>> { Box::pin(async { Ok(()) }) };
        let hooks = on_sent.map(|on_sent| Hooks { stop_unsent: &never, before_send: &ready, on_sent });
        let mut answer = self.send(action, body, cancel, hooks.as_ref(), None, &mut None).await?;
        answer.response.insert("RequestId".into(), Value::String(answer.request_id));
        Ok(answer.response)
    }

    async fn send(
        &self,
        action: &str,
        body: String,
        cancel: &CancellationToken,
        hooks: Option<&Hooks<'_>>,
        latch: Option<&SendLatch>,
        sent_at: &mut Option<SystemTime>,
    ) -> Result<Answer> {
        let inner = &*self.inner;
        let body = Bytes::from(body);
        let never = CancellationToken::new();
        let stop_unsent = hooks.map_or(&never, |h| h.stop_unsent);
        let limiter = inner.limiters.for_action(action);
        let shared = inner.store.redis().zip(crate::ratelimit::budget(action, inner.config.rate_limit));
        let mut attempt: u32 = 0;
        let mut retries: u32 = 0;
        let mut clock_corrected = false;
        loop {
            // `biased`: a token already cancelled must win over a ready turn or answer.
            if cancel.is_cancelled() || stop_unsent.is_cancelled() {
                return Err(Error::Cancelled { sent: false });
            }
            // With a shared store its turn replaces the local limiter's, unless the store cannot be reached.
            let local = match shared {
                Some((store, rate)) => {
                    let turn = self.shared_turn(store, action, rate);
                    let taken = tokio::select! {
                        biased;
                        _ = cancel.cancelled() => return Err(Error::Cancelled { sent: false }),
                        _ = stop_unsent.cancelled() => return Err(Error::Cancelled { sent: false }),
                        taken = turn => taken,
                    };
                    match taken {
                        Ok(()) => None,
                        Err(e) => self.local_fallback(action, e, limiter.as_ref())?,
                    }
                }
                None => limiter.as_ref(),
            };
            let permit = match local {
                Some(limiter) => tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return Err(Error::Cancelled { sent: false }),
                    _ = stop_unsent.cancelled() => return Err(Error::Cancelled { sent: false }),
                    permit = limiter.acquire() => Some(permit),
                },
                None => None,
            };
            // The turn is held through the before-send work, so that the spacing holds at the moment of sending.
            if let Some(hooks) = hooks {
                (hooks.before_send)().await?;
            }
            // A cancel that came meanwhile still finds the request unsent; the dropped turn consumes nothing. The latch
            // is asked last: once it says the request leaves, it does.
            if cancel.is_cancelled() || stop_unsent.is_cancelled() || !latch.map_or(true, SendLatch::depart) {
                return Err(Error::Cancelled { sent: false });
            }
            if let Some(permit) = permit {
                permit.sent();
            }
            if let Some(hooks) = hooks {
                (hooks.on_sent)();
            }
            attempt += 1;
            *sent_at = Some(SystemTime::now());
            let started = Instant::now();
            let outcome = tokio::select! {
                biased;
                // Bytes may already be on the wire: treat as sent, the call may have been placed.
                _ = cancel.cancelled() => return Err(Error::Cancelled { sent: true }),
                r = self.attempt(action, &body) => r,
            };
            let elapsed = started.elapsed().as_millis();
            let failure = match outcome {
                Ok(answer) => {
                    log::info!(
                        target: "ccc_aicall",
                        "action={action} attempt={attempt} elapsed_ms={elapsed} request_id={} outcome=ok",
                        answer.request_id
                    );
                    return Ok(answer);
                }
                Err(f) => f,
            };
            let err = failure.error;
            if let (Some(latch), true) = (latch, err.certainly_not_acted()) {
                latch.not_acted();
            }
            log::info!(
                target: "ccc_aicall",
                "action={action} attempt={attempt} elapsed_ms={elapsed} request_id={} outcome={} code={} \
                 outcome_unknown={}",
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
                    log::warn!(
                        target: "ccc_aicall",
                        "local clock is {offset} s off the service's; re-signing with the corrected time"
                    );
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
                        _ = stop_unsent.cancelled() => return Err(Error::Cancelled { sent: false }),
                        _ = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    }

    /// Reserve this request's turn in the shared budget of `action` (one Redis round trip) and wait for it.
    async fn shared_turn(&self, store: &RedisStore, action: &str, per_second: f64) -> Result<()> {
        let key = crate::store::limiter_store_key(&self.inner.account, action);
        let wait = store.reserve(&self.store_conn, &key, Duration::from_secs_f64(1.0 / per_second)).await?;
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    /// The shared limiter of `action` failed with `error`: CreateAICall fails closed unless the user chose the
    /// local limiter (`store_fallback_local`); the other actions, which cannot dial anyone, always fall back (the
    /// service's own limit refuses without acting, and the client retries that).
    fn local_fallback<'l>(
        &self,
        action: &str,
        error: Error,
        limiter: Option<&'l Arc<RateLimiter>>,
    ) -> Result<Option<&'l Arc<RateLimiter>>> {
        if action == crate::ratelimit::CREATE_AI_CALL && !self.inner.config.store_fallback_local {
            return Err(error);
        }
        log::warn!(target: "ccc_aicall", "action={action} shared limiter unavailable, using the local one: {error}");
        Ok(limiter)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_server::{request, TestServer};
    use std::sync::atomic::AtomicU64;
    use std::sync::Mutex;

    /// Before-send work of 0 to 40 ms (a journal's fsync on a slow disk) at 20/s: the turn covers it, so no two
    /// requests leave closer than the interval.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn spacing_holds_at_the_moment_of_sending() {
        let server = TestServer::start(None).await;
        let client = server.client(20.0);
        let calls = AtomicU64::new(0);
        let sent: Mutex<Vec<Instant>> = Mutex::new(Vec::new());
        let before_send = || -> BoxFuture<'_, Result<()>> {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(n * 17 % 41)).await;
                Ok(())
            })
        };
        let on_sent = || sent.lock().unwrap().push(Instant::now());
        let never = CancellationToken::new();
        let hooks = Hooks { stop_unsent: &never, before_send: &before_send, on_sent: &on_sent };
        let requests: Vec<_> = (0..20).map(request).collect();
        let no_key = CallOptions::default();
        let results =
            futures_join(requests.iter().map(|r| client.create_ai_call_hooked(r, &never, Some(&hooks), None, &no_key)))
                .await;
        assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
        let mut times = sent.into_inner().unwrap();
        times.sort();
        assert_eq!(times.len(), 20);
        for w in times.windows(2) {
            assert!(w[1] - w[0] >= Duration::from_millis(50), "two requests left {:?} apart", w[1] - w[0]);
        }
        assert_eq!(server.hits(), 20);
    }

    /// A latched call dropped while it waits for the rate limiter: the latch says nothing was sent, and nothing is.
    #[tokio::test]
    async fn a_latched_call_given_up_before_sending_is_never_sent() {
        let server = TestServer::start(None).await;
        let client = server.client(2.0);
        client.create_ai_call(&request(0)).await.unwrap(); // takes this half second's turn
        let (latch, second) = (SendLatch::new(), request(1));
        let waiting = client.create_ai_call_latched(&second, &latch);
        assert!(tokio::time::timeout(Duration::from_millis(100), waiting).await.is_err(), "it waits for its turn");
        let e = latch.abandon();
        assert!(matches!(e, Error::Cancelled { sent: false }) && !e.outcome_unknown(), "{e:?}");
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(server.hits(), 1);
    }

    /// A latched call dropped once its request reached the server: the latch says the call may have been placed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_latched_call_given_up_after_sending_may_have_been_placed() {
        let arrived = Arc::new(tokio::sync::Notify::new());
        let on_request: crate::test_server::OnRequest = {
            let arrived = arrived.clone();
            Arc::new(move |_: &[u8]| arrived.notify_one())
        };
        let server = TestServer::start(Some(on_request)).await;
        let client = server.client(0.0);
        let latch = SendLatch::new();
        let call = request(0);
        tokio::select! {
            _ = client.create_ai_call_latched(&call, &latch) => {}
            _ = arrived.notified() => {}
        }
        let e = latch.abandon();
        assert!(matches!(e.inner(), Error::Cancelled { sent: true }) && e.outcome_unknown(), "{e:?}");
        assert_eq!(e.kind(), crate::ErrorKind::OutcomeUnknown);
        let attempt = e.attempt().expect("the call it may have placed");
        assert_eq!((attempt.sdk_app_id, attempt.callee.as_str()), (call.sdk_app_id, call.callee.as_str()));
    }

    /// Poll every future to the end, concurrently, on this task.
    async fn futures_join<F: Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
        let mut pending: Vec<Pin<Box<F>>> = futures.map(Box::pin).collect();
        let mut out: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut done = true;
            for (f, slot) in pending.iter_mut().zip(out.iter_mut()) {
                if slot.is_none() {
                    match f.as_mut().poll(cx) {
                        std::task::Poll::Ready(v) => *slot = Some(v),
                        std::task::Poll::Pending => done = false,
                    }
                }
            }
            if done {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
        out.into_iter().map(|o| o.expect("every future finished")).collect()
    }
}
