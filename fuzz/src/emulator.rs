//! The `emulator` target: whole requests, signed properly or not, answered by the emulator without a socket.
//!
//! Invariants: no panic; the answer is always a service envelope that the core's own parser reads the same way
//! (an error exactly when it carries `Error`); a request that was not signed with the right key over exactly
//! its body, or that lacks the right token, never succeeds; a cleanly signed request is never refused for its
//! signature; a `CreateAICall` that succeeds has a `SessionId` and a body the core's rules accept.

use crate::gen;
use arbitrary::Arbitrary;
use ccc_aicall::signer::{self, SigningInput, CONTENT_TYPE_JSON};
use ccc_aicall::{envelope, CreateAiCallRequest, KeyCase, API_VERSION, SERVICE};
use ccc_aicall_emulator::{answer_request, Credential, EmulatorConfig, TEST_SECRET_ID, TEST_SECRET_KEY};
use hyper::http::{HeaderName, HeaderValue, Method, Request as HttpRequest};
use serde_json::Value;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

const HOST: &str = "127.0.0.1:8080";
const TEMP_ID: &str = "AKIDfuzztemporary";
const TEMP_KEY: &str = "fuzz-temporary-key";
const TEMP_TOKEN: &str = "fuzz-session-token";
const ACTIONS: [&str; 4] = ["CreateAICall", "DescribeTelSession", "HangUpCall", "createaicall"];

/// The valid requests of the shared cases, as bodies the fuzzer starts from.
fn valid_cases() -> &'static [Value] {
    static CASES: OnceLock<Vec<Value>> = OnceLock::new();
    CASES.get_or_init(|| {
        let cases: Value =
            serde_json::from_str(include_str!("../../tests/cases/requests.json")).expect("the shared cases");
        cases["valid"].as_array().expect("valid cases").iter().map(|c| c["input"].clone()).collect()
    })
}

#[derive(Arbitrary, Debug)]
pub enum Body {
    Raw(Vec<u8>),
    /// A valid shared case, with some fields set over it.
    Case(u8, Vec<(gen::Key, gen::Val)>),
    /// A generated `CreateAICall` in wire keys, so validation is reached.
    Request(gen::Request),
}

#[derive(Arbitrary, Debug)]
pub enum Signing {
    /// The test key pair over exactly this request.
    Valid,
    /// The temporary key pair, with this `X-TC-Token` (or none).
    Temporary(Option<String>),
    /// The right key over a different body.
    OtherBody,
    /// A wrong secret key.
    WrongKey,
    /// This many seconds off the clock.
    Skewed(i32),
    /// Any `Authorization` header at all.
    Raw(String),
    None,
}

#[derive(Arbitrary, Debug)]
pub struct Input {
    pub post: bool,
    pub action: u8,
    pub version_ok: bool,
    pub path: Option<String>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub signing: Signing,
    pub body: Body,
}

