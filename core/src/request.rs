//! `CreateAiCallRequest`, its nested types, and their wire form (API.md section 2).
//!
//! Required parameters are plain values (`0` / `""` mean "not set") so the easy way to build a request is a
//! struct literal ending in `..Default::default()`; everything optional is an `Option`, and `None` is left off
//! the wire. Validation and normalisation live in `validate.rs`, loose-input parsing in `request/input.rs`.

pub(crate) mod input;

pub use input::{unconvertible, Step, Unconvertible};

use crate::field::{FieldError, KeyCase};
use crate::tts::CustomTtsConfig;
use crate::validate::ValidationContext;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

/// The 44 wire parameter names of `CreateAICall`, in the order of API.md section 2.
pub const PARAMETERS: [&str; 44] = [
    "SdkAppId",
    "Callee",
    "LLMType",
    "APIKey",
    "APIUrl",
    "SystemPrompt",
    "Model",
    "VoiceType",
    "Callers",
    "WelcomeMessage",
    "WelcomeType",
    "WelcomeMessagePriority",
    "MaxDuration",
    "Languages",
    "InterruptMode",
    "InterruptSpeechDuration",
    "EndFunctionEnable",
    "EndFunctionDesc",
    "TransferFunctionEnable",
    "TransferItems",
    "TransferToAgentEnable",
    "TransferToAgentItems",
    "NotifyDuration",
    "NotifyMessage",
    "NotifyMaxCount",
    "CustomTTSConfig",
    "PromptVariables",
    "VadSilenceTime",
    "ExtractConfig",
    "Temperature",
    "Variables",
    "TopP",
    "VadLevel",
    "ToneWord",
    "EnableComplianceAudio",
    "EnableVoicemailDetection",
    "VoicemailAction",
    "LLMExtraBody",
    "MaxCallDurationMs",
    "MaxRingTimeoutSecond",
    "AmbientSoundType",
    "AmbientSoundVolume",
    "AcquireTimeoutSecond",
    "CustomSTTConfig",
];

/// The input-only key that carries raw wire parameters the model does not know yet (`extra`).
pub const EXTRA_PARAMS: &str = "ExtraParams";

/// For a keyword a caller passed (`llm_typ` in Python): `None` when it names a parameter (or `ExtraParams`) in the
/// caller's `case`, otherwise `Some` of the closest known name in that case, if any is close. Bindings use this to
/// refuse unknown keywords the way their language does (a `TypeError` in Python).
pub fn unknown_keyword(key: &str, case: KeyCase) -> Option<Option<String>> {
    // The table also takes wire names, which only count here in `KeyCase::Wire`. A key cannot be both a wire
    // name (upper-case first letter) and another name's snake or camel spelling (lower-case first letter), so
    // checking the one name found is exact.
    if input::TOP_LEVEL.resolve(key, input::Spelling::Caller(case)).is_some_and(|wire| case.is_key_of(key, wire)) {
        return None;
    }
    let names: Vec<String> = PARAMETERS.iter().chain([&EXTRA_PARAMS]).map(|p| case.key(p)).collect();
    Some(crate::field::closest(key, names.iter().map(String::as_str)).map(String::from))
}

