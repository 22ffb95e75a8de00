//! Signing requests with the core signer and sending them with a plain HTTP client.
#![allow(dead_code)]

pub mod receiver;
pub mod redis;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ccc_aicall::signer::{self, SigningInput};
use ccc_aicall_emulator::{Emulator, EmulatorConfig, TEST_SECRET_ID, TEST_SECRET_KEY};
use serde_json::{json, Value};

pub const SDK_APP_ID: u64 = 1400000000;

/// A CreateAICall body that every rule accepts.
pub fn valid_call() -> Value {
    json!({
        "SdkAppId": SDK_APP_ID,
        "Callee": "008613012345678",
        "LLMType": "openai",
        "APIKey": "sk-test-not-a-real-key",
        "APIUrl": "https://api.openai.com/v1/",
        "SystemPrompt": "You are a polite assistant confirming an appointment.",
        "Model": "gpt-4o-mini",
        "Callers": ["008675500000000"],
    })
}

/// A typed CreateAICall request to `callee` that every rule accepts.
pub fn call_to(callee: impl Into<String>) -> ccc_aicall::CreateAiCallRequest {
    ccc_aicall::CreateAiCallRequest {
        sdk_app_id: SDK_APP_ID,
        callee: callee.into(),
        llm_type: "openai".into(),
        api_key: "sk-test".into(),
        api_url: "https://api.openai.com/v1/".into(),
        system_prompt: Some("Remind the patient of the appointment.".into()),
        model: Some("gpt-4o-mini".into()),
        ..Default::default()
    }
}

pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

pub async fn start() -> Emulator {
    start_with(EmulatorConfig::default()).await
}

pub async fn start_with(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("emulator starts")
}

/// One request, signed the way a client would, with knobs to get each part wrong.
#[derive(Clone)]
pub struct Call {
    pub action: Option<String>,
    pub version: Option<String>,
    pub body: Vec<u8>,
    pub secret_id: String,
    pub secret_key: String,
    pub token: Option<String>,
    /// X-TC-Timestamp as sent.
    pub timestamp: i64,
    /// The timestamp the signature (and its scope date) is computed for, when it differs.
    pub signed_timestamp: Option<i64>,
    pub service: String,
    pub content_type: String,
    /// `Some(true)`: sign the host with its port; `Some(false)`: without; `None`: sign `signed_host`.
    pub host_with_port: bool,
    pub signed_host: Option<String>,
    /// Extra headers, signed with the value in `.1` and sent with the value in `.2`.
    pub extra_signed: Vec<(String, String, String)>,
    /// Replace the Authorization header (`Some("")` sends none).
    pub authorization: Option<String>,
    /// Change the body after signing.
    pub tampered_body: Option<Vec<u8>>,
}

impl Call {
    pub fn new(action: &str, body: &Value) -> Self {
        Call {
            action: Some(action.to_string()),
            version: Some("2020-02-10".to_string()),
            body: body.to_string().into_bytes(),
            secret_id: TEST_SECRET_ID.to_string(),
            secret_key: TEST_SECRET_KEY.to_string(),
            token: None,
            timestamp: now(),
            signed_timestamp: None,
            service: "ccc".to_string(),
            content_type: "application/json; charset=utf-8".to_string(),
            host_with_port: true,
            signed_host: None,
            extra_signed: Vec::new(),
            authorization: None,
            tampered_body: None,
        }
    }

    pub fn create(body: &Value) -> Self {
        Call::new("CreateAICall", body)
    }

    pub fn raw_body(mut self, body: &[u8]) -> Self {
        self.body = body.to_vec();
        self
    }

    pub fn with(mut self, f: impl FnOnce(&mut Call)) -> Self {
        f(&mut self);
        self
    }

    pub async fn send(&self, emu: &Emulator) -> Answer {
        self.send_to(emu, Duration::from_secs(10)).await.expect("an HTTP answer")
    }

    pub async fn send_to(&self, emu: &Emulator, timeout: Duration) -> Result<Answer, reqwest::Error> {
        let client = reqwest::Client::builder().timeout(timeout).no_proxy().build()?;
        self.send_with(&client, emu).await
    }

