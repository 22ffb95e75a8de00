//! Conformance: our signer against the official SDK's own signing code (tencentcloud-sdk-python-common).
//!
//! Runs when CCC_ORACLE_PYTHON names a Python with that package installed (`make test` sets it to the test
//! virtualenv); without it the test says so and does nothing, so plain `cargo test` works offline.

use ccc_aicall::signer::{self, SigningInput, CONTENT_TYPE_JSON};
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

fn oracle(cases: &Value) -> Option<Vec<Value>> {
    let Ok(python) = std::env::var("CCC_ORACLE_PYTHON") else {
        eprintln!("CCC_ORACLE_PYTHON is not set: skipping the official-SDK oracle (make test runs it)");
        return None;
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/conformance/official_sign.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the oracle python");
    child.stdin.take().unwrap().write_all(cases.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the official SDK oracle failed");
    Some(serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap())
}

fn ours(
    secret_id: &str,
    secret_key: &str,
    host: &str,
    content_type: &str,
    body: &str,
    ts: i64,
    service: &str,
) -> String {
    let headers = [("content-type", content_type), ("host", host)];
    signer::sign(
        secret_id,
        secret_key,
        &SigningInput {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            payload: body.as_bytes(),
            service,
            timestamp: ts,
        },
    )
    .authorization
}

const CREATE_AI_CALL: &str = concat!(
    r#"{"SdkAppId":1400000000,"Callee":"008613012345678","LLMType":"openai","APIKey":"sk-x","#,
    r#""APIUrl":"https://api.openai.com/v1/","SystemPrompt":"你是人民医院的李医生，正在随访。","#,
    r#""Model":"gpt-4o-mini","VoiceType":"ZhiXi","EndFunctionEnable":true}"#,
);

#[test]
fn signatures_match_the_official_sdk() {
    let bodies = [
        "{}",
        CREATE_AI_CALL,
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#,
        r#"{"SdkAppId":1400000000,"SessionId":"6bb56a09278740bc80c5dc6dab783eff"}"#,
        "{\"SystemPrompt\":\"emoji 📞 and newlines\\n\\t and quotes \\\"\"}",
    ];
    let hosts = ["ccc.intl.tencentcloudapi.com", "ccc.tencentcloudapi.com", "127.0.0.1:8080", "localhost:49152"];
    let keys = [
        ("AKIDccc000", "plainkey"),
        ("AKID*****", "Gu5t9xGARNpq86cd98joQYCN3*******"),
        ("AKID2", "key with spaces and ünïcode"),
    ];
    let content_types = [CONTENT_TYPE_JSON, "application/json"];
    let timestamps = [1551113065i64, 1700000000, 1795000000 + 86399];
    let mut cases = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        for (j, host) in hosts.iter().enumerate() {
            let (id, key) = keys[(i + j) % keys.len()];
            cases.push(json!({"mode": "signature", "secret_id": id, "secret_key": key, "host": host,
                "content_type": content_types[(i + j) % 2], "body": body, "timestamp": timestamps[(i * 3 + j) % 3],
                "service": "ccc"}));
        }
    }
    let Some(results) = oracle(&Value::Array(cases.clone())) else { return };
    assert_eq!(results.len(), cases.len());
    for (case, official) in cases.iter().zip(&results) {
        let s = |k: &str| case[k].as_str().unwrap();
        let mine = ours(
            s("secret_id"),
            s("secret_key"),
            s("host"),
            s("content_type"),
            s("body"),
            case["timestamp"].as_i64().unwrap(),
            "ccc",
        );
        assert_eq!(mine, official["authorization"].as_str().unwrap(), "case {case}");
    }
    eprintln!("{} signatures identical to the official SDK's", results.len());
}

#[test]
fn official_client_requests_verify_with_our_signer() {
    // The official client builds everything (body bytes, headers, Authorization); we recompute from what it sent.
    let cases: Vec<Value> = [
        ("ccc.tencentcloudapi.com", None, None, 1551113065i64),
        ("127.0.0.1:18080", Some("ap-singapore"), Some("a-temporary-token"), 1700000000),
        ("ccc.intl.tencentcloudapi.com", None, Some("tok"), 1795086399),
    ]
    .iter()
    .map(|(host, region, token, ts)| {
        json!({"mode": "client", "secret_id": "AKIDoracle", "secret_key": "oracle-key", "token": token,
               "region": region, "host": host, "timestamp": ts, "action": "CreateAICall",
               "params": serde_json::from_str::<Value>(CREATE_AI_CALL).unwrap()})
    })
    .collect();
    let Some(results) = oracle(&Value::Array(cases.clone())) else { return };
    for (case, built) in cases.iter().zip(&results) {
        let h = &built["headers"];
        let body = built["body"].as_str().unwrap();
        let mine = ours(
            "AKIDoracle",
            "oracle-key",
            h["Host"].as_str().unwrap(),
            h["Content-Type"].as_str().unwrap(),
            body,
            h["X-TC-Timestamp"].as_str().unwrap().parse().unwrap(),
            "ccc",
        );
        assert_eq!(mine, h["Authorization"].as_str().unwrap(), "case {case}");
        assert_eq!(h["X-TC-Action"], "CreateAICall");
        if let Some(token) = case["token"].as_str() {
            assert_eq!(h["X-TC-Token"], token);
        }
    }
}
