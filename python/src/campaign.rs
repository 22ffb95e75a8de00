//! Campaigns: the conversions behind `Client.create_ai_calls` and `read_calls_csv`. The core runs the campaign;
//! this turns its outcomes into the pure-Python `CampaignItem` / `CampaignReport` of `ccc_aicall._campaign`
//! (errors as the usual exception instances) and calls the progress callable from the core's worker threads.

use crate::{convert, errors, outcome, runtime};
use ccc_aicall::campaign::csv::{call_from_texts as core_call_from_texts, read_calls_csv as core_read_calls_csv};
use ccc_aicall::campaign::shared::CampaignStatus;
use ccc_aicall::campaign::{DEFAULT_CONCURRENCY, DEFAULT_REFUSED_RETRIES, DEFAULT_WAIT_TIMEOUT};
use ccc_aicall::{
    CampaignOptions, CampaignReport, CancellationToken, CountryCode, Error, ItemOutcome, ItemStatus, KeyCase, Tally,
};
use pyo3::exceptions::PyRuntimeError;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDateTime, PyDict, PyList, PyTzInfo};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::watch;

static CLASSES: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    CLASSES.get_or_try_init(py, || py.import("ccc_aicall._campaign").map(Bound::unbind)).map(|m| m.bind(py))
}

/// What a campaign does besides placing its calls: `wait` for their outcomes, and `reconcile` the journal's
/// unknowns first.
pub struct Follow<'py> {
    pub wait: bool,
    pub wait_timeout: &'py Bound<'py, PyAny>,
    pub transcript: bool,
    pub extraction: bool,
    pub reconcile: bool,
}

/// The arguments of `create_ai_calls` as the core takes them; `calls` must already be a list (the wrapper makes one).
pub struct Run {
    pub defaults: Value,
    pub calls: Vec<Value>,
    /// Where each call came from (`patients.csv line 3`; empty for a call not read from a file), when known.
    pub sources: Option<Vec<String>>,
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
        campaign: Option<String>,
        skip_invalid: bool,
        refused_retries: Option<u32>,
        default_country_code: Option<&str>,
        sources: Option<Vec<Option<String>>>,
        on_progress: Option<Py<PyAny>>,
        cancel: CancellationToken,
        follow: Follow<'_>,
    ) -> PyResult<Self> {
        let py = calls.py();
        let default_country_code = default_country_code
            .map(|code| CountryCode::parse(code, "default_country_code"))
            .transpose()
            .map_err(|e| errors::to_py(py, &e))?;
        let sources = sources.map(|sources| sources.into_iter().map(Option::unwrap_or_default).collect());
        let defaults = defaults.map(convert::to_json).transpose()?.unwrap_or(Value::Null);
        let calls = calls.iter().map(|call| convert::to_json(&call)).collect::<PyResult<Vec<_>>>()?;
        let callback_failures = Arc::new(AtomicUsize::new(0));
        let failures = callback_failures.clone();
        let on_progress = on_progress.map(|callback| -> ccc_aicall::campaign::ProgressFn {
            Arc::new(move |outcome: &ItemOutcome, tally: &Tally| {
                Python::attach(|py| progress(py, &callback, outcome, tally, &failures))
            })
        });
        let options = CampaignOptions {
            concurrency,
            journal,
            campaign,
            skip_invalid,
            refused_retries: refused_retries.unwrap_or(DEFAULT_REFUSED_RETRIES),
            on_progress,
            cancel,
            default_country_code,
            wait: follow.wait,
            wait_timeout: convert::duration(follow.wait_timeout, "wait_timeout")?,
            transcript: follow.transcript,
            extraction: follow.extraction,
            reconcile: follow.reconcile,
            ..CampaignOptions::default()
        };
        Ok(Run { defaults, calls, sources, options, callback_failures })
    }

    /// Build (and validate) every item, then run the campaign: all of it off the GIL.
    pub async fn execute(self, client: ccc_aicall::Client) -> Result<CampaignReport, Error> {
        let mut campaign = ccc_aicall::Campaign::from_values(&self.defaults, &self.calls, KeyCase::Snake);
        if let Some(sources) = self.sources {
            campaign = campaign.with_sources(sources);
        }
        client.create_ai_calls(campaign, self.options).await
    }
}

/// How an async campaign's task ended.
enum Ended {
    Ran(Result<CampaignReport, Error>),
    /// A bug: the campaign panicked (the message).
    Panicked(String),
}

/// An async campaign running on the shared runtime. Awaiting [`CampaignTask::wait`] gives its report; cancelling
/// that awaitable leaves the campaign running, so that the caller can cancel it ([`CampaignTask::cancel`]) and
/// still wait for the report of what was placed. Dropped unfinished (its coroutine was never completed), it cancels
/// the campaign.
#[pyclass(module = "ccc_aicall._native", frozen)]
pub struct CampaignTask {
    cancel: CancellationToken,
    ended: watch::Receiver<Option<Arc<Ended>>>,
    callback_failures: Arc<AtomicUsize>,
}

