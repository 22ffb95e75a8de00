//! Campaigns: the conversions behind `Client.create_ai_calls` and `read_calls_csv`. The core runs the campaign;
//! this turns its outcomes into the pure-Python `CallOutcome` / `CampaignReport` of `ccc_aicall._campaign`
//! (errors as the usual exception instances) and calls the progress callable from the core's worker threads.

use crate::{convert, errors};
use ccc_aicall::campaign::csv::read_calls_csv as core_read_calls_csv;
use ccc_aicall::campaign::DEFAULT_CONCURRENCY;
use ccc_aicall::{CampaignOptions, CampaignReport, CancellationToken, Error, ItemOutcome, ItemStatus, KeyCase, Tally};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

static CLASSES: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    CLASSES.get_or_try_init(py, || py.import("ccc_aicall._campaign").map(Bound::unbind)).map(|m| m.bind(py))
}

/// The arguments of `create_ai_calls` as the core takes them; `calls` must already be a list (the wrapper makes one).
pub struct Run {
    pub defaults: Value,
    pub calls: Vec<Value>,
    pub options: CampaignOptions,
    /// Failures of the progress callable: the first is logged with its traceback, the count at the end.
    pub callback_failures: Arc<AtomicUsize>,
}

impl Run {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        calls: &Bound<'_, PyList>,
        defaults: Option<&Bound<'_, PyAny>>,
        concurrency: usize,
        journal: Option<PathBuf>,
        skip_invalid: bool,
        refused_retries: Option<u32>,
        on_progress: Option<Py<PyAny>>,
        cancel: CancellationToken,
    ) -> PyResult<Self> {
        let defaults = defaults.map(convert::to_json).transpose()?.unwrap_or(Value::Null);
        let calls = calls.iter().map(|call| convert::to_json(&call)).collect::<PyResult<Vec<_>>>()?;
        let callback_failures = Arc::new(AtomicUsize::new(0));
        let failures = callback_failures.clone();
        let on_progress = on_progress.map(|callback| -> ccc_aicall::campaign::ProgressFn {
            Arc::new(move |outcome: &ItemOutcome, tally: &Tally| {
                Python::attach(|py| progress(py, &callback, outcome, tally, &failures))
            })
        });
        let defaults_options = CampaignOptions::default();
        let options = CampaignOptions {
            concurrency,
            journal,
            skip_invalid,
            refused_retries: refused_retries.unwrap_or(defaults_options.refused_retries),
            on_progress,
            cancel,
            ..defaults_options
        };
        Ok(Run { defaults, calls, options, callback_failures })
    }

    /// Build (and validate) every item, then run the campaign: all of it off the GIL.
    pub async fn execute(self, client: ccc_aicall::Client) -> Result<CampaignReport, Error> {
        let campaign = ccc_aicall::Campaign::from_values(&self.defaults, &self.calls, KeyCase::Snake);
        client.create_ai_calls(campaign, self.options).await
    }
}

/// Call the progress callable with one finished item, the core's running counts in its `progress`; what it raises
/// is logged (logger `ccc_aicall`), never propagated: the campaign goes on.
fn progress(py: Python<'_>, callback: &Py<PyAny>, outcome: &ItemOutcome, tally: &Tally, failures: &AtomicUsize) {
    let item = call_outcome(py, outcome).and_then(|item| {
        item.setattr("progress", counts(py, tally)?)?;
        Ok(item)
    });
    if let Err(err) = item.and_then(|item| callback.call1(py, (item,))) {
        if failures.fetch_add(1, Ordering::SeqCst) == 0 {
            log_python(py, "error", "the campaign's progress callback raised; the campaign goes on", Some(err));
        }
    }
}

/// After the campaign: how often the progress callable raised, when more than the logged first time.
pub fn report_callback_failures(py: Python<'_>, failures: &AtomicUsize) {
    let n = failures.load(Ordering::SeqCst);
    if n > 1 {
        log_python(py, "error", &format!("the campaign's progress callback raised {n} times in all"), None);
    }
}

fn log_python(py: Python<'_>, level: &str, message: &str, err: Option<PyErr>) {
    let logged = (|| -> PyResult<()> {
        let logger = py.import("logging")?.call_method1("getLogger", ("ccc_aicall",))?;
        let kwargs = PyDict::new(py);
        if let Some(err) = &err {
            kwargs.set_item("exc_info", err.value(py))?;
        }
        logger.call_method(level, (message,), Some(&kwargs)).map(drop)
    })();
    if logged.is_err() {
        if let Some(err) = err {
            err.write_unraisable(py, None);
        }
    }
}

/// One finished item as a `ccc_aicall.CallOutcome`.
fn call_outcome<'py>(py: Python<'py>, o: &ItemOutcome) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("index", o.index)?;
    kwargs.set_item("callee", &o.callee)?;
    kwargs.set_item("status", o.status.as_str())?;
    kwargs.set_item("session_id", o.result.as_ref().map(|r| r.session_id.as_str()))?;
    // The RequestId of the answer: the placed call's, or the refusal's.
    let request_id =
        o.result.as_ref().map(|r| r.request_id.as_str()).or_else(|| o.error.as_ref().and_then(Error::request_id));
    kwargs.set_item("request_id", request_id)?;
    kwargs.set_item("error", o.error.as_ref().map(|e| exception(py, e)))?;
    kwargs.set_item("outcome_unknown", o.outcome_unknown())?;
    kwargs.set_item("attempts", o.attempts)?;
    classes(py)?.getattr("CallOutcome")?.call((), Some(&kwargs))
}

fn exception<'py>(py: Python<'py>, error: &Error) -> Bound<'py, PyAny> {
    errors::to_py(py, error).into_value(py).into_bound(py).into_any()
}

/// The core's counts: `done`, `total` and one entry per status.
fn counts<'py>(py: Python<'py>, tally: &Tally) -> PyResult<Bound<'py, PyDict>> {
    let counts = PyDict::new(py);
    counts.set_item("done", tally.done)?;
    counts.set_item("total", tally.total)?;
    for (status, n) in tally.counts() {
        counts.set_item(status.as_str(), n)?;
    }
    Ok(counts)
}

/// The core's report as a `ccc_aicall.CampaignReport`.
pub fn report<'py>(py: Python<'py>, report: &CampaignReport) -> PyResult<Bound<'py, PyAny>> {
    let items = report.items.iter().map(|o| call_outcome(py, o)).collect::<PyResult<Vec<_>>>()?;
    let counts = PyDict::new(py);
    for status in ItemStatus::ALL {
        counts.set_item(status.as_str(), report.count(status))?;
    }
    let to_reconcile: Vec<usize> = report.to_reconcile().iter().map(|o| o.index).collect();
    let stopped_by = report.stopped_by.as_ref().map(|e| exception(py, e));
    classes(py)?.getattr("CampaignReport")?.call1((items, counts, to_reconcile, stopped_by))
}

/// Read a CSV file of calls (one row per call) into dicts with snake_case keys.
#[pyfunction]
fn read_calls_csv(py: Python<'_>, path: PathBuf) -> PyResult<Bound<'_, PyList>> {
    let calls = py.detach(|| core_read_calls_csv(&path, KeyCase::Snake)).map_err(|e| errors::to_py(py, &e))?;
    let list = PyList::empty(py);
    for call in &calls.calls {
        list.append(convert::from_json(py, call)?)?;
    }
    Ok(list)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_calls_csv, m)?)?;
    m.add("CAMPAIGN_CONCURRENCY", DEFAULT_CONCURRENCY)
}
