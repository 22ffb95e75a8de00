//! `CustomTTSConfig`: one record per `TTSType`, each declared once with [`record!`] (API.md section 2).
//!
//! The service takes this parameter as a JSON *string*. It is written with `TTSType` first and then the fields
//! in the documented order, so the same config always becomes the same bytes (and the same signature). Settings
//! of a vendor that this model does not know are passed through after the known ones (the vendors add settings
//! more often than the service documents them), and logged at debug level by name only. Credentials print as
//! `***` in `Debug`, and so do the values of settings the model does not know.

use crate::check::Checker;
use crate::field::{At, FieldError, FieldErrorKind};
use crate::loose::{describe, suggest, Fields, Names, Spelling};
use crate::schema::{record, spec, Field, FieldSpec, Keep, Presence, Record, RecordSpec, Rule, Sink, Type};
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// The documented `TTSType` values.
pub const TTS_TYPES: [&str; 5] = ["tencent", "minimax", "volcengine", "azure", "custom"];
/// The key that names the vendor of a `CustomTTSConfig`.
pub const TTS_TYPE: &str = "TTSType";
const NO_MAX: f64 = f64::INFINITY;

/// A custom TTS vendor and its settings.
#[derive(Clone, PartialEq)]
pub enum CustomTtsConfig {
    Tencent(TencentTts),
    Minimax(MinimaxTts),
    Volcengine(VolcengineTts),
    Azure(AzureTts),
    Custom(CustomHttpTts),
}

record! {
    /// Tencent Cloud TTS (`TTSType` "tencent").
    pub struct TencentTts as "tencent" {
        order: Declared,
        rules: none,
        fields: {
            /// Your Tencent Cloud AppId (a string of digits).
            app_id: String = "AppId" => spec(Rule::Name),
            /// The SecretId allowed to call TTS.
            secret_id: String = "SecretId" => spec(Rule::Secret).secret(),
            /// Its SecretKey.
            secret_key: String = "SecretKey" => spec(Rule::Secret).secret(),
            /// A Tencent TTS voice id, e.g. 101001.
            voice_type: u64 = "VoiceType" => spec(Rule::Any).may_be_empty(),
            /// Speech speed: 0 is 1.0x, 6 is 2.5x.
            speed: Option<f64> = "Speed" => spec(Rule::Range { min: -2.0, max: 6.0 }).decimals(2),
            /// The volume.
            volume: Option<u64> = "Volume" => spec(Rule::Range { min: 0.0, max: 10.0 }),
            /// The primary language.
            primary_language: Option<u64> = "PrimaryLanguage" => spec(Rule::Choice {
                values: &[(1, "Chinese"), (2, "English"), (3, "Japanese")],
            })
            .default("1"),
            /// A custom (cloned) voice id.
            fast_voice_type: Option<String> = "FastVoiceType" => spec(Rule::Name),
        }
        , keep: extra via VendorKeys
    }
}

record! {
    /// MiniMax TTS (`TTSType` "minimax").
    pub struct MinimaxTts as "minimax" {
        order: Declared,
        rules: none,
        fields: {
            /// The TTS model, e.g. speech-01-turbo.
            model: Option<String> = "Model" => spec(Rule::Name),
            /// The TTS endpoint, e.g. https://api.minimax.chat/v1/t2a_v2.
            api_url: Option<String> = "APIUrl" => spec(Rule::Url),
            /// Your MiniMax API key.
            api_key: String = "APIKey" => spec(Rule::Secret).secret(),
            /// Your MiniMax group id.
            group_id: String = "GroupId" => spec(Rule::Name),
            /// The voice id.
            voice_type: Option<String> = "VoiceType" => spec(Rule::Name),
            /// Speech speed.
            speed: Option<f64> = "Speed" => spec(Rule::Positive),
        }
        , keep: extra via VendorKeys
    }
}

record! {
    /// Volcano Engine TTS (`TTSType` "volcengine").
    pub struct VolcengineTts as "volcengine" {
        order: Declared,
        rules: none,
        fields: {
            /// Your Volcano Engine app id.
            app_id: String = "AppId" => spec(Rule::Name),
            /// Your access token.
            token: String = "Token" => spec(Rule::Secret).secret(),
            /// Speech speed.
            speed: Option<f64> = "Speed" => spec(Rule::Positive),
            /// The volume.
            volume: Option<f64> = "Volume" => spec(Rule::Positive),
            /// The cluster.
            cluster: Option<String> = "Cluster" => spec(Rule::Name).default("volcano_tts"),
            /// The voice id.
            voice_type: Option<String> = "VoiceType" => spec(Rule::Name),
        }
        , keep: extra via VendorKeys
    }
}

