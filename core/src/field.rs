//! Field paths and field problems, named the way each caller spells them.
//!
//! The core names every field by its wire (PascalCase) path, e.g. `TransferItems[0].TransferSkillGroupId`;
//! Python callers see `transfer_items[0].transfer_skill_group_id`, Node callers
//! `transferItems[0].transferSkillGroupId`.
//! Messages may mention other fields in backticks (`` `EndFunctionEnable` ``); those are renamed the same way.

use std::fmt;

/// How the caller spells parameter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyCase {
    /// The service's own PascalCase names (`LLMType`, `APIKey`, `SdkAppId`).
    #[default]
    Wire,
    /// Python: `llm_type`, `api_key`, `sdk_app_id`.
    Snake,
    /// JavaScript: `llmType`, `apiKey`, `sdkAppId`.
    Camel,
}

impl KeyCase {
    /// Rename one wire key (`CustomTTSConfig`) into this case (`custom_tts_config` / `customTtsConfig`).
    pub fn key(self, wire: &str) -> String {
        match self {
            KeyCase::Wire => wire.to_string(),
            KeyCase::Snake => to_snake(wire),
            KeyCase::Camel => to_camel(wire),
        }
    }

    /// Whether `key` is `wire` spelled in this case: `key == self.key(wire)`, without allocating (this runs for
    /// every (key, candidate) pair of every request a binding builds).
    pub fn is_key_of(self, key: &str, wire: &str) -> bool {
        match self {
            KeyCase::Wire => key == wire,
            KeyCase::Snake => snake_bytes(wire).eq(key.bytes()),
            KeyCase::Camel => camel_bytes(wire).eq(key.bytes()),
        }
    }

    /// Rename every key of a path such as `TransferItems[0].TransferSkillGroupId`.
    pub fn path(self, wire_path: &str) -> String {
        if self == KeyCase::Wire {
            return wire_path.to_string();
        }
        let mut out = String::with_capacity(wire_path.len() + 8);
        let mut word = String::new();
        for ch in wire_path.chars() {
            if ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' {
                word.push(ch);
            } else {
                flush(self, &mut word, &mut out);
                out.push(ch);
            }
        }
        flush(self, &mut word, &mut out);
        out
    }

    /// Rename the backticked field names inside a message.
    pub fn message(self, message: &str) -> String {
        if self == KeyCase::Wire || !message.contains('`') {
            return message.to_string();
        }
        let mut out = String::with_capacity(message.len());
        for (i, piece) in message.split('`').enumerate() {
            if i > 0 {
                out.push('`');
            }
            if i % 2 == 1 && looks_like_wire_path(piece) {
                out.push_str(&self.path(piece));
            } else {
                out.push_str(piece);
            }
        }
        out
    }
}

fn flush(case: KeyCase, word: &mut String, out: &mut String) {
    if word.is_empty() {
        return;
    }
    // Array indices stay as they are.
    if word.bytes().all(|b| b.is_ascii_digit()) {
        out.push_str(word);
    } else {
        out.push_str(&case.key(word));
    }
    word.clear();
}

fn looks_like_wire_path(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '[' | ']'))
}

/// The bytes of `to_snake(wire)` for an ASCII wire name, produced lazily.
fn snake_bytes(wire: &str) -> impl Iterator<Item = u8> + '_ {
    let b = wire.as_bytes();
    (0..b.len()).flat_map(move |i| {
        let c = b[i];
        let boundary = c.is_ascii_uppercase() && i > 0 && {
            let prev = b[i - 1];
            let next_lower = b.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower)
        };
        boundary.then_some(b'_').into_iter().chain(std::iter::once(c.to_ascii_lowercase()))
    })
}

