//! Test-only triggers: a Rust panic on the paths real calls take (the shared runtime's `block_on` with the GIL
//! released, and an awaitable on that runtime), to show that a panic reaches Python as an exception
//! (`pyo3_runtime.PanicException`, `pyo3_async_runtimes.RustPanic`) and never aborts the interpreter.
//! (pyo3-async-runtimes 0.30 words the latter "rust future panicked: unknown error": it downcasts the panic's
//! `Box` rather than its payload, so the message is lost; the exception is still raised.)
//! Private names (`_native._panic_for_test`); not part of the API.

use crate::runtime;
use pyo3::prelude::*;

fn boom() -> PyResult<()> {
    panic!("ccc-aicall test-only panic")
}

/// Panic inside a blocking call, on the runtime, with the GIL released.
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<()> {
    let cancel = ccc_aicall::CancellationToken::new();
    match runtime::block_on(py, &cancel, async { boom() }) {
        runtime::Blocked::Done(result) => result,
        runtime::Blocked::Interrupted(interrupt, _) => Err(interrupt),
    }
}

/// An awaitable whose Rust future panics on the runtime.
#[pyfunction]
fn _panic_for_test_async(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    runtime::future_into_py(py, async { boom() })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test_async, m)?)
}
