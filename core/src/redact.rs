//! What `Debug` prints in place of secrets, so that `{:?}` of a request, a config or a client is safe to log.

use serde_json::Value;
use std::fmt;

/// Prints `***` in place of a secret that is set (and `""` for an empty one).
pub(crate) struct Redacted(pub(crate) bool);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "\"***\"" } else { "\"\"" })
    }
}

/// Query parameters whose values are never secret and help to read a URL (Azure's API version).
const HARMLESS_QUERY: [&str; 1] = ["api-version"];

/// A URL with the values of its query parameters (`?api-key=...`) and any user information replaced by `***`.
pub(crate) fn url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        // Not a URL (validation says so); it may still hold a key.
        return if raw.contains(['?', '@']) { "***".to_string() } else { raw.to_string() };
    };
    if !url.username().is_empty() || url.password().is_some() {
        let _ = url.set_username("***");
        let _ = url.set_password(None);
    }
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let shown = if HARMLESS_QUERY.contains(&k.as_ref()) { v.into_owned() } else { "***".into() };
                (k.into_owned(), shown)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

/// Words that mark a JSON key as a credential (`api_key`, `Authorization`, `x-token`, `client_secret`...); a key
/// is split into words at `_`, `-`, `.` and lower-to-upper case changes, so `max_tokens` is not one.
const SECRET_WORDS: [&str; 11] =
    ["key", "apikey", "token", "secret", "password", "passwd", "auth", "authorization", "credential", "credentials", "cookie"];

fn looks_secret(key: &str) -> bool {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for ch in key.chars() {
        let boundary = matches!(ch, '_' | '-' | '.' | ' ') || (prev_lower && ch.is_ascii_uppercase());
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if ch.is_ascii_alphanumeric() {
            word.push(ch.to_ascii_lowercase());
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
    }
    words.push(word);
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
}

/// JSON text (`LLMExtraBody`) with the values of credential-like keys replaced by `***`, at any depth.
pub(crate) fn json_text(raw: &str) -> String {
    match serde_json::from_str::<Value>(raw) {
        Ok(mut value) => {
            mask(&mut value);
            value.to_string()
        }
        // Not JSON (validation says so); it may still hold a key.
        Err(_) => "***".to_string(),
    }
}

fn mask(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if looks_secret(key) {
                    *v = Value::String("***".into());
                } else {
                    mask(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_api_version_and_hide_the_rest() {
        let shown = url("https://r.openai.azure.com/openai?api-version=2024-06-01&api-key=SEKRIT");
        assert!(shown.contains("api-version=2024-06-01") && !shown.contains("SEKRIT"), "{shown}");
        assert!(!url("https://u:PW@h.example/v1").contains("PW"));
        assert_eq!(url("https://api.openai.com/v1/"), "https://api.openai.com/v1/");
    }

    #[test]
    fn json_keys_that_look_like_credentials_are_hidden() {
        let shown = json_text(r#"{"max_tokens":256,"headers":{"Authorization":"Bearer SEKRIT"},"api_key":"SEKRIT2"}"#);
        assert!(shown.contains("256") && !shown.contains("SEKRIT"), "{shown}");
        assert_eq!(json_text("not json SEKRIT"), "***");
        for key in ["api_key", "apiKey", "x-api-key", "accessToken", "client_secret", "Authorization", "apikey"] {
            assert!(looks_secret(key), "{key}");
        }
        for key in ["max_tokens", "temperature", "keyword", "monkey"] {
            assert!(!looks_secret(key), "{key}");
        }
    }
}
