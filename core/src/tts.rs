//! `CustomTTSConfig`: one typed variant per `TTSType` (API.md section 2).
//!
//! The service takes this parameter as a JSON *string*. It is written with `TTSType` first and then the fields
//! in the documented order, so the same config always becomes the same bytes (and the same signature).
//! Credentials (`SecretId`, `SecretKey`, `APIKey`, `Token`, `SubscriptionKey`) print as `***` in `Debug`.

use crate::field::{At, FieldError};
use crate::redact::UnknownFields;
use crate::request::input::{describe, suggest, Fields, Names, Spelling};
use crate::request::{shown_url, Redacted};
use crate::validate::Checker;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// The documented `TTSType` values.
pub const TTS_TYPES: [&str; 5] = ["tencent", "minimax", "volcengine", "azure", "custom"];

/// A custom TTS vendor and its settings.
#[derive(Clone, PartialEq, Serialize)]
#[serde(tag = "TTSType", rename_all = "lowercase")]
pub enum CustomTtsConfig {
    Tencent(TencentTts),
    Minimax(MinimaxTts),
    Volcengine(VolcengineTts),
    Azure(AzureTts),
    Custom(CustomHttpTts),
}

/// Tencent Cloud TTS.
#[derive(Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TencentTts {
    pub app_id: String,
    pub secret_id: String,
    pub secret_key: String,
    /// Voice id from the Tencent TTS voice list, e.g. 101001.
    pub voice_type: u64,
    /// -2 to 6 (0 = 1.0x, 6 = 2.5x), at most two decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// 0 to 10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<u64>,
    /// 1 Chinese (default), 2 English, 3 Japanese.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_language: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fast_voice_type: Option<String>,
    /// Fields this SDK does not know, sent as given after the known ones: the vendor may take more than API.md
    /// lists. `Debug` shows only values known to be harmless.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// MiniMax TTS.
#[derive(Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MinimaxTts {
    /// e.g. `speech-01-turbo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// e.g. `https://api.minimax.chat/v1/t2a_v2`.
    #[serde(rename = "APIUrl", skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    #[serde(rename = "APIKey")]
    pub api_key: String,
    pub group_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Fields this SDK does not know, sent as given after the known ones: the vendor may take more than API.md
    /// lists. `Debug` shows only values known to be harmless.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Volcano Engine TTS.
#[derive(Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolcengineTts {
    pub app_id: String,
    pub token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<f64>,
    /// Default `volcano_tts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice_type: Option<String>,
    /// Fields this SDK does not know, sent as given after the known ones: the vendor may take more than API.md
    /// lists. `Debug` shows only values known to be harmless.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Azure Speech TTS.
#[derive(Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AzureTts {
    pub subscription_key: String,
    /// e.g. `chinanorth3`.
    pub region: String,
    /// e.g. `zh-CN-XiaoxiaoNeural`.
    pub voice_name: String,
    /// e.g. `zh-CN`.
    pub language: String,
    /// 0.5 to 2 (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Fields this SDK does not know, sent as given after the known ones: the vendor may take more than API.md
    /// lists. `Debug` shows only values known to be harmless.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Your own TTS service over HTTP (`TTSType` `custom`).
#[derive(Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomHttpTts {
    #[serde(rename = "APIKey")]
    pub api_key: String,
    #[serde(rename = "APIUrl")]
    pub api_url: String,
    /// `pcm` or `wav` (default `wav`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_format: Option<String>,
    /// Default 16000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<u64>,
    /// 1 or 2 (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_channel: Option<u64>,
    /// Fields this SDK does not know, sent as given after the known ones: the vendor may take more than API.md
    /// lists. `Debug` shows only values known to be harmless.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

// Each vendor's fields, and `TTSType` (read first, but a key of the same object).
pub(crate) static TENCENT: Names = Names::new(&[
    "AppId",
    "SecretId",
    "SecretKey",
    "VoiceType",
    "Speed",
    "Volume",
    "PrimaryLanguage",
    "FastVoiceType",
    TTS_TYPE,
]);
pub(crate) static MINIMAX: Names =
    Names::new(&["Model", "APIUrl", "APIKey", "GroupId", "VoiceType", "Speed", TTS_TYPE]);
