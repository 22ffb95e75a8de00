//! What the service tells about a placed call: its live status (DescribeTelSession), its record
//! (DescribeTelCdr), its transcript (DescribeTelRecordAsr) and its extracted fields (DescribeAICallExtractResult).
//! Field names and types are the service's (OUTCOMES.md §4, §5), so that the official SDKs' models read them.

use std::time::Instant;

use serde_json::{json, Map, Value};

use crate::actions::session_params;
use crate::envelope::ApiError;
use crate::params::Fields;
use crate::script::{callee_key, end_status_string, ExtractedValue, Role};
use crate::state::{unix_secs, Session, Shared, Status};

const DAY_SECS: i64 = 86_400;
/// `AsrData.User` of the AI's sentences. The service documents `User` only by an agent-account example; the
/// emulator names the customer by the callee number (as the record spells it) and the AI by this label, so that
/// a client can tell them apart by comparing `User` with the callee.
pub(crate) const AI_SPEAKER: &str = "AI";

fn not_found(session_id: &str) -> ApiError {
    ApiError::new("ResourceNotFound", format!("The session `{session_id}` does not exist for this SdkAppId."))
}

/// A session of this application.
pub(crate) fn find(shared: &Shared, sdk_app_id: u64, session_id: &str) -> Option<Session> {
    shared.session(session_id).filter(|s| s.sdk_app_id == sdk_app_id)
}

fn one(key: &str, value: Value) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert(key.to_string(), value);
    out
}

pub(crate) fn describe_tel_session(
    shared: &Shared,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let (sdk_app_id, session_id) = session_params(params)?;
    let s = find(shared, sdk_app_id, &session_id).ok_or_else(|| not_found(&session_id))?;
    let status = s.status(Instant::now());
    let accepted = if s.answered() && status != Status::Ringing { s.unix_secs_at(s.plan.ring_ms) } else { 0 };
    Ok(one(
        "Session",
        json!({
            "SessionID": session_id,
            "RoomID": "",
            "Caller": s.caller,
            "Callee": s.callee,
            "StartTimestamp": s.unix_secs_at(0),
            "RingTimestamp": s.unix_secs_at(0),
            "AcceptTimestamp": accepted,
            "StaffEmail": "",
            "StaffNumber": "",
            "SessionStatus": status.as_str(),
            "Direction": 1,
            "OutBoundCaller": "",
            "OutBoundCallee": "",
            "ProtectedCaller": "",
            "ProtectedCallee": "",
        }),
    ))
}

pub(crate) fn describe_tel_cdr(shared: &Shared, params: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    // InstanceId, Limit and Offset are deprecated (disabled) but still in the definition: accepted, ignored.
    let known = [
        "StartTimeStamp",
        "EndTimeStamp",
        "SdkAppId",
        "PageSize",
        "PageNumber",
        "Phones",
        "SessionIds",
        "InstanceId",
        "Limit",
        "Offset",
    ];
    let mut f = Fields::new(params, &known);
    let start = f.int("StartTimeStamp", true);
    let end = f.int("EndTimeStamp", true);
    let sdk_app_id = f.uint("SdkAppId", true);
    let page_size = f.int("PageSize", true);
    let page_number = f.int("PageNumber", true);
    let phones = f.strings("Phones");
    let session_ids = f.strings("SessionIds");
    for deprecated in ["InstanceId", "Limit", "Offset"] {
        f.int(deprecated, false);
    }
    if page_size.is_some_and(|n| !(1..=100).contains(&n)) {
        f.invalid("PageSize", "must be 1..=100");
    }
    if page_number.is_some_and(|n| n < 0) {
        f.invalid("PageNumber", "must be 0 or more (pages count from 0)");
    }
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            f.invalid("EndTimeStamp", "must not be before StartTimeStamp");
        } else if end - start >= 90 * DAY_SECS {
            f.invalid("EndTimeStamp", "the window must be shorter than 90 days");
        }
        if start < unix_secs(shared.now()) - 180 * DAY_SECS {
            f.invalid("StartTimeStamp", "may reach back at most 180 days");
        }
    }
    f.finish()?;
    let (start, end, sdk_app_id) = (start.unwrap_or_default(), end.unwrap_or_default(), sdk_app_id.unwrap_or_default());
    let (page_size, page_number) = (page_size.unwrap_or(1), page_number.unwrap_or(0));
    let phones: Option<Vec<String>> = phones.map(|list| list.iter().map(|p| callee_key(p)).collect());

    let now = Instant::now();
    let mut records: Vec<(String, Session)> = shared
        .sessions()
        .into_iter()
        .filter(|(_, s)| s.sdk_app_id == sdk_app_id)
        .filter(|(_, s)| (start..=end).contains(&s.unix_secs_at(0)))
        .filter(|(_, s)| s.status(now) == Status::Finished && s.available(now, s.plan.cdr_delay_ms))
        .filter(|(id, _)| session_ids.as_ref().map_or(true, |ids| ids.contains(id)))
        .filter(|(_, s)| {
            phones.as_ref().map_or(true, |p| p.contains(&callee_key(&s.callee)) || p.contains(&callee_key(&s.caller)))
        })
        .collect();
    records.sort_by(|(a_id, a), (b_id, b)| (a.unix_secs_at(0), a_id).cmp(&(b.unix_secs_at(0), b_id)));
    let total = records.len();
    let skip = usize::try_from(page_number.saturating_mul(page_size)).unwrap_or(usize::MAX);
    let page: Vec<Value> = records
        .iter()
        .skip(skip)
        .take(usize::try_from(page_size).unwrap_or(0))
        .map(|(id, s)| tel_cdr_info(shared, id, s, now))
        .collect();
    let mut out = one("TotalCount", json!(total));
    out.insert("TelCdrList".to_string(), Value::Array(page));
    Ok(out)
}

