//! `CreateAiCallRequest` and its nested types, each declared once with [`record!`].
//!
//! Required parameters are plain values (`0` / `""` mean "not set") so the easy way to build a request is a
//! struct literal ending in `..Default::default()`; everything optional is an `Option`, and `None` is left off
//! the wire. Each field's declaration carries its wire name, rule, unit and documentation; the rules that involve
//! several fields are in `request/rules.rs`, the wire body in `request/wire.rs`.
//!
//! To add a parameter: add one line to the `fields` of [`CreateAiCallRequest`] below (its doc comment, Rust name
//! and type, wire name and `spec(...)`), then run `make gen` to rewrite the bindings' signatures, type
//! declarations and README tables. Nothing else names the parameter.

mod convert;
mod rules;
mod wire;

use crate::check::{Checker, National};
use crate::field::{At, FieldError, KeyCase};
use crate::loose::{self, Fields, Names, Spelling};
use crate::schema::{record, spec, Group, Keep, Record, RecordSpec, Rule, Sink};
use crate::tts::CustomTtsConfig;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

pub use convert::{unconvertible, Step, Unconvertible};
pub use rules::{ValidationContext, MAX_BODY_BYTES};

/// The LLM protocols the service speaks.
pub const LLM_TYPES: [&str; 4] = ["openai", "azure", "minimax", "dify"];
/// The built-in voices, in their canonical spelling.
pub const VOICE_TYPES: [&str; 14] = [
    "ZhiMei",
    "ZhiXi",
    "ZhiQi",
    "ZhiTian",
    "AiXiaoJing",
    "WeRose",
    "Monika",
    "Nanami",
    "SunHi",
    "Gadis",
    "Yasmin",
    "Kani",
    "Achara",
    "HoaiMy",
];
/// The ASR language codes.
pub const LANGUAGES: [&str; 20] = [
    "zh",
    "zh-TW",
    "zh-dialect",
    "en",
    "vi",
    "ja",
    "ko",
    "id",
    "th",
    "pt",
    "tr",
    "ar",
    "es",
    "hi",
    "fr",
    "ms",
    "fil",
    "de",
    "it",
    "ru",
];
/// The `AmbientSoundType` values.
pub const AMBIENT_SOUND_TYPES: [&str; 2] = ["coffee_shops", "busy_office"];
/// The `ExtractConfig[].InfoType` values.
pub const INFO_TYPES: [&str; 4] = ["Text", "Selector", "Boolean", "Number"];

/// The input-only key that carries raw wire parameters the model does not know yet (`extra`).
pub const EXTRA_PARAMS: &str = "ExtraParams";
/// What `ExtraParams` is, for the bindings' documentation (it is not a field of the schema).
pub const EXTRA_PARAMS_DOC: &str = "Raw wire parameters the service added after this SDK, sent as given.\n\
                                    Their keys are the service's own (PascalCase) names; a modelled parameter is \
                                    refused here.";

/// No upper bound, for [`Rule::Range`].
const NO_MAX: f64 = f64::INFINITY;