    pub async fn send_with(&self, client: &reqwest::Client, emu: &Emulator) -> Result<Answer, reqwest::Error> {
        let host_port = format!("127.0.0.1:{}", emu.port());
        let host = match &self.signed_host {
            Some(h) => h.clone(),
            None if self.host_with_port => host_port.clone(),
            None => "127.0.0.1".to_string(),
        };
        let mut headers: Vec<(&str, &str)> = vec![("content-type", &self.content_type), ("host", &host)];
        for (name, signed_value, _) in &self.extra_signed {
            headers.push((name, signed_value));
        }
        let signed = signer::sign(
            &self.secret_id,
            &self.secret_key,
            &SigningInput {
                method: "POST",
                path: "/",
                query: "",
                headers: &headers,
                payload: &self.body,
                service: &self.service,
                timestamp: self.signed_timestamp.unwrap_or(self.timestamp),
            },
        );
        let mut req = client
            .post(format!("{}/", emu.endpoint()))
            .header("Content-Type", &self.content_type)
            .header("X-TC-Timestamp", self.timestamp.to_string())
            .body(self.tampered_body.clone().unwrap_or_else(|| self.body.clone()));
        if let Some(a) = &self.action {
            req = req.header("X-TC-Action", a);
        }
        if let Some(v) = &self.version {
            req = req.header("X-TC-Version", v);
        }
        if let Some(t) = &self.token {
            req = req.header("X-TC-Token", t);
        }
        for (name, _, sent_value) in &self.extra_signed {
            req = req.header(name.as_str(), sent_value.as_str());
        }
        match self.authorization.as_deref() {
            Some("") => {}
            Some(a) => req = req.header("Authorization", a),
            None => req = req.header("Authorization", &signed.authorization),
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let header = |n: &str| resp.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (date, content_type) = (header("date"), header("content-type"));
        let text = resp.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Answer { status, date, content_type, text, body })
    }
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub date: Option<String>,
    pub content_type: Option<String>,
    pub text: String,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> Option<&str> {
        self.body.pointer("/Response/Error/Code").and_then(Value::as_str)
    }

    pub fn message(&self) -> &str {
        self.body.pointer("/Response/Error/Message").and_then(Value::as_str).unwrap_or_default()
    }

    pub fn session_id(&self) -> Option<&str> {
        self.body.pointer("/Response/SessionId").and_then(Value::as_str)
    }

    pub fn request_id(&self) -> &str {
        self.body.pointer("/Response/RequestId").and_then(Value::as_str).unwrap_or_default()
    }

    /// The service's error envelope with this code, as HTTP 200 JSON with a Date header.
    #[track_caller]
    pub fn assert_error(&self, code: &str) {
        assert_eq!(self.code(), Some(code), "{}", self.text);
        assert_eq!(self.status, 200);
        assert_eq!(self.content_type.as_deref(), Some("application/json"));
        assert!(self.date.is_some(), "every answer has a Date");
        assert!(!self.request_id().is_empty());
    }

    #[track_caller]
    pub fn assert_ok(&self) {
        assert_eq!(self.status, 200, "{}", self.text);
        assert!(self.code().is_none(), "{}", self.text);
        assert!(self.date.is_some(), "every answer has a Date");
        assert!(!self.request_id().is_empty());
    }

    /// The answer's `Date` as seconds since the epoch.
    pub fn date_secs(&self) -> i64 {
        let date = self.date.as_deref().expect("a Date header");
        let t = httpdate::parse_http_date(date).expect("an HTTP date");
        t.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    }
}

/// An emulator with its rate limits off, for tests that poll faster than the service allows.
pub async fn start_unlimited() -> Emulator {
    start_with(EmulatorConfig { rate_limit: 0.0, ..EmulatorConfig::default() }).await
}

/// A core client of `emu` with its own rate limiter off and, optionally, a request timeout.
pub fn unlimited_client(emu: &Emulator, timeout: Option<Duration>) -> ccc_aicall::Client {
    ccc_aicall::Client::new(ccc_aicall::ClientConfig {
        secret_id: Some(TEST_SECRET_ID.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        endpoint: Some(emu.endpoint()),
        rate_limit: Some(0.0),
        timeout,
        ..Default::default()
    })
    .expect("a client of the emulator")
}
