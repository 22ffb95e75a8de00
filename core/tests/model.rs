//! The typed request: construction, wire form, secrets in `Debug`, TTS configs and the rules' edges.

use ccc_aicall::check::{MAX_LIST_LEN, MAX_STRING_BYTES};
use ccc_aicall::phone::normalize_phone;
use ccc_aicall::{
    AiTransferItem, AzureTts, CreateAiCallRequest, CustomHttpTts, CustomTtsConfig, FieldErrorKind, KeyCase, MinimaxTts,
    TencentTts, ToneWord, VolcengineTts, PARAMETERS,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn minimal() -> CreateAiCallRequest {
    CreateAiCallRequest {
        sdk_app_id: 1400000000,
        callee: "+86 130 1234 5678".into(),
        llm_type: "openai".into(),
        api_key: "sk-test".into(),
        api_url: "https://api.openai.com/v1/".into(),
        system_prompt: Some("You are helpful.".into()),
        model: Some("gpt-4o-mini".into()),
        ..Default::default()
    }
}

fn paths(result: Result<(), Vec<ccc_aicall::FieldError>>) -> Vec<String> {
    result.err().unwrap_or_default().into_iter().map(|e| e.path).collect()
}

#[test]
fn a_struct_literal_builds_a_valid_request() {
    let request = minimal();
    assert_eq!(request.validate(), Ok(()));
    let body = request.to_wire_body().expect("valid");
    let value: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        value,
        json!({
            "SdkAppId": 1400000000u64, "Callee": "008613012345678", "LLMType": "openai", "APIKey": "sk-test",
            "APIUrl": "https://api.openai.com/v1/", "SystemPrompt": "You are helpful.", "Model": "gpt-4o-mini"
        })
    );
    assert!(!body.contains(": ") && !body.contains('\n'), "the body is compact: {body}");
    // Normalising works on a copy: the caller's request is untouched.
    assert_eq!(request.callee, "+86 130 1234 5678");
}

#[test]
fn the_default_request_reports_exactly_the_required_parameters() {
    let errors = CreateAiCallRequest::default().validate().unwrap_err();
    let reported: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(reported, ["SdkAppId", "Callee", "LLMType", "APIKey", "APIUrl"]);
    assert!(errors.iter().all(|e| e.kind == FieldErrorKind::Missing));
}

#[test]
fn parameters_are_the_44_wire_names_the_model_serialises() {
    let unique: BTreeSet<&str> = PARAMETERS.iter().copied().collect();
    assert_eq!(unique.len(), 44);
    // Serialise (without the rules) a request with every field set: its keys are exactly PARAMETERS.
    let doc: Value = serde_json::from_str(include_str!("../../tests/cases/requests.json")).expect("cases");
    let all = doc["valid"]
        .as_array()
        .and_then(|v| v.iter().find(|c| c["name"].as_str().is_some_and(|n| n.starts_with("all_44"))))
        .expect("the all-44 case");
    let mut request = CreateAiCallRequest::from_value(all["input"].clone(), KeyCase::Wire).expect("parses");
    request.voice_type = Some("ZhiMei".into());
    let Value::Object(wire) = serde_json::to_value(&request).expect("serialises") else { panic!("not an object") };
    let keys: BTreeSet<&str> = wire.keys().map(String::as_str).collect();
    assert_eq!(keys, unique);
}

fn tts_configs() -> Vec<CustomTtsConfig> {
    vec![
        CustomTtsConfig::Tencent(TencentTts {
            app_id: "1300000000".into(),
            secret_id: "AKID-Distinctive-Secret-Id-1".into(),
            secret_key: "Distinctive-Secret-Key-2".into(),
            voice_type: 101001,
            speed: Some(1.25),
            ..Default::default()
        }),
        CustomTtsConfig::Minimax(MinimaxTts {
            api_key: "Distinctive-Minimax-Key-3".into(),
            group_id: "181000000000000".into(),
            ..Default::default()
        }),
        CustomTtsConfig::Volcengine(VolcengineTts {
            app_id: "8800001".into(),
            token: "Distinctive-Volc-Token-4".into(),
            ..Default::default()
        }),
        CustomTtsConfig::Azure(AzureTts {
            subscription_key: "Distinctive-Azure-Key-5".into(),
            region: "chinanorth3".into(),
            voice_name: "zh-CN-XiaoxiaoNeural".into(),
            language: "zh-CN".into(),
            ..Default::default()
        }),
        CustomTtsConfig::Custom(CustomHttpTts {
            api_key: "Distinctive-Custom-Key-6".into(),
            api_url: "https://tts.example.com/stream".into(),
            ..Default::default()
        }),
    ]
}

const SECRETS: [&str; 8] = [
    "Distinctive-Secret-Id-1",
    "Distinctive-Secret-Key-2",
    "Distinctive-Minimax-Key-3",
    "Distinctive-Volc-Token-4",
    "Distinctive-Azure-Key-5",
    "Distinctive-Custom-Key-6",
    "Distinctive-LLM-Key-7",
    "Distinctive-STT-Config-8",
];

