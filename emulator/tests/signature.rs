//! TC3 verification, header checks and routing, as the service does them.

mod common;

use ccc_aicall_emulator::{Credential, EmulatorConfig, TEST_SECRET_ID, TEST_SECRET_KEY};
use common::*;
use serde_json::json;

#[tokio::test]
async fn a_good_signature_places_the_call() {
    let emu = start().await;
    let answer = Call::create(&valid_call()).send(&emu).await;
    answer.assert_ok();
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let session = answer.session_id().expect("a SessionId");
    assert_eq!(session.len(), 32);
    assert!(session.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(answer.request_id().len(), 36);
    assert!((answer.date_secs() - now()).abs() <= 2);

    let calls = emu.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].session_id, session);
    assert_eq!(calls[0].request_id, answer.request_id());
    assert_eq!(calls[0].body, valid_call());
    assert!(calls[0].received_at_ms > 0);
    assert!(!format!("{:?}", calls[0]).contains("sk-test"), "Debug keeps the APIKey out");
    assert_eq!((emu.hits(), emu.hits_for("CreateAICall"), emu.hits_for("HangUpCall")), (1, 1, 0));

    let json = serde_json::to_value(&calls[0]).unwrap();
    assert_eq!(json["session_id"], session);
    assert_eq!(json["body"]["Callee"], "008613012345678");
}

#[tokio::test]
async fn wrong_key_unknown_id_and_tampering_are_refused() {
    let emu = start().await;
    let call = Call::create(&valid_call());
    call.clone().with(|c| c.secret_key = "wrong".into()).send(&emu).await.assert_error("AuthFailure.SignatureFailure");
    call.clone()
        .with(|c| c.secret_id = "AKIDunknown".into())
        .send(&emu)
        .await
        .assert_error("AuthFailure.SecretIdNotFound");
    let mut tampered = valid_call();
    tampered["Callee"] = json!("008613099999999");
    call.clone()
        .with(|c| c.tampered_body = Some(tampered.to_string().into_bytes()))
        .send(&emu)
        .await
        .assert_error("AuthFailure.SignatureFailure");
    call.clone()
        .with(|c| c.signed_host = Some("ccc.tencentcloudapi.com".into()))
        .send(&emu)
        .await
        .assert_error("AuthFailure.SignatureFailure");
    call.clone().with(|c| c.service = "cvm".into()).send(&emu).await.assert_error("AuthFailure.SignatureFailure");
    assert!(emu.calls().is_empty());
    assert_eq!(emu.hits(), 5);
}

#[tokio::test]
async fn tokens_must_match_temporary_credentials() {
    let config = EmulatorConfig {
        credentials: vec![Credential::test(), Credential::new("AKIDtemporary", "temp-key").with_token("session-token")],
        ..EmulatorConfig::default()
    };
    let emu = start_with(config).await;
    let temp = Call::create(&valid_call()).with(|c| {
        c.secret_id = "AKIDtemporary".into();
        c.secret_key = "temp-key".into();
    });
    temp.clone().send(&emu).await.assert_error("AuthFailure.TokenFailure");
    temp.clone().with(|c| c.token = Some("other".into())).send(&emu).await.assert_error("AuthFailure.TokenFailure");
    temp.clone().with(|c| c.token = Some("session-token".into())).send(&emu).await.assert_ok();
    let permanent = Call::create(&valid_call());
    permanent
        .clone()
        .with(|c| c.token = Some("session-token".into()))
        .send(&emu)
        .await
        .assert_error("AuthFailure.TokenFailure");
    permanent.send(&emu).await.assert_ok();
    assert_eq!(emu.calls().len(), 2);
}

#[tokio::test]
async fn timestamps_more_than_five_minutes_off_expire() {
    let emu = start().await;
    let at = |offset: i64| Call::create(&valid_call()).with(move |c| c.timestamp = now() + offset);
    at(-301).send(&emu).await.assert_error("AuthFailure.SignatureExpire");
    at(310).send(&emu).await.assert_error("AuthFailure.SignatureExpire");
    at(-290).send(&emu).await.assert_ok();
    at(290).send(&emu).await.assert_ok();
    assert_eq!(emu.calls().len(), 2);
    let answer = Call::create(&valid_call()).with(|c| c.timestamp = 1).send(&emu).await;
    assert!(answer.message().contains("ServerTime"), "{}", answer.text);
}

#[tokio::test]
async fn the_scope_date_must_be_the_timestamps_utc_day() {
    let emu = start().await;
    Call::create(&valid_call())
        .with(|c| c.signed_timestamp = Some(c.timestamp - 86_400))
        .send(&emu)
        .await
        .assert_error("AuthFailure.SignatureFailure");
    assert!(emu.calls().is_empty());
}

#[tokio::test]
async fn the_host_may_be_signed_with_or_without_its_port() {
    let emu = start().await;
    Call::create(&valid_call()).with(|c| c.host_with_port = true).send(&emu).await.assert_ok();
    Call::create(&valid_call()).with(|c| c.host_with_port = false).send(&emu).await.assert_ok();
    assert_eq!(emu.calls().len(), 2);
}

