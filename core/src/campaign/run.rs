//! Running a campaign: workers that take items from a queue, each call under the client's rate limiter, the journal
//! on disk before each request leaves, and every outcome stored before anyone is told about it.

use super::journal::{now_ms, Event, Failure, Journal, Prior};
use super::report::{CampaignReport, ItemOutcome, ItemStatus, Tally};
use super::{Campaign, CampaignOptions};
use crate::client::{AiCallResult, BoxFuture, CancellationToken, Client, Hooks};
use crate::error::{Error, ErrorKind, Resend, Result};
use crate::request::CreateAiCallRequest;
use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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

struct Shared {
    client: Client,
    requests: Vec<Option<CreateAiCallRequest>>,
    keys: Vec<String>,
    queue: Mutex<VecDeque<usize>>,
    outcomes: Mutex<Outcomes>,
    journal: Option<Journal>,
    options: CampaignOptions,
    /// Stops dispatching: nothing new is started, and calls waiting for their turn are not sent. A child of the
    /// caller's cancel, which alone also stops calls in flight.
    dispatch: CancellationToken,
    stopped_by: Mutex<Option<Error>>,
    /// One progress callback at a time, in the order outcomes are stored, so that its counts only grow.
    progress_turn: Mutex<()>,
    callback_panicked: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// Store the outcome, then tell the progress callback (whose panic is caught: the outcome is already safe).
    fn finish(&self, outcome: ItemOutcome) {
        let Some(callback) = &self.options.on_progress else {
            self.store(outcome);
            return;
        };
        let _turn = lock(&self.progress_turn);
        let tally = self.store(outcome.clone());
        if std::panic::catch_unwind(AssertUnwindSafe(|| callback(&outcome, &tally))).is_err()
            && !self.callback_panicked.swap(true, Ordering::SeqCst)
        {
            log::error!(
                target: "ccc_aicall",
                "the campaign's progress callback panicked; the campaign goes on (logged once)"
            );
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
            Some(j) => j.record(&event).await.map_err(|e| journal_error(j, &e, "could not be written")),
            None => Ok(()),
        }
    }

    async fn run_item(&self, index: usize) {
        let Some(request) = self.requests[index].as_ref() else { return };
        let key = &self.keys[index];
        let attempts = AtomicU32::new(0);
        let sent_at = AtomicU64::new(0);
        let mut rounds = 0u32;
        // The journal line must be on disk before the request can leave (after the rate limiter's wait, so a
        // kill during the wait leaves nothing to reconcile): that is what makes a crash safe.
        let before_send = || -> BoxFuture<'_, Result<()>> {
            let attempt = attempts.load(Ordering::SeqCst) + 1;
            let event = Event::sending(key.clone(), index, request.callee.clone(), attempt);
            Box::pin(async move {
                match &self.journal {
                    Some(j) => {
                        j.record(&event).await.map_err(|e| journal_error(j, &e, "failed: the call was not sent"))
                    }
                    None => Ok(()),
                }
            })
        };
        let on_sent = || {
            attempts.fetch_add(1, Ordering::SeqCst);
            sent_at.store(now_ms(), Ordering::SeqCst);
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
        };
        loop {
            if self.dispatch.is_cancelled() {
                return self.finish(outcome(ItemStatus::NotAttempted, None, None));
            }
            let answer = self.client.create_ai_call_hooked(request, &self.options.cancel, Some(&hooks), None).await;
            match answer {
                Ok(result) => {
                    let placed = Event::Placed {
                        key: key.clone(),
                        index,
                        session_id: result.session_id.clone(),
                        request_id: result.request_id.clone(),
                        at: now_ms() / 1000,
                    };
                    // The call was placed whatever the disk says: it is reported as placed, and no more calls are
                    // made on a journal that can no longer be trusted.
                    if let Err(e) = self.record(placed).await {
                        self.stop(e);
                    }
                    return self.finish(outcome(ItemStatus::Placed, Some(result), None));
                }
                Err(err) => {
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
    };
    Some(match prior? {
        Prior::Placed { session_id, request_id, sent_at } => outcome(
            ItemStatus::AlreadyPlaced,
            Some(AiCallResult {
                session_id: session_id.clone(),
                request_id: request_id.clone(),
                sdk_app_id: request.sdk_app_id,
                callee: callee.to_string(),
                placed_at: sent_at
                    .map_or(std::time::UNIX_EPOCH, |ms| std::time::UNIX_EPOCH + Duration::from_millis(ms)),
            }),
            None,
            *sent_at,
        ),
        Prior::Unknown { sent_at, failure } => {
            outcome(ItemStatus::Unreconciled, None, failure.as_ref().map(Failure::to_error), *sent_at)
        }
        Prior::Refused { sent_at, failure } => outcome(ItemStatus::Failed, None, Some(failure.to_error()), *sent_at),
    })
}

impl Client {
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
        let journal = options.journal.as_deref().map(Journal::open).transpose()?;
        self.run_campaign(campaign, options, journal).await
    }

    /// Run a checked campaign with its journal (opened and locked) and what the journal recorded.
    async fn run_campaign(
        &self,
        mut campaign: Campaign,
        options: CampaignOptions,
        journal: Option<(Journal, HashMap<String, Prior>)>,
    ) -> Result<CampaignReport> {
        let context = options.validation_context(self);
        let (journal, prior) = match journal {
            Some((j, p)) => (Some(j), p),
            None => (None, HashMap::new()),
        };
        let n = campaign.items.len();
        let mut keys = Vec::with_capacity(n);
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut requests = Vec::with_capacity(n);
        let mut early: Vec<ItemOutcome> = Vec::new();
        let mut queue = VecDeque::new();
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
                    match from_journal(index, &request, prior.get(&key)) {
                        Some(outcome) => early.push(outcome),
                        None => queue.push_back(index),
                    }
                    keys.push(key);
                    requests.push(Some(request));
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
            outcomes: Mutex::new(Outcomes { slots: vec![None; n], tally: Tally::new(n) }),
            journal,
            options,
            dispatch,
            stopped_by: Mutex::new(None),
            progress_turn: Mutex::new(()),
            callback_panicked: AtomicBool::new(false),
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
            });
        }
        if let Some(journal) = &shared.journal {
            journal.close().await;
        }
        let stopped_by = lock(&shared.stopped_by).clone();
        let items = std::mem::take(&mut lock(&shared.outcomes).slots).into_iter().flatten().collect();
        Ok(CampaignReport { items, stopped_by })
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
        let report = client.run_campaign(campaign, options, Some((journal, HashMap::new()))).await.unwrap();
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
