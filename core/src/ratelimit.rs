//! The client-side request-rate limiters: one per action, each with its own budget.
//!
//! Smooth spacing rather than a bucket with a burst: a request leaves no sooner than one interval after the previous
//! one of the same action left, so a server-side token bucket at the same rate never sees more than it allows.
//!
//! Callers queue on a FIFO-fair async lock (fair under concurrency; thousands of waiters cost only memory). Only the
//! caller at the head of the queue computes its instant, from the moment the previous request actually left, so a
//! caller cancelled while queued leaves nothing behind. The head holds the lock, its [`Permit`], through the work
//! that must come right before sending (the campaign journal's fsync) and stamps the instant its request leaves
//! with [`Permit::sent`]: that instant is the reference for the next request. A permit dropped without being
//! stamped (cancelled, the journal failed) consumes nothing.
//!
//! Budgets: the client's `rate_limit` is CreateAICall's budget and caps every other action's, each of which also
//! stays within its own documented limit ([`budget`]). Polling `DescribeTelSession` therefore never delays dialling.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::MutexGuard;
use tokio::time::Instant;

/// The action whose budget is the client's `rate_limit` itself.
pub const CREATE_AI_CALL: &str = "CreateAICall";

/// The documented request rate of each action, per second. Every action the service documents a limit for allows
/// 20 requests per second (each action's API page states it).
const DOCUMENTED_RATES: [(&str, f64); 11] = [
    ("CreateAICall", 20.0),
    ("DescribeTelSession", 20.0),
    ("DescribeTelCdr", 20.0),
    ("DescribeTelRecordAsr", 20.0),
    ("DescribeAICallExtractResult", 20.0),
    ("DescribeSessionDetail", 20.0),
    ("DescribeAICallInteractionRecords", 20.0),
    ("HangUpCall", 20.0),
    ("ControlAIConversation", 20.0),
    ("TransferToManual", 20.0),
    ("DescribePSTNActiveSessionList", 20.0),
];

/// An action whose limit is not documented (or not in the table): the limit every documented action has, the
/// conservative guess.
pub const UNDOCUMENTED_RATE: f64 = 20.0;

/// The documented request rate of `action`, per second.
pub fn documented_rate(action: &str) -> f64 {
    DOCUMENTED_RATES.iter().find(|(a, _)| *a == action).map_or(UNDOCUMENTED_RATE, |(_, r)| *r)
}

/// The budget of `action` in requests per second, for a client whose `rate_limit` is `configured` (`None`: the
/// limiters are off). CreateAICall gets `configured` (an account may have a raised limit); every other action
/// gets `configured` too, but never more than its documented limit.
pub fn budget(action: &str, configured: Option<f64>) -> Option<f64> {
    let configured = configured?;
    Some(if action == CREATE_AI_CALL { configured } else { configured.min(documented_rate(action)) })
}

/// One action's limiter.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    /// When the last request left; held (FIFO-fair) by the caller whose turn it is.
    last_sent: tokio::sync::Mutex<Option<Instant>>,
}

/// The turn of one request: hold it through the work that must precede sending, then [`Permit::sent`].
#[derive(Debug)]
#[must_use = "a permit does nothing unless it is stamped with `sent()` when the request leaves"]
pub struct Permit<'a> {
    last_sent: MutexGuard<'a, Option<Instant>>,
}

impl Permit<'_> {
    /// The request leaves now: the next one waits one interval from this instant.
    pub fn sent(mut self) {
        *self.last_sent = Some(Instant::now());
    }
}

impl RateLimiter {
    /// `per_second` must be finite and positive (the configuration checks the user's value).
    pub fn new(per_second: f64) -> Self {
        RateLimiter { interval: Duration::from_secs_f64(1.0 / per_second), last_sent: tokio::sync::Mutex::new(None) }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Wait for this caller's turn: behind every caller that came first, then until one interval after the previous
    /// request left. Cancelling (dropping) the future at any point leaves the queue as if it had never come.
    pub async fn acquire(&self) -> Permit<'_> {
        let last_sent = self.last_sent.lock().await;
        if let Some(last) = *last_sent {
            tokio::time::sleep_until(last + self.interval).await;
        }
        Permit { last_sent }
    }
}

/// The limiters of one client, one per action, made on first use.
#[derive(Debug)]
pub struct Limiters {
    configured: Option<f64>,
    by_action: Mutex<HashMap<String, Arc<RateLimiter>>>,
}

impl Limiters {
    /// `configured`: the client's `rate_limit` (`None`: every limiter off).
    pub fn new(configured: Option<f64>) -> Self {
        Limiters { configured, by_action: Mutex::new(HashMap::new()) }
    }

