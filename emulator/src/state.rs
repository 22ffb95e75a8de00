//! Everything the emulator remembers, behind one std mutex that is never held across an await.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::{Credential, EmulatorConfig};
use crate::fault::{Fault, FaultKind};
use crate::push::Pushes;
use crate::ratelimit::TokenBucket;
use crate::script::{callee_key, CallScript, HangupSide, Plan, Role};

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

/// A session the emulator created: who was called, the plan it follows, and what was done to it since.
/// Times are milliseconds after placement (`created`); `created_ms` anchors them on the emulator's clock.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub sdk_app_id: u64,
    pub callee: String,
    pub caller: String,
    pub created: Instant,
    /// Placement on the emulator's clock (offset included), Unix milliseconds.
    pub created_ms: i64,
    pub plan: Plan,
    /// An end earlier than the plan's (HangUpCall, a `StopAfterPlay` push).
    pub cut: Option<Cut>,
    pub pushes: Vec<Push>,
    pub transfers: Vec<Transfer>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cut {
    pub at_ms: u64,
    pub end_status: i64,
    pub side: HangupSide,
}

/// One accepted ControlAIConversation command.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Push {
    pub at_ms: u64,
    pub command: String,
    /// `ServerPushText.Text` or `InvokeLLM.Content`; `None` for pushed audio.
    pub text: Option<String>,
    pub stop_after_play: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Transfer {
    pub at_ms: u64,
    pub skill_group_id: u64,
}

/// How long a pushed text takes to say, in the transcript and before a `StopAfterPlay` ends the call.
pub(crate) const PUSH_PLAY_MS: u64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Ringing,
    InProgress,
    Finished,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Ringing => "ringing",
            Status::InProgress => "inProgress",
            Status::Finished => "finished",
        }
    }
}

/// One sentence of the transcript as it happened: milliseconds after placement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sentence {
    pub start_ms: u64,
    pub end_ms: u64,
    pub role: Role,
    pub text: String,
}

impl Session {
    pub(crate) fn elapsed_ms(&self, now: Instant) -> u64 {
        u64::try_from(now.saturating_duration_since(self.created).as_millis()).unwrap_or(u64::MAX)
    }

    /// When it ends (or ended): the cut if any, else ring (+ talk for an answered call).
    pub(crate) fn end_ms(&self) -> u64 {
        self.cut.map_or(self.plan.ring_ms.saturating_add(self.plan.talk_ms), |c| c.at_ms)
    }

    /// Answered: the plan answers and no cut came while it rang.
    pub(crate) fn answered(&self) -> bool {
        self.plan.answered() && self.cut.map_or(true, |c| c.at_ms >= self.plan.ring_ms)
    }

    pub(crate) fn end_status(&self) -> i64 {
        self.cut.map_or(self.plan.end_status, |c| c.end_status)
    }

    pub(crate) fn hangup_side(&self) -> HangupSide {
        self.cut.map_or(self.plan.hangup_side, |c| c.side)
    }

    pub(crate) fn status(&self, now: Instant) -> Status {
        let t = self.elapsed_ms(now);
        if t >= self.end_ms() {
            Status::Finished
        } else if self.plan.answered() && t >= self.plan.ring_ms {
            Status::InProgress
        } else {
            Status::Ringing
        }
    }

    /// Whether what appears `delay_ms` after the end (record, transcript, extraction) is there at `now`.
    pub(crate) fn available(&self, now: Instant, delay_ms: u64) -> bool {
        self.elapsed_ms(now) >= self.end_ms().saturating_add(delay_ms)
    }

    /// Unix seconds (emulator clock) of a moment `at_ms` after placement, rounded down like every service
    /// timestamp.
    pub(crate) fn unix_secs_at(&self, at_ms: u64) -> i64 {
        self.unix_ms_at(at_ms).div_euclid(1000)
    }

    pub(crate) fn unix_ms_at(&self, at_ms: u64) -> i64 {
        self.created_ms.saturating_add(i64::try_from(at_ms).unwrap_or(i64::MAX))
    }

