//! A cancel handle that `index.js` fires from an `AbortSignal`'s `abort` event.

use ccc_aicall::CancellationToken;
use napi_derive::napi;

#[napi]
#[derive(Default)]
pub struct CancelHandle {
    pub(crate) token: CancellationToken,
}

#[napi]
impl CancelHandle {
    #[napi(constructor, catch_unwind)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Fire the core's cancellation token; the call it was given to ends as the core decides.
    #[napi(catch_unwind)]
    pub fn cancel(&self) {
        self.token.cancel();
    }
}

/// The token of an optional handle; a call without one gets a token nobody fires.
pub(crate) fn token_of(handle: Option<&CancelHandle>) -> CancellationToken {
    handle.map(|h| h.token.clone()).unwrap_or_default()
}
