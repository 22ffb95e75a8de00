//! Running a campaign: workers that take items from a queue, each call under the client's rate limiter, the journal
//! on disk before each request leaves, and every outcome stored before anyone is told about it.

use super::collect::{self, Collector, Pending};
use super::journal::{now_ms, Event, Failure, Journal, Prior, Sent};
use super::report::{CampaignReport, ItemOutcome, ItemStatus, Tally};
use super::shared::{self as shared_journal, SharedJournal};
use super::{Campaign, CampaignOptions};
use crate::client::{AiCallResult, BoxFuture, CancellationToken, Client, Hooks};
use crate::error::{Error, ErrorKind, Resend, Result};
use crate::follow::RequestCount;
use crate::outcome::{CallAttempt, CallOutcome, Reconciled};
use crate::request::CreateAiCallRequest;
use crate::store::Claim;
use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};
use tokio::time::Instant;

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

fn is_account_wide(e: &Error) -> bool {
    e.kind() == ErrorKind::Authentication || e.code().is_some_and(|c| ACCOUNT_WIDE_CODES.contains(&c))
}

/// Whether the campaign queues an item again later: the service refused it without acting and another try can
/// succeed (by the one rule, [`Error::resend`]). Failures to reach the service are not re-queued: the client
/// already retried them, and with the network down every item would otherwise hold its worker for half a minute.
fn requeue(e: &Error) -> bool {
    matches!(e, Error::Api { .. }) && e.resend() != Resend::Never
}

/// Pause before re-queueing a refused item: 1 s, 2 s, 4 s ... capped at 30 s.
pub(super) fn refused_pause(round: u32) -> Duration {
    Duration::from_secs(1u64 << round.saturating_sub(1).min(5)).min(Duration::from_secs(30))
}

struct Outcomes {
    slots: Vec<Option<ItemOutcome>>,
    tally: Tally,
}

/// What the journal says about an item sent without a definitive answer, for a reconcile.
struct Unsettled {
    sent_at: Option<u64>,
    failure: Option<Failure>,
    sent: Option<Sent>,
    /// In a shared journal: the stored event the reconcile settles, which the claim replaces only if it is still
    /// there (another worker may have settled it meanwhile).
    stored: Option<String>,
}

/// An opened journal, what it says about each item, and (for a shared one) each item's stored event.
type Opened = (Log, HashMap<String, Prior>, HashMap<String, String>);

/// Where a campaign records its items: a file of its own, or a named campaign's shared journal.
pub(super) enum Log {
    File(Journal),
    Shared(SharedJournal),
}

impl Log {
    async fn record(&self, event: &Event, what: &str) -> Result<()> {
        match self {
            Log::File(j) => j.record(event).await.map_err(|e| journal_error(j, &e, what)),
            Log::Shared(s) => s.record(event).await,
        }
    }

    /// Before the request leaves: the `sending` event on disk, or the item claimed in the shared journal.
    async fn claim(&self, event: &Event, stored: Option<&str>) -> Result<Claim> {
        match self {
            Log::File(_) => self.record(event, "failed: the call was not sent").await.map(|()| Claim::Claimed),
            Log::Shared(s) => s.claim(event, stored).await,
        }
    }

    async fn close(&self) {
        if let Log::File(j) = self {
            j.close().await;
        }
    }
}

