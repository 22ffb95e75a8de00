//! Campaigns: many calls from one template, at the service's rate, never dialling anyone twice.
//!
//! Every item is built (template + per-call overrides) and validated before the first call is placed. Calls run
//! with bounded concurrency under the client's rate limiter; an optional journal makes a re-run skip every item
//! that was placed or whose outcome is unknown, and holds the file locked so that only one run uses it at a time.
//! Items are identified in the journal by their normalised callee and its occurrence number in the list, so editing
//! the prompt between runs never re-dials anyone.
//!
//! Interrupts: the caller's cancel stops dispatching, keeps calls waiting for their turn from being sent, and ends
//! calls in flight (`outcome_unknown`); the report is still returned, every placed call in it. An early stop (an
//! account-wide refusal, a journal that can no longer be written) stops dispatching and the waiting calls, and
//! reads the calls in flight to their end.

mod collect;
pub mod csv;
pub mod journal;
mod options;
mod report;
mod run;
pub mod shared;

pub use report::{CampaignReport, ItemOutcome, ItemStatus, Tally};

use crate::client::CancellationToken;
use crate::field::{FieldError, KeyCase};
use crate::follow::ReconcileOptions;
use crate::phone::CountryCode;
use crate::request::ValidationContext;
use crate::request::{CreateAiCallRequest, EXTRA_PARAMS, PARAMETERS};
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Calls in flight at once, unless the options say otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// How often a refused item is queued again, unless the options say otherwise.
pub const DEFAULT_REFUSED_RETRIES: u32 = 5;
/// How long outcomes are collected after the last call was placed, unless the options say otherwise.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(600);

/// The calls of a campaign, each already built (or the problems that stop it from being built). The rules are
/// checked by [`Campaign::problems`], and when it runs with the client's [`ValidationContext`] (its default
/// country code).
#[derive(Debug, Clone)]
pub struct Campaign {
    items: Vec<Result<CreateAiCallRequest, Vec<FieldError>>>,
    /// Problems of the campaign as a whole (such as `defaults` not being an object): never skippable.
    general: Vec<FieldError>,
    /// Where each item came from (`patients.csv line 3`), added to its problems' messages.
    sources: Vec<String>,
}

impl Campaign {
    /// From complete requests (Rust callers clone a template and set the callee).
    pub fn new(requests: Vec<CreateAiCallRequest>) -> Self {
        Campaign { items: requests.into_iter().map(Ok).collect(), general: Vec::new(), sources: Vec::new() }
    }

    /// Name where each item came from, in order (e.g. `patients.csv line 3`, see
    /// [`csv::CsvCalls::sources`]): its validation problems then say so. An empty label names no source (an item
    /// written by hand among rows read from a file).
    pub fn with_sources(mut self, sources: Vec<String>) -> Self {
        self.sources = sources;
        self
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
                    sources: Vec::new(),
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
                CreateAiCallRequest::from_value(Value::Object(merged), case)
            })
            .collect();
        Campaign { items, general: Vec::new(), sources: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every problem, with no default country code: the campaign's own, then every item's with its path prefixed
    /// by `Calls[i]` and its source, when known, after the message.
    pub fn problems(&self) -> Vec<FieldError> {
        self.problems_with(&ValidationContext::default())
    }

    /// [`Campaign::problems`] as a client with this context (its default country code) judges them.
    pub fn problems_with(&self, context: &ValidationContext) -> Vec<FieldError> {
        let items = self.items.iter().enumerate().flat_map(|(i, item)| {
            let errors = match item {
                Ok(request) => request.validate_with(context).err().unwrap_or_default(),
                Err(errors) => errors.clone(),
            };
            self.sourced(i, &errors).into_iter().map(move |e| prefixed(i, e))
        });
        self.general.iter().cloned().chain(items).collect()
    }

    /// Every item checked in `context`: an invalid one keeps only its problems.
    fn checked(self, context: &ValidationContext) -> Campaign {
        let items = self
            .items
            .into_iter()
            .map(|item| item.and_then(|request| request.validate_with(context).map(|_| request)))
            .collect();
        Campaign { items, ..self }
    }

    /// An item's problems with its source after each message.
    fn sourced(&self, index: usize, errors: &[FieldError]) -> Vec<FieldError> {
        let Some(source) = self.sources.get(index).filter(|s| !s.is_empty()) else { return errors.to_vec() };
        errors.iter().map(|e| FieldError { message: format!("{} ({source})", e.message), ..e.clone() }).collect()
    }
}

