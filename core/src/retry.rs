//! The retry decision, as a pure function of (error, attempt). Table-tested.
//!
//! CreateAICall has no idempotency token: a request that may have reached the service may have dialled a person.
//! So the client retries only what the one rule of [`Error::resend`] calls [`Resend::Soon`]: the service certainly
//! did not act and a short backoff can help, i.e. requests that never reached the service (DNS, connect or TLS
//! failures) and the per-second rate limit (`RequestLimitExceeded*`). Refusals worth another try only after
//! seconds (`AIConcurrentOverFrequency`) are left to the campaign.
//! `AuthFailure.SignatureExpire` is handled apart: the client corrects its clock once and re-signs.

use crate::error::{Error, Resend};
use std::time::Duration;

pub const BASE_DELAY: Duration = Duration::from_millis(100);
pub const MAX_DELAY: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Give the error to the caller.
    Fail,
    /// Sign afresh and send again after the delay (already jittered).
    RetryAfter(Duration),
}

/// Whether an error may be retried at all, whatever the attempt.
pub fn retryable(error: &Error) -> bool {
    error.resend() == Resend::Soon
}

/// `attempt` is the number of attempts already made (1 after the first). `jitter` is in [0, 1).
pub fn decide(error: &Error, attempt: u32, max_retries: u32, jitter: f64) -> Decision {
    if !retryable(error) || attempt > max_retries {
        return Decision::Fail;
    }
    Decision::RetryAfter(backoff(attempt, jitter))
}

/// Exponential backoff with "equal jitter": half the window fixed, half random, capped.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let window = BASE_DELAY.saturating_mul(1u32 << attempt.saturating_sub(1).min(16)).min(MAX_DELAY);
    let half = window / 2;
    half + half.mul_f64(jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str) -> Error {
        Error::Api { code: code.into(), message: String::new(), request_id: "r".into(), http_status: 200 }
    }
    fn unknown() -> Error {
        Error::OutcomeUnknown { reason: "timeout".into(), request_id: None, http_status: None, timed_out: true }
    }

    #[test]
    fn table() {
        let rows: Vec<(Error, bool)> = vec![
            (Error::Connection("refused".into()), true),
            (Error::Timeout("connect".into()), true),
            (api("RequestLimitExceeded"), true),
            (api("RequestLimitExceeded.UinLimitExceeded"), true),
            (unknown(), false),
            (api("InternalError"), false),
            (api("AuthFailure.SignatureFailure"), false),
            (api("AuthFailure.SignatureExpire"), false),
            (api("FailedOperation.CallOutFailed"), false),
            (api("FailedOperation.AIConcurrentOverFrequency"), false),
            (api("InvalidParameterValue"), false),
            (Error::Validation(vec![]), false),
            (Error::Config("x".into()), false),
            (Error::Cancelled { sent: false }, false),
            (Error::Cancelled { sent: true }, false),
            (api("FailedOperation.SomethingNew"), false),
            (api("IpNotInWhitelist"), false),
        ];
        for (err, expect) in rows {
            let d = decide(&err, 1, 2, 0.5);
            assert_eq!(matches!(d, Decision::RetryAfter(_)), expect, "{err:?}");
        }
    }

    #[test]
    fn attempts_are_bounded() {
        let e = Error::Connection("refused".into());
        assert!(matches!(decide(&e, 2, 2, 0.0), Decision::RetryAfter(_)));
        assert_eq!(decide(&e, 3, 2, 0.0), Decision::Fail);
        assert_eq!(decide(&e, 1, 0, 0.0), Decision::Fail);
    }

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        assert_eq!(backoff(1, 0.0), Duration::from_millis(50));
        assert_eq!(backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(backoff(2, 0.0), Duration::from_millis(100));
        assert_eq!(backoff(3, 0.5), Duration::from_millis(300));
        assert_eq!(backoff(30, 1.0), MAX_DELAY);
    }
}
