//! Options to the core's types: `new Client({...})` to its `ClientConfig` (read by the core, with Node's names and
//! milliseconds, a bad one named the way JavaScript spells it), and `createAiCall`'s options to its `CallOptions`.

use crate::error::to_napi;
use ccc_aicall::field::closest;
use ccc_aicall::{CallOptions, ClientConfig, Error, FieldError, KeyCase};
use serde_json::Value;

pub fn client_config(options: Option<Value>) -> napi::Result<ClientConfig> {
    ClientConfig::from_value(options.unwrap_or(Value::Null), KeyCase::Camel).map_err(to_napi)
}

/// The names `createAiCall` takes in its options: `signal` is `index.js`' own (it never arrives here), named only so
/// that a misspelling of it is suggested as it.
const CALL_OPTIONS: [&str; 2] = ["idempotencyKey", "signal"];

/// `createAiCall`'s options without `signal`, as the JSON object `index.js` made of them. These are the keyword
/// arguments of Python's `create_ai_call`: a name Node does not know is refused here (a misspelt `idempotencyKey`
/// silently ignored would let a repeat dial again), and the core checks the key itself.
pub fn call_options(options: Option<Value>) -> napi::Result<CallOptions> {
    let map = match options {
        None | Some(Value::Null) => return Ok(CallOptions::default()),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(to_napi(Error::ClientOption("the call's options must be an object".into()))),
    };
    let mut out = CallOptions::default();
    for (key, value) in map {
        match (key.as_str(), value) {
            (_, Value::Null) if CALL_OPTIONS.contains(&key.as_str()) => {}
            ("idempotencyKey", Value::String(k)) => out.idempotency_key = Some(k),
            ("idempotencyKey", _) => {
                return Err(to_napi(Error::Validation(vec![FieldError::invalid("IdempotencyKey", "must be a string")])))
            }
            _ => {
                let message = match closest(&key, CALL_OPTIONS) {
                    Some(hint) => format!("unknown call option `{key}`; did you mean `{hint}`?"),
                    None => format!("unknown call option `{key}`; the options are {}", CALL_OPTIONS.join(", ")),
                };
                return Err(to_napi(Error::ClientOption(message)));
            }
        }
    }
    Ok(out)
}
