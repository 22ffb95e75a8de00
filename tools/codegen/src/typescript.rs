//! `node/index.d.ts`: `ClientOptions`, the request's value types (literal unions, nested records in camelCase
//! and in the service's own key names, the TTS vendors in both) and the members of `CreateAiCallParams`.

use crate::docs::{self, Style, NODE, WIRE};
use ccc_aicall::config::{OptionType, OPTIONS};
use ccc_aicall::request::{EXTRA_PARAMS, EXTRA_PARAMS_DOC, LANGUAGES, LLM_TYPES, VOICE_TYPES};
use ccc_aicall::schema::{FieldSpec, Presence, RecordSpec, Rule, Type};
use ccc_aicall::tts::{TTS_TYPE, VENDORS};
use ccc_aicall::{KeyCase, SCHEMA};

/// The long value lists that `index.d.ts` has always exported as named unions; shorter ones are written inline.
const NAMED_UNIONS: [(&str, &[&str]); 3] =
    [("LlmType", &LLM_TYPES), ("VoiceType", &VOICE_TYPES), ("AsrLanguage", &LANGUAGES)];

/// An integer range with at most this many values is written as a union of literals (`0 | 1 | 2 | 3`).
const SMALL_RANGE: f64 = 4.0;

/// How the keys of a record are spelled, and so which of the twin declarations a nested value refers to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// camelCase (`AiTransferItem`).
    Camel,
    /// The service's own names (`AiTransferItemWire`).
    Wire,
    /// The request's own parameters: a nested value may be given in either form.
    Params,
}

/// `/** text */` when it fits in `width`, else a wrapped block.
fn jsdoc(text: &str, width: usize) -> Vec<String> {
    assert!(!text.contains("*/"), "cannot put {text:?} in a comment");
    let one = format!("/** {} */", docs::unglue(text));
    if one.chars().count() <= width {
        return vec![one];
    }
    let mut out = vec!["/**".to_string()];
    out.extend(docs::wrap(text, width, " * ", " * "));
    out.push(" */".to_string());
    out
}

fn quoted(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| format!("'{v}'")).collect()
}

/// The TypeScript type of a field.
fn ts_type(f: &FieldSpec, form: Form) -> String {
    let named = |values: &[&str]| NAMED_UNIONS.iter().find(|(_, v)| *v == values).map(|(name, _)| name.to_string());
    match (f.ty, f.rule) {
        (Type::Integer, Rule::Choice { values }) => {
            values.iter().map(|(v, _)| v.to_string()).collect::<Vec<_>>().join(" | ")
        }
        (Type::Integer, Rule::Range { min, max })
            if max - min < SMALL_RANGE && min.fract() == 0.0 && max.fract() == 0.0 =>
        {
            (min as i64..=max as i64).map(|v| v.to_string()).collect::<Vec<_>>().join(" | ")
        }
        (Type::Integer | Type::Number, _) => "number".to_string(),
        (Type::Boolean, _) => "boolean".to_string(),
        (Type::String, Rule::OneOf { values }) => named(values).unwrap_or_else(|| quoted(values).join(" | ")),
        (Type::String, _) => "string".to_string(),
        (Type::StringList, Rule::OneOf { values }) => match named(values) {
            Some(name) => format!("{name}[]"),
            None => format!("Array<{}>", quoted(values).join(" | ")),
        },
        (Type::StringList, _) => "string[]".to_string(),
        (Type::JsonText, _) => "Record<string, unknown> | string".to_string(),
        (Type::Object { record }, _) => match form {
            Form::Camel => record.name.to_string(),
            Form::Wire => format!("{}Wire", record.name),
            Form::Params => format!("{0} | {0}Wire", record.name),
        },
        (Type::ObjectList { record }, _) => match form {
            Form::Camel => format!("{}[]", record.name),
            Form::Wire => format!("{}Wire[]", record.name),
            Form::Params => format!("Array<{0} | {0}Wire>", record.name),
        },
        (Type::TtsConfig, _) => "CustomTtsConfig | CustomTtsConfigCamel | string".to_string(),
    }
}

/// `name?: type;` with its documentation.
fn member(key: &str, optional: bool, ty: &str, doc: &str, width: usize) -> Vec<String> {
    let mut out = jsdoc(doc, width);
    out.push(format!("{key}{}: {ty};", if optional { "?" } else { "" }));
    out
}

fn field_member(f: &FieldSpec, form: Form, style: &Style, width: usize) -> Vec<String> {
    let key = style.case.key(f.wire);
    member(&key, f.presence == Presence::Optional, &ts_type(f, form), &docs::paragraph(f, style), width)
}

/// `export type Name = A | B;`, on one line when it fits.
fn union(doc: &str, name: &str, members: &[String], width: usize) -> Vec<String> {
    let mut out = jsdoc(doc, width);
    let one = format!("export type {name} = {};", members.join(" | "));
    if one.chars().count() <= width {
        out.push(one);
    } else {
        out.push(format!("export type {name} ="));
        let last = members.len() - 1;
        out.extend(members.iter().enumerate().map(|(i, m)| format!("  | {m}{}", if i == last { ";" } else { "" })));
    }
    out
}

fn interface(doc: &str, name: &str, members: Vec<String>, width: usize) -> Vec<String> {
    let mut out = jsdoc(doc, width);
    out.push(format!("export interface {name} {{"));
    out.extend(members.into_iter().map(|m| format!("  {m}")));
    out.push("}".to_string());
    out
}

