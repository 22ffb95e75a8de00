//! Everything the emulator remembers, behind one std mutex that is never held across an await.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::{Credential, EmulatorConfig};
use crate::fault::{Fault, FaultKind};
use crate::ratelimit::TokenBucket;

/// A `CreateAICall` the emulator accepted: in the real service, a phone that rang.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacedCall {
    pub session_id: String,
    pub request_id: String,
    /// When the request was accepted, in milliseconds since the Unix epoch (the real clock, not the
    /// emulator's offset one).
    pub received_at_ms: u64,
    /// The request body as received.
    pub body: Value,
}

impl fmt::Debug for PlacedCall {
    // The body carries the LLM APIKey and maybe TTS credentials: show its field names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<&str> =
            self.body.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
        f.debug_struct("PlacedCall")
            .field("session_id", &self.session_id)
            .field("request_id", &self.request_id)
            .field("received_at_ms", &self.received_at_ms)
            .field("body_fields", &fields)
            .finish()
    }
}

/// A session the emulator created, for `DescribeTelSession` and `HangUpCall`.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub sdk_app_id: u64,
    pub callee: String,
    pub caller: String,
    pub created: Instant,
    pub created_unix: i64,
    pub hung_up: Option<Instant>,
}

pub(crate) struct Shared {
    pub credentials: Vec<Credential>,
    pub ringing: Duration,
    pub talking: Duration,
    pub max_body_bytes: usize,
    inner: Mutex<Inner>,
}

struct Inner {
    calls: Vec<PlacedCall>,
    hits: u64,
    hits_by_action: HashMap<String, u64>,
    faults: VecDeque<Fault>,
    sessions: HashMap<String, Session>,
    bucket: TokenBucket,
    clock_offset_secs: i64,
}

impl Shared {
    pub(crate) fn new(config: &EmulatorConfig) -> Self {
        Shared {
            credentials: config.credentials.clone(),
            ringing: Duration::from_millis(config.ringing_ms),
            talking: Duration::from_millis(config.talking_ms),
            max_body_bytes: config.max_body_bytes,
            inner: Mutex::new(Inner {
                calls: Vec::new(),
                hits: 0,
                hits_by_action: HashMap::new(),
                faults: VecDeque::new(),
                sessions: HashMap::new(),
                bucket: TokenBucket::new(config.rate_limit, Instant::now()),
                clock_offset_secs: config.clock_offset_secs,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the emulator's bookkeeping down with it.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Count one HTTP request and take the fault it gets, if any.
    pub(crate) fn arrive(&self, action: &str) -> Option<FaultKind> {
        let mut inner = self.lock();
        inner.hits += 1;
        *inner.hits_by_action.entry(action.to_string()).or_insert(0) += 1;
        let index = inner.faults.iter().position(|f| f.matches(action))?;
        let fault = inner.faults.get_mut(index)?;
        let kind = fault.kind.clone();
        fault.times = fault.times.saturating_sub(1);
        if fault.times == 0 {
            inner.faults.remove(index);
        }
        Some(kind)
    }

    /// The emulator's clock: the real one plus the offset.
    pub(crate) fn now(&self) -> SystemTime {
        shift(SystemTime::now(), self.lock().clock_offset_secs)
    }

    pub(crate) fn clock_offset(&self) -> i64 {
        self.lock().clock_offset_secs
    }

    pub(crate) fn set_clock_offset(&self, secs: i64) {
        self.lock().clock_offset_secs = secs;
    }

    pub(crate) fn rate_limit(&self) -> f64 {
        self.lock().bucket.rate()
    }

    pub(crate) fn set_rate_limit(&self, rate: f64) {
        self.lock().bucket = TokenBucket::new(rate, Instant::now());
    }

    pub(crate) fn take_rate_token(&self) -> bool {
        self.lock().bucket.try_take(Instant::now())
    }

    pub(crate) fn place(&self, call: PlacedCall, session: Session) {
        let mut inner = self.lock();
        inner.sessions.insert(call.session_id.clone(), session);
        inner.calls.push(call);
    }

    pub(crate) fn session(&self, session_id: &str) -> Option<Session> {
        self.lock().sessions.get(session_id).cloned()
    }

    /// Mark a session finished now (if it was not already); false if there is no such session.
    pub(crate) fn hang_up(&self, session_id: &str, sdk_app_id: u64) -> bool {
        let mut inner = self.lock();
        match inner.sessions.get_mut(session_id) {
            Some(s) if s.sdk_app_id == sdk_app_id => {
                s.hung_up.get_or_insert_with(Instant::now);
                true
            }
            _ => false,
        }
    }

    pub(crate) fn calls(&self) -> Vec<PlacedCall> {
        self.lock().calls.clone()
    }

    pub(crate) fn hits(&self) -> u64 {
        self.lock().hits
    }

    pub(crate) fn hits_for(&self, action: &str) -> u64 {
        self.lock().hits_by_action.get(action).copied().unwrap_or(0)
    }

    pub(crate) fn hits_by_action(&self) -> BTreeMap<String, u64> {
        self.lock().hits_by_action.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    pub(crate) fn inject(&self, fault: Fault) {
        self.lock().faults.push_back(fault);
    }

    pub(crate) fn pending_faults(&self) -> Vec<Fault> {
        self.lock().faults.iter().cloned().collect()
    }

    /// Forget calls, counters, faults and sessions, and refill the rate-limit bucket. The clock offset
    /// and the rate itself are settings and stay.
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        inner.calls.clear();
        inner.hits = 0;
        inner.hits_by_action.clear();
        inner.faults.clear();
        inner.sessions.clear();
        let rate = inner.bucket.rate();
        inner.bucket = TokenBucket::new(rate, Instant::now());
    }
}

pub(crate) fn shift(t: SystemTime, secs: i64) -> SystemTime {
    let d = Duration::from_secs(secs.unsigned_abs());
    let shifted = if secs >= 0 { t.checked_add(d) } else { t.checked_sub(d) };
    shifted.unwrap_or(t)
}

pub(crate) fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

pub(crate) fn unix_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)).unwrap_or(0)
}
