//! The shared request cases (tests/cases/requests.json), also read by the Python and Node suites.

use ccc_aicall::field::{to_camel, to_snake};
use ccc_aicall::{CreateAiCallRequest, FieldError, KeyCase, PARAMETERS};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

fn cases(kind: &str) -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/cases/requests.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read cases")).expect("parse cases");
    doc[kind].as_array().expect("case list").clone()
}

fn name(case: &Value) -> &str {
    case["name"].as_str().expect("case name")
}

/// Every problem the request has: parse errors (with the rules they do not mask) or, once it parses, the rules.
fn problems(input: Value, case: KeyCase) -> Vec<FieldError> {
    match CreateAiCallRequest::from_value(input, case) {
        Err(errors) => errors,
        Ok(request) => request.to_wire().err().unwrap_or_default(),
    }
}

/// Rename the keys of an input the way a Python or JavaScript caller writes them. Keys inside `ExtraParams`
/// are raw wire names and stay; JSON-string values are left alone.
fn recase(value: &Value, rename: fn(&str) -> String) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if k == "ExtraParams" || k == "LLMExtraBody" { v.clone() } else { recase(v, rename) };
                    (rename(k), v)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| recase(v, rename)).collect()),
        other => other.clone(),
    }
}

#[test]
fn valid_cases_produce_the_exact_wire_parameters() {
    let valid = cases("valid");
    assert!(valid.len() >= 20);
    for case in valid {
        let expected = case["wire"].as_object().expect("wire object").clone();
        let request = CreateAiCallRequest::from_value(case["input"].clone(), KeyCase::Wire)
            .unwrap_or_else(|e| panic!("{}: {e:?}", name(&case)));
        let wire = request.to_wire().unwrap_or_else(|e| panic!("{}: {e:?}", name(&case)));
        assert_eq!(wire, expected, "{}", name(&case));

        // The body is exactly the parameters, and reading it back (as the emulator does) is stable. Raw
        // `ExtraParams` are unknown to a reader by design, so those cases stop here.
        let body = request.to_wire_body().expect("body");
        assert_eq!(serde_json::from_str::<Value>(&body).expect("body is JSON"), Value::Object(expected.clone()));
        if !wire.keys().all(|k| PARAMETERS.contains(&k.as_str())) {
            continue;
        }
        let again = CreateAiCallRequest::from_value(Value::Object(wire), KeyCase::Wire)
            .unwrap_or_else(|e| panic!("{} (wire read back): {e:?}", name(&case)));
        assert_eq!(again.to_wire_body().expect("body"), body, "{}", name(&case));
    }
}

#[test]
fn valid_cases_read_the_same_in_snake_and_camel_case() {
    for case in cases("valid") {
        let expected = case["wire"].clone();
        for (key_case, rename) in [(KeyCase::Snake, to_snake as fn(&str) -> String), (KeyCase::Camel, to_camel)] {
            let input = recase(&case["input"], rename);
            let wire = CreateAiCallRequest::from_value(input, key_case)
                .and_then(|r| r.to_wire())
                .unwrap_or_else(|e| panic!("{} ({key_case:?}): {e:?}", name(&case)));
            assert_eq!(Value::Object(wire), expected, "{} ({key_case:?})", name(&case));
        }
    }
}

#[test]
fn invalid_cases_report_exactly_their_fields() {
    let invalid = cases("invalid");
    assert!(invalid.len() >= 50);
    for case in invalid {
        let expected: BTreeSet<String> = case["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| f.as_str().expect("field path").to_string())
            .collect();
        let errors = problems(case["input"].clone(), KeyCase::Wire);
        let reported: BTreeSet<String> = errors.iter().map(|e| e.path.clone()).collect();
        assert_eq!(reported, expected, "{}: {errors:#?}", name(&case));
        for e in &errors {
            assert!(!e.message.is_empty(), "{}: empty message at {}", name(&case), e.path);
            assert!(!e.message.contains("s3cr3t"), "{}: a secret leaked into {e}", name(&case));
        }
    }
}