record! {
    /// Azure Speech TTS (`TTSType` "azure").
    pub struct AzureTts as "azure" {
        order: Declared,
        rules: none,
        fields: {
            /// Your Azure Speech subscription key.
            subscription_key: String = "SubscriptionKey" => spec(Rule::Secret).secret(),
            /// The Azure region, e.g. chinanorth3.
            region: String = "Region" => spec(Rule::Name),
            /// The voice, e.g. zh-CN-XiaoxiaoNeural.
            voice_name: String = "VoiceName" => spec(Rule::Name),
            /// The language, e.g. zh-CN.
            language: String = "Language" => spec(Rule::Name),
            /// Speech rate.
            rate: Option<f64> = "Rate" => spec(Rule::Range { min: 0.5, max: 2.0 }).default("1"),
        }
        , keep: extra via VendorKeys
    }
}

record! {
    /// Your own TTS service over HTTP (`TTSType` "custom").
    pub struct CustomHttpTts as "custom" {
        order: Declared,
        rules: none,
        fields: {
            /// Your service's API key.
            api_key: String = "APIKey" => spec(Rule::Secret).secret(),
            /// Your service's URL.
            api_url: String = "APIUrl" => spec(Rule::Url),
            /// The audio format.
            audio_format: Option<String> =
                "AudioFormat" => spec(Rule::OneOf { values: &["pcm", "wav"] }).default("wav"),
            /// The sample rate in Hz.
            sample_rate: Option<u64> = "SampleRate" => spec(Rule::Range { min: 1.0, max: NO_MAX }).default("16000"),
            /// The number of audio channels.
            audio_channel: Option<u64> = "AudioChannel" => spec(Rule::Range { min: 1.0, max: 2.0 }).default("1"),
        }
        , keep: extra via VendorKeys
    }
}

/// For vendors whose fields have no rule in common.
fn none<R>(_record: &R, _at: At<'_>, _c: &mut Checker) {}

/// Every vendor's record, in `TTS_TYPES` order.
pub static VENDORS: [&RecordSpec; 5] =
    [TencentTts::SPEC, MinimaxTts::SPEC, VolcengineTts::SPEC, AzureTts::SPEC, CustomHttpTts::SPEC];

/// A vendor's `TTSType` key (read before the record, to choose it) and its settings the model does not know:
/// sent as given after the known ones (the vendor may take more than API.md lists), logged by name only.
pub(crate) struct VendorKeys;

impl Keep for VendorKeys {
    const KEYS: &'static [&'static str] = &[TTS_TYPE];

    fn read(f: &mut Fields<'_, '_>) -> Map<String, Value> {
        f.take(TTS_TYPE);
        let kept = f.take_unknown();
        if !kept.is_empty() {
            // Keys only: values may be credentials.
            let keys: Vec<&str> = kept.keys().take(20).map(String::as_str).collect();
            let at = f.at();
            log::debug!(
                target: "ccc_aicall",
                "{at}: sending {} field(s) this SDK does not know as given: {}",
                kept.len(),
                keys.join(", ")
            );
            // A required field found missing while reading (a Tencent `VoiceType`) may have been misspelt.
            let prefix = format!("{at}.");
            for e in f.errors.iter_mut().filter(|e| e.kind == FieldErrorKind::Missing) {
                if let Some(name) = e.path.strip_prefix(&prefix) {
                    e.message.push_str(&misspelt(name, &kept));
                }
            }
        }
        kept
    }

    fn check(kept: &Map<String, Value>, at: At<'_>, names: &'static Names, c: &mut Checker) {
        for (key, value) in kept {
            if names.resolve(key, Spelling::Any).is_some() {
                // Only a struct built in Rust gets here (reading sorts known keys out): it would be sent twice.
                c.invalid(at.key(key), "is a field of this vendor's: set it directly, not among the unknown fields");
            } else {
                c.raw_depth(at.key(key), value, 0);
            }
        }
        // A required field reported missing may have been misspelt among the unknown ones.
        for name in names.names.iter().filter(|n| **n != TTS_TYPE) {
            let hint = misspelt(name, kept);
            if !hint.is_empty() {
                c.amend_missing(&at.key(name).to_string(), &hint);
            }
        }
    }

    fn write<S: Sink>(kept: &Map<String, Value>, sink: &mut S) -> Result<(), S::Error> {
        for (key, value) in kept {
            sink.entry(key, value)?;
        }
        Ok(())
    }

    fn show(kept: &Map<String, Value>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&crate::redact::UnknownFields(kept), f)
    }
}

