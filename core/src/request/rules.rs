//! The rules that involve more than one field of the request (per-field rules come from each field's declaration),
//! and checking a whole request. Each rule says where it comes from: API.md section 2 ("#n" is the parameter's
//! row) or the original API page.

use super::{CreateAiCallRequest, ExtractConfigElement, EXTRA_PARAMS, LANGUAGES, PARAMETERS};
use crate::check::Checker;
use crate::field::{At, FieldError};
use crate::schema::Record;
use std::borrow::Cow;

/// What the caller's configuration adds to the rules, beyond the request itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationContext {
    /// Digits of the country calling code for numbers written without one (`86`); `None` refuses such numbers.
    pub default_country_code: Option<String>,
}

/// Every rule, on `req`; returns the normalised request and all problems, ordered as the parameters are
/// documented. The request is copied only when normalising changes something.
pub(crate) fn check<'a>(
    req: &'a CreateAiCallRequest,
    context: &ValidationContext,
) -> (Cow<'a, CreateAiCallRequest>, Vec<FieldError>) {
    let mut c = Checker::with_context(context);
    let out = match req.check_fields(At::Root, &mut c) {
        Some(normalised) => Cow::Owned(normalised),
        None => Cow::Borrowed(req),
    };
    let mut errors = c.into_errors();
    sort_by_parameter(&mut errors);
    (out, errors)
}

/// For records whose fields have no rule in common.
pub(crate) fn none<R>(_record: &R, _at: At<'_>, _c: &mut Checker) {}

/// The request's own rules, on the normalised request.
pub(crate) fn request(req: &CreateAiCallRequest, at: At<'_>, c: &mut Checker) {
    let llm = Some(req.llm_type.as_str()).filter(|l| super::LLM_TYPES.contains(l));
    // The original page requires SystemPrompt and Model; API.md #6/#7 keep them required for the protocols that
    // need a model and a prompt (openai, azure, minimax), optional for dify (its app holds them).
    if let Some(llm @ ("openai" | "azure" | "minimax")) = llm {
        let blank = |s: &Option<String>| s.as_deref().map_or(true, |s| s.trim().is_empty());
        if blank(&req.system_prompt) {
            c.missing(at.key("SystemPrompt"), format!("required when `LLMType` is {llm}: the agent's persona, rules and task"));
        }
        if blank(&req.model) {
            c.missing(at.key("Model"), format!("required when `LLMType` is {llm}: the model name, e.g. gpt-4o-mini"));
        }
    }
    // API.md #5: an Azure URL carries `?api-version=...`.
    if llm == Some("azure") {
        if let Ok(url) = url::Url::parse(&req.api_url) {
            let has_version = url.query_pairs().any(|(k, v)| k == "api-version" && !v.is_empty());
            if !has_version {
                c.invalid(
                    at.key("APIUrl"),
                    "with `LLMType` azure the URL must carry the api-version query parameter, \
                     e.g. https://my-resource.openai.azure.com?api-version=2024-06-01",
                );
            }
        }
    }
    // API.md #8 and the original page: leave VoiceType blank when CustomTTSConfig is used.
    if req.voice_type.is_some() && req.custom_tts_config.is_some() {
        c.invalid(
            at.key("VoiceType"),
            "leave `VoiceType` unset when `CustomTTSConfig` is given: they are alternatives",
        );
    }
    check_tools(req, at, c);
    // API.md #14: zh-dialect as the primary language takes no other (the service ignores them).
    if let Some(languages) = &req.languages {
        if languages.first().is_some_and(|l| l == LANGUAGES[2]) && languages.len() > 1 {
            c.invalid(
                at.key("Languages"),
                "with zh-dialect as the primary language no other language may be listed (the service ignores them)",
            );
        }
    }
}

/// A tool list and its switch go together.
fn check_tools(req: &CreateAiCallRequest, at: At<'_>, c: &mut Checker) {
    if let Some(desc) = &req.end_function_desc {
        let _ = desc;
        if req.end_function_enable != Some(true) {
            c.invalid(at.key("EndFunctionDesc"), "takes effect only with `EndFunctionEnable` set to true");
        }
    }
    let lists = [
        ("TransferItems", "TransferFunctionEnable", req.transfer_function_enable, req.transfer_items.as_ref().map(Vec::len)),
        (
            "TransferToAgentItems",
            "TransferToAgentEnable",
            req.transfer_to_agent_enable,
            req.transfer_to_agent_items.as_ref().map(Vec::len),
        ),
    ];
    for (list, switch, enabled, len) in lists {
        let len = len.unwrap_or(0);
        if len > 0 && enabled != Some(true) {
            c.invalid(at.key(list), format!("takes effect only with `{switch}` set to true"));
        }
        if enabled == Some(true) && len == 0 {
            c.missing(at.key(list), format!("required when `{switch}` is true: at least one item"));
        }
    }
}

/// API.md, `AICallExtractConfigElement`: Choices is required when InfoType is Selector.
pub(crate) fn extract_element(e: &ExtractConfigElement, at: At<'_>, c: &mut Checker) {
    if e.info_type == "Selector" && e.choices.as_ref().map_or(true, Vec::is_empty) {
        c.missing(at.key("Choices"), format!("required when `{}` is Selector: the values to choose from", at.key("InfoType")));
    }
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