pub(super) struct Shared {
    pub client: Client,
    requests: Vec<Option<CreateAiCallRequest>>,
    keys: Vec<String>,
    queue: Mutex<VecDeque<usize>>,
    outcomes: Mutex<Outcomes>,
    journal: Option<Log>,
    pub options: CampaignOptions,
    /// Requests sent in this run, per action.
    pub count: RequestCount,
    /// With `wait`: the outcomes still to collect.
    pub collector: Option<Collector>,
    /// When this run's last CreateAICall left.
    last_sent: Mutex<Option<Instant>>,
    /// With `reconcile`: the items the journal left unreconciled, to settle before dialling them.
    unsettled: Vec<Option<Unsettled>>,
    /// Stops dispatching: nothing new is started, and calls waiting for their turn are not sent. A child of the
    /// caller's cancel, which alone also stops calls in flight.
    dispatch: CancellationToken,
    stopped_by: Mutex<Option<Error>>,
    /// One progress callback at a time, in the order outcomes are stored, so that its counts only grow.
    progress_turn: Mutex<()>,
    callback_panicked: AtomicBool,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// Store the outcome, then tell the progress callback (whose panic is caught: the outcome is already safe).
    fn finish(&self, outcome: ItemOutcome) {
        if self.options.on_progress.is_none() {
            self.store(outcome);
            return;
        }
        let _turn = lock(&self.progress_turn);
        let tally = self.store(outcome.clone());
        self.tell(&outcome, &tally);
    }

    /// Add a collected call outcome to its item, then tell the progress callback.
    pub(super) fn deliver(&self, index: usize, outcome: CallOutcome) {
        let _turn = self.options.on_progress.as_ref().map(|_| lock(&self.progress_turn));
        let told = {
            let mut outcomes = lock(&self.outcomes);
            let status = outcome.status;
            let Some(item) = outcomes.slots.get_mut(index).and_then(Option::as_mut) else { return };
            item.outcome = Some(outcome);
            let item = self.options.on_progress.as_ref().map(|_| item.clone());
            outcomes.tally.add_outcome(status);
            item.map(|item| (item, outcomes.tally.clone()))
        };
        if let Some((item, tally)) = told {
            self.tell(&item, &tally);
        }
    }

    fn tell(&self, item: &ItemOutcome, tally: &Tally) {
        let Some(callback) = &self.options.on_progress else { return };
        if std::panic::catch_unwind(AssertUnwindSafe(|| callback(item, tally))).is_err()
            && !self.callback_panicked.swap(true, Ordering::SeqCst)
        {
            log::error!(
                target: "ccc_aicall",
                "the campaign's progress callback panicked; the campaign goes on (logged once)"
            );
        }
    }

    /// With `wait`: collect the outcome of this placed call.
    fn follow(&self, index: usize, result: &AiCallResult) {
        if let Some(collector) = &self.collector {
            let extraction_configured =
                self.requests[index].as_ref().is_some_and(CreateAiCallRequest::extraction_configured);
            collector.add(Pending { index, call: result.into(), extraction_configured, record: None });
        }
    }

    fn store(&self, outcome: ItemOutcome) -> Tally {
        let mut outcomes = lock(&self.outcomes);
        let index = outcome.index;
        outcomes.tally.add(outcome.status);
        if let Some(slot) = outcomes.slots.get_mut(index) {
            *slot = Some(outcome);
        }
        outcomes.tally.clone()
    }

    async fn record(&self, event: Event) -> Result<()> {
        match &self.journal {
            Some(j) => j.record(&event, "could not be written").await,
            None => Ok(()),
        }
    }

