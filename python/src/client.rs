//! `Client`: the core client behind the Python `Client` and `AsyncClient` (which subclass it), and `AiCallResult`.

use crate::campaign as campaigns;
use crate::follow::{FollowUp, Followed};
use crate::latch::SendLatch;
use crate::runtime::{self, Blocked};
use crate::{convert, errors, logging};
use ccc_aicall::campaign::shared::CampaignStatus;
use ccc_aicall::config::{option, OptionType};
use ccc_aicall::{request, CallOptions, CancellationToken, ClientConfig, CreateAiCallRequest, Error, KeyCase};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;
use thread_local::ThreadLocal;

/// The 44 parameters of `CreateAICall` as Python keywords, in the API's order.
pub fn parameter_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| request::PARAMETERS.iter().map(|wire| KeyCase::Snake.key(wire)).collect())
}

/// The answer to a placed call, with what the actions that follow it need.
#[pyclass(module = "ccc_aicall", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AiCallResult {
    session_id: String,
    request_id: String,
    sdk_app_id: u64,
    callee: String,
    placed_at: SystemTime,
    extraction_configured: bool,
    replayed: bool,
}

#[pymethods]
impl AiCallResult {
    #[new]
    #[pyo3(signature = (session_id, request_id, sdk_app_id, callee, placed_at, extraction_configured=false,
                        replayed=false))]
    fn new(
        session_id: String,
        request_id: String,
        sdk_app_id: u64,
        callee: String,
        placed_at: &Bound<'_, PyAny>,
        extraction_configured: bool,
        replayed: bool,
    ) -> PyResult<Self> {
        let placed_at = convert::system_time(placed_at, "placed_at")?;
        Ok(AiCallResult { session_id, request_id, sdk_app_id, callee, placed_at, extraction_configured, replayed })
    }

    /// The session of the call: pass it to `DescribeTelSession`, `HangUpCall`, ...
    #[getter]
    fn session_id(&self) -> &str {
        &self.session_id
    }

    /// The service's RequestId, for support tickets.
    #[getter]
    fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The CCC application the call was placed in.
    #[getter]
    fn sdk_app_id(&self) -> u64 {
        self.sdk_app_id
    }

    /// The callee as sent, in the service's form (`00` and the country code).
    #[getter]
    fn callee(&self) -> &str {
        &self.callee
    }

    /// When the request that placed the call left (a timezone-aware UTC `datetime`).
    #[getter]
    fn placed_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::utc_datetime(py, self.placed_at)
    }

    /// The request configured `extract_config`: a wait for the outcome waits for the extracted fields.
    #[getter]
    fn extraction_configured(&self) -> bool {
        self.extraction_configured
    }

    /// An earlier `create_ai_call` with the same `idempotency_key` placed this call (in this process or another
    /// sharing the Redis store): this is its stored result, and nothing was sent now.
    #[getter]
    fn replayed(&self) -> bool {
        self.replayed
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "AiCallResult(session_id={}, request_id={}{})",
            PyString::new(py, &self.session_id).repr()?,
            PyString::new(py, &self.request_id).repr()?,
            if self.replayed { ", replayed=True" } else { "" }
        ))
    }

    #[allow(clippy::type_complexity)]
    fn __getnewargs__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(String, String, u64, String, Bound<'py, PyAny>, bool, bool)> {
        Ok((
            self.session_id.clone(),
            self.request_id.clone(),
            self.sdk_app_id,
            self.callee.clone(),
            self.placed_at(py)?,
            self.extraction_configured,
            self.replayed,
        ))
    }
}

impl AiCallResult {
    /// What identifies the call for the actions that follow it.
    pub fn call_ref(&self) -> ccc_aicall::CallRef {
        ccc_aicall::CallRef {
            session_id: self.session_id.clone(),
            sdk_app_id: self.sdk_app_id,
            callee: Some(self.callee.clone()),
            placed_at: Some(self.placed_at),
            extraction_configured: Some(self.extraction_configured),
        }
    }
}

/// `placed_at` to the microsecond, as the `datetime` shows it, so that a result survives a pickle unchanged (it only
/// bounds the time windows of record queries, which are in seconds).
impl From<ccc_aicall::AiCallResult> for AiCallResult {
    fn from(r: ccc_aicall::AiCallResult) -> Self {
        AiCallResult {
            session_id: r.session_id,
            request_id: r.request_id,
            sdk_app_id: r.sdk_app_id,
            callee: r.callee,
            placed_at: convert::to_micros(r.placed_at),
            extraction_configured: r.extraction_configured,
            replayed: r.replayed,
        }
    }
}

