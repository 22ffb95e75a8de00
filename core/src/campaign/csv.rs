//! Campaign input from a CSV file: one row per call. A column named after a parameter (wire, snake_case or
//! camelCase spelling, any letter case) fills that parameter; every other column becomes a `Variables` entry
//! (`var.` / `variables.` prefixes are stripped, so `var.model` is a variable even though `model` is a parameter;
//! `prompt_var.` columns go to `PromptVariables`). Empty cells are left out, so the template's value applies.
//! Each call keeps the file line its row starts on, so that a problem can say where to look
//! ([`CsvCalls::sources`] for [`super::Campaign::with_sources`]).

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

/// Calls read from CSV: one loose call object per row, and where each came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvCalls {
    pub calls: Vec<Value>,
    /// The file line each call's row starts on (the header is line 1).
    pub lines: Vec<u64>,
    /// The file, as the caller named it (none for text).
    pub file: Option<String>,
}

impl CsvCalls {
    /// One label per call: `patients.csv line 3` (or `line 3` for text).
    pub fn sources(&self) -> Vec<String> {
        self.lines
            .iter()
            .map(|line| match &self.file {
                Some(file) => format!("{file} line {line}"),
                None => format!("line {line}"),
            })
            .collect()
    }
}

/// Parse CSV text into one loose call object per row, keyed in `case`.
pub fn parse_calls_csv(text: &str, case: KeyCase) -> Result<CsvCalls> {
    let mut reader =
        ::csv::ReaderBuilder::new().trim(::csv::Trim::Headers).flexible(false).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| Error::Config(format!("CSV header: {e}")))?.clone();
    let columns: Vec<Column> = headers.iter().map(column).collect();
    let (mut calls, mut lines) = (Vec::new(), Vec::new());
    let mut cursor = LineCursor::default();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Error::Config(format!("CSV row {}: {e}", row + 2)))?;
        // The reader's own line number counts the blank lines skipped before a record as its start.
        let start = record.position().map_or(0, |p| p.byte() as usize);
        lines.push(cursor.line_of_record_at(text.as_bytes(), start));
        calls.push(build_call(columns.iter().zip(record.iter()), case));
    }
    Ok(CsvCalls { calls, lines, file: None })
}

/// One loose call from `(name, text)` pairs named and read as CSV columns and cells are (a command line's options):
/// parameters by any spelling with their text parsed by type, every other name a variable, `prompt_var.` names
/// prompt variables; empty texts left out.
pub fn call_from_texts<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, case: KeyCase) -> Value {
    let columns: Vec<(Column, &str)> = pairs.into_iter().map(|(name, text)| (column(name), text)).collect();
    build_call(columns.iter().map(|(c, t)| (c, *t)), case)
}

fn build_call<'a>(cells: impl Iterator<Item = (&'a Column, &'a str)>, case: KeyCase) -> Value {
    let mut call = Map::new();
    let (mut vars, mut prompt_vars) = (Vec::new(), Vec::new());
    for (col, cell) in cells {
        if cell.trim().is_empty() {
            continue;
        }
        match col {
            Column::Parameter(p) => {
                call.insert(case.key(p), cell_value(p, cell.trim()));
            }
            Column::Variable(name) => vars.push(json!({ case.key("Key"): name, case.key("Value"): cell })),
            Column::PromptVariable(name) => prompt_vars.push(json!({ case.key("Key"): name, case.key("Value"): cell })),
        }
    }
    if !vars.is_empty() {
        call.insert(case.key("Variables"), Value::Array(vars));
    }
    if !prompt_vars.is_empty() {
        call.insert(case.key("PromptVariables"), Value::Array(prompt_vars));
    }
    Value::Object(call)
}

/// Line numbers of byte offsets, counted forward once over the whole text.
#[derive(Default)]
struct LineCursor {
    byte: usize,
    line: u64,
}

