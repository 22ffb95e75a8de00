//! Rules no stricter than the service: what it accepts (API.md section 2) is accepted here too.

use ccc_aicall::{Campaign, CreateAiCallRequest, CustomTtsConfig, FieldErrorKind, KeyCase, TencentTts};
use serde_json::{json, Value};
use std::sync::Mutex;

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
fn tool_settings_are_accepted_whatever_their_switch_says() {
    let request = CreateAiCallRequest::from_value(
        json!({
            "SdkAppId": 1400000000, "Callee": "008613012345678", "LLMType": "openai", "APIKey": "sk-test",
            "APIUrl": "https://api.openai.com/v1/", "SystemPrompt": "hi", "Model": "gpt-4o-mini",
            "EndFunctionEnable": false, "EndFunctionDesc": "bye",
            "TransferItems": [{"TransferFunctionName": "to_human", "TransferFunctionDesc": "when asked",
                               "TransferSkillGroupId": 7}],
            "TransferToAgentEnable": false,
            "TransferToAgentItems": [{"TransferToAgentName": "sales", "TransferToAgentDesc": "sales questions",
                                      "TransferToAgentId": 11}],
        }),
        KeyCase::Wire,
    )
    .expect("parses");
    // The service ignores them while the switch is off; they go out as given.
    let wire = request.to_wire().expect("valid");
    assert_eq!(wire["EndFunctionDesc"], json!("bye"));
    assert_eq!(wire["TransferItems"][0]["TransferSkillGroupId"], json!(7));
    assert_eq!(wire["TransferToAgentItems"][0]["TransferToAgentId"], json!(11));
    // A switch on with no item: nothing documents it as an error.
    let request = CreateAiCallRequest {
        transfer_function_enable: Some(true),
        transfer_to_agent_enable: Some(true),
        transfer_items: Some(Vec::new()),
        ..minimal()
    };
    assert_eq!(request.validate(), Ok(()));
    // The items themselves must still be whole (their fields are required by the service's definition).
    let request = CreateAiCallRequest { transfer_items: Some(vec![Default::default()]), ..minimal() };
    assert_eq!(
        paths(request.validate()),
        [
            "TransferItems[0].TransferFunctionName",
            "TransferItems[0].TransferFunctionDesc",
            "TransferItems[0].TransferSkillGroupId"
        ]
    );
}

#[test]
fn a_campaign_item_may_turn_off_a_switch_its_template_turned_on() {
    let template = json!({
        "sdk_app_id": 1400000000, "llm_type": "openai", "api_key": "sk-test",
        "api_url": "https://api.openai.com/v1/", "system_prompt": "hi", "model": "gpt-4o-mini",
        "end_function_enable": true, "end_function_desc": "say bye first",
        "transfer_function_enable": true,
        "transfer_items": [{"transfer_function_name": "to_human", "transfer_function_desc": "when asked",
                            "transfer_skill_group_id": 7}],
    });
    let calls = [
        json!({"callee": "+8613012345678"}),
        json!({"callee": "+8613012345679", "end_function_enable": false, "transfer_function_enable": false}),
    ];
    let campaign = Campaign::from_values(&template, &calls, KeyCase::Snake);
    assert_eq!(campaign.problems(), []);
}

#[test]
fn azure_urls_carry_an_api_version_or_are_v1_endpoints() {
    let azure = |url: &str| CreateAiCallRequest { llm_type: "azure".into(), api_url: url.into(), ..minimal() };
    for ok in [
        "https://res.openai.azure.com?api-version=2024-06-01",
        "https://res.openai.azure.com/openai/v1/",
        "https://res.openai.azure.com/openai/v1",
        "https://res.services.ai.azure.com/openai/v1/?foo=bar",
        "https://gateway.example.com/azure/openai/v1/",
    ] {
        assert_eq!(azure(ok).validate(), Ok(()), "{ok}");
    }
    for bad in ["https://res.openai.azure.com", "https://res.openai.azure.com/?api-version=", "https://res/openai/v2/"]
    {
        assert_eq!(paths(azure(bad).validate()), ["APIUrl"], "{bad}");
    }
}

#[test]
fn zero_for_a_count_or_duration_without_a_documented_minimum_is_the_services_business() {
    // API.md documents no minimum for these; 0 may well mean "the default" or "none" to the service.
    let request = CreateAiCallRequest {
        interrupt_speech_duration: Some(0),
        notify_max_count: Some(0),
        max_ring_timeout_second: Some(0),
        ..minimal()
    };
    assert_eq!(request.validate(), Ok(()));
}

