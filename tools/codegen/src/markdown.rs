//! The READMEs' tables: the client's options (all three languages in the main README, one language in each
//! package's README) and every parameter of `CreateAICall` in the package's spelling.

use crate::docs::{self, Style, NODE_MD, PYTHON_MD};
use ccc_aicall::config::{OptionSpec, OPTIONS};
use ccc_aicall::request::{EXTRA_PARAMS, EXTRA_PARAMS_DOC};
use ccc_aicall::schema::{FieldSpec, Presence, Type};
use ccc_aicall::SCHEMA;

/// A table row; `|` in a cell is escaped.
fn row(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| docs::unglue(c).replace('|', "\\|")).collect();
    format!("| {} |", cells.join(" | "))
}

fn header(names: &[&str]) -> Vec<String> {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    vec![row(&names), format!("|{}", "---|".repeat(names.len()))]
}

fn env(o: &OptionSpec) -> String {
    o.env.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", then ")
}

/// The first line of an option's documentation.
fn option_summary(o: &OptionSpec) -> String {
    docs::lines(o.doc).0.to_string()
}

/// The main README: each option's name in Python, Node and Rust, where else it comes from, its default.
pub fn options_all(_width: usize) -> Vec<String> {
    let mut out = header(&["Python", "Node", "Rust (`ClientConfig`)", "Environment", "Default", "What it is"]);
    for o in &OPTIONS {
        let default = match (docs::option_default(o, false), docs::option_default(o, true)) {
            (Some(python), Some(node)) if python != node => format!("{python} ({node} in Node)"),
            (Some(python), _) => python,
            _ => "none".to_string(),
        };
        let name = format!("`{}`", o.name);
        out.push(row(&[name.clone(), format!("`{}`", o.node), name, env(o), default, option_summary(o)]));
    }
    out
}

/// A package README's option table, in that package's names and units.
fn options(node: bool) -> Vec<String> {
    let mut out = header(&["option", "environment", "default", "what it is"]);
    for o in &OPTIONS {
        let default = docs::option_default(o, node).unwrap_or_else(|| "none".to_string());
        let name = if node { o.node } else { o.name };
        out.push(row(&[format!("`{name}`"), env(o), default, option_summary(o)]));
    }
    out
}

pub fn python_options(_width: usize) -> Vec<String> {
    options(false)
}

pub fn node_options(_width: usize) -> Vec<String> {
    options(true)
}

fn python_type(ty: Type) -> &'static str {
    match ty {
        Type::Integer => "int",
        Type::Number => "float",
        Type::Boolean => "bool",
        Type::String => "str",
        Type::StringList => "list of str",
        Type::JsonText => "dict or JSON str",
        Type::Object { .. } => "dict",
        Type::ObjectList { .. } => "list of dict",
        Type::TtsConfig => "`tts` class, dict or JSON str",
    }
}

fn node_type(ty: Type) -> &'static str {
    match ty {
        Type::Integer | Type::Number => "number",
        Type::Boolean => "boolean",
        Type::String => "string",
        Type::StringList => "string[]",
        Type::JsonText => "object or JSON string",
        Type::Object { .. } => "object",
        Type::ObjectList { .. } => "object[]",
        Type::TtsConfig => "object or JSON string",
    }
}

/// Every parameter: name, wire name, type, unit, default, whether it is required, and its summary.
fn parameters(style: &Style, type_of: fn(Type) -> &'static str, object: &str) -> Vec<String> {
    let name = if style.case == ccc_aicall::KeyCase::Camel { "property" } else { "keyword" };
    let mut out = header(&[name, "wire name", "type", "unit", "default", "required", "what it is"]);
    for f in SCHEMA.fields {
        out.push(row(&[
            format!("`{}`", style.case.key(f.wire)),
            format!("`{}`", f.wire),
            type_of(f.ty).to_string(),
            f.unit.map(|u| style.unit(u).to_string()).unwrap_or_default(),
            f.default.map(|d| style.value(d, f.ty)).unwrap_or_default(),
            required(f, style),
            style.text(docs::lines(f.doc).0),
        ]));
    }
    out.push(row(&[
        format!("`{}`", style.case.key(EXTRA_PARAMS)),
        String::new(),
        object.to_string(),
        String::new(),
        String::new(),
        String::new(),
        docs::lines(EXTRA_PARAMS_DOC).0.to_string(),
    ]));
    out
}

fn required(f: &FieldSpec, style: &Style) -> String {
    match f.presence {
        Presence::Optional => docs::required_when(f, style).map(|r| lower_first(&r)).unwrap_or_default(),
        _ => "yes".to_string(),
    }
}

/// "Required unless ..." -> "required unless ...", for a table cell.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

pub fn python_parameters(_width: usize) -> Vec<String> {
    parameters(&PYTHON_MD, python_type, "dict")
}

pub fn node_parameters(_width: usize) -> Vec<String> {
    parameters(&NODE_MD, node_type, "object")
}