record! {
    /// One `CreateAICall` request: the 44 parameters of the service's `CreateAICallRequest`.
    ///
    /// Each rule says where it comes from: "#n" is the parameter's row in API.md section 2 (the service's published
    /// definition and the original reference page); rules of our own refuse only what is certainly a mistake and
    /// say why. Rules that involve several fields are in `request/rules.rs`.
    pub struct CreateAiCallRequest as "CreateAICallRequest" {
        order: Sorted,
        rules: rules::request,
        fields: {
            // #1: required.
            /// Your CCC application id, a positive integer (from the CCC console).
            sdk_app_id: u64 = "SdkAppId" => spec(Rule::Any),
            // #2 and section 1: required; the service's own form is 00 + country code + number.
            /// The number to call, with its country code: +86 130 1234 5678 or 008613012345678.
            /// Sent as 00 + country code + number; a number without one needs the client's default country code.
            callee: String = "Callee" => spec(Rule::Phone),
            // #3: required, one of the documented protocols.
            /// The LLM protocol.
            /// "openai" covers GPT, Hunyuan, DeepSeek and other OpenAI-compatible APIs.
            llm_type: String = "LLMType" => spec(Rule::OneOf { values: &LLM_TYPES }),
            // #4: required; section 4: pasted keys carry stray spaces and quotes.
            /// The LLM provider's API key.
            api_key: String = "APIKey" => spec(Rule::Secret).secret(),
            // #5: required, the LLM's base URL (the Azure form is checked in rules.rs).
            /// The LLM base URL, e.g. `https://api.openai.com/v1/`.
            /// For "azure": `https://{resource}.openai.azure.com?api-version=...` or an `/openai/v1/` endpoint.
            api_url: String = "APIUrl" => spec(Rule::Url),
            // #6: free text; required for some protocols (rules.rs).
            /// The global prompt: the agent's persona, rules and task.
            /// Required unless `LLMType` is "dify".
            system_prompt: Option<String> = "SystemPrompt" => spec(Rule::Text).group(Group::Required),
            // #7: a name; required for some protocols (rules.rs).
            /// The model name, e.g. gpt-4o-mini, deepseek-chat, hunyuan-turbo.
            /// Required unless `LLMType` is "dify".
            model: Option<String> = "Model" => spec(Rule::Name).group(Group::Required),
            // #8: the built-in voices; blank means unset (the original page: "leave it blank" with a custom TTS).
            /// A built-in voice; leave it unset when `CustomTTSConfig` is given.
            voice_type: Option<String> =
                "VoiceType" => spec(Rule::OneOf { values: &VOICE_TYPES }).blank_is_unset(),
            // #9: caller-ID numbers, each a phone number as for `Callee`.
            /// Caller-ID numbers to call from.
            callers: Option<Vec<String>> = "Callers" => spec(Rule::Phone),
            // #10: free text.
            /// The greeting.
            welcome_message: Option<String> = "WelcomeMessage" => spec(Rule::Text),
            // #11: the documented values.
            /// Who speaks first.
            welcome_type: Option<u64> = "WelcomeType" => spec(Rule::Choice {
                values: &[
                    (0, "speak `WelcomeMessage`, or wait for the callee when it is empty"),
                    (1, "the LLM greets first"),
                ],
            }),
            // #12: the documented values.
            /// Whether the greeting can be interrupted.
            welcome_message_priority: Option<u64> = "WelcomeMessagePriority" => spec(Rule::Choice {
                values: &[(0, "it can be interrupted"), (2, "it cannot")],
            })
            .default("0"),
            // #13: milliseconds (default 60 s). Below a second the call ends at the first pause: meant in seconds.
            /// User silence before the call is hung up; not the call length (see `MaxCallDurationMs`).
            max_duration: Option<u64> =
                "MaxDuration" => spec(Rule::Range { min: 1000.0, max: NO_MAX }).ms().default("60000"),
            // #14: up to 4 of the documented codes, the first the primary one.
            /// ASR languages; the first is the primary one.
            /// zh-dialect must stand alone.
            languages: Option<Vec<String>> =
                "Languages" => spec(Rule::OneOf { values: &LANGUAGES }).items(1, 4).unique(),
            // #15: the documented values.
            /// Whether the callee can interrupt the agent.
            interrupt_mode: Option<u64> = "InterruptMode" => spec(Rule::Choice {
                values: &[(0, "the callee can interrupt"), (1, "no interruption")],
            })
            .default("0"),
            // #16: milliseconds; no documented minimum.
            /// Callee speech that interrupts the agent (with `InterruptMode` 0).
            interrupt_speech_duration: Option<u64> =
                "InterruptSpeechDuration" => spec(Rule::Any).ms().default("500"),
            // #17.
            /// Let the agent hang up (the call_end function).
            end_function_enable: Option<bool> = "EndFunctionEnable" => spec(Rule::Any).group(Group::Tools),
            // #18: free text; taken whatever `EndFunctionEnable` says (the service ignores it when off).
            /// When the agent should hang up, for the LLM.
            end_function_desc: Option<String> = "EndFunctionDesc" => spec(Rule::Text).group(Group::Tools),
            // #19.
            /// Let the agent transfer the call to a human (the transfer_to_human function).
            transfer_function_enable: Option<bool> =
                "TransferFunctionEnable" => spec(Rule::Any).group(Group::Tools),
            // #20: taken whatever the switch says; the items themselves must be whole.
            /// The transfer-to-human tools.
            transfer_items: Option<Vec<AiTransferItem>> = "TransferItems" => spec(Rule::Any).group(Group::Tools),
            // #21.
            /// Let the agent hand the call over to another AI agent.
            transfer_to_agent_enable: Option<bool> =
                "TransferToAgentEnable" => spec(Rule::Any).group(Group::Tools),
            // #22: taken whatever the switch says; the items themselves must be whole.
            /// The transfer-to-agent tools.
            transfer_to_agent_items: Option<Vec<TransferToAgentItem>> =
                "TransferToAgentItems" => spec(Rule::Any).group(Group::Tools),
            // #23: seconds, "min 10".
            /// Callee silence before the agent nudges.
            notify_duration: Option<u64> =
                "NotifyDuration" => spec(Rule::Range { min: 10.0, max: NO_MAX }).seconds().default("10"),
            // #24: free text.
            /// The nudge.
            notify_message: Option<String> = "NotifyMessage" => spec(Rule::Text),
            // #25: no documented minimum.
            /// The most nudges per call (unset: no limit).
            notify_max_count: Option<u64> = "NotifyMaxCount" => spec(Rule::Any),
            // #26 and "CustomTTSConfig": each vendor's rules, in tts.rs.
            /// Your own TTS vendor, instead of a built-in `VoiceType`. Its credentials are never printed.
            custom_tts_config: Option<CustomTtsConfig> = "CustomTTSConfig" => spec(Rule::Any),
            // #27, `Variable`.
            /// Variables substituted into the prompt.
            prompt_variables: Option<Vec<Variable>> = "PromptVariables" => spec(Rule::Any).group(Group::Llm),
            // #28: 240-2000 ms.
            /// Silence that ends an utterance (ASR VAD).
            vad_silence_time: Option<u64> =
                "VadSilenceTime" => spec(Rule::Range { min: 240.0, max: 2000.0 }).ms().default("1000"),
            // #29, `AICallExtractConfigElement`.
            /// Information to extract from the conversation after the call.
            extract_config: Option<Vec<ExtractConfigElement>> =
                "ExtractConfig" => spec(Rule::Any).group(Group::Tools),
            // #30 passes it to the LLM, whose protocols (openai, azure) take 0-2.
            /// The LLM's temperature.
            temperature: Option<f64> = "Temperature" => spec(Rule::Range { min: 0.0, max: 2.0 }).group(Group::Llm),
            // #31, `Variable`.
            /// General variables: prompt and greeting variables, welcome-message-delay (s), dify-inputs-*.
            variables: Option<Vec<Variable>> = "Variables" => spec(Rule::Any).group(Group::Llm),
            // #32: nucleus sampling's top_p is a probability, 0-1.
            /// The LLM's top_p.
            top_p: Option<f64> = "TopP" => spec(Rule::Range { min: 0.0, max: 1.0 }).group(Group::Llm),
            // #33: 0-3.
            /// Far-field voice suppression: 0 is off, 2 is recommended.
            vad_level: Option<u64> = "VadLevel" => spec(Rule::Range { min: 0.0, max: 3.0 }).default("0"),
            // #34, `ToneWordInfo`.
            /// Filler words played while the LLM is slow to answer.
            tone_word: Option<ToneWord> = "ToneWord" => spec(Rule::Any),
            // #35.
            /// Play the "AI-generated" compliance tone; turning it off makes labelling the call your duty.
            enable_compliance_audio: Option<bool> = "EnableComplianceAudio" => spec(Rule::Any).default("true"),
            // #36.
            /// Detect voicemail.
            enable_voicemail_detection: Option<bool> =
                "EnableVoicemailDetection" => spec(Rule::Any).group(Group::CallControl),
            // #37: only 0 is documented; others are the service's business.
            /// What to do on voicemail: 0 hangs up.
            voicemail_action: Option<u64> =
                "VoicemailAction" => spec(Rule::Any).default("0").group(Group::CallControl),
            // #38: fields merged into the LLM's request body, so a JSON object.
            /// Extra fields for the LLM's request body: a JSON object (or its text).
            llm_extra_body: Option<String> = "LLMExtraBody" => spec(Rule::JsonObject).json().group(Group::Llm),
            // #39: milliseconds; below a second the value was meant in seconds (or minutes).
            /// The longest the call may last.
            max_call_duration_ms: Option<u64> =
                "MaxCallDurationMs" => spec(Rule::Range { min: 1000.0, max: NO_MAX }).ms().group(Group::CallControl),
            // #40: seconds; no documented minimum.
            /// How long to let it ring (your own numbers only).
            max_ring_timeout_second: Option<u64> =
                "MaxRingTimeoutSecond" => spec(Rule::Any).seconds().group(Group::CallControl),
            // #41: the documented values.
            /// Background sound.
            ambient_sound_type: Option<String> =
                "AmbientSoundType" => spec(Rule::OneOf { values: &AMBIENT_SOUND_TYPES }),
            // #42: [0, 2].
            /// The background sound's volume.
            ambient_sound_volume: Option<f64> =
                "AmbientSoundVolume" => spec(Rule::Range { min: 0.0, max: 2.0 }).default("1"),
            // #43: [0, 5] s.
            /// How long to queue when the AI agent concurrency is exhausted.
            acquire_timeout_second: Option<u64> = "AcquireTimeoutSecond" => spec(Rule::Range { min: 0.0, max: 5.0 })
                .seconds()
                .default("5")
                .group(Group::CallControl),
            // #44: "contact product/dev before use"; may hold credentials.
            /// A custom STT configuration (JSON; ask Tencent before using it).
            custom_stt_config: Option<String> =
                "CustomSTTConfig" => spec(Rule::Text).json().secret().group(Group::CallControl),
        }
        , keep: extra via ExtraParams
    }
}