    async fn run_item(self: &Arc<Self>, index: usize) {
        let Some(request) = self.requests[index].as_ref() else { return };
        let key = &self.keys[index];
        // In a shared journal, the event a reconcile proved placed nothing: the first claim replaces only it.
        let mut settled: Option<String> = None;
        if let Some(unsettled) = &self.unsettled[index] {
            if !self.settle(index, request, unsettled).await {
                return;
            }
            settled = unsettled.stored.clone();
        }
        let settled = Mutex::new(settled);
        let attempts = AtomicU32::new(0);
        let sent_at = AtomicU64::new(0);
        let mut rounds = 0u32;
        // Another worker's event that held the item when this one tried to claim it: nothing was sent.
        let taken: Mutex<Option<String>> = Mutex::new(None);
        // The journal line must be on disk (or the item claimed in the shared journal) before the request can leave,
        // after the rate limiter's wait so that a kill during the wait leaves nothing to reconcile: that is what makes
        // a crash safe.
        let before_send = || -> BoxFuture<'_, Result<()>> {
            let attempt = attempts.load(Ordering::SeqCst) + 1;
            let event = Event::sending(key.clone(), index, request, attempt);
            let (settled, taken) = (&settled, &taken);
            Box::pin(async move {
                let Some(journal) = &self.journal else { return Ok(()) };
                let expected = lock(settled).take();
                match journal.claim(&event, expected.as_deref()).await? {
                    Claim::Claimed => Ok(()),
                    Claim::Taken(stored) => {
                        *lock(taken) = Some(stored);
                        Err(Error::Cancelled { sent: false })
                    }
                }
            })
        };
        let on_sent = || {
            attempts.fetch_add(1, Ordering::SeqCst);
            sent_at.store(now_ms(), Ordering::SeqCst);
            self.count.add(crate::ratelimit::CREATE_AI_CALL);
            *lock(&self.last_sent) = Some(Instant::now());
        };
        let hooks = Hooks { stop_unsent: &self.dispatch, before_send: &before_send, on_sent: &on_sent };
        let outcome = |status, result, error| ItemOutcome {
            index,
            callee: request.callee.clone(),
            status,
            result,
            error,
            attempts: attempts.load(Ordering::SeqCst),
            sent_at: Some(sent_at.load(Ordering::SeqCst)).filter(|t| *t > 0),
            outcome: None,
        };
        loop {
            if self.dispatch.is_cancelled() {
                return self.finish(outcome(ItemStatus::NotAttempted, None, None));
            }
            let answer = self
                .client
                .create_ai_call_hooked(request, &self.options.cancel, Some(&hooks), None, &Default::default())
                .await;
            match answer {
                Ok(result) => {
                    let placed = Event::Placed {
                        key: key.clone(),
                        index,
                        session_id: result.session_id.clone(),
                        request_id: result.request_id.clone(),
                        at: now_ms() / 1000,
                        reconciled: false,
                    };
                    // The call was placed whatever the disk says: it is reported as placed, and no more calls are
                    // made on a journal that can no longer be trusted.
                    if let Err(e) = self.record(placed).await {
                        self.stop(e);
                    }
                    self.finish(outcome(ItemStatus::Placed, Some(result.clone()), None));
                    return self.follow(index, &result);
                }
                Err(err) => {
                    if let Some(stored) = lock(&taken).take() {
                        let found = claimed_elsewhere(index, request, &stored);
                        if let Some(result) = found.result.clone().filter(|_| found.status == ItemStatus::AlreadyPlaced)
                        {
                            self.finish(found);
                            return self.follow(index, &result);
                        }
                        return self.finish(found);
                    }
                    let failed =
                        Event::Failed { key: key.clone(), index, failure: Failure::of(&err), at: now_ms() / 1000 };
                    let recorded = self.record(failed).await;
                    let journal_ok = recorded.is_ok();
                    if let Err(e) = recorded {
                        self.stop(e);
                    }
                    if journal_ok
                        && requeue(&err)
                        && rounds < self.options.refused_retries
                        && !self.dispatch.is_cancelled()
                    {
                        rounds += 1;
                        tokio::select! {
                            _ = tokio::time::sleep(refused_pause(rounds)) => continue,
                            _ = self.dispatch.cancelled() => continue,
                        }
                    }
                    // A configuration or disk error (the journal cannot be written) would stop every item the same.
                    if is_account_wide(&err) || matches!(err.kind(), ErrorKind::Config | ErrorKind::Io) {
                        self.stop(err.clone());
                    }
                    let status = if err.outcome_unknown() {
                        ItemStatus::OutcomeUnknown
                    } else if matches!(err, Error::Cancelled { sent: false }) {
                        // Not sent. The caller's cancel is this item's error; an early stop is the campaign's.
                        let error = self.options.cancel.is_cancelled().then_some(err);
                        return self.finish(outcome(ItemStatus::NotAttempted, None, error));
                    } else {
                        ItemStatus::Failed
                    };
                    return self.finish(outcome(status, None, Some(err)));
                }
            }
        }
    }

    /// Settle an item the journal left unreconciled: `true` when it is proven not placed (dial it now); otherwise
    /// its outcome is stored (`already_placed` with the call found, or still `unreconciled`).
    async fn settle(self: &Arc<Self>, index: usize, request: &CreateAiCallRequest, u: &Unsettled) -> bool {
        let earlier = u.failure.as_ref();
        let unreconciled = |reason: String| {
            let reason = match earlier {
                Some(f) => format!("{reason} (the earlier send: {})", f.message),
                None => reason,
            };
            ItemOutcome {
                index,
                callee: request.callee.clone(),
                status: ItemStatus::Unreconciled,
                result: None,
                error: Some(Error::OutcomeUnknown {
                    reason,
                    request_id: earlier.and_then(|f| f.request_id.clone()),
                    http_status: earlier.and_then(|f| f.http_status),
                    timed_out: earlier.is_some_and(|f| f.timed_out),
                }),
                attempts: 0,
                sent_at: u.sent_at,
                outcome: None,
            }
        };
        let Some(sent_at) = u.sent_at else {
            self.finish(unreconciled(
                "not reconciled: the journal has no send time for it; look for it with find_calls".into(),
            ));
            return false;
        };
        let app = u.sent.as_ref().and_then(|s| s.sdk_app_id);
        let attempt = CallAttempt {
            sdk_app_id: app.unwrap_or(request.sdk_app_id),
            callee: u.sent.as_ref().map_or_else(|| request.callee.clone(), |s| s.callee.clone()),
            sent_at: UNIX_EPOCH + Duration::from_millis(sent_at),
            // A line that predates recording it leaves the longest call unknown: the default bound applies.
            max_call_duration: u
                .sent
                .as_ref()
                .filter(|s| s.knows_duration)
                .and_then(|s| s.max_call_duration_ms)
                .map(Duration::from_millis),
        };
        let o = &self.options;
        match self.client.reconcile_counted(&attempt, &o.reconcile_options, &o.cancel, Some(&self.count)).await {
            Ok(Reconciled::Placed { calls }) => {
                let Some(found) = calls.into_iter().next() else { return false };
                let request_id = earlier.and_then(|f| f.request_id.clone()).unwrap_or_default();
                let placed = Event::Placed {
                    key: self.keys[index].clone(),
                    index,
                    session_id: found.session_id.clone(),
                    request_id: request_id.clone(),
                    at: now_ms() / 1000,
                    reconciled: true,
                };
                if let Err(e) = self.record(placed).await {
                    self.stop(e);
                }
                let result = AiCallResult {
                    session_id: found.session_id.clone(),
                    request_id,
                    sdk_app_id: attempt.sdk_app_id,
                    callee: attempt.callee.clone(),
                    placed_at: attempt.sent_at,
                    extraction_configured: self.requests[index]
                        .as_ref()
                        .is_some_and(CreateAiCallRequest::extraction_configured),
                    replayed: false,
                };
                self.finish(ItemOutcome {
                    index,
                    callee: request.callee.clone(),
                    status: ItemStatus::AlreadyPlaced,
                    result: Some(result.clone()),
                    error: None,
                    attempts: 0,
                    sent_at: u.sent_at,
                    outcome: None,
                });
                // Its record is the one the reconcile found: no need to look for it again.
                if self.collector.is_some() {
                    let extraction_configured = request.extraction_configured();
                    let pending = Pending { index, call: (&result).into(), extraction_configured, record: None };
                    collect::found(self, pending, found);
                }
                false
            }
            // Only a line that records the app proves where the call would be: an older one may have gone to an
            // app the campaign no longer names.
            Ok(Reconciled::NotPlaced) if app.is_some() => true,
            Ok(Reconciled::NotPlaced) => {
                self.finish(unreconciled(format!(
                    "not reconciled: no record of the call in app {}, but the journal line (written by an older \
                     version) does not say which app the request went to; look for it with find_calls",
                    attempt.sdk_app_id
                )));
                false
            }
            Ok(Reconciled::CannotTellYet { retry_after }) => {
                let at = (attempt.sent_at + o.reconcile_options.settled_after(&attempt))
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                self.finish(unreconciled(format!(
                    "not reconciled yet: no record of the call so far, but one could still appear; resume with \
                     reconcile again in {} s (after Unix time {at})",
                    retry_after.as_secs() + 1
                )));
                false
            }
            Err(e) => {
                self.finish(unreconciled(format!("not reconciled: {e}")));
                false
            }
        }
    }

    fn stop(&self, err: Error) {
        let mut stopped = lock(&self.stopped_by);
        if stopped.is_none() {
            if err.kind() == ErrorKind::Io {
                log::error!(target: "ccc_aicall", "campaign stopped early: {err}");
            } else {
                log::warn!(target: "ccc_aicall", "campaign stopped early: {err}");
            }
            *stopped = Some(err);
        }
        self.dispatch.cancel();
    }

    fn next(&self) -> Option<usize> {
        if self.dispatch.is_cancelled() {
            return None;
        }
        lock(&self.queue).pop_front()
    }
}

