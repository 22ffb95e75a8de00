//! `cargo run -q -p ccc-aicall-codegen -- write` (what `make gen` runs) or `-- check` (part of `make lint`).

use ccc_aicall_codegen::{run, Mode};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: ccc-aicall-codegen write|check [REPO_ROOT]\n\
                     write: rewrite every generated block in place\n\
                     check: rewrite nothing; exit 1 naming each block that `write` would change";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match args.first().map(String::as_str) {
        Some("write") => Mode::Write,
        Some("check") => Mode::Check,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // The repository this tool belongs to, unless another copy is named.
    let root = match args.get(1) {
        Some(root) => PathBuf::from(root),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."),
    };
    match run(&root, mode) {
        Err(problem) => {
            eprintln!("ccc-aicall-codegen: {problem}");
            ExitCode::FAILURE
        }
        Ok(stale) if stale.is_empty() => ExitCode::SUCCESS,
        Ok(stale) => match mode {
            Mode::Write => {
                for s in &stale {
                    println!("rewrote {}: block `{}`", s.path, s.block);
                }
                ExitCode::SUCCESS
            }
            Mode::Check => {
                for s in &stale {
                    eprintln!("{}: block `{}` differs from what `write` would produce:", s.path, s.block);
                    for line in &s.diff {
                        eprintln!("    {line}");
                    }
                }
                eprintln!("{} generated block(s) out of date: run `make gen`", stale.len());
                ExitCode::FAILURE
            }
        },
    }
}