/// One `CreateAICall` request. See API.md section 2 for each parameter; units are noted where the service is
/// inconsistent.
#[derive(Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAiCallRequest {
    /// The CCC application id (required; `0` means not set).
    #[serde(skip_serializing_if = "is_zero")]
    pub sdk_app_id: u64,
    /// The number to call (required), e.g. `008613012345678`; `+8613012345678` is rewritten to `00...`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub callee: String,
    /// The LLM protocol (required): `openai`, `azure`, `minimax` or `dify`.
    #[serde(rename = "LLMType", skip_serializing_if = "String::is_empty")]
    pub llm_type: String,
    /// The LLM provider's API key (required). Secret: `Debug` prints `***`.
    #[serde(rename = "APIKey", skip_serializing_if = "String::is_empty")]
    pub api_key: String,
    /// The LLM base URL (required); for `azure` it carries `?api-version=...`.
    #[serde(rename = "APIUrl", skip_serializing_if = "String::is_empty")]
    pub api_url: String,
    /// Required for `openai`, `azure` and `minimax`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// Required for `openai`, `azure` and `minimax`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// A built-in voice (`ZhiMei`, `WeRose`, ...); not together with `custom_tts_config`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice_type: Option<String>,
    /// Caller-ID numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub welcome_message: Option<String>,
    /// 0: speak `welcome_message` (the callee speaks first if it is empty); 1: the LLM greets first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub welcome_type: Option<u64>,
    /// 0: the greeting can be interrupted (default); 2: it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub welcome_message_priority: Option<u64>,
    /// Milliseconds of *user silence* before hanging up (default 60 000). Not the call length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<u64>,
    /// ASR languages, 1 to 4, the first is the primary one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<String>>,
    /// 0: barge-in allowed (default); 1: no interruption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupt_mode: Option<u64>,
    /// Milliseconds of speech that interrupt the agent (default 500).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupt_speech_duration: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_function_enable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_function_desc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_function_enable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_items: Option<Vec<AiTransferItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_to_agent_enable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_to_agent_items: Option<Vec<TransferToAgentItem>>,
    /// *Seconds* of silence before a nudge (minimum 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_duration: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_message: Option<String>,
    /// Maximum number of nudges (default unlimited).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_max_count: Option<u64>,
    /// Your own TTS vendor; sent as a JSON *string*. Its credentials print as `***`.
    #[serde(
        rename = "CustomTTSConfig",
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::tts::serialize_as_string"
    )]
    pub custom_tts_config: Option<CustomTtsConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_variables: Option<Vec<Variable>>,
    /// ASR VAD silence in milliseconds, 240 to 2000 (default 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vad_silence_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extract_config: Option<Vec<ExtractConfigElement>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<Vec<Variable>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Far-field voice suppression, 0 to 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vad_level: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tone_word: Option<ToneWord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_compliance_audio: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_voicemail_detection: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voicemail_action: Option<u64>,
    /// Extra fields for the LLM request body: a JSON string holding an object.
    #[serde(rename = "LLMExtraBody", skip_serializing_if = "Option::is_none")]
    pub llm_extra_body: Option<String>,
    /// Hard cap on the call length, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_call_duration_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ring_timeout_second: Option<u64>,
    /// `coffee_shops` or `busy_office`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ambient_sound_type: Option<String>,
    /// 0 to 2 (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ambient_sound_volume: Option<f64>,
    /// Seconds to queue when agent concurrency is exhausted, 0 to 5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acquire_timeout_second: Option<u64>,
    /// Custom STT configuration string. Secret as a whole: `Debug` prints `***`.
    #[serde(rename = "CustomSTTConfig", skip_serializing_if = "Option::is_none")]
    pub custom_stt_config: Option<String>,
    /// Raw wire parameters the service added after this model (PascalCase keys, sent as they are).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `AITransferItem`: a transfer-to-human tool.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AiTransferItem {
    pub transfer_function_name: String,
    pub transfer_function_desc: String,
    pub transfer_skill_group_id: u64,
}

/// `TransferToAgentItem`: a transfer-to-another-AI-agent tool.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransferToAgentItem {
    pub transfer_to_agent_name: String,
    pub transfer_to_agent_desc: String,
    pub transfer_to_agent_id: u64,
}

/// `Variable`: one key/value pair for `Variables` or `PromptVariables`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Variable {
    pub key: String,
    pub value: String,
}

/// `AICallExtractConfigElement`: one piece of information to extract after the call.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExtractConfigElement {
    /// `Text`, `Selector`, `Boolean` or `Number`.
    pub info_type: String,
    /// Unique within the list.
    pub info_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info_content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub examples: Option<Vec<String>>,
    /// Required when `info_type` is `Selector`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
}

/// `ToneWordInfo`: filler words played while the LLM is slow to answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ToneWord {
    /// Seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_sentence_timeout: Option<f64>,
    #[serde(rename = "ZHToneWords", skip_serializing_if = "Option::is_none")]
    pub zh_tone_words: Option<ZhToneWords>,
}

/// `ZHToneWords`: Chinese filler words by mood.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ZhToneWords {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neutral: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative: Option<Vec<String>>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Prints `***` in place of a secret that is set, so `{:?}` of a request is safe to log.
pub(crate) struct Redacted(pub(crate) bool);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "\"***\"" } else { "\"\"" })
    }
}

/// A URL as `Debug` shows it (keys in its query or user info as `***`); empty stays empty.
pub(crate) fn shown_url(url: &str) -> String {
    if url.is_empty() {
        String::new()
    } else {
        crate::redact::url(url)
    }
}