record! {
    /// A transfer-to-human tool.
    pub struct AiTransferItem as "AITransferItem" {
        order: Sorted,
        rules: rules::none,
        fields: {
            /// The function name the LLM calls, unique in the list.
            transfer_function_name: String = "TransferFunctionName" => spec(Rule::Name).unique(),
            /// When the LLM should transfer to a human.
            transfer_function_desc: String = "TransferFunctionDesc" => spec(Rule::Text),
            /// The id of the skill group to transfer to.
            transfer_skill_group_id: u64 = "TransferSkillGroupId" => spec(Rule::Any),
        }
    }
}

record! {
    /// A transfer-to-another-AI-agent tool.
    pub struct TransferToAgentItem as "TransferToAgentItem" {
        order: Sorted,
        rules: rules::none,
        fields: {
            /// The function name the LLM calls, unique in the list.
            transfer_to_agent_name: String = "TransferToAgentName" => spec(Rule::Name).unique(),
            /// When the LLM should hand over to this agent.
            transfer_to_agent_desc: String = "TransferToAgentDesc" => spec(Rule::Text),
            /// The id of the AI agent to transfer to.
            transfer_to_agent_id: u64 = "TransferToAgentId" => spec(Rule::Any),
        }
    }
}

record! {
    /// One key/value pair of `Variables` or `PromptVariables`.
    pub struct Variable as "Variable" {
        order: Sorted,
        rules: rules::none,
        fields: {
            /// The variable's name, unique in the list.
            key: String = "Key" => spec(Rule::Name).unique(),
            /// Its value (may be empty).
            value: String = "Value" => spec(Rule::Text).may_be_empty(),
        }
    }
}

