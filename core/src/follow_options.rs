//! The follow-up actions' inputs from loose values, as a binding receives them (Node passes its arguments as JSON),
//! named the way the caller spells them: which call, and the options of waiting, saying and finding (reconcile's
//! are read by `ReconcileOptions::from_value`).
//!
//! Only what the caller gave replaces a default; the defaults stay where they are declared ([`WaitOptions`]),
//! except `interrupt`, which the service leaves undocumented and the bindings turn on
//! ([`SayOptions::interrupt`]). Every problem is a validation error naming the argument as written; all of them
//! are reported at once.

use crate::error::{Error, Result};
use crate::field::{closest, FieldError, KeyCase};
use crate::follow::{SayOptions, WaitOptions};
use crate::loose::{kind_of, shown};
use crate::outcome::CallRef;
use serde_json::{Map, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the bindings say by default: cut in on what the agent is saying.
pub const SAY_INTERRUPTS_BY_DEFAULT: bool = true;

const CALL_OPTIONS: &[&str] = &["SdkAppId"];
const WAIT_OPTIONS: &[&str] =
    &["SdkAppId", "TimeoutMs", "Transcript", "Extraction", "PollIntervalMs", "MaxPollIntervalMs"];
const SAY_OPTIONS: &[&str] = &["SdkAppId", "Interrupt", "StopAfterPlay", "AddHistory"];
const FIND_OPTIONS: &[&str] = &["SdkAppId", "Since", "Until"];

/// The call of `get_call`, `hang_up` and `transfer`. `call` is a placed call (an object with `SessionId`,
/// `SdkAppId`, `Callee`, `PlacedAt` in Unix milliseconds and `ExtractionConfigured`, spelled for `case`; other keys,
/// such as a result's `RequestId`, are ignored) or a session id; `options` may give `SdkAppId` (required with a
/// session id). `also` names options the binding handles itself (Node's `signal`), for "did you mean" hints.
pub fn call_from_value(call: &Value, options: Value, case: KeyCase, also: &[&str]) -> Result<CallRef> {
    let mut problems = Vec::new();
    let given = read(options, CALL_OPTIONS, case, also, &mut problems);
    let call = call_ref(call, given.get("SdkAppId"), case, &mut problems);
    done(problems).map(|()| call.expect("a call whenever there is no problem"))
}

/// The call and options of `wait_for_call`: [`call_from_value`]'s, plus `TimeoutMs`, `Transcript`, `Extraction`,
/// `PollIntervalMs` and `MaxPollIntervalMs`.
pub fn wait_from_value(call: &Value, options: Value, case: KeyCase, also: &[&str]) -> Result<(CallRef, WaitOptions)> {
    let mut problems = Vec::new();
    let given = read(options, WAIT_OPTIONS, case, also, &mut problems);
    let call = call_ref(call, given.get("SdkAppId"), case, &mut problems);
    let mut out = WaitOptions::default();
    for (wire, value) in &given.values {
        let key = case.key(wire);
        match *wire {
            "TimeoutMs" => set(&mut out.timeout, millis(&key, value, 0), &mut problems),
            "PollIntervalMs" => set(&mut out.poll_interval, millis(&key, value, 1), &mut problems),
            "MaxPollIntervalMs" => set(&mut out.max_poll_interval, millis(&key, value, 1), &mut problems),
            "Transcript" => set(&mut out.transcript, flag(&key, value), &mut problems),
            "Extraction" => set(&mut out.extraction, flag(&key, value), &mut problems),
            _ => {}
        }
    }
    done(problems).map(|()| (call.expect("a call whenever there is no problem"), out))
}

/// The call, text and options of `say`: `Interrupt` (default [`SAY_INTERRUPTS_BY_DEFAULT`]), `StopAfterPlay`,
/// `AddHistory`, `SdkAppId`. The text must be a string; the core refuses an empty one when it says it.
pub fn say_from_value(
    call: &Value,
    text: &Value,
    options: Value,
    case: KeyCase,
) -> Result<(CallRef, String, SayOptions)> {
    let mut problems = Vec::new();
    let given = read(options, SAY_OPTIONS, case, &[], &mut problems);
    let call = call_ref(call, given.get("SdkAppId"), case, &mut problems);
    let text = match text {
        Value::String(s) => s.clone(),
        other => {
            problems.push(FieldError::invalid("text", format!("must be a string; got {}", kind_of(other))));
            String::new()
        }
    };
    let mut out = SayOptions { interrupt: Some(SAY_INTERRUPTS_BY_DEFAULT), ..SayOptions::default() };
    for (wire, value) in &given.values {
        let key = case.key(wire);
        let slot = match *wire {
            "Interrupt" => &mut out.interrupt,
            "StopAfterPlay" => &mut out.stop_after_play,
            "AddHistory" => &mut out.add_history,
            _ => continue,
        };
        if let Some(v) = ok(flag(&key, value), &mut problems) {
            *slot = Some(v);
        }
    }
    done(problems).map(|()| (call.expect("a call whenever there is no problem"), text, out))
}

/// The call and skill group of `transfer`.
pub fn transfer_from_value(
    call: &Value,
    skill_group_id: &Value,
    options: Value,
    case: KeyCase,
) -> Result<(CallRef, u64)> {
    let mut problems = Vec::new();
    let given = read(options, CALL_OPTIONS, case, &[], &mut problems);
    let call = call_ref(call, given.get("SdkAppId"), case, &mut problems);
    let group = ok(positive(&case.key("SkillGroupId"), skill_group_id), &mut problems);
    done(problems).map(|()| (call.expect("a call whenever there is no problem"), group.unwrap_or_default()))
}

/// What `find_calls` looks for: the app (`SdkAppId`, required), the callee (a string), and the window, `Since`
/// (required) to `Until` (default now), each in Unix milliseconds.
pub fn find_from_value(callee: &Value, options: Value, case: KeyCase) -> Result<(u64, String, SystemTime, SystemTime)> {
    let mut problems = Vec::new();
    let given = read(options, FIND_OPTIONS, case, &[], &mut problems);
    let callee = match callee {
        Value::String(s) => s.clone(),
        other => {
            problems.push(FieldError::invalid("callee", format!("must be a string; got {}", kind_of(other))));
            String::new()
        }
    };
    let mut required = |wire: &str| match given.get(wire) {
        Some(v) => Some(v),
        None => {
            problems.push(FieldError::missing(case.key(wire), "is required"));
            None
        }
    };
    let (app, since) = (required("SdkAppId"), required("Since"));
    let app = app.and_then(|v| ok(positive(&case.key("SdkAppId"), v), &mut problems));
    let since = since.and_then(|v| ok(instant(&case.key("Since"), v), &mut problems));
    let until = match given.get("Until") {
        Some(v) => ok(instant(&case.key("Until"), v), &mut problems),
        None => Some(SystemTime::now()),
    };
    done(problems).map(|()| {
        let now = SystemTime::now();
        (app.unwrap_or_default(), callee, since.unwrap_or(now), until.unwrap_or(now))
    })
}

/// The options given (not `null`), by their wire names.
struct Given {
    values: Vec<(&'static str, Value)>,
}

impl Given {
    fn get(&self, wire: &str) -> Option<&Value> {
        self.values.iter().find(|(w, _)| *w == wire).map(|(_, v)| v)
    }
}

fn read(options: Value, names: &[&'static str], case: KeyCase, also: &[&str], problems: &mut Vec<FieldError>) -> Given {
    let map = match options {
        Value::Null => Map::new(),
        Value::Object(map) => map,
        other => {
            problems.push(FieldError::invalid("options", format!("must be an object; got {}", kind_of(&other))));
            Map::new()
        }
    };
    let mut values = Vec::new();
    for (key, value) in map {
        let Some(wire) = names.iter().find(|name| case.is_key_of(&key, name)) else {
            let spelled: Vec<String> =
                names.iter().map(|n| case.key(n)).chain(also.iter().map(|n| n.to_string())).collect();
            let message = match closest(&key, spelled.iter().map(String::as_str)) {
                Some(hint) => format!("is not an option here; did you mean `{hint}`?"),
                None => format!("is not an option here; the options are {}", spelled.join(", ")),
            };
            problems.push(FieldError::unknown(key, message));
            continue;
        };
        if !value.is_null() {
            values.push((*wire, value));
        }
    }
    Given { values }
}

/// The call: a session id (with `sdk_app_id` from the options) or a placed call's object.
fn call_ref(
    call: &Value,
    sdk_app_id: Option<&Value>,
    case: KeyCase,
    problems: &mut Vec<FieldError>,
) -> Option<CallRef> {
    let app_key = case.key("SdkAppId");
    let from_options = sdk_app_id.and_then(|v| ok(positive(&app_key, v), problems));
    let (session_id, own_app, callee, placed_at, extraction_configured) = match call {
        Value::String(id) => (Some(id.clone()), None, None, None, None),
        Value::Object(m) => {
            let field = |wire: &str| m.iter().find(|(k, v)| case.is_key_of(k, wire) && !v.is_null()).map(|(_, v)| v);
            let at = |wire: &str| format!("call.{}", case.key(wire));
            let session = match field("SessionId") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => {
                    problems.push(FieldError::invalid(
                        at("SessionId"),
                        format!("must be a string; got {}", kind_of(other)),
                    ));
                    None
                }
                None => {
                    problems.push(FieldError::missing(at("SessionId"), "is required"));
                    None
                }
            };
            let app = field("SdkAppId").and_then(|v| ok(positive(&at("SdkAppId"), v), problems));
            let callee = match field("Callee") {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            };
            let placed = field("PlacedAt").and_then(|v| ok(instant(&at("PlacedAt"), v), problems));
            let extraction = field("ExtractionConfigured").and_then(Value::as_bool);
            (session, app, callee, placed, extraction)
        }
        other => {
            let why = format!("must be a placed call (what createAiCall gave) or a session id; got {}", kind_of(other));
            problems.push(FieldError::invalid("call", why));
            (None, None, None, None, None)
        }
    };
    if session_id.as_deref() == Some("") {
        problems.push(FieldError::invalid("call", "the session id is empty"));
    }
    let app = match (own_app, from_options) {
        (Some(a), Some(b)) if a != b => {
            problems.push(FieldError::invalid(app_key, format!("is {b}, but the call was placed in app {a}")));
            None
        }
        (Some(a), _) | (None, Some(a)) => Some(a),
        (None, None) => {
            let why = match call {
                Value::String(_) => Some("is required when the call is given by its session id"),
                Value::Object(_) => Some("is required: the call does not carry its app"),
                _ => None,
            };
            if let (Some(why), None) = (why, sdk_app_id) {
                problems.push(FieldError::missing(app_key, why));
            }
            None
        }
    };
    Some(CallRef { session_id: session_id?, sdk_app_id: app?, callee, placed_at, extraction_configured })
}

fn set<T>(slot: &mut T, value: std::result::Result<T, FieldError>, problems: &mut Vec<FieldError>) {
    if let Some(v) = ok(value, problems) {
        *slot = v;
    }
}

fn ok<T>(value: std::result::Result<T, FieldError>, problems: &mut Vec<FieldError>) -> Option<T> {
    value.map_err(|p| problems.push(p)).ok()
}

fn done(problems: Vec<FieldError>) -> Result<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(problems))
    }
}