/// The bytes of `to_camel(wire)`, produced lazily.
fn camel_bytes(wire: &str) -> impl Iterator<Item = u8> + '_ {
    let mut upper = false;
    snake_bytes(wire).filter_map(move |c| match (c, upper) {
        (b'_', _) => {
            upper = true;
            None
        }
        (c, true) => {
            upper = false;
            Some(c.to_ascii_uppercase())
        }
        (c, false) => Some(c),
    })
}

/// `LLMType` -> `llm_type`, `APIUrl` -> `api_url`, `CustomTTSConfig` -> `custom_tts_config`,
/// `ZHToneWords` -> `zh_tone_words`.
pub fn to_snake(wire: &str) -> String {
    let chars: Vec<char> = wire.chars().collect();
    let mut out = String::with_capacity(wire.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `LLMType` -> `llmType`, `CustomTTSConfig` -> `customTtsConfig`, `SdkAppId` -> `sdkAppId`.
pub fn to_camel(wire: &str) -> String {
    let snake = to_snake(wire);
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A wire path, written out only when a problem is reported there, so checking a valid field formats nothing:
/// `At::from("TransferItems")` then `.index(0)` then `.key("TransferSkillGroupId")` displays as
/// `TransferItems[0].TransferSkillGroupId`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum At<'a> {
    /// The request itself: the empty path.
    Root,
    /// `parent.name`, or `name` under the root.
    Key(&'a At<'a>, &'a str),
    /// `parent[index]`.
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    pub(crate) fn key(&'a self, name: &'a str) -> At<'a> {
        At::Key(self, name)
    }

    pub(crate) fn index(&'a self, index: usize) -> At<'a> {
        At::Index(self, index)
    }

    pub(crate) fn is_root(&self) -> bool {
        matches!(self, At::Root)
    }
}

/// A top-level name, or a whole path already written out.
impl<'a> From<&'a str> for At<'a> {
    fn from(name: &'a str) -> Self {
        At::Key(&At::Root, name)
    }
}

impl From<At<'_>> for String {
    fn from(at: At<'_>) -> String {
        at.to_string()
    }
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            At::Root => Ok(()),
            At::Key(At::Root, name) => f.write_str(name),
            At::Key(parent, name) => write!(f, "{parent}.{name}"),
            At::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// What kind of problem a field has; the emulator maps these to the service's error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldErrorKind {
    /// A required field is absent (`MissingParameter`).
    Missing,
    /// A field the service does not know (`UnknownParameter`).
    Unknown,
    /// A present field with a bad value or type (`InvalidParameterValue`).
    Invalid,
}

/// One problem with one field. `path` is the wire path; render it for a caller with [`FieldError::field`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub kind: FieldErrorKind,
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(kind: FieldErrorKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { kind, path: path.into(), message: message.into() }
    }
    pub fn missing(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Missing, path, message)
    }
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Invalid, path, message)
    }
    pub fn unknown(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Unknown, path, message)
    }
    /// The field path as a caller using `case` spells it. Names the caller wrote that the model does not know
    /// (an unknown key, the raw keys under `ExtraParams`) are kept exactly as written.
    pub fn field(&self, case: KeyCase) -> String {
        let (known, verbatim) = split_verbatim(&self.path, self.kind == FieldErrorKind::Unknown);
        let mut out = case.path(known);
        out.push_str(verbatim);
        out
    }
    /// The message with any field names it mentions spelled for `case`.
    pub fn message_in(&self, case: KeyCase) -> String {
        case.message(&self.message)
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Split a wire path into the part the model names (renamed per case) and the tail the caller wrote verbatim.
fn split_verbatim(path: &str, last_is_callers: bool) -> (&str, &str) {
    const EXTRA: &str = "ExtraParams.";
    if let Some(at) = path.find(EXTRA) {
        if at == 0 || path[..at].ends_with('.') {
            return path.split_at(at + EXTRA.len());
        }
    }
    if last_is_callers {
        let cut = path.rfind(['.', ']']).map_or(0, |i| i + 1);
        return path.split_at(cut);
    }
    (path, "")
}

/// The closest of `candidates` to `name` (edit distance at most a third of the name, at least 2), for
/// "did you mean" hints on unknown parameters.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['_', '-'], "");
    let target = norm(name);
    let limit = (target.len() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (levenshtein(&target, &norm(c)), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_convert() {
        for (wire, snake, camel) in [
            ("SdkAppId", "sdk_app_id", "sdkAppId"),
            ("LLMType", "llm_type", "llmType"),
            ("APIKey", "api_key", "apiKey"),
            ("APIUrl", "api_url", "apiUrl"),
            ("CustomTTSConfig", "custom_tts_config", "customTtsConfig"),
            ("CustomSTTConfig", "custom_stt_config", "customSttConfig"),
            ("LLMExtraBody", "llm_extra_body", "llmExtraBody"),
            ("ZHToneWords", "zh_tone_words", "zhToneWords"),
            ("MaxCallDurationMs", "max_call_duration_ms", "maxCallDurationMs"),
            ("TTSType", "tts_type", "ttsType"),
            ("TopP", "top_p", "topP"),
        ] {
            assert_eq!(to_snake(wire), snake);
            assert_eq!(to_camel(wire), camel);
        }
    }

    #[test]
    fn is_key_of_agrees_with_key_for_every_name() {
        let mut names: Vec<&str> = crate::request::PARAMETERS.to_vec();
        names.extend([
            "ExtraParams",
            "ZHToneWords",
            "TTSType",
            "AppId",
            "SecretKey",
            "FirstSentenceTimeout",
            "X",
            "A1B",
        ]);
        for wire in names {
            for case in [KeyCase::Wire, KeyCase::Snake, KeyCase::Camel] {
                assert!(case.is_key_of(&case.key(wire), wire), "{case:?} {wire}");
                for other in ["", "x", "llm_typ", "llmtype", "LLMtype", "sdk_app_id_", "sdkAppID"] {
                    assert_eq!(case.is_key_of(other, wire), other == case.key(wire), "{case:?} {wire} {other}");
                }
            }
        }
    }

    #[test]
    fn paths_and_messages_render_per_case() {
        let e =
            FieldError::invalid("TransferItems[0].TransferSkillGroupId", "needs `TransferFunctionEnable` set to true");
        assert_eq!(e.field(KeyCase::Snake), "transfer_items[0].transfer_skill_group_id");
        assert_eq!(e.field(KeyCase::Camel), "transferItems[0].transferSkillGroupId");
        assert_eq!(e.message_in(KeyCase::Snake), "needs `transfer_function_enable` set to true");
        assert_eq!(e.message_in(KeyCase::Wire), e.message);
    }

    #[test]
    fn callers_own_names_are_kept() {
        let unknown = FieldError::unknown("llm_type", "unknown parameter; did you mean `LLMType`?");
        assert_eq!(unknown.field(KeyCase::Camel), "llm_type");
        assert_eq!(unknown.message_in(KeyCase::Camel), "unknown parameter; did you mean `llmType`?");
        let nested = FieldError::unknown("TransferItems[0].fooBar", "unknown");
        assert_eq!(nested.field(KeyCase::Snake), "transfer_items[0].fooBar");
        let extra = FieldError::invalid("ExtraParams.Fancy_New", "collides");
        assert_eq!(extra.field(KeyCase::Camel), "extraParams.Fancy_New");
        assert_eq!(extra.field(KeyCase::Snake), "extra_params.Fancy_New");
        let plain = FieldError::invalid("TransferItems[1].TransferSkillGroupId", "x");
        assert_eq!(plain.field(KeyCase::Camel), "transferItems[1].transferSkillGroupId");
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("llm_typ", ["llm_type", "api_key"]), Some("llm_type"));
        assert_eq!(closest("sytem_prompt", ["system_prompt", "model"]), Some("system_prompt"));
        assert_eq!(closest("zzzzzz", ["system_prompt", "model"]), None);
    }
}
