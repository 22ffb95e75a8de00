//! The shared fault matrix (`tests/cases/fault_matrix.json`) run through the core client against the emulator.
//! Used by `fault_matrix.rs` (the test pair) and `fault_matrix_leaks.rs` (secrets everywhere, a capture logger).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ccc_aicall::{Client, ClientConfig, CreateAiCallRequest, Error, KeyCase};
use ccc_aicall_emulator::{Credential, Emulator, EmulatorConfig, Fault, TEST_SECRET_ID, TEST_SECRET_KEY};
use serde_json::{json, Value};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the repository").to_path_buf()
}

pub fn load() -> Value {
    let path = repo().join("tests/cases/fault_matrix.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("the fault matrix")).expect("JSON")
}

/// What goes into the secret fields: the emulator's test pair, or the leak check's distinctive strings.
pub struct Secrets {
    pub secret_id: String,
    pub secret_key: String,
    pub token: Option<String>,
    pub wrong_secret_key: String,
    pub api_key: Option<String>,
    pub tts: Vec<Value>,
}

impl Secrets {
    pub fn test_pair() -> Self {
        Secrets {
            secret_id: TEST_SECRET_ID.into(),
            secret_key: TEST_SECRET_KEY.into(),
            token: None,
            wrong_secret_key: "not-the-emulator-key".into(),
            api_key: None,
            tts: Vec::new(),
        }
    }

    pub fn leak_check(doc: &Value) -> Self {
        let leak = &doc["leak_check"];
        let text = |k: &str| leak[k].as_str().expect(k).to_string();
        Secrets {
            secret_id: text("secret_id"),
            secret_key: text("secret_key"),
            token: Some(text("token")),
            wrong_secret_key: text("wrong_secret_key"),
            api_key: Some(text("api_key")),
            tts: leak["tts"].as_array().expect("tts").clone(),
        }
    }

    fn credential(&self) -> Credential {
        let c = Credential::new(&self.secret_id, &self.secret_key);
        match &self.token {
            Some(t) => c.with_token(t),
            None => c,
        }
    }
}

/// What a run measured, row by row, and every text it could show a person (to scan for secrets).
pub struct Run {
    pub rows: Vec<Value>,
    pub texts: Vec<String>,
}

fn rust_class(e: &Error) -> String {
    format!("{:?}", e.kind())
}

fn request_for(doc: &Value, index: usize, secrets: &Secrets) -> CreateAiCallRequest {
    let mut wire = doc["request"].clone();
    if let Some(key) = &secrets.api_key {
        wire["APIKey"] = json!(key);
    }
    if !secrets.tts.is_empty() {
        wire.as_object_mut().expect("an object").remove("VoiceType");
        wire["CustomTTSConfig"] = secrets.tts[index % secrets.tts.len()].clone();
    }
    CreateAiCallRequest::from_value(wire, KeyCase::Wire).expect("the matrix's request is valid")
}

fn ms(v: &Value) -> Option<Duration> {
    v.as_u64().map(Duration::from_millis)
}

/// Run every row in order; one fresh client per row, so that no pooled connection carries over.
pub async fn run(doc: &Value, secrets: &Secrets) -> Run {
    let config =
        |tls| EmulatorConfig { rate_limit: 0.0, credentials: vec![secrets.credential()], tls, ..Default::default() };
    let plain = Emulator::start(config(false)).await.expect("emulator");
    let tls = Emulator::start(config(true)).await.expect("TLS emulator");
    let ca_file =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("fault-matrix-ca-{}.pem", std::process::id()));
    std::fs::write(&ca_file, tls.ca_pem().expect("a CA")).expect("write the CA");

    let defaults = &doc["client_defaults"];
    let mut rows = Vec::new();
    let mut texts = Vec::new();
    for (index, row) in doc["rows"].as_array().expect("rows").iter().enumerate() {
        let id = row["id"].as_str().expect("id");
        let provoke = &row["provoke"];
        let opt = |k: &str| if row["client"][k].is_null() { defaults[k].clone() } else { row["client"][k].clone() };
        let kind = provoke["kind"].as_str().expect("provoke.kind");
        let emu = if kind == "tls" { &tls } else { &plain };
        emu.reset();
        emu.set_clock_offset(provoke["clock_offset"].as_i64().unwrap_or(0));
        for fault in provoke["faults"].as_array().into_iter().flatten() {
            emu.inject(Fault::from_value(fault.clone()).expect("a fault"));
        }
        let endpoint = match kind {
            "emulator" | "tls" => emu.endpoint(),
            "refused" => {
                let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
                format!("http://127.0.0.1:{port}")
            }
            "dns" => "http://ccc-aicall-fault-matrix.invalid:8080".to_string(),
            other => panic!("{id}: unknown provoke kind {other}"),
        };
        let wrong_key = provoke["wrong_secret_key"].as_bool().unwrap_or(false);
        let client_config = ClientConfig {
            secret_id: Some(secrets.secret_id.clone()),
            secret_key: Some(if wrong_key { secrets.wrong_secret_key.clone() } else { secrets.secret_key.clone() }),
            token: secrets.token.clone(),
            endpoint: Some(endpoint),
            max_retries: opt("max_retries").as_u64().map(|n| n as u32),
            rate_limit: opt("rate_limit").as_f64(),
            timeout: ms(&opt("timeout_ms")),
            connect_timeout: ms(&opt("connect_timeout_ms")),
            ca_file: (provoke["trust_ca"] == json!(true)).then(|| ca_file.clone()),
            ..Default::default()
        };
        let request = request_for(doc, index, secrets);
        let client = Client::new(client_config.clone()).expect("client");
        texts.extend([
            format!("{client:?}"),
            format!("{client_config:?}"),
            format!("{request:?}"),
            format!("{:?}", client.config()),
        ]);

        let calls = row["calls"].as_u64().unwrap_or(1) as usize;
        let started = Instant::now();
        let tasks: Vec<_> = (0..calls)
            .map(|_| {
                let (client, request) = (client.clone(), request.clone());
                tokio::spawn(async move { client.create_ai_call(&request).await })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("the call's task"));
        }
        let duration = started.elapsed();
        if let Some(settle) = ms(&provoke["settle_ms"]) {
            tokio::time::sleep(settle.saturating_sub(started.elapsed())).await;
        }
        let first_error = results.iter().find_map(|r| r.as_ref().err());
        for r in &results {
            match r {
                Ok(ok) => texts.push(format!("{ok:?}")),
                Err(e) => texts.extend([e.to_string(), format!("{e:?}"), e.message()]),
            }
        }
        let placed = emu.calls().len();
        let hits = if matches!(kind, "emulator" | "tls") { emu.hits() } else { plain.hits() };
        rows.push(json!({
            "id": id,
            "calls": calls,
            "error": first_error.map(rust_class),
            "code": first_error.and_then(|e| e.code()),
            "outcome_unknown": first_error.map(|e| e.outcome_unknown()),
            "http_status": first_error.and_then(|e| e.http_status()),
            "succeeded": results.iter().filter(|r| r.is_ok()).count(),
            "placed": placed,
            "hits": hits,
            "duration_ms": duration.as_millis() as u64,
        }));
        emu.set_clock_offset(0);
    }
    let _ = std::fs::remove_file(&ca_file);
    Run { rows, texts }
}