/// A problem with an argument, named as the caller spells it (`timeoutMs`).
fn problem(key: &str, message: String) -> FieldError {
    FieldError::invalid(key, message)
}

fn millis(key: &str, value: &Value, least: u64) -> std::result::Result<Duration, FieldError> {
    match value.as_u64() {
        Some(ms) if ms >= least => Ok(Duration::from_millis(ms)),
        _ => {
            Err(problem(key, format!("must be a whole number of milliseconds, at least {least}; got {}", shown(value))))
        }
    }
}

fn flag(key: &str, value: &Value) -> std::result::Result<bool, FieldError> {
    value.as_bool().ok_or_else(|| problem(key, format!("must be a boolean; got {}", shown(value))))
}

fn positive(key: &str, value: &Value) -> std::result::Result<u64, FieldError> {
    value
        .as_u64()
        .filter(|n| *n > 0)
        .ok_or_else(|| problem(key, format!("must be a positive whole number; got {}", shown(value))))
}

/// A time in Unix milliseconds.
fn instant(key: &str, value: &Value) -> std::result::Result<SystemTime, FieldError> {
    match value.as_u64() {
        Some(ms) => Ok(UNIX_EPOCH + Duration::from_millis(ms)),
        None => Err(problem(key, format!("must be a time (Unix milliseconds); got {}", shown(value)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(e: Error) -> Vec<String> {
        e.field_errors()
            .iter()
            .map(|f| format!("{}: {}", f.field(KeyCase::Camel), f.message_in(KeyCase::Camel)))
            .collect()
    }

    #[test]
    fn a_placed_call_or_a_session_id_with_its_app() {
        let placed = json!({"sessionId": "s", "requestId": "r", "sdkAppId": 7, "callee": "0086130", "placedAt": 1000});
        let call = call_from_value(&placed, Value::Null, KeyCase::Camel, &[]).unwrap();
        assert_eq!((call.session_id.as_str(), call.sdk_app_id, call.callee.as_deref()), ("s", 7, Some("0086130")));
        assert_eq!(call.placed_at, Some(UNIX_EPOCH + Duration::from_secs(1)));
        let call = call_from_value(&json!("s"), json!({"sdkAppId": 7}), KeyCase::Camel, &[]).unwrap();
        assert_eq!(call, CallRef::new(7, "s"));
        let e = call_from_value(&json!("s"), Value::Null, KeyCase::Camel, &[]).unwrap_err();
        assert_eq!(problems(e), ["sdkAppId: is required when the call is given by its session id"]);
        let e = call_from_value(&placed, json!({"sdkAppId": 8}), KeyCase::Camel, &[]).unwrap_err();
        assert_eq!(problems(e), ["sdkAppId: is 8, but the call was placed in app 7"]);
        let e = call_from_value(&json!(5), json!({"sdkAppI": 7}), KeyCase::Camel, &["signal"]).unwrap_err();
        let got = problems(e);
        assert_eq!(got[0], "sdkAppI: is not an option here; did you mean `sdkAppId`?");
        assert!(got[1].starts_with("call: must be a placed call"), "{got:?}");
    }

    #[test]
    fn wait_options_replace_only_what_is_given() {
        let (_, o) = wait_from_value(
            &json!("s"),
            json!({"sdkAppId": 1, "timeoutMs": 1500, "transcript": false}),
            KeyCase::Camel,
            &["signal"],
        )
        .unwrap();
        let d = WaitOptions::default();
        assert_eq!((o.timeout, o.transcript, o.extraction), (Duration::from_millis(1500), false, d.extraction));
        assert_eq!(o.poll_interval, d.poll_interval);
        let e = wait_from_value(
            &json!("s"),
            json!({"sdkAppId": 1, "pollIntervalMs": 0, "timeoutMs": -1}),
            KeyCase::Camel,
            &[],
        )
        .unwrap_err();
        assert_eq!(
            problems(e),
            [
                "pollIntervalMs: must be a whole number of milliseconds, at least 1; got 0",
                "timeoutMs: must be a whole number of milliseconds, at least 0; got -1",
            ]
        );
        let e = wait_from_value(&json!("s"), json!({"sdk_app_id": 1, "signa": 1}), KeyCase::Camel, &["signal"]);
        assert_eq!(problems(e.unwrap_err())[1], "signa: is not an option here; did you mean `signal`?");
    }

    #[test]
    fn say_interrupts_by_default_and_transfer_needs_a_group() {
        let (_, text, o) = say_from_value(&json!("s"), &json!("hi"), json!({"sdkAppId": 1}), KeyCase::Camel).unwrap();
        assert_eq!((text.as_str(), o.interrupt, o.stop_after_play), ("hi", Some(true), None));
        let (_, _, o) =
            say_from_value(&json!("s"), &json!("hi"), json!({"sdkAppId": 1, "interrupt": false}), KeyCase::Camel)
                .unwrap();
        assert_eq!(o.interrupt, Some(false));
        let e = transfer_from_value(&json!("s"), &json!("x"), json!({"sdkAppId": 1}), KeyCase::Camel).unwrap_err();
        assert_eq!(problems(e), ["skillGroupId: must be a positive whole number; got a string"]);
    }

    #[test]
    fn find_needs_an_app_and_a_start() {
        let e = find_from_value(&json!("008613012345678"), Value::Null, KeyCase::Camel).unwrap_err();
        assert_eq!(problems(e), ["sdkAppId: is required", "since: is required"]);
        let (app, _, since, _) =
            find_from_value(&json!("1"), json!({"sdkAppId": 2, "since": 3000}), KeyCase::Camel).unwrap();
        assert_eq!((app, since), (2, UNIX_EPOCH + Duration::from_secs(3)));
    }
}
