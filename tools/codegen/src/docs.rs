//! The documentation of a field or an option, put into words for one language: the declaration's summary and
//! detail lines (with the field names they mention in backticks spelled the language's way), then what the
//! declaration states as data (unit, bounds, allowed values, default, secrecy).

use ccc_aicall::config::{OptionSpec, OptionType};
use ccc_aicall::schema::{FieldSpec, Rule, Type, Unit};
use ccc_aicall::KeyCase;

/// How one language writes documentation.
#[derive(Clone, Copy)]
pub struct Style {
    /// How field names are spelled.
    pub case: KeyCase,
    /// Python docstrings are reStructuredText: code is ``x``. JSDoc and Markdown: `x`.
    pub rst: bool,
    /// The units in words: "MILLISECONDS" (Python, as its docstrings have always shouted them) or "milliseconds".
    pub loud_units: bool,
    /// `True` (Python) or `true`.
    pub python_values: bool,
    /// List the values of a closed set in the text (not for TypeScript, whose types list them).
    pub list_values: bool,
}

pub const PYTHON: Style =
    Style { case: KeyCase::Snake, rst: true, loud_units: true, python_values: true, list_values: true };
pub const PYTHON_MD: Style =
    Style { case: KeyCase::Snake, rst: false, loud_units: false, python_values: true, list_values: true };
pub const NODE: Style =
    Style { case: KeyCase::Camel, rst: false, loud_units: false, python_values: false, list_values: false };
pub const NODE_MD: Style =
    Style { case: KeyCase::Camel, rst: false, loud_units: false, python_values: false, list_values: true };
/// TypeScript declarations of the service's documented (PascalCase) form.
pub const WIRE: Style = Style { case: KeyCase::Wire, ..NODE };

impl Style {
    /// Inline code.
    pub fn code(&self, text: &str) -> String {
        if self.rst {
            format!("``{text}``")
        } else {
            format!("`{text}`")
        }
    }

    /// A line of a declaration's documentation: field names in backticks in this language's spelling.
    pub fn text(&self, line: &str) -> String {
        self.prose(&self.case.message(line))
    }

    /// A line of documentation with its code spans (Markdown's `x`) written as this language writes code.
    pub fn prose(&self, line: &str) -> String {
        if !self.rst {
            return line.to_string();
        }
        let mut out = String::with_capacity(line.len() + 8);
        for (i, piece) in line.split('`').enumerate() {
            if i > 0 {
                out.push_str("``");
            }
            out.push_str(piece);
        }
        out
    }

    pub fn unit(&self, unit: Unit) -> &'static str {
        match (unit, self.loud_units) {
            (Unit::Milliseconds, true) => "MILLISECONDS",
            (Unit::Seconds, true) => "SECONDS",
            (Unit::Milliseconds, false) => "milliseconds",
            (Unit::Seconds, false) => "seconds",
        }
    }

    /// A default or an allowed value, as this language writes it.
    pub fn value(&self, value: &str, ty: Type) -> String {
        match ty {
            Type::Boolean if self.python_values => match value {
                "true" => "True".to_string(),
                "false" => "False".to_string(),
                other => other.to_string(),
            },
            Type::String | Type::StringList => self.code(value),
            _ => value.to_string(),
        }
    }
}

/// The first line of a declaration's documentation, and the others.
pub fn lines(doc: &str) -> (&str, Vec<&str>) {
    let mut lines = doc.lines().map(str::trim).filter(|l| !l.is_empty());
    let summary = lines.next().unwrap_or_default();
    (summary, lines.collect())
}

/// A number of a rule as people write it: `2000`, `0.5`, `-2`.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Joins words that wrapping must not separate ("240 to 2000", "Default 60000"); [`wrap`] and [`unglue`] turn it
/// back into a space.
pub const GLUE: char = '\u{a0}';

