//! Campaigns: many calls from one template, at the service's rate, never dialling anyone twice.
//!
//! Every item is built (template + per-call overrides) and validated before the first call is placed. Calls run
//! with bounded concurrency under the client's rate limiter; an optional journal makes a re-run skip every item
//! that was placed or whose outcome is unknown. Items are identified in the journal by their normalised callee
//! and its occurrence number in the list, so editing the prompt between runs never re-dials anyone.

pub mod csv;
pub mod journal;

use crate::client::{AiCallResult, BoxFuture, CancellationToken, Client, Hooks};
use crate::error::{Error, ErrorKind, Result};
use crate::field::{FieldError, KeyCase};
use crate::request::{CreateAiCallRequest, EXTRA_PARAMS, PARAMETERS};
use journal::{Event, Journal, Prior};
use serde_json::{Map, Value};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const DEFAULT_CONCURRENCY: usize = 4;
pub const DEFAULT_REFUSED_RETRIES: u32 = 5;

/// Codes that will hit every remaining item: the campaign stops dispatching when it sees one.
const ACCOUNT_WIDE_CODES: [&str; 7] = [
    "FailedOperation.AIConcurrentNoPackage",
    "FailedOperation.AILicenseHasExpired",
    "FailedOperation.NoCallOutNumber",
    "FailedOperation.PermissionDenied",
    "LimitExceeded.BasePackageExpired",
    "LimitExceeded.InsufficientLicense",
    "InvalidParameterValue.InstanceNotExist",
];

/// Refusals the service makes without acting, worth another try later in the campaign.
const REFUSED_RETRY_CODES: [&str; 1] = ["FailedOperation.AIConcurrentOverFrequency"];

/// The calls of a campaign, each already built and validated (or the problems that stop it from being sent).
#[derive(Debug, Clone)]
pub struct Campaign {
    items: Vec<std::result::Result<CreateAiCallRequest, Vec<FieldError>>>,
    /// Problems of the campaign as a whole (such as `defaults` not being an object): never skippable.
    general: Vec<FieldError>,
}

impl Campaign {
    /// From complete requests (Rust callers clone a template and set the callee).
    pub fn new(requests: Vec<CreateAiCallRequest>) -> Self {
        Campaign { items: requests.into_iter().map(|r| r.validate().map(|_| r)).collect(), general: Vec::new() }
    }

