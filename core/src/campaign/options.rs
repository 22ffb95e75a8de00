//! A campaign's options from a loose object, as a binding receives them (Node passes `createAiCalls`' options as
//! JSON), spelled the caller's way. Names and types are checked here and named as the caller spelled them, so the
//! binding only converts.

use super::CampaignOptions;
use crate::error::{Error, Result};
use crate::field::{closest, KeyCase};
use crate::follow::{duration_key, read_duration, ReconcileOptions};
use crate::loose::kind_of;
use crate::phone::CountryCode;
use serde_json::Value;
use std::path::PathBuf;

/// The options a loose object may hold besides `defaults`, by their wire-style names (spelled per caller with
/// [`KeyCase::key`]: `skip_invalid` in Python, `skipInvalid` in Node).
const NAMES: [&str; 13] = [
    "Defaults",
    "Concurrency",
    "Journal",
    "Campaign",
    "SkipInvalid",
    "RefusedRetries",
    "DefaultCountryCode",
    "Wait",
    "WaitTimeout",
    "Transcript",
    "Extraction",
    "Reconcile",
    "ReconcileOptions",
];

/// The names of [`NAMES`] that are durations: seconds in Python (`wait_timeout`), milliseconds in Node
/// (`waitTimeoutMs`), as the client's own duration options.
const DURATIONS: [&str; 1] = ["WaitTimeout"];

/// A name of [`NAMES`] as the caller spells it.
fn spelled(wire: &str, case: KeyCase) -> String {
    if DURATIONS.contains(&wire) {
        duration_key(wire, case)
    } else {
        case.key(wire)
    }
}

impl CampaignOptions {
    /// `defaults` (the template, `null` when absent) and the options in `options`, spelled for `case`. `null` means
    /// "not given". `also` names options the binding handles itself (Node's `onProgress` and `signal`): they are
    /// never in `options`, but a misspelling of one is suggested as it. An unknown name or a value of the wrong type
    /// is an error naming the option as written.
    pub fn from_value(options: Value, case: KeyCase, also: &[&str]) -> Result<(Value, CampaignOptions)> {
        let map = match options {
            Value::Null => return Ok((Value::Null, CampaignOptions::default())),
            Value::Object(map) => map,
            other => {
                return Err(option_error(format!("the campaign's options must be an object; got {}", kind_of(&other))))
            }
        };
        let mut defaults = Value::Null;
        let mut out = CampaignOptions::default();
        for (key, value) in map {
            let Some(wire) = NAMES.iter().find(|name| spelled(name, case) == key) else {
                return Err(unknown(&key, case, also));
            };
            if value.is_null() {
                continue;
            }
            match *wire {
                "Defaults" => defaults = value,
                "Concurrency" => out.concurrency = whole(&key, &value)? as usize,
                "RefusedRetries" => out.refused_retries = u32::try_from(whole(&key, &value)?).unwrap_or(u32::MAX),
                "SkipInvalid" => out.skip_invalid = boolean(&key, &value)?,
                "Wait" => out.wait = boolean(&key, &value)?,
                "Transcript" => out.transcript = boolean(&key, &value)?,
                "Extraction" => out.extraction = boolean(&key, &value)?,
                "Reconcile" => out.reconcile = boolean(&key, &value)?,
                "WaitTimeout" => out.wait_timeout = read_duration(&key, &value, case)?,
                "ReconcileOptions" => {
                    out.reconcile_options = match value {
                        Value::Object(_) => ReconcileOptions::from_value(&value, case)?,
                        other => return Err(wrong(&key, "an object", &other)),
                    }
                }
                "Journal" => match value {
                    Value::String(path) => out.journal = Some(PathBuf::from(path)),
                    other => return Err(wrong(&key, "a file path (a string)", &other)),
                },
                "Campaign" => match value {
                    Value::String(name) => {
                        super::shared::check_name(&name)?;
                        out.campaign = Some(name)
                    }
                    other => return Err(wrong(&key, "a name (a string)", &other)),
                },
                "DefaultCountryCode" => match value {
                    // `CountryCode::parse` names the option by its Rust name; rendered in the caller's spelling.
                    Value::String(code) => {
                        out.default_country_code = Some(CountryCode::parse(&code, "default_country_code")?)
                    }
                    other => return Err(wrong(&key, "a string such as \"86\"", &other)),
                },
                _ => unreachable!("every name of NAMES has an arm"),
            }
        }
        Ok((defaults, out))
    }
}

/// A message already in the caller's spelling.
fn option_error(message: String) -> Error {
    Error::ClientOption(message)
}

fn boolean(key: &str, value: &Value) -> Result<bool> {
    value.as_bool().ok_or_else(|| wrong(key, "a boolean", value))
}

fn whole(key: &str, value: &Value) -> Result<u64> {
    value.as_u64().ok_or_else(|| wrong(key, "a whole number", value))
}

fn wrong(key: &str, expected: &str, got: &Value) -> Error {
    let got = match got {
        Value::Number(n) => n.to_string(),
        other => kind_of(other).to_string(),
    };
    option_error(format!("`{key}` must be {expected}; got {got}"))
}

