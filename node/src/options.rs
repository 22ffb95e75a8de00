//! `new Client({...})` options to the core's `ClientConfig`. Only names and JavaScript types are checked here;
//! values (ranges, defaults, the environment) are the core's business.

use crate::error::config;
use ccc_aicall::field::closest;
use ccc_aicall::{ClientConfig, CountryCode};
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::time::Duration;

const OPTIONS: [&str; 13] = [
    "secretId",
    "secretKey",
    "token",
    "region",
    "endpoint",
    "language",
    "timeoutMs",
    "connectTimeoutMs",
    "maxRetries",
    "rateLimit",
    "proxy",
    "caFile",
    "defaultCountryCode",
];

pub fn client_config(options: Option<Value>) -> napi::Result<ClientConfig> {
    let map = match options {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(config("Client options must be an object")),
    };
    let mut cfg = ClientConfig::default();
    for (key, value) in map {
        if value.is_null() {
            continue;
        }
        match key.as_str() {
            "secretId" => cfg.secret_id = Some(string(&key, value)?),
            "secretKey" => cfg.secret_key = Some(string(&key, value)?),
            "token" => cfg.token = Some(string(&key, value)?),
            "region" => cfg.region = Some(string(&key, value)?),
            "endpoint" => cfg.endpoint = Some(string(&key, value)?),
            "language" => cfg.language = Some(string(&key, value)?),
            "proxy" => cfg.proxy = Some(string(&key, value)?),
            "caFile" => cfg.ca_file = Some(PathBuf::from(string(&key, value)?)),
            "defaultCountryCode" => {
                let code = string(&key, value)?;
                // Checked here only to name the option as JavaScript spells it; the core checks it again.
                CountryCode::parse(&code, &key).map_err(crate::error::to_napi)?;
                cfg.default_country_code = Some(code);
            }
            "timeoutMs" => cfg.timeout = Some(millis(&key, &value)?),
            "connectTimeoutMs" => cfg.connect_timeout = Some(millis(&key, &value)?),
            "maxRetries" => {
                let n = value.as_u64().and_then(|n| u32::try_from(n).ok());
                cfg.max_retries =
                    Some(n.ok_or_else(|| config(format!("maxRetries must be a whole number, not {value}")))?);
            }
            "rateLimit" => {
                cfg.rate_limit =
                    Some(value.as_f64().ok_or_else(|| config(format!("rateLimit must be a number, not {value}")))?);
            }
            unknown => return Err(config(unknown_option(unknown))),
        }
    }
    Ok(cfg)
}

fn unknown_option(name: &str) -> String {
    match closest(name, OPTIONS) {
        Some(hint) => format!("unknown Client option `{name}`; did you mean `{hint}`?"),
        None => format!("unknown Client option `{name}`; the options are {}", OPTIONS.join(", ")),
    }
}

fn string(key: &str, value: Value) -> napi::Result<String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(config(format!("{key} must be a string, not {}", kind(&other)))),
    }
}

fn millis(key: &str, value: &Value) -> napi::Result<Duration> {
    let ms = value.as_f64().ok_or_else(|| config(format!("{key} must be a number of milliseconds, not {value}")))?;
    ccc_aicall::config::duration_from_secs(ms / 1000.0, key).map_err(crate::error::to_napi)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
