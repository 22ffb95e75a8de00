//! `ccc-aicall-emulator`: serve the emulator until killed.
//!
//! Prints exactly one line, `listening on http://HOST:PORT`, once it accepts connections.

use std::io::Write;
use std::process::ExitCode;

use ccc_aicall_emulator::{Credential, Emulator, EmulatorConfig, Fault, PushConfig, TEST_SECRET_ID, TEST_SECRET_KEY};

const USAGE: &str = concat!(
    "usage: ccc-aicall-emulator [--host 127.0.0.1] [--port 0] [--secret-id ID --secret-key KEY] [--token T]",
    r#"
                           [--rate-limit N] [--clock-offset SECS] [--ringing-ms MS] [--talking-ms MS]
                           [--fault JSON]... [--tls [--ca-out FILE]] [--push-url URL | --push JSON]

A local emulator of Tencent Cloud Contact Center's CreateAICall service and the actions after a call
(DescribeTelSession, DescribeTelCdr, DescribeTelRecordAsr, DescribeAICallExtractResult, HangUpCall,
ControlAIConversation, TransferToManual); script how calls go with POST /__emulator/scripts.
Without --secret-id/--secret-key it accepts the test pair
  SecretId  AKIDccclocalemulatortestid00000000
  SecretKey ccc-local-emulator-test-secret-key
Port 0 picks a free port; the first line on stdout says which: `listening on http://127.0.0.1:PORT`.
--fault queues a scripted fault, e.g. --fault '{"kind":"error","code":"InternalError","times":2}'.
--tls serves https with a certificate signed by a CA made at start; --ca-out FILE writes that CA's PEM
(trust it with the client's ca_file) before the `listening` line.
--push-url pushes every finished call's record (and recording) to URL?action=cdr&version=1 (record) as the
service's Data Push does; --push takes the settings as JSON, e.g. '{"url":"http://127.0.0.1:8000/ccc",
"auth":{"type":"basic","username":"u","password":"p"},"duplicate":true}' (also POST /__emulator/push)."#,
);

/// What the command line asks for besides the emulator's configuration.
#[derive(Debug, Default, PartialEq)]
struct Extra {
    faults: Vec<Fault>,
    /// Where to write the TLS CA's PEM.
    ca_out: Option<String>,
    push: Option<PushConfig>,
}

fn parse(args: impl Iterator<Item = String>) -> Result<(EmulatorConfig, Extra), String> {
    let mut config = EmulatorConfig::default();
    let mut faults = Vec::new();
    let mut ca_out = None;
    let mut push = None;
    let (mut id, mut key, mut token) = (None, None, None);
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (flag.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Err(String::new());
        }
        if name == "--tls" && inline.is_none() {
            config.tls = true;
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => args.next().ok_or_else(|| format!("{name} needs a value"))?,
        };
        let number = |what: &str| format!("{name} takes {what}, got `{value}`");
        match name.as_str() {
            "--host" => config.host = value,
            "--port" => config.port = value.parse().map_err(|_| number("a port number"))?,
            "--secret-id" => id = Some(value),
            "--secret-key" => key = Some(value),
            "--token" => token = Some(value),
            "--rate-limit" => {
                config.rate_limit = value
                    .parse()
                    .ok()
                    .filter(|r: &f64| r.is_finite() && *r >= 0.0)
                    .ok_or_else(|| number("requests per second (0 disables)"))?
            }
            "--clock-offset" => config.clock_offset_secs = value.parse().map_err(|_| number("whole seconds"))?,
            "--ringing-ms" => config.ringing_ms = value.parse().map_err(|_| number("milliseconds"))?,
            "--talking-ms" => config.talking_ms = value.parse().map_err(|_| number("milliseconds"))?,
            "--fault" => faults.push(Fault::from_json(&value).map_err(|e| format!("--fault: {e}"))?),
            "--ca-out" => ca_out = Some(value),
            "--push-url" => push = Some(PushConfig::from_value(serde_json::json!({ "url": value }))?),
            "--push" => {
                let value = serde_json::from_str(&value).map_err(|e| format!("--push takes JSON: {e}"))?;
                push = Some(PushConfig::from_value(value).map_err(|e| format!("--push: {e}"))?);
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let mut credential = match (id, key) {
        (Some(id), Some(key)) => Credential::new(id, key),
        (None, None) => Credential::new(TEST_SECRET_ID, TEST_SECRET_KEY),
        _ => return Err("--secret-id and --secret-key go together".to_string()),
    };
    credential.token = token;
    config.credentials = vec![credential];
    if ca_out.is_some() && !config.tls {
        return Err("--ca-out goes with --tls".to_string());
    }
    Ok((config, Extra { faults, ca_out, push }))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (config, extra) = match parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(problem) if problem.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("ccc-aicall-emulator: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("ccc-aicall-emulator: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    for fault in extra.faults {
        emulator.inject(fault);
    }
    if let Err(problem) = emulator.set_push(extra.push) {
        eprintln!("ccc-aicall-emulator: {problem}");
        return ExitCode::from(2);
    }
    if let (Some(path), Some(pem)) = (&extra.ca_out, emulator.ca_pem()) {
        if let Err(e) = std::fs::write(path, pem) {
            eprintln!("ccc-aicall-emulator: cannot write --ca-out {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {}", emulator.endpoint());
    let _ = stdout.flush();
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> impl Iterator<Item = String> + '_ {
        s.split_whitespace().map(str::to_string)
    }

    #[test]
    fn options_parse() {
        let (c, extra) = parse(args(concat!(
            "--port 8080 --secret-id A --secret-key B --token T --rate-limit 5 --clock-offset=-600 ",
            r#"--fault {"kind":"malformed_body"}"#,
        )))
        .unwrap();
        assert_eq!(extra.faults, vec![Fault::malformed_body()]);
        assert!(!c.tls);
        assert_eq!(c.port, 8080);
        assert_eq!(c.credentials, vec![Credential::new("A", "B").with_token("T")]);
        assert_eq!(c.rate_limit, 5.0);
        assert_eq!(c.clock_offset_secs, -600);
        let (d, _) = parse(args("")).unwrap();
        assert_eq!(d.host, "127.0.0.1");
        assert_eq!(d.credentials, vec![Credential::test()]);
        let (t, extra) = parse(args("--tls --ca-out /tmp/ca.pem --port 1")).unwrap();
        assert!(t.tls);
        assert_eq!((t.port, extra.ca_out.as_deref()), (1, Some("/tmp/ca.pem")));
        let (_, extra) = parse(args("--push-url http://127.0.0.1:9/p")).unwrap();
        assert_eq!(extra.push, Some(PushConfig::new("http://127.0.0.1:9/p")));
        let (_, extra) = parse(args(r#"--push {"url":"http://h/p","duplicate":true}"#)).unwrap();
        assert!(extra.push.is_some_and(|p| p.duplicate));
        for bad in [
            "--port",
            "--port x",
            "--secret-id A",
            "--rate-limit -1",
            "--nope 1",
            r#"--fault {"kind":"x"}"#,
            "--ca-out x",
            "--push-url ftp://h",
            r#"--push {"url":"http://h","nope":1}"#,
        ] {
            assert!(parse(args(bad)).is_err_and(|e| !e.is_empty()), "{bad}");
        }
        assert_eq!(parse(args("--help")).unwrap_err(), "");
    }
}
