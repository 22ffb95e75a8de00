//! `--tls --ca-out FILE`: the binary serves https with a certificate only its CA (written to FILE) vouches for.
//! (In process, the fault matrix's TLS rows cover `EmulatorConfig.tls` and `Emulator::ca_pem`.)

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use ccc_aicall::{Client, ClientConfig, CreateAiCallRequest, ErrorKind, KeyCase};
use ccc_aicall_emulator::{TEST_SECRET_ID, TEST_SECRET_KEY};
use serde_json::json;

/// The emulator process, killed however the test ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_https_trusted_through_the_ca_it_writes() {
    let ca_out =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("tls-binary-ca-{}.pem", std::process::id()));
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_ccc-aicall-emulator"))
            .args(["--tls", "--ca-out", ca_out.to_str().unwrap()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the emulator binary"),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let endpoint = line.trim().strip_prefix("listening on ").expect("the listening line").to_string();
    assert!(endpoint.starts_with("https://127.0.0.1:"), "{endpoint}");
    assert!(std::fs::read_to_string(&ca_out).unwrap().starts_with("-----BEGIN CERTIFICATE-----"));

    let request = CreateAiCallRequest::from_value(
        json!({"SdkAppId": 1400000000, "Callee": "008613012345678", "LLMType": "openai", "APIKey": "sk-test",
               "APIUrl": "https://api.openai.com/v1/", "SystemPrompt": "p", "Model": "m"}),
        KeyCase::Wire,
    )
    .unwrap();
    let config = |ca_file| ClientConfig {
        secret_id: Some(TEST_SECRET_ID.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        endpoint: Some(endpoint.clone()),
        max_retries: Some(0),
        ca_file,
        ..Default::default()
    };
    let untrusted = Client::new(config(None)).unwrap().create_ai_call(&request).await.unwrap_err();
    let trusted = Client::new(config(Some(ca_out.clone()))).unwrap().create_ai_call(&request).await;
    drop(child);
    let _ = std::fs::remove_file(&ca_out);
    assert_eq!((untrusted.kind(), untrusted.outcome_unknown()), (ErrorKind::Connection, false), "{untrusted}");
    assert!(trusted.is_ok(), "{trusted:?}");
}