fn journal_error(journal: &Journal, e: &std::io::Error, what: &str) -> Error {
    Error::Io {
        path: journal.path().to_path_buf(),
        kind: e.kind(),
        message: format!("journal write {what} ({e}); no more calls are made on this journal"),
    }
}

/// The outcome of an item the journal decided on, or `None` to send it.
fn from_journal(index: usize, request: &CreateAiCallRequest, prior: Option<&Prior>) -> Option<ItemOutcome> {
    let callee = request.callee.as_str();
    let outcome = |status, result, error, sent_at| ItemOutcome {
        index,
        callee: callee.to_string(),
        status,
        result,
        error,
        attempts: 0,
        sent_at,
        outcome: None,
    };
    Some(match prior? {
        Prior::Placed { session_id, request_id, sent_at } => outcome(
            ItemStatus::AlreadyPlaced,
            Some(AiCallResult {
                session_id: session_id.clone(),
                request_id: request_id.clone(),
                sdk_app_id: request.sdk_app_id,
                callee: callee.to_string(),
                placed_at: sent_at.map_or(UNIX_EPOCH, |ms| UNIX_EPOCH + Duration::from_millis(ms)),
                extraction_configured: request.extraction_configured(),
                replayed: false,
            }),
            None,
            *sent_at,
        ),
        Prior::Unknown { sent_at, failure, .. } => {
            outcome(ItemStatus::Unreconciled, None, failure.as_ref().map(Failure::to_error), *sent_at)
        }
        Prior::Refused { sent_at, failure } => outcome(ItemStatus::Failed, None, Some(failure.to_error()), *sent_at),
    })
}