pub(crate) static VOLCENGINE: Names =
    Names::new(&["AppId", "Token", "Speed", "Volume", "Cluster", "VoiceType", TTS_TYPE]);
pub(crate) static AZURE: Names = Names::new(&["SubscriptionKey", "Region", "VoiceName", "Language", "Rate", TTS_TYPE]);
pub(crate) static CUSTOM: Names =
    Names::new(&["APIKey", "APIUrl", "AudioFormat", "SampleRate", "AudioChannel", TTS_TYPE]);
const TTS_TYPE: &str = "TTSType";

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
        let names = match tts_type {
            "tencent" => &TENCENT,
            "minimax" => &MINIMAX,
            "volcengine" => &VOLCENGINE,
            "azure" => &AZURE,
            _ => &CUSTOM,
        };
        let f = &mut Fields::open(map, path, names, Spelling::Any, errors);
        f.take(TTS_TYPE);
        let extra = f.take_unknown();
        if !extra.is_empty() {
            // Keys only: values may be credentials.
            let keys: Vec<&str> = extra.keys().take(20).map(String::as_str).collect();
            log::debug!(
                target: "ccc_aicall",
                "CustomTTSConfig ({tts_type}): sending {} field(s) this SDK does not know as given: {}",
                extra.len(),
                keys.join(", ")
            );
        }
        Some(match tts_type {
            "tencent" => {
                if !f.has("VoiceType") {
                    let message =
                        format!("required: a Tencent TTS voice id, e.g. 101001{}", misspelt("VoiceType", &extra));
                    f.errors.push(FieldError::missing(f.path("VoiceType"), message));
                }
                CustomTtsConfig::Tencent(TencentTts {
                    app_id: f.string("AppId").unwrap_or_default(),
                    secret_id: f.string("SecretId").unwrap_or_default(),
                    secret_key: f.string("SecretKey").unwrap_or_default(),
                    voice_type: f.u64("VoiceType").unwrap_or(0),
                    speed: f.f64("Speed"),
                    volume: f.u64("Volume"),
                    primary_language: f.u64("PrimaryLanguage"),
                    fast_voice_type: f.string("FastVoiceType"),
                    extra,
                })
            }
            "minimax" => CustomTtsConfig::Minimax(MinimaxTts {
                model: f.string("Model"),
                api_url: f.string("APIUrl"),
                api_key: f.string("APIKey").unwrap_or_default(),
                group_id: f.string("GroupId").unwrap_or_default(),
                voice_type: f.string("VoiceType"),
                speed: f.f64("Speed"),
                extra,
            }),
            "volcengine" => CustomTtsConfig::Volcengine(VolcengineTts {
                app_id: f.string("AppId").unwrap_or_default(),
                token: f.string("Token").unwrap_or_default(),
                speed: f.f64("Speed"),
                volume: f.f64("Volume"),
                cluster: f.string("Cluster"),
                voice_type: f.string("VoiceType"),
                extra,
            }),
            "azure" => CustomTtsConfig::Azure(AzureTts {
                subscription_key: f.string("SubscriptionKey").unwrap_or_default(),
                region: f.string("Region").unwrap_or_default(),
                voice_name: f.string("VoiceName").unwrap_or_default(),
                language: f.string("Language").unwrap_or_default(),
                rate: f.f64("Rate"),
                extra,
            }),
            _ => CustomTtsConfig::Custom(CustomHttpTts {
                api_key: f.string("APIKey").unwrap_or_default(),
                api_url: f.string("APIUrl").unwrap_or_default(),
                audio_format: f.string("AudioFormat"),
                sample_rate: f.u64("SampleRate"),
                audio_channel: f.u64("AudioChannel"),
                extra,
            }),
        })
    }

    /// The vendor rules, collecting problems in `c`. Returns the normalised config (closed sets in canonical
    /// case) when that differs from this one. Required fields and ranges are the original page's (API.md section
    /// 2, "CustomTTSConfig"); fields this SDK does not know are the vendor's business.
    pub(crate) fn check(&self, path: At<'_>, c: &mut Checker) -> Option<CustomTtsConfig> {
        let at = |name| path.key(name);
        let mut normalised = None;
        match self {
            CustomTtsConfig::Tencent(t) => {
                // Required: AppId, SecretId, SecretKey, VoiceType (checked when read: 0 is no voice).
                c.required_name(at("AppId"), &t.app_id);
                c.secret(at("SecretId"), &t.secret_id);
                c.secret(at("SecretKey"), &t.secret_key);
                if let Some(speed) = t.speed {
                    // [-2, 6], "you can retain two decimal places".
                    c.range_f64(at("Speed"), speed, -2.0, 6.0);
                    if speed.is_finite() && ((speed * 100.0).round() - speed * 100.0).abs() > 1e-6 {
                        c.invalid(at("Speed"), "allows at most two decimals (e.g. 1.25)");
                    }
                }
                if let Some(volume) = t.volume {
                    // [0, 10].
                    c.range_u64(at("Volume"), volume, 0, 10);
                }
                if let Some(lang) = t.primary_language {
                    // 1 Chinese, 2 English, 3 Japanese.
                    c.range_u64(at("PrimaryLanguage"), lang, 1, 3);
                }
                c.optional_name(at("FastVoiceType"), t.fast_voice_type.as_deref());
            }
            CustomTtsConfig::Minimax(m) => {
                c.optional_name(at("Model"), m.model.as_deref());
                if let Some(url) = &m.api_url {
                    c.http_url(at("APIUrl"), url);
                }
                // MiniMax's TTS API authenticates every request with both.
                c.secret(at("APIKey"), &m.api_key);
                c.required_name(at("GroupId"), &m.group_id);
                c.optional_name(at("VoiceType"), m.voice_type.as_deref());
                if let Some(speed) = m.speed {
                    // A playback rate: 0 or less plays nothing.
                    c.positive_f64(at("Speed"), speed);
                }
            }
            CustomTtsConfig::Volcengine(v) => {
                // Required: AppId, Token.
                c.required_name(at("AppId"), &v.app_id);
                c.secret(at("Token"), &v.token);
                // A playback rate and a gain (default 1.0 each): 0 or less plays nothing.
                if let Some(speed) = v.speed {
                    c.positive_f64(at("Speed"), speed);
                }
                if let Some(volume) = v.volume {
                    c.positive_f64(at("Volume"), volume);
                }
                c.optional_name(at("Cluster"), v.cluster.as_deref());
                c.optional_name(at("VoiceType"), v.voice_type.as_deref());
            }
            CustomTtsConfig::Azure(a) => {
                // Required: SubscriptionKey, Region, VoiceName, Language; Rate 0.5-2.
                c.secret(at("SubscriptionKey"), &a.subscription_key);
                c.required_name(at("Region"), &a.region);
                c.required_name(at("VoiceName"), &a.voice_name);
                c.required_name(at("Language"), &a.language);
                if let Some(rate) = a.rate {
                    c.range_f64(at("Rate"), rate, 0.5, 2.0);
                }
            }
            CustomTtsConfig::Custom(h) => {
                // Required: APIKey, APIUrl; AudioFormat "currently only pcm and wav"; AudioChannel 1 or 2.
                c.secret(at("APIKey"), &h.api_key);
                if c.required_name(at("APIUrl"), &h.api_url) {
                    c.http_url(at("APIUrl"), &h.api_url);
                }
                if let Some(format) = &h.audio_format {
                    if let Some(canonical) = c.one_of(at("AudioFormat"), format, &["pcm", "wav"]) {
                        if canonical != format {
                            let audio_format = Some(canonical.to_string());
                            normalised = Some(CustomTtsConfig::Custom(CustomHttpTts { audio_format, ..h.clone() }));
                        }
                    }
                }
                if let Some(rate) = h.sample_rate {
                    // Samples per second: 0 is no audio.
                    c.range_u64(at("SampleRate"), rate, 1, u64::MAX);
                }
                if let Some(channels) = h.audio_channel {
                    c.range_u64(at("AudioChannel"), channels, 1, 2);
                }
            }
        }
        let (names, extra) = self.unknown_fields();
        for (key, value) in extra {
            if names.resolve(key, Spelling::Any).is_some() {
                // Only a struct built in Rust gets here (reading sorts known keys out): it would be sent twice.
                c.invalid(path.key(key), "is a field of this vendor's: set it directly, not among the unknown fields");
            } else {
                c.raw_depth(path.key(key), value, 0);
            }
        }
        for name in names.names.iter().filter(|n| **n != TTS_TYPE) {
            let hint = misspelt(name, extra);
            if !hint.is_empty() {
                c.amend_missing(&path.key(name).to_string(), &hint);
            }
        }
        normalised
    }

    /// This vendor's field names, and the fields given that are not among them.
    fn unknown_fields(&self) -> (&'static Names, &Map<String, Value>) {
        match self {
            CustomTtsConfig::Tencent(t) => (&TENCENT, &t.extra),
            CustomTtsConfig::Minimax(m) => (&MINIMAX, &m.extra),
            CustomTtsConfig::Volcengine(v) => (&VOLCENGINE, &v.extra),
            CustomTtsConfig::Azure(a) => (&AZURE, &a.extra),
            CustomTtsConfig::Custom(h) => (&CUSTOM, &h.extra),
        }
    }
}