/// A configured core client, safe to share between threads.
#[pyclass(module = "ccc_aicall._native", subclass, frozen)]
pub struct Client {
    /// The process that built the core client: after `fork()` the child rebuilds it (pooled connections
    /// belong to the parent's runtime).
    inner: Mutex<(u32, ccc_aicall::Client)>,
    /// Blocking calls run on the calling thread's own current-thread runtime, with a connection pool of its own
    /// (same configuration, rate limiter and clock correction): no hand-off to a runtime thread and back per
    /// wake-up, which on the shared multi-thread runtime cost about a fifth of a sequential call's time.
    local: ThreadLocal<RefCell<Option<Local>>>,
}

struct Local {
    /// After `fork()` the child builds its own (the inherited one is leaked, as its threads and its epoll
    /// instance belong to the parent).
    pid: u32,
    /// Always `Some` until dropped (see `Drop`).
    runtime: Option<tokio::runtime::Runtime>,
    client: ccc_aicall::Client,
}

impl Local {
    fn runtime(&self) -> &tokio::runtime::Runtime {
        self.runtime.as_ref().expect("a Local's runtime is taken only when it is dropped")
    }
}

/// A `Client` may be freed on any thread holding the GIL, one of the core's runtime threads included (a progress
/// callable, a log handler, the garbage collector running there); dropping a runtime there panics, so its
/// shutdown is left to the background. Nothing runs on it between calls.
impl Drop for Local {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[pymethods]
impl Client {
    /// The keywords are `config::OPTIONS`' Python names (a test holds them equal) and go to the core as they are
    /// given, so it checks them, and names a bad one, as it does Node's.
    #[new]
    #[pyo3(signature = (*, secret_id=None, secret_key=None, token=None, region=None, endpoint=None, language=None,
                        timeout=None, connect_timeout=None, max_retries=None, rate_limit=None, proxy=None, ca_file=None,
                        default_country_code=None, redis_url=None, store_fallback_local=None, idempotency_ttl=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        secret_id: Option<Bound<'_, PyAny>>,
        secret_key: Option<Bound<'_, PyAny>>,
        token: Option<Bound<'_, PyAny>>,
        region: Option<Bound<'_, PyAny>>,
        endpoint: Option<Bound<'_, PyAny>>,
        language: Option<Bound<'_, PyAny>>,
        timeout: Option<Bound<'_, PyAny>>,
        connect_timeout: Option<Bound<'_, PyAny>>,
        max_retries: Option<Bound<'_, PyAny>>,
        rate_limit: Option<Bound<'_, PyAny>>,
        proxy: Option<Bound<'_, PyAny>>,
        ca_file: Option<Bound<'_, PyAny>>,
        default_country_code: Option<Bound<'_, PyAny>>,
        redis_url: Option<Bound<'_, PyAny>>,
        store_fallback_local: Option<Bound<'_, PyAny>>,
        idempotency_ttl: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let given = PyDict::new(py);
        for (name, value) in [
            ("secret_id", secret_id),
            ("secret_key", secret_key),
            ("token", token),
            ("region", region),
            ("endpoint", endpoint),
            ("language", language),
            ("timeout", timeout),
            ("connect_timeout", connect_timeout),
            ("max_retries", max_retries),
            ("rate_limit", rate_limit),
            ("proxy", proxy),
            ("ca_file", ca_file),
            ("default_country_code", default_country_code),
            ("redis_url", redis_url),
            ("store_fallback_local", store_fallback_local),
            ("idempotency_ttl", idempotency_ttl),
        ] {
            match (value, option(name).map(|o| o.ty)) {
                (Some(path), Some(OptionType::Path)) => given.set_item(name, convert::fspath(path)?)?,
                (Some(value), _) => given.set_item(name, value)?,
                (None, _) => {}
            }
        }
        let config = ClientConfig::from_value(convert::options_to_json(&given)?, KeyCase::Snake)
            .map_err(|e| errors::to_py(py, &e))?;
        logging::refresh(py)?;
        let client = ccc_aicall::Client::new(config).map_err(|e| errors::to_py(py, &e))?;
        Ok(Client { inner: Mutex::new((std::process::id(), client)), local: ThreadLocal::new() })
    }

