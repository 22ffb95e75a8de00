//! What a campaign reports: one outcome per item, the running counts, and the report at the end.

use crate::client::AiCallResult;
use crate::error::Error;
use crate::outcome::{CallOutcome, CallStatus};
use std::collections::BTreeMap;

/// What became of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Placed in this run.
    Placed,
    /// The service refused it or it could not be sent; nobody was dialled. Also an item the journal says an earlier
    /// run had refused with an error that does not prove nothing happened: it is not sent again (0 attempts in this
    /// run, the earlier error rebuilt from the journal).
    Failed,
    /// Sent in this run without a definitive answer: it may have dialled. Reconcile before calling again.
    OutcomeUnknown,
    /// The journal says a previous run placed it.
    AlreadyPlaced,
    /// The journal says a previous run sent it without a definitive answer. Reconcile before calling again.
    Unreconciled,
    /// Invalid (only with `skip_invalid`); never sent.
    Invalid,
    /// Not sent: the campaign was cancelled or stopped early before its request left.
    NotAttempted,
    /// A named campaign's item that another worker claimed first: it is sending it, or stopped while it was (then a
    /// run with `reconcile` settles it). This worker sent nothing for it.
    ClaimedElsewhere,
}

impl ItemStatus {
    /// Every status, in a stable order (for per-status counts).
    pub const ALL: [ItemStatus; 8] = [
        ItemStatus::Placed,
        ItemStatus::Failed,
        ItemStatus::OutcomeUnknown,
        ItemStatus::AlreadyPlaced,
        ItemStatus::Unreconciled,
        ItemStatus::Invalid,
        ItemStatus::NotAttempted,
        ItemStatus::ClaimedElsewhere,
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
            ItemStatus::ClaimedElsewhere => "claimed_elsewhere",
        }
    }

    fn position(self) -> usize {
        ItemStatus::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// What became of one item of a campaign.
#[derive(Debug, Clone)]
pub struct ItemOutcome {
    /// Its position in the campaign's list.
    pub index: usize,
    /// The normalised callee ("" if the item was invalid before one could be read).
    pub callee: String,
    /// What became of it.
    pub status: ItemStatus,
    /// The placed call: this run's answer, or the session the journal (or a reconcile) found. A call found by a
    /// reconcile has an empty `request_id` when no answer had come back.
    pub result: Option<AiCallResult>,
    /// This run's error; for `unreconciled` and journal-refused `failed` items, the earlier run's error rebuilt
    /// from the journal (code, message, RequestId) when it recorded one.
    pub error: Option<Error>,
    /// Requests sent for this item in this run.
    pub attempts: u32,
    /// When its last request was sent, in Unix milliseconds: in this run, or (items the journal decided) in the
    /// earlier run. With the callee, what a reconcile needs to find the call (`DescribeTelCdr` over a window around
    /// this time).
    pub sent_at: Option<u64>,
    /// With the campaign's `wait`: how the call ended, once collected; `None` while (or if) it was not found in
    /// time, and for items that placed no call.
    pub outcome: Option<CallOutcome>,
}

impl ItemOutcome {
    /// True when this item may have dialled without a definitive answer (now or in an earlier run).
    pub fn outcome_unknown(&self) -> bool {
        matches!(self.status, ItemStatus::OutcomeUnknown | ItemStatus::Unreconciled)
    }
}

/// The running counts of a campaign, as the progress callback sees them after each item: every display shows the
/// same numbers as the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Items finished so far.
    pub done: usize,
    /// Items in the campaign.
    pub total: usize,
    /// With `wait`: call outcomes collected so far.
    pub outcomes: usize,
    counts: [usize; ItemStatus::ALL.len()],
    calls: [usize; CallStatus::ALL.len()],
}

impl Tally {
    pub fn new(total: usize) -> Self {
        Tally { total, ..Tally::default() }
    }

    /// Items finished with this status so far (`already_placed` is counted apart from `placed`).
    pub fn count(&self, status: ItemStatus) -> usize {
        self.counts[status.position()]
    }

