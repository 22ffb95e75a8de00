//! Collecting the outcomes of a campaign's calls (`wait`): batched DescribeTelCdr queries over every session still
//! missing, in rounds that back off, while calls are still being placed and after; then each answered call's
//! transcript and extraction, which the service answers one session at a time: one request each when ready,
//! asked again (backing off) only while the answer is empty.
//!
//! When is a transcript ready? The record's `AsrStatus` says whether the recording's speech-to-text is `Complete`
//! or still `Processing` (OUTCOMES.md section 4.2). That it also tells when DescribeTelRecordAsr has the sentences
//! is not documented but is the natural reading: a record that says `Processing` stays in the batched record
//! queries (which cost a request per hundred sessions) until it says otherwise, and only then is the transcript
//! asked for. Any other value (or none) asks at once, and an empty answer is asked again with backoff.

use super::run::{lock, Shared};
use crate::client::CancellationToken;
use crate::error::{Error, ErrorKind, Result};
use crate::follow::{Deadline, Extras, Polling, CLOCK_SKEW};
use crate::outcome::{CallOutcome, CallRef};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;
use tokio::task::JoinSet;

/// Sessions per DescribeTelCdr request. The service documents no limit on `SessionIds`; 100 is one full page, so
/// a batch costs one request when all its records are there.
pub(super) const BATCH: usize = 100;

/// A placed call whose outcome is still to be collected.
pub(super) struct Pending {
    pub index: usize,
    pub call: CallRef,
    /// The item's request configured `ExtractConfig`: an empty extraction is then worth asking again.
    pub extraction_configured: bool,
    /// The call's record, once found, while its transcript is still being prepared (`AsrStatus` `Processing`).
    pub record: Option<CallOutcome>,
}

/// Whether an outcome's transcript is worth waiting for in the batched record queries rather than asked for now.
fn transcript_pending(outcome: &CallOutcome, transcript: bool) -> bool {
    let asr = outcome.raw.get("record").and_then(|r| r.get("AsrStatus")).and_then(serde_json::Value::as_str);
    transcript && outcome.answered && asr == Some("Processing")
}

/// The collection's shared state: the calls still missing, and the end of the collection.
pub(super) struct Collector {
    pending: Mutex<Vec<Pending>>,
    arrived: Notify,
    /// The end of the collection: set once the last call has been placed.
    pub deadline: Deadline,
    /// Cancelled once dispatching has ended (after `deadline` is set).
    pub placed_all: CancellationToken,
    extras: Mutex<JoinSet<()>>,
    error: Mutex<Option<Error>>,
}

impl Collector {
    pub fn new() -> Collector {
        Collector {
            pending: Mutex::new(Vec::new()),
            arrived: Notify::new(),
            deadline: Deadline::default(),
            placed_all: CancellationToken::new(),
            extras: Mutex::new(JoinSet::new()),
            error: Mutex::new(None),
        }
    }

    /// A call to collect (its item already stored).
    pub fn add(&self, pending: Pending) {
        lock(&self.pending).push(pending);
        self.arrived.notify_one();
    }

    /// The error that stopped the collection early, if one did.
    pub fn error(&self) -> Option<Error> {
        lock(&self.error).clone()
    }
}

/// Errors after which the next round may well succeed: the service or the network failed, or a rate limit beyond
/// the client's own retries. Anything else (credentials refused, a request the service rejects) would fail every
/// round the same.
fn transient(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::InternalServer
            | ErrorKind::OutcomeUnknown
            | ErrorKind::Connection
            | ErrorKind::Timeout
            | ErrorKind::RateLimited
    )
}

/// How the collection polls: at the campaign's intervals, until the collection's deadline, every request counted.
fn polling_of<'a>(shared: &'a Shared, c: &'a Collector) -> Polling<'a> {
    let o = &shared.options;
    Polling {
        first: o.poll_interval,
        cap: o.max_poll_interval,
        deadline: &c.deadline,
        cancel: &o.cancel,
        count: Some(&shared.count),
    }
}

