//! The Python clients' generated blocks: the keywords of `create_ai_call` (typed and run-time), the docstrings of
//! `Client` and `Client.create_ai_call`, and the stub of the native `Client.__new__`.
//!
//! A docstring cannot hold the marker comments of a block, so the generated ones are written whole: their prose
//! (Python's own words: threads, the GIL, the exceptions) is kept here, around what the declarations say.
//!
//! Everything written here is already in `ruff format`'s style (the lint gate checks it), so a block never
//! changes when the formatter runs after `make gen`.

use crate::docs::{self, PYTHON};
use crate::python_tts::class_name;
use ccc_aicall::config::{OptionType, OPTIONS};
use ccc_aicall::request::{EXTRA_PARAMS, EXTRA_PARAMS_DOC};
use ccc_aicall::schema::{FieldSpec, Group, Presence, RecordSpec, Type};
use ccc_aicall::tts::VENDORS;
use ccc_aicall::{KeyCase, SCHEMA};

/// The annotation of a `create_ai_call` keyword (the aliases are defined in `_client.py`).
fn annotation(ty: Type) -> &'static str {
    match ty {
        Type::Integer => "int",
        Type::Number => "float",
        Type::Boolean => "bool",
        Type::String => "str",
        Type::StringList => "Sequence[str]",
        Type::JsonText => "_JsonText",
        Type::Object { .. } => "Mapping[str, Any]",
        Type::ObjectList { .. } => "_Items",
        Type::TtsConfig => "_TtsValue",
    }
}

/// What a value of a nested field is, in words.
fn type_words(ty: Type) -> &'static str {
    match ty {
        Type::Integer => "int",
        Type::Number => "float",
        Type::Boolean => "bool",
        Type::String => "str",
        Type::StringList => "list of str",
        Type::JsonText => "dict or JSON str",
        Type::Object { .. } => "dict",
        Type::ObjectList { .. } => "list of dict",
        Type::TtsConfig => "TTS config",
    }
}

fn extra_params() -> String {
    KeyCase::Snake.key(EXTRA_PARAMS)
}

/// The runtime keywords: every one optional (`None`), so that the core reports everything missing at once.
pub fn keywords(_width: usize) -> Vec<String> {
    keyword_lines(false)
}

/// The keywords a type checker sees: the required parameters without a default.
pub fn typed_keywords(_width: usize) -> Vec<String> {
    keyword_lines(true)
}

fn keyword_lines(typed: bool) -> Vec<String> {
    let mut out: Vec<String> = SCHEMA
        .fields
        .iter()
        .map(|f| {
            if typed && f.presence != Presence::Optional {
                format!("{}: {},", f.name, annotation(f.ty))
            } else {
                format!("{}: Optional[{}] = None,", f.name, annotation(f.ty))
            }
        })
        .collect();
    out.push(format!("{}: Optional[Mapping[str, Any]] = None,", extra_params()));
    // Not a parameter of the request: the client's, for this call (`_params` takes it out).
    out.push("idempotency_key: Optional[str] = None,".to_string());
    out
}

/// The section of the reference each group of parameters is listed under.
fn title(group: Group) -> &'static str {
    match group {
        Group::Required => "Required",
        Group::Voice => "Voice and conversation",
        Group::Llm => "LLM",
        Group::Tools => "Tools",
        Group::CallControl => "Call control",
    }
}

const GROUPS: [Group; 5] = [Group::Required, Group::Voice, Group::Llm, Group::Tools, Group::CallControl];

/// The docstring of `Client.create_ai_call` (and of its typed twin, which type checkers and IDEs read): the prose
/// below around the parameter reference, one section per group.
pub fn create_ai_call_doc(width: usize) -> Vec<String> {
    let mut body = reflow(CREATE_AI_CALL_INTRO, width);
    body.push(String::new());
    for group in GROUPS {
        body.push(format!("{}:", title(group)));
        for f in SCHEMA.fields.iter().filter(|f| f.group == group) {
            body.extend(parameter(f, width));
        }
        if group == Group::CallControl {
            let (summary, details) = docs::lines(EXTRA_PARAMS_DOC);
            let text = std::iter::once(summary).chain(details).map(|l| PYTHON.text(l)).collect::<Vec<_>>().join(" ");
            body.extend(docs::wrap(&text, width, &format!("    {}: ", extra_params()), "        "));
        }
        body.push(String::new());
    }
    body.extend(reflow(&per_call(), width));
    body.push(String::new());
    body.extend(reflow(CREATE_AI_CALL_OUTCOMES, width));
    docstring(body)
}

