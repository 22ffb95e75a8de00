//! Campaign input from a CSV file: one row per call. A column named after a parameter (wire, snake_case or
//! camelCase spelling, any letter case) fills that parameter; every other column becomes a `Variables` entry
//! (`var.` / `variables.` prefixes are stripped, so `var.model` is a variable even though `model` is a parameter;
//! `prompt_var.` columns go to `PromptVariables`). Empty cells are left out, so the template's value applies.

use crate::error::{Error, Result};
use crate::field::{to_snake, KeyCase};
use crate::request::PARAMETERS;
use serde_json::{json, Map, Value};
use std::path::Path;

/// Parameters whose wire type is a string: their cells are taken verbatim.
const STRING_PARAMETERS: [&str; 14] = [
    "Callee",
    "LLMType",
    "APIKey",
    "APIUrl",
    "SystemPrompt",
    "Model",
    "VoiceType",
    "WelcomeMessage",
    "EndFunctionDesc",
    "NotifyMessage",
    "CustomTTSConfig",
    "LLMExtraBody",
    "AmbientSoundType",
    "CustomSTTConfig",
];
/// List parameters: cells split on `;`.
const LIST_PARAMETERS: [&str; 2] = ["Callers", "Languages"];

enum Column {
    Parameter(&'static str),
    Variable(String),
    PromptVariable(String),
}

fn column(header: &str) -> Column {
    let h = header.trim();
    for prefix in ["prompt_var.", "prompt_variables.", "PromptVariables."] {
        if let Some(name) = h.strip_prefix(prefix) {
            return Column::PromptVariable(name.to_string());
        }
    }
    for prefix in ["var.", "var:", "variables.", "Variables."] {
        if let Some(name) = h.strip_prefix(prefix) {
            return Column::Variable(name.to_string());
        }
    }
    let norm = to_snake(h).replace(['-', ' '], "_").to_ascii_lowercase();
    match PARAMETERS.iter().find(|p| to_snake(p) == norm || p.eq_ignore_ascii_case(h)) {
        Some(p) => Column::Parameter(p),
        None => Column::Variable(h.to_string()),
    }
}

fn cell_value(parameter: &str, cell: &str) -> Value {
    if STRING_PARAMETERS.contains(&parameter) {
        return Value::String(cell.to_string());
    }
    if LIST_PARAMETERS.contains(&parameter) {
        return Value::Array(
            cell.split(';').map(str::trim).filter(|s| !s.is_empty()).map(|s| Value::String(s.into())).collect(),
        );
    }
    // Numbers, booleans and JSON lists/objects; anything else stays a string for validation to report.
    serde_json::from_str(cell).unwrap_or_else(|_| Value::String(cell.to_string()))
}

/// Parse CSV text into one loose call object per row, keyed in `case`.
pub fn parse_calls_csv(text: &str, case: KeyCase) -> Result<Vec<Value>> {
    let mut reader =
        ::csv::ReaderBuilder::new().trim(::csv::Trim::Headers).flexible(false).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| Error::Config(format!("CSV header: {e}")))?.clone();
    let columns: Vec<Column> = headers.iter().map(column).collect();
    let mut calls = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Error::Config(format!("CSV row {}: {e}", row + 2)))?;
        let mut call = Map::new();
        let (mut vars, mut prompt_vars) = (Vec::new(), Vec::new());
        for (col, cell) in columns.iter().zip(record.iter()) {
            if cell.trim().is_empty() {
                continue;
            }
            match col {
                Column::Parameter(p) => {
                    call.insert(case.key(p), cell_value(p, cell.trim()));
                }
                Column::Variable(name) => vars.push(json!({ case.key("Key"): name, case.key("Value"): cell })),
                Column::PromptVariable(name) => {
                    prompt_vars.push(json!({ case.key("Key"): name, case.key("Value"): cell }))
                }
            }
        }
        if !vars.is_empty() {
            call.insert(case.key("Variables"), Value::Array(vars));
        }
        if !prompt_vars.is_empty() {
            call.insert(case.key("PromptVariables"), Value::Array(prompt_vars));
        }
        calls.push(Value::Object(call));
    }
    Ok(calls)
}

/// Read a CSV file of calls (UTF-8, header row first).
pub fn read_calls_csv(path: &Path, case: KeyCase) -> Result<Vec<Value>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    parse_calls_csv(text.trim_start_matches('\u{feff}'), case)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_map_to_parameters_and_variables() {
        let text = "callee,Name,var.model,VadLevel,Languages,enable_voicemail_detection,prompt_var.tone\n+86 130 0000 0001,Li,x,2,zh;en,true,warm\n008613000000002,,,,,,\n";
        let calls = parse_calls_csv(text, KeyCase::Snake).unwrap();
        assert_eq!(
            calls[0],
            json!({"callee": "+86 130 0000 0001", "vad_level": 2, "languages": ["zh", "en"], "enable_voicemail_detection": true,
                   "variables": [{"key": "Name", "value": "Li"}, {"key": "model", "value": "x"}],
                   "prompt_variables": [{"key": "tone", "value": "warm"}]})
        );
        assert_eq!(calls[1], json!({"callee": "008613000000002"}));
    }

    #[test]
    fn ragged_rows_are_errors() {
        assert!(parse_calls_csv("callee,name\n1,2,3\n", KeyCase::Camel).is_err());
    }

    #[test]
    fn keys_follow_the_caller_case() {
        let calls = parse_calls_csv("Callee,MaxCallDurationMs\n0086130,60000\n", KeyCase::Camel).unwrap();
        assert_eq!(calls[0], json!({"callee": "0086130", "maxCallDurationMs": 60000}));
    }
}