/// Like [`Redacted`] for an optional secret.
fn redacted_opt(secret: &Option<String>) -> Option<Redacted> {
    secret.as_ref().map(|s| Redacted(!s.is_empty()))
}

impl fmt::Debug for CreateAiCallRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateAiCallRequest")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("callee", &self.callee)
            .field("llm_type", &self.llm_type)
            .field("api_key", &Redacted(!self.api_key.is_empty()))
            .field("api_url", &shown_url(&self.api_url))
            .field("system_prompt", &self.system_prompt)
            .field("model", &self.model)
            .field("voice_type", &self.voice_type)
            .field("callers", &self.callers)
            .field("welcome_message", &self.welcome_message)
            .field("welcome_type", &self.welcome_type)
            .field("welcome_message_priority", &self.welcome_message_priority)
            .field("max_duration", &self.max_duration)
            .field("languages", &self.languages)
            .field("interrupt_mode", &self.interrupt_mode)
            .field("interrupt_speech_duration", &self.interrupt_speech_duration)
            .field("end_function_enable", &self.end_function_enable)
            .field("end_function_desc", &self.end_function_desc)
            .field("transfer_function_enable", &self.transfer_function_enable)
            .field("transfer_items", &self.transfer_items)
            .field("transfer_to_agent_enable", &self.transfer_to_agent_enable)
            .field("transfer_to_agent_items", &self.transfer_to_agent_items)
            .field("notify_duration", &self.notify_duration)
            .field("notify_message", &self.notify_message)
            .field("notify_max_count", &self.notify_max_count)
            .field("custom_tts_config", &self.custom_tts_config)
            .field("prompt_variables", &self.prompt_variables)
            .field("vad_silence_time", &self.vad_silence_time)
            .field("extract_config", &self.extract_config)
            .field("temperature", &self.temperature)
            .field("variables", &self.variables)
            .field("top_p", &self.top_p)
            .field("vad_level", &self.vad_level)
            .field("tone_word", &self.tone_word)
            .field("enable_compliance_audio", &self.enable_compliance_audio)
            .field("enable_voicemail_detection", &self.enable_voicemail_detection)
            .field("voicemail_action", &self.voicemail_action)
            .field("llm_extra_body", &self.llm_extra_body.as_deref().map(crate::redact::json_text))
            .field("max_call_duration_ms", &self.max_call_duration_ms)
            .field("max_ring_timeout_second", &self.max_ring_timeout_second)
            .field("ambient_sound_type", &self.ambient_sound_type)
            .field("ambient_sound_volume", &self.ambient_sound_volume)
            .field("acquire_timeout_second", &self.acquire_timeout_second)
            .field("custom_stt_config", &redacted_opt(&self.custom_stt_config))
            .field("extra", &crate::redact::RawMap(&self.extra))
            .finish()
    }
}

impl CreateAiCallRequest {
    /// Build a request from loose JSON, as the bindings and the emulator receive it.
    ///
    /// Keys may be spelled in the caller's `case` or in the wire's PascalCase; `extra_params` / `extraParams` /
    /// `ExtraParams` fills [`CreateAiCallRequest::extra`]; `null` means "not set". This only checks shapes and
    /// types: call [`CreateAiCallRequest::validate`] (or `to_wire`) for the rules. When parsing fails, the errors
    /// also include every rule broken by the fields that did parse, so a caller sees all problems at once.
    pub fn from_value(value: Value, case: KeyCase) -> Result<Self, Vec<FieldError>> {
        let Value::Object(map) = value else {
            let message = format!("expected an object of request parameters, got {}", input::describe(&value));
            return Err(vec![FieldError::invalid("", message)]);
        };
        let mut errors = Vec::new();
        let request = input::read_request(map, case, &mut errors);
        if errors.is_empty() {
            return Ok(request);
        }
        // The caller's default country code is not known here: a number without one is not reported.
        let (_, broken) = crate::validate::check(&request, crate::validate::National::Unknown);
        let independent: Vec<FieldError> =
            broken.into_iter().filter(|rule| !caused_by_parse_error(rule, &errors)).collect();
        errors.extend(independent);
        crate::validate::sort_by_parameter(&mut errors);
        Err(errors)
    }

