//! The published TC3-HMAC-SHA256 test vectors (tests/vectors/tc3.json), shared with the Python and Node suites.

use ccc_aicall::signer::{self, SigningInput};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/tc3.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["vectors"].as_array().unwrap().clone()
}

#[test]
fn published_vectors_match() {
    let vs = vectors();
    assert_eq!(vs.len(), 3);
    for v in vs {
        let s = |k: &str| v[k].as_str().unwrap().to_string();
        let body = s("body");
        assert_eq!(signer::sha256_hex(body.as_bytes()), s("body_sha256"));
        let (ct, host) = (s("content_type"), s("host"));
        let mut headers: Vec<(String, String)> = vec![("content-type".into(), ct), ("host".into(), host)];
        for (k, val) in v["extra_signed_headers"].as_object().unwrap() {
            headers.push((k.clone(), val.as_str().unwrap().to_string()));
        }
        let hdr: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let signed = signer::sign(
            &s("secret_id"),
            &s("secret_key"),
            &SigningInput {
                method: "POST",
                path: "/",
                query: "",
                headers: &hdr,
                payload: body.as_bytes(),
                service: &s("service"),
                timestamp: v["timestamp"].as_i64().unwrap(),
            },
        );
        assert_eq!(signed.signed_headers, s("signed_headers"), "vector {}", s("name"));
        assert_eq!(signed.signature, s("signature"), "vector {}", s("name"));
        assert!(signed.authorization.starts_with(&format!(
            "TC3-HMAC-SHA256 Credential={}/2019-02-25/cvm/tc3_request, SignedHeaders={}, Signature=",
            s("secret_id"),
            s("signed_headers")
        )));
    }
}
