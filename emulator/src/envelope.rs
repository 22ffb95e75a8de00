//! The service's response envelope and its identifiers.

use serde_json::{json, Map, Value};

/// An error the service answers in its envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError { code: code.to_string(), message: message.into() }
    }
}

/// `{"Response":{"Error":{"Code":..,"Message":..},"RequestId":..}}`
pub(crate) fn error(err: &ApiError, request_id: &str) -> Value {
    json!({"Response": {"Error": {"Code": err.code, "Message": err.message}, "RequestId": request_id}})
}

/// `{"Response":{...fields,"RequestId":..}}`
pub(crate) fn success(mut fields: Map<String, Value>, request_id: &str) -> Value {
    fields.insert("RequestId".to_string(), Value::String(request_id.to_string()));
    json!({ "Response": fields })
}

/// A random UUID (version 4 form), like the service's RequestId.
pub(crate) fn request_id() -> String {
    let hi = fastrand::u64(..);
    let lo = fastrand::u64(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0x0fff,
        8 + (lo >> 62),
        (lo >> 48) & 0x0fff,
        lo & 0xffff_ffff_ffff
    )
}

/// 32 lowercase hex digits.
pub(crate) fn session_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_shapes() {
        for _ in 0..200 {
            let r = request_id();
            let parts: Vec<&str> = r.split('-').collect();
            assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{r}");
            assert!(parts[2].starts_with('4') && "89ab".contains(&parts[3][..1]), "{r}");
            let s = session_id();
            assert_eq!(s.len(), 32);
            assert!(s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        }
    }
}
