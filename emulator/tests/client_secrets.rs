//! No secret ever appears in a log line, an error message or a Debug output, whatever happens.
//! Its own test binary, because it installs the process-wide logger.

use ccc_aicall::tts::{CustomTtsConfig, TencentTts};
use ccc_aicall::{Client, ClientConfig, CreateAiCallRequest};
use ccc_aicall_emulator::{Credential, Emulator, EmulatorConfig, Fault};
use std::sync::Mutex;
use std::time::Duration;

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;
impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        LINES.lock().unwrap().push(format!("{} {}", record.target(), record.args()));
    }
    fn flush(&self) {}
}

const SECRETS: [&str; 10] = [
    "SECRETKEY-LEAK-7f3a",
    "TOKEN-LEAK-91bc",
    "APIKEY-LEAK-55de",
    "TTSKEY-LEAK-0a0a",
    "TTSID-LEAK-c0c0",
    "PROXYPASS-LEAK-1e1e",
    "ENDPOINTPASS-LEAK-2f2f",
    "URLKEY-LEAK-3a3a",
    "BODYKEY-LEAK-4b4b",
    "VENDORKEY-LEAK-5c5c",
];

#[tokio::test]
async fn secrets_never_leave_in_text() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let emu = Emulator::start(EmulatorConfig {
        credentials: vec![Credential::new("AKIDleakcheck", SECRETS[0]).with_token(SECRETS[1])],
        ..Default::default()
    })
    .await
    .unwrap();
    let config = ClientConfig {
        secret_id: Some("AKIDleakcheck".into()),
        secret_key: Some(SECRETS[0].into()),
        token: Some(SECRETS[1].into()),
        endpoint: Some(emu.endpoint()),
        timeout: Some(Duration::from_millis(300)),
        ..Default::default()
    };
    let client = Client::new(config.clone()).unwrap();
    let request = CreateAiCallRequest {
        sdk_app_id: 1400000000,
        callee: "008613012345678".into(),
        llm_type: "openai".into(),
        api_key: SECRETS[2].into(),
        // A key in the URL's query and one in the LLM's extra body, as some providers and gateways take them.
        api_url: format!("https://llm.example.com/v1/?api-key={}", SECRETS[7]),
        llm_extra_body: Some(format!("{{\"max_tokens\": 64, \"api_key\": \"{}\"}}", SECRETS[8])),
        system_prompt: Some("p".into()),
        model: Some("m".into()),
        custom_tts_config: Some(CustomTtsConfig::Tencent(TencentTts {
            app_id: "1300000000".into(),
            secret_id: SECRETS[4].into(),
            secret_key: SECRETS[3].into(),
            voice_type: 101001,
            extra: [("VendorAccessCode".to_string(), SECRETS[9].into())].into_iter().collect(),
            ..Default::default()
        })),
        ..Default::default()
    };
    let mut texts =
        vec![format!("{client:?}"), format!("{config:?}"), format!("{request:?}"), format!("{:?}", client.config())];
    // A proxy's password (only resolved, never used: nothing listens there) and an endpoint's.
    let proxied = ClientConfig { proxy: Some(format!("http://user:{}@127.0.0.1:9", SECRETS[5])), ..config.clone() };
    texts.push(format!("{proxied:?}"));
    texts.push(format!("{:?}", proxied.resolve().unwrap()));
    for endpoint in [format!("http://:{}@127.0.0.1:9", SECRETS[6]), format!("http://u:{}@[bad", SECRETS[6])] {
        let e = Client::new(ClientConfig { endpoint: Some(endpoint), ..config.clone() }).unwrap_err();
        texts.push(e.to_string());
        texts.push(format!("{e:?}"));
    }
    let ok = client.create_ai_call(&request).await.unwrap();
    texts.push(format!("{ok:?}"));
    let faults = [
        Fault::error("AuthFailure.SignatureFailure"),
        Fault::error("InternalError"),
        Fault::error("RequestLimitExceeded"),
        Fault::http_status(502),
        Fault::close_after_read(),
        Fault::malformed_body(),
        Fault::truncated_body(),
        Fault::delay_after_read(Duration::from_millis(800)),
    ];
    for fault in faults {
        emu.inject(fault);
        if let Err(e) = client.create_ai_call(&request).await {
            texts.push(e.to_string());
            texts.push(format!("{e:?}"));
        }
    }
    let bad = CreateAiCallRequest { vad_level: Some(99), callee: SECRETS[2].into(), ..request.clone() };
    let e = client.create_ai_call(&bad).await.unwrap_err();
    texts.push(e.to_string());
    texts.push(format!("{e:?}"));
    let wrong = Client::new(ClientConfig { secret_key: Some("wrong-key".into()), ..config }).unwrap();
    let e = wrong.create_ai_call(&request).await.unwrap_err();
    texts.push(e.to_string());

    let lines = LINES.lock().unwrap().clone();
    assert!(lines.iter().any(|l| l.contains("attempt=")), "attempt lines are logged: {lines:?}");
    let mut leaks = Vec::new();
    for text in texts.iter().chain(lines.iter()) {
        for s in SECRETS {
            if text.contains(s) {
                leaks.push(format!("{s} in: {text}"));
            }
        }
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
}
