//! A client's options from a loose object, as the bindings receive them, spelled the caller's way: Python's names
//! and seconds (`KeyCase::Snake`), Node's names and milliseconds (`KeyCase::Camel`), Rust's names and seconds
//! (`KeyCase::Wire`). Names and types are checked here, and named as the caller spelled them; values (ranges, the
//! environment, defaults) are [`ClientConfig::resolve`]'s business.

use super::options::{OptionSpec, OptionType, OPTIONS};
use super::ClientConfig;
use crate::error::{Error, Result};
use crate::field::{closest, KeyCase};
use crate::loose::{kind_of, shown};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// One option's value, of its type, in the core's units.
enum Given {
    Text(String),
    Duration(Duration),
    Count(u32),
    Number(f64),
    Flag(bool),
}

impl ClientConfig {
    /// The options in `options` (an object; `null` is no options), spelled for `case` and typed as [`OPTIONS`]
    /// declares. `null` means "not given". An unknown name, a value of the wrong type, or a duration that is not a
    /// positive, finite number (of seconds, or of milliseconds in Node) is an error that names the option as
    /// written, in the caller's unit; the rest is checked when the configuration is resolved.
    pub fn from_value(options: Value, case: KeyCase) -> Result<ClientConfig> {
        let map = match options {
            Value::Null => return Ok(ClientConfig::default()),
            Value::Object(map) => map,
            other => {
                return Err(Error::ClientOption(format!(
                    "the Client's options must be an object; got {}",
                    kind_of(&other)
                )))
            }
        };
        let mut config = ClientConfig::default();
        for (key, value) in map {
            let Some(spec) = OPTIONS.iter().find(|o| o.name_in(case) == key) else {
                return Err(unknown(&key, case));
            };
            if !value.is_null() {
                config.set(spec, read(spec, &value, case)?)?;
            }
        }
        Ok(config)
    }

    fn set(&mut self, spec: &OptionSpec, given: Given) -> Result<()> {
        use Given::*;
        match (spec.name, given) {
            ("secret_id", Text(v)) => self.secret_id = Some(v),
            ("secret_key", Text(v)) => self.secret_key = Some(v),
            ("token", Text(v)) => self.token = Some(v),
            ("region", Text(v)) => self.region = Some(v),
            ("endpoint", Text(v)) => self.endpoint = Some(v),
            ("language", Text(v)) => self.language = Some(v),
            ("timeout", Duration(d)) => self.timeout = Some(d),
            ("connect_timeout", Duration(d)) => self.connect_timeout = Some(d),
            ("max_retries", Count(n)) => self.max_retries = Some(n),
            ("rate_limit", Number(n)) => self.rate_limit = Some(n),
            ("proxy", Text(v)) => self.proxy = Some(v),
            ("ca_file", Text(v)) => self.ca_file = Some(PathBuf::from(v)),
            ("default_country_code", Text(v)) => self.default_country_code = Some(v),
            ("redis_url", Text(v)) => self.redis_url = Some(v),
            ("store_fallback_local", Flag(b)) => self.store_fallback_local = Some(b),
            ("idempotency_ttl", Duration(d)) => self.idempotency_ttl = Some(d),
            // `every_option_can_be_given` keeps this arm unreachable.
            (name, _) => return Err(Error::Config(format!("option `{name}` cannot be read from a value"))),
        }
        Ok(())
    }
}

fn read(spec: &OptionSpec, value: &Value, case: KeyCase) -> Result<Given> {
    let name = spec.name_in(case);
    match spec.ty {
        OptionType::String | OptionType::Secret | OptionType::Path => match value {
            Value::String(s) => Ok(Given::Text(s.clone())),
            // Only the kind of a wrong value: it may be a credential.
            other => Err(wrong(name, "a string", kind_of(other))),
        },
        OptionType::Duration => {
            let (unit, per_second) = match case {
                KeyCase::Camel => ("milliseconds", 1000.0),
                KeyCase::Snake | KeyCase::Wire => ("seconds", 1.0),
            };
            let duration = value.as_f64().and_then(|n| Duration::try_from_secs_f64(n / per_second).ok());
            match duration.filter(|d| !d.is_zero()) {
                Some(d) => Ok(Given::Duration(d)),
                None => Err(wrong(name, &format!("a positive, finite number of {unit}"), &shown(value))),
            }
        }
        OptionType::Count => match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Ok(Given::Count(n)),
            None => Err(wrong(name, "a whole number", &shown(value))),
        },
        OptionType::Number => match value.as_f64() {
            Some(n) => Ok(Given::Number(n)),
            None => Err(wrong(name, "a number", &shown(value))),
        },
        OptionType::Bool => match value {
            Value::Bool(b) => Ok(Given::Flag(*b)),
            other => Err(wrong(name, "true or false", &shown(other))),
        },
    }
}

fn wrong(name: &str, expected: &str, got: &str) -> Error {
    Error::ClientOption(format!("`{name}` must be {expected}; got {got}"))
}