/// The records nested in the request, each once, in the order they are first met.
fn nested_records() -> Vec<&'static RecordSpec> {
    fn walk(record: &'static RecordSpec, out: &mut Vec<&'static RecordSpec>) {
        for f in record.fields {
            if let Type::Object { record } | Type::ObjectList { record } = f.ty {
                if !out.iter().any(|r| std::ptr::eq(*r, record)) {
                    out.push(record);
                    walk(record, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(SCHEMA, &mut out);
    out
}

/// The declarations the parameters refer to: named unions, nested records (camelCase and wire twins), the TTS
/// vendors in the documented and the camelCase form, and the two unions of vendors.
pub fn request_types(width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let push = |decl: Vec<String>, out: &mut Vec<String>| {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(decl);
    };
    for (name, values) in NAMED_UNIONS {
        let field = SCHEMA.fields.iter().find(|f| matches!(f.rule, Rule::OneOf { values: v } if v == values));
        let field = field.unwrap_or_else(|| panic!("no parameter takes the values of {name}"));
        let doc = format!("The values of `{}`.", KeyCase::Camel.key(field.wire));
        push(union(&doc, name, &quoted(values), width), &mut out);
    }
    let inner = width - 2;
    for record in nested_records() {
        let (summary, _) = docs::lines(record.doc);
        let doc = format!("{} (`{}`).", NODE.text(summary).trim_end_matches('.'), record.wire);
        let members = record.fields.iter().flat_map(|f| field_member(f, Form::Camel, &NODE, inner)).collect();
        push(interface(&doc, record.name, members, width), &mut out);
        let doc = format!("`{}` with the service's own key names.", record.wire);
        let members = record.fields.iter().flat_map(|f| field_member(f, Form::Wire, &WIRE, inner)).collect();
        push(interface(&doc, &format!("{}Wire", record.name), members, width), &mut out);
    }
    for vendor in VENDORS.iter() {
        for (style, suffix, note) in [(&WIRE, "Config", ""), (&NODE, "ConfigCamel", ", with camelCase keys")] {
            let (summary, _) = docs::lines(vendor.doc);
            let doc = format!("{}{note}", style.text(summary).trim_end_matches('.'));
            let mut members = vec![format!("{}: '{}';", style.case.key(TTS_TYPE), vendor.wire)];
            members.extend(vendor.fields.iter().flat_map(|f| field_member(f, Form::Wire, style, inner)));
            push(interface(&format!("{doc}."), &format!("{}{suffix}", vendor.name), members, width), &mut out);
        }
    }
    let documented: Vec<String> = VENDORS.iter().map(|v| format!("{}Config", v.name)).collect();
    let doc = format!("`CustomTTSConfig` in the documented form, discriminated by `{TTS_TYPE}`.");
    push(union(&doc, "CustomTtsConfig", &documented, width), &mut out);
    let camel: Vec<String> = VENDORS.iter().map(|v| format!("{}ConfigCamel", v.name)).collect();
    let doc = format!("`CustomTTSConfig` with camelCase keys, discriminated by `{}`.", KeyCase::Camel.key(TTS_TYPE));
    push(union(&doc, "CustomTtsConfigCamel", &camel, width), &mut out);
    out
}

/// The members of `CreateAiCallParams`: every parameter in camelCase (required ones without `?`), then
/// `extraParams`.
pub fn params(width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for f in SCHEMA.fields {
        let required = if f.presence == Presence::Optional { "" } else { " (required)" };
        let doc = format!("`{}`{required}: {}", f.wire, docs::paragraph(f, &NODE));
        out.extend(member(&KeyCase::Camel.key(f.wire), required.is_empty(), &ts_type(f, Form::Params), &doc, width));
    }
    let (summary, details) = docs::lines(EXTRA_PARAMS_DOC);
    let doc = format!("`{EXTRA_PARAMS}`: {}", std::iter::once(summary).chain(details).collect::<Vec<_>>().join(" "));
    out.extend(member(&KeyCase::Camel.key(EXTRA_PARAMS), true, "Record<string, unknown>", &doc, width));
    out
}

/// The members of `ClientOptions`, from the core's options (Node names, milliseconds).
pub fn client_options(width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for o in &OPTIONS {
        let ty = match o.ty {
            OptionType::String | OptionType::Secret | OptionType::Path => "string",
            OptionType::Duration | OptionType::Count | OptionType::Number => "number",
            OptionType::Bool => "boolean",
        };
        out.extend(member(o.node, true, ty, &docs::option_paragraph(o, &NODE, true), width));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_unions_stay() {
        let field = |wire: &str| SCHEMA.field(wire).unwrap();
        assert_eq!(ts_type(field("LLMType"), Form::Params), "LlmType");
        assert_eq!(ts_type(field("Languages"), Form::Params), "AsrLanguage[]");
        assert_eq!(ts_type(field("WelcomeMessagePriority"), Form::Params), "0 | 2");
        assert_eq!(ts_type(field("VadLevel"), Form::Params), "0 | 1 | 2 | 3");
        assert_eq!(ts_type(field("AcquireTimeoutSecond"), Form::Params), "number");
        assert_eq!(ts_type(field("AmbientSoundType"), Form::Params), "'coffee_shops' | 'busy_office'");
        assert_eq!(ts_type(field("TransferItems"), Form::Params), "Array<AiTransferItem | AiTransferItemWire>");
    }

    #[test]
    fn every_nested_record_is_declared() {
        let names: Vec<&str> = nested_records().iter().map(|r| r.name).collect();
        assert_eq!(
            names,
            ["AiTransferItem", "TransferToAgentItem", "Variable", "ExtractConfigElement", "ToneWord", "ZhToneWords"]
        );
    }
}
