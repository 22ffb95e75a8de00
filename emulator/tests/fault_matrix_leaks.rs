//! The leak check: the whole fault matrix again with a distinctive string in every secret field (SecretKey,
//! token, the LLM APIKey, each TTS vendor's credential) and every log record captured at trace level (the
//! core's and its dependencies'); no log line, error message or Debug output may contain one.
//! Its own test binary, because it installs the process-wide logger.
//! Writes target/reliability/rust-leaks.json for tests/RELIABILITY.md.

mod matrix;

use std::sync::Mutex;

use serde_json::json;

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {} {}", record.level(), record.target(), record.args());
        LINES.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }
    fn flush(&self) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_any_log_line_message_or_debug_output() {
    log::set_logger(&Capture).expect("the only logger");
    log::set_max_level(log::LevelFilter::Trace);
    let doc = matrix::load();
    let run = matrix::run(&doc, &matrix::Secrets::leak_check(&doc)).await;
    let problems = matrix::problems(&doc, &run.rows, "rust");
    let lines = LINES.lock().unwrap().clone();
    let secrets: Vec<&str> =
        doc["leak_check"]["secrets"].as_array().unwrap().iter().filter_map(|s| s.as_str()).collect();
    let mut occurrences = Vec::new();
    for text in run.texts.iter().chain(&lines) {
        for secret in &secrets {
            if text.contains(secret) {
                occurrences.push(format!("{secret} in: {text}"));
            }
        }
    }
    let ccc_lines = lines.iter().filter(|l| l.contains(" ccc_aicall")).count();
    matrix::write_report(
        "rust-leaks",
        &json!({
            "language": "rust",
            "logging": "log facade, capture logger at trace for every target",
            "rows_run": run.rows.len(),
            "log_lines": lines.len(),
            "log_lines_ccc_aicall": ccc_lines,
            "texts": run.texts.len(),
            "texts_what": "Display, Debug and message() of every error; \
                           Debug of every client, config, resolved config, request and result",
            "secrets": secrets.len(),
            "occurrences": occurrences.len(),
            "matrix_problems": problems,
        }),
    );
    assert!(lines.iter().any(|l| l.contains("attempt=")), "the client's attempt lines are captured");
    assert!(occurrences.is_empty(), "{occurrences:#?}");
    assert!(problems.is_empty(), "with temporary credentials and TTS configs too: {problems:#?}");
}
