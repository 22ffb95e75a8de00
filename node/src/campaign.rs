//! Campaigns: `createAiCalls`, `campaignStatus` and `readCallsCsv` over the core's `campaign` module. Conversion only.
//!
//! Calls and options arrive as JSON text (as in `client.rs`). Each item leaves as a plain object whose `error` is
//! the payload `error.rs` throws, for `index.js` to rebuild as the typed error class. `onProgress` is a
//! threadsafe function: the core calls it from its workers, Node runs it on the JavaScript thread.
//! `readCallsCsv` hands back each row's source (`patients.csv line 3`) beside the rows, and `createAiCalls` takes
//! those labels back (one per call, `''` for none) for the core to name in its problems.

use crate::cancel::{token_of, CancelHandle};
use crate::client::NativeClient;
use crate::error::{from_json, payload, to_napi};
use crate::follow::outcome_js;
use ccc_aicall::campaign::csv::read_calls_csv as core_read_calls_csv;
use ccc_aicall::campaign::shared::CampaignStatus;
use ccc_aicall::campaign::{Campaign, CampaignOptions, CampaignReport, ItemOutcome, ItemStatus, Tally};
use ccc_aicall::field::FieldError;
use ccc_aicall::{Error, KeyCase};
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status};
use napi_derive::napi;
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::sync::Arc;

/// `onProgress`, called with one item object (or `null`, the final flush) and never throwing back into Rust.
type Progress = ThreadsafeFunction<Option<CampaignItem>, Unknown<'static>, Option<CampaignItem>, Status, false>;

#[napi]
impl NativeClient {
    /// Run a campaign; resolves with `{ items, counts, toReconcile, stoppedBy }` once every `onProgress` call ran.
    #[napi(
        catch_unwind,
        ts_args_type = "callsJson: string, optionsJson?: string | null, sources?: string[] | null, \
                        onProgress?: ((item: CampaignItem | null) => unknown) | null, cancel?: CancelHandle | null",
        ts_return_type = "Promise<CampaignReportJs>"
    )]
    pub fn create_ai_calls<'env>(
        &self,
        env: &'env Env,
        calls_json: String,
        options_json: Option<String>,
        sources: Option<Vec<String>>,
        on_progress: Option<Progress>,
        cancel: Option<&CancelHandle>,
    ) -> napi::Result<PromiseRaw<'env, CampaignReportJs>> {
        let (client, token) = (self.inner.clone(), token_of(cancel));
        env.spawn_future(async move {
            let (defaults, mut options) = campaign_options(from_json(options_json)?)?;
            let calls = match from_json(Some(calls_json))? {
                Some(Value::Array(calls)) => calls,
                _ => {
                    return Err(to_napi(Error::Validation(vec![FieldError::invalid(
                        "Calls",
                        "must be an array of call objects",
                    )])))
                }
            };
            let progress = on_progress.map(Arc::new);
            if let Some(tsfn) = progress.clone() {
                options.on_progress = Some(Arc::new(move |outcome: &ItemOutcome, tally: &Tally| {
                    tsfn.call_with_return_value(
                        Some(CampaignItem { progress: Some(counts(tally)), ..item(outcome) }),
                        ThreadsafeFunctionCallMode::NonBlocking,
                        |_, _| Ok(()),
                    );
                }));
            }
            options.cancel = token;
            let campaign =
                Campaign::from_values(&defaults, &calls, KeyCase::Camel).with_sources(sources.unwrap_or_default());
            let report = client.create_ai_calls(campaign, options).await.map_err(to_napi)?;
            if let Some(tsfn) = progress {
                flush(&tsfn).await;
            }
            Ok(report_js(&report))
        })
    }
    /// A named campaign as its shared journal records it now: `{ name, items, counts }` (see `CampaignStatus`).
    /// `name_json` is what the caller passed, as JSON: anything but a string is refused, naming the argument.
    #[napi(catch_unwind, ts_return_type = "Promise<CampaignStatusJs>")]
    pub fn campaign_status<'env>(
        &self,
        env: &'env Env,
        name_json: String,
    ) -> napi::Result<PromiseRaw<'env, CampaignStatusJs>> {
        let client = self.inner.clone();
        env.spawn_future(async move {
            let Some(Value::String(name)) = from_json(Some(name_json))? else {
                return Err(to_napi(Error::ClientOption("`name` must be a campaign's name (a string)".into())));
            };
            let status = client.campaign_status(&name).await.map_err(to_napi)?;
            Ok(status_js(&status))
        })
    }
}

/// Wait until Node has run every `onProgress` call queued so far: the queue is FIFO, so a last call marks the end.
async fn flush(tsfn: &Progress) {
    let (done, ran) = napi::tokio::sync::oneshot::channel::<()>();
    let status = tsfn.call_with_return_value(None, ThreadsafeFunctionCallMode::NonBlocking, move |_, _| {
        let _ = done.send(());
        Ok(())
    });
    if status == Status::Ok {
        let _ = ran.await;
    }
}

