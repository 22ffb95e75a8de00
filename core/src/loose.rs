//! Reading loose JSON objects (what the bindings and the emulator receive): key spellings, types, and every problem
//! collected at its wire path.
//!
//! Only shapes and types are checked here; rules live in the records' schemas (`schema.rs`) and the request's
//! cross-field rules. A field that fails to parse is left unset (list elements get a default placeholder so later
//! indices stay right) and reported.

use crate::field::{closest, At, FieldError, KeyCase};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// Which key spellings an object accepts.
#[derive(Clone, Copy)]
pub(crate) enum Spelling {
    /// The caller's case or the wire's PascalCase.
    Caller(KeyCase),
    /// PascalCase, snake_case or camelCase (CustomTTSConfig, often pasted from docs or another tool).
    Any,
}

impl Spelling {
    /// Which of [`Names`]'s tables serves this spelling.
    fn slot(self) -> usize {
        match self {
            Spelling::Caller(KeyCase::Wire) => 0,
            Spelling::Caller(KeyCase::Snake) => 1,
            Spelling::Caller(KeyCase::Camel) => 2,
            Spelling::Any => 3,
        }
    }

    /// Every key this spelling accepts for `wire`.
    fn keys(self, wire: &'static str) -> Vec<String> {
        let mut keys = vec![wire.to_string()];
        match self {
            Spelling::Caller(KeyCase::Wire) => {}
            Spelling::Caller(case) => keys.push(case.key(wire)),
            Spelling::Any => keys.extend([KeyCase::Snake.key(wire), KeyCase::Camel.key(wire)]),
        }
        keys
    }
}

/// The field names of one object, with a table per [`Spelling`] from every accepted key to the name's index,
/// built on first use: resolving a key is one probe rather than a comparison with each name.
pub(crate) struct Names {
    pub(crate) names: &'static [&'static str],
    tables: [OnceLock<HashMap<String, usize, BuildHasherDefault<Fnv>>>; 4],
}

impl Names {
    pub(crate) const fn new(names: &'static [&'static str]) -> Self {
        Names { names, tables: [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()] }
    }

    /// The wire name `key` stands for under `spelling`, if any.
    pub(crate) fn resolve(&self, key: &str, spelling: Spelling) -> Option<&'static str> {
        self.index(key, spelling).map(|i| self.names[i])
    }

    /// The index in `names` of the name `key` stands for under `spelling`, if any.
    fn index(&self, key: &str, spelling: Spelling) -> Option<usize> {
        let table = self.tables[spelling.slot()].get_or_init(|| {
            let mut table = HashMap::default();
            for (i, &wire) in self.names.iter().enumerate() {
                for key in spelling.keys(wire) {
                    // Should two names share a spelling, the first listed wins, as a search in order would.
                    table.entry(key).or_insert(i);
                }
            }
            table
        });
        table.get(key).copied()
    }
}

/// FNV-1a: keys are short, and SipHash's protection is not needed for tables that are never added to after
/// they are built (a key given cannot make a probe longer than the table).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The fields of one JSON object, resolved to wire names, taken one by one with their type checked.
pub(crate) struct Fields<'e, 'p> {
    /// Where this object is; paths are written out only for problems.
    prefix: At<'p>,
    names: &'static Names,
    /// The value given for each of `names`, by index; `null` counts as not given.
    values: Vec<Option<Value>>,
    /// Where the next name looked up is expected: readers take fields in the order they are listed.
    next: usize,
    spelling: Spelling,
    /// Keys no name stands for, when the object keeps them (a TTS vendor's settings) instead of reporting them.
    unknown: Option<Map<String, Value>>,
    pub(crate) errors: &'e mut Vec<FieldError>,
}

impl<'e, 'p> Fields<'e, 'p> {
    /// Resolve the keys of `map` against `names`; unknown and doubled keys are reported here.
    pub(crate) fn new(
        map: Map<String, Value>,
        prefix: At<'p>,
        names: &'static Names,
        spelling: Spelling,
        errors: &'e mut Vec<FieldError>,
    ) -> Self {
        Self::resolve(map, prefix, names, spelling, errors, None)
    }

    /// Like [`Fields::new`] for an object whose unknown keys are kept (as given) rather than reported: a vendor's
    /// settings, where the vendor may take fields this SDK does not know. Take them with [`Fields::take_unknown`].
    pub(crate) fn open(
        map: Map<String, Value>,
        prefix: At<'p>,
        names: &'static Names,
        spelling: Spelling,
        errors: &'e mut Vec<FieldError>,
    ) -> Self {
        Self::resolve(map, prefix, names, spelling, errors, Some(Map::new()))
    }

