//! The Node.js binding of ccc-aicall. Conversion only: every behaviour lives in the `ccc-aicall` core.
//!
//! The hand-written `index.js` wraps these native classes: it turns the structured error payload thrown here
//! (see `error.rs`) into typed error classes, wires `AbortSignal` to [`CancelHandle`], and keeps the caller's
//! stack. Async work runs on napi's single tokio runtime, never on the event loop.
// `#[napi]` registers items only in the cdylib: a test build (clippy --all-targets) sees them as unused.
#![cfg_attr(test, allow(dead_code))]

mod campaign;
mod cancel;
mod client;
mod error;
mod follow;
mod options;
mod push;
mod testing_hooks;

/// mimalloc: malloc/free were about a sixth of the tokio workers' CPU per call (bench/analysis.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub use cancel::CancelHandle;
pub use client::NativeClient;
pub use push::NativePushReceiver;

/// The crate's version, which is every package's of a release (node/tests/packages.test.js holds them equal).
#[napi_derive::napi(catch_unwind)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[napi_derive::module_init]
fn init() {
    ccc_aicall::logging::init_from_env();
}
