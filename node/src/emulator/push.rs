//! `emulator.setPush(...)` and `emulator.pushes()`: the emulator's push settings from JavaScript's camelCase keys
//! (renamed to the settings' snake_case like a call script), and its push log back in camelCase.
//!
//! A bad setting is refused naming it as JavaScript spells it. serde's own messages say neither which field failed
//! (from a `Value`) nor keep the value out ("invalid type: integer `1234`"), and a password or client secret must
//! never appear in an error: so each setting is tried on its own, and a message quoting a value is reworded.

use ccc_aicall::field::{to_camel, to_snake};
use ccc_aicall_emulator::{PushAttempt, PushConfig, PushRecord};
use serde_json::{json, Map, Value};

/// A receiver URL the emulator accepts, for trying one setting at a time.
const PROBE_URL: &str = "http://127.0.0.1/";

/// `null`: pushing off.
pub(super) fn config_from(json: &str) -> Result<Option<PushConfig>, String> {
    let value: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let fields = match value {
        Value::Null => return Ok(None),
        Value::Object(fields) => fields,
        _ => return Err("must be an object, or null to stop pushing".into()),
    };
    let mut renamed = Map::new();
    for (key, value) in fields {
        let snake = to_snake(&key);
        let value = if snake == "auth" { auth_from(value)? } else { value };
        let probe = Map::from_iter([("url".to_string(), json!(PROBE_URL)), (snake.clone(), value.clone())]);
        if let Err(e) = serde_json::from_value::<PushConfig>(Value::Object(probe)) {
            return Err(setting_problem(&key, &e.to_string()));
        }
        renamed.insert(snake, value);
    }
    let config = PushConfig::from_value(Value::Object(renamed)).map_err(|e| match e.as_str() {
        "missing field `url`" => "`url` is required".into(),
        _ => e.replace("`token_url`", "`auth.tokenUrl`"),
    })?;
    Ok(Some(config))
}

/// `{ mode, ... }` with its keys renamed; a field its mode does not have is refused: the emulator would ignore it,
/// and a `tokenUrl` beside `mode: 'basic'` means the wrong mode was chosen.
fn auth_from(value: Value) -> Result<Value, String> {
    let fields = match value {
        Value::Object(fields) => fields,
        _ => return Err("`auth` must be an object with a `mode`: 'none', 'basic' or 'oauth2'".into()),
    };
    let mut renamed = Map::new();
    for (key, value) in &fields {
        // Every field of every mode is text (the mode, names, secrets, the token URL).
        if !value.is_string() {
            return Err(format!("`auth.{key}` must be a string"));
        }
        renamed.insert(to_snake(key), value.clone());
    }
    let probe = json!({"url": PROBE_URL, "auth": renamed});
    let config = serde_json::from_value::<PushConfig>(probe).map_err(|e| auth_problem(&e.to_string()))?;
    let known = serde_json::to_value(&config.auth).unwrap_or_default();
    if let Some(key) = fields.keys().find(|k| known.get(to_snake(k)).is_none()) {
        let mode = known.get("mode").and_then(Value::as_str).unwrap_or_default();
        return Err(format!("`auth.{key}` is not a field of the '{mode}' mode"));
    }
    Ok(Value::Object(renamed))
}

fn setting_problem(key: &str, message: &str) -> String {
    if message.starts_with("unknown field") {
        let known = serde_json::to_value(PushConfig::new(PROBE_URL)).unwrap_or_default();
        let names: Vec<String> = known.as_object().map(|m| m.keys().map(|k| to_camel(k)).collect()).unwrap_or_default();
        return format!("`{key}` is not a push setting (they are {})", names.join(", "));
    }
    format!("`{key}` {}", without_value(message))
}

fn auth_problem(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field `") {
        return format!("`auth.{}` is required", to_camel(rest.trim_end_matches('`')));
    }
    if message.starts_with("unknown variant") {
        return "`auth.mode` must be 'none', 'basic' or 'oauth2'".into();
    }
    match message.split_once(", expected ") {
        Some(_) => format!("`auth` {}", without_value(message)),
        // Whatever else serde says might quote a secret.
        None => "`auth` is not valid".into(),
    }
}

/// serde's `invalid type: integer `5`, expected a string` as `must be a string`: the value may be a secret.
fn without_value(message: &str) -> String {
    match message.split_once(", expected ") {
        Some((_, expected)) => {
            let expected = match expected {
                "u32" | "u64" => "a whole number, 0 or more",
                other => other,
            };
            format!("must be {expected}")
        }
        None => format!("is not valid: {message}"),
    }
}

/// The log, oldest push first; `body` as it was sent (wire names).
pub(super) fn records_js(records: &[PushRecord]) -> Vec<Value> {
    records
        .iter()
        .map(|r| {
            json!({
                "pushId": r.push_id,
                "action": r.action,
                "sessionId": r.session_id,
                "body": r.body,
                "attempts": r.attempts.iter().map(attempt_js).collect::<Vec<_>>(),
                "acknowledged": r.acknowledged,
            })
        })
        .collect()
}

fn attempt_js(a: &PushAttempt) -> Value {
    json!({
        "sentAtMs": a.sent_at_ms,
        "duplicate": a.duplicate,
        "status": a.status,
        "errCode": a.err_code,
        "error": a.error,
    })
}