record! {
    /// One piece of information to extract after the call.
    pub struct ExtractConfigElement as "AICallExtractConfigElement" {
        order: Sorted,
        rules: rules::extract_element,
        fields: {
            /// The kind of value.
            info_type: String = "InfoType" => spec(Rule::OneOf { values: &INFO_TYPES }),
            /// The name of the information, unique in the list.
            info_name: String = "InfoName" => spec(Rule::Name).unique(),
            /// What to extract, for the LLM.
            info_content: Option<String> = "InfoContent" => spec(Rule::Text),
            /// Examples of values.
            examples: Option<Vec<String>> = "Examples" => spec(Rule::Text),
            /// The values to choose from; required when `InfoType` is "Selector".
            choices: Option<Vec<String>> = "Choices" => spec(Rule::Name),
        }
    }
}

record! {
    /// Filler words played while the LLM is slow to answer.
    pub struct ToneWord as "ToneWordInfo" {
        order: Sorted,
        rules: rules::none,
        fields: {
            /// How long the LLM may take before a filler word is played.
            first_sentence_timeout: Option<f64> = "FirstSentenceTimeout" => spec(Rule::Positive).seconds(),
            /// Chinese filler words by mood.
            zh_tone_words: Option<ZhToneWords> = "ZHToneWords" => spec(Rule::Any),
        }
    }
}

