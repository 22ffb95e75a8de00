//! Phone numbers: refused unless they can be E.164 numbers; a default country code for numbers written without.

use ccc_aicall::phone::{normalize, CountryCode};
use ccc_aicall::{CreateAiCallRequest, KeyCase, ValidationContext};
use serde_json::json;

fn code(text: &str) -> Option<CountryCode> {
    Some(CountryCode::parse(text, "default_country_code").expect("a country code"))
}

#[test]
fn international_numbers_normalise_to_the_service_form() {
    for (raw, phone) in [
        ("008613012345678", "008613012345678"),
        ("+8613012345678", "008613012345678"),
        ("+86 (130) 1234-5678", "008613012345678"),
        ("  0086 10 1234.5678 ", "00861012345678"),
        ("+1 415 555 0100", "0014155550100"),
        ("+44 20 7946 0958", "00442079460958"),
        ("+800 1234 5678", "0080012345678"),
        ("+7 800 123 45 67", "0078001234567"),
    ] {
        assert_eq!(normalize(raw, None).as_deref(), Ok(phone), "{raw}");
        // A default country code changes nothing for a number that has one.
        assert_eq!(normalize(raw, code("39")).as_deref(), Ok(phone), "{raw}");
    }
}

#[test]
fn numbers_that_cannot_be_e164_numbers_are_refused_without_being_echoed() {
    for (raw, says) in [
        ("12345", "has no country code"),
        ("13012345678", "has no country code"),
        ("(010) 1234 5678", "has no country code"),
        ("+1 555", "has 3 digits after the country code +1; numbers there have 7 or 10 digits"),
        ("+86 1234", "has 4 digits after the country code +86; numbers there have 5 to 12 digits"),
        ("+999 1234 5678", "starts with +999, and no country calling code"),
        ("+0086 130 1234 5678", "starts with +008"),
        ("0086 1301 2345 6789 01", "has 16 digits after 00; an international number has at most 15"),
        ("+44 020 7946 0958", "drop it"),
        ("1-800-FLOWERS", "contains 'F'"),
        ("++86 130", "'+' that is not at the start"),
        ("+", "has no digits"),
    ] {
        let problem = normalize(raw, None).unwrap_err();
        assert!(problem.contains(says), "{raw}: {problem}");
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        if digits.len() > 4 {
            assert!(!problem.contains(&digits), "{raw} echoed: {problem}");
        }
    }
    let no_code = normalize("13012345678", None).unwrap_err();
    assert!(no_code.contains("+86") && no_code.contains("default country code"), "{no_code}");
}

#[test]
fn a_default_country_code_goes_in_front_of_numbers_written_without_one() {
    for (raw, default, phone) in [
        ("130 1234 5678", "86", "008613012345678"),
        // China's trunk prefix 0 is dropped; Italy has none, and its numbers keep their 0.
        ("010 1234 5678", "+86", "00861012345678"),
        ("06 1234 5678", "39", "00390612345678"),
        // Russia's trunk prefix is 8: dropped from 8 800 ..., kept in 800 ... written without it.
        ("8 800 123 45 67", "7", "0078001234567"),
        ("800 123 45 67", "7", "0078001234567"),
        ("(415) 555-0100", "1", "0014155550100"),
    ] {
        assert_eq!(normalize(raw, code(default)).as_deref(), Ok(phone), "{raw} with {default}");
    }
    // The result is checked like any international number.
    assert!(normalize("123", code("86")).unwrap_err().contains("after the country code 0086"));
}

#[test]
fn requests_use_the_context_and_the_plain_calls_keep_working() {
    let request = CreateAiCallRequest {
        sdk_app_id: 1400000000,
        callee: "130 1234 5678".into(),
        llm_type: "openai".into(),
        api_key: "sk-test".into(),
        api_url: "https://api.openai.com/v1/".into(),
        system_prompt: Some("hi".into()),
        model: Some("gpt-4o-mini".into()),
        callers: Some(vec!["020 1234 5678".into(), "+1 415 555 0100".into()]),
        ..Default::default()
    };
    let paths: Vec<String> = request.validate().unwrap_err().into_iter().map(|e| e.path).collect();
    assert_eq!(paths, ["Callee", "Callers[0]"]);
    assert!(request.to_wire_body().is_err());

    let china = ValidationContext { default_country_code: code("86") };
    assert_eq!(request.validate_with(&china), Ok(()));
    let wire = request.to_wire_with(&china).expect("valid");
    assert_eq!(wire["Callee"], json!("008613012345678"));
    assert_eq!(wire["Callers"], json!(["00862012345678", "0014155550100"]));
    let body: serde_json::Value = serde_json::from_str(&request.to_wire_body_with(&china).expect("valid")).unwrap();
    assert_eq!(body, serde_json::Value::Object(wire));
}

#[test]
fn reading_a_request_does_not_report_a_missing_country_code_it_cannot_judge() {
    // `from_value` adds the rules broken beside a parse error, without knowing the client's default country code.
    let errors = CreateAiCallRequest::from_value(
        json!({
            "SdkAppId": "1400000000", "Callee": "130 1234 5678", "LLMType": "openai", "APIKey": "sk-test",
            "APIUrl": "https://api.openai.com/v1/", "SystemPrompt": "hi", "Model": "gpt-4o-mini",
            "Callers": ["+1 2"],
        }),
        KeyCase::Wire,
    )
    .unwrap_err();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["SdkAppId", "Callers[0]"]);
}