    #[pyo3(signature = (params, idempotency_key=None))]
    fn _create_ai_call(
        &self,
        py: Python<'_>,
        params: &Bound<'_, PyDict>,
        idempotency_key: Option<String>,
    ) -> PyResult<AiCallResult> {
        let request = build_request(py, params)?;
        let options = CallOptions { idempotency_key };
        let cancel = CancellationToken::new();
        let outcome = self.blocking(py, |rt, client| {
            runtime::block_on_in(py, rt, &cancel, client.create_ai_call_cancellable_with(&request, &cancel, &options))
        })?;
        finish(py, outcome).map(AiCallResult::from)
    }

    /// `latch` tells the caller, if the awaiting task is cancelled, whether the request had left.
    #[pyo3(signature = (params, latch, idempotency_key=None))]
    fn _create_ai_call_async<'py>(
        &self,
        py: Python<'py>,
        params: &Bound<'_, PyDict>,
        latch: &Bound<'_, SendLatch>,
        idempotency_key: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = build_request(py, params)?;
        let options = CallOptions { idempotency_key };
        let client = self.core(py)?;
        let latch = latch.get().0.clone();
        // The answer is turned into Python objects by the completion, which holds the GIL anyway.
        runtime::future_into_py(py, async move {
            Ok(Answer::Placed(client.create_ai_call_latched_with(&request, &latch, &options).await))
        })
    }

    #[pyo3(signature = (calls, *, defaults, concurrency, journal, campaign, skip_invalid, refused_retries,
                        default_country_code, sources, on_progress, wait, wait_timeout, transcript, extraction,
                        reconcile))]
    #[allow(clippy::too_many_arguments)]
    fn _create_ai_calls<'py>(
        &self,
        py: Python<'py>,
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
        wait: bool,
        wait_timeout: &Bound<'_, PyAny>,
        transcript: bool,
        extraction: bool,
        reconcile: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cancel = CancellationToken::new();
        let run = campaigns::Run::new(
            calls,
            defaults,
            concurrency,
            journal,
            campaign,
            skip_invalid,
            refused_retries,
            default_country_code,
            sources,
            on_progress,
            cancel.clone(),
            campaigns::Follow { wait, wait_timeout, transcript, extraction, reconcile },
        )?;
        let failures = run.callback_failures.clone();
        let client = self.core(py)?;
        // Ctrl-C cancels the token; the campaign then runs to its (cancelled) end, so the journal is complete, and
        // its report goes with the KeyboardInterrupt (`exc.report`).
        let outcome = runtime::block_on(py, &cancel, run.execute(client));
        campaigns::report_callback_failures(py, &failures);
        match outcome {
            Blocked::Interrupted(interrupt, Ok(report)) => {
                interrupt.value(py).setattr("report", campaigns::report(py, &report)?)?;
                Err(interrupt)
            }
            outcome => campaigns::report(py, &finish(py, outcome)?),
        }
    }

    /// Start a campaign on the shared runtime; the wrapper awaits its `wait()`, and on cancellation cancels it and
    /// waits for the report of what was placed.
    #[pyo3(signature = (calls, *, defaults, concurrency, journal, campaign, skip_invalid, refused_retries,
                        default_country_code, sources, on_progress, wait, wait_timeout, transcript, extraction,
                        reconcile))]
    #[allow(clippy::too_many_arguments)]
    fn _create_ai_calls_async(
        &self,
        py: Python<'_>,
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
        wait: bool,
        wait_timeout: &Bound<'_, PyAny>,
        transcript: bool,
        extraction: bool,
        reconcile: bool,
    ) -> PyResult<campaigns::CampaignTask> {
        let run = campaigns::Run::new(
            calls,
            defaults,
            concurrency,
            journal,
            campaign,
            skip_invalid,
            refused_retries,
            default_country_code,
            sources,
            on_progress,
            CancellationToken::new(),
            campaigns::Follow { wait, wait_timeout, transcript, extraction, reconcile },
        )?;
        Ok(campaigns::CampaignTask::start(run, self.core(py)?))
    }

    /// A named campaign as its shared journal records it now, from any process using the same store.
    fn _campaign_status<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let cancel = CancellationToken::new();
        let outcome =
            self.blocking(py, |rt, client| runtime::block_on_in(py, rt, &cancel, client.campaign_status(name)))?;
        campaigns::status(py, &finish(py, outcome)?)
    }

    fn _campaign_status_async<'py>(&self, py: Python<'py>, name: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.core(py)?;
        runtime::future_into_py(py, async move { Ok(Answer::Status(client.campaign_status(&name).await)) })
    }

    #[pyo3(signature = (action, params=None))]
    fn _request<'py>(
        &self,
        py: Python<'py>,
        action: &str,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let params = params.map(convert::to_json).transpose()?.unwrap_or_default();
        let cancel = CancellationToken::new();
        let outcome = self.blocking(py, |rt, client| {
            runtime::block_on_in(py, rt, &cancel, client.request_cancellable(action, params, &cancel))
        })?;
        convert::dict_from_json(py, &finish(py, outcome)?)
    }

    #[pyo3(signature = (action, params=None))]
    fn _request_async<'py>(
        &self,
        py: Python<'py>,
        action: String,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = params.map(convert::to_json).transpose()?.unwrap_or_default();
        let client = self.core(py)?;
        runtime::future_into_py(py, async move { Ok(Answer::Response(client.request(&action, params).await)) })
    }

    /// Run an action that follows a placed call (wait, get, hang up, say, transfer, find, reconcile), blocking;
    /// Ctrl-C stops a wait.
    fn _follow<'py>(&self, py: Python<'py>, action: &Bound<'_, FollowUp>) -> PyResult<Bound<'py, PyAny>> {
        let outcome = self.blocking(py, |rt, client| {
            let (cancel, run) = action.get().start(client.clone());
            runtime::block_on_in(py, rt, &cancel, run)
        })?;
        finish(py, outcome)?.into_py(py)
    }

    /// The awaitable of an action; cancelling it cancels the action (a wait stops at once, through its token).
    fn _follow_async<'py>(&self, py: Python<'py>, action: &Bound<'_, FollowUp>) -> PyResult<Bound<'py, PyAny>> {
        let (cancel, run) = action.get().start(self.core(py)?);
        runtime::future_into_py(py, async move {
            // Dropped with the future when the awaiting task is cancelled: the wait sees its token fire.
            let _cancel_on_drop = cancel.drop_guard();
            Ok(Followed(run.await))
        })
    }

    /// The endpoint URL in use.
    #[getter]
    fn endpoint(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.core(py)?.config().url.to_string())
    }

    /// The region sent as `X-TC-Region`, or None.
    #[getter]
    fn region(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.core(py)?.config().region.clone())
    }

    /// The language of the service's messages (`en-US` or `zh-CN`).
    #[getter]
    fn language(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.core(py)?.config().language.clone())
    }

    /// Seconds allowed for one attempt, connecting included.
    #[getter]
    fn timeout(&self, py: Python<'_>) -> PyResult<f64> {
        Ok(self.core(py)?.config().timeout.as_secs_f64())
    }

    /// Seconds allowed for connecting.
    #[getter]
    fn connect_timeout(&self, py: Python<'_>) -> PyResult<f64> {
        Ok(self.core(py)?.config().connect_timeout.as_secs_f64())
    }

    /// Retries of requests that certainly did not reach the service or that it refused without acting.
    #[getter]
    fn max_retries(&self, py: Python<'_>) -> PyResult<u32> {
        Ok(self.core(py)?.config().max_retries)
    }

    /// Requests per second allowed by the client-side limiter, or None when it is off.
    #[getter]
    fn rate_limit(&self, py: Python<'_>) -> PyResult<Option<f64>> {
        Ok(self.core(py)?.config().rate_limit)
    }

    /// The country calling code put in front of numbers written without one (`"86"`), or None.
    #[getter]
    fn default_country_code(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.core(py)?.config().default_country_code.map(|code| code.to_string()))
    }

    /// The SecretId in use (an identifier, not a secret; the key and token are never shown).
    #[getter]
    fn secret_id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.core(py)?.config().credentials.secret_id.clone())
    }

    /// What the core shows of a client (the SecretId masked), as Python writes it.
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        let shown = slf.get().core(py)?.config().shown(KeyCase::Snake);
        let mut fields = Vec::with_capacity(shown.len());
        for (name, value) in shown {
            fields.push(format!("{name}={}", value.into_pyobject(py)?.repr()?));
        }
        Ok(format!("{}({})", slf.get_type().name()?, fields.join(", ")))
    }
}