pub fn check(input: &Input) {
    let body = match &input.body {
        Body::Raw(bytes) => bytes.clone(),
        Body::Request(request) => request.to_value_in(KeyCase::Wire).to_string().into_bytes(),
        Body::Case(index, overrides) => {
            let cases = valid_cases();
            let mut case = cases[usize::from(*index) % cases.len()].as_object().cloned().unwrap_or_default();
            gen::apply(&mut case, overrides, KeyCase::Wire);
            Value::Object(case).to_string().into_bytes()
        }
    };
    let method = if input.post { Method::POST } else { Method::GET };
    let action = ACTIONS[usize::from(input.action) % ACTIONS.len()];
    let version = if input.version_ok { API_VERSION } else { "2017-03-12" };
    let mut builder = HttpRequest::builder()
        .method(method.clone())
        .uri(input.path.as_deref().filter(|p| p.starts_with('/')).unwrap_or("/"))
        .header("host", HOST)
        .header("content-type", CONTENT_TYPE_JSON)
        .header("x-tc-action", action)
        .header("x-tc-version", version);
    for (name, value) in &input.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(value)) {
            builder = builder.header(name, value);
        }
    }
    let Ok(request) = builder.body(()) else { return };
    let (mut parts, ()) = request.into_parts();

    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let (path, query) = (parts.uri.path().to_string(), parts.uri.query().unwrap_or("").to_string());
    let sign = |id: &str, key: &str, payload: &[u8], timestamp: i64| {
        let headers = [("content-type", CONTENT_TYPE_JSON), ("host", HOST)];
        let input = SigningInput {
            method: method.as_str(),
            path: &path,
            query: &query,
            headers: &headers,
            payload,
            service: SERVICE,
            timestamp,
        };
        signer::sign(id, key, &input).authorization
    };
    let (timestamp, authorization, token) = match &input.signing {
        Signing::Valid => (now, Some(sign(TEST_SECRET_ID, TEST_SECRET_KEY, &body, now)), None),
        Signing::Temporary(token) => (now, Some(sign(TEMP_ID, TEMP_KEY, &body, now)), token.clone()),
        Signing::OtherBody => {
            let mut other = body.clone();
            other.push(b' ');
            (now, Some(sign(TEST_SECRET_ID, TEST_SECRET_KEY, &other, now)), None)
        }
        Signing::WrongKey => (now, Some(sign(TEST_SECRET_ID, "not-the-key", &body, now)), None),
        Signing::Skewed(secs) => {
            let at = now + i64::from(*secs);
            (at, Some(sign(TEST_SECRET_ID, TEST_SECRET_KEY, &body, at)), None)
        }
        Signing::Raw(text) => (now, Some(text.clone()), None),
        Signing::None => (now, None, None),
    };
    // Appended after the fuzzer's headers: where both are present the emulator reads the fuzzer's, first.
    let timestamp = timestamp.to_string();
    parts.headers.append("x-tc-timestamp", HeaderValue::from_str(&timestamp).expect("digits"));
    if let Some(auth) = authorization.as_deref().and_then(|a| HeaderValue::from_str(a).ok()) {
        parts.headers.append("authorization", auth);
    }
    if let Some(token) = token.as_deref().and_then(|t| HeaderValue::from_str(t).ok()) {
        parts.headers.append("x-tc-token", token);
    }

    let config = EmulatorConfig {
        credentials: vec![Credential::test(), Credential::new(TEMP_ID, TEMP_KEY).with_token(TEMP_TOKEN)],
        ..EmulatorConfig::default()
    };
    let answer = answer_request(&config, &parts, &body);

    let response = answer.get("Response").and_then(Value::as_object).expect("an answer without a Response object");
    let request_id = response.get("RequestId").and_then(Value::as_str).unwrap_or_default();
    assert!(!request_id.is_empty(), "an answer without a RequestId: {answer}");
    let error_code = response.get("Error").map(|e| e.get("Code").and_then(Value::as_str).unwrap_or_default());
    let parsed = envelope::parse(200, answer.to_string().as_bytes());
    match (&error_code, &parsed) {
        (None, Ok(_)) => {}
        (Some(code), Err(err)) => assert_eq!(err.code(), Some(*code), "the core reads another code: {answer}"),
        _ => panic!("the core's parser disagrees with the emulator's answer {answer}: {parsed:?}"),
    }

    // What the emulator saw: the first value of each header.
    let seen = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let sent_token = seen("x-tc-token").map(str::trim).filter(|t| !t.is_empty());
    let signed_ok = match &input.signing {
        Signing::Valid => sent_token.is_none(),
        Signing::Temporary(_) => sent_token == Some(TEMP_TOKEN),
        // The emulator reads its clock a moment after ours: 301 s may still pass.
        Signing::Skewed(secs) => sent_token.is_none() && secs.unsigned_abs() <= 301,
        _ => false,
    };
    let rightly_signed = signed_ok
        && authorization.is_some()
        && seen("authorization") == authorization.as_deref()
        && seen("x-tc-timestamp") == Some(timestamp.as_str());
    if error_code.is_none() {
        assert!(rightly_signed, "a request not signed rightly was answered with success: {answer}\n{input:?}");
    }
    let untouched = !input.headers.iter().any(|(name, _)| {
        let name = name.to_ascii_lowercase();
        ["authorization", "x-tc-timestamp", "x-tc-token", "host", "content-type"].contains(&name.as_str())
    });
    if matches!(input.signing, Signing::Valid) && untouched {
        let refused = error_code.is_some_and(|c| c.starts_with("AuthFailure"));
        assert!(!refused, "a cleanly signed request was refused: {answer}\n{input:?}");
    }
    if error_code.is_none() && action == "CreateAICall" {
        assert!(
            response.get("SessionId").and_then(Value::as_str).is_some_and(|s| !s.is_empty()),
            "no SessionId: {answer}"
        );
        let value: Value = serde_json::from_slice(&body).expect("an accepted body is JSON");
        let request = CreateAiCallRequest::from_value(value, KeyCase::Wire).expect("an accepted body reads");
        assert!(request.validate().is_ok(), "an accepted body breaks the core's rules");
    }
}
