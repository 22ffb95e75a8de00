//! After the call is placed: `waitForCall`, `getCall`, `hangUp`, `say`, `transfer`, `findCalls` and `reconcile`
//! over the core's `follow` module. Conversion only.
//!
//! Arguments arrive as JSON text (as in `client.rs`; `index.js` turns `Date`s into Unix milliseconds first) and
//! are read by the core (`follow_options`), which names a bad one as JavaScript spells it. Results leave as plain
//! objects with camelCase keys, times in Unix milliseconds (`index.js` makes them `Date`s) and durations in
//! milliseconds.

use crate::cancel::{token_of, CancelHandle};
use crate::client::NativeClient;
use crate::error::{attempt_from_payload, from_json, to_napi};
use ccc_aicall::follow_options::{
    call_from_value, find_from_value, say_from_value, transfer_from_value, wait_from_value,
};
use ccc_aicall::{CallOutcome, CallState, Error, KeyCase, ReconcileOptions, Reconciled, Turn};
use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The JSON text of an argument, `null` when it was left out.
fn arg(text: Option<String>) -> napi::Result<Value> {
    Ok(from_json(text)?.unwrap_or(Value::Null))
}

#[napi]
impl NativeClient {
    /// Follow a call to its end; resolves with its outcome (see `outcome_js`).
    #[napi(catch_unwind, ts_return_type = "Promise<Record<string, unknown>>")]
    pub fn wait_for_call<'env>(
        &self,
        env: &'env Env,
        call_json: String,
        options_json: Option<String>,
        cancel: Option<&CancelHandle>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let (client, token) = (self.inner.clone(), token_of(cancel));
        env.spawn_future(async move {
            let (call, mut options) =
                wait_from_value(&arg(Some(call_json))?, arg(options_json)?, KeyCase::Camel, &["signal"])
                    .map_err(to_napi)?;
            options.cancel = token;
            let outcome = client.wait_for_call(&call, &options).await.map_err(to_napi)?;
            Ok(outcome_js(&outcome))
        })
    }

    #[napi(catch_unwind, ts_return_type = "Promise<Record<string, unknown>>")]
    pub fn get_call<'env>(
        &self,
        env: &'env Env,
        call_json: String,
        options_json: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let client = self.inner.clone();
        env.spawn_future(async move {
            let call =
                call_from_value(&arg(Some(call_json))?, arg(options_json)?, KeyCase::Camel, &[]).map_err(to_napi)?;
            Ok(state_js(&client.get_call(&call).await.map_err(to_napi)?))
        })
    }

    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn hang_up<'env>(
        &self,
        env: &'env Env,
        call_json: String,
        options_json: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let client = self.inner.clone();
        env.spawn_future(async move {
            let call =
                call_from_value(&arg(Some(call_json))?, arg(options_json)?, KeyCase::Camel, &[]).map_err(to_napi)?;
            client.hang_up(&call).await.map_err(to_napi)
        })
    }

    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn say<'env>(
        &self,
        env: &'env Env,
        call_json: String,
        text_json: String,
        options_json: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let client = self.inner.clone();
        env.spawn_future(async move {
            let (call, text, options) =
                say_from_value(&arg(Some(call_json))?, &arg(Some(text_json))?, arg(options_json)?, KeyCase::Camel)
                    .map_err(to_napi)?;
            client.say(&call, &text, &options).await.map_err(to_napi)
        })
    }

    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn transfer<'env>(
        &self,
        env: &'env Env,
        call_json: String,
        skill_group_id_json: String,
        options_json: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let client = self.inner.clone();
        env.spawn_future(async move {
            let (call, group) = transfer_from_value(
                &arg(Some(call_json))?,
                &arg(Some(skill_group_id_json))?,
                arg(options_json)?,
                KeyCase::Camel,
            )
            .map_err(to_napi)?;
            client.transfer(&call, group).await.map_err(to_napi)
        })
    }

    /// The call records of one number in a window; resolves with their outcomes.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<Record<string, unknown>>>")]
    pub fn find_calls<'env>(
        &self,
        env: &'env Env,
        callee_json: String,
        options_json: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let client = self.inner.clone();
        env.spawn_future(async move {
            let (app, callee, since, until) =
                find_from_value(&arg(Some(callee_json))?, arg(options_json)?, KeyCase::Camel).map_err(to_napi)?;
            let calls = client.find_calls(app, &callee, since, until).await.map_err(to_napi)?;
            Ok(Value::Array(calls.iter().map(outcome_js).collect()))
        })
    }

    /// Settle an outcome-unknown error. `error_json` is what `index.js` kept of the error: `message`, `requestId`,
    /// `httpStatus`, `timedOut` and the `attempt` of its payload (`error.rs`), absent when the error carries none.
    #[napi(catch_unwind, ts_return_type = "Promise<Record<string, unknown>>")]
    pub fn reconcile<'env>(
        &self,
        env: &'env Env,
        error_json: String,
        options_json: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let client = self.inner.clone();
        env.spawn_future(async move {
            let options = ReconcileOptions::from_value(&arg(options_json)?, KeyCase::Camel).map_err(to_napi)?;
            let reconciled = client.reconcile(&core_error(&arg(Some(error_json))?), &options).await.map_err(to_napi)?;
            Ok(reconciled_js(&reconciled))
        })
    }
}