    /// Every status with its count, in [`ItemStatus::ALL`] order.
    pub fn counts(&self) -> impl Iterator<Item = (ItemStatus, usize)> + '_ {
        ItemStatus::ALL.iter().map(move |s| (*s, self.count(*s)))
    }

    /// With `wait`: outcomes collected so far that ended with this status.
    pub fn call_status(&self, status: CallStatus) -> usize {
        self.calls[call_position(status)]
    }

    pub(crate) fn add(&mut self, status: ItemStatus) {
        self.done += 1;
        self.counts[status.position()] += 1;
    }

    pub(crate) fn add_outcome(&mut self, status: CallStatus) {
        self.outcomes += 1;
        self.calls[call_position(status)] += 1;
    }
}

fn call_position(status: CallStatus) -> usize {
    CallStatus::ALL.iter().position(|s| *s == status).unwrap_or(0)
}

/// What a campaign did: one outcome per item, and what it spent.
#[derive(Debug, Clone)]
pub struct CampaignReport {
    /// One outcome per item, in input order.
    pub items: Vec<ItemOutcome>,
    /// The error that stopped dispatching early (authentication, no call package, expired licence, a journal that
    /// could no longer be written...).
    pub stopped_by: Option<Error>,
    /// Requests sent in this run, per action: `CreateAICall` (every attempt, retries included), and with `wait` or
    /// `reconcile` the `DescribeTelCdr`, `DescribeTelRecordAsr` and `DescribeAICallExtractResult` they spent.
    pub requests: BTreeMap<String, u64>,
    /// Whether the campaign ran with `wait` (outcomes were collected).
    pub waited: bool,
    /// With `wait`: the error that stopped collecting outcomes before the time was up (credentials refused, a
    /// request the service rejects); the items not collected by then have no outcome.
    pub wait_error: Option<Error>,
}

impl CampaignReport {
    /// Items with this status.
    pub fn count(&self, status: ItemStatus) -> usize {
        self.items.iter().filter(|i| i.status == status).count()
    }

    /// The counts of the whole report (the same as the progress callback's last).
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::new(self.items.len());
        for item in &self.items {
            tally.add(item.status);
            if let Some(outcome) = &item.outcome {
                tally.add_outcome(outcome.status);
            }
        }
        tally
    }

    /// With `wait`: how the collected calls ended, by status (statuses with no call left out).
    pub fn call_statuses(&self) -> BTreeMap<CallStatus, usize> {
        let mut counts = BTreeMap::new();
        for outcome in self.items.iter().filter_map(|i| i.outcome.as_ref()) {
            *counts.entry(outcome.status).or_insert(0) += 1;
        }
        counts
    }

    /// With `wait`: the placed items (this run's and the journal's) whose outcome was not found in time. 0
    /// without `wait`.
    pub fn outcomes_missing(&self) -> usize {
        if !self.waited {
            return 0;
        }
        let placed = |i: &&ItemOutcome| matches!(i.status, ItemStatus::Placed | ItemStatus::AlreadyPlaced);
        self.items.iter().filter(placed).filter(|i| i.outcome.is_none()).count()
    }

    /// With `wait`: the collected outcomes that lack `what` (`"transcript"` or `"extraction"`): asked for, and not
    /// ready in time.
    pub fn missing(&self, what: &str) -> usize {
        self.items.iter().filter_map(|i| i.outcome.as_ref()).filter(|o| o.missing.iter().any(|m| m == what)).count()
    }

    /// Every request sent in this run.
    pub fn requests_total(&self) -> u64 {
        self.requests.values().sum()
    }

    /// Items to check (e.g. with DescribeTelCdr) before anyone calls them again.
    pub fn to_reconcile(&self) -> Vec<&ItemOutcome> {
        self.items.iter().filter(|i| i.outcome_unknown()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tally_counts_each_status_apart() {
        let mut t = Tally::new(4);
        for s in [ItemStatus::Placed, ItemStatus::AlreadyPlaced, ItemStatus::AlreadyPlaced, ItemStatus::Failed] {
            t.add(s);
        }
        assert_eq!((t.done, t.total), (4, 4));
        assert_eq!(t.count(ItemStatus::Placed), 1);
        assert_eq!(t.count(ItemStatus::AlreadyPlaced), 2);
        assert_eq!(t.counts().map(|(_, n)| n).sum::<usize>(), 4);
    }
}