    /// The transcript as spoken: the script's turns spread evenly over the planned talk time, and the texts
    /// pushed with ControlAIConversation as AI turns at the moment they were pushed; in time order, cut off at
    /// the end of the call.
    pub(crate) fn sentences(&self) -> Vec<Sentence> {
        if !self.answered() {
            return Vec::new();
        }
        let (start, end) = (self.plan.ring_ms, self.end_ms());
        let n = u64::try_from(self.plan.transcript.len()).unwrap_or(1).max(1);
        let slot = self.plan.talk_ms / n;
        let mut out: Vec<Sentence> = self
            .plan
            .transcript
            .iter()
            .zip(0u64..)
            .map(|(turn, i)| Sentence {
                start_ms: start + i * slot,
                end_ms: (start + (i + 1) * slot).min(end),
                role: turn.role,
                text: turn.text.clone(),
            })
            .filter(|s| s.start_ms < end)
            .collect();
        let said = self.pushes.iter().filter(|p| p.command == "ServerPushText");
        out.extend(said.filter_map(|p| {
            Some(Sentence {
                start_ms: p.at_ms,
                end_ms: (p.at_ms + PUSH_PLAY_MS).min(end),
                role: Role::Ai,
                text: p.text.clone()?,
            })
        }));
        out.sort_by_key(|s| s.start_ms);
        out
    }
}

/// The parts of a session the admin state shows (no request body, so no secrets).
#[derive(Debug, Serialize)]
pub(crate) struct SessionView {
    pub session_id: String,
    pub sdk_app_id: u64,
    pub callee: String,
    pub caller: String,
    pub status: &'static str,
    /// Once finished.
    pub end_status: Option<i64>,
    pub transfers: Vec<Transfer>,
    pub pushes: Vec<Push>,
}

pub(crate) struct Shared {
    pub credentials: Vec<Credential>,
    pub ringing_ms: u64,
    pub talking_ms: u64,
    pub max_body_bytes: usize,
    /// Where it serves (`http://127.0.0.1:PORT`), for the URLs in its answers.
    pub base_url: String,
    /// The data-push settings and log.
    pub pushes: Pushes,
    inner: Mutex<Inner>,
}

struct Inner {
    calls: Vec<PlacedCall>,
    hits: u64,
    hits_by_action: HashMap<String, u64>,
    faults: VecDeque<Fault>,
    sessions: HashMap<String, Session>,
    /// Call scripts by callee digits ([`callee_key`]); `*` for every callee.
    scripts: BTreeMap<String, CallScript>,
    /// Requests per second, for each action alike.
    rate: f64,
    /// One bucket per action, made full on its first request (each action has its own documented limit).
    buckets: HashMap<String, TokenBucket>,
    clock_offset_secs: i64,
}

impl Shared {
    /// Not serving anywhere (the fuzz entry point): URLs name the configured address.
    pub(crate) fn new(config: &EmulatorConfig) -> Self {
        Self::serving(config, format!("http://{}:{}", config.host, config.port))
    }

