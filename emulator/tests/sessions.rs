//! DescribeTelSession and HangUpCall on the sessions the emulator created.

mod common;

use std::time::Duration;

use ccc_aicall_emulator::{CallScript, EmulatorConfig};
use common::*;
use serde_json::{json, Value};

fn fast() -> EmulatorConfig {
    EmulatorConfig { ringing_ms: 300, talking_ms: 300, ..EmulatorConfig::default() }
}

async fn status(emu: &ccc_aicall_emulator::Emulator, session: &str) -> String {
    let answer =
        Call::new("DescribeTelSession", &json!({"SdkAppId": SDK_APP_ID, "SessionId": session})).send(emu).await;
    answer.assert_ok();
    let s = answer.body.pointer("/Response/Session").expect("a Session");
    assert_eq!(s["SessionID"], session);
    assert_eq!(s["Callee"], "008613012345678");
    assert_eq!(s["Caller"], "008675500000000");
    assert_eq!(s["Direction"], 1);
    s["SessionStatus"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_session_rings_talks_and_finishes() {
    let emu = start_with(fast()).await;
    let placed = Call::create(&valid_call()).send(&emu).await;
    let session = placed.session_id().unwrap().to_string();
    assert_eq!(status(&emu, &session).await, "ringing");
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(status(&emu, &session).await, "inProgress");
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(status(&emu, &session).await, "finished");
    assert_eq!(emu.hits_for("DescribeTelSession"), 3);
}

#[tokio::test]
async fn hang_up_finishes_a_session() {
    let emu = start_with(EmulatorConfig { ringing_ms: 60_000, ..EmulatorConfig::default() }).await;
    let session = Call::create(&valid_call()).send(&emu).await.session_id().unwrap().to_string();
    assert_eq!(status(&emu, &session).await, "ringing");
    let params = json!({"SdkAppId": SDK_APP_ID, "SessionId": session});
    let answer = Call::new("HangUpCall", &params).send(&emu).await;
    answer.assert_ok();
    assert_eq!(answer.body["Response"].as_object().map(|m| m.len()), Some(1), "only the RequestId: {}", answer.text);
    assert_eq!(status(&emu, &session).await, "finished");
    // Not documented by the service: the emulator refuses to hang up a call that is over.
    Call::new("HangUpCall", &params).send(&emu).await.assert_error("FailedOperation.SessionNotExists");
}

#[tokio::test]
async fn scripts_decide_the_timeline() {
    let emu = start_with(fast()).await;
    emu.script("+86 130 1234 5678", CallScript { end_status: Some(206), ring_ms: Some(200), ..Default::default() });
    let busy = Call::create(&valid_call()).send(&emu).await.session_id().unwrap().to_string();
    assert_eq!(status(&emu, &busy).await, "ringing");
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(status(&emu, &busy).await, "finished", "an unanswered call never goes inProgress");

    // The default script, for a callee without one: ring_ms 0 is over at once (an invalid number, say).
    emu.script("*", CallScript { ring_ms: Some(0), end_status: Some(205), ..Default::default() });
    let mut other = valid_call();
    other["Callee"] = json!("008613900000000");
    let vacant = Call::create(&other).send(&emu).await.session_id().unwrap().to_string();
    let answer =
        Call::new("DescribeTelSession", &json!({"SdkAppId": SDK_APP_ID, "SessionId": vacant})).send(&emu).await;
    assert_eq!(answer.body.pointer("/Response/Session/SessionStatus"), Some(&json!("finished")));
    assert_eq!(answer.body.pointer("/Response/Session/AcceptTimestamp"), Some(&json!(0)));
    assert_eq!(emu.scripts().len(), 2);
    emu.clear_scripts();
    assert!(emu.scripts().is_empty());
}

#[tokio::test]
async fn unknown_sessions_and_bad_parameters() {
    let emu = start().await;
    let session = Call::create(&valid_call()).send(&emu).await.session_id().unwrap().to_string();
    for action in ["DescribeTelSession", "HangUpCall"] {
        let unknown = json!({"SdkAppId": SDK_APP_ID, "SessionId": "0123456789abcdef0123456789abcdef"});
        Call::new(action, &unknown).send(&emu).await.assert_error("ResourceNotFound");
        let other_app = json!({"SdkAppId": SDK_APP_ID + 1, "SessionId": session});
        Call::new(action, &other_app).send(&emu).await.assert_error("ResourceNotFound");
        Call::new(action, &json!({"SdkAppId": SDK_APP_ID})).send(&emu).await.assert_error("MissingParameter");
        let extra = json!({"SdkAppId": SDK_APP_ID, "SessionId": session, "Foo": 1});
        Call::new(action, &extra).send(&emu).await.assert_error("UnknownParameter");
        let bad = json!({"SdkAppId": "x", "SessionId": session});
        Call::new(action, &bad).send(&emu).await.assert_error("InvalidParameterValue");
    }
    assert_eq!(emu.calls().len(), 1);
}

#[tokio::test]
async fn reset_forgets_sessions() {
    let emu = start().await;
    let session = Call::create(&valid_call()).send(&emu).await.session_id().unwrap().to_string();
    emu.reset();
    let answer: Value =
        Call::new("DescribeTelSession", &json!({"SdkAppId": SDK_APP_ID, "SessionId": session})).send(&emu).await.body;
    assert_eq!(answer.pointer("/Response/Error/Code"), Some(&json!("ResourceNotFound")));
}
