//! Collecting rule problems, and the primitive rules every record's fields use (names, credentials, URLs, closed
//! sets, ranges, phone numbers). Each helper reports at most one problem per path it is given. No I/O.
//!
//! Bounds marked "not a rule of the service" protect our own work on input from the network; they sit far above
//! anything a real call needs.

use crate::field::{At, FieldError, FieldErrorKind};
use crate::loose::suggest;
use crate::phone::CountryCode;
use serde_json::Value;
use url::Url;

/// The most entries any list parameter may hold (Callers, TransferItems, Variables, ...). Not a rule of the service
/// (API.md documents no such limit): a bound on our own work and error list for input from the network, ten times
/// the largest list a real call has (a call centre's caller numbers, a prompt's variables run to tens).
pub const MAX_LIST_LEN: usize = 1000;
/// Raw values (`ExtraParams`, fields of `CustomTTSConfig` this SDK does not know) nested deeper than this are
/// refused. Not a rule of the service: the deepest parameter it has (`ToneWord.ZHToneWords.Neutral[i]`) is 3 levels
/// down, and the bound keeps walking such values from exhausting the stack.
pub const MAX_DEPTH: usize = 32;
/// The bindings stop converting input nested deeper than this (their conversion recurses too) and report it. The
/// rules refuse such input at [`MAX_DEPTH`] long before; this only bounds work, below serde_json's own limit of 128
/// levels for JSON text.
pub const MAX_INPUT_DEPTH: usize = 100;

/// How numbers written without a country code are treated.
#[derive(Clone, Copy)]
pub(crate) enum National {
    /// Refused, or given the default country code.
    Context(Option<CountryCode>),
    /// Not reported: the caller's context is not known here (`from_value` adds the rules a parse error leaves).
    Unknown,
}

impl Default for National {
    fn default() -> Self {
        National::Context(None)
    }
}

