//! TC3-HMAC-SHA256, as the service specifies it (API.md section 3).
//!
//! Pure: the timestamp is an argument, nothing here reads a clock or does I/O, so the published
//! vectors and the emulator's verification use exactly this code path.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
pub const CONTENT_TYPE_JSON: &str = "application/json; charset=utf-8";

type HmacSha256 = Hmac<Sha256>;

/// What is signed for one request.
#[derive(Debug, Clone)]
pub struct SigningInput<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// Headers to sign, as (name, value); `content-type` and `host` must be among them.
    /// Names and values are lower-cased and trimmed, and sorted by name, as the rule says.
    pub headers: &'a [(&'a str, &'a str)],
    pub payload: &'a [u8],
    /// Signing service, `ccc` for this API.
    pub service: &'a str,
    /// Seconds since the epoch; the credential date is its UTC day.
    pub timestamp: i64,
}

/// Every intermediate of one signature, so tests and the emulator can show where two sides differ.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub credential_scope: String,
    pub signed_headers: String,
    pub signature: String,
    pub authorization: String,
}

impl std::fmt::Debug for Signed {
    // The signature is a bearer credential for this one request: keep it out of Debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signed")
            .field("credential_scope", &self.credential_scope)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"***")
            .finish()
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    lower_hex(&Sha256::digest(data))
}

/// Lower-case hex, as `hex::encode` writes it, without collecting char by char (three per signature).
fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// `YYYY-MM-DD`, the UTC date of `timestamp`.
pub fn credential_date(timestamp: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(timestamp).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    at.date().format(time::macros::format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

/// kSigning = HMAC(HMAC(HMAC("TC3" + key, date), service), "tc3_request").
pub fn signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac(&k_date, service.as_bytes());
    hmac(&k_service, b"tc3_request")
}

/// Canonical headers block and the `SignedHeaders` list, from (name, value) pairs.
pub fn canonical_headers(headers: &[(&str, &str)]) -> (String, String) {
    let mut pairs: Vec<(String, String)> =
        headers.iter().map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase())).collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut block = String::new();
    for (n, v) in &pairs {
        block.push_str(n);
        block.push(':');
        block.push_str(v);
        block.push('\n');
    }
    let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
    (block, names.join(";"))
}

pub fn sign(secret_id: &str, secret_key: &str, input: &SigningInput<'_>) -> Signed {
    let (headers_block, signed_headers) = canonical_headers(input.headers);
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        input.method,
        input.path,
        input.query,
        headers_block,
        signed_headers,
        sha256_hex(input.payload)
    );
    let date = credential_date(input.timestamp);
    let credential_scope = format!("{date}/{}/tc3_request", input.service);
    let string_to_sign =
        format!("{ALGORITHM}\n{}\n{credential_scope}\n{}", input.timestamp, sha256_hex(canonical_request.as_bytes()));
    let key = signing_key(secret_key, &date, input.service);
    let signature = lower_hex(&hmac(&key, string_to_sign.as_bytes()));
    let authorization = format!(
        "{ALGORITHM} Credential={secret_id}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}"
    );
    Signed { canonical_request, string_to_sign, credential_scope, signed_headers, signature, authorization }
}

/// The parts of an `Authorization` header, as a server reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    pub secret_id: String,
    pub date: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parse `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=hex`.
/// Returns `None` for anything not of that form.
pub fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let rest = value.trim().strip_prefix(ALGORITHM)?.trim_start();
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k.trim() {
            "Credential" => credential = Some(v.trim()),
            "SignedHeaders" => signed = Some(v.trim()),
            "Signature" => signature = Some(v.trim()),
            _ => return None,
        }
    }
    let mut scope = credential?.splitn(4, '/');
    let secret_id = scope.next()?.to_string();
    let date = scope.next()?.to_string();
    let service = scope.next()?.to_string();
    if scope.next()? != "tc3_request" || secret_id.is_empty() {
        return None;
    }
    let signed_headers: Vec<String> = signed?.split(';').map(|s| s.trim().to_ascii_lowercase()).collect();
    let signature = signature?.to_string();
    if signed_headers.iter().any(|h| h.is_empty())
        || signature.len() != 64
        || !signature.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    Some(ParsedAuthorization { secret_id, date, service, signed_headers, signature })
}

/// Constant-time comparison of two hex signatures.
pub fn signatures_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_what_hex_encode_writes() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(lower_hex(&bytes), hex::encode(&bytes));
        assert_eq!(lower_hex(&[]), "");
    }

    #[test]
    fn date_is_utc_day() {
        assert_eq!(credential_date(1551113065), "2019-02-25");
        assert_eq!(credential_date(0), "1970-01-01");
        assert_eq!(credential_date(1551139199), "2019-02-25");
        assert_eq!(credential_date(1551139200), "2019-02-26");
    }

    #[test]
    fn authorization_round_trips() {
        let headers = [("content-type", CONTENT_TYPE_JSON), ("host", "h")];
        let s = sign(
            "AKID",
            "key",
            &SigningInput {
                method: "POST",
                path: "/",
                query: "",
                headers: &headers,
                payload: b"{}",
                service: "ccc",
                timestamp: 1700000000,
            },
        );
        let p = parse_authorization(&s.authorization).unwrap();
        assert_eq!(p.secret_id, "AKID");
        assert_eq!(p.service, "ccc");
        assert_eq!(p.signed_headers, vec!["content-type", "host"]);
        assert_eq!(p.signature, s.signature);
        assert!(!format!("{s:?}").contains(&s.signature));
    }

    #[test]
    fn malformed_authorization_is_rejected() {
        for bad in [
            "",
            "TC3-HMAC-SHA256",
            "Basic abc",
            "TC3-HMAC-SHA256 Credential=a/b/c/x, SignedHeaders=host, Signature=00",
            concat!(
                "TC3-HMAC-SHA256 Credential=/d/ccc/tc3_request, SignedHeaders=host, ",
                "Signature=0000000000000000000000000000000000000000000000000000000000000000",
            ),
        ] {
            assert!(parse_authorization(bad).is_none(), "{bad}");
        }
    }
}