    /// Validate, normalise (phone numbers, canonical voice and language spellings) and serialise to the wire's
    /// parameters: `CustomTTSConfig` as a JSON string, `extra` merged in. No default country code.
    pub fn to_wire(&self) -> Result<Map<String, Value>, Vec<FieldError>> {
        self.to_wire_with(&ValidationContext::default())
    }

    /// [`CreateAiCallRequest::to_wire`] in a context (e.g. the client's default country code).
    pub fn to_wire_with(&self, context: &ValidationContext) -> Result<Map<String, Value>, Vec<FieldError>> {
        let normalised = self.normalised(context)?;
        if let Some(problem) = crate::validate::too_large(wire_len(&normalised)) {
            return Err(vec![problem]);
        }
        match serde_json::to_value(&normalised) {
            Ok(Value::Object(mut wire)) => {
                // `null` in `extra` means "not set", as everywhere else.
                wire.retain(|_, v| !v.is_null());
                Ok(wire)
            }
            _ => Err(vec![FieldError::invalid("", "the request could not be serialised to JSON")]),
        }
    }

    /// The exact compact JSON body that is signed and sent: the parameters of [`CreateAiCallRequest::to_wire`],
    /// printed as that map prints them (keys in byte order, `null` left out), without building the map. No default
    /// country code.
    pub fn to_wire_body(&self) -> Result<String, Vec<FieldError>> {
        self.to_wire_body_with(&ValidationContext::default())
    }

    /// [`CreateAiCallRequest::to_wire_body`] in a context (e.g. the client's default country code).
    pub fn to_wire_body_with(&self, context: &ValidationContext) -> Result<String, Vec<FieldError>> {
        let normalised = self.normalised(context)?;
        let body = serde_json::to_string(&wire::Body(&normalised))
            .map_err(|_| vec![FieldError::invalid("", "the request could not be serialised to JSON")])?;
        match crate::validate::too_large(body.len()) {
            Some(problem) => Err(vec![problem]),
            None => Ok(body),
        }
    }
}

/// The length in bytes of the body [`CreateAiCallRequest::to_wire_body`] would write, without writing it.
pub(crate) fn wire_len(request: &CreateAiCallRequest) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing to a counter cannot fail; a value serde cannot write would fail the real serialisation too.
    let _ = serde_json::to_writer(&mut count, &wire::Body(request));
    count.0
}

/// The wire body written straight from the typed request. `to_wire` goes through a `serde_json::Map`, which
/// orders keys bytewise at every level; the same order is spelled out here, field by field, and `extra` (also
/// in that order) is merged in. A test checks the bytes against the map's for every shared case. A field added
/// to the request must be added here too: the test's `everything()` names every field, so it does not compile
/// until the new one is set there, and then fails until it is written here.
mod wire {
    use super::{
        AiTransferItem, CreateAiCallRequest, ExtractConfigElement, ToneWord, TransferToAgentItem, Variable, ZhToneWords,
    };
    use serde::ser::{Serialize, SerializeMap, Serializer};
    use std::iter::Peekable;