/// For a required field that is missing: `; "SecretKy" was given: a misspelling of it?` when an unknown key is
/// close to its name, otherwise nothing. (Unknown keys are sent as given, so a misspelt optional field goes out
/// unnoticed; a misspelt required one is caught here.)
fn misspelt(name: &'static str, extra: &Map<String, Value>) -> String {
    extra
        .keys()
        .find(|key| suggest(key, &[name]).is_some())
        .map(|key| format!("; {key:?} was given: a misspelling of it?"))
        .unwrap_or_default()
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

/// `serialize_with` for the request's `CustomTTSConfig`: the service takes it as a JSON string.
pub(crate) fn serialize_as_string<S: Serializer>(config: &Option<CustomTtsConfig>, s: S) -> Result<S::Ok, S::Error> {
    match config {
        Some(config) => s.serialize_str(&config.to_json_string()),
        None => s.serialize_none(),
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

fn secret(s: &str) -> Redacted {
    Redacted(!s.is_empty())
}

impl fmt::Debug for TencentTts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentTts")
            .field("app_id", &self.app_id)
            .field("secret_id", &secret(&self.secret_id))
            .field("secret_key", &secret(&self.secret_key))
            .field("voice_type", &self.voice_type)
            .field("speed", &self.speed)
            .field("volume", &self.volume)
            .field("primary_language", &self.primary_language)
            .field("fast_voice_type", &self.fast_voice_type)
            .field("extra", &UnknownFields(&self.extra))
            .finish()
    }
}

impl fmt::Debug for MinimaxTts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MinimaxTts")
            .field("model", &self.model)
            .field("api_url", &self.api_url.as_deref().map(shown_url))
            .field("api_key", &secret(&self.api_key))
            .field("group_id", &self.group_id)
            .field("voice_type", &self.voice_type)
            .field("speed", &self.speed)
            .field("extra", &UnknownFields(&self.extra))
            .finish()
    }
}

impl fmt::Debug for VolcengineTts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VolcengineTts")
            .field("app_id", &self.app_id)
            .field("token", &secret(&self.token))
            .field("speed", &self.speed)
            .field("volume", &self.volume)
            .field("cluster", &self.cluster)
            .field("voice_type", &self.voice_type)
            .field("extra", &UnknownFields(&self.extra))
            .finish()
    }
}

impl fmt::Debug for AzureTts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureTts")
            .field("subscription_key", &secret(&self.subscription_key))
            .field("region", &self.region)
            .field("voice_name", &self.voice_name)
            .field("language", &self.language)
            .field("rate", &self.rate)
            .field("extra", &UnknownFields(&self.extra))
            .finish()
    }
}

impl fmt::Debug for CustomHttpTts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomHttpTts")
            .field("api_key", &secret(&self.api_key))
            .field("api_url", &shown_url(&self.api_url))
            .field("audio_format", &self.audio_format)
            .field("sample_rate", &self.sample_rate)
            .field("audio_channel", &self.audio_channel)
            .field("extra", &UnknownFields(&self.extra))
            .finish()
    }
}
