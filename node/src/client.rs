//! `NativeClient`: the core `Client` behind `index.js`'s `Client`. Each method converts and calls the core.
//!
//! Parameters cross the boundary as the JSON text `JSON.stringify` makes of them, so JavaScript's own rules
//! apply (`undefined` properties are left out, integers stay integers), rather than napi's value walk, which
//! rejects `undefined` and turns integers above 2^32 into floats.

use crate::cancel::{token_of, CancelHandle};
use crate::error::{from_json, to_napi};
use crate::options::{call_options, client_config};
use ccc_aicall::{config::redact_url, Client, CreateAiCallRequest, Error, KeyCase};
use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;
use serde_json::{json, Value};
use std::time::UNIX_EPOCH;

#[napi]
pub struct NativeClient {
    pub(crate) inner: Client,
}

#[napi(object)]
pub struct AiCallResult {
    pub session_id: String,
    pub request_id: String,
    /// A JavaScript number: app ids are far below 2^53.
    pub sdk_app_id: f64,
    /// In the service's form (`00` and the country code).
    pub callee: String,
    /// Unix milliseconds; `index.js` makes it a `Date`.
    pub placed_at: f64,
    /// The request set `extractConfig`: `waitForCall` then waits for the extracted fields.
    pub extraction_configured: bool,
    /// The result of an earlier call with the same idempotency key: nothing was sent now.
    pub replayed: bool,
}

#[napi]
impl NativeClient {
    /// Resolve the options now (explicit > environment > default, in the core); a bad option throws.
    #[napi(constructor, catch_unwind)]
    pub fn new(options_json: Option<String>) -> napi::Result<Self> {
        let inner = Client::new(client_config(from_json(options_json)?)?).map_err(to_napi)?;
        Ok(NativeClient { inner })
    }

    /// What `toString` and `inspect` show, decided by the core: `[name, value]` pairs of the endpoint, the region
    /// (`null` when none) and the SecretId masked.
    #[napi(getter, catch_unwind)]
    pub fn shown(&self) -> Value {
        self.inner.config().shown(KeyCase::Camel).iter().map(|(name, value)| json!([name, value])).collect()
    }

    /// The configuration in force, without secrets (the SecretId in full: it names the key).
    #[napi(getter, catch_unwind)]
    pub fn config(&self) -> Value {
        let c = self.inner.config();
        json!({
            "endpoint": c.url.as_str(),
            "region": c.region,
            "secretId": c.credentials.secret_id,
            "language": c.language,
            "timeoutMs": c.timeout.as_millis() as u64,
            "connectTimeoutMs": c.connect_timeout.as_millis() as u64,
            "maxRetries": c.max_retries,
            "rateLimit": c.rate_limit.unwrap_or(0.0),
            "proxy": c.proxy.as_deref().map(redact_url),
            "redisUrl": c.redis_url.as_deref().map(redact_url),
            "storeFallbackLocal": c.store_fallback_local,
            "idempotencyTtlMs": c.idempotency_ttl.as_millis() as u64,
        })
    }

    /// `options_json`: the call's options without `signal` (`{ idempotencyKey }`).
    #[napi(catch_unwind, ts_return_type = "Promise<AiCallResult>")]
    pub fn create_ai_call<'env>(
        &self,
        env: &'env Env,
        params_json: String,
        options_json: Option<String>,
        cancel: Option<&CancelHandle>,
    ) -> napi::Result<PromiseRaw<'env, AiCallResult>> {
        let (client, token) = (self.inner.clone(), token_of(cancel));
        env.spawn_future(async move {
            let params = from_json(Some(params_json))?.unwrap_or(Value::Null);
            let request =
                CreateAiCallRequest::from_value(params, KeyCase::Camel).map_err(|e| to_napi(Error::Validation(e)))?;
            let options = call_options(from_json(options_json)?)?;
            let placed = client.create_ai_call_cancellable_with(&request, &token, &options).await.map_err(to_napi)?;
            let placed_at = placed.placed_at.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as f64;
            Ok(AiCallResult {
                session_id: placed.session_id,
                request_id: placed.request_id,
                sdk_app_id: placed.sdk_app_id as f64,
                callee: placed.callee,
                placed_at,
                extraction_configured: placed.extraction_configured,
                replayed: placed.replayed,
            })
        })
    }

    /// Any other CCC action; `params` are wire (PascalCase) parameters, the answer is the `Response` object.
    #[napi(catch_unwind, ts_return_type = "Promise<Record<string, unknown>>")]
    pub fn request<'env>(
        &self,
        env: &'env Env,
        action: String,
        params_json: Option<String>,
        cancel: Option<&CancelHandle>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let (client, token) = (self.inner.clone(), token_of(cancel));
        env.spawn_future(async move {
            let params = from_json(params_json)?.unwrap_or(Value::Null);
            let response = client.request_cancellable(&action, params, &token).await.map_err(to_napi)?;
            Ok(Value::Object(response))
        })
    }
}
