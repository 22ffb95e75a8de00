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
