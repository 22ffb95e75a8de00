//! After the call is placed: its live state, its outcome, live control, and settling an outcome-unknown call.
//!
//! Every action here goes through the client's signed path with its own rate budget (polling never spends
//! CreateAICall's). The facts are in OUTCOMES.md; what it marks undocumented is decided conservatively below and
//! said where it is decided.

use crate::client::{CancellationToken, Client};
use crate::error::{Error, Result};
use crate::field::{FieldError, KeyCase};
use crate::outcome::{CallAttempt, CallOutcome, CallRef, CallState, LiveStatus, Reconciled};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// DescribeTelCdr's largest page (OUTCOMES.md section 4.2).
pub const CDR_PAGE_SIZE: u64 = 100;
/// DescribeTelCdr's window must be shorter than 90 days.
pub const CDR_MAX_WINDOW: Duration = Duration::from_secs(90 * 86_400 - 1);
/// DescribeTelCdr's window may reach back at most 180 days.
pub const CDR_MAX_AGE: Duration = Duration::from_secs(180 * 86_400);
/// How far the service's clock may be from ours (not documented; a guess on the safe side): every record window
/// reaches this much before the earliest send time it covers and after now.
pub const CLOCK_SKEW: Duration = Duration::from_secs(300);

/// How [`Client::wait_for_call`] waits.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    /// The whole wait: for the call to end, its record to appear, and (within what is left) its transcript and
    /// extraction. Default 10 minutes.
    pub timeout: Duration,
    /// Fetch the transcript of an answered call (DescribeTelRecordAsr). Default true.
    pub transcript: bool,
    /// Fetch the extracted fields of an answered call (DescribeAICallExtractResult). Default true.
    pub extraction: bool,
    /// The first pause between polls; each later one is 1.5 times longer, up to `max_poll_interval`.
    /// Default 1 s.
    pub poll_interval: Duration,
    /// The longest pause between polls. Default 15 s.
    pub max_poll_interval: Duration,
    /// Ends the wait early with `Error::Cancelled { sent: false }` (reads only: nothing to reconcile).
    pub cancel: CancellationToken,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(600),
            transcript: true,
            extraction: true,
            poll_interval: Duration::from_secs(1),
            max_poll_interval: Duration::from_secs(15),
            cancel: CancellationToken::new(),
        }
    }
}

/// What [`Client::say`] sends with the text (ControlAIConversation `ServerPushText`, OUTCOMES.md section 8.2).
#[derive(Debug, Clone, Default)]
pub struct SayOptions {
    /// Cut in on what the agent is saying. `None` leaves it to the service (its default is not documented);
    /// the bindings default to true.
    pub interrupt: Option<bool>,
    /// Close the conversation once the text has been played.
    pub stop_after_play: Option<bool>,
    /// Add the text to the model's conversation history.
    pub add_history: Option<bool>,
}

/// The rule [`Client::reconcile`] decides "not placed" by. No record can still appear once the window since the
/// request left is longer than the longest the call could ring, plus the longest it could last, plus the delay of
/// the service's call records. None of the three is documented by the service (OUTCOMES.md section 12); the
/// defaults are deliberately long, and a call's own `MaxCallDurationMs` replaces the 4-hour guess.
#[derive(Debug, Clone)]
pub struct ReconcileOptions {
    /// Default 3 minutes.
    pub max_ring: Duration,
    /// The longest the call could last when its request set no `MaxCallDurationMs`. Default 4 hours.
    pub max_call_duration: Duration,
    /// How long after a call ends its record may take to appear. Default 10 minutes.
    pub record_delay: Duration,
    /// How far the service's clock may be from ours: records that started this long before the send time still
    /// count. Default 5 minutes.
    pub clock_skew: Duration,
}

impl Default for ReconcileOptions {
    fn default() -> Self {
        ReconcileOptions {
            max_ring: Duration::from_secs(180),
            max_call_duration: Duration::from_secs(4 * 3600),
            record_delay: Duration::from_secs(600),
            clock_skew: Duration::from_secs(300),
        }
    }
}

