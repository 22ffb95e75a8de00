//! The core logs through the `log` facade; here its records go to Python's `logging` (logger `ccc_aicall`).

use ccc_aicall::logging::env_level;
use log::LevelFilter;
use pyo3::prelude::*;

pub fn init(py: Python<'_>) -> PyResult<()> {
    // Levels are not cached, so `logging` configured after import takes effect; other crates only warn.
    let logger = pyo3_log::Logger::new(py, pyo3_log::Caching::Loggers)?
        .filter(LevelFilter::Warn)
        .filter_target("ccc_aicall".to_string(), LevelFilter::Trace);
    // Another extension may have installed the process's logger first; it then keeps it.
    let _ = logger.install();
    match env_level() {
        Some(level) => py.import("ccc_aicall._logging")?.call_method1("enable", (python_level(level),)).map(drop),
        None => Ok(()),
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