/// For a required field that is missing: `; "SecretKy" was given: a misspelling of it?` when an unknown key is
/// close to its name, otherwise nothing. (Unknown keys are sent as given, so a misspelt optional field goes out
/// unnoticed; a misspelt required one is caught here.)
fn misspelt(name: &str, kept: &Map<String, Value>) -> String {
    kept.keys()
        .find(|key| crate::field::closest(key, [name]).is_some())
        .map(|key| format!("; {key:?} was given: a misspelling of it?"))
        .unwrap_or_default()
}

impl CustomTtsConfig {
    /// The `TTSType` of this config.
    pub fn tts_type(&self) -> &'static str {
        match self {
            CustomTtsConfig::Tencent(_) => "tencent",
            CustomTtsConfig::Minimax(_) => "minimax",
            CustomTtsConfig::Volcengine(_) => "volcengine",
            CustomTtsConfig::Azure(_) => "azure",
            CustomTtsConfig::Custom(_) => "custom",
        }
    }

    /// The compact JSON string sent as `CustomTTSConfig` (contains the credentials: do not log it).
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Read a config given as a JSON string or a JSON object (keys in PascalCase, snake_case or camelCase).
    /// Shapes and types are checked here; [`CustomTtsConfig::validate`] checks the rules.
    pub fn from_value(value: Value) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        match Self::read(value, "CustomTTSConfig".into(), &mut errors) {
            Some(config) if errors.is_empty() => Ok(config),
            _ => Err(errors),
        }
    }

    /// Check the vendor's required fields and ranges; paths are under `CustomTTSConfig`.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut c = Checker::default();
        self.check("CustomTTSConfig".into(), &mut c);
        c.finish()
    }

    /// Parse from loose input; `None` when even the vendor is unknown. With a known vendor, the fields that
    /// parsed are returned (so the rules can still be checked) and the others reported.
    pub(crate) fn read(value: Value, path: At<'_>, errors: &mut Vec<FieldError>) -> Option<Self> {
        let map = match value {
            Value::Object(map) => map,
            Value::String(text) => match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => map,
                Ok(other) => {
                    errors.push(FieldError::invalid(
                        path.to_string(),
                        format!("expected a JSON object in the string, got {}", describe(&other)),
                    ));
                    return None;
                }
                // serde_json's position is safe to show; the text itself may hold credentials.
                Err(e) => {
                    let message = format!("is not valid JSON (line {}, column {})", e.line(), e.column());
                    errors.push(FieldError::invalid(path.to_string(), message));
                    return None;
                }
            },
            other => {
                errors.push(FieldError::invalid(
                    path,
                    format!("expected a JSON object or a string holding one, got {}", describe(&other)),
                ));
                return None;
            }
        };
        let tts_type = read_tts_type(&map, path, errors)?;
        Some(match tts_type {
            "tencent" => CustomTtsConfig::Tencent(read_vendor(map, path, errors)),
            "minimax" => CustomTtsConfig::Minimax(read_vendor(map, path, errors)),
            "volcengine" => CustomTtsConfig::Volcengine(read_vendor(map, path, errors)),
            "azure" => CustomTtsConfig::Azure(read_vendor(map, path, errors)),
            _ => CustomTtsConfig::Custom(read_vendor(map, path, errors)),
        })
    }

    /// The vendor's rules, collecting problems in `c`. Returns the normalised config (closed sets in canonical
    /// case) when that differs from this one.
    pub(crate) fn check(&self, path: At<'_>, c: &mut Checker) -> Option<CustomTtsConfig> {
        match self {
            CustomTtsConfig::Tencent(t) => t.check_fields(path, c).map(CustomTtsConfig::Tencent),
            CustomTtsConfig::Minimax(m) => m.check_fields(path, c).map(CustomTtsConfig::Minimax),
            CustomTtsConfig::Volcengine(v) => v.check_fields(path, c).map(CustomTtsConfig::Volcengine),
            CustomTtsConfig::Azure(a) => a.check_fields(path, c).map(CustomTtsConfig::Azure),
            CustomTtsConfig::Custom(h) => h.check_fields(path, c).map(CustomTtsConfig::Custom),
        }
    }
}

