//! The journal of a named campaign, kept in a store that many workers share (Redis, or this process's memory without
//! one), so that any number of processes on any machines can run the same list and each item is dialled at most
//! once.
//!
//! The store holds each item's last event (the same events as the file journal, plus the worker that wrote it and
//! whether the item may be sent again) in one hash per campaign. An item is claimed atomically before its request
//! leaves: the claim writes the `sending` event only if the item has no event yet, or its last event is a refusal
//! that proves nothing happened, or (after a reconcile proved the earlier send placed nothing) the event is still the
//! one the reconcile looked at. Whoever loses the claim does not send. A worker killed at any moment leaves at worst
//! a `sending` event: nobody dials that item again until a reconcile proves the call was not placed.
//!
//! Durability is the store's: the claim is acknowledged by Redis before the request leaves, and survives a Redis
//! crash as far as Redis's own persistence does (`appendfsync always` loses nothing; the default up to a second).
//! Keys are named by hashes (of the SecretId and of the campaign name), never hold secrets, and expire
//! [`CAMPAIGN_TTL`] after the last write.

use super::journal::{Event, Sent};
use crate::error::{Error, Result};
use crate::store::{hash_hex, Claim, Connection, RedisStore, PREFIX};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// How long a campaign's record stays after its last write: long enough to resume or reconcile weeks later.
pub const CAMPAIGN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// One campaign's events, by item key.
type Events = Arc<Mutex<HashMap<String, String>>>;

/// Where the events live.
pub(crate) enum Backend {
    /// This process only: every client of the same account in the process shares it.
    Memory(Events),
    /// The client's Redis store (with its connection).
    Redis(crate::Client),
}

/// One worker's handle on a named campaign's shared journal.
pub struct SharedJournal {
    name: String,
    /// The store key of the campaign's hash.
    key: String,
    worker: String,
    backend: Backend,
    /// The `sending` event of each item this worker claimed, stored again with the item's outcome: it says when and
    /// what was sent, which a reconcile needs.
    sending: Mutex<HashMap<String, Value>>,
}

impl std::fmt::Debug for SharedJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedJournal").field("name", &self.name).field("worker", &self.worker).finish()
    }
}

/// The store key of campaign `name` of the account `account` (a tag derived from the SecretId).
pub(crate) fn campaign_key(account: &str, name: &str) -> String {
    format!("{PREFIX}campaign:{account}:{}", &hash_hex(name)[..32])
}

fn redis(client: &crate::Client) -> Result<(&RedisStore, &Connection, &str)> {
    client.redis_store().ok_or_else(|| Error::Config("the client has no Redis store".into()))
}

fn memory(key: &str) -> Events {
    static CAMPAIGNS: OnceLock<Mutex<HashMap<String, Events>>> = OnceLock::new();
    let all = CAMPAIGNS.get_or_init(Mutex::default);
    let mut all = all.lock().unwrap_or_else(|p| p.into_inner());
    all.entry(key.to_string()).or_default().clone()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A campaign name: what a person would type, not a place to hide data.
pub(crate) fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
        return Err(Error::Config(format!(
            "`campaign` must be a name of 1 to 200 characters without control characters, got {:?}",
            name.chars().take(40).collect::<String>()
        )));
    }
    Ok(())
}

impl SharedJournal {
    /// Open campaign `name` of `account` in `backend`, and read what it records so far.
    pub(crate) async fn open(name: &str, client: &crate::Client) -> Result<(SharedJournal, HashMap<String, String>)> {
        check_name(name)?;
        let key = campaign_key(client.account(), name);
        let backend = match client.redis_store() {
            Some(_) => Backend::Redis(client.clone()),
            None => Backend::Memory(memory(&key)),
        };
        let mut raw = [0u8; 8];
        getrandom::getrandom(&mut raw).map_err(|e| Error::Config(format!("no randomness for a worker id: {e}")))?;
        let worker = raw.iter().map(|b| format!("{b:02x}")).collect();
        let journal = SharedJournal { name: name.to_string(), key, worker, backend, sending: Mutex::default() };
        let stored = journal.read().await?;
        Ok((journal, stored))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every item's last event, as stored.
    pub(crate) async fn read(&self) -> Result<HashMap<String, String>> {
        match &self.backend {
            Backend::Memory(map) => Ok(lock(map).clone()),
            Backend::Redis(client) => {
                let (store, conn, _) = redis(client)?;
                store.campaign_read(conn, &self.key).await
            }
        }
    }

    /// The stored form of `event`: the event with this worker, whether the item may be sent again, and (for an
    /// outcome) the `sending` event it answers.
    fn stored(&self, event: &Event) -> String {
        let mut value = serde_json::to_value(event).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.insert("worker".into(), Value::String(self.worker.clone()));
            map.insert("resend".into(), Value::Bool(may_send_again(event)));
            if !matches!(event, Event::Sending { .. }) {
                if let Some(sending) = lock(&self.sending).get(event.key()) {
                    map.insert("sending".into(), sending.clone());
                }
            }
        }
        value.to_string()
    }

