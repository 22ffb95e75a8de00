//! Test-only triggers: a Rust panic on the two paths real calls take (a synchronous `#[napi]` function, and a
//! future on napi's tokio runtime behind a Promise), to show that a panic reaches JavaScript as an `Error`
//! (a thrown one, a rejected Promise) and never aborts the process. Not exported by `index.js`.
//!
//! napi-rs catches a panicking future itself (the Promise rejects). A synchronous function is only guarded
//! with `#[napi(catch_unwind)]`: without it a panic unwinds into the `extern "C"` callback and the process
//! aborts. Every synchronous entry point of the binding carries that attribute.

use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;

fn boom() -> napi::Result<()> {
    panic!("ccc-aicall test-only panic")
}

/// Panic synchronously; throws.
#[napi(catch_unwind)]
pub fn panic_for_test() -> napi::Result<()> {
    boom()
}

/// Panic inside a future on the runtime; the Promise rejects.
#[napi(catch_unwind, ts_return_type = "Promise<void>")]
pub fn panic_for_test_async(env: &Env) -> napi::Result<PromiseRaw<'_, ()>> {
    env.spawn_future(async { boom() })
}
