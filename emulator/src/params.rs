//! Checking the parameters of the actions after CreateAICall (whose rules are the core's): required, known,
//! and of the documented type, every problem collected and named by its field.

use ccc_aicall::{FieldError, FieldErrorKind};
use serde_json::{Map, Value};

use crate::actions::field_errors;
use crate::envelope::ApiError;

/// One object's parameters (the request, or an object inside it) and the problems found so far.
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
    errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    /// Every key not in `known` is a problem at once.
    pub(crate) fn new(map: &'a Map<String, Value>, known: &[&str]) -> Self {
        Self::at(map, String::new(), known)
    }

    fn at(map: &'a Map<String, Value>, prefix: String, known: &[&str]) -> Self {
        let mut fields = Fields { map, prefix, errors: Vec::new() };
        let unknown: Vec<String> = map.keys().filter(|k| !known.contains(&k.as_str())).cloned().collect();
        for key in unknown {
            let expected = known.join(", ");
            fields.problem(FieldError::unknown(fields.path(&key), format!("unknown parameter; expected {expected}")));
        }
        fields
    }

    fn path(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub(crate) fn problem(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub(crate) fn invalid(&mut self, name: &str, message: &str) {
        let path = self.path(name);
        self.problem(FieldError::invalid(path, message));
    }

    pub(crate) fn missing(&mut self, name: &str, message: &str) {
        let path = self.path(name);
        self.problem(FieldError::missing(path, message));
    }

    /// The value, or `None` (and a `Missing` problem when `required`) when absent or null.
    fn get(&mut self, name: &str, required: bool) -> Option<&'a Value> {
        match self.map.get(name) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(name, "required");
                }
                None
            }
            Some(v) => Some(v),
        }
    }

    /// An integer (`Integer` in the service's definition).
    pub(crate) fn int(&mut self, name: &str, required: bool) -> Option<i64> {
        let v = self.get(name, required)?;
        let n = v.as_i64();
        if n.is_none() {
            self.invalid(name, "must be an integer");
        }
        n
    }

    /// A non-negative integer (`uint64`, or an ID).
    pub(crate) fn uint(&mut self, name: &str, required: bool) -> Option<u64> {
        let v = self.get(name, required)?;
        let n = v.as_u64();
        if n.is_none() {
            self.invalid(name, "must be a non-negative integer");
        }
        n
    }

    /// A non-negative integer also accepted as a string of digits (the official example of ControlAIConversation
    /// sends `"SdkAppId": "1400000000"`).
    pub(crate) fn uint_or_digits(&mut self, name: &str, required: bool) -> Option<u64> {
        let v = self.get(name, required)?;
        let n = v.as_u64().or_else(|| v.as_str().filter(|s| s.bytes().all(|b| b.is_ascii_digit()))?.parse().ok());
        if n.is_none() {
            self.invalid(name, "must be a non-negative integer");
        }
        n
    }

    pub(crate) fn boolean(&mut self, name: &str) -> Option<bool> {
        let v = self.get(name, false)?;
        let b = v.as_bool();
        if b.is_none() {
            self.invalid(name, "must be a boolean");
        }
        b
    }

    /// A string; `required` ones must not be empty.
    pub(crate) fn string(&mut self, name: &str, required: bool) -> Option<String> {
        let v = self.get(name, required)?;
        match v.as_str() {
            Some(s) if !(required && s.is_empty()) => Some(s.to_string()),
            _ => {
                self.invalid(name, if required { "must be a non-empty string" } else { "must be a string" });
                None
            }
        }
    }

    pub(crate) fn strings(&mut self, name: &str) -> Option<Vec<String>> {
        let v = self.get(name, false)?;
        let list: Option<Vec<String>> =
            v.as_array().and_then(|items| items.iter().map(|i| i.as_str().map(str::to_string)).collect());
        if list.is_none() {
            self.invalid(name, "must be a list of strings");
        }
        list
    }

    /// An object inside, checked with its own known keys; its problems join these (call [`Fields::absorb`]).
    pub(crate) fn object(&mut self, name: &str, required: bool, known: &[&str]) -> Option<Fields<'a>> {
        let v = self.get(name, required)?;
        match v.as_object() {
            Some(map) => Some(Fields::at(map, format!("{}.", self.path(name)), known)),
            None => {
                self.invalid(name, "must be an object");
                None
            }
        }
    }

    pub(crate) fn absorb(&mut self, inner: Fields<'_>) {
        self.errors.extend(inner.errors);
    }

    /// Whether the object has this key (with a non-null value).
    pub(crate) fn has(&self, name: &str) -> bool {
        !matches!(self.map.get(name), None | Some(Value::Null))
    }

    pub(crate) fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok` without problems; else the error whose code names the most basic problem (missing before unknown
    /// before invalid), its message listing them all.
    pub(crate) fn finish(mut self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            return Ok(());
        }
        self.errors.sort_by_key(|e| match e.kind {
            FieldErrorKind::Missing => 0,
            FieldErrorKind::Unknown => 1,
            FieldErrorKind::Invalid => 2,
        });
        Err(field_errors(&self.errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn problems_are_collected_and_ranked() {
        let body = json!({"A": "x", "B": -1, "Obj": {"C": 1, "D": true}, "Zed": 1});
        let mut f = Fields::new(body.as_object().unwrap(), &["A", "B", "Obj", "Need"]);
        assert_eq!(f.int("A", true), None);
        assert_eq!(f.uint("B", true), None);
        assert_eq!(f.int("Need", true), None);
        let mut obj = f.object("Obj", true, &["C"]).unwrap();
        assert_eq!(obj.string("C", false), None);
        f.absorb(obj);
        let err = f.finish().unwrap_err();
        assert_eq!(err.code, "MissingParameter");
        for needle in ["Need", "Zed", "A: must be an integer", "B: must be a non-negative", "Obj.D", "Obj.C"] {
            assert!(err.message.contains(needle), "{needle}: {}", err.message);
        }
    }

    #[test]
    fn digits_may_stand_for_an_integer_where_allowed() {
        let body = json!({"A": "1400000000", "B": "14x", "C": 7});
        let mut f = Fields::new(body.as_object().unwrap(), &["A", "B", "C"]);
        assert_eq!(f.uint_or_digits("A", true), Some(1400000000));
        assert_eq!(f.uint_or_digits("C", true), Some(7));
        assert_eq!(f.uint_or_digits("B", true), None);
        assert_eq!(f.finish().unwrap_err().code, "InvalidParameterValue");
    }
}