impl CampaignTask {
    pub fn start(run: Run, client: ccc_aicall::Client) -> Self {
        let cancel = run.options.cancel.clone();
        let callback_failures = run.callback_failures.clone();
        let (tx, ended) = watch::channel(None);
        let task = runtime::runtime().spawn(run.execute(client));
        runtime::runtime().spawn(async move {
            let outcome = match task.await {
                Ok(outcome) => Ended::Ran(outcome),
                Err(e) if e.is_panic() => Ended::Panicked(panic_message(e.into_panic())),
                Err(e) => Ended::Ran(Err(Error::Config(format!("the campaign's task ended abnormally: {e}")))),
            };
            let _ = tx.send(Some(Arc::new(outcome)));
        });
        CampaignTask { cancel, ended, callback_failures }
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast_ref::<&str>().map_or_else(|| "a panic".to_string(), |m| m.to_string()),
    }
}

#[pymethods]
impl CampaignTask {
    /// Cancel the campaign: nothing new is sent, calls waiting for their turn are not sent, calls in flight stop.
    fn cancel(&self) {
        self.cancel.cancel();
    }

    /// An awaitable of the campaign's report (or its error) once it has ended.
    fn wait<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut ended = self.ended.clone();
        let failures = self.callback_failures.clone();
        runtime::future_into_py(py, async move {
            let outcome = ended.wait_for(Option::is_some).await.ok().and_then(|ended| ended.clone());
            Python::attach(|py| {
                report_callback_failures(py, &failures);
                match outcome.as_deref() {
                    Some(Ended::Ran(Ok(report))) => self::report(py, report).map(Bound::unbind),
                    Some(Ended::Ran(Err(e))) => Err(errors::to_py(py, e)),
                    Some(Ended::Panicked(message)) => Err(PanicException::new_err(message.clone())),
                    None => Err(PanicException::new_err("the campaign's task ended without a report")),
                }
            })
        })
    }
}

impl Drop for CampaignTask {
    fn drop(&mut self) {
        self.cancel.cancel();
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

/// One finished item as a `ccc_aicall.CampaignItem`.
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
    kwargs.set_item("sent_at", o.sent_at.map(|ms| utc_datetime(py, ms)).transpose()?)?;
    kwargs.set_item("outcome", o.outcome.as_ref().map(|c| outcome::call_outcome(py, c)).transpose()?)?;
    classes(py)?.getattr("CampaignItem")?.call((), Some(&kwargs))
}

/// Unix milliseconds as a timezone-aware (UTC) `datetime`.
fn utc_datetime(py: Python<'_>, ms: u64) -> PyResult<Bound<'_, PyDateTime>> {
    PyDateTime::from_timestamp(py, ms as f64 / 1000.0, Some(&PyTzInfo::utc(py)?.to_owned()))
}

fn exception<'py>(py: Python<'py>, error: &Error) -> Bound<'py, PyAny> {
    errors::to_py(py, error).into_value(py).into_bound(py).into_any()
}

/// The core's counts: `done`, `total` and one entry per status.
fn counts<'py>(py: Python<'py>, tally: &Tally) -> PyResult<Bound<'py, PyDict>> {
    let counts = PyDict::new(py);
    counts.set_item("done", tally.done)?;
    counts.set_item("total", tally.total)?;
    counts.set_item("outcomes", tally.outcomes)?;
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
    let kwargs = PyDict::new(py);
    kwargs.set_item("requests", &report.requests)?;
    kwargs.set_item("waited", report.waited)?;
    let outcome_counts = PyDict::new(py);
    for (status, n) in report.call_statuses() {
        outcome_counts.set_item(status.as_str(), n)?;
    }
    kwargs.set_item("outcome_counts", outcome_counts)?;
    kwargs.set_item("wait_error", report.wait_error.as_ref().map(|e| exception(py, e)))?;
    classes(py)?.getattr("CampaignReport")?.call((items, counts, to_reconcile, stopped_by), Some(&kwargs))
}

/// A named campaign's status as a `ccc_aicall.CampaignStatus`: the core's record, field for field.
pub fn status<'py>(py: Python<'py>, status: &CampaignStatus) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(status).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    classes(py)?.getattr("CampaignStatus")?.call_method1("_from_core", (convert::from_json(py, &value)?,))
}

/// Read a CSV file of calls (one row per call) into dicts with snake_case keys, each with its file line and the
/// core's label for it (`patients.csv line 3`).
#[pyfunction]
fn read_calls_csv(py: Python<'_>, path: PathBuf) -> PyResult<Bound<'_, PyList>> {
    let csv = py.detach(|| core_read_calls_csv(&path, KeyCase::Snake)).map_err(|e| errors::to_py(py, &e))?;
    let rows = PyList::empty(py);
    for ((call, line), source) in csv.calls.iter().zip(&csv.lines).zip(csv.sources()) {
        rows.append((convert::from_json(py, call)?, line, source))?;
    }
    Ok(rows)
}

/// One call's keywords from `(name, text)` pairs, read as CSV columns and cells are (the command line's options).
#[pyfunction]
fn call_from_texts<'py>(py: Python<'py>, pairs: Vec<(String, String)>) -> PyResult<Bound<'py, PyAny>> {
    let call = core_call_from_texts(pairs.iter().map(|(n, t)| (n.as_str(), t.as_str())), KeyCase::Snake);
    convert::from_json(py, &call)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_calls_csv, m)?)?;
    m.add_function(wrap_pyfunction!(call_from_texts, m)?)?;
    m.add("CAMPAIGN_CONCURRENCY", DEFAULT_CONCURRENCY)?;
    m.add("CAMPAIGN_WAIT_TIMEOUT", DEFAULT_WAIT_TIMEOUT.as_secs_f64())
}