/// The JavaScript error back as the core's: an outcome-unknown error with the call it carried (the core answers
/// only for the call; without one it refuses the error, naming it).
fn core_error(e: &Value) -> Error {
    let error = Error::OutcomeUnknown {
        reason: e["message"].as_str().unwrap_or_default().to_string(),
        request_id: e["requestId"].as_str().map(String::from),
        http_status: e["httpStatus"].as_u64().and_then(|s| u16::try_from(s).ok()),
        timed_out: e["timedOut"].as_bool().unwrap_or(false),
    };
    match attempt_from_payload(&e["attempt"]) {
        Some(attempt) => error.with_attempt(attempt),
        None => error,
    }
}

/// Unix milliseconds, `null` for none.
fn ms(t: Option<SystemTime>) -> Value {
    t.and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(Value::Null, |d| json!(d.as_millis() as u64))
}

fn duration_ms(d: Option<Duration>) -> Value {
    d.map_or(Value::Null, |d| json!(d.as_millis() as u64))
}

fn turn_js(t: &Turn) -> Value {
    json!({"role": t.role.as_str(), "text": t.text, "speaker": t.speaker, "start": ms(t.start), "end": ms(t.end)})
}

/// A `CallOutcome` for `index.js` (which makes its times `Date`s).
pub(crate) fn outcome_js(o: &CallOutcome) -> Value {
    json!({
        "sessionId": o.session_id,
        "sdkAppId": o.sdk_app_id,
        "status": o.status.as_str(),
        "endStatus": o.end_status,
        "endStatusString": o.end_status_string,
        "answered": o.answered,
        "caller": o.caller,
        "callee": o.callee,
        "ringDurationMs": duration_ms(o.ring_duration),
        "talkDurationMs": duration_ms(o.talk_duration),
        "startedAt": ms(o.started_at),
        "answeredAt": ms(o.answered_at),
        "endedAt": ms(o.ended_at),
        "hangupSide": o.hangup_side,
        "sysHangupReason": o.sys_hangup_reason,
        "recordingUrl": o.recording_url,
        "transcript": o.transcript.as_ref().map(|turns| turns.iter().map(turn_js).collect::<Vec<_>>()),
        "extracted": o.extracted,
        "missing": o.missing,
        "raw": o.raw,
    })
}

fn state_js(s: &CallState) -> Value {
    json!({
        "sessionId": s.session_id,
        "status": s.status.as_str(),
        "caller": s.caller,
        "callee": s.callee,
        "startedAt": ms(s.started_at),
        "ringingAt": ms(s.ringing_at),
        "answeredAt": ms(s.answered_at),
        "raw": s.raw,
    })
}

/// `{ verdict, calls, retryAfterMs }`; the verdict as the core names it.
fn reconciled_js(r: &Reconciled) -> Value {
    let verdict = serde_json::to_value(r).map(|v| v["verdict"].clone()).unwrap_or(Value::Null);
    let (calls, retry_after) = match r {
        Reconciled::Placed { calls } => (calls.iter().map(outcome_js).collect(), None),
        Reconciled::NotPlaced => (Vec::new(), None),
        Reconciled::CannotTellYet { retry_after } => (Vec::new(), Some(*retry_after)),
    };
    json!({"verdict": verdict, "calls": calls, "retryAfterMs": duration_ms(retry_after)})
}