/// The outcome of an item another worker of a named campaign held when this one tried to claim it (`stored`, its
/// event): placed, refused or unknown by that worker's record, else claimed elsewhere (being sent, or its worker
/// stopped while sending it).
fn claimed_elsewhere(index: usize, request: &CreateAiCallRequest, stored: &str) -> ItemOutcome {
    let event = shared_journal::event_of(stored);
    let decided = match &event {
        Some(e @ (Event::Placed { .. } | Event::Failed { .. })) => {
            let prior = super::journal::replay(&shared_journal::lines_of([&stored.to_string()]));
            from_journal(index, request, prior.get(e.key()))
        }
        _ => None,
    };
    decided.unwrap_or_else(|| ItemOutcome {
        index,
        callee: request.callee.clone(),
        status: ItemStatus::ClaimedElsewhere,
        result: None,
        error: None,
        attempts: 0,
        sent_at: event.as_ref().and_then(shared_journal::sent_of).and_then(|(at, _)| at),
        outcome: None,
    })
}

impl Client {
    /// A named campaign as its shared journal records it now (see [`CampaignOptions::campaign`]): every claimed
    /// item's state, from any process that uses the same store and SecretId.
    pub async fn campaign_status(&self, name: &str) -> Result<shared_journal::CampaignStatus> {
        let (journal, stored) = SharedJournal::open(name, self).await?;
        Ok(shared_journal::status_of(journal.name(), &stored))
    }

