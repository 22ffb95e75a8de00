//! Every rule of API.md section 2, checked before anything is signed or sent.
//!
//! All problems are returned at once, each at its wire path, with a message a person can act on (other fields
//! are named in backticks so the bindings can spell them in their own case). Checking also normalises: phone
//! numbers to the service's `00...` form, and closed sets of names (voices, languages, ...) to their
//! canonical spelling, matched case-insensitively. No I/O.

use crate::field::{At, FieldError};
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
/// The most entries any list parameter may hold (Callers, TransferItems, Variables, ...); far above real use,
/// it bounds the work and the error list for input that comes from the network.
pub const MAX_LIST_LEN: usize = 100;
/// The most languages `Languages` may hold.
pub const MAX_LANGUAGES: usize = 4;
/// The largest string, in bytes, any parameter may hold.
pub const MAX_STRING_BYTES: usize = 64 * 1024;

/// Nesting beyond this in `extra` values is refused, so walking them cannot exhaust the stack.
const MAX_EXTRA_DEPTH: usize = 32;

impl CreateAiCallRequest {
    /// Check every rule; `Err` carries all problems, each at its wire path.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        self.normalised().map(|_| ())
    }

    /// The request as it goes on the wire (phones and names normalised), or every problem. Borrowed when it
    /// is already in normal form.
    pub(crate) fn normalised(&self) -> Result<Cow<'_, CreateAiCallRequest>, Vec<FieldError>> {
        let (out, errors) = check(self);
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// The phone number as the service wants it: digits only, a leading `+` written `00`, separators (spaces,
/// dashes, dots, parentheses) removed. `Err` says what is wrong, without echoing the number.
pub fn normalize_phone(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut out = String::with_capacity(trimmed.len() + 1);
    if plus {
        out.push_str("00");
    }
    for ch in rest.chars() {
        match ch {
            '0'..='9' => out.push(ch),
            ' ' | '-' | '.' | '(' | ')' => {}
            '+' => return Err("has a '+' that is not at the start".to_string()),
            other => {
                return Err(format!(
                    "contains {other:?}; a phone number is digits with an optional leading '+', \
                     separated by spaces, dashes, dots or parentheses"
                ))
            }
        }
    }
    // Count the digits the caller wrote, not the `00` that stands for their `+`.
    match out.len() - if plus { 2 } else { 0 } {
        0 => Err("has no digits".to_string()),
        n if n < 3 => Err(format!("has {n} digits; at least 3 expected")),
        n if n > 20 => Err(format!("has {n} digits; at most 20 allowed")),
        _ => Ok(out),
    }
}