fn unknown(key: &str, case: KeyCase, also: &[&str]) -> Error {
    let names: Vec<String> = NAMES.iter().map(|n| spelled(n, case)).chain(also.iter().map(|n| n.to_string())).collect();
    option_error(match closest(key, names.iter().map(String::as_str)) {
        Some(hint) => format!("unknown campaign option `{key}`; did you mean `{hint}`?"),
        None => format!("unknown campaign option `{key}`; the options are {}", names.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problem(options: Value, case: KeyCase) -> String {
        CampaignOptions::from_value(options, case, &["onProgress", "signal"]).unwrap_err().message_in(case)
    }

    #[test]
    fn options_are_read_in_the_callers_spelling() {
        let (defaults, o) = CampaignOptions::from_value(
            json!({"defaults": {"sdkAppId": 1}, "concurrency": 8, "skipInvalid": true, "refusedRetries": 2,
                   "journal": "/tmp/j.jsonl", "defaultCountryCode": "+86"}),
            KeyCase::Camel,
            &[],
        )
        .unwrap();
        assert_eq!(defaults, json!({"sdkAppId": 1}));
        assert_eq!((o.concurrency, o.skip_invalid, o.refused_retries), (8, true, 2));
        assert_eq!(o.journal, Some(PathBuf::from("/tmp/j.jsonl")));
        assert_eq!(o.default_country_code.map(CountryCode::get), Some(86));
        let (_, o) = CampaignOptions::from_value(json!({"skip_invalid": true}), KeyCase::Snake, &[]).unwrap();
        assert!(o.skip_invalid);
    }

    #[test]
    fn wait_and_reconcile_options_carry_their_unit_in_node() {
        use std::time::Duration;
        let (_, o) = CampaignOptions::from_value(
            json!({"wait": true, "waitTimeoutMs": 1500, "transcript": false, "extraction": false, "reconcile": true,
                   "reconcileOptions": {"maxRingMs": 0, "recordDelayMs": 2000}}),
            KeyCase::Camel,
            &[],
        )
        .unwrap();
        assert!(o.wait && o.reconcile && !o.transcript && !o.extraction);
        assert_eq!(o.wait_timeout, Duration::from_millis(1500));
        assert_eq!(
            (o.reconcile_options.max_ring, o.reconcile_options.record_delay),
            (Duration::ZERO, Duration::from_secs(2))
        );
        assert_eq!(o.reconcile_options.max_call_duration, ReconcileOptions::default().max_call_duration);
        let (_, o) = CampaignOptions::from_value(
            json!({"wait": true, "wait_timeout": 2.5, "reconcile_options": {"max_call_duration": 60}}),
            KeyCase::Snake,
            &[],
        )
        .unwrap();
        assert_eq!(o.wait_timeout, Duration::from_millis(2500));
        assert_eq!(o.reconcile_options.max_call_duration, Duration::from_secs(60));
        let d = CampaignOptions::default();
        assert!(!d.wait && !d.reconcile && d.transcript && d.extraction);
        assert_eq!(d.wait_timeout, Duration::from_secs(600));
        for (options, case, expected) in [
            (
                json!({"waitTimeout": 5}),
                KeyCase::Camel,
                "unknown campaign option `waitTimeout`; did you mean `waitTimeoutMs`?",
            ),
            (
                json!({"wait_timeout": -1}),
                KeyCase::Snake,
                "`wait_timeout` must be a finite number of seconds, zero or more; got -1",
            ),
            (json!({"wait": 1}), KeyCase::Snake, "`wait` must be a boolean; got 1"),
            (
                json!({"reconcileOptions": {"maxRing": 1}}),
                KeyCase::Camel,
                "unknown reconcile option `maxRing`; did you mean `maxRingMs`?",
            ),
        ] {
            assert_eq!(problem(options, case), format!("configuration error: {expected}"));
        }
    }

    #[test]
    fn problems_name_the_option_as_written() {
        for (options, case, expected) in [
            (
                json!({"skip_invalid": true}),
                KeyCase::Camel,
                "unknown campaign option `skip_invalid`; did you mean `skipInvalid`?",
            ),
            (
                json!({"onProgres": "[function]"}),
                KeyCase::Camel,
                "unknown campaign option `onProgres`; did you mean `onProgress`?",
            ),
            (json!({"concurrency": 1.5}), KeyCase::Camel, "`concurrency` must be a whole number; got 1.5"),
            (json!({"skipInvalid": "yes"}), KeyCase::Camel, "`skipInvalid` must be a boolean; got a string"),
            (
                json!({"defaultCountryCode": 86}),
                KeyCase::Camel,
                "`defaultCountryCode` must be a string such as \"86\"; got 86",
            ),
            (json!({"journal": 1}), KeyCase::Camel, "`journal` must be a file path (a string); got 1"),
            (json!([1]), KeyCase::Camel, "the campaign's options must be an object; got a list"),
        ] {
            assert_eq!(problem(options, case), format!("configuration error: {expected}"));
        }
        let e = problem(json!({"defaultCountryCode": "999"}), KeyCase::Camel);
        assert!(e.starts_with("configuration error: `defaultCountryCode` must be a country calling code"), "{e}");
        let e = problem(json!({"default_country_code": "999"}), KeyCase::Snake);
        assert!(e.contains("`default_country_code` must be a country calling code"), "{e}");
    }
}