    pub(super) struct Body<'a>(pub(super) &'a CreateAiCallRequest);

    /// A map whose entries are given in key order, with `extra`'s entries merged in at their places. As in the
    /// map `to_wire` builds, an `extra` key equal to a field's replaces it, and `null` entries are left out.
    struct Merged<'a, M> {
        map: M,
        extra: Peekable<serde_json::map::Iter<'a>>,
    }

    impl<'a, M: SerializeMap> Merged<'a, M> {
        fn field<T: Serialize>(&mut self, key: &'static str, value: Option<T>) -> Result<(), M::Error> {
            while let Some((k, v)) = self.extra.next_if(|(k, _)| k.as_str() <= key) {
                if !v.is_null() {
                    self.map.serialize_entry(k, v)?;
                }
                if k == key {
                    return Ok(());
                }
            }
            match value {
                Some(value) => self.map.serialize_entry(key, &value),
                None => Ok(()),
            }
        }

        fn end(mut self) -> Result<M::Ok, M::Error> {
            for (k, v) in self.extra {
                if !v.is_null() {
                    self.map.serialize_entry(k, v)?;
                }
            }
            self.map.end()
        }
    }

    fn text(s: &str) -> Option<&str> {
        Some(s).filter(|s| !s.is_empty())
    }

    /// A float that is not finite becomes `null` in a map, and so is left out at the top level.
    fn finite(n: Option<f64>) -> Option<f64> {
        n.filter(|n| n.is_finite())
    }

    impl Serialize for Body<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let r = self.0;
            let tts = r.custom_tts_config.as_ref().map(|c| c.to_json_string());
            let mut m = Merged { map: s.serialize_map(None)?, extra: r.extra.iter().peekable() };
            m.field("APIKey", text(&r.api_key))?;
            m.field("APIUrl", text(&r.api_url))?;
            m.field("AcquireTimeoutSecond", r.acquire_timeout_second.as_ref())?;
            m.field("AmbientSoundType", r.ambient_sound_type.as_ref())?;
            m.field("AmbientSoundVolume", finite(r.ambient_sound_volume))?;
            m.field("Callee", text(&r.callee))?;
            m.field("Callers", r.callers.as_ref())?;
            m.field("CustomSTTConfig", r.custom_stt_config.as_ref())?;
            m.field("CustomTTSConfig", tts.as_ref())?;
            m.field("EnableComplianceAudio", r.enable_compliance_audio.as_ref())?;
            m.field("EnableVoicemailDetection", r.enable_voicemail_detection.as_ref())?;
            m.field("EndFunctionDesc", r.end_function_desc.as_ref())?;
            m.field("EndFunctionEnable", r.end_function_enable.as_ref())?;
            m.field("ExtractConfig", r.extract_config.as_deref().map(List))?;
            m.field("InterruptMode", r.interrupt_mode.as_ref())?;
            m.field("InterruptSpeechDuration", r.interrupt_speech_duration.as_ref())?;
            m.field("LLMExtraBody", r.llm_extra_body.as_ref())?;
            m.field("LLMType", text(&r.llm_type))?;
            m.field("Languages", r.languages.as_ref())?;
            m.field("MaxCallDurationMs", r.max_call_duration_ms.as_ref())?;
            m.field("MaxDuration", r.max_duration.as_ref())?;
            m.field("MaxRingTimeoutSecond", r.max_ring_timeout_second.as_ref())?;
            m.field("Model", r.model.as_ref())?;
            m.field("NotifyDuration", r.notify_duration.as_ref())?;
            m.field("NotifyMaxCount", r.notify_max_count.as_ref())?;
            m.field("NotifyMessage", r.notify_message.as_ref())?;
            m.field("PromptVariables", r.prompt_variables.as_deref().map(List))?;
            m.field("SdkAppId", Some(r.sdk_app_id).filter(|id| *id != 0))?;
            m.field("SystemPrompt", r.system_prompt.as_ref())?;
            m.field("Temperature", finite(r.temperature))?;
            m.field("ToneWord", r.tone_word.as_ref().map(Sorted))?;
            m.field("TopP", finite(r.top_p))?;
            m.field("TransferFunctionEnable", r.transfer_function_enable.as_ref())?;
            m.field("TransferItems", r.transfer_items.as_deref().map(List))?;
            m.field("TransferToAgentEnable", r.transfer_to_agent_enable.as_ref())?;
            m.field("TransferToAgentItems", r.transfer_to_agent_items.as_deref().map(List))?;
            m.field("VadLevel", r.vad_level.as_ref())?;
            m.field("VadSilenceTime", r.vad_silence_time.as_ref())?;
            m.field("Variables", r.variables.as_deref().map(List))?;
            m.field("VoiceType", r.voice_type.as_ref())?;
            m.field("VoicemailAction", r.voicemail_action.as_ref())?;
            m.field("WelcomeMessage", r.welcome_message.as_ref())?;
            m.field("WelcomeMessagePriority", r.welcome_message_priority.as_ref())?;
            m.field("WelcomeType", r.welcome_type.as_ref())?;
            m.end()
        }
    }

    /// A nested object with its keys in byte order.
    struct Sorted<'a, T>(&'a T);

    /// A list of nested objects, each with its keys in byte order.
    struct List<'a, T>(&'a [T]);

    impl<'a, T> Serialize for List<'a, T>
    where
        Sorted<'a, T>: Serialize,
    {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(Sorted))
        }
    }

    /// Serialises the fields of one nested object, given in key order; `None` is left out.
    macro_rules! sorted {
        ($ty:ty, |$it:ident| [$($key:literal => $value:expr),+ $(,)?]) => {
            impl Serialize for Sorted<'_, $ty> {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let $it = self.0;
                    let mut map = s.serialize_map(None)?;
                    $(
                        if let Some(value) = $value {
                            map.serialize_entry($key, &value)?;
                        }
                    )+
                    map.end()
                }
            }
        };
    }

    sorted!(AiTransferItem, |t| [
        "TransferFunctionDesc" => Some(&t.transfer_function_desc),
        "TransferFunctionName" => Some(&t.transfer_function_name),
        "TransferSkillGroupId" => Some(&t.transfer_skill_group_id),
    ]);
    sorted!(TransferToAgentItem, |t| [
        "TransferToAgentDesc" => Some(&t.transfer_to_agent_desc),
        "TransferToAgentId" => Some(&t.transfer_to_agent_id),
        "TransferToAgentName" => Some(&t.transfer_to_agent_name),
    ]);
    sorted!(Variable, |v| ["Key" => Some(&v.key), "Value" => Some(&v.value)]);
    sorted!(ExtractConfigElement, |e| [
        "Choices" => e.choices.as_ref(),
        "Examples" => e.examples.as_ref(),
        "InfoContent" => e.info_content.as_ref(),
        "InfoName" => Some(&e.info_name),
        "InfoType" => Some(&e.info_type),
    ]);
    // Inside a nested object a float that is not finite stays, as `null`.
    sorted!(ToneWord, |t| [
        "FirstSentenceTimeout" => t.first_sentence_timeout.as_ref(),
        "ZHToneWords" => t.zh_tone_words.as_ref().map(Sorted),
    ]);
    sorted!(ZhToneWords, |w| [
        "Negative" => w.negative.as_ref(),
        "Neutral" => w.neutral.as_ref(),
        "Positive" => w.positive.as_ref(),
    ]);
}