/// Every rule, on `req`; returns the normalised request and all problems. The request is copied only when
/// normalising changes something.
pub(crate) fn check(req: &CreateAiCallRequest) -> (Cow<'_, CreateAiCallRequest>, Vec<FieldError>) {
    let mut c = Checker::default();
    let mut out = Cow::Borrowed(req);

    if req.sdk_app_id == 0 {
        c.missing(
            "SdkAppId",
            "required: your CCC application id, a positive integer (https://console.tencentcloud.com/ccc)",
        );
    }
    if req.callee.trim().is_empty() {
        c.missing("Callee", "required: the number to call, e.g. 008613012345678");
    } else if let Some(phone) = c.phone("Callee".into(), &req.callee) {
        if phone != req.callee {
            out.to_mut().callee = phone;
        }
    }

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
    c.secret("APIKey".into(), &req.api_key);
    if req.api_url.trim().is_empty() {
        c.missing("APIUrl", "required: the LLM base URL, e.g. https://api.openai.com/v1/");
    } else if let Some(url) = c.http_url("APIUrl".into(), &req.api_url) {
        let has_version = url.query_pairs().any(|(k, v)| k == "api-version" && !v.is_empty());
        if llm == Some("azure") && !has_version {
            c.invalid(
                "APIUrl",
                "with `LLMType` azure the URL must carry the api-version query parameter, \
                 e.g. https://my-resource.openai.azure.com?api-version=2024-06-01",
            );
        }
    }
    let needs_prompt = matches!(llm, Some("openai" | "azure" | "minimax"));
    check_prompt_and_model(&mut c, req, llm.filter(|_| needs_prompt));

    check_voice(&mut c, req, &mut out);
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
    c.optional_free_text("WelcomeMessage".into(), req.welcome_message.as_deref());
    if let Some(v) = req.welcome_type {
        c.choice_u64("WelcomeType", v, &[0, 1], "0 (speak `WelcomeMessage`) or 1 (the LLM greets first)");
    }
    if let Some(v) = req.welcome_message_priority {
        c.choice_u64("WelcomeMessagePriority", v, &[0, 2], "0 (the greeting can be interrupted) or 2 (it cannot)");
    }
    if let Some(v) = req.max_duration {
        // Milliseconds of silence: a value in seconds (60) would hang up at the first pause.
        c.at_least("MaxDuration", v, 1000, "milliseconds of user silence before hanging up (default 60000)");
    }
    check_languages(&mut c, req, &mut out);
    if let Some(v) = req.interrupt_mode {
        c.choice_u64("InterruptMode", v, &[0, 1], "0 (the callee can interrupt) or 1 (no interruption)");
    }
    if let Some(v) = req.interrupt_speech_duration {
        c.at_least("InterruptSpeechDuration", v, 1, "milliseconds of speech that interrupt the agent (default 500)");
    }
    check_functions(&mut c, req);
    if let Some(v) = req.notify_duration {
        c.at_least("NotifyDuration", v, 10, "seconds of silence before a nudge (minimum 10)");
    }
    c.optional_free_text("NotifyMessage".into(), req.notify_message.as_deref());
    if let Some(v) = req.notify_max_count {
        c.at_least("NotifyMaxCount", v, 1, "the most nudges per call (leave it unset for no limit)");
    }
    if let Some(tts) = &req.custom_tts_config {
        if let Some(normalised) = tts.check("CustomTTSConfig".into(), &mut c) {
            out.to_mut().custom_tts_config = Some(normalised);
        }
    }
    check_variables(&mut c, "PromptVariables", req.prompt_variables.as_deref());
    if let Some(v) = req.vad_silence_time {
        c.range_u64("VadSilenceTime".into(), v, 240, 2000);
    }
    check_extract_config(&mut c, req, &mut out);
    if let Some(v) = req.temperature {
        c.range_f64("Temperature".into(), v, 0.0, 2.0);
    }
    check_variables(&mut c, "Variables", req.variables.as_deref());
    if let Some(v) = req.top_p {
        c.range_f64("TopP".into(), v, 0.0, 1.0);
    }
    if let Some(v) = req.vad_level {
        c.range_u64("VadLevel".into(), v, 0, 3);
    }
    check_tone_word(&mut c, req);
    if let Some(body) = &req.llm_extra_body {
        if c.text("LLMExtraBody".into(), body, true) && !matches!(serde_json::from_str(body), Ok(Value::Object(_))) {
            c.invalid("LLMExtraBody", "must be a JSON string holding an object, e.g. {\"max_tokens\": 256}");
        }
    }
    if let Some(v) = req.max_call_duration_ms {
        c.at_least("MaxCallDurationMs", v, 1000, "the longest call in milliseconds");
    }
    if let Some(v) = req.max_ring_timeout_second {
        c.at_least("MaxRingTimeoutSecond", v, 1, "seconds of ringing before giving up");
    }
    if let Some(sound) = &req.ambient_sound_type {
        if let Some(canonical) = c.one_of("AmbientSoundType".into(), sound, &AMBIENT_SOUND_TYPES) {
            if canonical != sound {
                out.to_mut().ambient_sound_type = Some(canonical.to_string());
            }
        }
    }
    if let Some(v) = req.ambient_sound_volume {
        c.range_f64("AmbientSoundVolume".into(), v, 0.0, 2.0);
    }
    if let Some(v) = req.acquire_timeout_second {
        c.range_u64("AcquireTimeoutSecond".into(), v, 0, 5);
    }
    if let Some(stt) = &req.custom_stt_config {
        c.text("CustomSTTConfig".into(), stt, true);
    }
    check_extra(&mut c, req);
    sort_by_parameter(&mut c.errors);
    (out, c.errors)
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
    c.optional_free_text("SystemPrompt".into(), req.system_prompt.as_deref());
    c.optional_text("Model".into(), req.model.as_deref());
}

fn check_voice(c: &mut Checker, req: &CreateAiCallRequest, out: &mut Cow<'_, CreateAiCallRequest>) {
    let Some(voice) = &req.voice_type else { return };
    // The original page asks callers to "leave VoiceType blank" when using CustomTTSConfig: blank means unset.
    if voice.trim().is_empty() {
        out.to_mut().voice_type = None;
        return;
    }
    if let Some(canonical) = c.one_of("VoiceType".into(), voice, &VOICE_TYPES) {
        if canonical != voice {
            out.to_mut().voice_type = Some(canonical.to_string());
        }
    }
    if req.custom_tts_config.is_some() {
        c.invalid("VoiceType", "leave `VoiceType` unset when `CustomTTSConfig` is given: they are alternatives");
    }
}

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
    let primary = out.languages.as_ref().and_then(|l| l.first());
    if primary.is_some_and(|l| l == "zh-dialect") && n > 1 {
        c.invalid(
            "Languages",
            "with zh-dialect as the primary language no other language may be listed (the service ignores them)",
        );
    }
}

