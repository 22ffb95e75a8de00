//! Whether a call's request has left, for a caller that may drop the call's future at any moment (a Python task
//! cancelled by `asyncio.timeout`): only the client knows when the request leaves, and the caller must learn it
//! without a race against it.
//!
//! The caller and the client settle it on one atomic: the client marks the request sent right before it leaves,
//! unless the caller has given the call up; the caller, giving it up, learns whether it had been sent, and after
//! that no request leaves.

use crate::error::Error;
use crate::outcome::CallAttempt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

/// A request is on its way (set right before it leaves; cleared when its attempt failed in a way that proves the
/// service did not act on it, so that a cancel during the backoff before a retry is a cancel before sending).
const SENT: u8 = 1;
/// The caller gave the call up: no request leaves after this.
const ABANDONED: u8 = 2;

/// Shared by a caller and one call of [`crate::Client::create_ai_call_latched`].
#[derive(Debug, Default)]
pub struct SendLatch(AtomicU8, Mutex<Option<CallAttempt>>);

impl SendLatch {
    pub const fn new() -> Self {
        SendLatch(AtomicU8::new(0), Mutex::new(None))
    }

    /// The call the request places (its send time is set as it leaves), for the error of [`SendLatch::abandon`].
    pub(crate) fn describe(&self, attempt: CallAttempt) {
        *self.1.lock().unwrap_or_else(|p| p.into_inner()) = Some(attempt);
    }

    fn sent_now(&self) {
        if let Some(a) = self.1.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            a.sent_at = SystemTime::now();
        }
    }

    /// Give the call up (its future is being dropped): no request leaves after this. The error says what became of
    /// the call: `Error::Cancelled { sent: true }` (kind `OutcomeUnknown`) when a request had left and the service
    /// may have acted on it, `Error::Cancelled { sent: false }` when nothing that may have acted was sent.
    pub fn abandon(&self) -> Error {
        let before = self.0.fetch_or(ABANDONED, Ordering::AcqRel);
        let error = Error::Cancelled { sent: before & SENT != 0 };
        match self.1.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            Some(attempt) => error.with_attempt(attempt),
            None => error,
        }
    }

    /// Right before a request leaves: false, and nothing may be sent, when the caller has given the call up.
    pub(crate) fn depart(&self) -> bool {
        let departs = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| (s & ABANDONED == 0).then_some(s | SENT))
            .is_ok();
        if departs {
            self.sent_now();
        }
        departs
    }

    /// The attempt failed and the service certainly did not act on it.
    pub(crate) fn not_acted(&self) {
        self.0.fetch_and(!SENT, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_given_up_before_sending_never_sends() {
        let latch = SendLatch::new();
        assert!(matches!(latch.abandon(), Error::Cancelled { sent: false }));
        assert!(!latch.depart());
    }

    #[test]
    fn a_call_given_up_after_sending_may_have_been_placed() {
        let latch = SendLatch::new();
        assert!(latch.depart());
        let e = latch.abandon();
        assert!(matches!(e, Error::Cancelled { sent: true }) && e.outcome_unknown(), "{e:?}");
        latch.not_acted();
        assert!(!latch.depart(), "no retry leaves after the call was given up");
    }

    #[test]
    fn an_attempt_the_service_did_not_act_on_is_not_a_send() {
        let latch = SendLatch::new();
        assert!(latch.depart());
        latch.not_acted();
        assert!(matches!(latch.abandon(), Error::Cancelled { sent: false }));
    }

    /// The caller's abandon and the client's departure race on two threads: whatever wins, the caller's answer is
    /// right (sent exactly when the departure went through).
    #[test]
    fn abandon_and_departure_agree_under_a_race() {
        for _ in 0..2000 {
            let latch = std::sync::Arc::new(SendLatch::new());
            let other = latch.clone();
            let departed = std::thread::spawn(move || other.depart());
            let sent = matches!(latch.abandon(), Error::Cancelled { sent: true });
            assert_eq!(departed.join().unwrap(), sent);
        }
    }
}