/// The keyword of `create_ai_call` that is the client's, not the request's.
fn per_call() -> String {
    format!(
        "\
Per call (not sent to the service):
    idempotency_key: Send this call at most once per key (1 to {max} bytes, e.g. ``f\"appt-{{appt_id}}\"``): a
        repeat with the same key, in this process or any other sharing the client's ``redis_url``, sends nothing
        and returns the first call's result (``replayed`` True), or raises IdempotencyKeyPendingError while that
        call is in flight or after it ended with its outcome unknown. Remembered for the client's
        ``idempotency_ttl``. The key is claimed before anything is sent: with ``redis_url``, a Redis that cannot
        be reached raises StoreUnavailableError (nothing sent), whatever ``store_fallback_local`` says. A key
        reused for a different call is a ValidationError.",
        max = ccc_aicall::idempotency::MAX_KEY_LEN
    )
}

/// The prose of `create_ai_call`'s docstring, around the parameter reference.
const CREATE_AI_CALL_INTRO: &str = "\
Place one AI call: the service dials ``callee`` and an LLM agent talks. Returns its SessionId.

The request is validated first (every problem is reported at once, nothing is sent), then sent once, signed,
through the client's rate limiter. None means \"not set\" for every parameter. Nested values accept snake_case
keys or the service's PascalCase ones.";

const CREATE_AI_CALL_OUTCOMES: &str = "\
Returns:
    AiCallResult with ``session_id`` and ``request_id`` (``replayed`` True when an earlier call with the same
        ``idempotency_key`` placed it and nothing was sent now).

Raises:
    TypeError: an unknown keyword (the message suggests the closest name).
    ValidationError: the request breaks documented rules; ``errors`` lists each field; nothing was sent.
    RateLimitError, AuthenticationError, InvalidRequestError, CallRejectedError: the service refused; no call
        was placed.
    InternalServerError, OutcomeUnknownError: the call may have been placed (``outcome_unknown``); never
        blindly retry those. IdempotencyKeyPendingError (an OutcomeUnknownError): an earlier call with the same
        ``idempotency_key`` may have placed it; nothing was sent now.
    ApiConnectionError, ApiTimeoutError: nothing reached the service.
    StoreUnavailableError: the shared store (``redis_url``) could not be used; nothing was sent.";

/// The prose of the `Client` docstring, around its `Args:` (from the core's options).
const CLIENT_INTRO: &str = "\
A client for Tencent Cloud Contact Center's CreateAICall (and its sibling actions), blocking.

Safe to share between threads; every call releases the GIL while it waits, and works inside a running asyncio
loop (Jupyter). Ctrl-C stops a call in flight. Every option is resolved once, here: explicit argument, then
environment, then the default. None (the default for every argument) means \"environment, then default\".";

const CLIENT_RAISES: &str = "\
Raises:
    ConfigurationError: no credentials found, a credential given explicitly but blank (``secret_id=\"\"``: leave
        it out, or pass None, to read the environment), or an option is invalid.";

/// Prose wrapped to `width`: paragraphs (lines at the margin, joined), headings (`Raises:`), and entries four
/// spaces in whose continuation lines are eight spaces in.
fn reflow(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending: Option<(String, &str, &str)> = None;
    let flush = |pending: &mut Option<(String, &str, &str)>, out: &mut Vec<String>| {
        if let Some((text, first, rest)) = pending.take() {
            out.extend(docs::wrap(&text, width, first, rest));
        }
    };
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let continues = match &pending {
            Some((_, "", _)) => indent == 0 && !trimmed.is_empty(),
            Some(_) => indent == 8,
            None => false,
        };
        if continues {
            if let Some((text, _, _)) = pending.as_mut() {
                text.push(' ');
                text.push_str(trimmed);
            }
            continue;
        }
        flush(&mut pending, &mut out);
        match indent {
            _ if trimmed.is_empty() => out.push(String::new()),
            0 if trimmed.ends_with(':') => out.push(trimmed.to_string()),
            0 => pending = Some((trimmed.to_string(), "", "")),
            _ => pending = Some((trimmed.to_string(), "    ", "        ")),
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// A docstring: `"""` before the first line and on a line of its own after the last.
pub(crate) fn docstring(mut body: Vec<String>) -> Vec<String> {
    while body.last().is_some_and(String::is_empty) {
        body.pop();
    }
    for line in &body {
        assert!(!line.contains("\"\"\"") && !line.contains('\\'), "cannot put {line:?} in a docstring");
    }
    if let Some(first) = body.first_mut() {
        first.insert_str(0, "\"\"\"");
    }
    body.push("\"\"\"".to_string());
    body
}

/// One parameter: its documentation, and for a nested value the fields it takes.
fn parameter(f: &FieldSpec, width: usize) -> Vec<String> {
    let mut text = docs::paragraph(f, &PYTHON);
    match f.ty {
        Type::TtsConfig => {
            let classes: Vec<String> = VENDORS.iter().map(|v| PYTHON.code(&class_name(v))).collect();
            text.push_str(&format!(
                " A ``ccc_aicall.tts`` class ({}), the documented dict (``{{\"TTSType\": \"tencent\", ...}}``, \
                 snake_case keys too) or its JSON string.",
                classes.join(", ")
            ));
        }
        _ => text.push_str(&value_of(f.ty)),
    }
    let mut out = docs::wrap(&text, width, &format!("    {}: ", f.name), "        ");
    if let Type::Object { record } | Type::ObjectList { record } = f.ty {
        nested(record, 8, width, &mut out);
    }
    out
}

/// For a nested value, what introduces its fields.
fn value_of(ty: Type) -> String {
    let words = match ty {
        Type::Object { .. } => " A dict of:",
        Type::ObjectList { .. } => " A list of dicts, each of:",
        _ => return String::new(),
    };
    // The words stay on one line, with the last of the documentation.
    words.trim_start().split(' ').fold(String::new(), |glued, word| glued + &docs::GLUE.to_string() + word)
}

/// The fields of a nested record, `indent` spaces in, each with its type and whether it is required.
fn nested(record: &RecordSpec, indent: usize, width: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    for f in record.fields {
        let required = if f.presence == Presence::Optional { "" } else { ", required" };
        let text = docs::paragraph(f, &PYTHON) + &value_of(f.ty);
        let first = format!("{pad}{} ({}{required}): ", f.name, type_words(f.ty));
        out.extend(docs::wrap(&text, width, &first, &format!("{pad}    ")));
        if let Type::Object { record } | Type::ObjectList { record } = f.ty {
            nested(record, indent + 4, width, out);
        }
    }
}

/// The `Client` docstring: its prose and `Args:` from the core's options (Python names, seconds).
pub fn client_doc(width: usize) -> Vec<String> {
    let mut body = reflow(CLIENT_INTRO, width);
    body.push(String::new());
    body.push("Args:".to_string());
    for o in &OPTIONS {
        let text = docs::option_paragraph(o, &PYTHON, false);
        body.extend(docs::wrap(&text, width, &format!("    {}: ", o.name), "        "));
    }
    body.push(String::new());
    body.extend(reflow(CLIENT_RAISES, width));
    let mut out = docstring(body);
    // ruff format keeps a blank line between a class's docstring and what follows it (the closing marker).
    out.push(String::new());
    out
}

/// The keywords of the native `Client.__new__` in `_native.pyi`.
pub fn native_options(_width: usize) -> Vec<String> {
    OPTIONS
        .iter()
        .map(|o| {
            let ty = match o.ty {
                OptionType::String | OptionType::Secret => "str",
                OptionType::Path => "Union[str, PathLike[str]]",
                OptionType::Duration | OptionType::Number => "float",
                OptionType::Count => "int",
                OptionType::Bool => "bool",
            };
            format!("{}: Optional[{ty}] = None,", o.name)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_keywords_leave_out_the_default_of_required_parameters() {
        let typed = typed_keywords(120);
        assert_eq!(typed[0], "sdk_app_id: int,");
        assert!(typed.contains(&"system_prompt: Optional[str] = None,".to_string()));
        assert!(keywords(120).iter().all(|k| k.ends_with("= None,")));
        assert_eq!(typed[typed.len() - 2], "extra_params: Optional[Mapping[str, Any]] = None,");
        assert_eq!(typed.last().unwrap(), "idempotency_key: Optional[str] = None,");
    }
}
