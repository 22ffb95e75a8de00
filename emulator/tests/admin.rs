//! The unsigned control surface under /__emulator/ that drives the standalone binary from other processes.

mod common;

use common::*;
use serde_json::{json, Value};

async fn admin(emu: &ccc_aicall_emulator::Emulator, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{}/__emulator/{path}", emu.endpoint());
    let req = if method == "GET" {
        client.get(url)
    } else {
        client.post(url).body(body.map(|b| b.to_string()).unwrap_or_default())
    };
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, serde_json::from_str(&resp.text().await.unwrap()).unwrap_or(Value::Null))
}

#[tokio::test]
async fn state_faults_reset_and_settings() {
    let emu = start().await;
    Call::create(&valid_call()).send(&emu).await.assert_ok();

    let (status, state) = admin(&emu, "GET", "state", None).await;
    assert_eq!(status, 200);
    assert_eq!(state["hits"], 1, "admin requests are not hits: {state}");
    assert_eq!(state["hits_by_action"], json!({"CreateAICall": 1}));
    assert_eq!(state["calls"][0]["body"], valid_call());
    assert_eq!(state["calls"][0]["session_id"], emu.calls()[0].session_id);

    let faults =
        json!([{"kind": "error", "code": "InternalError"}, {"kind": "http_status", "status": 502, "times": 2}]);
    assert_eq!(admin(&emu, "POST", "faults", Some(faults)).await, (200, json!({"queued": 2})));
    assert_eq!(emu.pending_faults().len(), 2);
    Call::create(&valid_call()).send(&emu).await.assert_error("InternalError");
    let (status, err) = admin(&emu, "POST", "faults", Some(json!({"kind": "bogus"}))).await;
    assert_eq!(status, 400);
    assert!(err["error"].as_str().unwrap().contains("unknown fault kind"), "{err}");

    assert_eq!(admin(&emu, "POST", "clock-offset", Some(json!({"secs": 600}))).await.0, 200);
    assert_eq!(emu.clock_offset(), 600);
    assert_eq!(admin(&emu, "POST", "rate-limit", Some(json!({"rps": 3}))).await.0, 200);
    assert_eq!(emu.rate_limit(), 3.0);
    assert_eq!(admin(&emu, "POST", "rate-limit", Some(json!({"rps": -1}))).await.0, 400);

    assert_eq!(admin(&emu, "POST", "reset", None).await.0, 200);
    assert!(emu.calls().is_empty() && emu.pending_faults().is_empty());
    assert_eq!(emu.hits(), 0);
    assert_eq!(admin(&emu, "GET", "nothing-here", None).await.0, 404);
}