    /// Claim the item of the `sending` event `event` for this worker, unless another holds it. `expected`: the
    /// stored event a reconcile proved placed nothing (claimed only if it is still the one stored).
    pub(crate) async fn claim(&self, event: &Event, expected: Option<&str>) -> Result<Claim> {
        let stored = self.stored(event);
        let item = event.key();
        let claimed = match &self.backend {
            Backend::Memory(map) => {
                let mut map = lock(map);
                let free = match map.get(item) {
                    None => true,
                    Some(current) => expected == Some(current.as_str()) || resend_of(current),
                };
                if free {
                    map.insert(item.to_string(), stored);
                    Claim::Claimed
                } else {
                    Claim::Taken(map.get(item).cloned().unwrap_or_default())
                }
            }
            Backend::Redis(client) => {
                let (store, conn, _) = redis(client)?;
                store.campaign_claim(conn, &self.key, item, &stored, expected.unwrap_or(""), CAMPAIGN_TTL).await?
            }
        };
        if matches!(claimed, Claim::Claimed) {
            lock(&self.sending).insert(item.to_string(), serde_json::to_value(event).unwrap_or(Value::Null));
        }
        Ok(claimed)
    }

    /// Write `event` as its item's last event.
    pub(crate) async fn record(&self, event: &Event) -> Result<()> {
        let stored = self.stored(event);
        match &self.backend {
            Backend::Memory(map) => {
                lock(map).insert(event.key().to_string(), stored);
                Ok(())
            }
            Backend::Redis(client) => {
                let (store, conn, _) = redis(client)?;
                store.campaign_record(conn, &self.key, event.key(), &stored, CAMPAIGN_TTL).await
            }
        }
    }
}

/// Whether an item whose last event is `event` may be sent again: only after a refusal that proves the service did
/// not act (the file journal's rule).
fn may_send_again(event: &Event) -> bool {
    match event {
        Event::Failed { failure, .. } => {
            let error = failure.to_error();
            !failure.outcome_unknown && !error.outcome_unknown() && error.certainly_not_acted()
        }
        Event::Sending { .. } | Event::Placed { .. } => false,
    }
}

fn resend_of(stored: &str) -> bool {
    serde_json::from_str::<Map<String, Value>>(stored).is_ok_and(|m| m.get("resend") == Some(&Value::Bool(true)))
}

/// The stored events as journal lines, each outcome after the `sending` event it answers, for
/// [`super::journal::replay`].
pub(crate) fn lines_of<'a>(stored: impl IntoIterator<Item = &'a String>) -> Vec<u8> {
    let mut lines = Vec::new();
    for value in stored {
        if let Ok(map) = serde_json::from_str::<Map<String, Value>>(value) {
            if let Some(sending) = map.get("sending") {
                lines.extend_from_slice(sending.to_string().as_bytes());
                lines.push(b'\n');
            }
        }
        lines.extend_from_slice(value.as_bytes());
        lines.push(b'\n');
    }
    lines
}

/// Decode a stored event.
pub(crate) fn event_of(stored: &str) -> Option<Event> {
    serde_json::from_str(stored).ok()
}

/// What a `sending` event says was sent (for a reconcile).
pub(crate) fn sent_of(event: &Event) -> Option<(Option<u64>, Sent)> {
    match event {
        Event::Sending { at, at_ms, callee, sdk_app_id, max_call_duration_ms, .. } => Some((
            Some(at_ms.unwrap_or(at.saturating_mul(1000))),
            Sent {
                callee: callee.clone(),
                sdk_app_id: *sdk_app_id,
                max_call_duration_ms: *max_call_duration_ms,
                knows_duration: sdk_app_id.is_some(),
            },
        )),
        _ => None,
    }
}

/// A named campaign as its shared journal records it, readable from any process ([`crate::Client::campaign_status`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CampaignStatus {
    pub name: String,
    /// Every item some worker has claimed, by its position in the list.
    pub items: Vec<SharedItem>,
    /// How many items are in each state.
    pub counts: std::collections::BTreeMap<&'static str, usize>,
}

/// One item of a named campaign, by its last event.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SharedItem {
    pub index: usize,
    /// The callee and its occurrence in the list (`008613012345678#1`): how workers recognise the item.
    pub key: String,
    /// `placed`; `sending` (a worker is sending it, or stopped while it was: a reconcile settles it);
    /// `outcome_unknown` (sent without a definitive answer: reconcile before calling again); `failed` (refused, not
    /// sent again); `retryable` (refused in a way that proves nothing happened: the next worker sends it again).
    pub state: &'static str,
    pub session_id: Option<String>,
    /// The error's code or message, for `failed`, `outcome_unknown` and `retryable`.
    pub error: Option<String>,
}

/// Every state of [`SharedItem::state`].
pub const SHARED_STATES: [&str; 5] = ["placed", "sending", "outcome_unknown", "failed", "retryable"];

pub(crate) fn status_of(name: &str, stored: &HashMap<String, String>) -> CampaignStatus {
    let mut items: Vec<SharedItem> = stored
        .iter()
        .filter_map(|(key, value)| {
            let event = event_of(value)?;
            let (index, state, session_id, error) = match &event {
                Event::Placed { index, session_id, .. } => (*index, "placed", Some(session_id.clone()), None),
                Event::Sending { index, .. } => (*index, "sending", None, None),
                Event::Failed { index, failure, .. } => {
                    let error = failure.to_error();
                    let state = if failure.outcome_unknown || error.outcome_unknown() {
                        "outcome_unknown"
                    } else if resend_of(value) {
                        "retryable"
                    } else {
                        "failed"
                    };
                    (*index, state, None, Some(failure.code.clone().unwrap_or_else(|| failure.message.clone())))
                }
            };
            Some(SharedItem { index, key: key.clone(), state, session_id, error })
        })
        .collect();
    items.sort_by_key(|item| item.index);
    let mut counts: std::collections::BTreeMap<&'static str, usize> = SHARED_STATES.iter().map(|s| (*s, 0)).collect();
    for item in &items {
        *counts.entry(item.state).or_default() += 1;
    }
    CampaignStatus { name: name.to_string(), items, counts }
}
