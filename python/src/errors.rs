//! Core errors -> instances of the pure-Python exception classes in `ccc_aicall._exceptions`.

use crate::convert;
use crate::follow::CallAttempt;
use ccc_aicall::{Error, ErrorKind, FieldErrorKind, KeyCase};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

static EXCEPTIONS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn exceptions(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    EXCEPTIONS.get_or_try_init(py, || py.import("ccc_aicall._exceptions").map(Bound::unbind)).map(|m| m.bind(py))
}

/// The exception class for an error kind (`ErrorKind` is non-exhaustive: new kinds get the base class).
fn class_name(error: &Error) -> &'static str {
    if let Error::KeyPending { .. } = error.inner() {
        return "IdempotencyKeyPendingError";
    }
    match error.kind() {
        ErrorKind::Validation => "ValidationError",
        ErrorKind::Config => "ConfigurationError",
        ErrorKind::Authentication => "AuthenticationError",
        ErrorKind::RateLimited => "RateLimitError",
        ErrorKind::InvalidRequest => "InvalidRequestError",
        ErrorKind::CallRejected => "CallRejectedError",
        ErrorKind::InternalServer => "InternalServerError",
        ErrorKind::Connection => "ApiConnectionError",
        ErrorKind::Timeout => "ApiTimeoutError",
        ErrorKind::OutcomeUnknown => "OutcomeUnknownError",
        ErrorKind::CallNotLive => "CallNotLiveError",
        ErrorKind::WaitTimedOut => "WaitTimeoutError",
        ErrorKind::StoreUnavailable => "StoreUnavailableError",
        // Picks the platform's error for the reason (FileNotFoundError, PermissionError, OSError).
        ErrorKind::Io => "_file_error",
        _ => "CccError",
    }
}

fn field_kind(kind: FieldErrorKind) -> &'static str {
    match kind {
        FieldErrorKind::Missing => "missing",
        FieldErrorKind::Unknown => "unknown",
        FieldErrorKind::Invalid => "invalid",
    }
}

/// The Python exception for a core error, fields and messages spelled in snake_case.
pub fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    build(py, error).unwrap_or_else(|failed| failed)
}

fn build(py: Python<'_>, error: &Error) -> Result<PyErr, PyErr> {
    let module = exceptions(py)?;
    let kwargs = PyDict::new(py);
    if error.kind() == ErrorKind::Validation {
        let problem = module.getattr("FieldProblem")?;
        let problems = PyList::empty(py);
        for e in error.field_errors() {
            problems.append(problem.call1((
                e.field(KeyCase::Snake),
                e.message_in(KeyCase::Snake),
                field_kind(e.kind),
            ))?)?;
        }
        kwargs.set_item("errors", problems)?;
    }
    if let Some(io_kind) = error.io_kind() {
        // The reason's name (`NotFound`, `PermissionDenied`); Python turns it into the platform's errno.
        kwargs.set_item("io_kind", format!("{io_kind:?}"))?;
        kwargs.set_item("filename", error.path().map(|p| p.as_os_str()).filter(|p| !p.is_empty()))?;
    }
    kwargs.set_item("kind", error.kind().as_str())?;
    // The service's own message for API errors; otherwise the description, with snake_case field names.
    kwargs.set_item("message", error.detail_in(KeyCase::Snake))?;
    kwargs.set_item("code", error.code())?;
    kwargs.set_item("request_id", error.request_id())?;
    kwargs.set_item("http_status", error.http_status())?;
    kwargs.set_item("outcome_unknown", error.outcome_unknown())?;
    kwargs.set_item("timed_out", error.timed_out())?;
    if let Error::WaitTimedOut { session_id, last_status } = error.inner() {
        kwargs.set_item("session_id", session_id)?;
        kwargs.set_item("last_status", last_status)?;
    }
    if let Error::KeyPending { key, in_flight } = error.inner() {
        kwargs.set_item("idempotency_key", key)?;
        kwargs.set_item("in_flight", in_flight)?;
    }
    let instance = module.getattr(class_name(error))?.call((error.message_in(KeyCase::Snake),), Some(&kwargs))?;
    if let Some(attempt) = error.attempt() {
        // The call it may have placed, for reading and, kept whole, for `reconcile`.
        instance.setattr("sdk_app_id", attempt.sdk_app_id)?;
        instance.setattr("callee", &attempt.callee)?;
        instance.setattr("sent_at", convert::utc_datetime(py, attempt.sent_at)?)?;
        instance.setattr("_attempt", Bound::new(py, CallAttempt(attempt.clone()))?)?;
    }
    Ok(PyErr::from_value(instance))
}

/// The core's field problems (from building a request) as a `ValidationError`.
pub fn validation(py: Python<'_>, problems: Vec<ccc_aicall::FieldError>) -> PyErr {
    to_py(py, &Error::Validation(problems))
}