#[test]
fn debug_prints_stars_for_every_secret() {
    for tts in tts_configs() {
        let request = CreateAiCallRequest {
            api_key: "sk-Distinctive-LLM-Key-7".into(),
            custom_tts_config: Some(tts.clone()),
            custom_stt_config: Some("{\"key\": \"Distinctive-STT-Config-8\"}".into()),
            ..minimal()
        };
        for text in [format!("{request:?}"), format!("{request:#?}"), format!("{tts:?}"), format!("{tts:#?}")] {
            for secret in SECRETS {
                assert!(!text.contains(secret), "{secret} leaked: {text}");
            }
            assert!(text.contains("***"), "{text}");
        }
        // The wire is the one place the secrets must be, and validation messages never echo them.
        let body = request.to_wire_body().expect("valid");
        assert!(body.contains("Distinctive-LLM-Key-7"));
        let broken = CreateAiCallRequest { api_key: " sk-Distinctive-LLM-Key-7".into(), ..request };
        for e in broken.validate().unwrap_err() {
            assert!(SECRETS.iter().all(|s| !e.message.contains(s)), "{e}");
        }
    }
}

#[test]
fn tts_strings_are_deterministic_with_tts_type_first() {
    let strings: Vec<String> = tts_configs().iter().map(CustomTtsConfig::to_json_string).collect();
    assert_eq!(
        strings[0],
        r#"{"TTSType":"tencent","AppId":"1300000000","SecretId":"AKID-Distinctive-Secret-Id-1","SecretKey":"Distinctive-Secret-Key-2","VoiceType":101001,"Speed":1.25}"#
    );
    assert_eq!(strings[1], r#"{"TTSType":"minimax","APIKey":"Distinctive-Minimax-Key-3","GroupId":"181000000000000"}"#);
    assert_eq!(strings[2], r#"{"TTSType":"volcengine","AppId":"8800001","Token":"Distinctive-Volc-Token-4"}"#);
    assert_eq!(
        strings[3],
        r#"{"TTSType":"azure","SubscriptionKey":"Distinctive-Azure-Key-5","Region":"chinanorth3","VoiceName":"zh-CN-XiaoxiaoNeural","Language":"zh-CN"}"#
    );
    assert_eq!(
        strings[4],
        r#"{"TTSType":"custom","APIKey":"Distinctive-Custom-Key-6","APIUrl":"https://tts.example.com/stream"}"#
    );
    for (config, text) in tts_configs().into_iter().zip(&strings) {
        assert_eq!(config.validate(), Ok(()));
        // A string or an object reads back to the same config.
        assert_eq!(CustomTtsConfig::from_value(Value::String(text.clone())), Ok(config.clone()));
        let object: Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(CustomTtsConfig::from_value(object), Ok(config.clone()));
        // On the wire it is a string.
        let request = CreateAiCallRequest { custom_tts_config: Some(config), ..minimal() };
        assert_eq!(request.to_wire().expect("valid")["CustomTTSConfig"], Value::String(text.clone()));
    }
}

#[test]
fn tts_read_errors_carry_paths() {
    let errors = CustomTtsConfig::from_value(json!({"tts_type": "tencent", "secretKy": "x"})).unwrap_err();
    let mut reported: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    reported.sort_unstable();
    assert_eq!(reported, ["CustomTTSConfig.VoiceType", "CustomTTSConfig.secretKy"]);
    let hint = errors.iter().find(|e| e.kind == FieldErrorKind::Unknown).expect("unknown key");
    assert!(hint.message.contains("did you mean `SecretKey`?"), "{}", hint.message);
    assert_eq!(paths(CustomTtsConfig::Azure(AzureTts::default()).validate()).len(), 4);
}

#[test]
fn phone_numbers_normalise_to_the_service_form() {
    for (raw, phone) in [
        ("008613012345678", "008613012345678"),
        ("+8613012345678", "008613012345678"),
        ("+86 (130) 1234-5678", "008613012345678"),
        ("  010.1234.5678 ", "01012345678"),
        ("123", "123"),
        ("12345678901234567890", "12345678901234567890"),
        ("+12345678901234567890", "0012345678901234567890"),
    ] {
        assert_eq!(normalize_phone(raw, None).as_deref(), Ok(phone), "{raw}");
    }
    for raw in
        ["12", "+1", "+", "123456789012345678901", "+123456789012345678901", "1-800-FLOWERS", "", "++86123", "86\t123"]
    {
        assert!(normalize_phone(raw, None).is_err(), "{raw}");
    }
}

#[test]
fn strings_are_bounded_and_clean() {
    let at_limit = "x".repeat(MAX_STRING_BYTES);
    let request = CreateAiCallRequest { welcome_message: Some(at_limit.clone()), ..minimal() };
    assert_eq!(request.validate(), Ok(()));
    let request = CreateAiCallRequest { welcome_message: Some(at_limit + "x"), ..minimal() };
    assert_eq!(paths(request.validate()), ["WelcomeMessage"]);
    let request = CreateAiCallRequest { api_url: "https://api.openai.com/v1/\u{0}".into(), ..minimal() };
    assert_eq!(paths(request.validate()), ["APIUrl"]);
    let request = CreateAiCallRequest {
        extra: json!({"Future": {"a": ["ok", "bad\u{7}"]}}).as_object().cloned().unwrap_or_default(),
        ..minimal()
    };
    assert_eq!(paths(request.validate()), ["ExtraParams.Future.a[1]"]);
    let request = CreateAiCallRequest {
        api_url: format!("https://api.example.com/{}", "v".repeat(MAX_STRING_BYTES)),
        ..minimal()
    };
    assert_eq!(paths(request.validate()), ["APIUrl"]);
    // Deeply nested raw values are refused rather than walked without bound.
    let deep = (0..40).fold(json!("leaf"), |inner, _| json!([inner]));
    let request = CreateAiCallRequest { extra: [("Deep".to_string(), deep)].into_iter().collect(), ..minimal() };
    let reported = paths(request.validate());
    assert_eq!(reported.len(), 1);
    assert!(reported[0].starts_with("ExtraParams.Deep[0]"), "{reported:?}");
}

#[test]
fn lists_are_bounded_with_one_problem_each() {
    let many = vec!["x".to_string(); MAX_LIST_LEN + 1];
    let request = CreateAiCallRequest { callers: Some(many.clone()), languages: Some(many), ..minimal() };
    assert_eq!(paths(request.validate()), ["Callers", "Languages"]);
    let item = AiTransferItem {
        transfer_function_name: "t".into(),
        transfer_function_desc: "d".into(),
        transfer_skill_group_id: 1,
    };
    let request = CreateAiCallRequest {
        transfer_function_enable: Some(true),
        transfer_items: Some(
            (0..=MAX_LIST_LEN)
                .map(|i| AiTransferItem { transfer_function_name: format!("t{i}"), ..item.clone() })
                .collect(),
        ),
        ..minimal()
    };
    assert_eq!(paths(request.validate()), ["TransferItems"]);
}

#[test]
fn non_finite_numbers_are_rejected_not_sent_as_null() {
    let request = CreateAiCallRequest {
        temperature: Some(f64::NAN),
        top_p: Some(f64::INFINITY),
        ambient_sound_volume: Some(f64::NEG_INFINITY),
        tone_word: Some(ToneWord { first_sentence_timeout: Some(f64::NAN), zh_tone_words: None }),
        custom_tts_config: Some(CustomTtsConfig::Azure(AzureTts {
            subscription_key: "k".into(),
            region: "r".into(),
            voice_name: "v".into(),
            language: "l".into(),
            rate: Some(f64::NAN),
            ..Default::default()
        })),
        ..minimal()
    };
    assert_eq!(
        paths(request.validate()),
        ["CustomTTSConfig.Rate", "Temperature", "TopP", "ToneWord.FirstSentenceTimeout", "AmbientSoundVolume"]
    );
}

#[test]
fn extra_nulls_are_dropped_and_modelled_fields_win_nothing() {
    let mut request = minimal();
    request.extra.insert("NewThing".into(), json!(1));
    request.extra.insert("Unset".into(), Value::Null);
    let wire = request.to_wire().expect("valid");
    assert_eq!(wire["NewThing"], json!(1));
    assert!(!wire.contains_key("Unset"));
    request.extra.insert("SdkAppId".into(), json!(1));
    assert_eq!(paths(request.validate()), ["ExtraParams.SdkAppId"]);
}

#[test]
fn messages_name_other_fields_in_the_callers_case() {
    let request = CreateAiCallRequest { end_function_desc: Some("bye".into()), ..minimal() };
    let errors = request.validate().unwrap_err();
    assert_eq!(errors[0].message_in(KeyCase::Snake), "takes effect only with `end_function_enable` set to true");
    assert_eq!(errors[0].message_in(KeyCase::Camel), "takes effect only with `endFunctionEnable` set to true");
}

#[test]
fn unknown_keywords_get_the_closest_name_in_the_callers_case() {
    use ccc_aicall::request::unknown_keyword;
    use ccc_aicall::KeyCase;
    assert_eq!(unknown_keyword("llm_type", KeyCase::Snake), None);
    assert_eq!(unknown_keyword("extra_params", KeyCase::Snake), None);
    assert_eq!(unknown_keyword("extraParams", KeyCase::Camel), None);
    assert_eq!(unknown_keyword("llm_typ", KeyCase::Snake), Some(Some("llm_type".into())));
    assert_eq!(unknown_keyword("sytemPrompt", KeyCase::Camel), Some(Some("systemPrompt".into())));
    assert_eq!(unknown_keyword("qqqqqqqq", KeyCase::Snake), Some(None));
}