/// An async call's outcome, converted to Python (result, dict or exception) where the GIL is held.
enum Answer {
    Placed(Result<ccc_aicall::AiCallResult, Error>),
    Response(Result<serde_json::Map<String, serde_json::Value>, Error>),
    Status(Result<CampaignStatus, Error>),
}

impl<'py> IntoPyObject<'py> for Answer {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Answer::Placed(Ok(placed)) => Ok(Bound::new(py, AiCallResult::from(placed))?.into_any()),
            Answer::Response(Ok(map)) => Ok(convert::dict_from_json(py, &map)?.into_any()),
            Answer::Status(Ok(status)) => campaigns::status(py, &status),
            Answer::Placed(Err(e)) | Answer::Response(Err(e)) | Answer::Status(Err(e)) => Err(errors::to_py(py, &e)),
        }
    }
}

impl Client {
    /// Run `f` with this thread's runtime and core client, made on the thread's first blocking call.
    fn blocking<T>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&tokio::runtime::Runtime, &ccc_aicall::Client) -> Blocked<Result<T, Error>>,
    ) -> PyResult<Blocked<Result<T, Error>>> {
        let cell = self.local.get_or(|| RefCell::new(None));
        // Only this thread uses its slot; it is taken already if the client is called again from inside a call
        // on the same thread (a logging handler that places a call): tokio cannot nest runtimes, so say so.
        let Ok(mut slot) = cell.try_borrow_mut() else {
            return Err(PyRuntimeError::new_err(
                "a blocking call was started from inside another on the same thread (from a logging handler?); \
                 make it from another thread or use AsyncClient",
            ));
        };
        let pid = std::process::id();
        match slot.as_ref() {
            Some(local) if local.pid == pid => logging::refresh(py)?,
            _ => {
                if let Some(inherited) = slot.take() {
                    std::mem::forget(inherited);
                }
                let client = self.core(py)?.with_own_connections().map_err(|e| errors::to_py(py, &e))?;
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| errors::to_py(py, &Error::Config(format!("could not start a tokio runtime: {e}"))))?;
                *slot = Some(Local { pid, runtime: Some(runtime), client });
            }
        }
        let local = slot.as_ref().expect("set above");
        let outcome = f(local.runtime(), &local.client);
        // A call abandoned in flight (timed out, cancelled, broken off) leaves its connection to a task that
        // nothing runs once the call has returned; the shared runtime would close it at once, so that a request
        // the server has not read yet is never read. Dropping the runtime closes it now; the next call builds
        // another.
        let abandoned = match &outcome {
            Blocked::Done(Err(e)) => e.outcome_unknown(),
            Blocked::Done(Ok(_)) => false,
            Blocked::Interrupted(..) => true,
        };
        if abandoned {
            drop(slot.take());
        }
        Ok(outcome)
    }

    /// The core client for a call about to start (the logging level in force is read here).
    fn core(&self, py: Python<'_>) -> PyResult<ccc_aicall::Client> {
        logging::refresh(py)?;
        let mut slot = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let pid = std::process::id();
        if slot.0 != pid {
            let config = slot.1.config().clone();
            slot.1 = ccc_aicall::Client::from_resolved(config).map_err(|e| errors::to_py(py, &e))?;
            slot.0 = pid;
        }
        Ok(slot.1.clone())
    }
}