#[tokio::test]
async fn extra_signed_headers_are_verified() {
    let emu = start().await;
    let action = |signed: &str, sent: &str| {
        let (signed, sent) = (signed.to_string(), sent.to_string());
        Call::create(&valid_call()).with(move |c| {
            c.action = None;
            c.extra_signed = vec![("X-TC-Action".into(), signed, sent)];
        })
    };
    action("CreateAICall", "CreateAICall").send(&emu).await.assert_ok();
    action("DescribeTelSession", "CreateAICall").send(&emu).await.assert_error("AuthFailure.SignatureFailure");
    // A header that is named in SignedHeaders but not sent.
    let mut missing =
        Call::create(&valid_call()).with(|c| c.extra_signed = vec![("x-custom".into(), "v".into(), "v".into())]);
    let signed = missing.clone().send(&emu).await;
    signed.assert_ok();
    missing.extra_signed.clear();
    let auth = ccc_aicall::signer::sign(
        TEST_SECRET_ID,
        TEST_SECRET_KEY,
        &ccc_aicall::signer::SigningInput {
            method: "POST",
            path: "/",
            query: "",
            headers: &[
                ("content-type", &missing.content_type),
                ("host", &format!("127.0.0.1:{}", emu.port())),
                ("x-custom", "v"),
            ],
            payload: &missing.body,
            service: "ccc",
            timestamp: missing.timestamp,
        },
    );
    missing.authorization = Some(auth.authorization);
    let answer = missing.send(&emu).await;
    answer.assert_error("AuthFailure.SignatureFailure");
    assert!(answer.message().contains("x-custom"), "{}", answer.text);
    assert_eq!(emu.calls().len(), 2);
}

#[tokio::test]
async fn missing_or_malformed_authorization() {
    let emu = start().await;
    let call = Call::create(&valid_call());
    call.clone()
        .with(|c| c.authorization = Some(String::new()))
        .send(&emu)
        .await
        .assert_error("AuthFailure.InvalidAuthorization");
    call.clone()
        .with(|c| c.authorization = Some("Bearer abc".into()))
        .send(&emu)
        .await
        .assert_error("AuthFailure.InvalidAuthorization");
    let no_host = format!(
        "TC3-HMAC-SHA256 Credential={TEST_SECRET_ID}/{}/ccc/tc3_request, SignedHeaders=content-type, Signature={}",
        ccc_aicall::signer::credential_date(now()),
        "0".repeat(64)
    );
    call.clone()
        .with(|c| c.authorization = Some(no_host))
        .send(&emu)
        .await
        .assert_error("AuthFailure.InvalidAuthorization");
    assert!(emu.calls().is_empty());
}

#[tokio::test]
async fn versions_and_actions_are_routed() {
    let emu = start().await;
    let call = Call::create(&valid_call());
    call.clone().with(|c| c.version = Some("2017-03-12".into())).send(&emu).await.assert_error("NoSuchVersion");
    call.clone().with(|c| c.action = Some("DescribeInstances".into())).send(&emu).await.assert_error("InvalidAction");
    call.clone().with(|c| c.action = None).send(&emu).await.assert_error("MissingParameter");
    call.clone().with(|c| c.version = None).send(&emu).await.assert_error("MissingParameter");
    assert!(emu.calls().is_empty());
    assert_eq!((emu.hits(), emu.hits_for("DescribeInstances"), emu.hits_for("")), (4, 1, 1));
}

#[tokio::test]
async fn bodies_must_be_json_objects_of_bounded_size() {
    let emu = start_with(EmulatorConfig { max_body_bytes: 4096, ..EmulatorConfig::default() }).await;
    for body in [&b"not json"[..], b"[1,2]", b"\"text\""] {
        Call::create(&valid_call()).raw_body(body).send(&emu).await.assert_error("InvalidParameter");
    }
    let mut big = valid_call();
    big["SystemPrompt"] = json!("x".repeat(5000));
    Call::create(&big).send(&emu).await.assert_error("RequestSizeLimitExceeded");
    assert!(emu.calls().is_empty());
    // The server is still fine afterwards.
    Call::create(&valid_call()).send(&emu).await.assert_ok();
}

#[tokio::test]
async fn a_blocking_emulator_runs_without_a_runtime_and_stops() {
    let emu = std::thread::spawn(|| ccc_aicall_emulator::Emulator::start_blocking(EmulatorConfig::default()).unwrap())
        .join()
        .unwrap();
    Call::create(&valid_call()).send(&emu).await.assert_ok();
    assert_eq!(emu.calls().len(), 1);
    let port = emu.port();
    assert_eq!(emu.endpoint(), format!("http://127.0.0.1:{port}"));
    tokio::task::spawn_blocking(move || {
        emu.stop();
        emu.stop();
        drop(emu);
    })
    .await
    .unwrap();
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err(), "the port is closed after stop");
}
