//! What follows a placed call, as the scripts say it goes: records, transcripts, extraction, live control, and
//! each action's parameter checks and rate limit.

mod common;

use std::time::{Duration, Instant};

use ccc_aicall_emulator::{CallScript, Emulator, EmulatorConfig, Extracted, ExtractedValue, Turn};
use common::*;
use serde_json::{json, Value};

const CALLEE: &str = "008613012345678";
const CALLER: &str = "008675500000000";

/// These tests poll faster than the service allows; the rate limits have a test of their own.
async fn unlimited() -> Emulator {
    start_with(EmulatorConfig { rate_limit: 0.0, ..EmulatorConfig::default() }).await
}

async fn place(emu: &Emulator, callee: &str) -> String {
    let mut body = valid_call();
    body["Callee"] = json!(callee);
    let answer = Call::create(&body).send(emu).await;
    answer.assert_ok();
    answer.session_id().unwrap().to_string()
}

async fn ask(emu: &Emulator, action: &str, params: Value) -> Answer {
    Call::new(action, &params).send(emu).await
}

async fn ok(emu: &Emulator, action: &str, params: Value) -> Value {
    let answer = ask(emu, action, params).await;
    answer.assert_ok();
    answer.body["Response"].clone()
}

fn session(id: &str) -> Value {
    json!({"SdkAppId": SDK_APP_ID, "SessionId": id})
}

async fn status(emu: &Emulator, id: &str) -> String {
    let answer = ok(emu, "DescribeTelSession", session(id)).await;
    answer["Session"]["SessionStatus"].as_str().unwrap().to_string()
}

