//! The core client against the emulator: every behaviour of issue 3 over real HTTP on 127.0.0.1.
//! The invariant throughout: the emulator never records more placed calls than the client was asked to make.

use ccc_aicall::{Client, ClientConfig, CreateAiCallRequest, ErrorKind};
use ccc_aicall_emulator::{Emulator, EmulatorConfig, Fault, TEST_SECRET_ID, TEST_SECRET_KEY};
use serde_json::json;
use std::time::{Duration, Instant};

fn request() -> CreateAiCallRequest {
    CreateAiCallRequest {
        sdk_app_id: 1400000000,
        callee: "+86 130 1234 5678".into(),
        llm_type: "openai".into(),
        api_key: "sk-test".into(),
        api_url: "https://api.openai.com/v1/".into(),
        system_prompt: Some("你是人民医院的李医生。".into()),
        model: Some("gpt-4o-mini".into()),
        voice_type: Some("zhixi".into()),
        end_function_enable: Some(true),
        ..Default::default()
    }
}

fn config(emu: &Emulator) -> ClientConfig {
    ClientConfig {
        secret_id: Some(TEST_SECRET_ID.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        endpoint: Some(emu.endpoint()),
        ..Default::default()
    }
}

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.unwrap()
}

#[tokio::test]
async fn places_a_call_with_normalised_wire_body() {
    let emu = emulator().await;
    let client = Client::new(config(&emu)).unwrap();
    let r = client.create_ai_call(&request()).await.unwrap();
    let calls = emu.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].session_id, r.session_id);
    assert_eq!(calls[0].request_id, r.request_id);
    assert_eq!(calls[0].body["Callee"], "008613012345678");
    assert_eq!(calls[0].body["VoiceType"], "ZhiXi");
    assert_eq!(emu.hits(), 1);
}

#[tokio::test]
async fn validation_errors_send_nothing() {
    let emu = emulator().await;
    let client = Client::new(config(&emu)).unwrap();
    let bad = CreateAiCallRequest { callee: "not a number".into(), vad_level: Some(9), ..request() };
    let err = client.create_ai_call(&bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    let fields: Vec<&str> = err.field_errors().iter().map(|e| e.path.as_str()).collect();
    assert!(fields.contains(&"Callee") && fields.contains(&"VadLevel"), "{fields:?}");
    assert_eq!(emu.hits(), 0);
}

#[tokio::test]
async fn each_error_family_is_classified_after_one_hit() {
    let emu = emulator().await;
    let client = Client::new(ClientConfig { max_retries: Some(2), ..config(&emu) }).unwrap();
    for (code, kind, unknown) in [
        ("AuthFailure.SignatureFailure", ErrorKind::Authentication, false),
        ("InvalidParameterValue.PhoneNumInvalid", ErrorKind::InvalidRequest, false),
        ("FailedOperation.CalleeIsBlackUser", ErrorKind::CallRejected, false),
        ("LimitExceeded.BasePackageExpired", ErrorKind::CallRejected, false),
        ("OperationDenied.NotInWhiteList", ErrorKind::CallRejected, false),
        ("InternalError", ErrorKind::InternalServer, true),
    ] {
        emu.reset();
        emu.inject(Fault::error(code));
        let err = client.create_ai_call(&request()).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{code}");
        assert_eq!(err.code(), Some(code));
        assert_eq!(err.outcome_unknown(), unknown, "{code}");
        assert!(err.request_id().is_some_and(|r| !r.is_empty()), "{code} carries a RequestId");
        assert_eq!(emu.hits(), 1, "{code}: exactly one server hit, never retried");
    }
}

#[tokio::test]
async fn rate_limited_then_success_is_two_hits() {
    let emu = emulator().await;
    emu.inject(Fault::error("RequestLimitExceeded"));
    let client = Client::new(config(&emu)).unwrap();
    client.create_ai_call(&request()).await.unwrap();
    assert_eq!(emu.hits(), 2);
    assert_eq!(emu.calls().len(), 1);
}

#[tokio::test]
async fn rate_limited_beyond_max_retries_gives_up() {
    let emu = emulator().await;
    emu.inject(Fault::error("RequestLimitExceeded").times(5));
    let client = Client::new(ClientConfig { max_retries: Some(2), ..config(&emu) }).unwrap();
    let err = client.create_ai_call(&request()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(emu.hits(), 3);
    assert!(emu.calls().is_empty());
}

#[tokio::test]
async fn connection_refused_is_retried_until_the_service_is_up() {
    // Reserve a port, free it, and bring the emulator up on it shortly after the first attempt failed.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::new(ClientConfig {
        secret_id: Some(TEST_SECRET_ID.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        endpoint: Some(format!("http://127.0.0.1:{port}")),
        max_retries: Some(3),
        ..Default::default()
    })
    .unwrap();
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.create_ai_call(&request()).await }
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    let emu = Emulator::start(EmulatorConfig { port, ..Default::default() }).await.unwrap();
    let r = call.await.unwrap().unwrap();
    assert_eq!(emu.calls().len(), 1);
    assert_eq!(emu.calls()[0].session_id, r.session_id);
}