/// Captures the core's log lines (one logger per test binary: only this test logs at debug).
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "ccc_aicall"
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            self.0.lock().unwrap().push(format!("{} {}", record.level(), record.args()));
        }
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

#[test]
fn unknown_vendor_fields_are_passed_through_after_the_known_ones_and_logged_by_name() {
    log::set_logger(&CAPTURE).expect("the only logger of this test binary");
    log::set_max_level(log::LevelFilter::Debug);
    let config = json!({
        "TTSType": "azure", "SubscriptionKey": "s3cr3t-azure", "Region": "eastasia",
        "VoiceName": "zh-CN-XiaoxiaoNeural", "Language": "zh-CN", "rate": 1.2,
        "Pitch": "+5%", "style_degree": 1.5, "SecretPhrase": "s3cr3t-vendor", "Nested": {"a": [1, 2]},
    });
    let request = CreateAiCallRequest::from_value(
        json!({
            "SdkAppId": 1400000000, "Callee": "+8613012345678", "LLMType": "openai", "APIKey": "sk-test",
            "APIUrl": "https://api.openai.com/v1/", "SystemPrompt": "hi", "Model": "gpt-4o-mini",
            "CustomTTSConfig": config.to_string(),
        }),
        KeyCase::Wire,
    )
    .expect("unknown vendor fields are not refused");
    let wire = request.to_wire().expect("valid");
    // Known fields first, in the documented order and spelling; then the others, keys as given.
    assert_eq!(
        wire["CustomTTSConfig"],
        json!(
            "{\"TTSType\":\"azure\",\"SubscriptionKey\":\"s3cr3t-azure\",\"Region\":\"eastasia\",\
             \"VoiceName\":\"zh-CN-XiaoxiaoNeural\",\"Language\":\"zh-CN\",\"Rate\":1.2,\
             \"Nested\":{\"a\":[1,2]},\"Pitch\":\"+5%\",\"SecretPhrase\":\"s3cr3t-vendor\",\"style_degree\":1.5}"
        )
    );
    let logged = CAPTURE.0.lock().unwrap().clone();
    let line = logged.iter().find(|l| l.contains("does not know")).expect("a debug line");
    assert!(line.starts_with("DEBUG") && line.contains("Pitch") && line.contains("style_degree"), "{line}");
    assert!(!logged.iter().any(|l| l.contains("s3cr3t") || l.contains("+5%")), "values are never logged: {logged:?}");

    // Debug shows the harmless values only.
    let shown = format!("{request:?}");
    assert!(!shown.contains("s3cr3t") && !shown.contains("+5%"), "{shown}");
    assert!(shown.contains("style_degree") && shown.contains("1.5"), "{shown}");

    // Known fields keep their types and rules.
    let mut bad = config.clone();
    bad["Rate"] = json!("fast");
    bad.as_object_mut().unwrap().remove("rate");
    let errors = CustomTtsConfig::from_value(bad).unwrap_err();
    assert_eq!(errors.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["CustomTTSConfig.Rate"]);
}

#[test]
fn a_misspelt_required_vendor_field_is_named_in_the_missing_problem() {
    let errors = CustomTtsConfig::from_value(json!({
        "TTSType": "tencent", "AppId": "1300000000", "SecretId": "id", "SecretKy": "s3cr3t", "VoiceType": 101001,
    }))
    .and_then(|config| config.validate())
    .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].kind, errors[0].path.as_str()), (FieldErrorKind::Missing, "CustomTTSConfig.SecretKey"));
    assert!(errors[0].message.contains("\"SecretKy\" was given"), "{}", errors[0].message);
    assert!(!errors[0].message.contains("s3cr3t"));
}

#[test]
fn unknown_fields_set_in_rust_are_checked_for_depth_and_collisions() {
    let mut tts = TencentTts {
        app_id: "1".into(),
        secret_id: "id".into(),
        secret_key: "key".into(),
        voice_type: 101001,
        ..Default::default()
    };
    tts.extra.insert("Speed".into(), json!(1));
    tts.extra.insert("Deep".into(), (0..40).fold(Value::Null, |inner, _| json!([inner])));
    let reported = paths(CustomTtsConfig::Tencent(tts).validate());
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert!(reported[0].starts_with("CustomTTSConfig.Deep[0]"), "{reported:?}");
    assert_eq!(reported[1], "CustomTTSConfig.Speed");
}
