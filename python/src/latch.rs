//! `SendLatch`: lets `AsyncClient.create_ai_call`, when its task is cancelled, learn from the core whether the
//! request had left (the core marks it right before sending; see `ccc_aicall::SendLatch`).

use crate::errors;
use pyo3::exceptions::PyBaseException;
use pyo3::prelude::*;
use std::sync::Arc;

/// One per async call: the call's future holds the core latch, and so does this object.
#[pyclass(module = "ccc_aicall._native", frozen)]
pub struct SendLatch(pub Arc<ccc_aicall::SendLatch>);

#[pymethods]
impl SendLatch {
    #[new]
    fn new() -> Self {
        SendLatch(Arc::new(ccc_aicall::SendLatch::new()))
    }

    /// Give the call up: no request leaves after this. Returns the core's error when a request had already left
    /// (an `OutcomeUnknownError`: the call may have been placed), else None.
    fn abandon(&self, py: Python<'_>) -> Option<Py<PyBaseException>> {
        let error = self.0.abandon();
        error.outcome_unknown().then(|| errors::to_py(py, &error).into_value(py))
    }
}