fn check_functions(c: &mut Checker, req: &CreateAiCallRequest) {
    if let Some(desc) = &req.end_function_desc {
        c.text("EndFunctionDesc".into(), desc, true);
        if req.end_function_enable != Some(true) {
            c.invalid("EndFunctionDesc", "takes effect only with `EndFunctionEnable` set to true");
        }
    }
    let transfer = req.transfer_items.as_deref().unwrap_or_default();
    check_tool_list(c, "TransferItems", "TransferFunctionEnable", req.transfer_function_enable, transfer.len());
    if transfer.len() <= MAX_LIST_LEN {
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
    check_tool_list(c, "TransferToAgentItems", "TransferToAgentEnable", req.transfer_to_agent_enable, agents.len());
    if agents.len() <= MAX_LIST_LEN {
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

/// A tool list and its switch go together: items need the switch on, the switch on needs an item.
fn check_tool_list(c: &mut Checker, list: &str, switch: &str, enabled: Option<bool>, len: usize) {
    if len > 0 && enabled != Some(true) {
        c.invalid(list, format!("takes effect only with `{switch}` set to true"));
    }
    if enabled == Some(true) && len == 0 {
        c.missing(list, format!("required when `{switch}` is true: at least one item"));
    }
    c.list_len(list.into(), len);
}

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
        } else if c.text(key_path, &var.key, false) {
            if let Some(first) = variables.iter().take(i).position(|v| v.key == var.key) {
                c.invalid(key_path, format!("duplicate of `{list}[{first}].Key`"));
            }
        }
        c.text(item.key("Value"), &var.value, true);
    }
}

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
        } else if c.text(at("InfoName"), &element.info_name, false) {
            if let Some(first) = elements[..i].iter().position(|e| e.info_name == element.info_name) {
                c.invalid(at("InfoName"), format!("duplicate of `ExtractConfig[{first}].InfoName`"));
            }
        }
        c.optional_free_text(at("InfoContent"), element.info_content.as_deref());
        c.text_list(at("Examples"), element.examples.as_deref(), true);
        c.text_list(at("Choices"), element.choices.as_deref(), false);
        let no_choices = element.choices.as_ref().map_or(true, Vec::is_empty);
        if info_type == Some("Selector") && no_choices {
            c.missing(
                at("Choices"),
                format!("required when `ExtractConfig[{i}].InfoType` is Selector: the values to choose from"),
            );
        }
    }
}

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
            c.text_list(at.key(name), list.as_deref(), false);
        }
    }
}

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
        c.raw_value(path, value, 0);
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

    pub(crate) fn optional_text(&mut self, path: At<'_>, s: Option<&str>) {
        if let Some(s) = s {
            self.text(path, s, false);
        }
    }

    fn optional_free_text(&mut self, path: At<'_>, s: Option<&str>) {
        if let Some(s) = s {
            self.text(path, s, true);
        }
    }

    /// Present (not blank) and clean single-line text; `true` when present.
    pub(crate) fn required_text(&mut self, path: At<'_>, s: &str) -> bool {
        if s.trim().is_empty() {
            self.missing(path, "required");
            return false;
        }
        self.text(path, s, false);
        true
    }

    fn required_free_text(&mut self, path: At<'_>, s: &str, what: &str) {
        if s.trim().is_empty() {
            self.missing(path, format!("required: {what}"));
        } else {
            self.text(path, s, true);
        }
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
    fn phone(&mut self, path: At<'_>, raw: &str) -> Option<String> {
        match normalize_phone(raw) {
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

    /// A list of non-empty strings.
    fn text_list(&mut self, path: At<'_>, list: Option<&[String]>, free: bool) {
        let Some(list) = list else { return };
        if !self.list_len(path, list.len()) {
            return;
        }
        for (i, s) in list.iter().enumerate() {
            let at = path.index(i);
            if s.trim().is_empty() {
                self.invalid(at, "must not be empty");
            } else {
                self.text(at, s, free);
            }
        }
    }

    /// A tool (function) name: present, clean, unique in its list.
    fn tool_name<'a>(&mut self, path: At<'_>, name: &str, earlier: impl Iterator<Item = &'a String>) {
        if name.trim().is_empty() {
            self.missing(path, "required: the function name the LLM calls");
        } else if self.text(path, name, false) {
            if let Some(first) = earlier.into_iter().position(|n| n == name) {
                let path = path.to_string();
                let list = path.split('[').next().unwrap_or_default();
                let field = path.rsplit('.').next().unwrap_or_default();
                self.invalid(&path, format!("duplicate of `{list}[{first}].{field}`"));
            }
        }
    }

    /// Strings inside a raw `extra` value: size and control characters, and bounded nesting.
    fn raw_value(&mut self, path: At<'_>, value: &Value, depth: usize) {
        if depth > MAX_EXTRA_DEPTH {
            self.invalid(path, format!("is nested more than {MAX_EXTRA_DEPTH} levels deep"));
            return;
        }
        match value {
            Value::String(s) => {
                self.text(path, s, true);
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.raw_value(path.index(i), item, depth + 1);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.raw_value(path.key(k), v, depth + 1);
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