/// A rule broken only because a field failed to parse (and so was left unset) would be noise: drop rule errors
/// at or under a field that failed, or that mention such a field.
fn caused_by_parse_error(rule: &FieldError, parse_errors: &[FieldError]) -> bool {
    parse_errors.iter().any(|p| {
        !p.path.is_empty()
            && (is_at_or_under(&rule.path, &p.path)
                || rule.message.split('`').skip(1).step_by(2).any(|mentioned| is_at_or_under(mentioned, &p.path)))
    })
}

/// `TransferItems[0].TransferSkillGroupId` is under `TransferItems[0]` and under `TransferItems`.
fn is_at_or_under(path: &str, ancestor: &str) -> bool {
    match path.strip_prefix(ancestor) {
        Some(rest) => rest.is_empty() || rest.starts_with('.') || rest.starts_with('['),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tts::TencentTts;

    /// What `to_wire_body` printed before it wrote the body directly: the map `to_wire` builds.
    fn through_map(request: &CreateAiCallRequest) -> String {
        let Ok(Value::Object(mut wire)) = serde_json::to_value(request) else { panic!("serialisable") };
        wire.retain(|_, v| !v.is_null());
        Value::Object(wire).to_string()
    }

    fn direct(request: &CreateAiCallRequest) -> String {
        serde_json::to_string(&wire::Body(request)).expect("serialisable")
    }

    /// Every field set, nested objects full, and `extra` keys before, between, after and on top of the fields.
    fn everything() -> CreateAiCallRequest {
        let words = |w: &str| Some(vec![w.to_string(), format!("{w} \"2\"")]);
        let mut extra = Map::new();
        for (k, v) in [
            ("AAA", Value::from(1)),
            ("APIKeyX", Value::from("between")),
            ("Callee", Value::from("replaces the field")),
            ("Model", Value::Null),
            ("NewThing", serde_json::json!({"b": [1, {"z": null, "a": "é"}], "a": 1.5})),
            ("Nothing", Value::Null),
            ("Zebra", Value::from(true)),
            ("a_lower", Value::from("after every upper-case key")),
        ] {
            extra.insert(k.to_string(), v);
        }
        CreateAiCallRequest {
            sdk_app_id: 1400000000,
            callee: "+86 130 1234 5678".into(),
            llm_type: "OpenAI".into(),
            api_key: "sk-\u{1}\"key\"".into(),
            api_url: "https://api.openai.com/v1/".into(),
            system_prompt: Some("多行\n提示 \u{2028} </script>".into()),
            model: Some("gpt-4o-mini".into()),
            voice_type: Some("zhimei".into()),
            callers: Some(vec!["0086123".into(), String::new()]),
            welcome_message: Some("你好".into()),
            welcome_type: Some(1),
            welcome_message_priority: Some(2),
            max_duration: Some(60000),
            languages: Some(vec!["zh".into(), "en".into()]),
            interrupt_mode: Some(0),
            interrupt_speech_duration: Some(500),
            end_function_enable: Some(true),
            end_function_desc: Some("end".into()),
            transfer_function_enable: Some(false),
            transfer_items: Some(vec![
                AiTransferItem {
                    transfer_function_name: "n".into(),
                    transfer_function_desc: "d".into(),
                    transfer_skill_group_id: 7,
                },
                AiTransferItem::default(),
            ]),
            transfer_to_agent_enable: Some(true),
            transfer_to_agent_items: Some(vec![TransferToAgentItem {
                transfer_to_agent_name: "a".into(),
                transfer_to_agent_desc: "b".into(),
                transfer_to_agent_id: u64::MAX,
            }]),
            notify_duration: Some(10),
            notify_message: Some("hello?".into()),
            notify_max_count: Some(3),
            custom_tts_config: Some(CustomTtsConfig::Tencent(TencentTts {
                app_id: "1".into(),
                secret_id: "id".into(),
                secret_key: "key".into(),
                voice_type: 101001,
                speed: Some(1.25),
                ..Default::default()
            })),
            prompt_variables: Some(vec![Variable { key: "k".into(), value: String::new() }]),
            vad_silence_time: Some(1000),
            extract_config: Some(vec![
                ExtractConfigElement {
                    info_type: "Selector".into(),
                    info_name: "n".into(),
                    info_content: Some("c".into()),
                    examples: Some(vec![]),
                    choices: Some(vec!["x".into()]),
                },
                ExtractConfigElement::default(),
            ]),
            temperature: Some(0.7),
            variables: Some(vec![Variable { key: "a".into(), value: "b".into() }]),
            top_p: Some(1e-7),
            vad_level: Some(3),
            tone_word: Some(ToneWord {
                first_sentence_timeout: Some(f64::NAN),
                zh_tone_words: Some(ZhToneWords { neutral: words("嗯"), positive: None, negative: words("唉") }),
            }),
            enable_compliance_audio: Some(false),
            enable_voicemail_detection: Some(true),
            voicemail_action: Some(0),
            llm_extra_body: Some("{\"max_tokens\": 256}".into()),
            max_call_duration_ms: Some(3_600_000),
            max_ring_timeout_second: Some(30),
            ambient_sound_type: Some("coffee_shops".into()),
            ambient_sound_volume: Some(f64::INFINITY),
            acquire_timeout_second: Some(5),
            custom_stt_config: Some("{}".into()),
            extra,
        }
    }

    #[test]
    fn the_body_is_written_as_the_map_printed_it() {
        let full = everything();
        assert_eq!(direct(&full), through_map(&full));
        assert_eq!(direct(&CreateAiCallRequest::default()), through_map(&CreateAiCallRequest::default()));
        let mut no_extra = everything();
        no_extra.extra.clear();
        no_extra.tone_word = Some(ToneWord::default());
        no_extra.temperature = Some(-0.0);
        assert_eq!(direct(&no_extra), through_map(&no_extra));
        let only_extra = CreateAiCallRequest { extra: everything().extra, ..Default::default() };
        assert_eq!(direct(&only_extra), through_map(&only_extra));
    }

    #[test]
    fn the_body_of_every_shared_case_is_unchanged() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/cases/requests.json");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read cases")).expect("parse");
        let mut checked = 0;
        for kind in ["valid", "invalid"] {
            for case in doc[kind].as_array().expect("cases") {
                for case_keys in [KeyCase::Wire, KeyCase::Snake, KeyCase::Camel] {
                    let Ok(request) = CreateAiCallRequest::from_value(case["input"].clone(), case_keys) else {
                        continue;
                    };
                    // Unvalidated, as given, and normalised when it is valid.
                    assert_eq!(direct(&request), through_map(&request), "{}", case["name"]);
                    if let Ok(normalised) = request.normalised(&ValidationContext::default()) {
                        assert_eq!(request.to_wire_body().expect("valid"), through_map(&normalised));
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked >= 22, "{checked}");
    }
}
