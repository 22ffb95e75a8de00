//! Scripted faults: what the client sees, what was placed, how many hits.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ccc_aicall_emulator::{Emulator, Fault};
use common::*;
use serde_json::json;

#[tokio::test]
async fn internal_error_is_placed_other_codes_are_not() {
    let emu = start().await;
    emu.inject(Fault::error("InternalError"));
    let answer = Call::create(&valid_call()).send(&emu).await;
    answer.assert_error("InternalError");
    assert_eq!(emu.calls().len(), 1, "InternalError: the call went out");
    assert_eq!(emu.calls()[0].request_id, answer.request_id(), "the placed call carries the answer's RequestId");

    emu.inject(Fault::error("FailedOperation.CallOutFailed"));
    Call::create(&valid_call()).send(&emu).await.assert_error("FailedOperation.CallOutFailed");
    assert_eq!(emu.calls().len(), 1, "a refusal is not placed");

    emu.inject(Fault::error_with("FailedOperation.CalleeIsLimited", "limited for the test", true));
    let answer = Call::create(&valid_call()).send(&emu).await;
    answer.assert_error("FailedOperation.CalleeIsLimited");
    assert_eq!(answer.message(), "limited for the test");
    assert_eq!(emu.calls().len(), 2, "placed: true overrides");

    Call::create(&valid_call()).send(&emu).await.assert_ok();
    assert_eq!((emu.calls().len(), emu.hits()), (3, 4), "each fault is used once");
    assert!(emu.pending_faults().is_empty());
}

#[tokio::test]
async fn faults_filter_by_action_and_repeat() {
    let emu = start().await;
    emu.inject(Fault::error("ResourceNotFound").for_action("DescribeTelSession"));
    emu.inject(Fault::http_status(503).times(2));
    // The first fault waits for its action; CreateAICall takes the second, twice.
    assert_eq!(Call::create(&valid_call()).send(&emu).await.status, 503);
    assert_eq!(Call::create(&valid_call()).send(&emu).await.status, 503);
    Call::create(&valid_call()).send(&emu).await.assert_ok();
    let session = emu.calls()[0].session_id.clone();
    Call::new("DescribeTelSession", &json!({"SdkAppId": SDK_APP_ID, "SessionId": session}))
        .send(&emu)
        .await
        .assert_error("ResourceNotFound");
    assert_eq!(emu.calls().len(), 3);
    assert_eq!((emu.hits(), emu.hits_for("CreateAICall"), emu.hits_for("DescribeTelSession")), (4, 3, 1));
}

