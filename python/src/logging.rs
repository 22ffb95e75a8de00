//! The core logs through the `log` facade; here its records go to Python's `logging` (logger `ccc_aicall`).
//!
//! Two costs are kept off the call path. Importing `logging` (with `re`, `enum`, `traceback`) is a third of
//! `import ccc_aicall`, so the bridge is installed when the first client is built, not at import. And asking
//! Python whether a record is wanted takes the GIL from whichever thread logs (for `AsyncClient`, a runtime thread
//! contending with the event loop), so the `ccc_aicall` logger's level is read when a call starts, with the GIL
//! already held, and kept in `log`'s global maximum level: records below it are dropped without touching Python.
//! Logging configured at any time applies to the calls started after it.

use ccc_aicall::logging::env_level;
use log::LevelFilter;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether our bridge is the process's logger (another extension may have installed its own first).
static OURS: AtomicBool = AtomicBool::new(false);
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
    let logger = LOGGER.get_or_try_init(py, || install(py))?.bind(py);
    if !OURS.load(Ordering::Relaxed) {
        return Ok(());
    }
    // `logging.disable(level)` silences `level` and below whatever the loggers' levels say.
    let level: i64 = logger.call_method0(pyo3::intern!(py, "getEffectiveLevel"))?.extract()?;
    let disabled: i64 =
        logger.getattr(pyo3::intern!(py, "manager"))?.getattr(pyo3::intern!(py, "disable"))?.extract()?;
    let ours = rust_level(level.max(disabled + 1));
    // Other crates' records are wanted from WARN up (pyo3-log filters them by target, before taking the GIL).
    log::set_max_level(ours.max(LevelFilter::Warn));
    Ok(())
}

fn install(py: Python<'_>) -> PyResult<Py<PyAny>> {
    // Loggers are cached, levels are not (pyo3-log asks Python for every record that passes the maximum level
    // set in `refresh`, so a record logged just after a level change is still judged by Python).
    let bridge = pyo3_log::Logger::new(py, pyo3_log::Caching::Loggers)?
        .filter(LevelFilter::Warn)
        .filter_target("ccc_aicall".to_string(), LevelFilter::Trace);
    OURS.store(bridge.install().is_ok(), Ordering::Relaxed);
    Ok(py.import("logging")?.call_method1("getLogger", ("ccc_aicall",))?.unbind())
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
