//! Logging goes through the `log` facade and is off unless the host installs a logger or `CCC_AICALL_LOG` asks.
//! Log lines never carry secrets: the client logs action, attempt, elapsed time, RequestId and outcome only.

use log::{Level, LevelFilter, Log, Metadata, Record};

pub const ENV_LOG: &str = "CCC_AICALL_LOG";

struct StderrLogger {
    level: LevelFilter,
}

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level && metadata.target().starts_with("ccc_aicall")
    }
    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!("[{} {}] {}", record.level(), record.target(), record.args());
        }
    }
    fn flush(&self) {}
}

/// Parse `CCC_AICALL_LOG` (`error`, `warn`, `info`, `debug`, `trace`, `off`; `1`/`true` mean `info`).
pub fn level_from(value: &str) -> Option<LevelFilter> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "off" | "false" => None,
        "1" | "true" | "on" => Some(LevelFilter::Info),
        other => other.parse::<Level>().ok().map(|l| l.to_level_filter()),
    }
}

/// The level `CCC_AICALL_LOG` asks for, if any.
pub fn env_level() -> Option<LevelFilter> {
    std::env::var(ENV_LOG).ok().as_deref().and_then(level_from)
}

/// Install a stderr logger for `ccc_aicall` when `CCC_AICALL_LOG` asks and no other logger is installed.
/// Bindings call this once; a host logger installed earlier (env_logger, pyo3-log) takes precedence.
pub fn init_from_env() {
    let Some(level) = env_level() else { return };
    if log::set_boxed_logger(Box::new(StderrLogger { level })).is_ok() {
        log::set_max_level(level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(level_from("debug"), Some(LevelFilter::Debug));
        assert_eq!(level_from("1"), Some(LevelFilter::Info));
        assert_eq!(level_from("off"), None);
        assert_eq!(level_from("nonsense"), None);
    }
}