impl ReconcileOptions {
    /// How long after `attempt` left a record of it could still appear.
    pub fn settled_after(&self, attempt: &CallAttempt) -> Duration {
        self.max_ring + attempt.max_call_duration.unwrap_or(self.max_call_duration) + self.record_delay
    }

    /// The options from a loose object, as a binding receives them, spelled for `case`: `max_ring`,
    /// `max_call_duration`, `record_delay`, `clock_skew` in seconds (Python), `maxRingMs`, `maxCallDurationMs`,
    /// `recordDelayMs`, `clockSkewMs` in milliseconds (Node). `null` or a missing name keeps the default; an
    /// unknown name or a value that is not a number of zero or more is an error naming the option as written.
    pub fn from_value(value: &Value, case: KeyCase) -> Result<ReconcileOptions> {
        const NAMES: [&str; 4] = ["MaxRing", "MaxCallDuration", "RecordDelay", "ClockSkew"];
        let mut out = ReconcileOptions::default();
        let map = match value {
            Value::Null => return Ok(out),
            Value::Object(map) => map,
            _ => return Err(Error::ClientOption("the reconcile options must be an object".into())),
        };
        for (key, value) in map {
            let Some(wire) = NAMES.iter().find(|n| duration_key(n, case) == *key) else {
                let names: Vec<String> = NAMES.iter().map(|n| duration_key(n, case)).collect();
                let hint = crate::field::closest(key, names.iter().map(String::as_str)).map_or_else(
                    || format!("the options are {}", names.join(", ")),
                    |h| format!("did you mean `{h}`?"),
                );
                return Err(Error::ClientOption(format!("unknown reconcile option `{key}`; {hint}")));
            };
            if value.is_null() {
                continue;
            }
            let d = read_duration(key, value, case)?;
            match *wire {
                "MaxRing" => out.max_ring = d,
                "MaxCallDuration" => out.max_call_duration = d,
                "RecordDelay" => out.record_delay = d,
                _ => out.clock_skew = d,
            }
        }
        Ok(out)
    }
}

/// The name of a duration option for `case`: `wait_timeout` in Python (seconds), `waitTimeoutMs` in Node
/// (milliseconds), as the client's own duration options are named.
pub(crate) fn duration_key(wire: &str, case: KeyCase) -> String {
    match case {
        KeyCase::Camel => format!("{}Ms", case.key(wire)),
        _ => case.key(wire),
    }
}

/// A duration option's value: seconds in Python, milliseconds in Node; zero or more, finite.
pub(crate) fn read_duration(key: &str, value: &Value, case: KeyCase) -> Result<Duration> {
    let (unit, per_second) = match case {
        KeyCase::Camel => ("milliseconds", 1000.0),
        KeyCase::Snake | KeyCase::Wire => ("seconds", 1.0),
    };
    match value.as_f64().and_then(|n| Duration::try_from_secs_f64(n / per_second).ok()) {
        Some(d) => Ok(d),
        None => Err(Error::ClientOption(format!(
            "`{key}` must be a finite number of {unit}, zero or more; got {}",
            crate::loose::shown(value)
        ))),
    }
}

/// Requests sent, per action: what a campaign reports it spent.
#[derive(Debug, Default)]
pub(crate) struct RequestCount(Mutex<BTreeMap<String, u64>>);

impl RequestCount {
    pub(crate) fn add(&self, action: &str) {
        let mut counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *counts.entry(action.to_string()).or_insert(0) += 1;
    }

    pub(crate) fn snapshot(&self) -> BTreeMap<String, u64> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// When a wait ends: fixed ([`Client::wait_for_call`]), or not known yet (a campaign still placing calls sets it
/// once the last call has left).
#[derive(Debug, Clone, Default)]
pub(crate) struct Deadline(Arc<Mutex<Option<Instant>>>);

impl Deadline {
    pub(crate) fn at(at: Instant) -> Deadline {
        Deadline(Arc::new(Mutex::new(Some(at))))
    }