#[tokio::test]
async fn connection_refused_without_service_is_a_connection_error_not_unknown() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::new(ClientConfig {
        secret_id: Some("id".into()),
        secret_key: Some("key".into()),
        endpoint: Some(format!("http://127.0.0.1:{port}")),
        max_retries: Some(1),
        ..Default::default()
    })
    .unwrap();
    let err = client.create_ai_call(&request()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn timeout_after_sending_is_outcome_unknown_and_never_retried() {
    let emu = emulator().await;
    emu.inject(Fault::delay_after_read(Duration::from_millis(1500)));
    let client = Client::new(ClientConfig { timeout: Some(Duration::from_millis(300)), ..config(&emu) }).unwrap();
    let started = Instant::now();
    let err = client.create_ai_call(&request()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    assert!(err.outcome_unknown());
    assert!(started.elapsed() < Duration::from_millis(1200));
    assert_eq!(emu.hits(), 1);
    assert_eq!(emu.calls().len(), 1, "the dangerous case: the call was placed");
}

#[tokio::test]
async fn faults_after_the_request_was_read_are_outcome_unknown_after_one_hit() {
    let emu = emulator().await;
    let client = Client::new(config(&emu)).unwrap();
    for fault in [
        Fault::http_status(502),
        Fault::close_after_read(),
        Fault::malformed_body(),
        Fault::truncated_body(),
        Fault::error("InternalError"),
    ] {
        emu.reset();
        let label = format!("{fault:?}");
        emu.inject(fault);
        let err = client.create_ai_call(&request()).await.unwrap_err();
        assert!(err.outcome_unknown(), "{label}: {err}");
        assert_eq!(emu.hits(), 1, "{label}");
        assert_eq!(emu.calls().len(), 1, "{label}");
    }
}

#[tokio::test]
async fn delay_before_read_within_timeout_succeeds() {
    let emu = emulator().await;
    emu.inject(Fault::delay_before_read(Duration::from_millis(200)));
    let client = Client::new(config(&emu)).unwrap();
    client.create_ai_call(&request()).await.unwrap();
    assert_eq!(emu.calls().len(), 1);
}

#[tokio::test]
async fn signature_expire_with_server_clock_ten_minutes_ahead_is_corrected() {
    let emu = emulator().await;
    emu.set_clock_offset(600);
    let client = Client::new(config(&emu)).unwrap();
    client.create_ai_call(&request()).await.unwrap();
    assert_eq!(emu.hits(), 2, "one SignatureExpire, one corrected attempt");
    assert!((client.clock_offset() - 600).abs() <= 2, "offset {}", client.clock_offset());
    // The correction is kept: the next call needs one hit.
    client.clone().create_ai_call(&request()).await.unwrap();
    assert_eq!(emu.hits(), 3);
    assert_eq!(emu.calls().len(), 2);
}

#[tokio::test]
async fn limiter_holds_twenty_per_second_for_a_hundred_concurrent_calls() {
    let emu = emulator().await; // server-side token bucket: 20/s
    let client = Client::new(ClientConfig { max_retries: Some(0), ..config(&emu) }).unwrap();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let c = client.clone();
        tasks.spawn(async move { c.create_ai_call(&request()).await });
    }
    let mut ok = 0;
    while let Some(r) = tasks.join_next().await {
        r.unwrap().unwrap(); // any RequestLimitExceeded would surface here (no retries)
        ok += 1;
    }
    assert_eq!(ok, 100);
    assert_eq!(emu.hits(), 100);
    assert_eq!(emu.calls().len(), 100);
    assert!(started.elapsed() >= Duration::from_millis(4900), "{:?}", started.elapsed());
}

#[tokio::test]
async fn generic_request_reaches_sibling_actions() {
    let emu =
        Emulator::start(EmulatorConfig { ringing_ms: 5000, talking_ms: 5000, ..Default::default() }).await.unwrap();
    let client = Client::new(config(&emu)).unwrap();
    let r = client.create_ai_call(&request()).await.unwrap();
    let s =
        client.request("DescribeTelSession", json!({"SdkAppId": 1400000000, "SessionId": r.session_id})).await.unwrap();
    assert!(s.get("RequestId").is_some());
    assert!(serde_json::Value::Object(s.clone()).to_string().contains("ringing"), "{s:?}");
    client.request("HangUpCall", json!({"SdkAppId": 1400000000, "SessionId": r.session_id})).await.unwrap();
    let s =
        client.request("DescribeTelSession", json!({"SdkAppId": 1400000000, "SessionId": r.session_id})).await.unwrap();
    assert!(serde_json::Value::Object(s.clone()).to_string().contains("finished"), "{s:?}");
    let err = client.request("NoSuchThing", json!({})).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidAction"));
}

#[tokio::test]
async fn wrong_key_and_token_mismatch_are_authentication_errors() {
    let emu = emulator().await;
    let client = Client::new(ClientConfig { secret_key: Some("wrong".into()), ..config(&emu) }).unwrap();
    let err = client.create_ai_call(&request()).await.unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.SignatureFailure"));
    let client = Client::new(ClientConfig { token: Some("unexpected-token".into()), ..config(&emu) }).unwrap();
    let err = client.create_ai_call(&request()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(emu.calls().is_empty());
}

#[tokio::test]
async fn explicit_credentials_with_stray_spaces_and_quotes_work() {
    let emu = emulator().await;
    let client = Client::new(ClientConfig {
        secret_id: Some(format!("  \"{TEST_SECRET_ID}\" ")),
        secret_key: Some(format!("'{TEST_SECRET_KEY}'\n")),
        ..config(&emu)
    })
    .unwrap();
    client.create_ai_call(&request()).await.unwrap();
}

#[tokio::test]
async fn explicit_proxy_is_used() {
    // The endpoint's host cannot resolve (.invalid); only a request through the proxy (the emulator, which
    // answers absolute-form requests) can succeed, and it is signed for the endpoint's host.
    let emu = emulator().await;
    let client = Client::new(ClientConfig {
        endpoint: Some("http://ccc.example.invalid".into()),
        proxy: Some(emu.endpoint()),
        ..config(&emu)
    })
    .unwrap();
    client.create_ai_call(&request()).await.unwrap();
    assert_eq!(emu.calls().len(), 1);
}

#[tokio::test]
async fn cancel_before_sending_and_in_flight() {
    let emu = emulator().await;
    let client = Client::new(ClientConfig { rate_limit: Some(1.0), ..config(&emu) }).unwrap();
    client.create_ai_call(&request()).await.unwrap();
    // The limiter now holds the next call for ~1 s: cancelling then means nothing was sent.
    let token = ccc_aicall::CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        t.cancel();
    });
    let err = client.create_ai_call_cancellable(&request(), &token).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert!(!err.outcome_unknown());
    assert_eq!(emu.hits(), 1);

    let client = Client::new(ClientConfig { rate_limit: Some(0.0), ..config(&emu) }).unwrap();
    emu.inject(Fault::delay_after_read(Duration::from_millis(2000)));
    let token = ccc_aicall::CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        t.cancel();
    });
    let err = client.create_ai_call_cancellable(&request(), &token).await.unwrap_err();
    assert!(err.outcome_unknown(), "cancelled in flight: may have been placed");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "the kind says so too");
    assert_eq!(emu.calls().len(), 2);
}

