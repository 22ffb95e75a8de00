//! `write` then `check` on a copy of the repository's generated files; `check` on the repository itself.

use ccc_aicall_codegen::{run, Mode, TARGETS};
use std::fs;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh directory holding a copy of every target file, at the same relative paths.
fn copy_of_targets(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ccc-aicall-codegen-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    for target in TARGETS {
        let to = dir.join(target.path);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(repo().join(target.path), &to).unwrap();
    }
    dir
}

/// Empties every block: the files as they would be with markers only.
fn empty_blocks(dir: &Path) {
    for target in TARGETS {
        let path = dir.join(target.path);
        let text = fs::read_to_string(&path).unwrap();
        let syntax = ccc_aicall_codegen::blocks::Syntax::of(target.path).unwrap();
        let blocks = ccc_aicall_codegen::blocks::parse(&text, syntax).unwrap();
        fs::write(&path, ccc_aicall_codegen::blocks::rewrite(&text, &blocks, |_| Vec::new())).unwrap();
    }
}

#[test]
fn write_then_check_is_clean() {
    let dir = copy_of_targets("roundtrip");
    empty_blocks(&dir);
    let stale = run(&dir, Mode::Check).unwrap();
    let total: usize = TARGETS.iter().map(|t| t.blocks.len()).sum();
    assert_eq!(stale.len(), total, "every emptied block is reported");
    let written = run(&dir, Mode::Write).unwrap();
    assert_eq!(written.len(), total);
    let again = run(&dir, Mode::Check).unwrap();
    assert!(again.is_empty(), "check after write: {again:?}");
    // And `write` is idempotent: a second one changes nothing.
    assert!(run(&dir, Mode::Write).unwrap().is_empty());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_names_the_file_and_block_that_differ_and_writes_nothing() {
    let dir = copy_of_targets("tampered");
    let dts = dir.join("node/index.d.ts");
    let text = fs::read_to_string(&dts).unwrap();
    // Inside the generated block (hand-written interfaces before it have an `sdkAppId` too).
    let start = text.find("<generated: CreateAiCallParams>").expect("the block's marker");
    let (head, block) = text.split_at(start);
    let tampered = format!("{head}{}", block.replacen("  sdkAppId: number;\n", "  sdkAppId: string;\n", 1));
    assert_ne!(text, tampered);
    fs::write(&dts, &tampered).unwrap();
    let stale = run(&dir, Mode::Check).unwrap();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!((stale[0].path, stale[0].block), ("node/index.d.ts", "CreateAiCallParams"));
    assert_eq!(stale[0].diff, ["-  sdkAppId: string;", "+  sdkAppId: number;"]);
    assert_eq!(fs::read_to_string(&dts).unwrap(), tampered, "check must not write");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_or_unbalanced_marker_fails() {
    let dir = copy_of_targets("markers");
    let pyi = dir.join("python/ccc_aicall/_native.pyi");
    let text = fs::read_to_string(&pyi).unwrap();
    fs::write(&pyi, text.replace("        # </generated: Client.__new__>\n", "")).unwrap();
    let error = run(&dir, Mode::Write).unwrap_err();
    assert!(error.contains("_native.pyi") && error.contains("never closed"), "{error}");
    fs::write(&pyi, text.replace("# <generated: Client.__new__>", "# <generated: Client.new>")).unwrap();
    let error = run(&dir, Mode::Check).unwrap_err();
    assert!(error.contains("closes, but the open block is `Client.new`"), "{error}");
    fs::write(
        &pyi,
        text.replace("        # <generated: Client.__new__>\n", "")
            .replace("        # </generated: Client.__new__>\n", ""),
    )
    .unwrap();
    let error = run(&dir, Mode::Check).unwrap_err();
    assert!(error.contains("block `Client.__new__` is missing"), "{error}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_repository_is_up_to_date() {
    let stale = run(&repo(), Mode::Check).unwrap();
    let names: Vec<String> = stale.iter().map(|s| format!("{}: {}", s.path, s.block)).collect();
    assert!(stale.is_empty(), "run `make gen`: {names:?}");
}