/// Read a CSV file of calls (one row per call) into call objects with camelCase keys, and where each row starts
/// (`sources[i]`, `patients.csv line 3`).
#[napi(catch_unwind, ts_return_type = "Promise<{ calls: Array<Record<string, unknown>>, sources: string[] }>")]
pub fn read_calls_csv(env: &Env, path: String) -> napi::Result<PromiseRaw<'_, Value>> {
    env.spawn_future(async move {
        let calls =
            napi::tokio::task::spawn_blocking(move || core_read_calls_csv(&PathBuf::from(path), KeyCase::Camel))
                .await
                .map_err(|e| napi::Error::from_reason(format!("readCallsCsv: {e}")))?
                .map_err(to_napi)?;
        Ok(json!({ "sources": calls.sources(), "calls": calls.calls }))
    })
}

/// `createAiCalls`' options: read by the core (names, types, messages in Node's spelling); `onProgress` and
/// `signal` are `index.js`' own, named here only so that a misspelling of one is suggested as it.
fn campaign_options(options: Option<Value>) -> napi::Result<(Value, CampaignOptions)> {
    CampaignOptions::from_value(options.unwrap_or(Value::Null), KeyCase::Camel, &["onProgress", "signal"])
        .map_err(to_napi)
}

/// One finished item, as `onProgress` receives it and the report lists it (`error` is a payload until `index.js`
/// rebuilds it).
#[napi(object)]
pub struct CampaignItem {
    pub index: u32,
    pub callee: String,
    pub status: String,
    pub session_id: Option<String>,
    /// The RequestId of the answer: the placed call's, or the refusal's.
    pub request_id: Option<String>,
    pub error: Option<Value>,
    pub outcome_unknown: bool,
    pub attempts: u32,
    /// When its last request was sent (Unix milliseconds; `index.js` makes it a `Date`), in this run or, for items
    /// the journal decided, in the earlier one.
    pub sent_at: Option<f64>,
    /// On the items `onProgress` receives: the core's counts when this item finished (`done`, `total`, one entry
    /// per status).
    pub progress: Option<Value>,
    /// With `wait`: how its call ended (as `waitForCall` gives it), once collected.
    pub outcome: Option<Value>,
}

#[napi(object)]
pub struct CampaignReportJs {
    pub items: Vec<CampaignItem>,
    /// Items per status (`placed`, `outcome_unknown`, ...).
    pub counts: Value,
    /// Indices of the items to reconcile before anyone calls them again.
    pub to_reconcile: Vec<u32>,
    pub stopped_by: Option<Value>,
    /// Requests sent in this run, per action.
    pub requests: Value,
    /// With `wait`: the error that stopped collecting outcomes early (a payload, like `stopped_by`).
    pub wait_error: Option<Value>,
}

#[napi(object)]
pub struct CampaignStatusJs {
    pub name: String,
    /// Every item some worker has claimed, by its position in the list.
    pub items: Vec<SharedItemJs>,
    /// Items per state (`placed`, `sending`, `outcome_unknown`, `failed`, `retryable`).
    pub counts: Value,
}

#[napi(object)]
pub struct SharedItemJs {
    pub index: u32,
    /// The callee and its occurrence in the list (`008613012345678#1`).
    pub key: String,
    pub state: String,
    pub session_id: Option<String>,
    /// The error's code, or its message when it has none.
    pub error: Option<String>,
}

fn status_js(status: &CampaignStatus) -> CampaignStatusJs {
    let items = status
        .items
        .iter()
        .map(|i| SharedItemJs {
            index: i.index as u32,
            key: i.key.clone(),
            state: i.state.to_string(),
            session_id: i.session_id.clone(),
            error: i.error.clone(),
        })
        .collect();
    CampaignStatusJs { name: status.name.clone(), items, counts: json!(status.counts) }
}

fn item(o: &ItemOutcome) -> CampaignItem {
    let request_id = o
        .result
        .as_ref()
        .map(|r| r.request_id.clone())
        .or_else(|| o.error.as_ref().and_then(Error::request_id).map(String::from));
    CampaignItem {
        index: o.index as u32,
        callee: o.callee.clone(),
        status: o.status.as_str().to_string(),
        session_id: o.result.as_ref().map(|r| r.session_id.clone()),
        request_id,
        error: o.error.as_ref().map(payload),
        outcome_unknown: o.outcome_unknown(),
        attempts: o.attempts,
        sent_at: o.sent_at.map(|ms| ms as f64),
        progress: None,
        outcome: o.outcome.as_ref().map(outcome_js),
    }
}

fn counts(tally: &Tally) -> Value {
    let mut counts: Map<String, Value> = tally.counts().map(|(s, n)| (s.as_str().to_string(), json!(n))).collect();
    counts.insert("done".into(), json!(tally.done));
    counts.insert("total".into(), json!(tally.total));
    Value::Object(counts)
}

fn report_js(report: &CampaignReport) -> CampaignReportJs {
    let counts: Map<String, Value> =
        ItemStatus::ALL.iter().map(|s| (s.as_str().to_string(), json!(report.count(*s)))).collect();
    CampaignReportJs {
        items: report.items.iter().map(item).collect(),
        counts: Value::Object(counts),
        to_reconcile: report.to_reconcile().iter().map(|o| o.index as u32).collect(),
        stopped_by: report.stopped_by.as_ref().map(payload),
        requests: json!(report.requests),
        wait_error: report.wait_error.as_ref().map(payload),
    }
}
