//! Reading the service's answer. Pure: status and body in, the `Response` object or a classified error out.
//!
//! Classification is by `Error.Code` whenever the envelope is there (the service answers errors with HTTP 200);
//! any answer without a readable envelope came from a proxy or an outage and leaves the outcome unknown.

use crate::error::Error;
use serde_json::{Map, Value};

/// The `Response` object of a successful answer, with its RequestId.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub response: Map<String, Value>,
    pub request_id: String,
}

fn unknown(reason: String, status: u16, request_id: Option<String>) -> Error {
    Error::OutcomeUnknown { reason, request_id, http_status: Some(status), timed_out: false }
}

/// Parse an answer. `status` is the HTTP status; `body` the bytes received.
pub fn parse(status: u16, body: &[u8]) -> Result<Answer, Error> {
    let parsed: Option<Map<String, Value>> = serde_json::from_slice::<Value>(body).ok().and_then(|v| match v {
        Value::Object(mut top) => match top.remove("Response") {
            Some(Value::Object(r)) => Some(r),
            _ => None,
        },
        _ => None,
    });
    let Some(mut response) = parsed else {
        let what = if status == 200 {
            "an unreadable answer (not a JSON envelope)".to_string()
        } else {
            format!("HTTP {status} without a service envelope")
        };
        return Err(unknown(format!("{what}; the request may have been acted on"), status, None));
    };
    let request_id = match response.get("RequestId") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    if let Some(err) = response.remove("Error") {
        let code = err.get("Code").and_then(Value::as_str).filter(|c| !c.is_empty());
        let Some(code) = code else {
            return Err(unknown("an error envelope without an error code".into(), status, request_id));
        };
        let message = err.get("Message").and_then(Value::as_str).unwrap_or_default();
        return Err(Error::Api {
            code: truncate(code, 200),
            message: truncate(message, 2000),
            request_id: request_id.unwrap_or_default(),
            http_status: status,
        });
    }
    if status != 200 {
        return Err(unknown(format!("HTTP {status} with a success envelope"), status, request_id));
    }
    let Some(request_id) = request_id else {
        return Err(unknown("an answer without a RequestId".into(), status, None));
    };
    Ok(Answer { response, request_id })
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn success() {
        let a = parse(200, br#"{"Response":{"SessionId":"s1","RequestId":"r1"}}"#).unwrap();
        assert_eq!(a.request_id, "r1");
        assert_eq!(a.response["SessionId"], "s1");
    }

    #[test]
    fn error_envelope_on_200_is_classified_by_code() {
        let e = parse(
            200,
            br#"{"Response":{"Error":{"Code":"FailedOperation.CalleeIsBlackUser","Message":"no"},"RequestId":"r2"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::CallRejected);
        assert_eq!(e.request_id(), Some("r2"));
        assert!(!e.outcome_unknown());
    }

    #[test]
    fn envelope_wins_over_status() {
        let e =
            parse(500, br#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow"},"RequestId":"r"}}"#)
                .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RateLimited);
    }

    #[test]
    fn no_envelope_is_outcome_unknown() {
        for (status, body) in [
            (502u16, &b"<html><body>Bad Gateway</body></html>"[..]),
            (200, b"{\"Response\":{\"Sess"),
            (200, b""),
            (200, b"[]"),
            (200, b"{\"Response\":\"x\"}"),
            (200, b"{\"Response\":{\"SessionId\":\"s\"}}"),
            (200, b"{\"Response\":{\"Error\":{},\"RequestId\":\"r\"}}"),
        ] {
            let e = parse(status, body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::OutcomeUnknown, "{}", String::from_utf8_lossy(body));
            assert!(e.outcome_unknown());
        }
    }
}