/// The collection, from the first placed call until every outcome is in or the deadline has passed.
pub(super) async fn collect(shared: Arc<Shared>) {
    let Some(c) = shared.collector.as_ref() else { return };
    let o = &shared.options;
    let polling = polling_of(&shared, c);
    let mut pause = o.poll_interval;
    loop {
        if lock(&c.pending).is_empty() {
            if c.placed_all.is_cancelled() {
                break;
            }
            tokio::select! {
                _ = c.arrived.notified() => {}
                _ = c.placed_all.cancelled() => {}
                _ = o.cancel.cancelled() => break,
            }
            // Calls placed after a quiet spell start again from the first pause.
            pause = o.poll_interval;
            continue;
        }
        // A call just placed cannot have a record yet: every round, the first included, comes after a pause.
        if !matches!(polling.pause(&mut pause).await, Ok(true)) {
            break;
        }
        match round(&shared, c).await {
            Ok(()) => {}
            Err(e) if e.cancelled() => break,
            Err(e) if transient(&e) => {
                log::warn!(target: "ccc_aicall", "collecting the campaign's outcomes: {e}; trying again later");
            }
            Err(e) => {
                log::error!(target: "ccc_aicall", "collecting the campaign's outcomes stopped: {e}");
                *lock(&c.error) = Some(e);
                break;
            }
        }
    }
    // Calls whose record is in but whose transcript was still being prepared: one last try each (the deadline has
    // passed, so no more than one), then what is not there is listed as missing.
    let waiting: Vec<Pending> = std::mem::take(&mut *lock(&c.pending));
    for mut p in waiting {
        if let Some(record) = p.record.take() {
            arrived(&shared, p, record);
        }
    }
    let mut extras = std::mem::take(&mut *lock(&c.extras));
    while extras.join_next().await.is_some() {}
}

/// One round: every session still missing, in batches of one app and close send times, one window each.
async fn round(shared: &Arc<Shared>, c: &Collector) -> Result<()> {
    let mut missing: Vec<(u64, SystemTime, String)> = lock(&c.pending)
        .iter()
        .map(|p| (p.call.sdk_app_id, p.call.placed_at.unwrap_or(UNIX_EPOCH), p.call.session_id.clone()))
        .collect();
    missing.sort();
    for app in missing.chunk_by(|a, b| a.0 == b.0) {
        for batch in app.chunks(BATCH) {
            let ids: Vec<String> = batch.iter().map(|(_, _, id)| id.clone()).collect();
            let from = batch[0].1.checked_sub(CLOCK_SKEW).unwrap_or(UNIX_EPOCH);
            let o = &shared.options;
            let mut found = shared.client.find_sessions(batch[0].0, &ids, from, &o.cancel, Some(&shared.count)).await?;
            if found.is_empty() {
                continue;
            }
            let mut done = Vec::new();
            {
                let mut pending = lock(&c.pending);
                let mut rest = Vec::with_capacity(pending.len());
                for mut p in std::mem::take(&mut *pending) {
                    match found.remove(&p.call.session_id) {
                        Some(outcome) if transcript_pending(&outcome, o.transcript) => {
                            p.record = Some(outcome);
                            rest.push(p);
                        }
                        Some(outcome) => done.push((p, outcome)),
                        None => rest.push(p),
                    }
                }
                *pending = rest;
            }
            for (p, outcome) in done {
                arrived(shared, p, outcome);
            }
        }
    }
    Ok(())
}

/// A record found outside the rounds (a reconcile found the call): on to its transcript and extraction, or back to
/// the rounds while its transcript is being prepared.
pub(super) fn found(shared: &Arc<Shared>, mut p: Pending, outcome: CallOutcome) {
    match &shared.collector {
        Some(c) if transcript_pending(&outcome, shared.options.transcript) => {
            p.record = Some(outcome);
            c.add(p);
        }
        _ => arrived(shared, p, outcome),
    }
}

/// A call's record is in: deliver it, or first fetch the transcript and extraction of an answered call.
pub(super) fn arrived(shared: &Arc<Shared>, p: Pending, outcome: CallOutcome) {
    let o = &shared.options;
    let extras =
        Extras { transcript: o.transcript, extraction: o.extraction, retry_extraction: p.extraction_configured };
    let Some(c) = shared.collector.as_ref().filter(|_| outcome.answered && (extras.transcript || extras.extraction))
    else {
        return shared.deliver(p.index, outcome);
    };
    let shared = shared.clone();
    lock(&c.extras).spawn(async move {
        let Some(c) = shared.collector.as_ref() else { return };
        let polling = polling_of(&shared, c);
        let mut outcome = outcome;
        let from = p.call.placed_at.and_then(|t| t.checked_sub(CLOCK_SKEW)).unwrap_or(UNIX_EPOCH);
        if let Err(e) = shared.client.add_extras(&p.call, &mut outcome, extras, &polling, from).await {
            if !e.cancelled() {
                log::warn!(target: "ccc_aicall", "the transcript or extraction of {}: {e}", p.call.session_id);
            }
            let lacking = [
                ("transcript", extras.transcript && outcome.transcript.is_none()),
                ("extraction", extras.extraction && outcome.extracted.is_none()),
            ];
            for (what, lacks) in lacking {
                if lacks && !outcome.missing.iter().any(|m| m == what) {
                    outcome.missing.push(what.into());
                }
            }
        }
        shared.deliver(p.index, outcome);
    });
}
