//! The typed request: construction, wire form, secrets in `Debug`, TTS configs and the rules' edges.

use ccc_aicall::check::{MAX_DEPTH, MAX_LIST_LEN};
use ccc_aicall::request::MAX_BODY_BYTES;
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
fn debug_hides_keys_in_urls_in_the_extra_body_and_in_unknown_vendor_fields() {
    let mut tts = TencentTts {
        app_id: "1300000000".into(),
        secret_id: "id".into(),
        secret_key: "key".into(),
        voice_type: 101001,
        ..Default::default()
    };
    tts.extra.insert("VendorToken".into(), json!("Distinctive-Vendor-Token-9"));
    tts.extra.insert("Style".into(), json!({"name": "Distinctive-Nested-10"}));
    tts.extra.insert("Pitch".into(), json!(1.5));
    let request = CreateAiCallRequest {
        llm_type: "azure".into(),
        api_url: "https://user:Distinctive-Url-Pass-11@r.openai.azure.com/openai/deployments/d\
                  ?api-version=2024-06-01&api-key=Distinctive-Url-Key-12&key=Distinctive-Url-Key-13"
            .into(),
        llm_extra_body: Some(
            json!({"max_tokens": 256, "extra_headers": {"Authorization": "Bearer Distinctive-Body-14"},
                   "api_key": "Distinctive-Body-15"})
            .to_string(),
        ),
        custom_tts_config: Some(CustomTtsConfig::Tencent(tts)),
        extra: json!({"FutureParam": {"token": "Distinctive-Extra-16", "Mode": 2}}).as_object().cloned().unwrap(),
        ..minimal()
    };
    let text = format!("{request:?}");
    assert!(!text.contains("Distinctive"), "a secret leaked: {text}");
    // What is harmless stays readable, for debugging.
    for shown in ["api-version=2024-06-01", "r.openai.azure.com", "max_tokens", "256", "Pitch", "1.5", "Mode"] {
        assert!(text.contains(shown), "{shown} missing: {text}");
    }
}

#[test]
fn tts_strings_are_deterministic_with_tts_type_first() {
    let strings: Vec<String> = tts_configs().iter().map(CustomTtsConfig::to_json_string).collect();
    assert_eq!(
        strings[0],
        concat!(
            r#"{"TTSType":"tencent","AppId":"1300000000","SecretId":"AKID-Distinctive-Secret-Id-1","#,
            r#""SecretKey":"Distinctive-Secret-Key-2","VoiceType":101001,"Speed":1.25}"#,
        )
    );
    assert_eq!(strings[1], r#"{"TTSType":"minimax","APIKey":"Distinctive-Minimax-Key-3","GroupId":"181000000000000"}"#);
    assert_eq!(strings[2], r#"{"TTSType":"volcengine","AppId":"8800001","Token":"Distinctive-Volc-Token-4"}"#);
    assert_eq!(
        strings[3],
        concat!(
            r#"{"TTSType":"azure","SubscriptionKey":"Distinctive-Azure-Key-5","Region":"chinanorth3","#,
            r#""VoiceName":"zh-CN-XiaoxiaoNeural","Language":"zh-CN"}"#,
        )
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
    let reported: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(reported, ["CustomTTSConfig.VoiceType"]);
    assert_eq!(paths(CustomTtsConfig::Azure(AzureTts::default()).validate()).len(), 4);
}

#[test]
fn strings_have_no_size_limit_of_their_own_only_the_body_has() {
    // The service takes POST bodies of up to 10 MiB: a long prompt (a whole script) is no mistake.
    let long = "x".repeat(1024 * 1024);
    let request = CreateAiCallRequest { system_prompt: Some(long.clone()), welcome_message: Some(long), ..minimal() };
    assert_eq!(request.validate(), Ok(()));
    assert!(request.to_wire_body().is_ok());
    let request = CreateAiCallRequest { system_prompt: Some("x".repeat(MAX_BODY_BYTES)), ..minimal() };
    for errors in [request.validate().unwrap_err(), request.to_wire_body().unwrap_err(), request.to_wire().unwrap_err()]
    {
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, "");
        assert!(errors[0].message.contains("at most 10485760 bytes"), "{}", errors[0].message);
    }
}

#[test]
fn free_text_may_hold_control_characters_names_may_not() {
    // Text exported from a word processor carries a vertical tab for a line break; the service takes any string.
    let request = CreateAiCallRequest {
        system_prompt: Some("line\u{b}break\u{c}\u{0}".into()),
        welcome_message: Some("hi\u{7}".into()),
        ..minimal()
    };
    assert_eq!(request.validate(), Ok(()));
    let request = CreateAiCallRequest { model: Some("gpt-4o\u{b}".into()), ..minimal() };
    assert_eq!(paths(request.validate()), ["Model"]);
    let request = CreateAiCallRequest { api_url: "https://api.openai.com/v1/\u{0}".into(), ..minimal() };
    assert_eq!(paths(request.validate()), ["APIUrl"]);
    // Deeply nested raw values are refused rather than walked without bound.
    let deep = (0..MAX_DEPTH + 8).fold(json!("leaf"), |inner, _| json!([inner]));
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
    let request = CreateAiCallRequest {
        voice_type: Some("ZhiMei".into()),
        custom_tts_config: Some(tts_configs().remove(0)),
        ..minimal()
    };
    let errors = request.validate().unwrap_err();
    assert_eq!(
        errors[0].message_in(KeyCase::Snake),
        "leave `voice_type` unset when `custom_tts_config` is given: they are alternatives"
    );
    assert_eq!(
        errors[0].message_in(KeyCase::Camel),
        "leave `voiceType` unset when `customTtsConfig` is given: they are alternatives"
    );
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
