//! Reading a request from loose JSON (bindings, emulator): key spellings, types, and every problem collected.
//!
//! Only shapes and types are checked here; the rules are in `validate.rs`. A field that fails to parse is left
//! unset (list elements get a default placeholder so later indices stay right) and reported at its wire path.

use super::{
    AiTransferItem, CreateAiCallRequest, ExtractConfigElement, ToneWord, TransferToAgentItem, Variable, ZhToneWords,
    EXTRA_PARAMS, PARAMETERS,
};
use crate::field::{closest, At, FieldError, KeyCase};
use crate::tts::CustomTtsConfig;
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
    /// Keys not among `names`, kept as given, for an object that passes them through (see [`Fields::open`]).
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
        Self::build(map, prefix, names, spelling, errors, false)
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
        Self::build(map, prefix, names, spelling, errors, true)
    }

    fn build(
        map: Map<String, Value>,
        prefix: At<'p>,
        names: &'static Names,
        spelling: Spelling,
        errors: &'e mut Vec<FieldError>,
        open: bool,
    ) -> Self {
        let mut values: Vec<Option<Value>> = vec![None; names.names.len()];
        let mut kept = open.then(Map::new);
        let mut unknown = 0usize;
        for (key, value) in map {
            let Some(i) = names.index(&key, spelling) else {
                if let Some(kept) = &mut kept {
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
        let i = match names.get(self.next) {
            Some(expected) if *expected == name => self.next,
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

/// One step into a request's input as a caller wrote it: a key (in the caller's spelling) or a list index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Why a binding could not turn a value of its language into JSON for the core.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unconvertible {
    /// NaN or an infinity: JSON has no such number (JavaScript's `JSON.stringify` would send `null`, "not set").
    NotFinite(f64),
    /// Nested deeper than [`crate::validate::MAX_INPUT_DEPTH`].
    TooDeep,
    /// An integer that fits in no 64-bit integer.
    IntegerOutOfRange,
}

/// The problem with a value of a request's input that a binding could not convert, at the wire path of `steps`
/// (keys the model knows are given their wire names, so the problem renders in each caller's case like any other;
/// keys it does not know, such as those under `ExtraParams`, are kept as written).
pub fn unconvertible(steps: &[Step<'_>], case: KeyCase, problem: Unconvertible) -> FieldError {
    let message = match problem {
        Unconvertible::NotFinite(n) => format!("must be a finite number, not {n}"),
        Unconvertible::TooDeep => {
            format!("is nested more than {} levels deep", crate::validate::MAX_INPUT_DEPTH)
        }
        Unconvertible::IntegerOutOfRange => "is an integer too large for 64 bits".to_string(),
    };
    FieldError::invalid(wire_path(steps, case), message)
}

/// Where the keys of an object in a request are looked up.
#[derive(Clone, Copy)]
enum Table {
    Names(&'static Names, Spelling),
    /// `CustomTTSConfig`: the fields of every vendor.
    Tts,
}

fn wire_path(steps: &[Step<'_>], case: KeyCase) -> String {
    let caller = Spelling::Caller(case);
    let mut table = Some(Table::Names(&TOP_LEVEL, caller));
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Key(key) => {
                let wire = match table {
                    Some(Table::Names(names, spelling)) => names.resolve(key, spelling),
                    Some(Table::Tts) => {
                        use crate::tts::{AZURE, CUSTOM, MINIMAX, TENCENT, VOLCENGINE};
                        [&TENCENT, &MINIMAX, &VOLCENGINE, &AZURE, &CUSTOM]
                            .iter()
                            .find_map(|names| names.resolve(key, Spelling::Any))
                    }
                    None => None,
                };
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(wire.unwrap_or(key));
                table = wire.and_then(|wire| match wire {
                    "TransferItems" => Some(Table::Names(&TRANSFER_ITEM, caller)),
                    "TransferToAgentItems" => Some(Table::Names(&TRANSFER_TO_AGENT_ITEM, caller)),
                    "PromptVariables" | "Variables" => Some(Table::Names(&VARIABLE, caller)),
                    "ExtractConfig" => Some(Table::Names(&EXTRACT_ELEMENT, caller)),
                    "ToneWord" => Some(Table::Names(&TONE_WORD, caller)),
                    "ZHToneWords" => Some(Table::Names(&ZH_TONE_WORDS, caller)),
                    "CustomTTSConfig" => Some(Table::Tts),
                    _ => None,
                });
            }
        }
    }
    out
}

/// The top-level parameters and `ExtraParams`.
pub(crate) static TOP_LEVEL: Names = Names::new(&TOP_LEVEL_NAMES);
const TOP_LEVEL_NAMES: [&str; PARAMETERS.len() + 1] = {
    let mut names = [EXTRA_PARAMS; PARAMETERS.len() + 1];
    let mut i = 0;
    while i < PARAMETERS.len() {
        names[i] = PARAMETERS[i];
        i += 1;
    }
    names
};
static TRANSFER_ITEM: Names = Names::new(&["TransferFunctionName", "TransferFunctionDesc", "TransferSkillGroupId"]);
static TRANSFER_TO_AGENT_ITEM: Names = Names::new(&["TransferToAgentName", "TransferToAgentDesc", "TransferToAgentId"]);
static VARIABLE: Names = Names::new(&["Key", "Value"]);
static EXTRACT_ELEMENT: Names = Names::new(&["InfoType", "InfoName", "InfoContent", "Examples", "Choices"]);
static TONE_WORD: Names = Names::new(&["FirstSentenceTimeout", "ZHToneWords"]);
static ZH_TONE_WORDS: Names = Names::new(&["Neutral", "Positive", "Negative"]);

/// Read a whole request; problems go to `errors`, and what parsed is returned either way.
pub(super) fn read_request(
    map: Map<String, Value>,
    case: KeyCase,
    errors: &mut Vec<FieldError>,
) -> CreateAiCallRequest {
    let f = &mut Fields::new(map, At::Root, &TOP_LEVEL, Spelling::Caller(case), errors);
    CreateAiCallRequest {
        sdk_app_id: f.u64("SdkAppId").unwrap_or(0),
        callee: f.string("Callee").unwrap_or_default(),
        llm_type: f.string("LLMType").unwrap_or_default(),
        api_key: f.string("APIKey").unwrap_or_default(),
        api_url: f.string("APIUrl").unwrap_or_default(),
        system_prompt: f.string("SystemPrompt"),
        model: f.string("Model"),
        voice_type: f.string("VoiceType"),
        callers: f.strings("Callers"),
        welcome_message: f.string("WelcomeMessage"),
        welcome_type: f.u64("WelcomeType"),
        welcome_message_priority: f.u64("WelcomeMessagePriority"),
        max_duration: f.u64("MaxDuration"),
        languages: f.strings("Languages"),
        interrupt_mode: f.u64("InterruptMode"),
        interrupt_speech_duration: f.u64("InterruptSpeechDuration"),
        end_function_enable: f.bool("EndFunctionEnable"),
        end_function_desc: f.string("EndFunctionDesc"),
        transfer_function_enable: f.bool("TransferFunctionEnable"),
        transfer_items: f.objects("TransferItems", &TRANSFER_ITEM, |g| AiTransferItem {
            transfer_function_name: g.string("TransferFunctionName").unwrap_or_default(),
            transfer_function_desc: g.string("TransferFunctionDesc").unwrap_or_default(),
            transfer_skill_group_id: g.u64("TransferSkillGroupId").unwrap_or(0),
        }),
        transfer_to_agent_enable: f.bool("TransferToAgentEnable"),
        transfer_to_agent_items: f.objects("TransferToAgentItems", &TRANSFER_TO_AGENT_ITEM, |g| TransferToAgentItem {
            transfer_to_agent_name: g.string("TransferToAgentName").unwrap_or_default(),
            transfer_to_agent_desc: g.string("TransferToAgentDesc").unwrap_or_default(),
            transfer_to_agent_id: g.u64("TransferToAgentId").unwrap_or(0),
        }),
        notify_duration: f.u64("NotifyDuration"),
        notify_message: f.string("NotifyMessage"),
        notify_max_count: f.u64("NotifyMaxCount"),
        custom_tts_config: f.take("CustomTTSConfig").and_then(|v| {
            let prefix = f.at();
            CustomTtsConfig::read(v, prefix.key("CustomTTSConfig"), f.errors)
        }),
        prompt_variables: f.objects("PromptVariables", &VARIABLE, read_variable),
        vad_silence_time: f.u64("VadSilenceTime"),
        extract_config: f.objects("ExtractConfig", &EXTRACT_ELEMENT, |g| ExtractConfigElement {
            info_type: g.string("InfoType").unwrap_or_default(),
            info_name: g.string("InfoName").unwrap_or_default(),
            info_content: g.string("InfoContent"),
            examples: g.strings("Examples"),
            choices: g.strings("Choices"),
        }),
        temperature: f.f64("Temperature"),
        variables: f.objects("Variables", &VARIABLE, read_variable),
        top_p: f.f64("TopP"),
        vad_level: f.u64("VadLevel"),
        tone_word: f.object("ToneWord", &TONE_WORD, |g| ToneWord {
            first_sentence_timeout: g.f64("FirstSentenceTimeout"),
            zh_tone_words: g.object("ZHToneWords", &ZH_TONE_WORDS, |h| ZhToneWords {
                neutral: h.strings("Neutral"),
                positive: h.strings("Positive"),
                negative: h.strings("Negative"),
            }),
        }),
        enable_compliance_audio: f.bool("EnableComplianceAudio"),
        enable_voicemail_detection: f.bool("EnableVoicemailDetection"),
        voicemail_action: f.u64("VoicemailAction"),
        llm_extra_body: f.json_text("LLMExtraBody"),
        max_call_duration_ms: f.u64("MaxCallDurationMs"),
        max_ring_timeout_second: f.u64("MaxRingTimeoutSecond"),
        ambient_sound_type: f.string("AmbientSoundType"),
        ambient_sound_volume: f.f64("AmbientSoundVolume"),
        acquire_timeout_second: f.u64("AcquireTimeoutSecond"),
        custom_stt_config: f.json_text("CustomSTTConfig"),
        extra: read_extra(f),
    }
}

fn read_variable(g: &mut Fields) -> Variable {
    // `Value` may legitimately be empty, so an absent one is reported here rather than by the rules.
    if !g.has("Value") {
        g.errors.push(FieldError::missing(g.path("Value"), "required (an empty string is allowed)"));
    }
    Variable { key: g.string("Key").unwrap_or_default(), value: g.string("Value").unwrap_or_default() }
}

/// `ExtraParams`: raw wire parameters, keys kept exactly as given; `null` entries mean "not set".
fn read_extra(f: &mut Fields) -> Map<String, Value> {
    match f.take(EXTRA_PARAMS) {
        None => Map::new(),
        Some(Value::Object(mut map)) => {
            map.retain(|_, v| !v.is_null());
            map
        }
        Some(other) => {
            f.invalid(f.path(EXTRA_PARAMS), "an object of raw wire parameters", &other);
            Map::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search the tables replace: the first name, in order, that `key` spells under `spelling`.
    fn search(names: &[&'static str], key: &str, spelling: Spelling) -> Option<&'static str> {
        names.iter().copied().find(|wire| {
            key == *wire
                || match spelling {
                    Spelling::Caller(KeyCase::Wire) => false,
                    Spelling::Caller(case) => case.is_key_of(key, wire),
                    Spelling::Any => KeyCase::Snake.is_key_of(key, wire) || KeyCase::Camel.is_key_of(key, wire),
                }
        })
    }

    #[test]
    fn tables_resolve_as_a_search_in_order_would() {
        let sets: [&Names; 12] = [
            &TOP_LEVEL,
            &TRANSFER_ITEM,
            &TRANSFER_TO_AGENT_ITEM,
            &VARIABLE,
            &EXTRACT_ELEMENT,
            &TONE_WORD,
            &ZH_TONE_WORDS,
            &crate::tts::TENCENT,
            &crate::tts::MINIMAX,
            &crate::tts::VOLCENGINE,
            &crate::tts::AZURE,
            &crate::tts::CUSTOM,
        ];
        let mut keys: Vec<String> =
            ["", "x", "llm_typ", "llmtype", "LLMtype", "sdk_app_id_", "sdkAppID", "extraparams"]
                .map(String::from)
                .to_vec();
        for set in sets {
            for wire in set.names {
                for case in [KeyCase::Wire, KeyCase::Snake, KeyCase::Camel] {
                    keys.push(case.key(wire));
                    keys.push(case.key(wire).to_ascii_uppercase());
                }
            }
        }
        for set in sets {
            for spelling in [
                Spelling::Caller(KeyCase::Wire),
                Spelling::Caller(KeyCase::Snake),
                Spelling::Caller(KeyCase::Camel),
                Spelling::Any,
            ] {
                for key in &keys {
                    assert_eq!(set.resolve(key, spelling), search(set.names, key, spelling), "{key}");
                }
            }
        }
    }

    #[test]
    fn unconvertible_values_are_reported_at_their_wire_paths() {
        use Step::{Index, Key};
        for (steps, case, path) in [
            (&[Key("temperature")][..], KeyCase::Snake, "Temperature"),
            (&[Key("tone_word"), Key("first_sentence_timeout")][..], KeyCase::Snake, "ToneWord.FirstSentenceTimeout"),
            (
                &[Key("transferItems"), Index(2), Key("transferSkillGroupId")][..],
                KeyCase::Camel,
                "TransferItems[2].TransferSkillGroupId",
            ),
            (&[Key("custom_tts_config"), Key("speed")][..], KeyCase::Snake, "CustomTTSConfig.Speed"),
            (
                &[Key("extra_params"), Key("Future"), Index(0), Key("x_y")][..],
                KeyCase::Snake,
                "ExtraParams.Future[0].x_y",
            ),
            (&[Key("unknownThing"), Key("a")][..], KeyCase::Camel, "unknownThing.a"),
        ] {
            let e = unconvertible(steps, case, Unconvertible::NotFinite(f64::NAN));
            assert_eq!(e.path, path);
            assert_eq!(e.message, "must be a finite number, not NaN");
        }
        let e = unconvertible(&[Key("extraParams"), Key("Deep")], KeyCase::Camel, Unconvertible::TooDeep);
        assert_eq!(e.field(KeyCase::Camel), "extraParams.Deep");
    }

    #[test]
    fn no_key_is_both_a_wire_name_and_a_cased_one() {
        // `unknown_keyword` relies on it: wire names start upper-case, their snake and camel spellings lower-case.
        for wire in TOP_LEVEL.names {
            assert!(wire.starts_with(|c: char| c.is_ascii_uppercase()), "{wire}");
            for case in [KeyCase::Snake, KeyCase::Camel] {
                assert!(case.key(wire).starts_with(|c: char| c.is_ascii_lowercase()), "{wire}");
            }
        }
    }
}