    pub(crate) fn serving(config: &EmulatorConfig, base_url: String) -> Self {
        Shared {
            base_url,
            credentials: config.credentials.clone(),
            ringing_ms: config.ringing_ms,
            talking_ms: config.talking_ms,
            max_body_bytes: config.max_body_bytes,
            pushes: Pushes::default(),
            inner: Mutex::new(Inner {
                calls: Vec::new(),
                hits: 0,
                hits_by_action: HashMap::new(),
                faults: VecDeque::new(),
                sessions: HashMap::new(),
                scripts: BTreeMap::new(),
                rate: TokenBucket::new(config.rate_limit, Instant::now()).rate(),
                buckets: HashMap::new(),
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
        self.lock().rate
    }

    /// Every action's rate; every bucket starts full again.
    pub(crate) fn set_rate_limit(&self, rate: f64) {
        let mut inner = self.lock();
        inner.rate = TokenBucket::new(rate, Instant::now()).rate();
        inner.buckets.clear();
    }

    /// A token from this action's bucket.
    pub(crate) fn take_rate_token(&self, action: &str) -> bool {
        let now = Instant::now();
        let mut inner = self.lock();
        let rate = inner.rate;
        inner.buckets.entry(action.to_string()).or_insert_with(|| TokenBucket::new(rate, now)).try_take(now)
    }

    /// A new session for a call to `callee`, following the callee's script (else the `*` one, else the defaults).
    pub(crate) fn new_session(&self, sdk_app_id: u64, callee: &str, caller: &str) -> Session {
        let script = {
            let inner = self.lock();
            inner.scripts.get(&callee_key(callee)).or_else(|| inner.scripts.get("*")).cloned()
        };
        let created_ms = i64::try_from(unix_millis(self.now())).unwrap_or(i64::MAX);
        Session {
            sdk_app_id,
            callee: callee.to_string(),
            caller: caller.to_string(),
            created: Instant::now(),
            created_ms,
            plan: Plan::new(script.as_ref(), self.ringing_ms, self.talking_ms),
            cut: None,
            pushes: Vec::new(),
            transfers: Vec::new(),
        }
    }

    pub(crate) fn place(&self, call: PlacedCall, session: Session) {
        let mut inner = self.lock();
        inner.sessions.insert(call.session_id.clone(), session);
        inner.calls.push(call);
    }

    pub(crate) fn session(&self, session_id: &str) -> Option<Session> {
        self.lock().sessions.get(session_id).cloned()
    }

    /// Change a session under the lock (so that a check and its change cannot be split by another request).
    pub(crate) fn with_session<R>(&self, session_id: &str, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
        self.lock().sessions.get_mut(session_id).map(f)
    }

    /// Every session, by id.
    pub(crate) fn sessions(&self) -> Vec<(String, Session)> {
        self.lock().sessions.iter().map(|(id, s)| (id.clone(), s.clone())).collect()
    }

    /// The sessions `keep` accepts, by id; only those are copied.
    pub(crate) fn sessions_where(&self, keep: impl Fn(&str, &Session) -> bool) -> Vec<(String, Session)> {
        let inner = self.lock();
        inner.sessions.iter().filter(|(id, s)| keep(id, s)).map(|(id, s)| (id.clone(), s.clone())).collect()
    }

    pub(crate) fn session_views(&self) -> Vec<SessionView> {
        let now = Instant::now();
        let mut views: Vec<(i64, SessionView)> = self
            .sessions()
            .into_iter()
            .map(|(id, s)| {
                let status = s.status(now);
                let view = SessionView {
                    session_id: id,
                    sdk_app_id: s.sdk_app_id,
                    callee: s.callee.clone(),
                    caller: s.caller.clone(),
                    status: status.as_str(),
                    end_status: (status == Status::Finished).then(|| s.end_status()),
                    transfers: s.transfers.clone(),
                    pushes: s.pushes.clone(),
                };
                (s.created_ms, view)
            })
            .collect();
        views.sort_by(|a, b| (a.0, &a.1.session_id).cmp(&(b.0, &b.1.session_id)));
        views.into_iter().map(|(_, v)| v).collect()
    }

    /// Script calls to `callee` (any form; `*` for every callee without a script of its own).
    pub(crate) fn set_script(&self, callee: &str, script: CallScript) {
        self.lock().scripts.insert(callee_key(callee), script);
    }

    pub(crate) fn clear_scripts(&self) {
        self.lock().scripts.clear();
    }

    /// The scripts by callee digits (`*` for the default).
    pub(crate) fn scripts(&self) -> BTreeMap<String, CallScript> {
        self.lock().scripts.clone()
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

    /// Forget calls, counters, faults, sessions, scripts and the push log, and refill the rate-limit buckets. The
    /// clock offset, the rate itself and the push settings stay.
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        inner.calls.clear();
        inner.hits = 0;
        inner.hits_by_action.clear();
        inner.faults.clear();
        inner.sessions.clear();
        inner.scripts.clear();
        inner.buckets.clear();
        drop(inner);
        self.pushes.reset();
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