    pub(crate) fn set(&self, at: Instant) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(at);
    }

    pub(crate) fn get(&self) -> Option<Instant> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What to fetch after an answered call's record: its transcript, its extraction, and whether an empty extraction
/// is worth asking again (a campaign whose request configured no `ExtractConfig` asks once: only the console's
/// post-call tags can then answer).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Extras {
    pub transcript: bool,
    pub extraction: bool,
    pub retry_extraction: bool,
}

/// How a follow-up loop polls: its pauses, its end, its cancel, and where it counts its requests.
pub(crate) struct Polling<'a> {
    pub first: Duration,
    pub cap: Duration,
    pub deadline: &'a Deadline,
    pub cancel: &'a CancellationToken,
    pub count: Option<&'a RequestCount>,
}

impl Polling<'_> {
    /// Sleep the next pause (growing it), or `Ok(false)` when the deadline has come.
    pub(crate) async fn pause(&self, pause: &mut Duration) -> Result<bool> {
        match next_pause(pause, self.cap, self.deadline.get()) {
            Some(d) => tokio::select! {
                biased;
                _ = self.cancel.cancelled() => Err(Error::Cancelled { sent: false }),
                _ = tokio::time::sleep(d) => Ok(true),
            },
            None => Ok(false),
        }
    }
}

/// Whether an error says the service does not know the session (any more): DescribeTelSession documents no such
/// code (OUTCOMES.md section 4.1), so both spellings its sibling actions use are taken.
fn session_unknown(e: &Error) -> bool {
    e.code().is_some_and(|c| c.starts_with("ResourceNotFound") || c == "FailedOperation.SessionNotExists")
}

/// A DescribeTelCdr window from `from` (already widened by the skew) to a little after now, kept within what the
/// service accepts (shorter than 90 days, no older than 180).
pub(crate) fn record_window(from: SystemTime) -> (SystemTime, SystemTime) {
    let now = SystemTime::now();
    let end = now + CLOCK_SKEW;
    let oldest = (end - CDR_MAX_WINDOW).max(now - CDR_MAX_AGE + CLOCK_SKEW);
    (from.max(oldest), end)
}

fn session_params(call: &CallRef) -> Value {
    json!({"SdkAppId": call.sdk_app_id, "SessionId": call.session_id})
}

