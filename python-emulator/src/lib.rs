//! `ccc_aicall_emulator._native`: the emulator in-process, the native half of `ccc_aicall.testing.Emulator`.
//!
//! A separate extension (and distribution) so that the runtime package does not carry a test server. Structured
//! values cross as JSON text: this module shares no code or types with `ccc_aicall._native`, and `testing.py`
//! turns the text into dicts.

use ccc_aicall_emulator::{CallScript, Credential, EmulatorConfig, Fault, PushConfig};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use serde::Serialize;

/// A local CreateAICall service on 127.0.0.1, serving on a thread of its own until `stop()`.
#[pyclass(module = "ccc_aicall_emulator._native", frozen)]
pub struct Emulator {
    inner: ccc_aicall_emulator::Emulator,
}

#[pymethods]
impl Emulator {
    #[new]
    #[pyo3(signature = (
        *, rate_limit=None, clock_offset=None, port=None, tls=false, secret_id=None, secret_key=None, token=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        rate_limit: Option<f64>,
        clock_offset: Option<i64>,
        port: Option<u16>,
        tls: bool,
        secret_id: Option<String>,
        secret_key: Option<String>,
        token: Option<String>,
    ) -> PyResult<Self> {
        let defaults = EmulatorConfig::default();
        let credentials = match (secret_id, secret_key) {
            (Some(id), Some(key)) => vec![Credential { secret_id: id, secret_key: key, token }],
            (None, None) if token.is_none() => defaults.credentials.clone(),
            _ => return Err(PyValueError::new_err("secret_id and secret_key go together (token only with them)")),
        };
        let config = EmulatorConfig {
            rate_limit: rate_limit.unwrap_or(defaults.rate_limit),
            clock_offset_secs: clock_offset.unwrap_or(defaults.clock_offset_secs),
            port: port.unwrap_or(defaults.port),
            tls,
            credentials,
            ..defaults
        };
        let inner = py
            .detach(|| ccc_aicall_emulator::Emulator::start_blocking(config))
            .map_err(|e| PyOSError::new_err(e.to_string()))?;
        Ok(Emulator { inner })
    }

    /// `http://127.0.0.1:PORT`
    #[getter]
    fn endpoint(&self) -> String {
        self.inner.endpoint()
    }

    /// The test SecretId the emulator accepts.
    #[getter]
    fn secret_id(&self) -> String {
        self.inner.credentials().first().map(|c| c.secret_id.clone()).unwrap_or_default()
    }

    /// The test SecretKey that goes with `secret_id` (not a secret).
    #[getter]
    fn secret_key(&self) -> String {
        self.inner.credentials().first().map(|c| c.secret_key.clone()).unwrap_or_default()
    }

    /// The token that goes with the key pair, when it was started with one.
    #[getter]
    fn token(&self) -> Option<String> {
        self.inner.credentials().first().and_then(|c| c.token.clone())
    }

    /// With `tls=True`: the PEM certificate of the CA that signed its certificate (trust it with `ca_file`).
    #[getter]
    fn ca_pem(&self) -> Option<String> {
        self.inner.ca_pem().map(str::to_string)
    }

    /// Every CreateAICall placed so far, oldest first, as a JSON array of objects with `session_id`,
    /// `request_id`, `received_at_ms` and `body` (the request parameters as received).
    fn calls(&self) -> PyResult<String> {
        to_text(&self.inner.calls())
    }

    /// HTTP requests received, or only those with this `X-TC-Action`.
    #[pyo3(signature = (action=None))]
    fn hits(&self, action: Option<&str>) -> u64 {
        match action {
            Some(action) => self.inner.hits_for(action),
            None => self.inner.hits(),
        }
    }

    /// Queue a fault, in the emulator's JSON form (`{"kind": "error", "code": "InternalError"}`, ...).
    fn inject(&self, fault: &str) -> PyResult<()> {
        let fault =
            Fault::from_value(from_text(fault)?).map_err(|e| PyValueError::new_err(format!("not a fault: {e}")))?;
        self.inner.inject(fault);
        Ok(())
    }

    /// Faults not used up yet, in queue order (a JSON array).
    fn pending_faults(&self) -> PyResult<String> {
        to_text(&self.inner.pending_faults().iter().map(Fault::to_value).collect::<Vec<_>>())
    }

    /// Seconds the emulator's clock is ahead of the real one (negative: behind).
    #[getter]
    fn clock_offset(&self) -> i64 {
        self.inner.clock_offset()
    }

    #[setter]
    fn set_clock_offset(&self, secs: i64) {
        self.inner.set_clock_offset(secs);
    }

    /// CreateAICall requests per second the emulator accepts (0: unlimited).
    #[getter]
    fn rate_limit(&self) -> f64 {
        self.inner.rate_limit()
    }

    #[setter]
    fn set_rate_limit(&self, requests_per_second: f64) {
        self.inner.set_rate_limit(requests_per_second);
    }

    /// How calls to `callee` go (`"*"`: every callee without a script), from the script's fields in the
    /// emulator's snake_case JSON form (`end_status`, `ring_ms`, `transcript`, ...).
    fn script(&self, callee: &str, script: &str) -> PyResult<()> {
        let script: CallScript = serde_json::from_value(from_text(script)?)
            .map_err(|e| PyValueError::new_err(format!("not a call script: {e}")))?;
        self.inner.script(callee, script);
        Ok(())
    }

    /// Forget every call script.
    fn clear_scripts(&self) {
        self.inner.clear_scripts();
    }

    /// Push every finished call's record (and recording) to a receiver, from the settings in the emulator's JSON
    /// form (`url`, `auth`, `duplicate`, ...); `None` stops pushing.
    fn set_push(&self, config: Option<&str>) -> PyResult<()> {
        let config = match config {
            Some(config) => Some(
                PushConfig::from_value(from_text(config)?)
                    .map_err(|e| PyValueError::new_err(format!("push settings: {e}")))?,
            ),
            None => None,
        };
        self.inner.set_push(config).map_err(PyValueError::new_err)
    }

    /// Every push made so far, with each attempt's answer (a JSON array).
    fn pushes(&self) -> PyResult<String> {
        to_text(&self.inner.pushes())
    }

    /// Forget calls, counters, faults, sessions, scripts and pushes; settings stay.
    fn reset(&self) {
        self.inner.reset();
    }

    /// Stop serving; idempotent.
    fn stop(&self, py: Python<'_>) {
        py.detach(|| self.inner.stop());
    }

    fn __repr__(&self) -> String {
        format!("Emulator(endpoint={:?})", self.inner.endpoint())
    }
}

fn to_text(value: &impl Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| PyValueError::new_err(e.to_string()))
}

fn from_text(text: &str) -> PyResult<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| PyValueError::new_err(format!("not JSON: {e}")))
}

#[pymodule(name = "_native")]
fn emulator_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Emulator>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
