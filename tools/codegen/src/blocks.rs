//! Generated blocks: the lines between an opening and a closing marker line, rewritten as a whole.
//!
//! A marker is a comment on a line of its own, in the file's comment syntax: `# <generated: NAME>` ...
//! `# </generated: NAME>` (Python), `// <generated: NAME>` (TypeScript), `<!-- <generated: NAME> -->`
//! (Markdown). The lines between them belong to the tool; everything else to people. Blocks do not nest, and a
//! marker that is malformed, unclosed, closed under another name or repeated is an error: a block that silently
//! swallowed hand-written text would be worse than no tool.

use std::fmt;

/// The comment syntax of a file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Python,
    TypeScript,
    Markdown,
}

impl Syntax {
    pub fn of(path: &str) -> Option<Syntax> {
        let ext = path.rsplit('.').next()?;
        match ext {
            "py" | "pyi" => Some(Syntax::Python),
            "ts" => Some(Syntax::TypeScript),
            "md" => Some(Syntax::Markdown),
            _ => None,
        }
    }

    /// The opening and closing marker lines of block `name`, without indentation.
    pub fn markers(self, name: &str) -> (String, String) {
        let (open, close) = (format!("<generated: {name}>"), format!("</generated: {name}>"));
        match self {
            Syntax::Python => (format!("# {open}"), format!("# {close}")),
            Syntax::TypeScript => (format!("// {open}"), format!("// {close}")),
            Syntax::Markdown => (format!("<!-- {open} -->"), format!("<!-- {close} -->")),
        }
    }

    /// The comment around a marker: what comes before `<generated` and what follows `>`.
    fn comment(self) -> (&'static str, &'static str) {
        match self {
            Syntax::Python => ("#", ""),
            Syntax::TypeScript => ("//", ""),
            Syntax::Markdown => ("<!--", "-->"),
        }
    }

    /// `Some` for a line that is meant as a marker (a comment starting with `<generated` or `</generated`):
    /// `Ok((opens, name))` when it is well formed, `Err` otherwise.
    fn marker(self, line: &str) -> Option<Result<(bool, String), String>> {
        let (start, end) = self.comment();
        let body = line.trim().strip_prefix(start)?.trim_start();
        let opens = body.starts_with("<generated");
        if !opens && !body.starts_with("</generated") {
            return None;
        }
        let inner = body.strip_suffix(end).map(str::trim_end);
        let name = inner
            .and_then(|b| b.strip_prefix(if opens { "<generated: " } else { "</generated: " }))
            .and_then(|b| b.strip_suffix('>'))
            .filter(|name| is_name(name));
        Some(match name {
            Some(name) => Ok((opens, name.to_string())),
            None => Err(format!("malformed marker (expected {})", self.markers("NAME").0)),
        })
    }
}

/// Letters, digits and `_ . -`.
fn is_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// One block: its name, the indentation of its markers, and the line numbers (0-based) of the two markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub name: String,
    pub indent: String,
    pub open: usize,
    pub close: usize,
}

/// A problem with the markers of a file, at a line (1-based in the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for MarkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line + 1, self.message)
    }
}

/// Every block of `text`, in order; `Err` at the first marker that breaks the rules.
pub fn parse(text: &str, syntax: Syntax) -> Result<Vec<Block>, MarkerError> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Option<(String, String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let Some(marker) = syntax.marker(line) else { continue };
        let error = |message: String| MarkerError { line: i, message };
        let (opens, name) = marker.map_err(error)?;
        match (opens, open.take()) {
            (true, None) => {
                if blocks.iter().any(|b| b.name == name) {
                    return Err(error(format!("block `{name}` appears twice")));
                }
                let indent = line[..line.len() - line.trim_start().len()].to_string();
                open = Some((name, indent, i));
            }
            (true, Some((outer, _, at))) => {
                return Err(error(format!("block `{name}` opens inside block `{outer}` (opened on line {})", at + 1)));
            }
            (false, None) => return Err(error(format!("block `{name}` closes without having opened"))),
            (false, Some((outer, indent, at))) if outer == name => {
                blocks.push(Block { name, indent, open: at, close: i });
            }
            (false, Some((outer, _, at))) => {
                return Err(error(format!(
                    "block `{name}` closes, but the open block is `{outer}` (opened on line {})",
                    at + 1
                )));
            }
        }
    }
    match open {
        Some((name, _, at)) => Err(MarkerError { line: at, message: format!("block `{name}` is never closed") }),
        None => Ok(blocks),
    }
}