fn unix(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn list<'a>(response: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    response.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// The pause before the next poll, growing by half up to the cap, never past the deadline (`None`: not known yet).
fn next_pause(pause: &mut Duration, cap: Duration, deadline: Option<Instant>) -> Option<Duration> {
    let left = deadline.map_or(Duration::MAX, |d| d.saturating_duration_since(Instant::now()));
    if left.is_zero() {
        return None;
    }
    let this = (*pause).min(left);
    *pause = (*pause).mul_f64(1.5).min(cap);
    Some(this)
}

impl Client {
    /// One follow-up request, counted in `count` per attempt that leaves.
    pub(crate) async fn ask(
        &self,
        action: &str,
        params: Value,
        cancel: &CancellationToken,
        count: Option<&RequestCount>,
    ) -> Result<Map<String, Value>> {
        let on_sent = || {
            if let Some(count) = count {
                count.add(action);
            }
        };
        self.request_observed(action, params, cancel, Some(&on_sent)).await
    }

    /// The call's state now (DescribeTelSession): ringing, in progress, finished.
    pub async fn get_call(&self, call: &CallRef) -> Result<CallState> {
        self.get_call_counted(call, &CancellationToken::new(), None).await
    }

    async fn get_call_counted(
        &self,
        call: &CallRef,
        cancel: &CancellationToken,
        count: Option<&RequestCount>,
    ) -> Result<CallState> {
        let response = self.ask("DescribeTelSession", session_params(call), cancel, count).await?;
        let session = response.get("Session").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut state = CallState::from_session(&session);
        if state.session_id.is_empty() {
            state.session_id = call.session_id.clone();
        }
        Ok(state)
    }

    /// Hang the call up (HangUpCall). A call that is already over gives an error of kind `CallNotLive`.
    pub async fn hang_up(&self, call: &CallRef) -> Result<()> {
        self.request("HangUpCall", session_params(call)).await.map(drop)
    }

    /// Make the agent say `text` now (ControlAIConversation `ServerPushText`). The service gives no
    /// acknowledgement that it was played. A call that is not in progress gives an error of kind `CallNotLive`.
    pub async fn say(&self, call: &CallRef, text: &str, options: &SayOptions) -> Result<()> {
        if text.is_empty() {
            return Err(Error::Validation(vec![FieldError::invalid("text", "must not be empty")]));
        }
        let mut push = Map::new();
        push.insert("Text".into(), Value::String(text.to_string()));
        for (key, value) in [
            ("Interrupt", options.interrupt),
            ("StopAfterPlay", options.stop_after_play),
            ("AddHistory", options.add_history),
        ] {
            if let Some(v) = value {
                push.insert(key.into(), Value::Bool(v));
            }
        }
        let params = json!({
            "SdkAppId": call.sdk_app_id,
            "SessionId": call.session_id,
            "Command": "ServerPushText",
            "ServerPushText": push,
        });
        self.request("ControlAIConversation", params).await.map(drop)
    }

    /// Hand the call to the human agents of a skill group (TransferToManual). A call that is over gives an error
    /// of kind `CallNotLive`.
    pub async fn transfer(&self, call: &CallRef, skill_group_id: u64) -> Result<()> {
        let params = json!({"SdkAppId": call.sdk_app_id, "SessionId": call.session_id, "SkillGroupId": skill_group_id});
        self.request("TransferToManual", params).await.map(drop)
    }

    /// The call records of one number between `since` and `until` (DescribeTelCdr by phone, every page; windows
    /// longer than the service's 90 days are split). `callee` is normalised like a call's (the client's default
    /// country code applies). Records in the order the service returns them. The service keeps records for 180
    /// days: an older `since` is a validation error.
    pub async fn find_calls(
        &self,
        sdk_app_id: u64,
        callee: &str,
        since: SystemTime,
        until: SystemTime,
    ) -> Result<Vec<CallOutcome>> {
        self.find_calls_counted(sdk_app_id, callee, since, until, &CancellationToken::new(), None).await
    }

    async fn find_calls_counted(
        &self,
        sdk_app_id: u64,
        callee: &str,
        since: SystemTime,
        until: SystemTime,
        cancel: &CancellationToken,
        count: Option<&RequestCount>,
    ) -> Result<Vec<CallOutcome>> {
        let phone = crate::phone::normalize(callee, self.config().default_country_code)
            .map_err(|why| Error::Validation(vec![FieldError::invalid("callee", why)]))?;
        if until < since {
            return Err(Error::Validation(vec![FieldError::invalid("until", "must not be before `since`")]));
        }
        if SystemTime::now().duration_since(since).is_ok_and(|age| age > CDR_MAX_AGE) {
            return Err(Error::Validation(vec![FieldError::invalid(
                "since",
                "the service keeps call records for 180 days; `since` is older",
            )]));
        }
        let mut out = Vec::new();
        let mut start = since;
        loop {
            let end = (start + CDR_MAX_WINDOW).min(until);
            let filter = json!({"Phones": [phone]});
            let records = self.cdr_pages(sdk_app_id, start, end, filter, cancel, count).await?;
            out.extend(records.iter().filter_map(Value::as_object).map(CallOutcome::from_record));
            if end >= until {
                return Ok(out);
            }
            start = end + Duration::from_secs(1);
        }
    }

    /// Every page of DescribeTelCdr over one window with one filter (`Phones` and/or `SessionIds`).
    pub(crate) async fn cdr_pages(
        &self,
        sdk_app_id: u64,
        start: SystemTime,
        end: SystemTime,
        filter: Value,
        cancel: &CancellationToken,
        count: Option<&RequestCount>,
    ) -> Result<Vec<Value>> {
        let mut records = Vec::new();
        for page in 0u64.. {
            let mut params = json!({
                "SdkAppId": sdk_app_id,
                "StartTimeStamp": unix(start),
                "EndTimeStamp": unix(end),
                "PageSize": CDR_PAGE_SIZE,
                "PageNumber": page,
            });
            if let (Some(p), Some(f)) = (params.as_object_mut(), filter.as_object()) {
                p.extend(f.clone());
            }
            let response = self.ask("DescribeTelCdr", params, cancel, count).await?;
            let got = list(&response, "TelCdrList");
            let total = response.get("TotalCount").and_then(Value::as_u64).unwrap_or(0);
            records.extend(got.iter().cloned());
            if got.len() < CDR_PAGE_SIZE as usize || records.len() as u64 >= total {
                break;
            }
        }
        Ok(records)
    }

    /// The records of many sessions of one app at once (DescribeTelCdr by `SessionIds`, one window from `from`,
    /// every page): the outcomes found, by session id. Sessions with no record yet are simply absent.
    pub(crate) async fn find_sessions(
        &self,
        sdk_app_id: u64,
        session_ids: &[String],
        from: SystemTime,
        cancel: &CancellationToken,
        count: Option<&RequestCount>,
    ) -> Result<BTreeMap<String, CallOutcome>> {
        let (start, end) = record_window(from);
        let filter = json!({"SessionIds": session_ids});
        let records = self.cdr_pages(sdk_app_id, start, end, filter, cancel, count).await?;
        let mut found = BTreeMap::new();
        for record in records.iter().filter_map(Value::as_object) {
            let mut outcome = CallOutcome::from_record(record);
            // Only the sessions asked about: a service that ignored the filter must not attach a stranger's record.
            if session_ids.contains(&outcome.session_id) {
                outcome.sdk_app_id.get_or_insert(sdk_app_id);
                found.insert(outcome.session_id.clone(), outcome);
            }
        }
        Ok(found)
    }

    /// Follow a placed call to its end and return how it ended, with its transcript and extracted fields.
    ///
    /// Polls DescribeTelSession (backing off) until the call is finished, then DescribeTelCdr for its record (which
    /// may lag the hang-up), then, for an answered call, DescribeTelRecordAsr and DescribeAICallExtractResult until
    /// they are ready. What is not ready when the time is up is listed in [`CallOutcome::missing`], not an error.
    /// A call still running (or whose record has not appeared) when the time is up gives
    /// [`Error::WaitTimedOut`]; `options.cancel` stops the wait.
    ///
    /// How long the service answers DescribeTelSession for a finished session is not documented: when it answers
    /// that it does not know the session (`ResourceNotFound*`, `FailedOperation.SessionNotExists`), the wait goes
    /// on with the record query. The record window starts [`CLOCK_SKEW`] before the call was placed (its
    /// `placed_at`, else the session's start, else as far back as the service allows) and ends that much after now.
    pub async fn wait_for_call(&self, call: &CallRef, options: &WaitOptions) -> Result<CallOutcome> {
        let deadline = Deadline::at(Instant::now() + options.timeout);
        let polling = Polling {
            first: options.poll_interval,
            cap: options.max_poll_interval,
            deadline: &deadline,
            cancel: &options.cancel,
            count: None,
        };
        let timed_out = |status: Option<&LiveStatus>| Error::WaitTimedOut {
            session_id: call.session_id.clone(),
            last_status: status.map(|s| s.as_str().to_string()),
        };
        // 1. Until the session is finished, or the service no longer knows it.
        let mut started_at = call.placed_at;
        let mut pause = polling.first;
        let mut last = None;
        loop {
            match self.get_call_counted(call, polling.cancel, None).await {
                Ok(state) => {
                    started_at = started_at.or(state.started_at);
                    if state.status.is_finished() {
                        last = Some(LiveStatus::Finished);
                        break;
                    }
                    last = Some(state.status);
                }
                Err(e) if session_unknown(&e) => break,
                Err(e) => return Err(e),
            }
            if !polling.pause(&mut pause).await? {
                return Err(timed_out(last.as_ref()));
            }
        }
        // 2. Until its record appears.
        let from = started_at.map_or(UNIX_EPOCH, |t| t - CLOCK_SKEW);
        let mut pause = polling.first;
        let mut outcome = loop {
            let ids = [call.session_id.clone()];
            let found = self.find_sessions(call.sdk_app_id, &ids, from, polling.cancel, None).await?;
            if let Some(outcome) = found.into_values().next() {
                break outcome;
            }
            if !polling.pause(&mut pause).await? {
                return Err(timed_out(last.as_ref()));
            }
        };
        // 3. Transcript and extraction: only an answered call has them.
        if outcome.answered {
            let extras = Extras {
                transcript: options.transcript,
                extraction: options.extraction,
                retry_extraction: call.extraction_configured.unwrap_or(true),
            };
            self.add_extras(call, &mut outcome, extras, &polling, from).await?;
        }
        Ok(outcome)
    }

    /// Fetch the transcript and extraction of an answered call, each until it is non-empty or the deadline passes
    /// (then it is listed as missing). Empty answers are taken as "not ready yet": the service does not document
    /// what it answers before they exist (OUTCOMES.md section 12). An extraction not worth asking again
    /// (`retry_extraction` false) that comes back empty is recorded as "nothing extracted", not as missing.
    pub(crate) async fn add_extras(
        &self,
        call: &CallRef,
        outcome: &mut CallOutcome,
        extras: Extras,
        polling: &Polling<'_>,
        window_start: SystemTime,
    ) -> Result<()> {
        let mut want_transcript = extras.transcript;
        let mut want_extraction = extras.extraction;
        let mut pause = polling.first;
        while want_transcript || want_extraction {
            if want_transcript {
                let response =
                    self.ask("DescribeTelRecordAsr", session_params(call), polling.cancel, polling.count).await?;
                let turns = list(&response, "AsrDataList");
                if !turns.is_empty() {
                    outcome.set_transcript(turns);
                    want_transcript = false;
                }
            }
            if want_extraction {
                let (start, end) = record_window(window_start);
                let params = json!({
                    "SdkAppId": call.sdk_app_id,
                    "SessionId": call.session_id,
                    "StartTime": unix(start),
                    "EndTime": unix(end),
                });
                let response = self.ask("DescribeAICallExtractResult", params, polling.cancel, polling.count).await?;
                let fields = list(&response, "ResultList");
                if !fields.is_empty() || !extras.retry_extraction {
                    outcome.set_extracted(fields);
                    want_extraction = false;
                }
            }
            if !(want_transcript || want_extraction) || !polling.pause(&mut pause).await? {
                break;
            }
        }
        if want_transcript {
            outcome.missing.push("transcript".into());
        }
        if want_extraction {
            outcome.missing.push("extraction".into());
        }
        Ok(())
    }

    /// Settle an outcome-unknown `create_ai_call` error: was the call placed? Looks for records of the callee from
    /// shortly before the request left until now (DescribeTelCdr by phone).
    ///
    /// - a record that started after the request left (within `clock_skew`): [`Reconciled::Placed`];
    /// - no record, and the time since the request left is longer than [`ReconcileOptions::settled_after`] (the
    ///   longest it could ring, plus the longest it could last, plus the record delay): [`Reconciled::NotPlaced`];
    /// - otherwise [`Reconciled::CannotTellYet`], with when to ask again.
    ///
    /// An error that carries no call ([`Error::attempt`] is `None`: not an outcome-unknown error of
    /// `create_ai_call`) is a validation error naming `error`.
    pub async fn reconcile(&self, error: &Error, options: &ReconcileOptions) -> Result<Reconciled> {
        match error.attempt() {
            Some(attempt) => self.reconcile_attempt(attempt, options).await,
            None => Err(Error::Validation(vec![FieldError::invalid(
                "error",
                "carries no call to reconcile: only an outcome-unknown error of create_ai_call does",
            )])),
        }
    }

    /// [`Client::reconcile`] for a call described by hand (a campaign's journal keeps the same facts).
    pub async fn reconcile_attempt(&self, attempt: &CallAttempt, options: &ReconcileOptions) -> Result<Reconciled> {
        self.reconcile_counted(attempt, options, &CancellationToken::new(), None).await
    }

    pub(crate) async fn reconcile_counted(
        &self,
        attempt: &CallAttempt,
        options: &ReconcileOptions,
        cancel: &CancellationToken,
        count: Option<&RequestCount>,
    ) -> Result<Reconciled> {
        let now = SystemTime::now();
        // Records carry whole seconds: a call that started in the second the request left must not look earlier.
        let from = UNIX_EPOCH + Duration::from_secs(unix(attempt.sent_at - options.clock_skew).max(0) as u64);
        let until = now.max(attempt.sent_at) + options.clock_skew;
        let mut calls: Vec<CallOutcome> = self
            .find_calls_counted(attempt.sdk_app_id, &attempt.callee, from, until, cancel, count)
            .await?
            .into_iter()
            .filter(|c| c.started_at.map_or(true, |t| t >= from))
            .collect();
        if !calls.is_empty() {
            let distance = |c: &CallOutcome| {
                let t = c.started_at.unwrap_or(attempt.sent_at);
                t.duration_since(attempt.sent_at).or_else(|e| Ok::<_, ()>(e.duration())).unwrap_or_default()
            };
            calls.sort_by_key(distance);
            return Ok(Reconciled::Placed { calls });
        }
        let settled_at = attempt.sent_at + options.settled_after(attempt);
        match settled_at.duration_since(now) {
            Ok(left) if !left.is_zero() => Ok(Reconciled::CannotTellYet { retry_after: left }),
            _ => Ok(Reconciled::NotPlaced),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_back_off_to_the_cap_and_stop_at_the_deadline() {
        let deadline = Some(Instant::now() + Duration::from_secs(3600));
        let mut pause = Duration::from_secs(1);
        let seen: Vec<u64> = (0..8)
            .map(|_| next_pause(&mut pause, Duration::from_secs(5), deadline).unwrap().as_millis() as u64)
            .collect();
        assert_eq!(seen, [1000, 1500, 2250, 3375, 5000, 5000, 5000, 5000]);
        let past = Instant::now() - Duration::from_millis(1);
        assert_eq!(next_pause(&mut pause, Duration::from_secs(5), Some(past)), None);
        assert_eq!(next_pause(&mut pause, Duration::from_secs(5), None), Some(Duration::from_secs(5)), "no end yet");
    }

    #[test]
    fn not_placed_waits_for_ring_call_and_record_delay() {
        let attempt = CallAttempt {
            sdk_app_id: 1,
            callee: "008613012345678".into(),
            sent_at: UNIX_EPOCH,
            max_call_duration: Some(Duration::from_secs(60)),
        };
        let options = ReconcileOptions::default();
        assert_eq!(options.settled_after(&attempt), Duration::from_secs(180 + 60 + 600));
        let unbounded = CallAttempt { max_call_duration: None, ..attempt };
        assert_eq!(options.settled_after(&unbounded), Duration::from_secs(180 + 4 * 3600 + 600));
    }
}
