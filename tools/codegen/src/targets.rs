//! The files with generated blocks, what writes each block, and `write` / `check` over all of them.

use crate::blocks::{self, Syntax};
use crate::{diff, markdown, python, python_tts, typescript};
use std::fs;
use std::path::Path;

/// No generated line of code is wider (rustfmt.toml and ruff.toml say the same).
pub const MAX_COLUMNS: usize = 120;

/// Writes a block's lines, given the columns left after the block's indentation.
pub type Generate = fn(usize) -> Vec<String>;

/// A file and its blocks, by name.
pub struct Target {
    pub path: &'static str,
    pub blocks: &'static [(&'static str, Generate)],
}

/// Every generated block of the repository.
pub const TARGETS: &[Target] = &[
    Target {
        path: "python/ccc_aicall/_client.py",
        blocks: &[
            ("Client.doc", python::client_doc),
            ("Client.create_ai_call.keywords.typed", python::typed_keywords),
            ("Client.create_ai_call.doc.typed", python::create_ai_call_doc),
            ("Client.create_ai_call.keywords", python::keywords),
            ("Client.create_ai_call.doc", python::create_ai_call_doc),
            ("AsyncClient.create_ai_call.keywords.typed", python::typed_keywords),
            ("AsyncClient.create_ai_call.keywords", python::keywords),
            ("create_ai_call.keywords.typed", python::typed_keywords),
            ("create_ai_call.keywords", python::keywords),
        ],
    },
    Target { path: "python/ccc_aicall/_native.pyi", blocks: &[("Client.__new__", python::native_options)] },
    Target {
        path: "python/ccc_aicall/tts.py",
        blocks: &[("__all__", python_tts::tts_all), ("vendors", python_tts::tts_vendors)],
    },
    Target {
        path: "node/index.d.ts",
        blocks: &[
            ("ClientOptions", typescript::client_options),
            ("request-types", typescript::request_types),
            ("CreateAiCallParams", typescript::params),
        ],
    },
    Target { path: "README.md", blocks: &[("options", markdown::options_all)] },
    Target {
        path: "python/README.md",
        blocks: &[("options", markdown::python_options), ("parameters", markdown::python_parameters)],
    },
    Target {
        path: "node/README.md",
        blocks: &[("options", markdown::node_options), ("parameters", markdown::node_parameters)],
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Rewrite the blocks that differ.
    Write,
    /// Rewrite nothing.
    Check,
}

/// A block whose content differs from what `write` produces (and, after `write`, did).
#[derive(Debug)]
pub struct Stale {
    pub path: &'static str,
    pub block: &'static str,
    /// `-` lines in the file, `+` lines generated.
    pub diff: Vec<String>,
}

/// Generate every block of every target under `root`; in `Mode::Write`, write the files whose blocks differ.
/// `Err` for a file that cannot be read or written, a missing, unknown or unbalanced marker, or a generated line
/// of code wider than [`MAX_COLUMNS`].
pub fn run(root: &Path, mode: Mode) -> Result<Vec<Stale>, String> {
    let mut stale = Vec::new();
    for target in TARGETS {
        stale.extend(process(root, target, mode)?);
    }
    Ok(stale)
}

fn process(root: &Path, target: &Target, mode: Mode) -> Result<Vec<Stale>, String> {
    let path = target.path;
    let file = root.join(path);
    let text = fs::read_to_string(&file).map_err(|e| format!("{path}: {e}"))?;
    let syntax = Syntax::of(path).ok_or_else(|| format!("{path}: no comment syntax known for this file"))?;
    let found = blocks::parse(&text, syntax).map_err(|e| format!("{path}: {e}"))?;
    for (name, _) in target.blocks {
        if !found.iter().any(|b| b.name == *name) {
            let (open, close) = syntax.markers(name);
            return Err(format!("{path}: block `{name}` is missing: put its content between `{open}` and `{close}`"));
        }
    }
    let mut generated = Vec::with_capacity(found.len());
    let mut stale = Vec::new();
    for block in &found {
        let Some((name, generate)) = target.blocks.iter().find(|(name, _)| *name == block.name) else {
            return Err(format!("{path}: line {}: unknown block `{}`", block.open + 1, block.name));
        };
        let width = MAX_COLUMNS.saturating_sub(block.indent.chars().count());
        let lines: Vec<String> = generate(width)
            .into_iter()
            .map(|line| if line.is_empty() { line } else { format!("{}{line}", block.indent) })
            .collect();
        // Markdown tables cannot wrap a row; code keeps to the formatters' width.
        let wide = lines.iter().find(|l| syntax != Syntax::Markdown && l.chars().count() > MAX_COLUMNS);
        if let Some(wide) = wide {
            return Err(format!(
                "{path}: block `{name}`: a generated line is wider than {MAX_COLUMNS} columns (shorten the \
                 declaration's documentation): {wide}"
            ));
        }
        if let Some(spaced) = lines.iter().find(|l| l.ends_with(' ')) {
            return Err(format!("{path}: block `{name}`: a generated line ends in a space: {spaced:?}"));
        }
        let old = blocks::content(&text, block);
        if old != lines {
            stale.push(Stale { path, block: name, diff: diff::short(&old, &lines, 12) });
        }
        generated.push(lines);
    }
    if mode == Mode::Write && !stale.is_empty() {
        let mut next = generated.into_iter();
        let new = blocks::rewrite(&text, &found, |_| next.next().unwrap_or_default());
        fs::write(&file, new).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(stale)
}
