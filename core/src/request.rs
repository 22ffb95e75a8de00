//! `CreateAiCallRequest`, its nested types, and their wire form (API.md section 2).
//!
//! Required parameters are plain values (`0` / `""` mean "not set") so the easy way to build a request is a
//! struct literal ending in `..Default::default()`; everything optional is an `Option`, and `None` is left off
//! the wire. Validation and normalisation live in `validate.rs`, loose-input parsing in `request/input.rs`.

pub(crate) mod input;

use crate::field::{FieldError, KeyCase};
use crate::tts::CustomTtsConfig;
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
            .field("api_url", &self.api_url)
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
            .field("llm_extra_body", &self.llm_extra_body)
            .field("max_call_duration_ms", &self.max_call_duration_ms)
            .field("max_ring_timeout_second", &self.max_ring_timeout_second)
            .field("ambient_sound_type", &self.ambient_sound_type)
            .field("ambient_sound_volume", &self.ambient_sound_volume)
            .field("acquire_timeout_second", &self.acquire_timeout_second)
            .field("custom_stt_config", &redacted_opt(&self.custom_stt_config))
            .field("extra", &self.extra)
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
        let (_, broken) = crate::validate::check(&request);
        let independent: Vec<FieldError> =
            broken.into_iter().filter(|rule| !caused_by_parse_error(rule, &errors)).collect();
        errors.extend(independent);
        crate::validate::sort_by_parameter(&mut errors);
        Err(errors)
    }

    /// Validate, normalise (phone numbers, canonical voice and language spellings) and serialise to the wire's
    /// parameters: `CustomTTSConfig` as a JSON string, `extra` merged in.
    pub fn to_wire(&self) -> Result<Map<String, Value>, Vec<FieldError>> {
        let normalised = self.normalised()?;
        match serde_json::to_value(&normalised) {
            Ok(Value::Object(mut wire)) => {
                // `null` in `extra` means "not set", as everywhere else.
                wire.retain(|_, v| !v.is_null());
                Ok(wire)
            }
            _ => Err(vec![FieldError::invalid("", "the request could not be serialised to JSON")]),
        }
    }

    /// The exact compact JSON body that is signed and sent.
    pub fn to_wire_body(&self) -> Result<String, Vec<FieldError>> {
        Ok(Value::Object(self.to_wire()?).to_string())
    }
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