/// `text` with its glue as plain spaces, for text that is not wrapped.
pub fn unglue(text: &str) -> String {
    text.replace(GLUE, " ")
}

fn glued(words: &[&str]) -> String {
    words.join(&GLUE.to_string())
}

/// `text` with its first letter upper-case and a full stop at the end.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// What a field's declaration says beyond its documentation, as sentences: "In MILLISECONDS, 240 to 2000.",
/// "1 to 4 entries, no two alike.", "One of ...", "``0`` = ...; ``1`` = ...", "Default 1000.", "Never printed."
pub fn facts(f: &FieldSpec, s: &Style) -> Vec<String> {
    let mut out = Vec::new();
    let mut bounds = Vec::new();
    if let Some(unit) = f.unit {
        bounds.push(format!("in {}", s.unit(unit)));
    }
    match f.rule {
        Rule::Range { min, max } if max.is_infinite() => bounds.push(glued(&["at", "least", &number(min)])),
        Rule::Range { min, max } => bounds.push(glued(&[&number(min), "to", &number(max)])),
        Rule::Positive => bounds.push(glued(&["greater", "than", "0"])),
        _ => {}
    }
    if let Some(decimals) = f.max_decimals {
        bounds.push(glued(&["at", "most", &decimals.to_string(), "decimals"]));
    }
    if let (Some(min), Some(max)) = (f.min_items, f.max_items) {
        bounds.push(glued(&[&min.to_string(), "to", &max.to_string(), "entries"]));
    }
    if f.unique && matches!(f.ty, Type::StringList) {
        bounds.push("no two alike".to_string());
    }
    if !bounds.is_empty() {
        out.push(sentence(&bounds.join(", ")));
    }
    match f.rule {
        Rule::OneOf { values } if s.list_values => {
            let values: Vec<String> = values.iter().map(|v| s.code(v)).collect();
            out.push(sentence(&format!("one of {}", values.join(", "))));
        }
        Rule::Choice { values } => {
            let choices: Vec<String> = values
                .iter()
                .map(|(v, meaning)| format!("{}{GLUE}= {}", s.code(&v.to_string()), s.text(meaning)))
                .collect();
            out.push(sentence(&choices.join("; ")));
        }
        _ => {}
    }
    if let Some(default) = f.default {
        out.push(format!("Default{GLUE}{}.", s.value(default, f.ty)));
    }
    if f.secret {
        out.push("Never printed.".to_string());
    }
    out
}

/// A field's documentation as one paragraph: summary, detail lines, facts.
pub fn paragraph(f: &FieldSpec, s: &Style) -> String {
    let (summary, details) = lines(f.doc);
    let mut parts: Vec<String> = vec![s.text(summary)];
    parts.extend(details.iter().map(|l| s.text(l)));
    parts.extend(facts(f, s));
    parts.join(" ")
}

/// A line of the documentation that says when an optional field is required ("Required unless ..."), if any.
pub fn required_when(f: &FieldSpec, s: &Style) -> Option<String> {
    let (_, details) = lines(f.doc);
    details.iter().find(|l| l.starts_with("Required ")).map(|l| s.text(l).trim_end_matches('.').to_string())
}

/// A client option's default in the language's unit (`None` when it has none).
pub fn option_default(o: &OptionSpec, node: bool) -> Option<String> {
    let default = if node { o.node_default } else { o.default }?;
    Some(match o.ty {
        OptionType::Duration if node => format!("{default} ms"),
        OptionType::Duration => format!("{default} s"),
        OptionType::String | OptionType::Secret | OptionType::Path => format!("`{default}`"),
        OptionType::Count | OptionType::Number => default.to_string(),
        OptionType::Bool => format!("`{default}`"),
    })
}