/// The member of `set` that `value` spells, ignoring ASCII case.
pub(crate) fn canonical_of(value: &str, set: &[&'static str]) -> Option<&'static str> {
    set.iter().copied().find(|s| s.eq_ignore_ascii_case(value))
}

/// Collects problems; each helper reports at most one problem per path it is given.
#[derive(Default)]
pub(crate) struct Checker {
    errors: Vec<FieldError>,
    national: National,
}

impl Checker {
    pub(crate) fn new(national: National) -> Self {
        Checker { errors: Vec::new(), national }
    }

    pub(crate) fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    pub(crate) fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }

    pub(crate) fn missing(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::missing(path, message));
    }

    pub(crate) fn invalid(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::invalid(path, message));
    }

    /// Add `more` to the message of a "missing" problem reported at `path`, if there is one.
    pub(crate) fn amend_missing(&mut self, path: &str, more: &str) {
        for e in self.errors.iter_mut().filter(|e| e.kind == FieldErrorKind::Missing && e.path == path) {
            e.message.push_str(more);
        }
    }

    /// A name (a model, a function, a variable, a vendor's id): no control characters. Not a rule of the service:
    /// a control character in a name is a paste accident, and the name would then match nothing. Free text
    /// (prompts, messages, descriptions) has no such rule: the service takes any JSON string, and text exported from
    /// a word processor carries control characters (a vertical tab for a line break) that the LLM reads past.
    pub(crate) fn name(&mut self, path: At<'_>, s: &str) -> bool {
        // Control characters (Cc) are U+0000 to U+001F, U+007F and U+0080 to U+009F (C2 80 to C2 9F in UTF-8):
        // text without any of those bytes has none, and is not decoded.
        if !s.bytes().any(|b| b < 0x20 || b == 0x7F || b == 0xC2) {
            return true;
        }
        if let Some((at, ch)) = s.char_indices().find(|&(_, ch)| ch.is_control()) {
            let message =
                format!("contains the control character U+{:04X} at byte {at}; a name has none", u32::from(ch));
            self.invalid(path, message);
            return false;
        }
        true
    }

    /// A credential. Pasted keys often carry a stray space, a line break, quotes or a "Bearer " prefix (API.md
    /// section 4), and the call would then connect and fail mid-conversation; no provider issues keys with those.
    /// Never echoes the value.
    pub(crate) fn secret(&mut self, path: At<'_>, s: &str) {
        // Printable ASCII (the usual key) has neither whitespace nor control characters: only the quotes to check.
        let printable = s.bytes().all(|b| b.is_ascii_graphic());
        if !printable && s.chars().any(char::is_whitespace) {
            self.invalid(
                path,
                "contains whitespace; paste the key alone (no stray space, line break or \"Bearer \" prefix)",
            );
        } else if !printable && s.chars().any(char::is_control) {
            self.invalid(path, "contains a control character");
        } else if s.len() >= 2 && (s.starts_with('"') && s.ends_with('"') || s.starts_with('\'') && s.ends_with('\'')) {
            self.invalid(path, "is wrapped in quotes; remove them");
        }
    }

    /// An absolute http(s) URL with a host (an endpoint the service must call); the text is sent as given, not as
    /// `url` would re-serialise it.
    pub(crate) fn http_url(&mut self, path: At<'_>, s: &str) -> Option<Url> {
        if s.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
            self.invalid(path, "contains whitespace or a control character");
            return None;
        }
        match Url::parse(s) {
            Err(e) => {
                self.invalid(path, format!("is not an absolute URL ({e}); expected e.g. https://api.example.com/v1"))
            }
            Ok(url) if !matches!(url.scheme(), "http" | "https") => {
                self.invalid(path, "must be an http:// or https:// URL")
            }
            Ok(url) if url.host_str().map_or(true, str::is_empty) => self.invalid(path, "must include a host"),
            Ok(url) => return Some(url),
        }
        None
    }

    /// A phone number, normalised (see [`crate::phone::normalize`]); `None` (and a problem) when it cannot be one.
    /// API.md section 1: the service's own form is `00`, the country code, the number.
    pub(crate) fn phone(&mut self, path: At<'_>, raw: &str) -> Option<String> {
        let default = match self.national {
            National::Context(default) => default,
            National::Unknown => None,
        };
        match crate::phone::normalize_or_why(raw, default) {
            Ok(phone) => Some(phone),
            Err(crate::phone::Problem::NoCountryCode) if matches!(self.national, National::Unknown) => None,
            Err(problem) => {
                self.invalid(path, problem.to_string());
                None
            }
        }
    }

    /// `value` must be one of `set`, matched case-insensitively; returns the canonical spelling.
    pub(crate) fn one_of(&mut self, path: At<'_>, value: &str, set: &[&'static str]) -> Option<&'static str> {
        if let Some(canonical) = canonical_of(value, set) {
            return Some(canonical);
        }
        // Values are quoted, not backticked: backticks mark field names, which the bindings rename.
        let hint = suggest(value, set).map(|h| format!("; did you mean \"{h}\"?")).unwrap_or_default();
        self.invalid(path, format!("must be one of {}{hint}", set.join(", ")));
        None
    }

    pub(crate) fn range_f64(&mut self, path: At<'_>, value: f64, min: f64, max: f64) {
        if !(min..=max).contains(&value) {
            self.invalid(path, format!("must be a number between {min} and {max}; got {value}"));
        }
    }

    pub(crate) fn positive_f64(&mut self, path: At<'_>, value: f64) {
        if !(value.is_finite() && value > 0.0) {
            self.invalid(path, format!("must be a finite number greater than 0; got {value}"));
        }
    }

    /// A list's length: within `[min, max]` when those are given, and never above [`MAX_LIST_LEN`] (see there).
    /// `false` when too long for its entries to be checked.
    pub(crate) fn list_len(&mut self, path: At<'_>, len: usize, min: Option<usize>, max: Option<usize>) -> bool {
        let max_allowed = max.unwrap_or(MAX_LIST_LEN).min(MAX_LIST_LEN);
        let min_allowed = min.unwrap_or(0);
        if len < min_allowed || len > max_allowed {
            let message = match min {
                Some(min) => format!("must have {min} to {max_allowed} entries; got {len}"),
                None => format!("has {len} entries; at most {max_allowed} allowed"),
            };
            self.invalid(path, message);
        }
        len <= MAX_LIST_LEN
    }

    /// A JSON string holding an object.
    pub(crate) fn json_object(&mut self, path: At<'_>, s: &str) {
        if !matches!(serde_json::from_str(s), Ok(Value::Object(_))) {
            self.invalid(path, "must be a JSON string holding an object, e.g. {\"max_tokens\": 256}");
        }
    }

    /// A raw value nested at most [`MAX_DEPTH`] levels deep.
    pub(crate) fn raw_depth(&mut self, path: At<'_>, value: &Value, depth: usize) {
        if depth > MAX_DEPTH {
            self.invalid(path, format!("is nested more than {MAX_DEPTH} levels deep"));
            return;
        }
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.raw_depth(path.index(i), item, depth + 1);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.raw_depth(path.key(k), v, depth + 1);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_lets_no_control_character_through() {
        // Every Cc character, and neighbours that are not control characters, alone and inside other text.
        for code in (0u32..0x2000).chain([0x2028, 0xFEFF, 0x1_F600]) {
            let Some(ch) = char::from_u32(code) else { continue };
            for text in [ch.to_string(), format!("a{ch}b"), format!("é{ch}\n")] {
                let expected = !text.chars().any(char::is_control);
                let mut c = Checker::default();
                assert_eq!(c.name("X".into(), &text), expected, "U+{code:04X}");
                assert_eq!(c.errors.is_empty(), expected);
            }
        }
    }
}