    /// The limiter of `action`, or `None` when limiting is off.
    pub fn for_action(&self, action: &str) -> Option<Arc<RateLimiter>> {
        let rate = budget(action, self.configured)?;
        let mut map = self.by_action.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(limiter) = map.get(action) {
            return Some(limiter.clone());
        }
        let limiter = Arc::new(RateLimiter::new(rate));
        map.insert(action.to_string(), limiter.clone());
        Some(limiter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Take turns the way the client does: acquire, the before-send work, stamp.
    async fn send(rl: &RateLimiter, before_send: Duration) -> Instant {
        let permit = rl.acquire().await;
        tokio::time::sleep(before_send).await;
        permit.sent();
        Instant::now()
    }

    #[tokio::test(start_paused = true)]
    async fn sends_are_spaced_by_the_interval() {
        let rl = RateLimiter::new(20.0);
        let t0 = Instant::now();
        for i in 0..5u32 {
            assert_eq!(send(&rl, Duration::ZERO).await - t0, Duration::from_millis(50) * i);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn idle_time_is_not_banked_as_burst() {
        let rl = RateLimiter::new(10.0);
        let t0 = Instant::now();
        send(&rl, Duration::ZERO).await;
        tokio::time::sleep(Duration::from_secs(10)).await;
        let later = Instant::now();
        assert_eq!(send(&rl, Duration::ZERO).await, later);
        assert_eq!(send(&rl, Duration::ZERO).await, later + Duration::from_millis(100));
        assert!(later - t0 >= Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn a_permit_dropped_without_sending_consumes_nothing() {
        let rl = RateLimiter::new(1.0);
        let t0 = Instant::now();
        drop(rl.acquire().await);
        drop(rl.acquire().await);
        assert_eq!(send(&rl, Duration::ZERO).await, t0, "nothing was sent before: no wait");
    }

    #[tokio::test(start_paused = true)]
    async fn callers_cancelled_while_queued_leave_no_wait_behind() {
        let rl = Arc::new(RateLimiter::new(20.0));
        send(&rl, Duration::ZERO).await;
        let mut waiting = tokio::task::JoinSet::new();
        for _ in 0..1000 {
            let rl = rl.clone();
            waiting.spawn(async move { send(&rl, Duration::ZERO).await });
        }
        // Let every one of them queue, then cancel them all (a timeout, a Ctrl-C), before the first one's turn.
        tokio::time::sleep(Duration::from_millis(1)).await;
        waiting.abort_all();
        while waiting.join_next().await.is_some() {}
        let start = Instant::now();
        send(&rl, Duration::ZERO).await;
        assert!(start.elapsed() <= rl.interval(), "waited {:?} for phantom reservations", start.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn spacing_is_measured_from_the_moment_of_sending() {
        // Before-send work of 0 to 40 ms (a journal fsync): no two requests leave closer than the interval.
        let rl = Arc::new(RateLimiter::new(20.0));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..40u64 {
            let rl = rl.clone();
            tasks.spawn(async move { send(&rl, Duration::from_millis((i * 17) % 41)).await });
        }
        let mut times = tasks.join_all().await;
        times.sort();
        for w in times.windows(2) {
            assert!(w[1] - w[0] >= rl.interval(), "{:?} apart", w[1] - w[0]);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_waiters_are_spread_over_time() {
        let rl = Arc::new(RateLimiter::new(20.0));
        let start = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..40 {
            let rl = rl.clone();
            tasks.spawn(async move { send(&rl, Duration::ZERO).await - start });
        }
        let mut times = tasks.join_all().await;
        times.sort();
        // 40 requests at 20/s take 1.95 s: no two within one interval.
        assert!(times.windows(2).all(|w| w[1] - w[0] >= Duration::from_millis(50)));
        assert!(times[39] >= Duration::from_millis(1950));
    }

    #[test]
    fn budgets_per_action() {
        assert_eq!(budget("CreateAICall", Some(20.0)), Some(20.0));
        assert_eq!(budget("CreateAICall", Some(100.0)), Some(100.0), "a raised account limit is the user's to set");
        assert_eq!(budget("DescribeTelSession", Some(100.0)), Some(20.0), "never above the documented limit");
        assert_eq!(budget("DescribeTelSession", Some(5.0)), Some(5.0));
        assert_eq!(budget("SomeFutureAction", Some(50.0)), Some(UNDOCUMENTED_RATE));
        assert_eq!(budget("CreateAICall", None), None);
        assert_eq!(budget("DescribeTelCdr", None), None);
    }

    #[tokio::test(start_paused = true)]
    async fn each_action_has_its_own_limiter() {
        let limiters = Limiters::new(Some(1.0));
        let create = limiters.for_action("CreateAICall").unwrap();
        assert!(Arc::ptr_eq(&create, &limiters.for_action("CreateAICall").unwrap()));
        let t0 = Instant::now();
        send(&create, Duration::ZERO).await;
        let describe = limiters.for_action("DescribeTelSession").unwrap();
        assert_eq!(send(&describe, Duration::ZERO).await, t0, "a poll does not wait for the call's budget");
        assert!(Limiters::new(None).for_action("CreateAICall").is_none());
    }
}