/// The lines between a block's markers.
pub fn content<'a>(text: &'a str, block: &Block) -> Vec<&'a str> {
    text.lines().skip(block.open + 1).take(block.close - block.open - 1).collect()
}

/// `text` with the content of each block replaced by `replace(block)`'s lines (markers and everything outside
/// the blocks kept byte for byte). A file's final newline is kept as it was.
pub fn rewrite(text: &str, blocks: &[Block], mut replace: impl FnMut(&Block) -> Vec<String>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut next = 0;
    for block in blocks {
        for line in &lines[next..=block.open] {
            out.push_str(line);
            out.push('\n');
        }
        for line in replace(block) {
            out.push_str(&line);
            out.push('\n');
        }
        next = block.close;
    }
    for line in &lines[next..] {
        out.push_str(line);
        out.push('\n');
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, syntax: Syntax) -> Result<Vec<String>, MarkerError> {
        parse(text, syntax).map(|blocks| blocks.into_iter().map(|b| b.name).collect())
    }

    #[test]
    fn finds_blocks_in_each_syntax() {
        let py =
            "a\n    # <generated: one>\n    x\n    # </generated: one>\n# <generated: two.b>\n# </generated: two.b>\n";
        let blocks = parse(py, Syntax::Python).unwrap();
        assert_eq!(blocks[0], Block { name: "one".into(), indent: "    ".into(), open: 1, close: 3 });
        assert_eq!(blocks[1].name, "two.b");
        let ts = "  // <generated: T>\n  x;\n  // </generated: T>\n";
        assert_eq!(names(ts, Syntax::TypeScript).unwrap(), ["T"]);
        let md = "<!-- <generated: table> -->\n| a |\n<!-- </generated: table> -->\n";
        assert_eq!(names(md, Syntax::Markdown).unwrap(), ["table"]);
        // Another syntax's markers, and prose that mentions a block, are ordinary text.
        assert_eq!(names("# <generated: x>\nthe `<generated: x>` markers\n", Syntax::Markdown).unwrap(), [""; 0]);
    }

    #[test]
    fn refuses_unbalanced_and_malformed_markers() {
        let cases = [
            ("# <generated: a>\nx\n", 1, "block `a` is never closed"),
            ("x\n# </generated: a>\n", 2, "block `a` closes without having opened"),
            ("# <generated: a>\n# <generated: b>\n# </generated: b>\n# </generated: a>\n", 2, "opens inside block `a`"),
            ("# <generated: a>\n# </generated: b>\n", 2, "block `b` closes, but the open block is `a`"),
            ("# <generated: a>\n# </generated: a>\n# <generated: a>\n# </generated: a>\n", 3, "appears twice"),
            ("# <generated a>\n", 1, "malformed marker"),
            ("# <generated: a b>\n# </generated: a b>\n", 1, "malformed marker"),
            ("# </generated: a\n", 1, "malformed marker"),
        ];
        for (text, line, message) in cases {
            let error = parse(text, Syntax::Python).unwrap_err();
            assert_eq!(error.line + 1, line, "{text:?}");
            assert!(error.message.contains(message), "{text:?}: {}", error.message);
        }
        let error = parse("<!-- <generated: a> --\n", Syntax::Markdown).unwrap_err();
        assert!(error.message.contains("malformed"), "{}", error.message);
    }

    #[test]
    fn rewrite_replaces_only_the_content() {
        let text = concat!(
            "head\n  // <generated: a>\n  old\n  old\n  // </generated: a>\n",
            "middle\n// <generated: b>\n// </generated: b>\ntail",
        );
        let blocks = parse(text, Syntax::TypeScript).unwrap();
        assert_eq!(content(text, &blocks[0]), ["  old", "  old"]);
        assert!(content(text, &blocks[1]).is_empty());
        let out = rewrite(text, &blocks, |b| vec![format!("{}new {}", b.indent, b.name)]);
        assert_eq!(
            out,
            concat!(
                "head\n  // <generated: a>\n  new a\n  // </generated: a>\n",
                "middle\n// <generated: b>\nnew b\n// </generated: b>\ntail",
            )
        );
    }
}