    /// From a template and per-call overrides as loose JSON objects in the caller's key case. Top-level keys of an
    /// item replace the template's; `Variables` and `PromptVariables` are merged by `Key`, the item's value winning.
    pub fn from_values(defaults: &Value, calls: &[Value], case: KeyCase) -> Self {
        let base = match defaults {
            Value::Object(map) => to_wire_keys(map, case),
            Value::Null => Map::new(),
            _ => {
                return Campaign {
                    items: Vec::new(),
                    general: vec![FieldError::invalid("Defaults", "must be an object of parameters")],
                }
            }
        };
        let items = calls
            .iter()
            .map(|call| {
                let Value::Object(overrides) = call else {
                    return Err(vec![FieldError::invalid("", "each call must be an object of parameters")]);
                };
                let merged = merge(&base, &to_wire_keys(overrides, case), case);
                let request = CreateAiCallRequest::from_value(Value::Object(merged), case)?;
                request.validate()?;
                Ok(request)
            })
            .collect();
        Campaign { items, general: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every problem: the campaign's own, then every item's with its path prefixed by `Calls[i]`.
    pub fn problems(&self) -> Vec<FieldError> {
        let items = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| item.as_ref().err().map(|errs| (i, errs)))
            .flat_map(|(i, errs)| errs.iter().map(move |e| prefixed(i, e)));
        self.general.iter().cloned().chain(items).collect()
    }
}

fn prefixed(index: usize, e: &FieldError) -> FieldError {
    let path = if e.path.is_empty() { format!("Calls[{index}]") } else { format!("Calls[{index}].{}", e.path) };
    FieldError { kind: e.kind, path, message: e.message.clone() }
}

/// Rename the caller's top-level keys to wire names so a template in one spelling and an override in another
/// still meet. Unknown keys are kept as given, for the request parser to report.
fn to_wire_keys(map: &Map<String, Value>, case: KeyCase) -> Map<String, Value> {
    map.iter()
        .map(|(k, v)| {
            let wire = PARAMETERS.iter().chain([&EXTRA_PARAMS]).find(|w| **w == k || case.is_key_of(k, w));
            (wire.map_or_else(|| k.clone(), |w| w.to_string()), v.clone())
        })
        .collect()
}

fn merge(base: &Map<String, Value>, overrides: &Map<String, Value>, case: KeyCase) -> Map<String, Value> {
    let mut out = base.clone();
    for (k, v) in overrides {
        let merged = match (k.as_str(), out.get(k), v) {
            ("Variables" | "PromptVariables", Some(Value::Array(a)), Value::Array(b)) => {
                Value::Array(merge_by_key(a, b, case))
            }
            _ => v.clone(),
        };
        out.insert(k.clone(), merged);
    }
    out
}

fn merge_by_key(base: &[Value], overrides: &[Value], case: KeyCase) -> Vec<Value> {
    let key_of = |v: &Value| v.get("Key").or_else(|| v.get(case.key("Key"))).and_then(Value::as_str).map(String::from);
    let mut out: Vec<Value> = base
        .iter()
        .filter(|b| key_of(b).map_or(true, |k| !overrides.iter().any(|o| key_of(o).as_deref() == Some(k.as_str()))))
        .cloned()
        .collect();
    out.extend(overrides.iter().cloned());
    out
}

/// Called once per finished item.
pub type ProgressFn = Arc<dyn Fn(&ItemOutcome) + Send + Sync>;

/// How a campaign runs.
#[derive(Clone)]
pub struct CampaignOptions {
    /// Calls in flight at once (the client's rate limiter still applies). Default 4.
    pub concurrency: usize,
    /// Append-only JSON-lines journal; re-running with the same file dials nobody twice.
    pub journal: Option<PathBuf>,
    /// Report invalid items as failed instead of refusing the whole campaign.
    pub skip_invalid: bool,
    /// How often an item the service refused without acting (`AIConcurrentOverFrequency`, rate limits beyond the
    /// client's own retries) is queued again, with growing pauses. Default 5.
    pub refused_retries: u32,
    /// Called once per finished item (also for items skipped because of the journal).
    pub on_progress: Option<ProgressFn>,
    /// Cancels the campaign: nothing new is dispatched, calls waiting for their turn are not sent, and calls in
    /// flight stop (their outcome is then unknown). An early stop (an account-wide refusal) does the first two
    /// only: a call in flight is read to its end.
    pub cancel: CancellationToken,
}

impl Default for CampaignOptions {
    fn default() -> Self {
        CampaignOptions {
            concurrency: DEFAULT_CONCURRENCY,
            journal: None,
            skip_invalid: false,
            refused_retries: DEFAULT_REFUSED_RETRIES,
            on_progress: None,
            cancel: CancellationToken::new(),
        }
    }
}

impl std::fmt::Debug for CampaignOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CampaignOptions")
            .field("concurrency", &self.concurrency)
            .field("journal", &self.journal)
            .field("skip_invalid", &self.skip_invalid)
            .field("refused_retries", &self.refused_retries)
            .finish_non_exhaustive()
    }
}

/// What became of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Placed in this run.
    Placed,
    /// The service refused it or it could not be sent; nobody was dialled.
    Failed,
    /// Sent in this run without a definitive answer: it may have dialled. Reconcile before calling again.
    OutcomeUnknown,
    /// The journal says a previous run placed it.
    AlreadyPlaced,
    /// The journal says a previous run sent it without a definitive answer. Reconcile before calling again.
    Unreconciled,
    /// Invalid (only with `skip_invalid`); never sent.
    Invalid,
    /// Not attempted: the campaign was cancelled or stopped early.
    NotAttempted,
}