/// One vendor's settings; keys in any spelling, settings the model does not know kept.
fn read_vendor<R: Record>(map: Map<String, Value>, path: At<'_>, errors: &mut Vec<FieldError>) -> R {
    let f = &mut Fields::open(map, path, R::names(), Spelling::Any, errors);
    R::read_fields(f)
}

/// The canonical `TTSType`, or `None` once the problem is reported.
fn read_tts_type(map: &Map<String, Value>, path: At<'_>, errors: &mut Vec<FieldError>) -> Option<&'static str> {
    let at = path.key(TTS_TYPE);
    let given = ["TTSType", "tts_type", "ttsType"].iter().find_map(|k| map.get(*k).filter(|v| !v.is_null()));
    let Some(given) = given else {
        errors.push(FieldError::missing(at, format!("required: one of {}", TTS_TYPES.join(", "))));
        return None;
    };
    let Value::String(name) = given else {
        errors.push(FieldError::invalid(at, format!("expected a string, got {}", describe(given))));
        return None;
    };
    // The original page misspells the type once as "minixmax"; accept what people copied from it.
    let lower = name.to_ascii_lowercase();
    let wanted = if lower == "minixmax" { "minimax" } else { lower.as_str() };
    let found = TTS_TYPES.iter().copied().find(|t| *t == wanted);
    if found.is_none() {
        let hint = suggest(name, &TTS_TYPES).map(|h| format!("; did you mean \"{h}\"?")).unwrap_or_default();
        errors.push(FieldError::invalid(at, format!("must be one of {}{hint}", TTS_TYPES.join(", "))));
    }
    found
}

crate::schema::serialize_nested!(TencentTts, MinimaxTts, VolcengineTts, AzureTts, CustomHttpTts);

/// The JSON object sent (as a string) for `CustomTTSConfig`: `TTSType` first, then the vendor's fields.
impl serde::Serialize for CustomTtsConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut sink = crate::schema::MapSink(s.serialize_map(None)?);
        sink.0.serialize_entry(TTS_TYPE, self.tts_type())?;
        match self {
            CustomTtsConfig::Tencent(t) => t.write_fields(false, &mut sink)?,
            CustomTtsConfig::Minimax(m) => m.write_fields(false, &mut sink)?,
            CustomTtsConfig::Volcengine(v) => v.write_fields(false, &mut sink)?,
            CustomTtsConfig::Azure(a) => a.write_fields(false, &mut sink)?,
            CustomTtsConfig::Custom(h) => h.write_fields(false, &mut sink)?,
        }
        sink.0.end()
    }
}

impl fmt::Debug for CustomTtsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomTtsConfig::Tencent(t) => f.debug_tuple("Tencent").field(t).finish(),
            CustomTtsConfig::Minimax(m) => f.debug_tuple("Minimax").field(m).finish(),
            CustomTtsConfig::Volcengine(v) => f.debug_tuple("Volcengine").field(v).finish(),
            CustomTtsConfig::Azure(a) => f.debug_tuple("Azure").field(a).finish(),
            CustomTtsConfig::Custom(h) => f.debug_tuple("Custom").field(h).finish(),
        }
    }
}

/// The request's `CustomTTSConfig` field.
impl Field for Option<CustomTtsConfig> {
    const TYPE: Type = Type::TtsConfig;
    const PRESENCE: Presence = Presence::Optional;

    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self {
        let value = f.take(spec.wire)?;
        let at = f.at();
        CustomTtsConfig::read(value, at.key(spec.wire), f.errors)
    }

    fn check(&self, at: At<'_>, _spec: &'static FieldSpec, c: &mut Checker) -> Option<Self> {
        self.as_ref()?.check(at, c).map(Some)
    }

    fn show(&self, _spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }

    fn same(&self, _other: &Self) -> bool {
        false
    }

    fn write<S: Sink>(&self, key: &'static str, _top: bool, sink: &mut S) -> Result<(), S::Error> {
        match self {
            Some(config) => sink.entry(key, &config.to_json_string()),
            None => Ok(()),
        }
    }
}