/// The keywords of `create_ai_call` as a core request. An unknown keyword is a `TypeError`, like any Python call,
/// whatever else is wrong.
fn build_request(py: Python<'_>, params: &Bound<'_, PyDict>) -> PyResult<CreateAiCallRequest> {
    // The core reports an unknown key among its problems, so the names are looked at again only when something is
    // wrong: a valid request pays for one reading of its keys, not two.
    convert::to_json(params.as_any())
        .and_then(|value| CreateAiCallRequest::from_value(value, KeyCase::Snake).map_err(|p| errors::validation(py, p)))
        .or_else(|err| Err(unknown_keyword(params)?.unwrap_or(err)))
}

/// The `TypeError` for the first keyword that is no parameter, if there is one.
fn unknown_keyword(params: &Bound<'_, PyDict>) -> PyResult<Option<PyErr>> {
    for key in params.keys() {
        let key = key.cast::<PyString>()?.to_cow()?;
        if let Some(closest) = request::unknown_keyword(&key, KeyCase::Snake) {
            let hint = closest.map(|h| format!("; did you mean '{h}'?")).unwrap_or_default();
            return Ok(Some(PyTypeError::new_err(format!(
                "create_ai_call() got an unexpected keyword argument '{key}'{hint}"
            ))));
        }
    }
    Ok(None)
}

/// A blocking call's result as Python sees it; after Ctrl-C the `KeyboardInterrupt` propagates, caused by an
/// `OutcomeUnknownError` when the request had already been sent.
fn finish<T>(py: Python<'_>, outcome: Blocked<Result<T, Error>>) -> PyResult<T> {
    match outcome {
        Blocked::Done(result) => result.map_err(|e| errors::to_py(py, &e)),
        Blocked::Interrupted(interrupt, result) => {
            if let Err(e) = result.as_ref().map(drop) {
                if e.outcome_unknown() {
                    interrupt.set_cause(py, Some(errors::to_py(py, e)));
                }
            }
            Err(interrupt)
        }
    }
}