/// A client option's documentation as one paragraph, with its unit, default and environment variables.
pub fn option_paragraph(o: &OptionSpec, s: &Style, node: bool) -> String {
    let (summary, details) = lines(o.doc);
    let mut parts: Vec<String> = vec![s.prose(summary)];
    parts.extend(details.iter().map(|l| s.prose(l)));
    let default = if node { o.node_default } else { o.default };
    let default = default.map(|d| match o.ty {
        OptionType::String | OptionType::Secret | OptionType::Path => s.code(d),
        OptionType::Duration | OptionType::Count | OptionType::Number => d.to_string(),
        OptionType::Bool => s.code(d),
    });
    match (o.ty, default) {
        (OptionType::Duration, default) => {
            let unit = s.unit(if node { Unit::Milliseconds } else { Unit::Seconds });
            let default = default.map(|d| format!("; default{GLUE}{d}")).unwrap_or_default();
            parts.push(format!("In {unit}{default}."));
        }
        (_, Some(default)) => parts.push(format!("Default{GLUE}{default}.")),
        (_, None) => {}
    }
    if !o.env.is_empty() {
        let env: Vec<String> = o.env.iter().map(|e| s.code(e)).collect();
        parts.push(format!("Environment: {}.", env.join(", then ")));
    }
    parts.join(" ")
}

/// Greedy word wrapping: the first line starts with `first`, the others with `rest`; no line is longer than
/// `width` unless a single word is.
///
/// A word that is only punctuation (`+`, `=`) stays with the word before it: a continuation line starting with
/// `+ ` or `- ` would read as a list item.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        match words.last_mut() {
            Some(last) if word.chars().all(|c| c.is_ascii_punctuation()) => {
                last.push(GLUE);
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
    }
    let mut out = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in &words {
        let wanted = line.chars().count() + usize::from(!empty) + word.chars().count();
        if !empty && wanted > width {
            out.push(line);
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push(line);
    out.iter().map(|l| unglue(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ccc_aicall::SCHEMA;

    #[test]
    fn wraps_at_the_width() {
        let lines = wrap("aa bb cc dd", 8, "- ", "  ");
        assert_eq!(lines, ["- aa bb", "  cc dd"]);
        assert_eq!(wrap("averyveryverylongword x", 6, "", ""), ["averyveryverylongword", "x"]);
        // Glued words stay together, and so does a lone operator with the word before it.
        assert_eq!(wrap(&format!("a b 240{GLUE}to{GLUE}2000"), 8, "", ""), ["a b", "240 to 2000"]);
        assert_eq!(wrap("sent as 00 + cc", 10, "", ""), ["sent as", "00 + cc"]);
    }

    #[test]
    fn field_names_in_docs_follow_the_language() {
        let field = SCHEMA.field("MaxDuration").unwrap();
        let python = paragraph(field, &PYTHON);
        assert!(python.contains("``max_call_duration_ms``"), "{python}");
        assert!(unglue(&python).contains("In MILLISECONDS, at least 1000. Default 60000."), "{python}");
        let node = paragraph(field, &NODE);
        assert!(node.contains("`maxCallDurationMs`") && node.contains("In milliseconds"), "{node}");
        let welcome = paragraph(SCHEMA.field("WelcomeType").unwrap(), &PYTHON);
        assert!(unglue(&welcome).contains("``0`` = speak ``welcome_message``"), "{welcome}");
        let compliance = paragraph(SCHEMA.field("EnableComplianceAudio").unwrap(), &PYTHON);
        assert!(unglue(&compliance).ends_with("Default True."), "{compliance}");
    }
    #[test]
    fn code_in_option_docs_is_code_in_each_language() {
        let endpoint = ccc_aicall::config::OPTIONS.iter().find(|o| o.name == "endpoint").unwrap();
        let python = unglue(&option_paragraph(endpoint, &PYTHON, false));
        assert!(python.contains("``http://127.0.0.1:8080``") && !python.contains(" `http"), "{python}");
        let node = unglue(&option_paragraph(endpoint, &NODE, true));
        assert!(node.contains(" `http://127.0.0.1:8080`"), "{node}");
    }
}