#[tokio::test]
async fn http_5xx_answers_html_after_placing() {
    let emu = start().await;
    emu.inject(Fault::from_json(r#"{"kind":"http_status","status":502}"#).unwrap());
    let answer = Call::create(&valid_call()).send(&emu).await;
    assert_eq!(answer.status, 502);
    assert_eq!(answer.content_type.as_deref(), Some("text/html"));
    assert!(answer.text.contains("502 Bad Gateway"));
    assert!(answer.date.is_some());
    assert_eq!((emu.calls().len(), emu.hits()), (1, 1));
}

#[tokio::test]
async fn a_delay_before_reading_holds_the_request_unprocessed() {
    let emu = Arc::new(start().await);
    emu.inject(Fault::delay_before_read(Duration::from_millis(400)));
    let started = Instant::now();
    let sender = {
        let emu = emu.clone();
        tokio::spawn(async move { Call::create(&valid_call()).send(&emu).await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(emu.hits(), 1, "it arrived");
    assert!(emu.calls().is_empty(), "not read yet");
    let answer = sender.await.unwrap();
    answer.assert_ok();
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(emu.calls().len(), 1, "then processed normally");
}

#[tokio::test]
async fn a_client_that_gives_up_during_a_stall_places_nothing() {
    let emu = start().await;
    emu.inject(Fault::delay_before_read(Duration::from_millis(600)));
    let err = Call::create(&valid_call()).send_to(&emu, Duration::from_millis(150)).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(emu.calls().is_empty(), "the stalled request was dropped with its connection");
    assert_eq!(emu.hits(), 1);
    Call::create(&valid_call()).send(&emu).await.assert_ok();
}

#[tokio::test]
async fn a_delay_after_reading_places_then_answers_late() {
    let emu = start().await;
    emu.inject(Fault::delay_after_read(Duration::from_millis(500)));
    let started = Instant::now();
    let err = Call::create(&valid_call()).send_to(&emu, Duration::from_millis(200)).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(started.elapsed() < Duration::from_millis(450));
    assert_eq!(emu.calls().len(), 1, "placed although the client saw only a timeout");

    emu.inject(Fault::from_json(r#"{"kind":"delay","phase":"after_read","ms":300}"#).unwrap());
    let started = Instant::now();
    Call::create(&valid_call()).send(&emu).await.assert_ok();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!((emu.calls().len(), emu.hits()), (2, 2));
}

#[tokio::test]
async fn close_after_read_drops_the_connection_after_placing() {
    let emu = start().await;
    emu.inject(Fault::close_after_read());
    let err = Call::create(&valid_call()).send_to(&emu, Duration::from_secs(5)).await.unwrap_err();
    assert!(!err.is_timeout(), "closed, not timed out: {err}");
    assert_eq!((emu.calls().len(), emu.hits()), (1, 1));
    Call::create(&valid_call()).send(&emu).await.assert_ok();
}

#[tokio::test]
async fn a_malformed_body_is_http_200_and_not_json() {
    let emu = start().await;
    emu.inject(Fault::malformed_body());
    let answer = Call::create(&valid_call()).send(&emu).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    assert!(serde_json::from_str::<serde_json::Value>(&answer.text).is_err(), "{}", answer.text);
    assert_eq!((emu.calls().len(), emu.hits()), (1, 1));
}

#[tokio::test]
async fn a_truncated_body_breaks_off_after_placing() {
    let emu = start().await;
    emu.inject(Fault::truncated_body());
    let err = Call::create(&valid_call()).send_to(&emu, Duration::from_secs(5)).await.unwrap_err();
    assert!(err.is_body() || err.is_decode() || err.is_request(), "{err:?}");
    assert_eq!((emu.calls().len(), emu.hits()), (1, 1));
    Call::create(&valid_call()).send(&emu).await.assert_ok();
}

#[tokio::test]
async fn a_skewed_date_shifts_only_that_answer() {
    let emu = start().await;
    emu.inject(Fault::skewed_date(600));
    let answer = Call::create(&valid_call()).send(&emu).await;
    answer.assert_ok();
    assert!((answer.date_secs() - (now() + 600)).abs() <= 2, "{:?}", answer.date);
    let answer = Call::create(&valid_call()).send(&emu).await;
    assert!((answer.date_secs() - now()).abs() <= 2);
    assert_eq!(emu.calls().len(), 2);
}

#[tokio::test]
async fn a_server_clock_ten_minutes_ahead() {
    let emu = start().await;
    emu.set_clock_offset(600);
    assert_eq!(emu.clock_offset(), 600);
    let answer = Call::create(&valid_call()).send(&emu).await;
    answer.assert_error("AuthFailure.SignatureExpire");
    let server_time = answer.date_secs();
    assert!((server_time - (now() + 600)).abs() <= 2, "the Date shows the server's clock");
    // A client that takes its clock from that Date gets through.
    let offset = server_time - now();
    Call::create(&valid_call()).with(|c| c.timestamp = now() + offset).send(&emu).await.assert_ok();
    assert_eq!(emu.calls().len(), 1);
    emu.set_clock_offset(0);
    Call::create(&valid_call()).send(&emu).await.assert_ok();
}

#[tokio::test]
async fn reset_forgets_everything_but_settings() {
    let emu: Emulator = start().await;
    emu.set_clock_offset(5);
    Call::create(&valid_call()).send(&emu).await.assert_ok();
    emu.inject(Fault::close_after_read());
    emu.reset();
    assert!(emu.calls().is_empty());
    assert_eq!((emu.hits(), emu.hits_for("CreateAICall")), (0, 0));
    assert!(emu.pending_faults().is_empty());
    assert_eq!(emu.clock_offset(), 5);
    Call::create(&valid_call()).send(&emu).await.assert_ok();
    assert_eq!((emu.calls().len(), emu.hits()), (1, 1));
}
