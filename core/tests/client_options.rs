//! The shared Client option cases (tests/cases/client_options.json), also read by the Python and Node suites: the
//! core reads the options each language's way and names a bad one the way that language spells it.

use ccc_aicall::config::OPTIONS;
use ccc_aicall::{ClientConfig, ErrorKind, KeyCase};
use serde_json::{Map, Value};

fn cases() -> Value {
    serde_json::from_str(include_str!("../../tests/cases/client_options.json")).expect("the shared cases")
}

fn merged(base: &Value, own: &Value) -> Value {
    let mut options: Map<String, Value> = base.as_object().expect("base options").clone();
    options.extend(own.as_object().expect("a case's options").clone());
    Value::Object(options)
}

#[test]
fn bad_options_are_named_the_way_each_language_spells_them() {
    let doc = cases();
    for case in doc["invalid"].as_array().expect("invalid cases") {
        for (spelling, key_case) in [("snake", KeyCase::Snake), ("camel", KeyCase::Camel)] {
            let options = merged(&doc["base"][spelling], &case[spelling]);
            let error = ClientConfig::from_value(options, key_case)
                .and_then(|config| config.resolve_with(&|_| None, &[]))
                .expect_err(case["name"].as_str().expect("a name"));
            assert_eq!(error.kind(), ErrorKind::Config, "{error}");
            let expected = case[format!("{spelling}_message")].as_str().expect("a message");
            assert_eq!(error.message_in(key_case), expected, "{} ({spelling})", case["name"]);
        }
    }
}

#[test]
fn a_node_user_never_sees_a_python_name_or_seconds_and_the_reverse() {
    let doc = cases();
    for case in doc["invalid"].as_array().expect("invalid cases") {
        let written = |spelling: &str, key: &str| case[spelling].as_object().expect("options").contains_key(key);
        let camel = case["camel_message"].as_str().expect("a message");
        let snake = case["snake_message"].as_str().expect("a message");
        assert!(!camel.contains(" seconds") && !snake.contains("milliseconds"), "{camel} / {snake}");
        // An unknown option is shown as written, whatever it is.
        for option in OPTIONS.iter().filter(|o| o.name != o.node) {
            if !written("camel", option.name) {
                assert!(!camel.contains(&format!("`{}`", option.name)), "{camel}");
            }
            if !written("snake", option.node) {
                assert!(!snake.contains(&format!("`{}`", option.node)), "{snake}");
            }
        }
    }
}