record! {
    /// Chinese filler words by mood.
    pub struct ZhToneWords as "ZHToneWordsInfo" {
        order: Sorted,
        rules: rules::none,
        fields: {
            /// Neutral filler words.
            neutral: Option<Vec<String>> = "Neutral" => spec(Rule::Name),
            /// Positive filler words.
            positive: Option<Vec<String>> = "Positive" => spec(Rule::Name),
            /// Negative filler words.
            negative: Option<Vec<String>> = "Negative" => spec(Rule::Name),
        }
    }
}

crate::schema::serialize_nested!(
    AiTransferItem,
    TransferToAgentItem,
    Variable,
    ExtractConfigElement,
    ToneWord,
    ZhToneWords
);

/// The 44 wire parameter names of `CreateAICall`, in the service's order.
pub const PARAMETERS: [&str; CreateAiCallRequest::FIELD_NAMES.len()] = CreateAiCallRequest::FIELD_NAMES;

/// What the request is, field by field: read by the binding generator and the API drift test.
pub static SCHEMA: &RecordSpec = CreateAiCallRequest::SPEC;

/// The whole model as JSON, for tools and tests in other languages: `{"request": <wire name of the request>,
/// "tts_vendors": [<TTSType>...], "records": [<every record, the request's nested ones and each TTS vendor's>]}`.
/// Each record lists its fields with their wire and Rust names, type, presence, rule, unit, default and doc.
pub fn describe() -> Value {
    let mut roots = vec![SCHEMA];
    roots.extend(crate::tts::VENDORS);
    serde_json::json!({
        "request": SCHEMA.wire,
        "tts_vendors": crate::tts::TTS_TYPES,
        "records": crate::schema::records(&roots),
    })
}

/// For a keyword a caller passed (`llm_typ` in Python): `None` when it names a parameter (or `ExtraParams`) in the
/// caller's `case`, otherwise `Some` of the closest known name in that case, if any is close. Bindings use this to
/// refuse unknown keywords the way their language does (a `TypeError` in Python).
pub fn unknown_keyword(key: &str, case: KeyCase) -> Option<Option<String>> {
    // The table also takes wire names, which only count here in `KeyCase::Wire`. A key cannot be both a wire
    // name (upper-case first letter) and another name's snake or camel spelling (lower-case first letter), so
    // checking the one name found is exact.
    let names = <CreateAiCallRequest as Record>::names();
    if names.resolve(key, Spelling::Caller(case)).is_some_and(|wire| case.is_key_of(key, wire)) {
        return None;
    }
    let names: Vec<String> = PARAMETERS.iter().chain([&EXTRA_PARAMS]).map(|p| case.key(p)).collect();
    Some(crate::field::closest(key, names.iter().map(String::as_str)).map(String::from))
}

/// `ExtraParams`: raw wire parameters the service added after this model, keys kept exactly as given.
pub(crate) struct ExtraParams;