/// Poll until the session has this status (the emulator's timers are real time).
async fn wait_for(emu: &Emulator, id: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while status(emu, id).await != want {
        assert!(Instant::now() < deadline, "{id} never became {want}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn cdr_window(extra: Value) -> Value {
    let mut params = json!({
        "SdkAppId": SDK_APP_ID, "StartTimeStamp": now() - 600, "EndTimeStamp": now() + 600,
        "PageSize": 100, "PageNumber": 0,
    });
    if let (Some(p), Value::Object(extra)) = (params.as_object_mut(), extra) {
        p.extend(extra);
    }
    params
}

async fn records(emu: &Emulator, extra: Value) -> Vec<Value> {
    let answer = ok(emu, "DescribeTelCdr", cdr_window(extra)).await;
    answer["TelCdrList"].as_array().unwrap().clone()
}

async fn record(emu: &Emulator, id: &str) -> Option<Value> {
    records(emu, json!({"SessionIds": [id]})).await.pop()
}

async fn asr(emu: &Emulator, id: &str) -> Vec<Value> {
    ok(emu, "DescribeTelRecordAsr", session(id)).await["AsrDataList"].as_array().unwrap().clone()
}

async fn extraction(emu: &Emulator, id: &str) -> Vec<Value> {
    let params = json!({"SdkAppId": SDK_APP_ID, "SessionId": id, "StartTime": now() - 600, "EndTime": now() + 600});
    ok(emu, "DescribeAICallExtractResult", params).await["ResultList"].as_array().unwrap().clone()
}

fn answered_script() -> CallScript {
    CallScript {
        ring_ms: Some(100),
        talk_ms: Some(1000),
        transcript: Some(vec![Turn::ai("Hello, am I speaking with Ms. Li?"), Turn::user("Yes."), Turn::ai("Great.")]),
        extracted: Some(vec![
            Extracted {
                description: Some("Interested in the product?".into()),
                ..Extracted::new("interest", ExtractedValue::Boolean(true))
            },
            Extracted::new("years", ExtractedValue::Number(7.0)),
            Extracted::new("reasons", ExtractedValue::Selector(vec!["price".into(), "power".into()])),
            Extracted::new("note", ExtractedValue::Text("call back Friday".into())),
        ]),
        ..CallScript::default()
    }
}

/// Every TelCdrInfo field of the service's definition (OUTCOMES.md §4.2).
const TEL_CDR_FIELDS: [&str; 43] = [
    "Caller",
    "Callee",
    "Time",
    "Direction",
    "CallType",
    "Duration",
    "RecordURL",
    "RecordId",
    "SeatUser",
    "EndStatus",
    "SkillGroup",
    "CallerLocation",
    "IVRDuration",
    "RingTimestamp",
    "AcceptTimestamp",
    "EndedTimestamp",
    "IVRKeyPressed",
    "IVRKeyPressedEx",
    "HungUpSide",
    "ServeParticipants",
    "SkillGroupId",
    "EndStatusString",
    "StartTimestamp",
    "QueuedTimestamp",
    "PostIVRKeyPressed",
    "PostIVRKeyPressedEx",
    "QueuedSkillGroupId",
    "SessionId",
    "ProtectedCaller",
    "ProtectedCallee",
    "Uui",
    "UUI",
    "AsrUrl",
    "AsrStatus",
    "CustomRecordURL",
    "Remark",
    "QueuedSkillGroupName",
    "VoicemailRecordURL",
    "VoicemailAsrURL",
    "AIAgentId",
    "AIAgentName",
    "SysHangupReason",
    "SysHangupReasonString",
];

#[tokio::test]
async fn an_answered_call_has_its_record_transcript_and_extraction() {
    let emu = unlimited().await;
    emu.script("+8613012345678", answered_script());
    let id = place(&emu, CALLEE).await;
    assert_eq!(status(&emu, &id).await, "ringing");
    assert!(record(&emu, &id).await.is_none(), "no record while the call is on");
    wait_for(&emu, &id, "inProgress").await;
    let live = ok(&emu, "DescribeTelSession", session(&id)).await;
    assert!(
        live["Session"]["AcceptTimestamp"].as_i64().unwrap() >= live["Session"]["StartTimestamp"].as_i64().unwrap()
    );
    wait_for(&emu, &id, "finished").await;

    let r = record(&emu, &id).await.expect("the record");
    for field in TEL_CDR_FIELDS {
        assert!(r.get(field).is_some(), "TelCdrInfo.{field} missing: {r}");
    }
    assert_eq!(r.as_object().unwrap().len(), 43, "exactly the service's fields: {r}");
    assert_eq!((r["Callee"].as_str(), r["Caller"].as_str()), (Some(CALLEE), Some(CALLER)));
    assert_eq!((r["EndStatus"].as_i64(), r["EndStatusString"].as_str()), (Some(1), Some("ok")));
    assert_eq!(r["HungUpSide"], "user");
    assert_eq!((r["CallType"].as_i64(), r["Direction"].as_i64(), r["AIAgentId"].as_i64()), (Some(1), Some(1), Some(0)));
    let (time, accept, ended) =
        (r["Time"].as_i64().unwrap(), r["AcceptTimestamp"].as_i64().unwrap(), r["EndedTimestamp"].as_i64().unwrap());
    assert!((now() - 5..=now()).contains(&time), "{time}");
    assert_eq!((r["StartTimestamp"].as_i64(), r["RingTimestamp"].as_i64()), (Some(time), Some(time)));
    assert!(time <= accept && accept < ended, "{time} {accept} {ended}");
    assert_eq!(r["Duration"].as_i64(), Some(ended - accept));
    assert_eq!(r["RecordURL"], format!("{}/__emulator/recordings/{id}.mp3", emu.endpoint()));
    assert_eq!(r["RecordId"].as_str().unwrap().len(), 36);
    assert_eq!(r["AsrStatus"], "Complete");
    assert!(r["AsrUrl"].as_str().unwrap().starts_with("http://127.0.0.1:"));
    assert_eq!(r["SeatUser"]["SkillGroupNameList"], json!([]));
    assert_eq!(r["ServeParticipants"], json!([]));

    let sentences = asr(&emu, &id).await;
    let said: Vec<(&str, &str)> =
        sentences.iter().map(|s| (s["User"].as_str().unwrap(), s["Message"].as_str().unwrap())).collect();
    assert_eq!(said, [("AI", "Hello, am I speaking with Ms. Li?"), (CALLEE, "Yes."), ("AI", "Great.")]);
    let mut last = accept * 1000;
    for s in &sentences {
        let (start, end) = (s["Start"].as_i64().unwrap(), s["End"].as_i64().unwrap());
        assert!(last <= start && start <= end && end <= (ended + 1) * 1000, "{s}");
        last = start;
    }

    let items = extraction(&emu, &id).await;
    assert_eq!(items.len(), 4);
    for item in &items {
        let result = item["Result"].as_object().unwrap();
        assert_eq!(result.len(), 4, "all four members, like the service: {item}");
    }
    assert_eq!(
        items[0],
        json!({"InfoType": "Boolean", "InfoName": "interest", "InfoContent": "Interested in the product?",
        "Result": {"Text": "", "Chosen": [], "Boolean": true, "Number": 0.0}})
    );
    assert_eq!(items[1]["Result"]["Number"], 7.0);
    assert_eq!(items[2]["Result"]["Chosen"], json!(["price", "power"]));
    assert_eq!(
        (items[3]["InfoType"].as_str(), items[3]["Result"]["Text"].as_str()),
        (Some("Text"), Some("call back Friday"))
    );
    let outside = json!({"SdkAppId": SDK_APP_ID, "SessionId": id, "StartTime": now() + 60, "EndTime": now() + 120});
    assert_eq!(ok(&emu, "DescribeAICallExtractResult", outside).await["ResultList"], json!([]));
}

#[tokio::test]
async fn unanswered_calls_have_no_talk() {
    let emu = unlimited().await;
    emu.script(CALLEE, CallScript { end_status: Some(206), ring_ms: Some(50), ..Default::default() });
    emu.script("008613000000299", CallScript { end_status: Some(299), ring_ms: Some(0), ..Default::default() });
    let busy = place(&emu, CALLEE).await;
    let odd = place(&emu, "008613000000299").await;
    wait_for(&emu, &busy, "finished").await;
    let r = record(&emu, &busy).await.unwrap();
    assert_eq!((r["EndStatus"].as_i64(), r["EndStatusString"].as_str()), (Some(206), Some("busy")));
    assert_eq!((r["AcceptTimestamp"].as_i64(), r["Duration"].as_i64()), (Some(0), Some(0)));
    assert_eq!((r["RecordURL"].as_str(), r["AsrStatus"].as_str()), (Some(""), Some("NotExists")));
    assert_eq!(r["HungUpSide"], "system");
    assert!(asr(&emu, &busy).await.is_empty());
    assert!(extraction(&emu, &busy).await.is_empty());
    let r = record(&emu, &odd).await.unwrap();
    assert_eq!((r["EndStatus"].as_i64(), r["EndStatusString"].as_str()), (Some(299), Some("unknown")));
}

#[tokio::test]
async fn records_transcripts_and_extractions_lag_as_scripted() {
    let emu = unlimited().await;
    let lagging = CallScript {
        ring_ms: Some(20),
        talk_ms: Some(50),
        cdr_delay_ms: Some(600),
        asr_delay_ms: Some(1500),
        extract_delay_ms: Some(1500),
        extracted: Some(vec![Extracted::new("interest", ExtractedValue::Boolean(false))]),
        ..CallScript::default()
    };
    emu.script(CALLEE, lagging);
    let id = place(&emu, CALLEE).await;
    wait_for(&emu, &id, "finished").await;
    assert!(record(&emu, &id).await.is_none(), "the record is not there yet");
    assert!(asr(&emu, &id).await.is_empty() && extraction(&emu, &id).await.is_empty());
    tokio::time::sleep(Duration::from_millis(700)).await;
    let r = record(&emu, &id).await.expect("the record came");
    assert_eq!((r["AsrStatus"].as_str(), r["AsrUrl"].as_str()), (Some("Processing"), Some("")));
    assert!(asr(&emu, &id).await.is_empty() && extraction(&emu, &id).await.is_empty());
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(record(&emu, &id).await.unwrap()["AsrStatus"], "Complete");
    assert_eq!(asr(&emu, &id).await.len(), 2, "the default transcript");
    assert_eq!(extraction(&emu, &id).await.len(), 1);
}

#[tokio::test]
async fn hang_up_mid_call_or_while_ringing() {
    let emu = unlimited().await;
    emu.script(CALLEE, CallScript { ring_ms: Some(50), talk_ms: Some(60_000), ..Default::default() });
    let talking = place(&emu, CALLEE).await;
    wait_for(&emu, &talking, "inProgress").await;
    let hung_up = ok(&emu, "HangUpCall", session(&talking)).await;
    assert_eq!(hung_up.as_object().unwrap().len(), 1, "only the RequestId");
    assert_eq!(status(&emu, &talking).await, "finished");
    let r = record(&emu, &talking).await.unwrap();
    assert_eq!((r["EndStatus"].as_i64(), r["EndStatusString"].as_str()), (Some(231), Some("callTerminatedByAPI")));
    assert_eq!((r["HungUpSide"].as_str(), r["AsrStatus"].as_str()), (Some("system"), Some("Complete")));
    assert!(r["Duration"].as_i64().unwrap() <= 1);
    ask(&emu, "HangUpCall", session(&talking)).await.assert_error("FailedOperation.SessionNotExists");

    emu.script(CALLEE, CallScript { ring_ms: Some(60_000), ..Default::default() });
    let ringing = place(&emu, CALLEE).await;
    ok(&emu, "HangUpCall", session(&ringing)).await;
    let r = record(&emu, &ringing).await.unwrap();
    assert_eq!((r["EndStatus"].as_i64(), r["EndStatusString"].as_str()), (Some(220), Some("callerCancelWhileRing")));
    assert_eq!((r["AcceptTimestamp"].as_i64(), r["AsrStatus"].as_str()), (Some(0), Some("NotExists")));
    assert!(asr(&emu, &ringing).await.is_empty());
}

fn push(id: &str, text: &str, stop: bool) -> Value {
    json!({"SdkAppId": SDK_APP_ID, "SessionId": id, "Command": "ServerPushText",
        "ServerPushText": {"Text": text, "Interrupt": true, "StopAfterPlay": stop}})
}

#[tokio::test]
async fn control_only_a_call_in_progress() {
    let emu = unlimited().await;
    emu.script(CALLEE, CallScript { ring_ms: Some(300), talk_ms: Some(60_000), ..Default::default() });
    let id = place(&emu, CALLEE).await;
    ask(&emu, "ControlAIConversation", push(&id, "too early", false))
        .await
        .assert_error("FailedOperation.SessionNotInControlState");
    wait_for(&emu, &id, "inProgress").await;
    ok(&emu, "ControlAIConversation", push(&id, "One moment please.", false)).await;
    let invoke = json!({"SdkAppId": SDK_APP_ID, "SessionId": id, "Command": "InvokeLLM",
        "InvokeLLM": {"Content": "What is the weather?", "Interrupt": false}});
    ok(&emu, "ControlAIConversation", invoke).await;
    // The official example sends SdkAppId as a string.
    let mut goodbye = push(&id, "Goodbye.", true);
    goodbye["SdkAppId"] = json!(SDK_APP_ID.to_string());
    assert_eq!(ok(&emu, "ControlAIConversation", goodbye).await.as_object().unwrap().len(), 1);
    wait_for(&emu, &id, "finished").await;
    ask(&emu, "ControlAIConversation", push(&id, "too late", false))
        .await
        .assert_error("FailedOperation.SessionNotInControlState");
    ask(&emu, "ControlAIConversation", push("0123456789abcdef0123456789abcdef", "x", false))
        .await
        .assert_error("FailedOperation.SessionNotExists");

    let r = record(&emu, &id).await.unwrap();
    assert_eq!((r["EndStatus"].as_i64(), r["HungUpSide"].as_str()), (Some(231), Some("system")));
    let said: Vec<String> = asr(&emu, &id).await.iter().map(|s| s["Message"].as_str().unwrap().to_string()).collect();
    assert_eq!(said.first().map(String::as_str), Some("Hello, this is the assistant calling about your appointment."));
    assert!(said.ends_with(&["One moment please.".to_string(), "Goodbye.".to_string()]), "{said:?}");
    assert!(!said.iter().any(|s| s.contains("weather")), "InvokeLLM content goes to the LLM, not the phone");

    let state = admin_state(&emu).await;
    let view = &state["sessions"][0];
    assert_eq!((view["session_id"].as_str(), view["status"].as_str()), (Some(id.as_str()), Some("finished")));
    assert_eq!(view["end_status"], 231);
    assert_eq!(view["pushes"].as_array().unwrap().len(), 3);
    assert_eq!(view["pushes"][1]["command"], "InvokeLLM");
}

#[tokio::test]
async fn control_parameters_are_checked() {
    let emu = unlimited().await;
    emu.script(CALLEE, CallScript { ring_ms: Some(0), talk_ms: Some(60_000), ..Default::default() });
    let id = place(&emu, CALLEE).await;
    let base = json!({"SdkAppId": SDK_APP_ID, "SessionId": id});
    let with = |extra: Value| {
        let mut p = base.clone();
        p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        p
    };
    for (params, code) in [
        (json!({"SessionId": id, "Command": "InvokeLLM", "InvokeLLM": {}}), "MissingParameter"),
        (base.clone(), "MissingParameter"),
        (with(json!({"Command": "ServerPushText"})), "MissingParameter"),
        (with(json!({"Command": "ServerPushText", "ServerPushText": {}})), "MissingParameter"),
        (with(json!({"Command": "InvokeLLM"})), "MissingParameter"),
        (with(json!({"Command": "Dance"})), "InvalidParameterValue"),
        (
            with(json!({"Command": "ServerPushText", "ServerPushText": {"Text": "a", "Audio": "AAAA"}})),
            "InvalidParameterValue",
        ),
        (with(json!({"Command": "ServerPushText", "ServerPushText": {"Text": "a", "Volume": 3}})), "UnknownParameter"),
        (
            with(json!({"Command": "ServerPushText", "ServerPushText": {"Text": "a", "DropMode": 2}})),
            "InvalidParameterValue",
        ),
        (
            with(json!({"Command": "ServerPushText", "ServerPushText": {"Text": "a"}, "InvokeLLM": {}})),
            "InvalidParameterValue",
        ),
        (with(json!({"Command": "ServerPushText", "ServerPushText": "hello"})), "InvalidParameterValue"),
        (with(json!({"Command": "InvokeLLM", "InvokeLLM": {"Content": 5}})), "InvalidParameterValue"),
        (with(json!({"Command": "InvokeLLM", "InvokeLLM": {}, "Extra": 1})), "UnknownParameter"),
        (json!({"SdkAppId": "14x", "SessionId": id, "Command": "InvokeLLM", "InvokeLLM": {}}), "InvalidParameterValue"),
    ] {
        let answer = ask(&emu, "ControlAIConversation", params.clone()).await;
        assert_eq!(answer.code(), Some(code), "{params}: {}", answer.text);
    }
    let audio = with(json!({"Command": "ServerPushText", "ServerPushText": {"Audio": "UklGRg==", "Priority": 1}}));
    ok(&emu, "ControlAIConversation", audio).await;
    let other_app = json!({"SdkAppId": SDK_APP_ID + 1, "SessionId": id, "Command": "InvokeLLM", "InvokeLLM": {}});
    ask(&emu, "ControlAIConversation", other_app).await.assert_error("FailedOperation.SessionNotExists");
}

#[tokio::test]
async fn transfer_to_a_skill_group() {
    let emu = unlimited().await;
    emu.script(CALLEE, CallScript { ring_ms: Some(300), talk_ms: Some(60_000), ..Default::default() });
    let id = place(&emu, CALLEE).await;
    let transfer = json!({"SdkAppId": SDK_APP_ID, "SessionId": id, "SkillGroupId": 5002});
    ask(&emu, "TransferToManual", transfer.clone()).await.assert_error("FailedOperation.SessionNotInControlState");
    for (params, code) in [
        (json!({"SdkAppId": SDK_APP_ID, "SessionId": id}), "MissingParameter"),
        (json!({"SdkAppId": SDK_APP_ID, "SessionId": id, "SkillGroupId": 0}), "InvalidParameterValue.SkillGroupError"),
        (json!({"SdkAppId": SDK_APP_ID, "SessionId": id, "SkillGroupId": -3}), "InvalidParameterValue"),
        (json!({"SdkAppId": SDK_APP_ID, "SessionId": id, "SkillGroupId": 1, "X": 1}), "UnknownParameter"),
        (json!({"SdkAppId": SDK_APP_ID, "SessionId": "nope", "SkillGroupId": 1}), "FailedOperation.SessionNotExists"),
    ] {
        ask(&emu, "TransferToManual", params).await.assert_error(code);
    }
    wait_for(&emu, &id, "inProgress").await;
    assert_eq!(ok(&emu, "TransferToManual", transfer.clone()).await.as_object().unwrap().len(), 1);
    ask(&emu, "ControlAIConversation", push(&id, "still there?", false))
        .await
        .assert_error("FailedOperation.SessionNotInControlState");
    ok(&emu, "HangUpCall", session(&id)).await;
    ask(&emu, "TransferToManual", transfer).await.assert_error("FailedOperation.SessionNotExists");
    let r = record(&emu, &id).await.unwrap();
    let legs = r["ServeParticipants"].as_array().unwrap();
    assert_eq!(legs.len(), 1);
    assert_eq!((legs[0]["SkillGroupId"].as_u64(), legs[0]["Type"].as_str()), (Some(5002), Some("staffSeat")));
    assert_eq!(legs[0].as_object().unwrap().len(), 18, "every ServeParticipant field: {}", legs[0]);
    assert_eq!(legs[0]["EndedTimestamp"], r["EndedTimestamp"]);
    assert_eq!((r["SkillGroupId"].as_u64(), r["QueuedSkillGroupId"].as_u64()), (Some(5002), Some(5002)));
}

#[tokio::test]
async fn describe_tel_cdr_checks_pages_and_filters() {
    let emu = unlimited().await;
    emu.script("*", CallScript { end_status: Some(205), ring_ms: Some(0), ..Default::default() });
    let other = "008613900000000";
    let mut ids = Vec::new();
    for callee in [CALLEE, other, CALLEE, CALLEE, other] {
        ids.push(place(&emu, callee).await);
    }

    let mut paged = Vec::new();
    for page in 0..3 {
        let answer = ok(&emu, "DescribeTelCdr", cdr_window(json!({"PageSize": 2, "PageNumber": page}))).await;
        assert_eq!(answer["TotalCount"], 5);
        let list = answer["TelCdrList"].as_array().unwrap();
        assert_eq!(list.len(), if page < 2 { 2 } else { 1 });
        paged.extend(list.iter().map(|r| (r["Time"].as_i64().unwrap(), r["SessionId"].as_str().unwrap().to_string())));
    }
    let mut sorted = paged.clone();
    sorted.sort();
    assert_eq!(paged, sorted, "by Time, then SessionId");
    let mut all: Vec<String> = paged.into_iter().map(|(_, id)| id).collect();
    all.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(all, want);
    assert!(records(&emu, json!({"PageNumber": 1})).await.is_empty());

    assert_eq!(records(&emu, json!({"Phones": ["+8613012345678"]})).await.len(), 3);
    assert_eq!(records(&emu, json!({"Phones": [CALLER]})).await.len(), 5, "the caller matches too");
    let both = records(&emu, json!({"Phones": [other], "SessionIds": [ids[0], ids[1]]})).await;
    assert_eq!(both.len(), 1, "the filters AND");
    assert_eq!(both[0]["SessionId"].as_str(), Some(ids[1].as_str()));
    assert_eq!(both[0]["Callee"], other);
    assert!(records(&emu, json!({"SdkAppId": SDK_APP_ID + 1})).await.is_empty());
    let later = json!({"StartTimeStamp": now() + 100, "EndTimeStamp": now() + 200});
    assert!(records(&emu, later).await.is_empty());

    let day = 86_400;
    for (extra, code) in [
        (json!({"PageSize": 0}), "InvalidParameterValue"),
        (json!({"PageSize": 101}), "InvalidParameterValue"),
        (json!({"PageNumber": -1}), "InvalidParameterValue"),
        (json!({"StartTimeStamp": now(), "EndTimeStamp": now() - 1}), "InvalidParameterValue"),
        (json!({"StartTimeStamp": now() - 90 * day, "EndTimeStamp": now()}), "InvalidParameterValue"),
        (json!({"StartTimeStamp": now() - 181 * day, "EndTimeStamp": now() - 180 * day}), "InvalidParameterValue"),
        (json!({"Phones": "008613012345678"}), "InvalidParameterValue"),
        (json!({"SessionIds": [1]}), "InvalidParameterValue"),
        (json!({"PageSize": "10"}), "InvalidParameterValue"),
        (json!({"Foo": 1}), "UnknownParameter"),
    ] {
        let answer = ask(&emu, "DescribeTelCdr", cdr_window(extra.clone())).await;
        assert_eq!(answer.code(), Some(code), "{extra}: {}", answer.text);
    }
    for required in ["StartTimeStamp", "EndTimeStamp", "SdkAppId", "PageSize", "PageNumber"] {
        let mut params = cdr_window(json!({}));
        params.as_object_mut().unwrap().remove(required);
        let answer = ask(&emu, "DescribeTelCdr", params).await;
        answer.assert_error("MissingParameter");
        assert!(answer.message().contains(required), "{}", answer.message());
    }
    let just_under = json!({"StartTimeStamp": now() - 90 * day + 10, "EndTimeStamp": now()});
    assert_eq!(records(&emu, just_under).await.len(), 5);
}

#[tokio::test]
async fn transcript_and_extraction_parameters_are_checked() {
    let emu = unlimited().await;
    let id = place(&emu, CALLEE).await;
    let unknown = "0123456789abcdef0123456789abcdef";
    ask(&emu, "DescribeTelRecordAsr", session(unknown)).await.assert_error("ResourceNotFound");
    ask(&emu, "DescribeTelRecordAsr", json!({"SdkAppId": SDK_APP_ID})).await.assert_error("MissingParameter");
    let extra = json!({"SdkAppId": SDK_APP_ID, "SessionId": id, "More": 1});
    ask(&emu, "DescribeTelRecordAsr", extra).await.assert_error("UnknownParameter");
    assert!(asr(&emu, &id).await.is_empty(), "nothing while it rings");

    let params = |session: &str, start: Value, end: Value| {
        let mut p = json!({"SdkAppId": SDK_APP_ID, "SessionId": session});
        (p["StartTime"], p["EndTime"]) = (start, end);
        p
    };
    for (p, code) in [
        (json!({"SdkAppId": SDK_APP_ID, "SessionId": id, "StartTime": now()}), "MissingParameter"),
        (params(&id, json!(now()), json!(now() - 1)), "InvalidParameterValue"),
        (params(&id, json!("today"), json!(now())), "InvalidParameterValue"),
        (params(unknown, json!(now() - 60), json!(now())), "InvalidParameterValue"),
    ] {
        ask(&emu, "DescribeAICallExtractResult", p).await.assert_error(code);
    }
}

#[tokio::test]
async fn every_action_has_its_own_rate_limit() {
    let emu = start_with(EmulatorConfig { rate_limit: 2.0, ..EmulatorConfig::default() }).await;
    for action in [
        "DescribeTelSession",
        "DescribeTelCdr",
        "DescribeTelRecordAsr",
        "DescribeAICallExtractResult",
        "HangUpCall",
        "ControlAIConversation",
        "TransferToManual",
    ] {
        for _ in 0..2 {
            let answer = ask(&emu, action, json!({})).await;
            assert_eq!(answer.code(), Some("MissingParameter"), "{action}: {}", answer.text);
        }
        ask(&emu, action, json!({})).await.assert_error("RequestLimitExceeded");
    }
    emu.set_rate_limit(0.0);
    for _ in 0..10 {
        ask(&emu, "DescribeTelCdr", cdr_window(json!({}))).await.assert_ok();
    }
}

async fn admin_post(emu: &Emulator, path: &str, body: Value) -> (u16, Value) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let resp =
        client.post(format!("{}/__emulator/{path}", emu.endpoint())).body(body.to_string()).send().await.unwrap();
    (resp.status().as_u16(), serde_json::from_str(&resp.text().await.unwrap()).unwrap_or(Value::Null))
}

async fn admin_state(emu: &Emulator) -> Value {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let resp = client.get(format!("{}/__emulator/state", emu.endpoint())).send().await.unwrap();
    serde_json::from_str(&resp.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn scripts_through_the_admin_surface() {
    let emu = unlimited().await;
    let one = json!({"callee": "+8613012345678", "end_status": 206, "ring_ms": 0});
    assert_eq!(admin_post(&emu, "scripts", one).await, (200, json!({"scripted": 1})));
    let list = json!([
        {"callee": "*", "talk_ms": 10, "transcript": [{"role": "user", "text": "hi"}]},
        {"callee": "008613900000000", "extracted": [{"name": "n", "type": "Number", "value": 1.5}]},
    ]);
    assert_eq!(admin_post(&emu, "scripts", list).await, (200, json!({"scripted": 2})));
    for bad in [json!({"end_status": 1}), json!({"callee": CALLEE, "endStatus": 1}), json!([{"callee": 5}])] {
        let (status, err) = admin_post(&emu, "scripts", bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {err}");
    }
    let scripts = emu.scripts();
    assert_eq!(scripts.keys().collect::<Vec<_>>(), ["*", "8613012345678", "8613900000000"]);
    assert_eq!(scripts["8613012345678"].end_status, Some(206));
    let id = place(&emu, CALLEE).await;
    assert_eq!(record(&emu, &id).await.unwrap()["EndStatus"], 206);

    let state = admin_state(&emu).await;
    assert_eq!(state["scripts"]["8613012345678"], json!({"end_status": 206, "ring_ms": 0}));
    assert_eq!(state["sessions"][0]["status"], "finished");
    assert_eq!(state["sessions"][0]["end_status"], 206);
    assert!(!state["sessions"].to_string().contains("sk-test"), "no request bodies, so no secrets");
    emu.reset();
    assert!(emu.scripts().is_empty(), "reset forgets scripts");
}