    fn resolve(
        map: Map<String, Value>,
        prefix: At<'p>,
        names: &'static Names,
        spelling: Spelling,
        errors: &'e mut Vec<FieldError>,
        mut kept: Option<Map<String, Value>>,
    ) -> Self {
        let mut values: Vec<Option<Value>> = vec![None; names.names.len()];
        let mut unknown = 0usize;
        for (key, value) in map {
            let Some(i) = names.index(&key, spelling) else {
                if let Some(kept) = kept.as_mut() {
                    // `null` means "not set" here as everywhere.
                    if !value.is_null() {
                        kept.insert(key, value);
                    }
                    continue;
                }
                // Each hint is an edit-distance search: a hostile object with thousands of keys gets a summary.
                unknown += 1;
                if unknown <= MAX_UNKNOWN_LISTED {
                    let message = unknown_message(&key, prefix.is_root(), names.names);
                    errors.push(FieldError::unknown(prefix.key(&key).to_string(), message));
                }
                continue;
            };
            if values[i].is_some() {
                let path = prefix.key(names.names[i]).to_string();
                errors.push(FieldError::invalid(path, "given twice under different spellings; keep one"));
                continue;
            }
            if !value.is_null() {
                values[i] = Some(value);
            }
        }
        if unknown > MAX_UNKNOWN_LISTED {
            let more = unknown - MAX_UNKNOWN_LISTED;
            errors.push(FieldError::unknown(prefix.to_string(), format!("and {more} more unknown keys, not listed")));
        }
        Fields { prefix, names, values, next: 0, spelling, unknown: kept, errors }
    }

    /// The keys [`Fields::open`] kept, as given.
    pub(crate) fn take_unknown(&mut self) -> Map<String, Value> {
        self.unknown.take().unwrap_or_default()
    }

    /// Where this object is.
    pub(crate) fn at(&self) -> At<'p> {
        self.prefix
    }

    /// The wire path of one of this object's fields, written out (for a problem).
    pub(crate) fn path(&self, name: &str) -> String {
        self.prefix.key(name).to_string()
    }

    /// The index of one of this object's names; the one after the last found is tried first.
    fn slot(&mut self, name: &str) -> Option<usize> {
        let names = self.names.names;
        // Records read their fields in the order declared, with the very `&'static str`s of their name tables:
        // comparing addresses first usually spares comparing the text.
        let same = |expected: &str| std::ptr::eq(expected, name) || expected == name;
        let i = match names.get(self.next) {
            Some(expected) if same(expected) => self.next,
            _ => names.iter().position(|n| *n == name)?,
        };
        self.next = i + 1;
        Some(i)
    }

    pub(crate) fn has(&mut self, name: &str) -> bool {
        self.slot(name).is_some_and(|i| self.values[i].is_some())
    }

    /// The raw value of a field, if set.
    pub(crate) fn take(&mut self, name: &str) -> Option<Value> {
        let i = self.slot(name)?;
        self.values[i].take()
    }

    fn invalid(&mut self, path: impl Into<String>, expected: &str, got: &Value) {
        self.errors.push(FieldError::invalid(path, format!("expected {expected}, got {}", describe(got))));
    }

    pub(crate) fn string(&mut self, name: &str) -> Option<String> {
        let value = self.take(name)?;
        let prefix = self.prefix;
        self.as_string(value, prefix.key(name))
    }

    fn as_string(&mut self, value: Value, path: At<'_>) -> Option<String> {
        match value {
            Value::String(s) => Some(s),
            other => {
                self.invalid(path, "a string", &other);
                None
            }
        }
    }

    pub(crate) fn u64(&mut self, name: &str) -> Option<u64> {
        let value = self.take(name)?;
        match unsigned(&value) {
            Ok(n) => Some(n),
            Err(problem) => {
                self.errors.push(FieldError::invalid(self.path(name), problem));
                None
            }
        }
    }

    pub(crate) fn f64(&mut self, name: &str) -> Option<f64> {
        match self.take(name)? {
            Value::Number(n) => n.as_f64(),
            other => {
                let hint = unquote_hint(&other, |s| s.parse::<f64>().is_ok_and(f64::is_finite));
                let message = format!("expected a number, got {}{hint}", describe(&other));
                self.errors.push(FieldError::invalid(self.path(name), message));
                None
            }
        }
    }

    pub(crate) fn bool(&mut self, name: &str) -> Option<bool> {
        match self.take(name)? {
            Value::Bool(b) => Some(b),
            other => {
                let hint = unquote_hint(&other, |s| s == "true" || s == "false");
                let message = format!("expected a boolean (true or false), got {}{hint}", describe(&other));
                self.errors.push(FieldError::invalid(self.path(name), message));
                None
            }
        }
    }

    /// A list of strings; an element of the wrong type is reported and kept as `""` so indices stay right.
    pub(crate) fn strings(&mut self, name: &str) -> Option<Vec<String>> {
        let items = self.list(name, "a list of strings")?;
        let prefix = self.prefix;
        let base = prefix.key(name);
        Some(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| self.as_string(item, base.index(i)).unwrap_or_default())
                .collect(),
        )
    }

    /// A list of objects, each read by `read` with its own [`Fields`].
    pub(crate) fn objects<T: Default>(
        &mut self,
        name: &str,
        names: &'static Names,
        read: impl Fn(&mut Fields) -> T,
    ) -> Option<Vec<T>> {
        let items = self.list(name, "a list of objects")?;
        let prefix = self.prefix;
        let base = prefix.key(name);
        let spelling = self.spelling;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let path = base.index(i);
            match item {
                Value::Object(map) => out.push(read(&mut Fields::new(map, path, names, spelling, self.errors))),
                other => {
                    self.invalid(path, "an object", &other);
                    out.push(T::default());
                }
            }
        }
        Some(out)
    }

    /// One nested object, read by `read` with its own [`Fields`].
    pub(crate) fn object<T>(
        &mut self,
        name: &str,
        names: &'static Names,
        read: impl Fn(&mut Fields) -> T,
    ) -> Option<T> {
        match self.take(name)? {
            Value::Object(map) => {
                let prefix = self.prefix;
                Some(read(&mut Fields::new(map, prefix.key(name), names, self.spelling, self.errors)))
            }
            other => {
                self.invalid(self.path(name), "an object", &other);
                None
            }
        }
    }

    /// A parameter the service takes as a JSON *string*; a JSON object is accepted too and written compactly.
    pub(crate) fn json_text(&mut self, name: &str) -> Option<String> {
        match self.take(name)? {
            Value::String(s) => Some(s),
            Value::Object(map) => Some(Value::Object(map).to_string()),
            other => {
                self.invalid(self.path(name), "a JSON string (or an object to be sent as one)", &other);
                None
            }
        }
    }

    fn list(&mut self, name: &str, expected: &str) -> Option<Vec<Value>> {
        match self.take(name)? {
            Value::Array(items) => Some(items),
            other => {
                self.invalid(self.path(name), expected, &other);
                None
            }
        }
    }
}