impl LineCursor {
    /// The line of the first character of a record whose reading started at `start`, after the blank lines before it.
    fn line_of_record_at(&mut self, text: &[u8], start: usize) -> u64 {
        let first =
            start + text.get(start..).map_or(0, |rest| rest.iter().take_while(|b| matches!(b, b'\n' | b'\r')).count());
        let upto = first.min(text.len());
        self.line += text[self.byte.min(upto)..upto].iter().filter(|b| **b == b'\n').count() as u64;
        self.byte = self.byte.max(upto);
        self.line + 1
    }
}

/// Read a CSV file of calls (UTF-8, header row first). A file that cannot be read is an [`Error::Io`] keeping the
/// platform's reason (not found, permission denied); content that is not UTF-8 or not CSV is a configuration error.
pub fn read_calls_csv(path: &Path, case: KeyCase) -> Result<CsvCalls> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    let text =
        std::str::from_utf8(&bytes).map_err(|e| Error::Config(format!("{}: not UTF-8 text ({e})", path.display())))?;
    let calls = parse_calls_csv(text.trim_start_matches('\u{feff}'), case)?;
    Ok(CsvCalls { file: Some(path.display().to_string()), ..calls })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_map_to_parameters_and_variables() {
        let text = concat!(
            "callee,Name,var.model,VadLevel,Languages,enable_voicemail_detection,prompt_var.tone\n",
            "+86 130 0000 0001,Li,x,2,zh;en,true,warm\n",
            "008613000000002,,,,,,\n",
        );
        let calls = parse_calls_csv(text, KeyCase::Snake).unwrap().calls;
        assert_eq!(
            calls[0],
            json!({"callee": "+86 130 0000 0001", "vad_level": 2, "languages": ["zh", "en"],
                   "enable_voicemail_detection": true,
                   "variables": [{"key": "Name", "value": "Li"}, {"key": "model", "value": "x"}],
                   "prompt_variables": [{"key": "tone", "value": "warm"}]})
        );
        assert_eq!(calls[1], json!({"callee": "008613000000002"}));
    }

    #[test]
    fn options_read_like_columns() {
        let call = call_from_texts(
            [("sdk-app-id", "1400000000"), ("callee", "008613012345678"), ("callers", "a;b"), ("var.name", "Li")],
            KeyCase::Snake,
        );
        assert_eq!(
            call,
            json!({"sdk_app_id": 1400000000, "callee": "008613012345678", "callers": ["a", "b"],
                "variables": [{"key": "name", "value": "Li"}]})
        );
    }

    #[test]
    fn ragged_rows_are_errors() {
        assert!(parse_calls_csv("callee,name\n1,2,3\n", KeyCase::Camel).is_err());
    }

    #[test]
    fn keys_follow_the_caller_case() {
        let calls = parse_calls_csv("Callee,MaxCallDurationMs\n0086130,60000\n", KeyCase::Camel).unwrap().calls;
        assert_eq!(calls[0], json!({"callee": "0086130", "maxCallDurationMs": 60000}));
    }

    #[test]
    fn each_call_keeps_its_file_line() {
        let text = "callee,note\n0086130,a\n\n0086131,\"two\nlines\"\n0086132,c\n";
        let csv = parse_calls_csv(text, KeyCase::Snake).unwrap();
        assert_eq!(csv.lines, vec![2, 4, 6]);
        assert_eq!(csv.sources()[1], "line 4");
    }

    #[test]
    fn a_missing_file_is_an_io_error_with_its_reason_and_path() {
        let path = std::env::temp_dir().join("ccc-aicall-no-such-dir").join("patients.csv");
        let err = read_calls_csv(&path, KeyCase::Snake).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Io);
        assert_eq!(err.io_kind(), Some(std::io::ErrorKind::NotFound));
        assert_eq!(err.path(), Some(path.as_path()));
    }

    #[test]
    fn a_file_names_its_lines() {
        let path = std::env::temp_dir().join(format!("ccc-aicall-{}-patients.csv", std::process::id()));
        std::fs::write(&path, "\u{feff}callee\n0086130\n0086131\n").unwrap();
        let csv = read_calls_csv(&path, KeyCase::Snake).unwrap();
        assert_eq!(csv.sources(), vec![format!("{} line 2", path.display()), format!("{} line 3", path.display())]);
        std::fs::remove_file(path).ok();
    }
}
