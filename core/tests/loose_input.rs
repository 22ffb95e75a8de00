//! `CreateAiCallRequest::from_value`: key spellings, hints, type errors, and no panic on any JSON.

use ccc_aicall::{CreateAiCallRequest, FieldError, FieldErrorKind, KeyCase};
use serde_json::{json, Map, Value};

fn base(case: KeyCase) -> Map<String, Value> {
    let wire = json!({
        "SdkAppId": 1400000000u64, "Callee": "008613012345678", "LLMType": "openai", "APIKey": "sk-test",
        "APIUrl": "https://api.openai.com/v1/", "SystemPrompt": "Hi", "Model": "gpt-4o-mini"
    });
    let Value::Object(map) = wire else { unreachable!() };
    map.into_iter().map(|(k, v)| (case.key(&k), v)).collect()
}

fn read(value: Value, case: KeyCase) -> Result<Map<String, Value>, Vec<FieldError>> {
    CreateAiCallRequest::from_value(value, case)?.to_wire()
}

fn with(case: KeyCase, extra: Value) -> Value {
    let mut map = base(case);
    if let Value::Object(more) = extra {
        map.extend(more);
    }
    Value::Object(map)
}

#[test]
fn snake_case_input_with_nested_objects() {
    let input = with(
        KeyCase::Snake,
        json!({
            "transfer_function_enable": true,
            "transfer_items": [{
                "transfer_function_name": "to_human",
                "transfer_function_desc": "on request",
                "transfer_skill_group_id": 7
            }],
            "tone_word": {"first_sentence_timeout": 1.5, "zh_tone_words": {"neutral": ["嗯"]}},
            "custom_tts_config":
                {"tts_type": "azure", "subscription_key": "k", "region": "r", "voice_name": "v", "language": "l"},
            "llm_extra_body": {"max_tokens": 64},
            "extra_params": {"FutureParam": "x"},
            "Temperature": 0.5
        }),
    );
    let wire = read(input, KeyCase::Snake).expect("valid");
    assert_eq!(
        wire["TransferItems"],
        json!([{"TransferFunctionName": "to_human", "TransferFunctionDesc": "on request", "TransferSkillGroupId": 7}])
    );
    assert_eq!(wire["ToneWord"], json!({"FirstSentenceTimeout": 1.5, "ZHToneWords": {"Neutral": ["嗯"]}}));
    assert_eq!(
        wire["CustomTTSConfig"],
        json!(r#"{"TTSType":"azure","SubscriptionKey":"k","Region":"r","VoiceName":"v","Language":"l"}"#)
    );
    assert_eq!(wire["LLMExtraBody"], json!(r#"{"max_tokens":64}"#));
    assert_eq!(wire["FutureParam"], json!("x"));
    assert_eq!(wire["Temperature"], json!(0.5));
}

#[test]
fn camel_case_input() {
    let input = with(
        KeyCase::Camel,
        json!({
            "transferToAgentEnable": true,
            "transferToAgentItems": [{"transferToAgentName": "a", "transferToAgentDesc": "d", "transferToAgentId": 3}],
            "maxCallDurationMs": 60000, "topP": 0.8, "extraParams": {"NewOne": 1}
        }),
    );
    let wire = read(input, KeyCase::Camel).expect("valid");
    assert_eq!(wire["TransferToAgentItems"][0]["TransferToAgentId"], json!(3));
    assert_eq!(wire["MaxCallDurationMs"], json!(60000));
    assert_eq!(wire["NewOne"], json!(1));
}

fn only_error(value: Value, case: KeyCase) -> FieldError {
    let errors = read(value, case).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn unknown_keys_suggest_the_right_name_in_the_callers_case() {
    let e = only_error(with(KeyCase::Snake, json!({"sytem_prompt": "x"})), KeyCase::Snake);
    assert_eq!((e.kind, e.path.as_str()), (FieldErrorKind::Unknown, "sytem_prompt"));
    assert_eq!(e.message_in(KeyCase::Snake), "unknown parameter; did you mean `system_prompt`?");

    // Another language's spelling is not silently accepted: it is a hint.
    let e = only_error(with(KeyCase::Camel, json!({"top_p": 0.5})), KeyCase::Camel);
    assert_eq!(e.message_in(KeyCase::Camel), "unknown parameter; did you mean `topP`?");
    let e = only_error(with(KeyCase::Camel, json!({"apiURL": "x"})), KeyCase::Camel);
    assert_eq!(e.message_in(KeyCase::Camel), "unknown parameter; did you mean `apiUrl`?");

    let nested = json!({"transfer_function_enable": true, "transfer_items": [
        {"transfer_function_name": "t", "transfer_function_desc": "d", "transfer_skill_group_id": 1, "skill_group": 2}
    ]});
    let e = only_error(with(KeyCase::Snake, nested), KeyCase::Snake);
    assert_eq!(e.field(KeyCase::Snake), "transfer_items[0].skill_group");
    assert!(e.message_in(KeyCase::Snake).contains("`transfer_skill_group_id`"), "{}", e.message);

    let e = only_error(with(KeyCase::Snake, json!({"completely_unrelated": 1})), KeyCase::Snake);
    assert_eq!(e.message, "unknown parameter");
}

#[test]
fn the_same_parameter_twice_is_an_error() {
    let e = only_error(with(KeyCase::Snake, json!({"LLMType": "openai"})), KeyCase::Snake);
    assert_eq!((e.kind, e.path.as_str()), (FieldErrorKind::Invalid, "LLMType"));
}

#[test]
fn type_errors_name_the_expected_type() {
    for (value, path, expected) in [
        (
            json!({"sdk_app_id": "1400000000"}),
            "SdkAppId",
            "expected a non-negative integer, got a string (write it without quotes)",
        ),
        (json!({"max_duration": 1.5}), "MaxDuration", "expected a non-negative integer, got a decimal number"),
        (json!({"max_duration": -1}), "MaxDuration", "expected a non-negative integer, got a negative number"),
        (
            json!({"max_duration": 1e300}),
            "MaxDuration",
            "expected a non-negative integer, got a number too large to be exact",
        ),
        (json!({"end_function_enable": 1}), "EndFunctionEnable", "expected a boolean (true or false), got an integer"),
        (json!({"temperature": true}), "Temperature", "expected a number, got a boolean"),
        (json!({"callee": 8613012345678u64}), "Callee", "expected a string, got an integer"),
        (json!({"languages": "en"}), "Languages", "expected a list of strings, got a string"),
        (json!({"tone_word": "x"}), "ToneWord", "expected an object, got a string"),
        (json!({"variables": [{"key": "k", "value": 5}]}), "Variables[0].Value", "expected a string, got an integer"),
        (json!({"extra_params": "x"}), "ExtraParams", "expected an object of raw wire parameters, got a string"),
    ] {
        let e = only_error(with(KeyCase::Snake, value.clone()), KeyCase::Snake);
        assert_eq!((e.kind, e.path.as_str(), e.message.as_str()), (FieldErrorKind::Invalid, path, expected), "{value}");
    }
    // A whole number written as a float is an integer (JavaScript and some encoders produce them).
    let wire = read(with(KeyCase::Snake, json!({"max_duration": 60000.0})), KeyCase::Snake).expect("valid");
    assert_eq!(wire["MaxDuration"], json!(60000));
}

#[test]
fn a_field_that_failed_to_parse_does_not_also_break_rules_that_depend_on_it() {
    // "true" as a string: one problem, not a second "EndFunctionDesc needs EndFunctionEnable" one.
    let e =
        only_error(with(KeyCase::Wire, json!({"EndFunctionEnable": "true", "EndFunctionDesc": "bye"})), KeyCase::Wire);
    assert_eq!(e.path, "EndFunctionEnable");
    // ...while rules on unrelated fields are still reported in the same pass.
    let errors =
        read(with(KeyCase::Wire, json!({"EndFunctionEnable": "true", "VadLevel": 7})), KeyCase::Wire).unwrap_err();
    let reported: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(reported, ["EndFunctionEnable", "VadLevel"]);
}

#[test]
fn nulls_mean_unset_everywhere() {
    let wire = read(
        with(
            KeyCase::Wire,
            json!({"VoiceType": null, "ToneWord": {"FirstSentenceTimeout": null}, "ExtraParams": {"X": null}}),
        ),
        KeyCase::Wire,
    )
    .expect("valid");
    assert!(!wire.contains_key("VoiceType") && !wire.contains_key("X"));
    assert_eq!(wire["ToneWord"], json!({}));
}

/// Arbitrary JSON from the network must never panic `from_value` or `to_wire`.
#[test]
fn no_panic_on_mutated_input() {
    let doc: Value = serde_json::from_str(include_str!("../../tests/cases/requests.json")).expect("cases");
    let seeds: Vec<Value> = ["valid", "invalid"]
        .iter()
        .flat_map(|k| doc[k].as_array().cloned().unwrap_or_default())
        .map(|c| c["input"].clone())
        .collect();
    let mut rng = fastrand::Rng::with_seed(0x00CC_CA1C);
    for round in 0..3000 {
        let mut input = seeds[rng.usize(..seeds.len())].clone();
        for _ in 0..rng.usize(1..4) {
            mutate(&mut input, &mut rng);
        }
        let case = [KeyCase::Wire, KeyCase::Snake, KeyCase::Camel][round % 3];
        if let Ok(request) = CreateAiCallRequest::from_value(input, case) {
            let _ = format!("{request:?}");
            let _ = request.to_wire_body();
        }
    }
}

fn random_value(rng: &mut fastrand::Rng) -> Value {
    match rng.usize(..14) {
        0 => Value::Null,
        1 => json!(rng.bool()),
        2 => json!(rng.i64(..)),
        3 => json!(u64::MAX),
        4 => json!(rng.f64() * 1e20 - 5e19),
        5 => json!(-0.0),
        6 => json!(""),
        7 => json!("\u{0}\u{7f}\u{202e}ｘ+0086 (1)"),
        8 => json!("{\"TTSType\":\"tencent\",\"VoiceType\":-1,\"Speed\":1e400}"),
        9 => json!([1, "a", null, {}]),
        10 => json!({"TTSType": "custom", "": [], "APIUrl": "http://[::1"}),
        11 => json!("zh-dialect"),
        12 => json!(1e300),
        _ => json!({"a": {"b": {"c": [[[[]]]]}}}),
    }
}

/// Replace, remove or add something somewhere in `value`.
fn mutate(value: &mut Value, rng: &mut fastrand::Rng) {
    match value {
        Value::Object(map) if !map.is_empty() && rng.usize(..4) != 0 => {
            let key = map.keys().nth(rng.usize(..map.len())).cloned().unwrap_or_default();
            match rng.usize(..4) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(key, random_value(rng));
                }
                2 => {
                    map.insert(format!("{key}x"), random_value(rng));
                }
                _ => {
                    if let Some(inner) = map.get_mut(&key) {
                        mutate(inner, rng);
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() && rng.bool() => {
            let i = rng.usize(..items.len());
            if let Some(item) = items.get_mut(i) {
                mutate(item, rng);
            }
        }
        other => *other = random_value(rng),
    }
}

#[test]
fn huge_unknown_keys_and_values_stay_cheap() {
    let key = "K".repeat(1 << 20);
    let started = std::time::Instant::now();
    let errors =
        read(with(KeyCase::Wire, json!({ key: 1, "VoiceType": "V".repeat(1 << 20) })), KeyCase::Wire).unwrap_err();
    assert_eq!(errors.len(), 2);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
}

#[test]
fn thousands_of_unknown_keys_are_summarised_cheaply() {
    use ccc_aicall::{CreateAiCallRequest, KeyCase};
    let mut map = Map::new();
    for i in 0..50_000 {
        map.insert(format!("Bogus{i}"), Value::Bool(true));
    }
    let errors = CreateAiCallRequest::from_value(Value::Object(map), KeyCase::Wire).unwrap_err();
    let unknown: Vec<_> = errors.iter().filter(|e| e.kind == FieldErrorKind::Unknown).collect();
    assert_eq!(unknown.len(), 21, "20 listed and one summary");
    assert!(unknown[20].message.contains("49980 more unknown keys"), "{}", unknown[20].message);
}