fn unknown(key: &str, case: KeyCase) -> Error {
    let names = || OPTIONS.iter().map(|o| o.name_in(case));
    Error::ClientOption(match closest(key, names()) {
        Some(hint) => format!("unknown Client option `{key}`; did you mean `{hint}`?"),
        None => format!("unknown Client option `{key}`; the options are {}", names().collect::<Vec<_>>().join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(options: Value, case: KeyCase) -> String {
        ClientConfig::from_value(options, case).unwrap_err().message_in(case)
    }

    #[test]
    fn every_option_can_be_given() {
        for case in [KeyCase::Snake, KeyCase::Camel, KeyCase::Wire] {
            for spec in &OPTIONS {
                let value = match spec.ty {
                    OptionType::String | OptionType::Secret | OptionType::Path => json!("x"),
                    OptionType::Duration | OptionType::Count | OptionType::Number => json!(2),
                    OptionType::Bool => json!(true),
                };
                let config = ClientConfig::from_value(json!({ spec.name_in(case): value }), case).unwrap();
                let (given, default) = (format!("{config:?}"), format!("{:?}", ClientConfig::default()));
                assert_ne!(given, default, "{} was read but not kept", spec.name);
            }
        }
    }

    #[test]
    fn names_and_units_are_the_callers() {
        let snake =
            ClientConfig::from_value(json!({"timeout": 1.5, "connect_timeout": 2, "max_retries": 3}), KeyCase::Snake);
        let snake = snake.unwrap();
        assert_eq!(
            (snake.timeout, snake.connect_timeout),
            (Some(Duration::from_millis(1500)), Some(Duration::from_secs(2)))
        );
        assert_eq!(snake.max_retries, Some(3));
        let camel = ClientConfig::from_value(
            json!({"timeoutMs": 1500, "secretId": "AKID", "caFile": "/ca.pem"}),
            KeyCase::Camel,
        );
        let camel = camel.unwrap();
        assert_eq!(camel.timeout, Some(Duration::from_millis(1500)));
        assert_eq!((camel.secret_id.as_deref(), camel.ca_file), (Some("AKID"), Some(PathBuf::from("/ca.pem"))));
        // null is "not given"; so is no object at all.
        let none = ClientConfig::from_value(json!({"timeoutMs": null, "region": null}), KeyCase::Camel).unwrap();
        assert_eq!(format!("{none:?}"), format!("{:?}", ClientConfig::default()));
        assert!(ClientConfig::from_value(Value::Null, KeyCase::Camel).is_ok());
    }

    #[test]
    fn bad_values_are_named_the_callers_way_in_the_callers_unit() {
        for (options, case, expected) in [
            (
                json!({"timeoutMs": 0}),
                KeyCase::Camel,
                "`timeoutMs` must be a positive, finite number of milliseconds; got 0",
            ),
            (json!({"timeout": 0}), KeyCase::Snake, "`timeout` must be a positive, finite number of seconds; got 0"),
            (
                json!({"connectTimeoutMs": -5}),
                KeyCase::Camel,
                "`connectTimeoutMs` must be a positive, finite number of milliseconds; got -5",
            ),
            (
                json!({"timeoutMs": "30"}),
                KeyCase::Camel,
                "`timeoutMs` must be a positive, finite number of milliseconds; got a string",
            ),
            (
                json!({"timeout": 1e300}),
                KeyCase::Snake,
                "`timeout` must be a positive, finite number of seconds; got 1e+300",
            ),
            (json!({"maxRetries": 1.5}), KeyCase::Camel, "`maxRetries` must be a whole number; got 1.5"),
            (json!({"max_retries": -1}), KeyCase::Snake, "`max_retries` must be a whole number; got -1"),
            (json!({"rateLimit": "20"}), KeyCase::Camel, "`rateLimit` must be a number; got a string"),
            (json!({"defaultCountryCode": 86}), KeyCase::Camel, "`defaultCountryCode` must be a string; got a number"),
            (json!({"ca_file": ["a"]}), KeyCase::Snake, "`ca_file` must be a string; got a list"),
            (json!({"storeFallbackLocal": 1}), KeyCase::Camel, "`storeFallbackLocal` must be true or false; got 1"),
            (json!([1]), KeyCase::Camel, "the Client's options must be an object; got a list"),
        ] {
            assert_eq!(message(options, case), format!("configuration error: {expected}"));
        }
    }

    #[test]
    fn a_wrong_credential_is_described_not_shown() {
        let text = message(json!({"secretKey": 918273645}), KeyCase::Camel);
        assert!(text.ends_with("`secretKey` must be a string; got a number") && !text.contains("918273645"), "{text}");
    }

    #[test]
    fn unknown_options_are_named_as_written_with_a_suggestion_in_the_callers_spelling() {
        for (key, case, expected) in [
            ("timeout", KeyCase::Camel, "unknown Client option `timeout`; did you mean `timeoutMs`?"),
            ("secret_id", KeyCase::Camel, "unknown Client option `secret_id`; did you mean `secretId`?"),
            ("timeoutMs", KeyCase::Snake, "unknown Client option `timeoutMs`; did you mean `timeout`?"),
            ("secretID", KeyCase::Snake, "unknown Client option `secretID`; did you mean `secret_id`?"),
        ] {
            assert_eq!(message(json!({ key: 1 }), case), format!("configuration error: {expected}"));
        }
        let text = message(json!({"zzzzzzzz": 1}), KeyCase::Camel);
        assert!(text.contains("`zzzzzzzz`; the options are secretId, secretKey, token,"), "{text}");
        // Even with no value: a misspelt option must not be ignored.
        assert!(ClientConfig::from_value(json!({"timeout": null}), KeyCase::Camel).is_err());
    }
}
