//! What `Debug` prints for values that may carry credentials: URLs with a key in their query or user info, JSON
//! with an `api_key` field, vendor fields this SDK does not know. Printing too little is safe; too much is a leak.

use crate::validate::MAX_DEPTH;
use serde_json::{Map, Value};
use std::fmt::{self, Write};

/// Query parameters whose values are shown: those known to be harmless.
const HARMLESS_QUERY: [&str; 1] = ["api-version"];

/// Whether a key names a credential (`api_key`, `APIKey`, `X-Auth-Token`, `clientSecret`, `password`, ...), but not
/// `max_tokens` or `keywords`: some words count anywhere in the key, others only as a word of it.
pub(crate) fn looks_secret(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    const ANYWHERE: [&str; 10] = [
        "secret",
        "passw",
        "pwd",
        "credential",
        "apikey",
        "accesskey",
        "privatekey",
        "signature",
        "cookie",
        "authoriz",
    ];
    const WORDS: [&str; 5] = ["key", "token", "auth", "bearer", "session"];
    ANYWHERE.iter().any(|w| lower.contains(w)) || words(key).iter().any(|word| WORDS.contains(&word.as_str()))
}

/// The words of a key in any case style: `X-Auth-Token`, `access_token`, `APIKey`, `subscriptionKey`.
fn words(key: &str) -> Vec<String> {
    crate::field::to_snake(key)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A URL as `Debug` shows it: user info and fragment as `***`, query values as `***` except harmless ones, and
/// `***` for text that is not a URL at all (it may be a key pasted into the wrong field).
pub(crate) fn url(raw: &str) -> String {
    let Ok(url) = url::Url::parse(raw) else { return "***".to_string() };
    let userinfo = !url.username().is_empty() || url.password().is_some();
    let query_shown = url.query_pairs().all(|(k, v)| !v.is_empty() && HARMLESS_QUERY.contains(&k.as_ref()));
    if !userinfo && url.fragment().is_none() && query_shown {
        return raw.to_string();
    }
    let mut out = format!("{}://", url.scheme());
    if userinfo {
        out.push_str("***@");
    }
    out.push_str(url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        let _ = write!(out, ":{port}");
    }
    out.push_str(url.path());
    if url.query().is_some() {
        let pairs: Vec<String> = url
            .query_pairs()
            .map(|(k, v)| {
                // A key is shown only when it reads as a parameter name: a bare `?sk-...` is a key of its own.
                let name_like = k.len() <= 32 && k.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
                match (HARMLESS_QUERY.contains(&k.as_ref()), name_like && !v.is_empty()) {
                    (true, _) => format!("{k}={v}"),
                    (false, true) => format!("{k}=***"),
                    (false, false) => "***".to_string(),
                }
            })
            .collect();
        let _ = write!(out, "?{}", pairs.join("&"));
    }
    if url.fragment().is_some() {
        out.push_str("#***");
    }
    out
}

/// A JSON string (`LLMExtraBody`) as `Debug` shows it: the values of credential-like keys as `***`, and `***` for
/// text that is not JSON.
pub(crate) fn json_text(raw: &str) -> String {
    match serde_json::from_str::<Value>(raw) {
        Ok(mut value) => {
            hide_credentials(&mut value, 0);
            value.to_string()
        }
        Err(_) => "***".to_string(),
    }
}

/// Raw JSON values (`ExtraParams`) for `Debug`: the values of credential-like keys as `***`.
pub(crate) struct RawMap<'a>(pub(crate) &'a Map<String, Value>);

impl fmt::Debug for RawMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = Value::Object(self.0.clone());
        hide_credentials(&mut value, 0);
        fmt::Debug::fmt(&value, f)
    }
}

/// Fields this SDK does not know, in a config that holds credentials (`CustomTTSConfig`): only values known to be
/// harmless are shown (numbers, booleans and null under keys that do not name a credential); the rest is `***`.
pub(crate) struct UnknownFields<'a>(pub(crate) &'a Map<String, Value>);

impl fmt::Debug for UnknownFields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in self.0 {
            let harmless = matches!(value, Value::Null | Value::Bool(_) | Value::Number(_)) && !looks_secret(key);
            if harmless {
                map.entry(key, value);
            } else {
                map.entry(key, &Stars);
            }
        }
        map.finish()
    }
}

struct Stars;

impl fmt::Debug for Stars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// Replace the values of credential-like keys, and anything nested beyond [`MAX_DEPTH`], by `"***"`.
fn hide_credentials(value: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        *value = Value::from("***");
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if looks_secret(key) && !inner.is_null() {
                    *inner = Value::from("***");
                } else {
                    hide_credentials(inner, depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| hide_credentials(item, depth + 1)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_only_what_is_harmless() {
        for (raw, shown) in [
            ("https://api.openai.com/v1/", "https://api.openai.com/v1/"),
            ("https://r.openai.azure.com?api-version=2024-06-01", "https://r.openai.azure.com?api-version=2024-06-01"),
            (
                "https://r.openai.azure.com/x?api-version=1&api-key=KEY",
                "https://r.openai.azure.com/x?api-version=1&api-key=***",
            ),
            ("https://h/v1?key=KEY", "https://h/v1?key=***"),
            ("https://h/v1?KEY", "https://h/v1?***"),
            ("https://user:KEY@h:8443/v1#KEY", "https://***@h:8443/v1#***"),
            ("https://:KEY@h/", "https://***@h/"),
            ("not a url KEY", "***"),
        ] {
            assert_eq!(url(raw), shown, "{raw}");
        }
    }

    #[test]
    fn json_hides_credential_values_at_any_depth() {
        let shown = json_text(r#"{"max_tokens":5,"api_key":"KEY","nested":[{"Authorization":"Bearer KEY"}]}"#);
        assert!(!shown.contains("KEY") && shown.contains("max_tokens") && shown.contains("5"), "{shown}");
        assert_eq!(json_text("{not json KEY"), "***");
    }

    #[test]
    fn credential_keys_are_told_from_lookalikes() {
        for key in ["api_key", "APIKey", "apiKey", "X-Auth-Token", "access_token", "clientSecret", "password", "Token"]
        {
            assert!(looks_secret(key), "{key}");
        }
        for key in ["max_tokens", "keywords", "model", "temperature", "Pitch", "api-version", "author"] {
            assert!(!looks_secret(key), "{key}");
        }
    }
}
