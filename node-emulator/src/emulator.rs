//! `NativeEmulator`: the local CreateAICall service from `ccc-aicall-emulator`, for tests in Node.

mod push;

use ccc_aicall::field::to_snake;
use ccc_aicall_emulator::{CallScript, Credential, Emulator, EmulatorConfig, Fault, PlacedCall};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Status};
use napi_derive::napi;
use serde::Deserialize;
use serde_json::Value;

/// The options as `index.js` passes them: JSON text, or nothing.
fn from_json(text: Option<String>) -> napi::Result<Option<Value>> {
    text.map(|t| serde_json::from_str(&t).map_err(|e| napi::Error::new(Status::InvalidArg, format!("not JSON: {e}"))))
        .transpose()
}

/// `Emulator.start({...})` options; anything left out keeps the emulator's default.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Options {
    host: Option<String>,
    port: Option<u16>,
    rate_limit: Option<f64>,
    clock_offset_secs: Option<i64>,
    ringing_ms: Option<u64>,
    talking_ms: Option<u64>,
    credentials: Option<Vec<CredentialOption>>,
    tls: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CredentialOption {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
}

fn config(options: Option<Value>) -> napi::Result<EmulatorConfig> {
    let o: Options = match options {
        None | Some(Value::Null) => Options::default(),
        Some(v) => serde_json::from_value(v)
            .map_err(|e| napi::Error::new(Status::InvalidArg, format!("Emulator options: {e}")))?,
    };
    let d = EmulatorConfig::default();
    let credentials = o.credentials.map(|list| {
        list.into_iter()
            .map(|c| Credential { secret_id: c.secret_id, secret_key: c.secret_key, token: c.token })
            .collect()
    });
    Ok(EmulatorConfig {
        host: o.host.unwrap_or(d.host),
        port: o.port.unwrap_or(d.port),
        rate_limit: o.rate_limit.unwrap_or(d.rate_limit),
        clock_offset_secs: o.clock_offset_secs.unwrap_or(d.clock_offset_secs),
        ringing_ms: o.ringing_ms.unwrap_or(d.ringing_ms),
        talking_ms: o.talking_ms.unwrap_or(d.talking_ms),
        credentials: credentials.unwrap_or(d.credentials),
        tls: o.tls.unwrap_or(d.tls),
        ..d
    })
}

/// `emulator.script(callee, {...})`: the options' camelCase keys (`endStatus`, `cdrDelayMs`) are the script's
/// snake_case fields, renamed here like the start options; the words inside (`role`, `text`, `name`, `type`,
/// `value`, `description`) are one word in both cases.
fn call_script(script_json: &str) -> napi::Result<CallScript> {
    let invalid = |e: String| napi::Error::new(Status::InvalidArg, format!("call script: {e}"));
    let value: Value = serde_json::from_str(script_json).map_err(|e| invalid(e.to_string()))?;
    let Value::Object(fields) = value else { return Err(invalid("must be an object".to_string())) };
    let renamed = fields.into_iter().map(|(k, v)| (to_snake(&k), v)).collect();
    serde_json::from_value(Value::Object(renamed)).map_err(|e| invalid(e.to_string()))
}

#[napi(object)]
pub struct PlacedCallJs {
    pub session_id: String,
    pub request_id: String,
    pub received_at_ms: f64,
    /// The request body exactly as the emulator received it (wire names).
    pub body: Value,
}

impl From<PlacedCall> for PlacedCallJs {
    fn from(c: PlacedCall) -> Self {
        PlacedCallJs {
            session_id: c.session_id,
            request_id: c.request_id,
            received_at_ms: c.received_at_ms as f64,
            body: c.body,
        }
    }
}

#[napi]
pub struct NativeEmulator {
    inner: Emulator,
}

/// Start an emulator on the binding's runtime; resolves once it listens.
#[napi(catch_unwind, ts_return_type = "Promise<NativeEmulator>")]
pub fn start_emulator(env: &Env, options_json: Option<String>) -> napi::Result<PromiseRaw<'_, NativeEmulator>> {
    let config = config(from_json(options_json)?)?;
    env.spawn_future(async move {
        let inner = Emulator::start(config).await.map_err(|e| napi::Error::from_reason(format!("emulator: {e}")))?;
        Ok(NativeEmulator { inner })
    })
}

#[napi]
impl NativeEmulator {
    #[napi(getter, catch_unwind)]
    pub fn endpoint(&self) -> String {
        self.inner.endpoint()
    }

    /// With `tls`: the PEM certificate of the CA that signed its certificate.
    #[napi(getter, catch_unwind)]
    pub fn ca_pem(&self) -> Option<String> {
        self.inner.ca_pem().map(str::to_string)
    }

    /// The first accepted key pair: `[secretId, secretKey]`.
    #[napi(catch_unwind)]
    pub fn credential(&self) -> Vec<String> {
        let c = self.inner.credentials().swap_remove(0);
        vec![c.secret_id, c.secret_key]
    }

    #[napi(catch_unwind)]
    pub fn calls(&self) -> Vec<PlacedCallJs> {
        self.inner.calls().into_iter().map(PlacedCallJs::from).collect()
    }

    /// HTTP requests received, or those for one action.
    #[napi(catch_unwind)]
    pub fn hits(&self, action: Option<String>) -> i64 {
        let n = match action {
            Some(a) => self.inner.hits_for(&a),
            None => self.inner.hits(),
        };
        n as i64
    }

    /// Queue a fault given in its JSON form, e.g. `{ kind: 'error', code: 'InternalError' }`.
    #[napi(catch_unwind)]
    pub fn inject(&self, fault_json: String) -> napi::Result<()> {
        let fault =
            Fault::from_json(&fault_json).map_err(|e| napi::Error::new(Status::InvalidArg, format!("fault: {e}")))?;
        self.inner.inject(fault);
        Ok(())
    }

    /// How calls to `callee` go (`'*'`: every callee without a script), given as JSON with camelCase keys.
    #[napi(catch_unwind)]
    pub fn script(&self, callee: String, script_json: String) -> napi::Result<()> {
        self.inner.script(&callee, call_script(&script_json)?);
        Ok(())
    }

    #[napi(catch_unwind)]
    pub fn clear_scripts(&self) {
        self.inner.clear_scripts();
    }

    /// Push every finished call's record (and recording) to a receiver, given as JSON with camelCase keys; `null`
    /// stops pushing. A bad setting changes nothing.
    #[napi(catch_unwind)]
    pub fn set_push(&self, config_json: String) -> napi::Result<()> {
        let invalid = |e: String| napi::Error::new(Status::InvalidArg, e);
        self.inner.set_push(push::config_from(&config_json).map_err(invalid)?).map_err(invalid)
    }

    /// Every push made so far, oldest first, with each attempt's answer.
    #[napi(catch_unwind, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn pushes(&self) -> Vec<Value> {
        push::records_js(&self.inner.pushes())
    }

    #[napi(catch_unwind)]
    pub fn set_rate_limit(&self, requests_per_second: f64) {
        self.inner.set_rate_limit(requests_per_second);
    }

    #[napi(catch_unwind)]
    pub fn set_clock_offset(&self, secs: i64) {
        self.inner.set_clock_offset(secs);
    }

    #[napi(catch_unwind)]
    pub fn reset(&self) {
        self.inner.reset();
    }

    #[napi(catch_unwind)]
    pub fn stop(&self) {
        self.inner.stop();
    }
}