/// Every way a measured row differs from its expectation; the invariant placed <= calls first.
pub fn problems(doc: &Value, measured: &[Value], lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (row, got) in doc["rows"].as_array().expect("rows").iter().zip(measured) {
        let id = row["id"].as_str().unwrap_or("?");
        let expect = &row["expect"];
        if got["placed"].as_u64() > got["calls"].as_u64() {
            out.push(format!("{id}: INVARIANT BROKEN: placed {} > calls {}", got["placed"], got["calls"]));
        }
        let want_error = if expect["error"].is_null() { Value::Null } else { expect["error"][lang].clone() };
        let mut check = |what: &str, want: &Value, have: &Value| {
            if want != have {
                out.push(format!("{id}: {what} expected {want}, got {have}"));
            }
        };
        check("error", &want_error, &got["error"]);
        check("outcome_unknown", &expect["outcome_unknown"], &got["outcome_unknown"]);
        check("placed", &expect["placed"], &got["placed"]);
        check("hits", &expect["hits"], &got["hits"]);
        if !expect["code"].is_null() {
            check("code", &expect["code"], &got["code"]);
        }
        if !expect["http_status"].is_null() {
            check("http_status", &expect["http_status"], &got["http_status"]);
        }
        if expect["error"].is_null() {
            check("succeeded", &row["calls"], &got["succeeded"]);
        }
    }
    out
}

/// `target/reliability/<name>.json` at the repository's root, for `tests/reliability/report.py`.
pub fn write_report(name: &str, value: &Value) {
    let dir = repo().join("target/reliability");
    std::fs::create_dir_all(&dir).expect("target/reliability");
    std::fs::write(dir.join(format!("{name}.json")), serde_json::to_string_pretty(value).unwrap() + "\n")
        .expect("write the report");
}
