//! Every rule of API.md section 2, checked before anything is signed or sent.
//!
//! All problems are returned at once, each at its wire path, with a message a person can act on (other fields
//! are named in backticks so the bindings can spell them in their own case). Checking also normalises: phone
//! numbers to the service's `00...` form, and closed sets of names (voices, languages, ...) to their
//! canonical spelling, matched case-insensitively. No I/O.

use crate::field::{At, FieldError};
use crate::phone::CountryCode;
use crate::request::input::suggest;
use crate::request::{AiTransferItem, CreateAiCallRequest, TransferToAgentItem, Variable, EXTRA_PARAMS, PARAMETERS};
use serde_json::Value;
use std::borrow::Cow;
use url::Url;

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
/// The most entries any list parameter may hold (Callers, TransferItems, Variables, ...). Not a rule of the service
/// (API.md documents no such limit): a bound on our own work and error list for input from the network, ten times
/// the largest list a real call has (a call centre's caller numbers, a prompt's variables run to tens).
pub const MAX_LIST_LEN: usize = 1000;
/// API.md section 2 #14, from the original page: "up to 4 languages".
pub const MAX_LANGUAGES: usize = 4;
/// Raw values (`ExtraParams`, fields of `CustomTTSConfig` this SDK does not know) nested deeper than this are
/// refused. Not a rule of the service: the deepest parameter it has (`ToneWord.ZHToneWords.Neutral[i]`) is 3 levels
/// down, and the bound keeps walking such values from exhausting the stack.
pub const MAX_DEPTH: usize = 32;
/// The bindings stop converting input nested deeper than this (their conversion recurses too) and report it. The
/// rules refuse such input at [`MAX_DEPTH`] long before; this only bounds work, below serde_json's own limit of 128
/// levels for JSON text.
pub const MAX_INPUT_DEPTH: usize = 100;
/// The largest request body: Tencent Cloud API 3.0 takes POST requests of up to 10 MB when they are signed with
/// TC3-HMAC-SHA256 (its "Request Structure" page; 1 MB with the older signatures, which this SDK does not use).
/// Read as MiB, the larger reading, so that nothing the service takes is refused.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// What checking a request needs to know besides the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValidationContext {
    /// Put in front of phone numbers written without a country code (their national trunk prefix dropped);
    /// without it such numbers are refused.
    pub default_country_code: Option<CountryCode>,
}

/// How numbers written without a country code are treated.
#[derive(Clone, Copy)]
pub(crate) enum National {
    /// Refused, or given the default country code.
    Context(Option<CountryCode>),
    /// Not reported: the caller's context is not known here (`from_value` adds the rules a parse error leaves).
    Unknown,
}

impl CreateAiCallRequest {
    /// Check every rule, with no default country code; `Err` carries all problems, each at its wire path.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        self.validate_with(&ValidationContext::default())
    }

    /// [`CreateAiCallRequest::validate`] in a context (e.g. the client's default country code).
    pub fn validate_with(&self, context: &ValidationContext) -> Result<(), Vec<FieldError>> {
        let normalised = self.normalised(context)?;
        match too_large(crate::request::wire_len(&normalised)) {
            Some(problem) => Err(vec![problem]),
            None => Ok(()),
        }
    }

    /// The request as it goes on the wire (phones and names normalised), or every problem. Borrowed when it
    /// is already in normal form. The body's size is checked by the callers, which serialise it anyway.
    pub(crate) fn normalised(
        &self,
        context: &ValidationContext,
    ) -> Result<Cow<'_, CreateAiCallRequest>, Vec<FieldError>> {
        let (out, errors) = check(self, National::Context(context.default_country_code));
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// The problem with a body of `len` bytes, if it is too large to send.
pub(crate) fn too_large(len: usize) -> Option<FieldError> {
    (len > MAX_BODY_BYTES).then(|| {
        FieldError::invalid(
            "",
            format!(
                "the request is {len} bytes as JSON; Tencent Cloud API 3.0 takes at most {MAX_BODY_BYTES} bytes \
                 (10 MiB) per request"
            ),
        )
    })
}

