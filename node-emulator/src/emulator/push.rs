//! `emulator.setPush(...)` and `emulator.pushes()`: the emulator's push settings from JavaScript's camelCase keys
//! (the emulator reads and checks them, naming a bad one as JavaScript spells it, never quoting a value), and its
//! push log back in camelCase.

use ccc_aicall::field::KeyCase;
use ccc_aicall_emulator::{PushAttempt, PushConfig, PushRecord};
use serde_json::{json, Value};

/// `null`: pushing off. The emulator checks the settings and names a bad one in camelCase.
pub(super) fn config_from(json: &str) -> Result<Option<PushConfig>, String> {
    let value: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    PushConfig::from_value_in(value, KeyCase::Camel)
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
