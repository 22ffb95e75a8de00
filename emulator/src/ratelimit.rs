//! The service's request-rate limit: a token bucket holding `rate` tokens, refilled continuously.

use std::time::Instant;

#[derive(Debug)]
pub(crate) struct TokenBucket {
    rate: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// `rate` requests per second; 0 (or anything not positive and finite) disables the limit.
    pub(crate) fn new(rate: f64, now: Instant) -> Self {
        let rate = if rate.is_finite() && rate > 0.0 { rate } else { 0.0 };
        TokenBucket { rate, tokens: capacity(rate), last: now }
    }

    pub(crate) fn rate(&self) -> f64 {
        self.rate
    }

    /// Take one token if there is one.
    pub(crate) fn try_take(&mut self, now: Instant) -> bool {
        if self.rate == 0.0 {
            return true;
        }
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(capacity(self.rate));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A bucket smaller than one token would never let anything through.
fn capacity(rate: f64) -> f64 {
    rate.max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn burst_then_refill() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(20.0, t0);
        assert_eq!((0..25).filter(|_| b.try_take(t0)).count(), 20);
        assert!(!b.try_take(t0));
        assert!(b.try_take(t0 + Duration::from_millis(50)), "one token back after 1/20 s");
        assert!(!b.try_take(t0 + Duration::from_millis(50)));
        let later = t0 + Duration::from_secs(10);
        assert_eq!((0..25).filter(|_| b.try_take(later)).count(), 20, "capacity caps the refill");
    }

    #[test]
    fn zero_disables_and_small_rates_still_pass_one() {
        let t0 = Instant::now();
        let mut off = TokenBucket::new(0.0, t0);
        assert!((0..1000).all(|_| off.try_take(t0)));
        let mut nan = TokenBucket::new(f64::NAN, t0);
        assert!(nan.try_take(t0));
        let mut slow = TokenBucket::new(0.5, t0);
        assert!(slow.try_take(t0));
        assert!(!slow.try_take(t0 + Duration::from_secs(1)));
        assert!(slow.try_take(t0 + Duration::from_secs(2)));
    }
}