/// `with_own_connections` gives a client for another runtime (the Python binding runs each thread's blocking
/// calls on a current-thread runtime of its own): separate connection pools, one rate limiter, one clock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_with_own_connections_share_the_limiter_and_the_clock_correction() {
    let emu = emulator().await; // server-side token bucket: 20/s
    emu.set_clock_offset(600);
    let client = Client::new(ClientConfig { max_retries: Some(0), ..config(&emu) }).unwrap();
    client.create_ai_call(&request()).await.unwrap();
    assert_eq!(emu.hits(), 2, "one SignatureExpire, one corrected attempt");
    let started = Instant::now();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let own = client.with_own_connections().unwrap();
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    for _ in 0..15 {
                        own.create_ai_call(&request()).await.unwrap(); // a refusal would surface (no retries)
                    }
                });
            })
        })
        .collect();
    // Joined off the runtime, which serves the emulator meanwhile.
    tokio::task::spawn_blocking(move || threads.into_iter().for_each(|t| t.join().unwrap())).await.unwrap();
    // The correction learnt by the first client: no thread needed a SignatureExpire of its own.
    assert_eq!(emu.hits(), 2 + 60);
    assert_eq!(emu.calls().len(), 61);
    // 60 calls through one 20/s limiter (the first slot was taken by the call above): about 3 s, however many pools.
    assert!(started.elapsed() >= Duration::from_millis(2900), "{:?}", started.elapsed());
}

/// Headers that cannot be sent are a configuration error when the client is built, and never echo the value.
#[test]
fn a_region_or_token_that_cannot_be_a_header_is_a_config_error() {
    let base = ClientConfig {
        secret_id: Some(TEST_SECRET_ID.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        ..Default::default()
    };
    let err = Client::new(ClientConfig { region: Some("ap-\nguangzhou".into()), ..base.clone() }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("region"), "{err}");
    let err = Client::new(ClientConfig { token: Some("tok\r\nen-secret-XYZ".into()), ..base }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("token") && !err.to_string().contains("secret-XYZ"), "{err}");
}
