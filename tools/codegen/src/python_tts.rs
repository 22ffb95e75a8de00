//! `python/ccc_aicall/tts.py`: one frozen dataclass per TTS vendor, from `ccc_aicall::tts::VENDORS`. Each field
//! carries its wire name and whether it is a credential in its metadata, which `TtsConfig.to_dict` and `__repr__`
//! read: Python keeps no table of wire names of its own.

use crate::docs::{self, PYTHON};
use ccc_aicall::schema::{FieldSpec, Presence, RecordSpec, Type};
use ccc_aicall::tts::VENDORS;

/// `Tencent` for the record of `TTSType` "tencent": the classes have always been named after the vendor.
pub(crate) fn class_name(vendor: &RecordSpec) -> String {
    let mut chars = vendor.wire.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// `__all__` of `ccc_aicall.tts`.
pub fn tts_all(_width: usize) -> Vec<String> {
    let names: Vec<String> =
        std::iter::once("TtsConfig".to_string()).chain(VENDORS.iter().map(|v| class_name(v))).collect();
    vec![format!("__all__ = [{}]", names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", "))]
}

/// One frozen dataclass per TTS vendor. Fields keep the record's order with the required ones first (a dataclass
/// needs that, and it is the positional order users rely on); each carries its wire name and whether it is a
/// secret, which `TtsConfig.to_dict` and `__repr__` read.
pub fn tts_vendors(width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for vendor in VENDORS.iter() {
        if !out.is_empty() {
            out.extend([String::new(), String::new()]);
        }
        out.push("@dataclass(frozen=True, repr=False)".to_string());
        out.push(format!("class {}(TtsConfig):", class_name(vendor)));
        let fields = python_order(vendor);
        let (summary, details) = docs::lines(vendor.doc);
        let mut doc = vec![PYTHON.text(summary)];
        doc.extend(details.iter().map(|l| PYTHON.text(l)));
        doc.push(String::new());
        doc.push("Args:".to_string());
        for f in &fields {
            let text = docs::paragraph(f, &PYTHON);
            doc.extend(docs::wrap(&text, width - 4, &format!("    {}: ", f.name), "        "));
        }
        out.extend(crate::python::docstring(doc).into_iter().map(|l| indent(&l)));
        out.push(String::new());
        out.push(format!("    tts_type: ClassVar[str] = \"{}\"", vendor.wire));
        out.push(String::new());
        for f in &fields {
            let ty = match f.ty {
                Type::Integer => "int",
                Type::Number => "float",
                Type::Boolean => "bool",
                Type::String => "str",
                other => panic!("{}.{}: a TTS setting of type {other:?} has no Python form yet", vendor.name, f.wire),
            };
            let secret = if f.secret { ", \"secret\": True" } else { "" };
            let metadata = format!("metadata={{\"wire\": \"{}\"{secret}}}", f.wire);
            out.push(if f.presence == Presence::Optional {
                format!("    {}: Optional[{ty}] = field(default=None, {metadata})", f.name)
            } else {
                format!("    {}: {ty} = field({metadata})", f.name)
            });
        }
    }
    // ruff format keeps two blank lines between a class and the top-level comment (the closing marker) after it.
    out.extend([String::new(), String::new()]);
    out
}

/// A vendor's fields in the order of the Python class: required first, each group in declaration order.
fn python_order(vendor: &RecordSpec) -> Vec<&FieldSpec> {
    let (required, optional): (Vec<&FieldSpec>, Vec<&FieldSpec>) =
        vendor.fields.iter().partition(|f| f.presence != Presence::Optional);
    required.into_iter().chain(optional).collect()
}

fn indent(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!("    {line}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_classes_keep_their_names_and_positional_order() {
        let names: Vec<String> = VENDORS.iter().map(|v| class_name(v)).collect();
        assert_eq!(names, ["Tencent", "Minimax", "Volcengine", "Azure", "Custom"]);
        let minimax: Vec<&str> = python_order(VENDORS[1]).iter().map(|f| f.name).collect();
        assert_eq!(minimax, ["api_key", "group_id", "model", "api_url", "voice_type", "speed"]);
    }
}
