//! The client-side request-rate limiter.
//!
//! Smooth spacing rather than a bucket with a burst: each request reserves the next free slot, one interval after
//! the previous one, so a server-side token bucket at the same rate never sees more than it allows. Reservations
//! are handed out in arrival order under a lock, which makes the limiter fair under concurrency, and the wait is
//! an async sleep, so thousands of waiting calls cost nothing but memory.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// `per_second` must be finite and positive.
    pub fn new(per_second: f64) -> Self {
        RateLimiter { interval: Duration::from_secs_f64(1.0 / per_second), next: Mutex::new(None) }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Reserve the next slot and return when it starts. Pure bookkeeping; no waiting.
    pub fn reserve(&self, now: Instant) -> Instant {
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let slot = match *next {
            Some(n) if n > now => n,
            _ => now,
        };
        *next = Some(slot + self.interval);
        slot
    }

    /// Wait for this caller's slot.
    pub async fn acquire(&self) {
        let slot = self.reserve(Instant::now());
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_by_the_interval() {
        let rl = RateLimiter::new(20.0);
        let t0 = Instant::now();
        let slots: Vec<Instant> = (0..5).map(|_| rl.reserve(t0)).collect();
        for (i, s) in slots.iter().enumerate() {
            assert_eq!(*s - t0, Duration::from_millis(50) * i as u32);
        }
    }

    #[test]
    fn idle_time_is_not_banked_as_burst() {
        let rl = RateLimiter::new(10.0);
        let t0 = Instant::now();
        rl.reserve(t0);
        let later = t0 + Duration::from_secs(10);
        assert_eq!(rl.reserve(later), later);
        assert_eq!(rl.reserve(later), later + Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_waiters_are_spread_over_time() {
        let rl = std::sync::Arc::new(RateLimiter::new(20.0));
        let start = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..40 {
            let rl = rl.clone();
            handles.push(tokio::spawn(async move {
                rl.acquire().await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for h in handles {
            times.push(h.await.unwrap() - start);
        }
        times.sort();
        // 40 requests at 20/s take 1.95 s of slots: no two within one interval.
        assert!(times.windows(2).all(|w| w[1] - w[0] >= Duration::from_millis(50)));
        assert!(times[39] >= Duration::from_millis(1950));
    }
}
