//! Collecting rule problems, and the primitive rules every record's fields use (text, credentials, URLs, closed
//! sets, ranges, phone numbers). Each helper reports at most one problem per path it is given. No I/O.

use crate::field::{At, FieldError};
use crate::loose::suggest;
use crate::phone::normalize_phone;
use serde_json::Value;
use url::Url;

/// The most entries any list parameter may hold (Callers, TransferItems, Variables, ...); far above real use,
/// it bounds the work and the error list for input that comes from the network.
pub const MAX_LIST_LEN: usize = 100;
/// The largest string, in bytes, any parameter may hold.
pub const MAX_STRING_BYTES: usize = 64 * 1024;

/// The member of `set` that `value` spells, ignoring ASCII case.
fn canonical_of(value: &str, set: &[&'static str]) -> Option<&'static str> {
    set.iter().copied().find(|s| s.eq_ignore_ascii_case(value))
}

/// Collects problems; each helper reports at most one problem per path it is given.
#[derive(Default)]
pub(crate) struct Checker {
    errors: Vec<FieldError>,
    /// For numbers written without a country code.
    default_country_code: Option<String>,
}

impl Checker {
    pub(crate) fn with_context(context: &crate::request::ValidationContext) -> Self {
        Checker { errors: Vec::new(), default_country_code: context.default_country_code.clone() }
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

    /// Size and control characters; `free` text (prompts, descriptions) may also hold tab, CR and LF.
    pub(crate) fn text(&mut self, path: At<'_>, s: &str, free: bool) -> bool {
        if s.len() > MAX_STRING_BYTES {
            self.invalid(path, format!("is {} bytes long; at most {MAX_STRING_BYTES} allowed", s.len()));
            return false;
        }
        // Control characters (Cc) are U+0000 to U+001F, U+007F and U+0080 to U+009F (C2 80 to C2 9F in UTF-8):
        // text without any of those bytes has none, and is not decoded.
        let suspect = |b: u8| (b < 0x20 && !(free && matches!(b, b'\t' | b'\r' | b'\n'))) || b == 0x7F || b == 0xC2;
        if !s.bytes().any(suspect) {
            return true;
        }
        let allowed = |ch: char| free && matches!(ch, '\t' | '\r' | '\n');
        if let Some((at, ch)) = s.char_indices().find(|&(_, ch)| ch.is_control() && !allowed(ch)) {
            let what = if free { "only tab, CR and LF are allowed" } else { "none are allowed here" };
            self.invalid(path, format!("contains the control character U+{:04X} at byte {at}; {what}", u32::from(ch)));
            return false;
        }
        true
    }

    /// A credential. Pasted keys often carry a stray space, a line break, quotes or a "Bearer " prefix, and
    /// the call would then connect and fail mid-conversation; catch them here. Never echoes the value.
    pub(crate) fn secret(&mut self, path: At<'_>, s: &str) {
        if s.trim().is_empty() {
            self.missing(path, "required");
            return;
        }
        if s.len() > MAX_STRING_BYTES {
            self.invalid(path, format!("is {} bytes long; at most {MAX_STRING_BYTES} allowed", s.len()));
        } else if s.chars().any(char::is_whitespace) {
            self.invalid(
                path,
                "contains whitespace; paste the key alone (no stray space, line break or \"Bearer \" prefix)",
            );
        } else if s.chars().any(char::is_control) {
            self.invalid(path, "contains a control character");
        } else if s.len() >= 2 && (s.starts_with('"') && s.ends_with('"') || s.starts_with('\'') && s.ends_with('\'')) {
            self.invalid(path, "is wrapped in quotes; remove them");
        }
    }

    /// An absolute http(s) URL with a host; the text is sent as given, not as `url` would re-serialise it.
    pub(crate) fn http_url(&mut self, path: At<'_>, s: &str) -> Option<Url> {
        if s.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
            self.invalid(path, "contains whitespace or a control character");
            return None;
        }
        if s.len() > MAX_STRING_BYTES {
            self.invalid(path, format!("is {} bytes long; at most {MAX_STRING_BYTES} allowed", s.len()));
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

    /// A phone number, normalised; `None` (and a problem) when it is not one.
    pub(crate) fn phone(&mut self, path: At<'_>, raw: &str) -> Option<String> {
        match normalize_phone(raw, self.default_country_code.as_deref()) {
            Ok(phone) => Some(phone),
            Err(problem) => {
                self.invalid(path, problem);
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

    /// A list's length: within `[min, max]` when those are given, and never above [`MAX_LIST_LEN`], which bounds
    /// the work on input from the network. `false` when too long to check its entries.
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

    /// A JSON string holding an object (the service parses it: a broken one would fail the call mid-way).
    pub(crate) fn json_object(&mut self, path: At<'_>, s: &str) {
        if self.text(path, s, true) && !matches!(serde_json::from_str(s), Ok(Value::Object(_))) {
            self.invalid(path, "must be a JSON string holding an object, e.g. {\"max_tokens\": 256}");
        }
    }

    /// Strings inside a raw `extra` value: size and control characters, and bounded nesting.
    pub(crate) fn raw_value(&mut self, path: At<'_>, value: &Value, depth: usize, max_depth: usize) {
        if depth > max_depth {
            self.invalid(path, format!("is nested more than {max_depth} levels deep"));
            return;
        }
        match value {
            Value::String(s) => {
                self.text(path, s, true);
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.raw_value(path.index(i), item, depth + 1, max_depth);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.raw_value(path.key(k), v, depth + 1, max_depth);
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
            for free in [false, true] {
                for text in [ch.to_string(), format!("a{ch}b"), format!("é{ch}\n")] {
                    let allowed = |c: char| free && matches!(c, '\t' | '\r' | '\n');
                    let expected = !text.chars().any(|c| c.is_control() && !allowed(c));
                    let mut c = Checker::default();
                    assert_eq!(c.text("X".into(), &text, free), expected, "U+{code:04X} free={free}");
                    assert_eq!(c.errors.is_empty(), expected);
                }
            }
        }
    }
}
