"""The width gate of `make lint`: no tracked source line wider than the configured 120 columns.

rustfmt and ruff keep code within the width (rustfmt.toml, ruff.toml) but neither wraps a long string literal or
comment, and nothing formats the JavaScript and TypeScript, so this checks every line of the tracked (committed or
added) source files, chosen by name below: Rust, Python, JavaScript/TypeScript, TOML, the Makefile and shell
scripts. Data is not source and is not read: lock files (tools write them), JSON (fixtures and manifests, whose
strings cannot be split), Markdown and notebooks (prose and rendered cells, reviewed as documents), fuzz
regressions (extensionless crash inputs, replayed byte for byte). The generated `node/native.d.ts` is ignored by
git, so it is never among the tracked files.

Columns are counted as rustfmt and ruff count them: East Asian wide characters take two, combining marks none, and
a tab advances to the next multiple of four (rustfmt's tab_spaces and ruff's indent-width, both left at 4).

Usage: python tools/check_width.py   (from any directory; exit status 1, after listing every wide line)
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

WIDTH = 120  # max_width in rustfmt.toml, line-length in ruff.toml
TAB = 4

SOURCE_SUFFIXES = (".rs", ".py", ".pyi", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".toml", ".sh")
SOURCE_NAMES = ("Makefile",)

# Source files that keep wide lines, each with the reason it cannot wrap. Keep this empty where possible: a file
# listed here is never checked again.
EXEMPT: dict[str, str] = {}


def columns(line: str) -> int:
    width = 0
    for ch in line:
        if ch == "\t":
            width += TAB - width % TAB
        elif unicodedata.combining(ch):
            continue
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 2
        else:
            width += 1
    return width


def is_source(path: str, root: Path) -> bool:
    name = path.rsplit("/", 1)[-1]
    if name.endswith(SOURCE_SUFFIXES) or name in SOURCE_NAMES:
        return True
    if "." in name:
        return False
    # An extensionless script (e.g. .ci/run) is source when its first line says it runs under a shell.
    with open(root / path, "rb") as f:
        first = f.readline()
    return first.startswith(b"#!") and first.rstrip().endswith((b"sh", b"bash"))


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    tracked = subprocess.check_output(["git", "ls-files", "-z"], cwd=root, text=True).split("\0")
    stale = sorted(set(EXEMPT) - set(tracked))
    if stale:
        print(f"tools/check_width.py: EXEMPT names files that are not tracked: {', '.join(stale)}")
        return 1
    wide = []
    for path in tracked:
        # A path listed but missing from the work tree is a deletion not yet committed: nothing to read.
        if not path or path in EXEMPT or not (root / path).is_file() or not is_source(path, root):
            continue
        text = (root / path).read_text(encoding="utf-8")
        # Lines as editors and compilers number them: split at newlines only (str.splitlines also splits at form
        # feeds and Unicode separators).
        for number, line in enumerate(text.split("\n"), 1):
            n = columns(line.rstrip("\r"))
            if n > WIDTH:
                wide.append(f"{path}:{number}: {n} columns")
    for entry in wide:
        print(entry)
    if wide:
        print(f"{len(wide)} line(s) wider than {WIDTH} columns (rustfmt.toml, ruff.toml)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
