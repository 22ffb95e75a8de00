//! The core's outcome types as the pure-Python classes of `ccc_aicall._outcome` (`CallOutcome`, `Turn`,
//! `CallState`, `Reconciled`): every value as the core decided it, times as UTC `datetime`, durations as
//! `timedelta`, the service's raw answers as dicts.

use crate::convert::{self, opt_utc_datetime};
use ccc_aicall::{CallOutcome, CallState, Extracted, Reconciled, Turn};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple};

static CLASSES: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let module = CLASSES.get_or_try_init(py, || py.import("ccc_aicall._outcome").map(Bound::unbind))?;
    module.bind(py).getattr(name)
}

fn turn<'py>(py: Python<'py>, t: &Turn) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("role", t.role.as_str())?;
    kwargs.set_item("text", &t.text)?;
    kwargs.set_item("speaker", &t.speaker)?;
    kwargs.set_item("start", opt_utc_datetime(py, t.start)?)?;
    kwargs.set_item("end", opt_utc_datetime(py, t.end)?)?;
    class(py, "Turn")?.call((), Some(&kwargs))
}

fn extracted<'py>(py: Python<'py>, value: &Extracted) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Extracted::Text(s) => s.into_pyobject(py)?.into_any(),
        Extracted::Chosen(chosen) => PyList::new(py, chosen)?.into_any(),
        Extracted::Boolean(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Extracted::Number(n) => n.into_pyobject(py)?.into_any(),
        Extracted::Other(raw) => convert::from_json(py, raw)?,
    })
}

/// A core `CallOutcome` as a `ccc_aicall.CallOutcome`.
pub fn call_outcome<'py>(py: Python<'py>, o: &CallOutcome) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("session_id", &o.session_id)?;
    kwargs.set_item("sdk_app_id", o.sdk_app_id)?;
    kwargs.set_item("status", o.status.as_str())?;
    kwargs.set_item("end_status", o.end_status)?;
    kwargs.set_item("end_status_string", &o.end_status_string)?;
    kwargs.set_item("answered", o.answered)?;
    kwargs.set_item("caller", &o.caller)?;
    kwargs.set_item("callee", &o.callee)?;
    kwargs.set_item("ring_duration", o.ring_duration)?;
    kwargs.set_item("talk_duration", o.talk_duration)?;
    kwargs.set_item("started_at", opt_utc_datetime(py, o.started_at)?)?;
    kwargs.set_item("answered_at", opt_utc_datetime(py, o.answered_at)?)?;
    kwargs.set_item("ended_at", opt_utc_datetime(py, o.ended_at)?)?;
    kwargs.set_item("hangup_side", &o.hangup_side)?;
    kwargs.set_item("sys_hangup_reason", &o.sys_hangup_reason)?;
    kwargs.set_item("recording_url", &o.recording_url)?;
    let transcript = match &o.transcript {
        Some(turns) => Some(PyList::new(py, turns.iter().map(|t| turn(py, t)).collect::<PyResult<Vec<_>>>()?)?),
        None => None,
    };
    kwargs.set_item("transcript", transcript)?;
    kwargs.set_item("transcript_text", o.transcript_text())?;
    let fields = match &o.extracted {
        Some(fields) => {
            let dict = PyDict::new(py);
            for (name, value) in fields {
                dict.set_item(name, extracted(py, value)?)?;
            }
            Some(dict)
        }
        None => None,
    };
    kwargs.set_item("extracted", fields)?;
    kwargs.set_item("missing", PyTuple::new(py, &o.missing)?)?;
    kwargs.set_item("raw", convert::dict_from_json(py, &o.raw)?)?;
    class(py, "CallOutcome")?.call((), Some(&kwargs))
}

/// A core `CallState` as a `ccc_aicall.CallState`.
pub fn call_state<'py>(py: Python<'py>, s: &CallState) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("session_id", &s.session_id)?;
    kwargs.set_item("status", s.status.as_str())?;
    kwargs.set_item("finished", s.status.is_finished())?;
    kwargs.set_item("caller", &s.caller)?;
    kwargs.set_item("callee", &s.callee)?;
    kwargs.set_item("started_at", opt_utc_datetime(py, s.started_at)?)?;
    kwargs.set_item("ringing_at", opt_utc_datetime(py, s.ringing_at)?)?;
    kwargs.set_item("answered_at", opt_utc_datetime(py, s.answered_at)?)?;
    kwargs.set_item("raw", convert::dict_from_json(py, &s.raw)?)?;
    class(py, "CallState")?.call((), Some(&kwargs))
}

/// Call records as a list of `ccc_aicall.CallOutcome`.
pub fn call_outcomes<'py>(py: Python<'py>, calls: &[CallOutcome]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, calls.iter().map(|c| call_outcome(py, c)).collect::<PyResult<Vec<_>>>()?)
}

/// A core `Reconciled` as a `ccc_aicall.Reconciled`.
pub fn reconciled<'py>(py: Python<'py>, r: &Reconciled) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    let (verdict, calls, retry_after) = match r {
        Reconciled::Placed { calls } => ("placed", calls.as_slice(), None),
        Reconciled::NotPlaced => ("not_placed", &[][..], None),
        Reconciled::CannotTellYet { retry_after } => ("cannot_tell_yet", &[][..], Some(*retry_after)),
    };
    kwargs.set_item("verdict", verdict)?;
    kwargs.set_item("calls", call_outcomes(py, calls)?)?;
    kwargs.set_item("retry_after", retry_after)?;
    class(py, "Reconciled")?.call((), Some(&kwargs))
}