    /// Run a campaign. Fails before placing anything if an item is invalid (unless `skip_invalid`) or the journal
    /// cannot be opened or is in use by another run; otherwise returns one outcome per item, in input order.
    ///
    /// With a journal, the file is locked for the whole run, and every item the journal decides on is reported
    /// without being sent (see [`crate::campaign::journal`] for the rules).
    ///
    /// Items are checked as [`Client::create_ai_call`] checks a call: with the client's default country code.
    pub async fn create_ai_calls(&self, campaign: Campaign, options: CampaignOptions) -> Result<CampaignReport> {
        let context = options.validation_context(self);
        let campaign = campaign.checked(&context);
        let problems = campaign.problems_with(&context);
        if !campaign.general.is_empty() || (!problems.is_empty() && !options.skip_invalid) {
            return Err(Error::Validation(problems));
        }
        let journal = match (&options.journal, &options.campaign) {
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "give `journal` (a file, one run at a time) or `campaign` (a name, shared by every worker), not \
                     both"
                        .into(),
                ))
            }
            (Some(path), None) => Journal::open(path).map(|(j, prior)| Some((Log::File(j), prior, HashMap::new())))?,
            (None, Some(name)) => {
                let (journal, stored) = SharedJournal::open(name, self).await?;
                let prior = super::journal::replay(&shared_journal::lines_of(stored.values()));
                Some((Log::Shared(journal), prior, stored))
            }
            (None, None) => None,
        };
        self.run_campaign(campaign, options, journal).await
    }

    /// Run a checked campaign with its journal (opened and locked) and what the journal recorded.
    async fn run_campaign(
        &self,
        mut campaign: Campaign,
        options: CampaignOptions,
        journal: Option<Opened>,
    ) -> Result<CampaignReport> {
        let started = Instant::now();
        let context = options.validation_context(self);
        let (journal, prior, stored) = match journal {
            Some((j, p, s)) => (Some(j), p, s),
            None => (None, HashMap::new(), HashMap::new()),
        };
        let n = campaign.items.len();
        let mut keys = Vec::with_capacity(n);
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut requests = Vec::with_capacity(n);
        let mut early: Vec<ItemOutcome> = Vec::new();
        let mut queue = VecDeque::new();
        let mut unsettled: Vec<Option<Unsettled>> = (0..n).map(|_| None).collect();
        for (index, item) in std::mem::take(&mut campaign.items).into_iter().enumerate() {
            match item {
                Err(errors) => {
                    keys.push(String::new());
                    requests.push(None);
                    early.push(ItemOutcome {
                        index,
                        callee: String::new(),
                        status: ItemStatus::Invalid,
                        result: None,
                        error: Some(Error::Validation(campaign.sourced(index, &errors))),
                        attempts: 0,
                        sent_at: None,
                        outcome: None,
                    });
                }
                Ok(request) => {
                    // Sent in the form it goes on the wire, normalised with the campaign's context (its default
                    // country code may differ from the client's), and keyed by that callee, so "+86 130..." and
                    // "0086130..." are one person.
                    let request = match request.normalised(&context) {
                        Ok(normalised) => normalised.into_owned(),
                        Err(_) => request,
                    };
                    let callee = request.callee.clone();
                    let occurrence = seen.entry(callee.clone()).and_modify(|c| *c += 1).or_insert(1);
                    let key = format!("{callee}#{occurrence}");
                    // In a shared journal, a `sending` event is another worker's: sending now, or stopped while it was.
                    let held = stored.get(&key).filter(|s| {
                        matches!(shared_journal::event_of(s), Some(Event::Sending { .. })) && !options.reconcile
                    });
                    match (prior.get(&key), options.reconcile) {
                        _ if held.is_some() => {
                            early.extend(held.map(|held| claimed_elsewhere(index, &request, held)));
                        }
                        (Some(Prior::Unknown { sent_at, failure, sent }), true) => {
                            let (sent_at, failure, sent) = (*sent_at, failure.clone(), sent.clone());
                            let stored = stored.get(&key).cloned();
                            unsettled[index] = Some(Unsettled { sent_at, failure, sent, stored });
                            queue.push_back(index);
                        }
                        (prior, _) => match from_journal(index, &request, prior) {
                            Some(outcome) => early.push(outcome),
                            None => queue.push_back(index),
                        },
                    }
                    keys.push(key);
                    requests.push(Some(request));
                }
            }
        }
        let dispatch = options.cancel.child_token();
        let workers = options.concurrency.clamp(1, 1000).min(queue.len().max(1));
        let collector = options.wait.then(Collector::new);
        let shared = Arc::new(Shared {
            client: self.clone(),
            requests,
            keys,
            queue: Mutex::new(queue),
            outcomes: Mutex::new(Outcomes { slots: vec![None; n], tally: Tally::new(n) }),
            journal,
            options,
            dispatch,
            stopped_by: Mutex::new(None),
            progress_turn: Mutex::new(()),
            callback_panicked: AtomicBool::new(false),
            count: RequestCount::default(),
            collector,
            last_sent: Mutex::new(None),
            unsettled,
        });
        let collecting = shared.collector.is_some().then(|| tokio::spawn(collect::collect(shared.clone())));
        for outcome in early {
            let placed = (outcome.status == ItemStatus::AlreadyPlaced).then(|| outcome.result.clone()).flatten();
            let index = outcome.index;
            shared.finish(outcome);
            if let Some(result) = placed {
                shared.follow(index, &result);
            }
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
        // Items still queued when dispatching stopped were never attempted.
        let unfinished: Vec<usize> =
            lock(&shared.outcomes).slots.iter().enumerate().filter(|(_, o)| o.is_none()).map(|(i, _)| i).collect();
        for index in unfinished {
            let callee = shared.requests[index].as_ref().map(|r| r.callee.clone()).unwrap_or_default();
            shared.finish(ItemOutcome {
                index,
                callee,
                status: ItemStatus::NotAttempted,
                result: None,
                error: None,
                attempts: 0,
                sent_at: None,
                outcome: None,
            });
        }
        if let Some(journal) = &shared.journal {
            journal.close().await;
        }
        if let (Some(collector), Some(collecting)) = (&shared.collector, collecting) {
            let last = lock(&shared.last_sent).map_or(started, |t| t.max(started));
            collector.deadline.set(last + shared.options.wait_timeout);
            collector.placed_all.cancel();
            if let Err(e) = collecting.await {
                log::error!(target: "ccc_aicall", "collecting the campaign's outcomes failed: {e}");
            }
        }
        let stopped_by = lock(&shared.stopped_by).clone();
        let items = std::mem::take(&mut lock(&shared.outcomes).slots).into_iter().flatten().collect();
        Ok(CampaignReport {
            items,
            stopped_by,
            requests: shared.count.snapshot(),
            waited: shared.options.wait,
            wait_error: shared.collector.as_ref().and_then(Collector::error),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_server::{request, TestServer};

    fn temp(name: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("ccc-run-{name}-{}.jsonl", std::process::id()));
        std::fs::remove_file(&path).ok();
        path
    }

    #[tokio::test]
    async fn a_placed_call_whose_journal_line_cannot_be_written_is_kept_and_stops_the_campaign() {
        let server = TestServer::start(None).await;
        let client = server.client(0.0);
        let path = temp("full-disk");
        // The disk takes the first call's `sending` line, then fails: its `placed` line cannot be written.
        let journal = Journal::failing_after(&path, 1);
        let campaign = Campaign::new((0..4).map(request).collect());
        let options = CampaignOptions { concurrency: 1, ..CampaignOptions::default() };
        let journal = Some((Log::File(journal), HashMap::new(), HashMap::new()));
        let report = client.run_campaign(campaign, options, journal).await.unwrap();
        assert_eq!(server.hits(), 1, "no call after the journal failed");
        let first = &report.items[0];
        assert_eq!(first.status, ItemStatus::Placed);
        assert_eq!(first.result.as_ref().map(|r| r.session_id.as_str()), Some("session-1"));
        let stopped = report.stopped_by.as_ref().expect("the journal error stopped the campaign");
        assert_eq!(stopped.kind(), ErrorKind::Io);
        assert_eq!(stopped.path(), Some(path.as_path()));
        assert!(report.items[1..].iter().all(|i| i.status == ItemStatus::NotAttempted), "{:?}", report.items);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_request_arrives_after_its_sending_line_is_on_disk() {
        let path = temp("order");
        let seen: Arc<Mutex<Vec<bool>>> = Arc::new(Mutex::new(Vec::new()));
        let on_request: crate::test_server::OnRequest = {
            let (path, seen) = (path.clone(), seen.clone());
            Arc::new(move |body: &[u8]| {
                let callee =
                    serde_json::from_slice::<serde_json::Value>(body).unwrap()["Callee"].as_str().unwrap().to_string();
                let journal = std::fs::read(&path).unwrap();
                let on_disk = journal
                    .split(|b| *b == b'\n')
                    .filter_map(|l| serde_json::from_slice::<Event>(l).ok())
                    .any(|e| matches!(e, Event::Sending { callee: c, .. } if c == callee));
                seen.lock().unwrap().push(on_disk);
            })
        };
        let server = TestServer::start(Some(on_request)).await;
        let client = server.client(0.0);
        let options = CampaignOptions { concurrency: 8, journal: Some(path.clone()), ..CampaignOptions::default() };
        let report = client.create_ai_calls(Campaign::new((0..30).map(request).collect()), options).await.unwrap();
        assert_eq!(report.count(ItemStatus::Placed), 30);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 30);
        assert!(seen.iter().all(|on_disk| *on_disk), "a request arrived before its journal line was on disk");
        std::fs::remove_file(path).ok();
    }

    #[tokio::test]
    async fn the_progress_callback_sees_the_counts_grow() {
        let server = TestServer::start(None).await;
        let client = server.client(0.0);
        let path = temp("tally");
        let first = Campaign::new((0..3).map(request).collect());
        let options = CampaignOptions { journal: Some(path.clone()), ..CampaignOptions::default() };
        client.create_ai_calls(first, options.clone()).await.unwrap();
        let tallies: Arc<Mutex<Vec<Tally>>> = Arc::new(Mutex::new(Vec::new()));
        let on_progress: super::super::ProgressFn = {
            let tallies = tallies.clone();
            Arc::new(move |_: &ItemOutcome, t: &Tally| tallies.lock().unwrap().push(t.clone()))
        };
        let options = CampaignOptions { on_progress: Some(on_progress), concurrency: 3, ..options };
        let report = client.create_ai_calls(Campaign::new((0..5).map(request).collect()), options).await.unwrap();
        let tallies = tallies.lock().unwrap().clone();
        assert_eq!(tallies.iter().map(|t| t.done).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
        let last = tallies.last().unwrap();
        assert_eq!(*last, report.tally());
        assert_eq!((last.count(ItemStatus::AlreadyPlaced), last.count(ItemStatus::Placed)), (3, 2));
        assert!(tallies.iter().all(|t| t.total == 5));
        std::fs::remove_file(path).ok();
    }
}