impl Keep for ExtraParams {
    const KEYS: &'static [&'static str] = &[EXTRA_PARAMS];

    fn read(f: &mut Fields<'_, '_>) -> Map<String, Value> {
        match f.take(EXTRA_PARAMS) {
            None => Map::new(),
            Some(Value::Object(mut map)) => {
                // `null` means "not set", as everywhere else.
                map.retain(|_, v| !v.is_null());
                map
            }
            Some(other) => {
                let message = format!("expected an object of raw wire parameters, got {}", loose::describe(&other));
                f.errors.push(FieldError::invalid(f.path(EXTRA_PARAMS), message));
                Map::new()
            }
        }
    }

    fn check(kept: &Map<String, Value>, at: At<'_>, _names: &'static Names, c: &mut Checker) {
        let extra = at.key(EXTRA_PARAMS);
        for (key, value) in kept {
            let path = extra.key(key);
            if let Some(modelled) = PARAMETERS.iter().find(|p| p.eq_ignore_ascii_case(key)) {
                let message =
                    format!("`{modelled}` is a modelled parameter: set it directly, not through `ExtraParams`");
                c.invalid(path, message);
                continue;
            }
            let pascal = key.len() <= 128
                && key.chars().next().is_some_and(|ch| ch.is_ascii_uppercase())
                && key.chars().all(|ch| ch.is_ascii_alphanumeric());
            if !pascal {
                c.invalid(
                    path,
                    "must be a wire parameter name in PascalCase (ASCII letters and digits, starting upper-case)",
                );
                continue;
            }
            c.raw_depth(path, value, 0);
        }
    }

    /// Merged into the body in wire order by the request's writer (`wire.rs`), not appended.
    fn write<S: Sink>(_kept: &Map<String, Value>, _sink: &mut S) -> Result<(), S::Error> {
        Ok(())
    }

    fn show(kept: &Map<String, Value>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&crate::redact::RawMap(kept), f)
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
            let message = format!("expected an object of request parameters, got {}", loose::describe(&value));
            return Err(vec![FieldError::invalid("", message)]);
        };
        let mut errors = Vec::new();
        let request = {
            let names = <Self as Record>::names();
            let f = &mut Fields::new(map, At::Root, names, Spelling::Caller(case), &mut errors);
            <Self as Record>::read_fields(f)
        };
        if errors.is_empty() {
            return Ok(request);
        }
        // The caller's default country code is not known here: a number without one is not reported.
        let (_, broken) = rules::check(&request, National::Unknown);
        let independent: Vec<FieldError> =
            broken.into_iter().filter(|rule| !caused_by_parse_error(rule, &errors)).collect();
        errors.extend(independent);
        rules::sort_by_parameter(&mut errors);
        Err(errors)
    }

    /// Check every rule, with no default country code; `Err` carries all problems, each at its wire path.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        self.validate_with(&ValidationContext::default())
    }

    /// [`CreateAiCallRequest::validate`] in a context (e.g. the client's default country code).
    pub fn validate_with(&self, context: &ValidationContext) -> Result<(), Vec<FieldError>> {
        let normalised = self.normalised(context)?;
        match rules::too_large(wire::len(&normalised)) {
            Some(problem) => Err(vec![problem]),
            None => Ok(()),
        }
    }

    /// The request as it goes on the wire (phones and names normalised), or every problem. Borrowed when it
    /// is already in normal form. The body's size is checked by the callers, which serialise it anyway.
    pub(crate) fn normalised(&self, context: &ValidationContext) -> Result<Cow<'_, Self>, Vec<FieldError>> {
        let (out, errors) = rules::check(self, National::Context(context.default_country_code));
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Validate, normalise (phone numbers, canonical voice and language spellings) and give the wire's
    /// parameters: `CustomTTSConfig` as a JSON string, `extra` merged in. No default country code.
    pub fn to_wire(&self) -> Result<Map<String, Value>, Vec<FieldError>> {
        self.to_wire_with(&ValidationContext::default())
    }

    /// [`CreateAiCallRequest::to_wire`] in a context (e.g. the client's default country code).
    pub fn to_wire_with(&self, context: &ValidationContext) -> Result<Map<String, Value>, Vec<FieldError>> {
        let body = self.to_wire_body_with(context)?;
        match serde_json::from_str(&body) {
            Ok(Value::Object(wire)) => Ok(wire),
            _ => Err(vec![FieldError::invalid("", "the request could not be serialised to JSON")]),
        }
    }

    /// The exact compact JSON body that is signed and sent: keys in byte order at every level, unset fields left
    /// out, `extra` merged in. No default country code.
    pub fn to_wire_body(&self) -> Result<String, Vec<FieldError>> {
        self.to_wire_body_with(&ValidationContext::default())
    }

    /// The request asks the service to extract fields (`ExtractConfig` with at least one item): a wait for the
    /// call's outcome then waits for them.
    pub fn extraction_configured(&self) -> bool {
        self.extract_config.as_ref().is_some_and(|items| !items.is_empty())
    }

    /// [`CreateAiCallRequest::to_wire_body`] in a context (e.g. the client's default country code).
    pub fn to_wire_body_with(&self, context: &ValidationContext) -> Result<String, Vec<FieldError>> {
        let normalised = self.normalised(context)?;
        let body = wire::body(&normalised)
            .map_err(|_| vec![FieldError::invalid("", "the request could not be serialised to JSON")])?;
        match rules::too_large(body.len()) {
            Some(problem) => Err(vec![problem]),
            None => Ok(body),
        }
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

#[cfg(test)]
mod tests;
