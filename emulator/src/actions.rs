//! What the service does with a request once it is read: authenticate, route, validate, act.

use std::time::SystemTime;

use ccc_aicall::{CreateAiCallRequest, FieldError, FieldErrorKind, KeyCase};
use hyper::http::request::Parts;
use hyper::Method;
use serde_json::{Map, Value};

use crate::auth::{header, verify};
use crate::envelope::{self, ApiError};
use crate::params::Fields;
use crate::state::{unix_millis, unix_secs, PlacedCall, Shared};
use crate::{control, outcomes};

pub(crate) const CREATE_AI_CALL: &str = "CreateAICall";
const DESCRIBE_TEL_SESSION: &str = "DescribeTelSession";
const DESCRIBE_TEL_CDR: &str = "DescribeTelCdr";
const DESCRIBE_TEL_RECORD_ASR: &str = "DescribeTelRecordAsr";
const DESCRIBE_AI_CALL_EXTRACT_RESULT: &str = "DescribeAICallExtractResult";
const HANG_UP_CALL: &str = "HangUpCall";
const CONTROL_AI_CONVERSATION: &str = "ControlAIConversation";
const TRANSFER_TO_MANUAL: &str = "TransferToManual";
/// Every action served; each has its own rate-limit bucket (every one documents 20 requests per second).
pub(crate) const ACTIONS: [&str; 8] = [
    CREATE_AI_CALL,
    DESCRIBE_TEL_SESSION,
    DESCRIBE_TEL_CDR,
    DESCRIBE_TEL_RECORD_ASR,
    DESCRIBE_AI_CALL_EXTRACT_RESULT,
    HANG_UP_CALL,
    CONTROL_AI_CONVERSATION,
    TRANSFER_TO_MANUAL,
];

/// The full response envelope for one request (always answered with HTTP 200).
pub(crate) fn process(shared: &Shared, parts: &Parts, body: &[u8], request_id: &str) -> Value {
    match dispatch(shared, parts, body, request_id) {
        Ok(fields) => envelope::success(fields, request_id),
        Err(err) => envelope::error(&err, request_id),
    }
}

fn dispatch(shared: &Shared, parts: &Parts, body: &[u8], request_id: &str) -> Result<Map<String, Value>, ApiError> {
    let headers = &parts.headers;
    let action = header(headers, "x-tc-action").filter(|a| !a.is_empty()).ok_or_else(|| {
        ApiError::new(
            "MissingParameter",
            "The request is missing the required parameter `Action` (header X-TC-Action).",
        )
    })?;
    let version = header(headers, "x-tc-version").filter(|v| !v.is_empty()).ok_or_else(|| {
        ApiError::new(
            "MissingParameter",
            "The request is missing the required parameter `Version` (header X-TC-Version).",
        )
    })?;

    let now = shared.now();
    verify(parts, body, &shared.credentials, unix_secs(now))?;

    if version != ccc_aicall::API_VERSION {
        return Err(ApiError::new(
            "NoSuchVersion",
            format!(
                "The requested version `{version}` of service `ccc` does not exist; use `{}`.",
                ccc_aicall::API_VERSION
            ),
        ));
    }
    if !ACTIONS.contains(&action) {
        return Err(ApiError::new(
            "InvalidAction",
            format!("The action `{action}` does not exist here; the emulator serves {}.", ACTIONS.join(", ")),
        ));
    }
    if parts.method != Method::POST {
        return Err(ApiError::new("InvalidRequest", "The emulator accepts POST requests with a JSON body only."));
    }
    let params = parse_body(body)?;
    if !shared.take_rate_token(action) {
        let rate = shared.rate_limit();
        return Err(ApiError::new(
            "RequestLimitExceeded",
            format!(
                "Your request rate exceeds the limit of {rate} requests per second for {action}. \
                 Please reduce the frequency of calls."
            ),
        ));
    }
    match action {
        CREATE_AI_CALL => create_ai_call(shared, params, request_id),
        DESCRIBE_TEL_SESSION => outcomes::describe_tel_session(shared, &params),
        DESCRIBE_TEL_CDR => outcomes::describe_tel_cdr(shared, &params),
        DESCRIBE_TEL_RECORD_ASR => outcomes::describe_tel_record_asr(shared, &params),
        DESCRIBE_AI_CALL_EXTRACT_RESULT => outcomes::describe_ai_call_extract_result(shared, &params),
        HANG_UP_CALL => control::hang_up_call(shared, &params),
        CONTROL_AI_CONVERSATION => control::control_ai_conversation(shared, &params),
        _ => control::transfer_to_manual(shared, &params),
    }
}

fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::new("InvalidParameter", "The request body must be a JSON object.")),
        Err(e) => Err(ApiError::new("InvalidParameter", format!("The request body is not valid JSON: {e}."))),
    }
}

fn create_ai_call(
    shared: &Shared,
    params: Map<String, Value>,
    request_id: &str,
) -> Result<Map<String, Value>, ApiError> {
    let body = Value::Object(params);
    let request = CreateAiCallRequest::from_value(body.clone(), KeyCase::Wire).map_err(|e| field_errors(&e))?;
    request.validate().map_err(|e| field_errors(&e))?;

    let session_id = envelope::session_id();
    let session = shared.new_session(
        body.get("SdkAppId").and_then(Value::as_u64).unwrap_or(0),
        body.get("Callee").and_then(Value::as_str).unwrap_or_default(),
        body.pointer("/Callers/0").and_then(Value::as_str).unwrap_or_default(),
    );
    let call = PlacedCall {
        session_id: session_id.clone(),
        request_id: request_id.to_string(),
        received_at_ms: unix_millis(SystemTime::now()),
        body,
    };
    shared.place(call, session);
    let mut out = Map::new();
    out.insert("SessionId".to_string(), Value::String(session_id));
    Ok(out)
}

/// `MissingParameter` / `UnknownParameter` / `InvalidParameterValue` by the first problem; the message lists all.
pub(crate) fn field_errors(errors: &[FieldError]) -> ApiError {
    let code = match errors.first().map(|e| e.kind) {
        Some(FieldErrorKind::Missing) => "MissingParameter",
        Some(FieldErrorKind::Unknown) => "UnknownParameter",
        Some(FieldErrorKind::Invalid) | None => "InvalidParameterValue",
    };
    let listed: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", if e.path.is_empty() { "(body)" } else { e.path.as_str() }, e.message))
        .collect();
    ApiError::new(code, format!("Invalid request parameters: {}.", listed.join("; ")))
}

/// `SdkAppId` and `SessionId`, the only parameters of DescribeTelSession, HangUpCall and DescribeTelRecordAsr.
pub(crate) fn session_params(params: &Map<String, Value>) -> Result<(u64, String), ApiError> {
    let mut f = Fields::new(params, &["SdkAppId", "SessionId"]);
    let sdk_app_id = f.uint("SdkAppId", true);
    let session_id = f.string("SessionId", true);
    f.finish()?;
    Ok((sdk_app_id.unwrap_or_default(), session_id.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn first_field_error_decides_the_code() {
        let missing = FieldError::missing("SdkAppId", "required");
        let unknown = FieldError::unknown("Foo", "unknown");
        let invalid = FieldError::invalid("TransferItems[0].TransferSkillGroupId", "must be an integer");
        assert_eq!(field_errors(&[missing.clone(), invalid.clone()]).code, "MissingParameter");
        assert_eq!(field_errors(&[unknown.clone(), missing.clone()]).code, "UnknownParameter");
        let err = field_errors(&[invalid, unknown]);
        assert_eq!(err.code, "InvalidParameterValue");
        assert!(
            err.message.contains("TransferItems[0].TransferSkillGroupId") && err.message.contains("Foo"),
            "{}",
            err.message
        );
        assert!(field_errors(&[FieldError::invalid("", "must be an object")]).message.contains("(body)"));
    }

    #[test]
    fn session_params_are_checked() {
        let ok = json!({"SdkAppId": 1400000000u64, "SessionId": "abc"});
        assert_eq!(session_params(ok.as_object().unwrap()).unwrap(), (1400000000, "abc".to_string()));
        for (params, code) in [
            (json!({"SessionId": "abc"}), "MissingParameter"),
            (json!({"SdkAppId": 1, "SessionId": "abc", "X": 1}), "UnknownParameter"),
            (json!({"SdkAppId": "1", "SessionId": "abc"}), "InvalidParameterValue"),
            (json!({"SdkAppId": 1, "SessionId": 5}), "InvalidParameterValue"),
            (json!({"SdkAppId": -1, "SessionId": "abc", "X": 1}), "UnknownParameter"),
        ] {
            assert_eq!(session_params(params.as_object().unwrap()).unwrap_err().code, code, "{params}");
        }
    }
}
