//! The core logs through the `log` facade; here its records go to Python's `logging` (logger `ccc_aicall`).
//!
//! Two costs are kept off the call path. Importing `logging` (with `traceback`, `string`, `weakref`) costs more
//! than building a client and placing its first call, so it waits until it is needed: while the program has not
//! imported `logging` itself, nothing can have configured it, the `ccc_aicall` logger is at logging's default
//! (WARNING), and the bridge to it is made when the first record at that level arrives (bench/analysis.md, cold
//! start). And asking Python whether a record is wanted takes the GIL from whichever thread logs (for
//! `AsyncClient`, a runtime thread contending with the event loop), so the `ccc_aicall` logger's level is read when
//! a call starts, with the GIL already held, and kept in `log`'s global maximum level: records below it are
//! dropped without touching Python. Logging configured at any time applies to the calls started after it.

use ccc_aicall::logging::env_level;
use log::{LevelFilter, Log, Metadata, Record};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether our bridge is the process's logger (another extension may have installed its own first).
static OURS: AtomicBool = AtomicBool::new(false);
/// [`Lazy`] becomes the process's `log` logger when the first client is built (nothing is imported for it).
static INSTALLED: std::sync::Once = std::sync::Once::new();
/// pyo3-log's bridge to `logging`, made on first need (importing `logging` if the program has not).
static BRIDGE: PyOnceLock<pyo3_log::Logger> = PyOnceLock::new();
/// The `ccc_aicall` logger, whose level [`refresh`] reads once `logging` is in use.
static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// At import: only `CCC_AICALL_LOG`, which asks for the bridge (and a stderr handler) right away.
pub fn init(py: Python<'_>) -> PyResult<()> {
    match env_level() {
        Some(level) => {
            py.import("ccc_aicall._logging")?.call_method1("enable", (python_level(level),))?;
            refresh(py)
        }
        None => Ok(()),
    }
}

/// Install the bridge if it is not yet, and bring the level in force up to date. Called with the GIL when a
/// client is built and when a call starts.
pub fn refresh(py: Python<'_>) -> PyResult<()> {
    INSTALLED.call_once(|| OURS.store(log::set_boxed_logger(Box::new(Lazy)).is_ok(), Ordering::Relaxed));
    if !OURS.load(Ordering::Relaxed) {
        return Ok(());
    }
    if LOGGER.get(py).is_none() && !imported(py, pyo3::intern!(py, "logging"))? {
        // Not configured, since not imported: WARNING and up are wanted (the `logging` default), and the record
        // that passes imports it.
        log::set_max_level(LevelFilter::Warn);
        return Ok(());
    }
    let logger = LOGGER.get_or_try_init(py, || logger(py))?.bind(py);
    // `logging.disable(level)` silences `level` and below whatever the loggers' levels say.
    let level: i64 = logger.call_method0(pyo3::intern!(py, "getEffectiveLevel"))?.extract()?;
    let disabled: i64 =
        logger.getattr(pyo3::intern!(py, "manager"))?.getattr(pyo3::intern!(py, "disable"))?.extract()?;
    let ours = rust_level(level.max(disabled + 1));
    // Other crates' records are wanted from WARN up (pyo3-log filters them by target, before taking the GIL).
    log::set_max_level(ours.max(LevelFilter::Warn));
    Ok(())
}

/// Whether `name` is in `sys.modules` (imported, or being imported).
fn imported(py: Python<'_>, name: &Bound<'_, PyString>) -> PyResult<bool> {
    static MODULES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
    let modules = MODULES.get_or_try_init(py, || -> PyResult<_> {
        Ok(py.import("sys")?.getattr("modules")?.cast_into::<PyDict>()?.unbind())
    })?;
    modules.bind(py).contains(name)
}

fn logger(py: Python<'_>) -> PyResult<Py<PyAny>> {
    Ok(py.import("logging")?.call_method1("getLogger", ("ccc_aicall",))?.unbind())
}

fn bridge(py: Python<'_>) -> PyResult<&'static pyo3_log::Logger> {
    BRIDGE.get_or_try_init(py, || {
        // Loggers are cached, levels are not (pyo3-log asks Python for every record that passes the maximum level
        // set in `refresh`, so a record logged just after a level change is still judged by Python).
        Ok(pyo3_log::Logger::new(py, pyo3_log::Caching::Loggers)?
            .filter(LevelFilter::Warn)
            .filter_target("ccc_aicall".to_string(), LevelFilter::Trace))
    })
}

/// The process's `log` logger: pyo3-log's bridge, made when the first record gets past the maximum level.
struct Lazy;

impl Log for Lazy {
    fn enabled(&self, metadata: &Metadata) -> bool {
        // A hint only (`log` checks its maximum level itself); the bridge decides in `log`.
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        // A bridge that cannot be made (`logging` not importable: the interpreter is shutting down) drops the record.
        if let Some(bridge) = Python::attach(|py| bridge(py).ok()) {
            bridge.log(record);
        }
    }

    fn flush(&self) {}
}

/// Python's level number (`logging.INFO` = 20; custom levels in between allowed) as the most verbose `log`
/// level it lets through.
fn rust_level(python: i64) -> LevelFilter {
    match python {
        i64::MIN..=5 => LevelFilter::Trace,
        6..=10 => LevelFilter::Debug,
        11..=20 => LevelFilter::Info,
        21..=30 => LevelFilter::Warn,
        31..=40 => LevelFilter::Error,
        _ => LevelFilter::Off,
    }
}

fn python_level(level: LevelFilter) -> u8 {
    match level {
        LevelFilter::Off => 100,
        LevelFilter::Error => 40,
        LevelFilter::Warn => 30,
        LevelFilter::Info => 20,
        LevelFilter::Debug => 10,
        LevelFilter::Trace => 5,
    }
}
