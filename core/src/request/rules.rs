//! The rules that involve more than one field of the request (per-field rules come from each field's declaration),
//! and checking a whole request. Each rule says where it comes from: API.md section 2 ("#n" is the parameter's
//! row) or the original API page.

use super::{CreateAiCallRequest, ExtractConfigElement, EXTRA_PARAMS, LANGUAGES, LLM_TYPES, PARAMETERS};
use crate::check::{Checker, National};
use crate::field::{At, FieldError};
use crate::phone::CountryCode;
use crate::schema::Record;
use std::borrow::Cow;
use url::Url;

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

/// Every rule, on `req`; returns the normalised request and all problems, ordered as the parameters are
/// documented. The request is copied only when normalising changes something.
pub(crate) fn check(req: &CreateAiCallRequest, national: National) -> (Cow<'_, CreateAiCallRequest>, Vec<FieldError>) {
    let mut c = Checker::new(national);
    let out = match req.check_fields(At::Root, &mut c) {
        Some(normalised) => Cow::Owned(normalised),
        None => Cow::Borrowed(req),
    };
    let mut errors = c.into_errors();
    sort_by_parameter(&mut errors);
    (out, errors)
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

/// For records whose fields have no rule in common.
pub(crate) fn none<R>(_record: &R, _at: At<'_>, _c: &mut Checker) {}

/// The request's own rules, on the normalised request.
pub(crate) fn request(req: &CreateAiCallRequest, at: At<'_>, c: &mut Checker) {
    let llm = Some(req.llm_type.as_str()).filter(|l| LLM_TYPES.contains(l));
    // API.md section 2: the original page required SystemPrompt and Model; kept for the protocols that need a model
    // and a prompt (openai, azure, minimax), optional for dify (its app holds them).
    if let Some(llm @ ("openai" | "azure" | "minimax")) = llm {
        let blank = |s: &Option<String>| s.as_deref().map_or(true, |s| s.trim().is_empty());
        if blank(&req.system_prompt) {
            let message = format!("required when `LLMType` is {llm}: the agent's persona, rules and task");
            c.missing(at.key("SystemPrompt"), message);
        }
        if blank(&req.model) {
            c.missing(at.key("Model"), format!("required when `LLMType` is {llm}: the model name, e.g. gpt-4o-mini"));
        }
    }
    // API.md #5: an Azure resource URL carries `?api-version=...`; Azure's `/openai/v1/` endpoints take no version.
    // A bare resource URL with neither cannot be called.
    if llm == Some("azure") {
        if let Ok(url) = Url::parse(&req.api_url) {
            let has_version = url.query_pairs().any(|(k, v)| k == "api-version" && !v.is_empty());
            if !has_version && !is_azure_v1(&url) {
                c.invalid(
                    at.key("APIUrl"),
                    "with `LLMType` azure the URL must carry the api-version query parameter \
                     (https://my-resource.openai.azure.com?api-version=2024-06-01) or be a /openai/v1/ endpoint \
                     (https://my-resource.openai.azure.com/openai/v1/)",
                );
            }
        }
    }
    // API.md #8 and #26: the original page makes them alternatives ("leave VoiceType blank" with CustomTTSConfig).
    if req.voice_type.is_some() && req.custom_tts_config.is_some() {
        c.invalid(
            at.key("VoiceType"),
            "leave `VoiceType` unset when `CustomTTSConfig` is given: they are alternatives",
        );
    }
    // API.md #17-#22 have no rule here: `EndFunctionDesc`, `TransferItems` and `TransferToAgentItems` are taken
    // whatever their switch says (the service ignores them when it is off, and a campaign item may turn off a switch
    // its template turned on), and a switch on with no item is not documented as an error.
    //
    // The original page: "when the primary language is a Chinese dialect, optional languages are invalid". Listing
    // them can only be a mistake (whoever lists English expects it recognised), and no template-and-item
    // composition produces it (an item's `Languages` replaces the template's whole list).
    if let Some(languages) = &req.languages {
        if languages.first().is_some_and(|l| l == LANGUAGES[2]) && languages.len() > 1 {
            c.invalid(
                at.key("Languages"),
                "with zh-dialect as the primary language no other language may be listed (the service ignores them)",
            );
        }
    }
}

/// Azure OpenAI's v1 API (`https://{resource}.openai.azure.com/openai/v1/`, or behind a gateway) is versionless.
fn is_azure_v1(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    path.ends_with("/openai/v1") || path.contains("/openai/v1/")
}

/// API.md, `AICallExtractConfigElement`: `Choices` is required when `InfoType` is Selector.
pub(crate) fn extract_element(e: &ExtractConfigElement, at: At<'_>, c: &mut Checker) {
    if e.info_type == "Selector" && e.choices.as_ref().map_or(true, Vec::is_empty) {
        c.missing(
            at.key("Choices"),
            format!("required when `{}` is Selector: the values to choose from", at.key("InfoType")),
        );
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