/// A `TelCdrInfo` with every field of the service's definition; what the emulator has nothing for is the zero
/// value of its type.
pub(crate) fn tel_cdr_info(shared: &Shared, session_id: &str, s: &Session, now: Instant) -> Value {
    let answered = s.answered();
    let accepted = if answered { s.unix_secs_at(s.plan.ring_ms) } else { 0 };
    let ended = s.unix_secs_at(s.end_ms());
    let (record_url, record_id) = if answered && s.plan.recording {
        (format!("{}/__emulator/recordings/{session_id}.mp3", shared.base_url), uuid_form(session_id))
    } else {
        (String::new(), String::new())
    };
    let (asr_status, asr_url) = if !answered {
        ("NotExists", String::new())
    } else if s.available(now, s.plan.asr_delay_ms) {
        ("Complete", format!("{}/__emulator/asr/{session_id}.txt", shared.base_url))
    } else {
        ("Processing", String::new())
    };
    let legs: Vec<Value> = s
        .transfers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let leg_end = s.transfers.get(i + 1).map_or(s.end_ms(), |next| next.at_ms);
            let at = s.unix_secs_at(t.at_ms);
            json!({
                "Mail": "", "Phone": "", "RingTimestamp": at, "AcceptTimestamp": at,
                "EndedTimestamp": s.unix_secs_at(leg_end), "RecordId": "", "Type": "staffSeat",
                "TransferFrom": "", "TransferFromType": "", "TransferTo": "", "TransferToType": "",
                "SkillGroupId": t.skill_group_id, "EndStatusString": "ok", "RecordURL": "", "Sequence": i,
                "StartTimestamp": at, "SkillGroupName": "", "CustomRecordURL": "",
            })
        })
        .collect();
    let skill_group = s.transfers.last().map_or(0, |t| t.skill_group_id);
    let queued = s.transfers.first().map_or(0, |t| s.unix_secs_at(t.at_ms));
    let end_status = s.end_status();
    // Two halves: one json! of 44 fields exceeds the macro's recursion limit.
    let mut record = json!({
        "Caller": s.caller,
        "Callee": s.callee,
        "Time": s.unix_secs_at(0),
        "Direction": 1,
        "CallType": 1,
        "Duration": if answered { ended - accepted } else { 0 },
        "RecordURL": record_url,
        "RecordId": record_id,
        "SeatUser": {
            "Name": "", "Mail": "", "StaffNumber": "", "Phone": "", "Nick": "", "UserId": "",
            "SkillGroupNameList": [], "Role": 0, "ExtensionNumber": "",
        },
        "EndStatus": end_status,
        "SkillGroup": "",
        "CallerLocation": "",
        "IVRDuration": 0,
        "RingTimestamp": s.unix_secs_at(0),
        "AcceptTimestamp": accepted,
        "EndedTimestamp": ended,
        "IVRKeyPressed": [],
        "IVRKeyPressedEx": [],
        "HungUpSide": s.hangup_side().as_str(),
    });
    let rest = json!({
        "ServeParticipants": legs,
        "SkillGroupId": skill_group,
        "EndStatusString": end_status_string(end_status),
        "StartTimestamp": s.unix_secs_at(0),
        "QueuedTimestamp": queued,
        "PostIVRKeyPressed": [],
        "PostIVRKeyPressedEx": [],
        "QueuedSkillGroupId": skill_group,
        "SessionId": session_id,
        "ProtectedCaller": "",
        "ProtectedCallee": "",
        "Uui": "",
        "UUI": "",
        "AsrUrl": asr_url,
        "AsrStatus": asr_status,
        "CustomRecordURL": "",
        "Remark": "",
        "QueuedSkillGroupName": "",
        "VoicemailRecordURL": [],
        "VoicemailAsrURL": [],
        // The call was configured inline (CreateAICall), not with a console agent: no agent ID or name.
        "AIAgentId": 0,
        "AIAgentName": "",
        "SysHangupReason": 0,
        "SysHangupReasonString": "",
    });
    if let (Some(record), Value::Object(rest)) = (record.as_object_mut(), rest) {
        record.extend(rest);
    }
    record
}