/// How many unknown keys of one object are reported one by one.
const MAX_UNKNOWN_LISTED: usize = 20;

/// "unknown parameter; did you mean `LLMType`?". Names are backticked wire names, so each binding shows them
/// in its own case; inside a nested object the short list of its fields is spelled out too.
fn unknown_message(key: &str, top_level: bool, names: &[&'static str]) -> String {
    let mut message = if top_level { "unknown parameter".to_string() } else { "unknown field".to_string() };
    if let Some(hint) = suggest(key, names) {
        message.push_str(&format!("; did you mean `{hint}`?"));
    } else if !top_level {
        let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        message.push_str(&format!("; expected one of {}", list.join(", ")));
    }
    message
}

/// The closest of `names`; keys and values longer than any real name get no hint, which keeps an
/// edit-distance search over input from the network cheap.
pub(crate) fn suggest(given: &str, names: &[&'static str]) -> Option<&'static str> {
    if given.len() > 64 {
        return None;
    }
    closest(given, names.iter().copied())
}

/// " (write it without quotes)" when a string holds what was expected, e.g. `"1400000000"` for an integer.
fn unquote_hint(value: &Value, fits: impl Fn(&str) -> bool) -> &'static str {
    match value {
        Value::String(s) if fits(s.trim()) => " (write it without quotes)",
        _ => "",
    }
}

/// What kind of value it is, coarsely ("a number"), for option messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A number as written; anything else by its kind (options only: a number there is never a secret).
pub(crate) fn shown(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        other => kind_of(other).to_string(),
    }
}

/// What a value is, for "expected X, got Y" (never the value itself: it may be a secret).
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(n) if n.as_u64().is_none() => "a negative number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A non-negative integer. A whole number written as a float (`60000.0`) counts, as in JSON Schema, because
/// JavaScript numbers and some JSON encoders produce them; `1.5` and `-1` do not.
fn unsigned(value: &Value) -> Result<u64, String> {
    // 2^53: beyond it a float no longer holds every integer exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let Value::Number(n) = value else {
        let hint = unquote_hint(value, |s| s.parse::<u64>().is_ok());
        return Err(format!("expected a non-negative integer, got {}{hint}", describe(value)));
    };
    if let Some(u) = n.as_u64() {
        return Ok(u);
    }
    if n.as_i64().is_some() {
        return Err("expected a non-negative integer, got a negative number".to_string());
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && (0.0..=EXACT).contains(&f) => Ok(f as u64),
        Some(f) if f < 0.0 => Err("expected a non-negative integer, got a negative number".to_string()),
        Some(f) if f.fract() == 0.0 => {
            Err("expected a non-negative integer, got a number too large to be exact".into())
        }
        _ => Err("expected a non-negative integer, got a decimal number".to_string()),
    }
}
