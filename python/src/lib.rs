//! `ccc_aicall._native`: the Python binding of the ccc-aicall core. Conversion only; behaviour lives in `core/`.
//!
//! The pure-Python package (`python/ccc_aicall`) wraps this module with explicit, documented signatures.

mod campaign;
mod client;
mod convert;
mod errors;
mod follow;
mod latch;
mod logging;
mod outcome;
mod push;
mod runtime;
mod testing_hooks;

use pyo3::prelude::*;

/// mimalloc: the allocations of building, signing and sending a call cost about a tenth less CPU than with the
/// system allocator (bench/analysis.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The core's description of the request model as JSON text (`ccc_aicall::request::describe`), for tools and the
/// API drift test.
#[pyfunction]
fn schema() -> String {
    ccc_aicall::request::describe().to_string()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::init(m.py())?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::AiCallResult>()?;
    m.add_class::<latch::SendLatch>()?;
    m.add_class::<campaign::CampaignTask>()?;
    m.add_class::<follow::FollowUp>()?;
    m.add_class::<follow::CallAttempt>()?;
    m.add_class::<push::PushReceiver>()?;
    let wait = ccc_aicall::WaitOptions::default();
    m.add("WAIT_TIMEOUT", wait.timeout.as_secs_f64())?;
    m.add("WAIT_POLL_INTERVAL", wait.poll_interval.as_secs_f64())?;
    m.add("WAIT_TRANSCRIPT", wait.transcript)?;
    m.add("WAIT_EXTRACTION", wait.extraction)?;
    campaign::register(m)?;
    testing_hooks::register(m)?;
    let before_exit = wrap_pyfunction!(runtime::_before_exit, m)?;
    m.py().import("atexit")?.call_method1("register", (before_exit,))?;
    m.add("PARAMETERS", client::parameter_names().to_vec())?;
    m.add_function(wrap_pyfunction!(schema, m)?)?;
    m.add("OPTIONS", ccc_aicall::config::OPTIONS.iter().map(|o| o.name).collect::<Vec<_>>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
