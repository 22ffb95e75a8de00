//! TC3-HMAC-SHA256 verification, as the service does it, on the core's signer.

use ccc_aicall::signer::{self, SigningInput};
use hyper::http::request::Parts;
use hyper::HeaderMap;

use crate::config::Credential;
use crate::envelope::ApiError;
use crate::TIMESTAMP_TOLERANCE_SECS;

const SIGNATURE_FAILURE: &str = "AuthFailure.SignatureFailure";
const INVALID_AUTHORIZATION: &str = "AuthFailure.InvalidAuthorization";

/// A header as text; absent and non-text headers are both `None`.
pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Check the request's signature, timestamp and token against the known credentials.
/// `now` is the emulator's clock in seconds since the epoch.
pub(crate) fn verify(parts: &Parts, body: &[u8], credentials: &[Credential], now: i64) -> Result<(), ApiError> {
    let headers = &parts.headers;
    let authorization = header(headers, "authorization")
        .filter(|a| !a.trim().is_empty())
        .ok_or_else(|| ApiError::new(INVALID_AUTHORIZATION, "The Authorization header is missing."))?;
    let auth = signer::parse_authorization(authorization).ok_or_else(|| {
        ApiError::new(
            INVALID_AUTHORIZATION,
            "The Authorization header is malformed; expected \
             `TC3-HMAC-SHA256 Credential=SecretId/YYYY-MM-DD/ccc/tc3_request, \
             SignedHeaders=content-type;host, Signature=<64 hex>`.",
        )
    })?;

    let raw_ts = header(headers, "x-tc-timestamp").ok_or_else(|| {
        ApiError::new("MissingParameter", "The request is missing the required header `X-TC-Timestamp`.")
    })?;
    let timestamp: i64 = raw_ts.trim().parse().map_err(|_| {
        ApiError::new(
            "InvalidParameter",
            format!("`X-TC-Timestamp` must be whole seconds since the epoch, got `{raw_ts}`."),
        )
    })?;
    if timestamp.abs_diff(now) > TIMESTAMP_TOLERANCE_SECS.unsigned_abs() {
        return Err(ApiError::new(
            "AuthFailure.SignatureExpire",
            format!(
                "Signature expired. Timestamp:{timestamp}, ServerTime:{now}: the request's timestamp is more than \
                 {TIMESTAMP_TOLERANCE_SECS} seconds from the server's clock."
            ),
        ));
    }

    let credential = credentials.iter().find(|c| c.secret_id == auth.secret_id).ok_or_else(|| {
        ApiError::new(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        )
    })?;

    if auth.service != ccc_aicall::SERVICE {
        return Err(ApiError::new(
            SIGNATURE_FAILURE,
            format!(
                "The credential scope names service `{}`; this service is `{}`.",
                auth.service,
                ccc_aicall::SERVICE
            ),
        ));
    }
    let date = signer::credential_date(timestamp);
    if auth.date != date {
        return Err(ApiError::new(
            SIGNATURE_FAILURE,
            format!("The credential scope's date `{}` is not the UTC date of X-TC-Timestamp ({date}).", auth.date),
        ));
    }
    for required in ["content-type", "host"] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(ApiError::new(INVALID_AUTHORIZATION, format!("SignedHeaders must include `{required}`.")));
        }
    }

    let host = header(headers, "host").map(str::to_string).or_else(|| parts.uri.authority().map(|a| a.to_string()));
    let mut hosts: Vec<String> = host.iter().cloned().collect();
    if let Some(bare) = host.as_deref().and_then(strip_port) {
        hosts.push(bare.to_string());
    }
    let mut matched = false;
    for host in &hosts {
        let mut signed: Vec<(&str, &str)> = Vec::with_capacity(auth.signed_headers.len());
        for name in &auth.signed_headers {
            let value = if name == "host" { Some(host.as_str()) } else { header(headers, name) };
            let value = value.ok_or_else(|| {
                ApiError::new(SIGNATURE_FAILURE, format!("The signed header `{name}` is not in the request."))
            })?;
            signed.push((name.as_str(), value));
        }
        let expected = signer::sign(
            &credential.secret_id,
            &credential.secret_key,
            &SigningInput {
                method: parts.method.as_str(),
                path: parts.uri.path(),
                query: parts.uri.query().unwrap_or(""),
                headers: &signed,
                payload: body,
                service: &auth.service,
                timestamp,
            },
        );
        if signer::signatures_match(&expected.signature, &auth.signature.to_ascii_lowercase()) {
            matched = true;
            break;
        }
    }
    if !matched {
        return Err(ApiError::new(
            SIGNATURE_FAILURE,
            "The provided credentials could not be validated. Please check your signature is correct.",
        ));
    }

    let sent_token = header(headers, "x-tc-token").map(str::trim).filter(|t| !t.is_empty());
    match (credential.token.as_deref(), sent_token) {
        (Some(want), Some(got)) if want == got => Ok(()),
        (None, None) => Ok(()),
        (Some(_), None) => Err(ApiError::new(
            "AuthFailure.TokenFailure",
            "The SecretId is temporary; the X-TC-Token header is missing.",
        )),
        (Some(_), Some(_)) => {
            Err(ApiError::new("AuthFailure.TokenFailure", "The X-TC-Token does not match the temporary SecretId."))
        }
        (None, Some(_)) => {
            Err(ApiError::new("AuthFailure.TokenFailure", "An X-TC-Token was sent with a permanent SecretId."))
        }
    }
}

/// `host:443` -> `host`, `[::1]:80` -> `[::1]`; `None` when there is no port.
fn strip_port(host: &str) -> Option<&str> {
    let (name, port) = host.rsplit_once(':')?;
    let bracketed = name.starts_with('[') && name.ends_with(']');
    (!port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && (bracketed || !name.contains(':'))).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::strip_port;

    #[test]
    fn ports_strip() {
        assert_eq!(strip_port("127.0.0.1:8080"), Some("127.0.0.1"));
        assert_eq!(strip_port("ccc.tencentcloudapi.com"), None);
        assert_eq!(strip_port("[::1]:80"), Some("[::1]"));
        assert_eq!(strip_port("::1"), None);
        assert_eq!(strip_port("h:"), None);
        assert_eq!(strip_port("h:x1"), None);
    }
}
