//! The invariant each fuzz target asserts, as a function of the raw input bytes.
//!
//! Shared by the libFuzzer targets and by `core/tests/fuzz_regressions.rs` (which includes this file by path),
//! so every input kept under `fuzz/regressions/<target>/` is replayed by a plain `cargo test`, exactly as the
//! fuzzer judged it. A failed invariant is a panic, which is what libFuzzer reports as a crash.

use ccc_aicall::campaign::{csv, journal};
use ccc_aicall::credential;
use ccc_aicall::envelope;
use ccc_aicall::field::{to_camel, to_snake};
use ccc_aicall::{CreateAiCallRequest, CustomTtsConfig, Error, FieldError, FieldErrorKind, KeyCase, PARAMETERS};
use serde_json::{Map, Value};

/// A fuzz target: its name and the check it runs on one input.
pub type Target = (&'static str, fn(&[u8]));

/// The targets whose inputs `core/tests/fuzz_regressions.rs` can replay (the emulator's needs the emulator).
/// `request_structured` has none of its own: its crashes are kept in `request`'s form (`gen::Request::to_bytes`).
pub const TARGETS: [Target; 6] = [
    ("request", request),
    ("envelope", envelope),
    ("profile", profile),
    ("tts", tts),
    ("journal", journal),
    ("csv", csv),
];

/// Names of nested fields and TTS settings, beside the top-level [`PARAMETERS`].
pub const NESTED: [&str; 42] = [
    "ExtraParams",
    "TransferFunctionName",
    "TransferFunctionDesc",
    "TransferSkillGroupId",
    "TransferToAgentName",
    "TransferToAgentDesc",
    "TransferToAgentId",
    "Key",
    "Value",
    "InfoType",
    "InfoName",
    "InfoContent",
    "Examples",
    "Choices",
    "FirstSentenceTimeout",
    "ZHToneWords",
    "Neutral",
    "Positive",
    "Negative",
    "TTSType",
    "AppId",
    "SecretId",
    "SecretKey",
    "VoiceType",
    "Speed",
    "Volume",
    "PrimaryLanguage",
    "FastVoiceType",
    "Model",
    "APIUrl",
    "APIKey",
    "GroupId",
    "Cluster",
    "Token",
    "SubscriptionKey",
    "Region",
    "VoiceName",
    "Language",
    "Rate",
    "AudioFormat",
    "SampleRate",
    "AudioChannel",
];

/// How the caller spells keys, from an input's first byte (`0`, `1`, `2` in the seeds: wire, snake, camel).
pub fn key_case(byte: u8) -> KeyCase {
    match byte % 3 {
        0 => KeyCase::Wire,
        1 => KeyCase::Snake,
        _ => KeyCase::Camel,
    }
}

/// A wire body may grow past its input only by escaping (`CustomTTSConfig` becomes a JSON string), `+` -> `00`
/// and floats written out (`1e15` -> `1000000000000000.0`); anything beyond this bound is a blow-up.
pub fn body_bound(input_len: usize) -> usize {
    8 * input_len + 1024
}

/// `request`: the key case byte, then JSON as a binding or the emulator receives it. Wire-keyed input is also
/// renamed to snake_case and camelCase, and must read the same in those spellings.
pub fn request(data: &[u8]) {
    let Some((&first, json)) = data.split_first() else { return };
    let Ok(value) = serde_json::from_slice::<Value>(json) else { return };
    let case = key_case(first);
    if case == KeyCase::Wire {
        same_in_every_case(&value);
    }
    request_value(case, value, json.len());
}

/// Python and Node callers spell the same request in their case; they must get the same request, or the same
/// problems at the same wire paths. Only for input whose keys are all known names, since an unknown key may
/// become a known one when renamed.
pub fn same_in_every_case(wire: &Value) {
    let Some(snake) = rename_known(wire, to_snake) else { return };
    let Some(camel) = rename_known(wire, to_camel) else { return };
    let reference = outcome(CreateAiCallRequest::from_value(wire.clone(), KeyCase::Wire));
    for (case, value) in [(KeyCase::Snake, snake), (KeyCase::Camel, camel)] {
        let got = outcome(CreateAiCallRequest::from_value(value.clone(), case));
        assert!(
            got == reference,
            "{case:?} spelling reads differently:\nwire:  {reference:?}\n{case:?}: {got:?}\ninput: {value}"
        );
    }
}

type Outcome = Result<CreateAiCallRequest, Vec<(String, String, String)>>;

fn outcome(result: Result<CreateAiCallRequest, Vec<FieldError>>) -> Outcome {
    result.map_err(|errors| {
        // An unknown key is reported as the caller spelled it, so those compare by their snake_case path only.
        let mut errors: Vec<_> = errors
            .into_iter()
            .map(|e| match e.kind {
                FieldErrorKind::Unknown => ("Unknown".to_string(), to_snake(&e.path), String::new()),
                kind => (format!("{kind:?}"), e.path, e.message),
            })
            .collect();
        errors.sort();
        errors
    })
}

/// Every key renamed, except inside the values passed through raw; `None` when a key is not a known name.
fn rename_known(value: &Value, convert: fn(&str) -> String) -> Option<Value> {
    const RAW: [&str; 3] = ["ExtraParams", "LLMExtraBody", "CustomSTTConfig"];
    Some(match value {
        Value::Array(items) => Value::Array(items.iter().map(|v| rename_known(v, convert)).collect::<Option<_>>()?),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                if !PARAMETERS.contains(&key.as_str()) && !NESTED.contains(&key.as_str()) {
                    return None;
                }
                let v = if RAW.contains(&key.as_str()) { v.clone() } else { rename_known(v, convert)? };
                out.insert(convert(key), v);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// Parsing never panics; a request that serialises also validates, stays within [`body_bound`], reads back from
/// its own wire body (unmodelled keys under `ExtraParams` again) and serialises to the same bytes.
pub fn request_value(case: KeyCase, value: Value, input_len: usize) {
    let request = match CreateAiCallRequest::from_value(value, case) {
        Ok(request) => request,
        Err(errors) => return render(&errors, case),
    };
    let validated = request.validate();
    let body = match request.to_wire_body() {
        Ok(body) => body,
        Err(errors) => {
            assert!(validated.is_err(), "to_wire_body failed but validate passed: {errors:?}");
            return render(&errors, case);
        }
    };
    assert!(validated.is_ok(), "to_wire_body succeeded but validate failed: {validated:?}");
    assert!(!body.is_empty(), "empty wire body");
    assert!(body.len() <= body_bound(input_len), "wire body of {} bytes from {input_len} bytes of input", body.len());

    let parsed: Value =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("the wire body is not JSON ({e}): {body}"));
    let Value::Object(mut wire) = parsed else { panic!("the wire body is not an object: {body}") };
    let extra: Map<String, Value> = request.extra.keys().filter_map(|k| wire.remove_entry(k)).collect();
    if !extra.is_empty() {
        wire.insert("ExtraParams".to_string(), Value::Object(extra));
    }
    let again = CreateAiCallRequest::from_value(Value::Object(wire), KeyCase::Wire)
        .unwrap_or_else(|e| panic!("the wire body does not read back: {e:?}\nbody: {body}"));
    if let Err(e) = again.validate() {
        panic!("the wire body reads back but no longer validates: {e:?}\nbody: {body}");
    }
    let body_again = again.to_wire_body().unwrap_or_else(|e| panic!("re-serialising failed: {e:?}"));
    assert_eq!(body_again, body, "normalising twice changed the wire body");
}

/// Problems are rendered for every caller's spelling; that must not panic either.
fn render(errors: &[FieldError], case: KeyCase) {
    assert!(!errors.is_empty(), "Err with no problems");
    for e in errors {
        let _ = (e.field(case), e.message_in(case), e.to_string());
    }
    let _ = Error::Validation(errors.to_vec()).message_in(case);
}

/// `envelope`: the HTTP status as two big-endian bytes, then the body. `Ok` only with HTTP 200 and a RequestId.
pub fn envelope(data: &[u8]) {
    let Some((status, body)) = data.split_first_chunk::<2>() else { return };
    let status = u16::from_be_bytes(*status);
    match envelope::parse(status, body) {
        Ok(answer) => {
            assert!(!answer.request_id.is_empty(), "Ok with an empty RequestId");
            assert_eq!(status, 200, "Ok with HTTP {status}");
        }
        Err(err) => {
            let _ = (err.to_string(), err.kind(), err.outcome_unknown(), err.http_status(), err.certainly_not_acted());
            if let Error::Api { code, message, .. } = &err {
                assert!(!code.is_empty(), "an API error without a code");
                assert!(code.len() <= 203 && message.len() <= 2003, "code or message not truncated");
            }
        }
    }
}

/// `profile`: a credentials file. What it yields is non-empty and already clean; `clean` is idempotent and
/// returns a piece of its input.
pub fn profile(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (id, key, token) = credential::parse_profile(&text);
    for value in [id, key, token].into_iter().flatten() {
        assert!(!value.is_empty(), "an empty credential value");
        assert_eq!(credential::clean(&value), value, "a profile value that is not clean");
    }
    for piece in std::iter::once(text.as_ref()).chain(text.lines()) {
        let cleaned = credential::clean(piece);
        assert!(piece.contains(cleaned.as_str()), "clean invented text");
        assert_eq!(credential::clean(&cleaned), cleaned, "clean is not idempotent");
    }
}

/// `tts`: a CustomTTSConfig as JSON, and the same bytes as the JSON-string form. A config that validates
/// serialises to a string that reads back to the same config.
pub fn tts(data: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        tts_value(value);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        tts_value(Value::String(text.to_string()));
    }
}

fn tts_value(value: Value) {
    let config = match CustomTtsConfig::from_value(value) {
        Ok(config) => config,
        Err(errors) => return render(&errors, KeyCase::Snake),
    };
    let _ = format!("{config:?}");
    if let Err(errors) = config.validate() {
        return render(&errors, KeyCase::Camel);
    }
    let text = config.to_json_string();
    let again = CustomTtsConfig::from_value(Value::String(text.clone()))
        .unwrap_or_else(|e| panic!("the config's own JSON string does not read back: {e:?}"));
    assert!(again == config, "the config changed through its JSON string");
    assert!(again.validate().is_ok(), "the config read back no longer validates");
}

/// `journal`: replay never panics, whatever the bytes (torn lines, broken UTF-8), and reading the same journal twice in
/// a row changes nothing.
pub fn journal(data: &[u8]) {
    let once = journal::replay(data);
    let twice = journal::replay(&[data, b"\n", data].concat());
    assert_eq!(once, twice, "replaying a journal twice changed the prior state");
}

/// `csv`: the key case byte, then a calls file. Every row it yields is an object that reads as a request.
pub fn csv(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let case = key_case(first);
    let Ok(calls) = csv::parse_calls_csv(text, case) else { return };
    assert_eq!(calls.lines.len(), calls.calls.len(), "a line number per call");
    for call in calls.calls {
        assert!(call.is_object(), "a CSV row that is not an object");
        request_value(case, call, text.len());
    }
}