/// A session ID (32 hex digits) in the 8-4-4-4-12 form of the service's recording IDs.
fn uuid_form(session_id: &str) -> String {
    let hex: String =
        session_id.chars().filter(char::is_ascii_hexdigit).chain(std::iter::repeat('0')).take(32).collect();
    let part = |a: usize, b: usize| hex.get(a..b).unwrap_or_default().to_string();
    format!("{}-{}-{}-{}-{}", part(0, 8), part(8, 12), part(12, 16), part(16, 20), part(20, 32))
}

pub(crate) fn describe_tel_record_asr(
    shared: &Shared,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let (sdk_app_id, session_id) = session_params(params)?;
    let s = find(shared, sdk_app_id, &session_id).ok_or_else(|| not_found(&session_id))?;
    let now = Instant::now();
    let ready = s.status(now) == Status::Finished && s.available(now, s.plan.asr_delay_ms);
    let list: Vec<Value> = if ready { s.sentences() } else { Vec::new() }
        .into_iter()
        .map(|sentence| {
            json!({
                "User": match sentence.role { Role::User => s.callee.as_str(), Role::Ai => AI_SPEAKER },
                "Message": sentence.text,
                "Start": s.unix_ms_at(sentence.start_ms),
                "End": s.unix_ms_at(sentence.end_ms),
            })
        })
        .collect();
    Ok(one("AsrDataList", Value::Array(list)))
}

pub(crate) fn describe_ai_call_extract_result(
    shared: &Shared,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut f = Fields::new(params, &["SdkAppId", "SessionId", "StartTime", "EndTime"]);
    let sdk_app_id = f.uint("SdkAppId", true);
    let session_id = f.string("SessionId", true);
    let start = f.int("StartTime", true);
    let end = f.int("EndTime", true);
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            f.invalid("EndTime", "must not be before StartTime");
        }
    }
    f.finish()?;
    let session_id = session_id.unwrap_or_default();
    // The action lists no "not found" code; InvalidParameterValue is the one it documents.
    let s = find(shared, sdk_app_id.unwrap_or_default(), &session_id).ok_or_else(|| {
        ApiError::new("InvalidParameterValue", format!("The session `{session_id}` does not exist for this SdkAppId."))
    })?;
    let now = Instant::now();
    let in_window = (start.unwrap_or_default()..=end.unwrap_or_default()).contains(&s.unix_secs_at(0));
    let ready = s.answered() && s.status(now) == Status::Finished && s.available(now, s.plan.extract_delay_ms);
    let items = if ready && in_window { s.plan.extracted.as_slice() } else { &[] };
    let list: Vec<Value> = items
        .iter()
        .map(|item| {
            // All four members, the unused ones at their zero values, as the service's example answers.
            let mut result = json!({"Text": "", "Chosen": [], "Boolean": false, "Number": 0.0});
            let kind = match &item.value {
                ExtractedValue::Text(t) => {
                    result["Text"] = json!(t);
                    "Text"
                }
                ExtractedValue::Selector(chosen) => {
                    result["Chosen"] = json!(chosen);
                    "Selector"
                }
                ExtractedValue::Boolean(b) => {
                    result["Boolean"] = json!(b);
                    "Boolean"
                }
                ExtractedValue::Number(n) => {
                    result["Number"] = json!(n);
                    "Number"
                }
            };
            json!({
                "InfoType": kind,
                "InfoName": item.name,
                "InfoContent": item.description.clone().unwrap_or_default(),
                "Result": result,
            })
        })
        .collect();
    Ok(one("ResultList", Value::Array(list)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_take_the_uuid_form() {
        assert_eq!(uuid_form("0123456789abcdef0123456789abcdef"), "01234567-89ab-cdef-0123-456789abcdef");
        assert_eq!(uuid_form("ab").len(), 36);
    }
}
