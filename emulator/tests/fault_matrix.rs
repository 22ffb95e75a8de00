//! The fault matrix (tests/cases/fault_matrix.json) through the core client: each row's error kind,
//! outcome_unknown, placed calls and hits, and the invariant placed <= calls asked, on every row.
//! Writes target/reliability/rust-fault-matrix.json for tests/RELIABILITY.md.

mod matrix;

use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix() {
    let doc = matrix::load();
    let run = matrix::run(&doc, &matrix::Secrets::test_pair()).await;
    let problems = matrix::problems(&doc, &run.rows, "rust");
    matrix::write_report(
        "rust-fault-matrix",
        &json!({
            "language": "rust",
            "client": "ccc-aicall core (reqwest, rustls)",
            "rows": run.rows,
            "problems": problems
        }),
    );
    assert!(problems.is_empty(), "{problems:#?}");
}
