//! CreateAICall parameters, checked with the core's own rules and answered with the service's codes.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn missing_unknown_and_invalid_parameters() {
    let emu = start().await;

    let mut missing = valid_call();
    missing.as_object_mut().unwrap().remove("SdkAppId");
    let answer = Call::create(&missing).send(&emu).await;
    answer.assert_error("MissingParameter");
    assert!(answer.message().contains("SdkAppId"), "{}", answer.text);

    let mut unknown = valid_call();
    unknown["SystemPromt"] = json!("typo");
    let answer = Call::create(&unknown).send(&emu).await;
    answer.assert_error("UnknownParameter");
    assert!(answer.message().contains("SystemPromt"), "{}", answer.text);

    let mut invalid = valid_call();
    invalid["SdkAppId"] = json!("not a number");
    let answer = Call::create(&invalid).send(&emu).await;
    answer.assert_error("InvalidParameterValue");
    assert!(answer.message().contains("SdkAppId"), "{}", answer.text);

    let mut bad_value = valid_call();
    bad_value["LLMType"] = json!("gpt");
    Call::create(&bad_value).send(&emu).await.assert_error("InvalidParameterValue");

    assert!(emu.calls().is_empty(), "nothing invalid is placed");
    Call::create(&valid_call()).send(&emu).await.assert_ok();
    assert_eq!(emu.calls().len(), 1);
    assert_eq!(emu.hits_for("CreateAICall"), 5);
}

#[tokio::test]
async fn what_the_service_accepts_the_emulator_accepts() {
    let emu = start().await;
    let mut call = valid_call();
    // Tool settings whatever their switch says, an Azure v1 endpoint with no api-version, a vendor field this SDK
    // does not know, and a prompt far beyond the 64 KiB the rules once capped every string at.
    call["EndFunctionEnable"] = json!(false);
    call["EndFunctionDesc"] = json!("bye");
    call["TransferItems"] =
        json!([{"TransferFunctionName": "to_human", "TransferFunctionDesc": "asked", "TransferSkillGroupId": 7}]);
    call["TransferToAgentEnable"] = json!(true);
    call["LLMType"] = json!("azure");
    call["APIUrl"] = json!("https://res.openai.azure.com/openai/v1/");
    call["VoiceType"] = serde_json::Value::Null;
    call["CustomTTSConfig"] = json!(json!({
        "TTSType": "azure", "SubscriptionKey": "k", "Region": "eastasia", "VoiceName": "zh-CN-XiaoxiaoNeural",
        "Language": "zh-CN", "Pitch": "+5%",
    })
    .to_string());
    call["SystemPrompt"] = json!("You are helpful. ".repeat(10_000));
    Call::create(&call).send(&emu).await.assert_ok();
    assert_eq!(emu.calls().len(), 1);
}

#[tokio::test]
async fn numbers_that_cannot_be_international_numbers_are_invalid_parameter_values() {
    let emu = start().await;
    for callee in ["12345", "13012345678", "+1 555", "00999123456789"] {
        let mut call = valid_call();
        call["Callee"] = json!(callee);
        let answer = Call::create(&call).send(&emu).await;
        answer.assert_error("InvalidParameterValue");
        assert!(!answer.message().contains(callee), "{}", answer.text);
    }
    assert!(emu.calls().is_empty());
}

#[tokio::test]
async fn the_clients_default_country_code_completes_numbers_written_without_one() {
    use ccc_aicall::{Client, ClientConfig, CreateAiCallRequest, ErrorKind};
    let emu = start().await;
    let config = |code: Option<&str>| ClientConfig {
        secret_id: Some(ccc_aicall_emulator::TEST_SECRET_ID.into()),
        secret_key: Some(ccc_aicall_emulator::TEST_SECRET_KEY.into()),
        endpoint: Some(emu.endpoint()),
        default_country_code: code.map(String::from),
        ..Default::default()
    };
    let request = CreateAiCallRequest {
        sdk_app_id: SDK_APP_ID,
        callee: "130 1234 5678".into(),
        llm_type: "openai".into(),
        api_key: "sk-test".into(),
        api_url: "https://api.openai.com/v1/".into(),
        system_prompt: Some("hi".into()),
        model: Some("gpt-4o-mini".into()),
        callers: Some(vec!["020 1234 5678".into()]),
        ..Default::default()
    };
    let without = Client::new(config(None)).unwrap();
    let e = without.create_ai_call(&request).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(e.to_string().contains("has no country code"), "{e}");
    assert_eq!(emu.hits(), 0);

    let china = Client::new(config(Some("+86"))).unwrap();
    china.create_ai_call(&request).await.unwrap();
    let placed = emu.calls();
    assert_eq!(placed[0].body["Callee"], "008613012345678");
    assert_eq!(placed[0].body["Callers"], json!(["00862012345678"]));

    let e = Client::new(config(Some("999"))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("default_country_code"), "{e}");
}