fn prefixed(index: usize, e: FieldError) -> FieldError {
    let path = if e.path.is_empty() { format!("Calls[{index}]") } else { format!("Calls[{index}].{}", e.path) };
    FieldError { path, ..e }
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

/// Called once per finished item, with the counts so far (and with `wait`, once more when its outcome arrives).
pub type ProgressFn = Arc<dyn Fn(&ItemOutcome, &Tally) + Send + Sync>;

/// How a campaign runs.
#[derive(Clone)]
pub struct CampaignOptions {
    /// Calls in flight at once (the client's rate limiter still applies). Default 4.
    pub concurrency: usize,
    /// Append-only JSON-lines journal; re-running with the same file dials nobody twice. It is locked for the whole
    /// run: a second run on the same file (in this process or another) fails with a configuration error before
    /// dialling anyone. See [`journal`] for what a re-run sends again.
    pub journal: Option<PathBuf>,
    /// A name for the campaign, instead of a `journal` file: its journal is kept in the client's store (Redis with
    /// [`crate::ClientConfig::redis_url`], else this process's memory), so any number of workers, in any processes
    /// on any machines, may run the same list with the same name: each item is claimed once, before its request
    /// leaves, and a worker stopped at any moment leaves the same guarantees as the file journal. See [`shared`].
    pub campaign: Option<String>,
    /// Report invalid items as failed instead of refusing the whole campaign.
    pub skip_invalid: bool,
    /// How often an item the service refused without acting, and worth another try later by the one rule of
    /// [`crate::Error::resend`] (`AIConcurrentOverFrequency`, rate limits beyond the client's own retries), is queued
    /// again, with growing pauses. Default 5.
    pub refused_retries: u32,
    /// Called once per finished item (also for items decided by the journal), after the outcome is stored, with
    /// the running counts. With `wait`, called once more for each placed item when its call's outcome has been
    /// collected (its [`ItemOutcome::outcome`] set; [`Tally::done`] does not count it twice, [`Tally::outcomes`]
    /// counts it). Calls come one at a time; a panic in it is caught and logged once.
    pub on_progress: Option<ProgressFn>,
    /// Cancels the campaign: nothing new is dispatched, calls waiting for their turn are not sent, and calls in
    /// flight stop (their outcome is then unknown). An early stop (an account-wide refusal, a journal write error)
    /// does the first two only: a call in flight is read to its end.
    pub cancel: CancellationToken,
    /// The country calling code for the campaign's numbers written without one; `None` uses the client's
    /// ([`crate::ClientConfig::default_country_code`]). Without either such numbers are invalid.
    pub default_country_code: Option<CountryCode>,
    /// Follow every placed item (and every item the journal says was placed) to its end and give it its
    /// [`crate::CallOutcome`]. Outcomes are collected with batched DescribeTelCdr queries (up to 100 sessions per
    /// request, one window per batch), starting while calls are still being placed, each action on its own rate
    /// budget. Default false.
    pub wait: bool,
    /// With `wait`: how long after the last call of this run was placed (or after the run started, when it placed
    /// none) outcomes are still collected; what has not arrived then is reported missing. Default 10 minutes.
    pub wait_timeout: Duration,
    /// With `wait`: fetch each answered call's transcript (one DescribeTelRecordAsr per call when ready; asked
    /// again, backing off, only while it comes back empty). Default true.
    pub transcript: bool,
    /// With `wait`: fetch each answered call's extracted fields (DescribeAICallExtractResult), like the transcript.
    /// An item whose request has no `ExtractConfig` is asked once (the console's post-call tags may answer); an
    /// empty answer then means nothing was extracted. Default true.
    pub extraction: bool,
    /// With `wait`: the first pause before collecting; each later one is 1.5 times longer. Default 1 s. (Rust
    /// only: the bindings keep the default.)
    pub poll_interval: Duration,
    /// With `wait`: the longest pause between collection rounds. Default 15 s. (Rust only.)
    pub max_poll_interval: Duration,
    /// Settle the items the journal lists as `unreconciled` before anything else is dialled
    /// ([`crate::Client::reconcile_attempt`] with what the journal recorded): a call found is reported
    /// `already_placed` with its session, a call proven not placed is dialled now, and one that cannot be told yet
    /// stays `unreconciled` (its error says when to try again). Nothing not proven unplaced is dialled. Default false.
    pub reconcile: bool,
    /// How `reconcile` decides "not placed" (see [`ReconcileOptions`]).
    pub reconcile_options: ReconcileOptions,
}

impl CampaignOptions {
    /// How the campaign's items are checked: the campaign's default country code, else the client's.
    pub(crate) fn validation_context(&self, client: &crate::Client) -> ValidationContext {
        let client = client.validation_context();
        ValidationContext { default_country_code: self.default_country_code.or(client.default_country_code) }
    }
}

impl Default for CampaignOptions {
    fn default() -> Self {
        CampaignOptions {
            concurrency: DEFAULT_CONCURRENCY,
            journal: None,
            campaign: None,
            skip_invalid: false,
            refused_retries: DEFAULT_REFUSED_RETRIES,
            on_progress: None,
            cancel: CancellationToken::new(),
            default_country_code: None,
            wait: false,
            wait_timeout: DEFAULT_WAIT_TIMEOUT,
            transcript: true,
            extraction: true,
            poll_interval: Duration::from_secs(1),
            max_poll_interval: Duration::from_secs(15),
            reconcile: false,
            reconcile_options: ReconcileOptions::default(),
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
            .field("default_country_code", &self.default_country_code)
            .field("wait", &self.wait)
            .field("wait_timeout", &self.wait_timeout)
            .field("transcript", &self.transcript)
            .field("extraction", &self.extraction)
            .field("reconcile", &self.reconcile)
            .field("reconcile_options", &self.reconcile_options)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template() -> Value {
        json!({"sdk_app_id": 1400000000, "llm_type": "openai", "api_key": "sk-x",
               "api_url": "https://api.openai.com/v1/",
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
            &[json!({"callee": "0086 130 1234 5678"}), json!({}), json!({"callee": "abc", "vad_level": 9})],
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
        use std::time::Duration;
        assert_eq!(run::refused_pause(1), Duration::from_secs(1));
        assert_eq!(run::refused_pause(3), Duration::from_secs(4));
        assert_eq!(run::refused_pause(20), Duration::from_secs(30));
    }

    #[test]
    fn problems_name_the_source_of_each_item() {
        let c = Campaign::from_values(
            &template(),
            &[json!({"callee": "+86 130 1234 5678"}), json!({"callee": "abc"}), json!({"callee": "xyz"})],
            KeyCase::Snake,
        )
        .with_sources(vec!["patients.csv line 2".into(), "patients.csv line 3".into(), String::new()]);
        let problems = c.problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].field(KeyCase::Wire), "Calls[1].Callee");
        assert!(problems[0].message.ends_with(" (patients.csv line 3)"), "{}", problems[0].message);
        assert_eq!(problems[1].field(KeyCase::Wire), "Calls[2].Callee");
        assert!(!problems[1].message.contains(" line "), "an item with no source names none: {}", problems[1].message);
    }

    #[test]
    fn an_empty_source_names_none() {
        let calls = [json!({"callee": "abc"}), json!({"callee": "def"})];
        let c = Campaign::from_values(&template(), &calls, KeyCase::Snake)
            .with_sources(vec![String::new(), "patients.csv line 2".into()]);
        let messages: Vec<String> = c.problems().into_iter().map(|p| p.message).collect();
        assert!(!messages[0].contains('('), "{}", messages[0]);
        assert!(messages[1].ends_with(" (patients.csv line 2)"), "{}", messages[1]);
    }
}