/// Every rule, on `req`; returns the normalised request and all problems. The request is copied only when
/// normalising changes something.
///
/// Each rule says where it comes from: "API.md #N" is the parameter's row in API.md section 2 (which restates the
/// service's published definition and the original reference page); rules of our own, which refuse only what is
/// certainly a mistake, say why. Nothing here refuses what the service documents as accepted.
pub(crate) fn check(req: &CreateAiCallRequest, national: National) -> (Cow<'_, CreateAiCallRequest>, Vec<FieldError>) {
    let mut c = Checker { national, ..Checker::default() };
    let mut out = Cow::Borrowed(req);

    // API.md #1 and #2: required.
    if req.sdk_app_id == 0 {
        c.missing(
            "SdkAppId",
            "required: your CCC application id, a positive integer (https://console.tencentcloud.com/ccc)",
        );
    }
    if req.callee.trim().is_empty() {
        c.missing("Callee", "required: the number to call, e.g. +86 130 1234 5678");
    } else if let Some(phone) = c.phone("Callee".into(), &req.callee) {
        if phone != req.callee {
            out.to_mut().callee = phone;
        }
    }

    // API.md #3: required, one of the documented protocols.
    let llm = if req.llm_type.trim().is_empty() {
        c.missing("LLMType", format!("required: one of {}", LLM_TYPES.join(", ")));
        None
    } else {
        let canonical = c.one_of("LLMType".into(), &req.llm_type, &LLM_TYPES);
        if let Some(canonical) = canonical.filter(|v| *v != req.llm_type) {
            out.to_mut().llm_type = canonical.to_string();
        }
        canonical
    };
    // API.md #4: required.
    c.secret("APIKey".into(), &req.api_key);
    // API.md #5: required, the LLM's base URL.
    if req.api_url.trim().is_empty() {
        c.missing("APIUrl", "required: the LLM base URL, e.g. https://api.openai.com/v1/");
    } else if let Some(url) = c.http_url("APIUrl".into(), &req.api_url) {
        // API.md #5: an Azure resource URL carries `?api-version=...`; Azure's `/openai/v1/` endpoints take no
        // version. A bare resource URL with neither cannot be called.
        let has_version = url.query_pairs().any(|(k, v)| k == "api-version" && !v.is_empty());
        if llm == Some("azure") && !has_version && !is_azure_v1(&url) {
            c.invalid(
                "APIUrl",
                "with `LLMType` azure the URL must carry the api-version query parameter \
                 (https://my-resource.openai.azure.com?api-version=2024-06-01) or be a /openai/v1/ endpoint \
                 (https://my-resource.openai.azure.com/openai/v1/)",
            );
        }
    }
    // API.md section 2: the original page required SystemPrompt and Model; kept for the protocols that need them.
    let needs_prompt = matches!(llm, Some("openai" | "azure" | "minimax"));
    check_prompt_and_model(&mut c, req, llm.filter(|_| needs_prompt));

    check_voice(&mut c, req, &mut out);
    // API.md #9: caller-ID numbers, each a phone number as for `Callee`.
    if let Some(callers) = &req.callers {
        let at = At::from("Callers");
        if c.list_len(at, callers.len()) {
            for (i, number) in callers.iter().enumerate() {
                match c.phone(at.index(i), number) {
                    Some(phone) if phone != *number => {
                        if let Some(normalised) = &mut out.to_mut().callers {
                            normalised[i] = phone;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    // API.md #11, #12, #15: the documented values.
    if let Some(v) = req.welcome_type {
        c.choice_u64("WelcomeType", v, &[0, 1], "0 (speak `WelcomeMessage`) or 1 (the LLM greets first)");
    }
    if let Some(v) = req.welcome_message_priority {
        c.choice_u64("WelcomeMessagePriority", v, &[0, 2], "0 (the greeting can be interrupted) or 2 (it cannot)");
    }
    if let Some(v) = req.max_duration {
        // API.md #13: milliseconds of silence (default 60 s). Below a second the call ends at the first pause: the
        // value was meant in seconds.
        c.at_least("MaxDuration", v, 1000, "milliseconds of user silence before hanging up (default 60000)");
    }
    check_languages(&mut c, req, &mut out);
    if let Some(v) = req.interrupt_mode {
        c.choice_u64("InterruptMode", v, &[0, 1], "0 (the callee can interrupt) or 1 (no interruption)");
    }
    check_functions(&mut c, req);
    if let Some(v) = req.notify_duration {
        // API.md #23: "min 10" seconds.
        c.at_least("NotifyDuration", v, 10, "seconds of silence before a nudge (minimum 10)");
    }
    if let Some(tts) = &req.custom_tts_config {
        if let Some(normalised) = tts.check("CustomTTSConfig".into(), &mut c) {
            out.to_mut().custom_tts_config = Some(normalised);
        }
    }
    check_variables(&mut c, "PromptVariables", req.prompt_variables.as_deref());
    if let Some(v) = req.vad_silence_time {
        // API.md #28: 240-2000 ms.
        c.range_u64("VadSilenceTime".into(), v, 240, 2000);
    }
    check_extract_config(&mut c, req, &mut out);
    if let Some(v) = req.temperature {
        // API.md #30 passes it to the LLM, whose protocols (openai, azure) take 0-2; a NaN cannot be sent at all.
        c.range_f64("Temperature".into(), v, 0.0, 2.0);
    }
    check_variables(&mut c, "Variables", req.variables.as_deref());
    if let Some(v) = req.top_p {
        // API.md #32: nucleus sampling's top_p is a probability, 0-1.
        c.range_f64("TopP".into(), v, 0.0, 1.0);
    }
    if let Some(v) = req.vad_level {
        // API.md #33: 0-3.
        c.range_u64("VadLevel".into(), v, 0, 3);
    }
    check_tone_word(&mut c, req);
    if let Some(body) = &req.llm_extra_body {
        // API.md #38: a JSON string of fields merged into the LLM's request body, so an object.
        if !matches!(serde_json::from_str(body), Ok(Value::Object(_))) {
            c.invalid("LLMExtraBody", "must be a JSON string holding an object, e.g. {\"max_tokens\": 256}");
        }
    }
    if let Some(v) = req.max_call_duration_ms {
        // API.md #39: milliseconds; below a second the value was meant in seconds (or minutes).
        c.at_least("MaxCallDurationMs", v, 1000, "the longest call in milliseconds");
    }
    if let Some(sound) = &req.ambient_sound_type {
        // API.md #41: the documented values.
        if let Some(canonical) = c.one_of("AmbientSoundType".into(), sound, &AMBIENT_SOUND_TYPES) {
            if canonical != sound {
                out.to_mut().ambient_sound_type = Some(canonical.to_string());
            }
        }
    }
    if let Some(v) = req.ambient_sound_volume {
        // API.md #42: [0, 2].
        c.range_f64("AmbientSoundVolume".into(), v, 0.0, 2.0);
    }
    if let Some(v) = req.acquire_timeout_second {
        // API.md #43: [0, 5] s.
        c.range_u64("AcquireTimeoutSecond".into(), v, 0, 5);
    }
    check_extra(&mut c, req);
    sort_by_parameter(&mut c.errors);
    (out, c.errors)
}

/// Azure OpenAI's v1 API (`https://{resource}.openai.azure.com/openai/v1/`, or behind a gateway) is versionless.
fn is_azure_v1(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    path.ends_with("/openai/v1") || path.contains("/openai/v1/")
}

/// Order problems as the parameters are documented (stable within one parameter), unknown keys last, so a
/// long report reads top to bottom like the request.
pub(crate) fn sort_by_parameter(errors: &mut [FieldError]) {
    errors.sort_by_key(|e| {
        let top = e.path.split(['.', '[']).next().unwrap_or_default();
        match PARAMETERS.iter().position(|p| *p == top) {
            Some(i) => i,
            None if top == EXTRA_PARAMS => PARAMETERS.len(),
            None => PARAMETERS.len() + 1,
        }
    });
}

fn check_prompt_and_model(c: &mut Checker, req: &CreateAiCallRequest, required_for: Option<&str>) {
    let blank = |s: &Option<String>| s.as_deref().map_or(true, |s| s.trim().is_empty());
    if let Some(llm) = required_for {
        if blank(&req.system_prompt) {
            c.missing("SystemPrompt", format!("required when `LLMType` is {llm}: the agent's persona, rules and task"));
        }
        if blank(&req.model) {
            c.missing("Model", format!("required when `LLMType` is {llm}: the model name, e.g. gpt-4o-mini"));
        }
    }
    c.optional_name("Model".into(), req.model.as_deref());
}

fn check_voice(c: &mut Checker, req: &CreateAiCallRequest, out: &mut Cow<'_, CreateAiCallRequest>) {
    let Some(voice) = &req.voice_type else { return };
    // The original page asks callers to "leave VoiceType blank" when using CustomTTSConfig: blank means unset.
    if voice.trim().is_empty() {
        out.to_mut().voice_type = None;
        return;
    }
    // API.md #8: the built-in voices; a misspelt one gets the closest as a suggestion.
    if let Some(canonical) = c.one_of("VoiceType".into(), voice, &VOICE_TYPES) {
        if canonical != voice {
            out.to_mut().voice_type = Some(canonical.to_string());
        }
    }
    // API.md #8 and #26: the original page makes them alternatives ("leave VoiceType blank" with CustomTTSConfig).
    if req.custom_tts_config.is_some() {
        c.invalid("VoiceType", "leave `VoiceType` unset when `CustomTTSConfig` is given: they are alternatives");
    }
}

/// API.md #14: 1 to 4 of the documented codes, the first the primary one.
fn check_languages(c: &mut Checker, req: &CreateAiCallRequest, out: &mut Cow<'_, CreateAiCallRequest>) {
    let Some(languages) = &req.languages else { return };
    let n = languages.len();
    if n == 0 || n > MAX_LANGUAGES {
        c.invalid(
            "Languages",
            format!("must list 1 to {MAX_LANGUAGES} language codes (the first is the primary one); got {n}"),
        );
        if n > MAX_LIST_LEN {
            return;
        }
    }
    let list = At::from("Languages");
    for (i, code) in languages.iter().enumerate() {
        let path = list.index(i);
        let Some(canonical) = c.one_of(path, code, &LANGUAGES) else { continue };
        if canonical != code {
            if let Some(normalised) = &mut out.to_mut().languages {
                canonical.clone_into(&mut normalised[i]);
            }
        }
        // A duplicate is an earlier code with the same canonical spelling.
        let same = |earlier: &String| {
            earlier.eq_ignore_ascii_case(canonical) && canonical_of(earlier, &LANGUAGES) == Some(canonical)
        };
        if let Some(first) = languages[..i].iter().position(same) {
            c.invalid(path, format!("duplicate of `Languages[{first}]`"));
        }
    }
    // The original page: "when the primary language is a Chinese dialect, optional languages are invalid". Listing
    // them can only be a mistake (whoever lists English expects it recognised), and no template-and-item
    // composition produces it (an item's `Languages` replaces the template's whole list).
    let primary = out.languages.as_ref().and_then(|l| l.first());
    if primary.is_some_and(|l| l == "zh-dialect") && n > 1 {
        c.invalid(
            "Languages",
            "with zh-dialect as the primary language no other language may be listed (the service ignores them)",
        );
    }
}

/// API.md #17-#22. `EndFunctionDesc`, `TransferItems` and `TransferToAgentItems` are accepted whatever their switch
/// says: the service ignores them when it is off, and a campaign item may turn off a switch its template turned
/// on. A switch on with no item is accepted too: nothing documents it as an error, and what the service then does
/// (no tool, or a default) is its business. The items themselves must be whole: their fields are required in the
/// service's definition (API.md, nested types).
fn check_functions(c: &mut Checker, req: &CreateAiCallRequest) {
    let transfer = req.transfer_items.as_deref().unwrap_or_default();
    if c.list_len("TransferItems".into(), transfer.len()) {
        let list = At::from("TransferItems");
        for (i, item) in transfer.iter().enumerate() {
            let AiTransferItem {
                transfer_function_name: name,
                transfer_function_desc: desc,
                transfer_skill_group_id: id,
            } = item;
            let here = list.index(i);
            let at = |f| here.key(f);
            c.tool_name(at("TransferFunctionName"), name, transfer.iter().take(i).map(|t| &t.transfer_function_name));
            c.required_free_text(at("TransferFunctionDesc"), desc, "when the LLM should transfer to a human");
            if *id == 0 {
                c.missing(
                    at("TransferSkillGroupId"),
                    "required: the id of the skill group to transfer to (a positive integer)",
                );
            }
        }
    }
    let agents = req.transfer_to_agent_items.as_deref().unwrap_or_default();
    if c.list_len("TransferToAgentItems".into(), agents.len()) {
        let list = At::from("TransferToAgentItems");
        for (i, item) in agents.iter().enumerate() {
            let TransferToAgentItem {
                transfer_to_agent_name: name,
                transfer_to_agent_desc: desc,
                transfer_to_agent_id: id,
            } = item;
            let here = list.index(i);
            let at = |f| here.key(f);
            c.tool_name(at("TransferToAgentName"), name, agents.iter().take(i).map(|t| &t.transfer_to_agent_name));
            c.required_free_text(at("TransferToAgentDesc"), desc, "when the LLM should hand over to this agent");
            if *id == 0 {
                c.missing(
                    at("TransferToAgentId"),
                    "required: the id of the AI agent to transfer to (a positive integer)",
                );
            }
        }
    }
}

/// API.md #27 and #31, `Variable`: `Key` and `Value` required (`Value` may be empty); one value per name, as which of
/// two the service would use is not documented.
fn check_variables(c: &mut Checker, list: &str, variables: Option<&[Variable]>) {
    let Some(variables) = variables else { return };
    let at = At::from(list);
    if !c.list_len(at, variables.len()) {
        return;
    }
    for (i, var) in variables.iter().enumerate() {
        let item = at.index(i);
        let key_path = item.key("Key");
        if var.key.trim().is_empty() {
            c.missing(key_path, "required: the variable's name");
        } else if c.name(key_path, &var.key) {
            if let Some(first) = variables.iter().take(i).position(|v| v.key == var.key) {
                c.invalid(key_path, format!("duplicate of `{list}[{first}].Key`"));
            }
        }
    }
}

/// API.md #29, `AICallExtractConfigElement`: `InfoType` one of the documented four, `InfoName` required and unique in
/// the list, `Choices` required for `Selector`.
fn check_extract_config(c: &mut Checker, req: &CreateAiCallRequest, out: &mut Cow<'_, CreateAiCallRequest>) {
    let Some(elements) = &req.extract_config else { return };
    let list = At::from("ExtractConfig");
    if !c.list_len(list, elements.len()) {
        return;
    }
    for (i, element) in elements.iter().enumerate() {
        let item = list.index(i);
        let at = |f| item.key(f);
        let info_type = if element.info_type.trim().is_empty() {
            c.missing(at("InfoType"), format!("required: one of {}", INFO_TYPES.join(", ")));
            None
        } else {
            let canonical = c.one_of(at("InfoType"), &element.info_type, &INFO_TYPES);
            if let Some(canonical) = canonical.filter(|v| *v != element.info_type) {
                if let Some(normalised) = &mut out.to_mut().extract_config {
                    canonical.clone_into(&mut normalised[i].info_type);
                }
            }
            canonical
        };
        if element.info_name.trim().is_empty() {
            c.missing(at("InfoName"), "required: the name of the information to extract, unique in the list");
        } else if c.name(at("InfoName"), &element.info_name) {
            if let Some(first) = elements[..i].iter().position(|e| e.info_name == element.info_name) {
                c.invalid(at("InfoName"), format!("duplicate of `ExtractConfig[{first}].InfoName`"));
            }
        }
        c.text_list(at("Examples"), element.examples.as_deref(), false);
        c.text_list(at("Choices"), element.choices.as_deref(), true);
        let no_choices = element.choices.as_ref().map_or(true, Vec::is_empty);
        if info_type == Some("Selector") && no_choices {
            c.missing(
                at("Choices"),
                format!("required when `ExtractConfig[{i}].InfoType` is Selector: the values to choose from"),
            );
        }
    }
}

/// API.md #34, `ToneWordInfo`: a timeout in seconds (one that is not a positive number never fires, or fires at
/// once), and filler words to say, none of them empty.
fn check_tone_word(c: &mut Checker, req: &CreateAiCallRequest) {
    let Some(tone) = &req.tone_word else { return };
    let at = At::from("ToneWord");
    if let Some(timeout) = tone.first_sentence_timeout {
        c.positive_f64(at.key("FirstSentenceTimeout"), timeout);
    }
    if let Some(words) = &tone.zh_tone_words {
        let at = at.key("ZHToneWords");
        for (name, list) in [("Neutral", &words.neutral), ("Positive", &words.positive), ("Negative", &words.negative)]
        {
            c.text_list(at.key(name), list.as_deref(), true);
        }
    }
}

/// `ExtraParams`, parameters the service added after this model: not one of the modelled ones (it would be sent
/// twice, or replace the checked value), and named as every parameter of the service is (PascalCase; a snake_case
/// key is a name of this SDK's, given in the wrong place). Their values are the service's business.
fn check_extra(c: &mut Checker, req: &CreateAiCallRequest) {
    let extra = At::from(EXTRA_PARAMS);
    for (key, value) in &req.extra {
        let path = extra.key(key);
        if let Some(modelled) = PARAMETERS.iter().find(|p| p.eq_ignore_ascii_case(key)) {
            c.invalid(
                path,
                format!("`{modelled}` is a modelled parameter: set it directly, not through `ExtraParams`"),
            );
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

/// The member of `set` that `value` spells, ignoring ASCII case.
fn canonical_of(value: &str, set: &[&'static str]) -> Option<&'static str> {
    set.iter().copied().find(|s| s.eq_ignore_ascii_case(value))
}

/// Collects problems; each helper reports at most one problem per path it is given.
#[derive(Default)]
pub(crate) struct Checker {
    errors: Vec<FieldError>,
    national: National,
}

impl Default for National {
    fn default() -> Self {
        National::Context(None)
    }
}

impl Checker {
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
        for e in self.errors.iter_mut().filter(|e| e.kind == crate::FieldErrorKind::Missing && e.path == path) {
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

    pub(crate) fn optional_name(&mut self, path: At<'_>, s: Option<&str>) {
        if let Some(s) = s {
            self.name(path, s);
        }
    }

    /// Present (not blank) and a clean name; `true` when present.
    pub(crate) fn required_name(&mut self, path: At<'_>, s: &str) -> bool {
        if s.trim().is_empty() {
            self.missing(path, "required");
            return false;
        }
        self.name(path, s);
        true
    }

    fn required_free_text(&mut self, path: At<'_>, s: &str, what: &str) {
        if s.trim().is_empty() {
            self.missing(path, format!("required: {what}"));
        }
    }

    /// A credential. Pasted keys often carry a stray space, a line break, quotes or a "Bearer " prefix (API.md
    /// section 4), and the call would then connect and fail mid-conversation; no provider issues keys with those.
    /// Never echoes the value.
    pub(crate) fn secret(&mut self, path: At<'_>, s: &str) {
        if s.trim().is_empty() {
            self.missing(path, "required");
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
    fn phone(&mut self, path: At<'_>, raw: &str) -> Option<String> {
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

    fn choice_u64(&mut self, path: &str, value: u64, allowed: &[u64], meaning: &str) {
        if !allowed.contains(&value) {
            self.invalid(path, format!("must be {meaning}; got {value}"));
        }
    }

    fn at_least(&mut self, path: &str, value: u64, min: u64, meaning: &str) {
        if value < min {
            self.invalid(path, format!("must be at least {min}: it is {meaning}; got {value}"));
        }
    }

    pub(crate) fn range_u64(&mut self, path: At<'_>, value: u64, min: u64, max: u64) {
        if !(min..=max).contains(&value) {
            let message = if max == u64::MAX {
                format!("must be at least {min}; got {value}")
            } else {
                format!("must be between {min} and {max}; got {value}")
            };
            self.invalid(path, message);
        }
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

    /// A list's length against [`MAX_LIST_LEN`]; `false` when too long (its entries are then not checked).
    fn list_len(&mut self, path: At<'_>, len: usize) -> bool {
        if len > MAX_LIST_LEN {
            self.invalid(path, format!("has {len} entries; at most {MAX_LIST_LEN} allowed"));
            return false;
        }
        true
    }

    /// A list of non-empty strings; `names` (choices, filler words) hold no control characters either.
    fn text_list(&mut self, path: At<'_>, list: Option<&[String]>, names: bool) {
        let Some(list) = list else { return };
        if !self.list_len(path, list.len()) {
            return;
        }
        for (i, s) in list.iter().enumerate() {
            let at = path.index(i);
            if s.trim().is_empty() {
                self.invalid(at, "must not be empty");
            } else if names {
                self.name(at, s);
            }
        }
    }

    /// A tool (function) name: present, clean, unique in its list (two tools of one name cannot be told apart by
    /// the LLM that calls them).
    fn tool_name<'a>(&mut self, path: At<'_>, name: &str, earlier: impl Iterator<Item = &'a String>) {
        if name.trim().is_empty() {
            self.missing(path, "required: the function name the LLM calls");
        } else if self.name(path, name) {
            if let Some(first) = earlier.into_iter().position(|n| n == name) {
                let path = path.to_string();
                let list = path.split('[').next().unwrap_or_default();
                let field = path.rsplit('.').next().unwrap_or_default();
                self.invalid(&path, format!("duplicate of `{list}[{first}].{field}`"));
            }
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