impl ItemStatus {
    /// Every status, in a stable order (for per-status counts).
    pub const ALL: [ItemStatus; 7] = [
        ItemStatus::Placed,
        ItemStatus::Failed,
        ItemStatus::OutcomeUnknown,
        ItemStatus::AlreadyPlaced,
        ItemStatus::Unreconciled,
        ItemStatus::Invalid,
        ItemStatus::NotAttempted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Placed => "placed",
            ItemStatus::Failed => "failed",
            ItemStatus::OutcomeUnknown => "outcome_unknown",
            ItemStatus::AlreadyPlaced => "already_placed",
            ItemStatus::Unreconciled => "unreconciled",
            ItemStatus::Invalid => "invalid",
            ItemStatus::NotAttempted => "not_attempted",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ItemOutcome {
    pub index: usize,
    /// The normalised callee ("" if the item was invalid before one could be read).
    pub callee: String,
    pub status: ItemStatus,
    pub result: Option<AiCallResult>,
    pub error: Option<Error>,
    /// Requests sent for this item in this run.
    pub attempts: u32,
}

impl ItemOutcome {
    /// True when this item may have dialled without a definitive answer (now or in an earlier run).
    pub fn outcome_unknown(&self) -> bool {
        matches!(self.status, ItemStatus::OutcomeUnknown | ItemStatus::Unreconciled)
    }
}

#[derive(Debug, Clone)]
pub struct CampaignReport {
    /// One outcome per item, in input order.
    pub items: Vec<ItemOutcome>,
    /// The error that stopped dispatching early (authentication, no call package, expired licence...).
    pub stopped_by: Option<Error>,
}

impl CampaignReport {
    pub fn count(&self, status: ItemStatus) -> usize {
        self.items.iter().filter(|i| i.status == status).count()
    }
    /// Items to check (e.g. with DescribeTelCdr) before anyone calls them again.
    pub fn to_reconcile(&self) -> Vec<&ItemOutcome> {
        self.items.iter().filter(|i| i.outcome_unknown()).collect()
    }
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn is_account_wide(e: &Error) -> bool {
    e.kind() == ErrorKind::Authentication || e.code().is_some_and(|c| ACCOUNT_WIDE_CODES.contains(&c))
}

fn refused_without_acting(e: &Error) -> bool {
    e.kind() == ErrorKind::RateLimited || e.code().is_some_and(|c| REFUSED_RETRY_CODES.contains(&c))
}

/// Pause before re-queueing a refused item: 1 s, 2 s, 4 s ... capped at 30 s.
fn refused_pause(round: u32) -> Duration {
    Duration::from_secs(1u64 << round.saturating_sub(1).min(5)).min(Duration::from_secs(30))
}

struct Shared {
    client: Client,
    requests: Vec<Option<CreateAiCallRequest>>,
    keys: Vec<String>,
    queue: Mutex<VecDeque<usize>>,
    outcomes: Mutex<Vec<Option<ItemOutcome>>>,
    journal: Option<Journal>,
    options: CampaignOptions,
    dispatch: CancellationToken,
    stopped_by: Mutex<Option<Error>>,
}

impl Shared {
    fn finish(&self, outcome: ItemOutcome) {
        if let Some(cb) = &self.options.on_progress {
            cb(&outcome);
        }
        let index = outcome.index;
        if let Some(slot) = self.outcomes.lock().unwrap_or_else(|p| p.into_inner()).get_mut(index) {
            *slot = Some(outcome);
        }
    }

    fn journal(&self, event: Event) -> std::io::Result<()> {
        match &self.journal {
            Some(j) => j.record(&event),
            None => Ok(()),
        }
    }

    async fn run_item(&self, index: usize) {
        let Some(request) = self.requests[index].as_ref() else { return };
        let key = self.keys[index].clone();
        let sent = AtomicU32::new(0);
        let mut rounds = 0u32;
        // The journal line must be on disk before the request can leave (after the rate limiter's wait, so a
        // kill during the wait leaves nothing to reconcile): that is what makes a crash safe.
        let before_send = || -> BoxFuture<'_, Result<()>> {
            let attempt = sent.fetch_add(1, Ordering::SeqCst) + 1;
            let written = self
                .journal(Event::Sending {
                    key: key.clone(),
                    index,
                    callee: request.callee.clone(),
                    attempt,
                    at: now_secs(),
                })
                .map_err(|e| Error::Config(format!("journal write failed, call not sent: {e}")));
            Box::pin(std::future::ready(written))
        };
        // An early stop (`dispatch`) also keeps calls waiting for their turn from being sent.
        let hooks = Hooks { stop_unsent: &self.dispatch, before_send: &before_send, on_sent: &|| {} };
        loop {
            if self.dispatch.is_cancelled() {
                let attempts = sent.load(Ordering::SeqCst);
                return self.finish(ItemOutcome {
                    index,
                    callee: request.callee.clone(),
                    status: ItemStatus::NotAttempted,
                    result: None,
                    error: None,
                    attempts,
                });
            }
            let outcome = self.client.create_ai_call_hooked(request, &self.options.cancel, Some(&hooks)).await;
            let attempts = sent.load(Ordering::SeqCst);
            match outcome {
                Ok(result) => {
                    let _ = self.journal(Event::Placed {
                        key: key.clone(),
                        index,
                        session_id: result.session_id.clone(),
                        request_id: result.request_id.clone(),
                        at: now_secs(),
                    });
                    return self.finish(ItemOutcome {
                        index,
                        callee: request.callee.clone(),
                        status: ItemStatus::Placed,
                        result: Some(result),
                        error: None,
                        attempts,
                    });
                }
                Err(err) => {
                    let _ = self.journal(Event::Failed {
                        key: key.clone(),
                        index,
                        outcome_unknown: err.outcome_unknown(),
                        kind: err.kind().as_str().to_string(),
                        code: err.code().map(String::from),
                        request_id: err.request_id().map(String::from),
                        message: err.to_string(),
                        at: now_secs(),
                    });
                    if refused_without_acting(&err)
                        && rounds < self.options.refused_retries
                        && !self.dispatch.is_cancelled()
                    {
                        rounds += 1;
                        tokio::select! {
                            _ = tokio::time::sleep(refused_pause(rounds)) => continue,
                            _ = self.dispatch.cancelled() => continue,
                        }
                    }
                    // A configuration error (the journal cannot be written) would stop every item just the same.
                    if is_account_wide(&err) || err.kind() == ErrorKind::Config {
                        self.stop(err.clone());
                    }
                    let status = if err.outcome_unknown() {
                        ItemStatus::OutcomeUnknown
                    } else if matches!(err, Error::Cancelled { sent: false }) {
                        ItemStatus::NotAttempted
                    } else {
                        ItemStatus::Failed
                    };
                    return self.finish(ItemOutcome {
                        index,
                        callee: request.callee.clone(),
                        status,
                        result: None,
                        error: Some(err),
                        attempts,
                    });
                }
            }
        }
    }

    fn stop(&self, err: Error) {
        let mut stopped = self.stopped_by.lock().unwrap_or_else(|p| p.into_inner());
        if stopped.is_none() {
            log::warn!(target: "ccc_aicall", "campaign stopped early: {err}");
            *stopped = Some(err);
        }
        self.dispatch.cancel();
    }

    fn next(&self) -> Option<usize> {
        if self.dispatch.is_cancelled() {
            return None;
        }
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front()
    }
}

impl Client {
    /// Run a campaign. Fails before placing anything if an item is invalid (unless `skip_invalid`) or the journal
    /// cannot be opened; otherwise returns one outcome per item, in input order.
    pub async fn create_ai_calls(&self, campaign: Campaign, options: CampaignOptions) -> Result<CampaignReport> {
        let problems = campaign.problems();
        if !campaign.general.is_empty() || (!problems.is_empty() && !options.skip_invalid) {
            return Err(Error::Validation(problems));
        }
        let (journal, prior) = match &options.journal {
            Some(path) => {
                let (j, p) = Journal::open(path)?;
                (Some(j), p)
            }
            None => (None, HashMap::new()),
        };
        let n = campaign.items.len();
        let mut keys = Vec::with_capacity(n);
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut requests = Vec::with_capacity(n);
        let mut early: Vec<ItemOutcome> = Vec::new();
        let mut queue = VecDeque::new();
        for (index, item) in campaign.items.into_iter().enumerate() {
            match item {
                Err(errors) => {
                    keys.push(String::new());
                    requests.push(None);
                    early.push(ItemOutcome {
                        index,
                        callee: String::new(),
                        status: ItemStatus::Invalid,
                        result: None,
                        error: Some(Error::Validation(errors)),
                        attempts: 0,
                    });
                }
                Ok(request) => {
                    // Normalise the callee the way it goes on the wire, so "+86 130..." and "0086130..." are one person.
                    let callee = request
                        .to_wire()
                        .ok()
                        .and_then(|w| w.get("Callee").and_then(Value::as_str).map(String::from))
                        .unwrap_or_else(|| request.callee.clone());
                    let occurrence = seen.entry(callee.clone()).and_modify(|c| *c += 1).or_insert(1);
                    let key = format!("{callee}#{occurrence}");
                    match prior.get(&key) {
                        Some(Prior::Placed { session_id, request_id }) => early.push(ItemOutcome {
                            index,
                            callee: callee.clone(),
                            status: ItemStatus::AlreadyPlaced,
                            result: Some(AiCallResult {
                                session_id: session_id.clone(),
                                request_id: request_id.clone(),
                            }),
                            error: None,
                            attempts: 0,
                        }),
                        Some(Prior::Unknown) => early.push(ItemOutcome {
                            index,
                            callee: callee.clone(),
                            status: ItemStatus::Unreconciled,
                            result: None,
                            error: None,
                            attempts: 0,
                        }),
                        None => queue.push_back(index),
                    }
                    keys.push(key);
                    requests.push(Some(CreateAiCallRequest { callee, ..request }));
                }
            }
        }
        let dispatch = options.cancel.child_token();
        let workers = options.concurrency.clamp(1, 1000).min(queue.len().max(1));
        let shared = Arc::new(Shared {
            client: self.clone(),
            requests,
            keys,
            queue: Mutex::new(queue),
            outcomes: Mutex::new(vec![None; n]),
            journal,
            options,
            dispatch,
            stopped_by: Mutex::new(None),
        });
        for outcome in early {
            shared.finish(outcome);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..workers {
            let shared = shared.clone();
            tasks.spawn(async move {
                while let Some(index) = shared.next() {
                    shared.run_item(index).await;
                }
            });
        }
        while tasks.join_next().await.is_some() {}
        let stopped_by = shared.stopped_by.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut outcomes = std::mem::take(&mut *shared.outcomes.lock().unwrap_or_else(|p| p.into_inner()));
        // Items still queued when dispatching stopped were never attempted.
        let items = outcomes
            .iter_mut()
            .enumerate()
            .map(|(index, o)| {
                o.take().unwrap_or_else(|| {
                    let callee = shared.requests[index].as_ref().map(|r| r.callee.clone()).unwrap_or_default();
                    let outcome = ItemOutcome {
                        index,
                        callee,
                        status: ItemStatus::NotAttempted,
                        result: None,
                        error: None,
                        attempts: 0,
                    };
                    if let Some(cb) = &shared.options.on_progress {
                        cb(&outcome);
                    }
                    outcome
                })
            })
            .collect();
        Ok(CampaignReport { items, stopped_by })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template() -> Value {
        json!({"sdk_app_id": 1400000000, "llm_type": "openai", "api_key": "sk-x", "api_url": "https://api.openai.com/v1/",
               "system_prompt": "Remind {{name}} of the appointment", "model": "gpt-4o-mini",
               "variables": [{"key": "clinic", "value": "North"}, {"Key": "name", "Value": "?"}]})
    }

    #[test]
    fn overrides_replace_and_variables_merge_by_key() {
        let c = Campaign::from_values(
            &template(),
            &[json!({"callee": "+86 130 1234 5678", "variables": [{"key": "name", "value": "Li"}]})],
            KeyCase::Snake,
        );
        assert!(c.problems().is_empty(), "{:?}", c.problems());
        let wire = c.items[0].as_ref().unwrap().to_wire().unwrap();
        assert_eq!(wire["Callee"], "008613012345678");
        assert_eq!(wire["Variables"], json!([{"Key": "clinic", "Value": "North"}, {"Key": "name", "Value": "Li"}]));
    }

    #[test]
    fn every_bad_item_is_reported_with_its_index() {
        let c = Campaign::from_values(
            &template(),
            &[json!({"callee": "0086130"}), json!({}), json!({"callee": "abc", "vad_level": 9})],
            KeyCase::Snake,
        );
        let paths: Vec<String> = c.problems().iter().map(|e| e.field(KeyCase::Snake)).collect();
        assert!(paths.iter().any(|p| p == "calls[1].callee"), "{paths:?}");
        assert!(paths.iter().any(|p| p == "calls[2].callee"), "{paths:?}");
        assert!(paths.iter().any(|p| p == "calls[2].vad_level"), "{paths:?}");
        assert!(!paths.iter().any(|p| p.starts_with("calls[0]")), "{paths:?}");
    }

    #[test]
    fn defaults_that_are_not_an_object_are_a_campaign_problem() {
        let c = Campaign::from_values(&json!([1]), &[json!({"callee": "0086130"})], KeyCase::Camel);
        let paths: Vec<String> = c.problems().iter().map(|e| e.field(KeyCase::Camel)).collect();
        assert_eq!(paths, vec!["defaults"]);
    }

    #[test]
    fn pauses_grow_and_cap() {
        assert_eq!(refused_pause(1), Duration::from_secs(1));
        assert_eq!(refused_pause(3), Duration::from_secs(4));
        assert_eq!(refused_pause(20), Duration::from_secs(30));
    }
}
