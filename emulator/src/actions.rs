//! What the service does with a request once it is read: authenticate, route, validate, act.

use std::time::{Instant, SystemTime};

use ccc_aicall::{CreateAiCallRequest, FieldError, FieldErrorKind, KeyCase};
use hyper::http::request::Parts;
use hyper::Method;
use serde_json::{json, Map, Value};

use crate::auth::{header, verify};
use crate::envelope::{self, ApiError};
use crate::state::{unix_millis, unix_secs, PlacedCall, Session, Shared};

pub(crate) const CREATE_AI_CALL: &str = "CreateAICall";
const DESCRIBE_TEL_SESSION: &str = "DescribeTelSession";
const HANG_UP_CALL: &str = "HangUpCall";
const ACTIONS: [&str; 3] = [CREATE_AI_CALL, DESCRIBE_TEL_SESSION, HANG_UP_CALL];

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
    match action {
        CREATE_AI_CALL => create_ai_call(shared, params, now, request_id),
        DESCRIBE_TEL_SESSION => describe_tel_session(shared, &params),
        _ => hang_up_call(shared, &params),
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
    now: SystemTime,
    request_id: &str,
) -> Result<Map<String, Value>, ApiError> {
    if !shared.take_rate_token() {
        let rate = shared.rate_limit();
        return Err(ApiError::new(
            "RequestLimitExceeded",
            format!(
                "Your request rate exceeds the limit of {rate} requests per second for {CREATE_AI_CALL}. \
                 Please reduce the frequency of calls."
            ),
        ));
    }
    let body = Value::Object(params);
    let request = CreateAiCallRequest::from_value(body.clone(), KeyCase::Wire).map_err(|e| field_errors(&e))?;
    request.validate().map_err(|e| field_errors(&e))?;

    let session_id = envelope::session_id();
    let session = Session {
        sdk_app_id: body.get("SdkAppId").and_then(Value::as_u64).unwrap_or(0),
        callee: body.get("Callee").and_then(Value::as_str).unwrap_or_default().to_string(),
        caller: body.pointer("/Callers/0").and_then(Value::as_str).unwrap_or_default().to_string(),
        created: Instant::now(),
        created_unix: unix_secs(now),
        hung_up: None,
    };
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

/// `SdkAppId` and `SessionId` from the parameters of `DescribeTelSession` / `HangUpCall`.
fn session_params(params: &Map<String, Value>) -> Result<(u64, String), ApiError> {
    let mut errors = Vec::new();
    for key in params.keys().filter(|k| !matches!(k.as_str(), "SdkAppId" | "SessionId")) {
        errors.push(FieldError::unknown(key.as_str(), "unknown parameter; expected SdkAppId and SessionId"));
    }
    let sdk_app_id = match params.get("SdkAppId") {
        None | Some(Value::Null) => {
            errors.push(FieldError::missing("SdkAppId", "required"));
            None
        }
        Some(v) => {
            let id = v.as_u64();
            if id.is_none() {
                errors.push(FieldError::invalid("SdkAppId", "must be a non-negative integer"));
            }
            id
        }
    };
    let session_id = match params.get("SessionId") {
        None | Some(Value::Null) => {
            errors.push(FieldError::missing("SessionId", "required"));
            None
        }
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(_) => {
            errors.push(FieldError::invalid("SessionId", "must be a non-empty string"));
            None
        }
    };
    // Missing before unknown before invalid, so the code names the most basic problem.
    errors.sort_by_key(|e| match e.kind {
        FieldErrorKind::Missing => 0,
        FieldErrorKind::Unknown => 1,
        FieldErrorKind::Invalid => 2,
    });
    match (sdk_app_id, session_id) {
        (Some(app), Some(session)) if errors.is_empty() => Ok((app, session)),
        _ => Err(field_errors(&errors)),
    }
}

fn not_found(session_id: &str) -> ApiError {
    ApiError::new("ResourceNotFound", format!("The session `{session_id}` does not exist for this SdkAppId."))
}

fn describe_tel_session(shared: &Shared, params: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let (sdk_app_id, session_id) = session_params(params)?;
    let session =
        shared.session(&session_id).filter(|s| s.sdk_app_id == sdk_app_id).ok_or_else(|| not_found(&session_id))?;
    let status = session_status(&session, shared, Instant::now());
    let ring_secs = i64::try_from(shared.ringing.as_secs()).unwrap_or(0);
    let accepted = if status == "ringing"
        || session.hung_up.is_some_and(|h| session.created.checked_add(shared.ringing).is_some_and(|rang| h < rang))
    {
        0
    } else {
        session.created_unix.saturating_add(ring_secs)
    };
    let mut out = Map::new();
    out.insert(
        "Session".to_string(),
        json!({
            "SessionID": session_id,
            "RoomID": "",
            "Caller": session.caller,
            "Callee": session.callee,
            "StartTimestamp": session.created_unix,
            "RingTimestamp": session.created_unix,
            "AcceptTimestamp": accepted,
            "StaffEmail": "",
            "StaffNumber": "",
            "SessionStatus": status,
            "Direction": 1,
            "OutBoundCaller": "",
            "OutBoundCallee": "",
            "ProtectedCaller": "",
            "ProtectedCallee": "",
        }),
    );
    Ok(out)
}

/// `ringing` for the first `ringing`, then `inProgress` for `talking`, then `finished`; `finished` at once
/// after `HangUpCall`.
fn session_status(session: &Session, shared: &Shared, now: Instant) -> &'static str {
    if session.hung_up.is_some() {
        return "finished";
    }
    let elapsed = now.saturating_duration_since(session.created);
    if elapsed < shared.ringing {
        "ringing"
    } else if elapsed < shared.ringing + shared.talking {
        "inProgress"
    } else {
        "finished"
    }
}

fn hang_up_call(shared: &Shared, params: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let (sdk_app_id, session_id) = session_params(params)?;
    if shared.hang_up(&session_id, sdk_app_id) {
        Ok(Map::new())
    } else {
        Err(not_found(&session_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
