//! After the call is placed: its live state, its outcome, live control, and settling an outcome-unknown call.
//!
//! Every action here goes through the client's signed path with its own rate budget (polling never spends
//! CreateAICall's). The facts are in OUTCOMES.md; what it marks undocumented is decided conservatively below and
//! said where it is decided.

use crate::client::{CancellationToken, Client};
use crate::error::{Error, Result};
use crate::field::FieldError;
use crate::outcome::{CallAttempt, CallOutcome, CallRef, CallState, LiveStatus, Reconciled};
use serde_json::{json, Map, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// DescribeTelCdr's largest page (OUTCOMES.md section 4.2).
pub const CDR_PAGE_SIZE: u64 = 100;
/// DescribeTelCdr's window must be shorter than 90 days, and reach back at most 180 days.
pub const CDR_MAX_WINDOW: Duration = Duration::from_secs(90 * 86_400 - 1);
pub const CDR_MAX_AGE: Duration = Duration::from_secs(180 * 86_400);

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
    /// Defaults 1 s and 15 s.
    pub poll_interval: Duration,
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

/// The pause before the next poll, growing by half up to the cap, never past the deadline.
fn next_pause(pause: &mut Duration, cap: Duration, deadline: tokio::time::Instant) -> Option<Duration> {
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    if left.is_zero() {
        return None;
    }
    let this = (*pause).min(left);
    *pause = (*pause).mul_f64(1.5).min(cap);
    Some(this)
}

impl Client {
    /// The call's state now (DescribeTelSession): ringing, in progress, finished.
    pub async fn get_call(&self, call: &CallRef) -> Result<CallState> {
        self.get_call_cancellable(call, &CancellationToken::new()).await
    }

    async fn get_call_cancellable(&self, call: &CallRef, cancel: &CancellationToken) -> Result<CallState> {
        let response = self.request_cancellable("DescribeTelSession", session_params(call), cancel).await?;
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
    /// country code applies). Records in the order the service returns them.
    pub async fn find_calls(
        &self,
        sdk_app_id: u64,
        callee: &str,
        since: SystemTime,
        until: SystemTime,
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
            let (records, _) = self.cdr_pages(sdk_app_id, start, end, filter, &CancellationToken::new()).await?;
            out.extend(records.iter().filter_map(Value::as_object).map(CallOutcome::from_record));
            if end >= until {
                return Ok(out);
            }
            start = end + Duration::from_secs(1);
        }
    }

    /// Every page of DescribeTelCdr over one window with one filter (`Phones` and/or `SessionIds`): the records and
    /// the number of requests spent.
    pub(crate) async fn cdr_pages(
        &self,
        sdk_app_id: u64,
        start: SystemTime,
        end: SystemTime,
        filter: Value,
        cancel: &CancellationToken,
    ) -> Result<(Vec<Value>, u64)> {
        let mut records = Vec::new();
        let mut requests = 0;
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
            let response = self.request_cancellable("DescribeTelCdr", params, cancel).await?;
            requests += 1;
            let got = list(&response, "TelCdrList");
            let total = response.get("TotalCount").and_then(Value::as_u64).unwrap_or(0);
            records.extend(got.iter().cloned());
            if got.len() < CDR_PAGE_SIZE as usize || records.len() as u64 >= total {
                return Ok((records, requests));
            }
        }
        Ok((records, requests))
    }

    /// Follow a placed call to its end and return how it ended, with its transcript and extracted fields.
    ///
    /// Polls DescribeTelSession (backing off) until the call is finished, then DescribeTelCdr for its record (which
    /// may lag the hang-up), then, for an answered call, DescribeTelRecordAsr and DescribeAICallExtractResult until
    /// they are ready. What is not ready when the time is up is listed in [`CallOutcome::missing`], not an error.
    /// A call still running (or whose record has not appeared) when the time is up gives
    /// [`Error::WaitTimedOut`]; `options.cancel` stops the wait.
    pub async fn wait_for_call(&self, call: &CallRef, options: &WaitOptions) -> Result<CallOutcome> {
        let deadline = tokio::time::Instant::now() + options.timeout;
        let cancel = &options.cancel;
        let mut pause = options.poll_interval;
        let sleep = |d: Duration| async move {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => Err(Error::Cancelled { sent: false }),
                _ = tokio::time::sleep(d) => Ok(()),
            }
        };
        let timed_out = |status: Option<&LiveStatus>| Error::WaitTimedOut {
            session_id: call.session_id.clone(),
            last_status: status.map(|s| s.as_str().to_string()),
        };
        // 1. Until the session is finished.
        let mut started_at = call.placed_at;
        loop {
            let state = self.get_call_cancellable(call, cancel).await?;
            started_at = started_at.or(state.started_at);
            if state.status.is_finished() {
                break;
            }
            match next_pause(&mut pause, options.max_poll_interval, deadline) {
                Some(d) => sleep(d).await?,
                None => return Err(timed_out(Some(&state.status))),
            }
        }
        // 2. Until its record appears. The window: from a little before it started (the service's clock may differ
        // from ours) to a little after now.
        let skew = Duration::from_secs(300);
        let from = started_at.unwrap_or_else(SystemTime::now) - skew;
        let mut pause = options.poll_interval;
        let mut outcome = loop {
            let filter = json!({"SessionIds": [call.session_id]});
            let (records, _) = self.cdr_pages(call.sdk_app_id, from, SystemTime::now() + skew, filter, cancel).await?;
            let found = records
                .iter()
                .filter_map(Value::as_object)
                .find(|r| r.get("SessionId").and_then(Value::as_str) == Some(call.session_id.as_str()));
            if let Some(record) = found {
                break CallOutcome::from_record(record);
            }
            match next_pause(&mut pause, options.max_poll_interval, deadline) {
                Some(d) => sleep(d).await?,
                None => return Err(timed_out(Some(&LiveStatus::Finished))),
            }
        };
        if outcome.sdk_app_id.is_none() {
            outcome.sdk_app_id = Some(call.sdk_app_id);
        }
        // 3. Transcript and extraction: only an answered call has them.
        if outcome.answered {
            self.add_extras(call, &mut outcome, options, deadline, from).await?;
        }
        Ok(outcome)
    }

    /// Fetch the transcript and extraction of an answered call, each until it is non-empty or the deadline passes
    /// (then it is listed as missing). Empty answers are taken as "not ready yet": the service does not document
    /// what it answers before they exist (OUTCOMES.md section 12).
    pub(crate) async fn add_extras(
        &self,
        call: &CallRef,
        outcome: &mut CallOutcome,
        options: &WaitOptions,
        deadline: tokio::time::Instant,
        window_start: SystemTime,
    ) -> Result<()> {
        let cancel = &options.cancel;
        let mut want_transcript = options.transcript;
        let mut want_extraction = options.extraction;
        let mut pause = options.poll_interval;
        while want_transcript || want_extraction {
            if want_transcript {
                let response = self.request_cancellable("DescribeTelRecordAsr", session_params(call), cancel).await?;
                let turns = list(&response, "AsrDataList");
                if !turns.is_empty() {
                    outcome.set_transcript(turns);
                    want_transcript = false;
                }
            }
            if want_extraction {
                let params = json!({
                    "SdkAppId": call.sdk_app_id,
                    "SessionId": call.session_id,
                    "StartTime": unix(window_start),
                    "EndTime": unix(SystemTime::now() + Duration::from_secs(300)),
                });
                let response = self.request_cancellable("DescribeAICallExtractResult", params, cancel).await?;
                let fields = list(&response, "ResultList");
                if !fields.is_empty() {
                    outcome.set_extracted(fields);
                    want_extraction = false;
                }
            }
            if !(want_transcript || want_extraction) {
                break;
            }
            match next_pause(&mut pause, options.max_poll_interval, deadline) {
                Some(d) => tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return Err(Error::Cancelled { sent: false }),
                    _ = tokio::time::sleep(d) => {}
                },
                None => break,
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

    /// [`Client::reconcile`] for a call described by hand (a campaign's journal keeps the same three facts).
    pub async fn reconcile_attempt(&self, attempt: &CallAttempt, options: &ReconcileOptions) -> Result<Reconciled> {
        let now = SystemTime::now();
        let from = attempt.sent_at - options.clock_skew;
        let until = now.max(attempt.sent_at) + options.clock_skew;
        let mut calls: Vec<CallOutcome> = self
            .find_calls(attempt.sdk_app_id, &attempt.callee, from, until)
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
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3600);
        let mut pause = Duration::from_secs(1);
        let seen: Vec<u64> = (0..8)
            .map(|_| next_pause(&mut pause, Duration::from_secs(5), deadline).unwrap().as_millis() as u64)
            .collect();
        assert_eq!(seen, [1000, 1500, 2250, 3375, 5000, 5000, 5000, 5000]);
        let past = tokio::time::Instant::now() - Duration::from_millis(1);
        assert_eq!(next_pause(&mut pause, Duration::from_secs(5), past), None);
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
