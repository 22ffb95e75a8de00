"""Docs that run: every code block of the READMEs is executed or compiled, and their links stay in the repository.

The Markdown files are those of tests/docs/documents.txt. Each block's language tag says who checks it (KINDS); a
block without a tag, or with any other, fails here, so a new block can never be left out silently. This file runs
the ``python`` blocks against the emulator, checks the ``sh`` blocks and the links, and checks that rustdoc
compiles the ``rust`` blocks; node/tests/docs.test.mjs runs the ``js`` blocks.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set
from urllib.parse import unquote

import pytest
from _doc_blocks import REPO, Block, blocks, documents
from ccc_aicall.testing import Emulator

KINDS = {
    "python": "run here (test_python_blocks_run), in order, in one namespace, against the emulator",
    "js": "run by node/tests/docs.test.mjs, in order, against the emulator",
    "rust": "compiled by rustdoc (a #[cfg(doctest)] item of core/src/lib.rs includes the file); `no_run` when it "
    "needs a server",
    "sh": "every make target, cargo package and repository path it names exists (test_shell_blocks_name_what_exists)",
    "text": "shape only (a signature, a tree, an excerpt of a declaration): nothing to run",
}
# rustdoc attributes that still compile the block; `ignore` (and anything else) would skip it unseen.
RUST_ATTRIBUTES = {"no_run"}
# The files the blocks name (patients.csv, ...), copied into the folder they run in.
FILES = REPO / "tests" / "docs" / "files"
CREDENTIAL_VARS = (
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_SESSION_TOKEN",
    "TENCENTCLOUD_REGION",
    "CCC_AICALL_ENDPOINT",
    "CCC_AICALL_LOG",
)

DOCS = documents()
ALL_BLOCKS = [block for doc in DOCS for block in blocks(doc)]


def where(block: Block) -> str:
    return f"{block.doc}:{block.line}"


def test_the_documents_exist_and_have_blocks() -> None:
    for doc in DOCS:
        assert (REPO / doc).is_file(), doc
    kinds = {block.lang for block in ALL_BLOCKS}
    assert {"python", "js", "rust", "sh"} <= kinds, kinds  # the parser finds them, so the checks below are not idle


def test_every_block_says_who_checks_it() -> None:
    untagged = [f"{where(b)}: ```{b.lang}" for b in ALL_BLOCKS if b.lang not in KINDS]
    assert not untagged, f"tag each block with one of {sorted(KINDS)}: {untagged}"


def test_rust_blocks_are_compiled_by_rustdoc() -> None:
    lib = (REPO / "core" / "src" / "lib.rs").read_text(encoding="utf-8")
    included = set(re.findall(r'#\[cfg\(doctest\)\]\s*#\[doc = include_str!\("\.\./\.\./([^"]+)"\)\]', lib))
    for block in ALL_BLOCKS:
        if block.lang == "rust":
            assert block.doc in included, f"{where(block)}: core/src/lib.rs does not include {block.doc} in doctests"
            assert set(block.attributes) <= RUST_ATTRIBUTES, f"{where(block)}: {block.attributes} skips the block"


# --- python -----------------------------------------------------------------------------------------------------


def python_docs() -> List[str]:
    return [doc for doc in DOCS if any(b.lang == "python" for b in blocks(doc))]


@pytest.mark.parametrize("doc", python_docs())
def test_python_blocks_run(doc: str, emu: Emulator, tmp_path: Path) -> None:
    shutil.copytree(FILES, tmp_path, dirs_exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARS}
    env.update(
        TENCENTCLOUD_SECRET_ID=emu.secret_id,
        TENCENTCLOUD_SECRET_KEY=emu.secret_key,
        CCC_AICALL_ENDPOINT=emu.endpoint,
        HOME=str(tmp_path),  # no profile file of the developer's
    )
    runner = Path(__file__).with_name("_doc_blocks.py")
    run = subprocess.run(
        [sys.executable, str(runner), doc], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, f"{doc}: a block failed\n{run.stdout}\n{run.stderr}"
    ran = re.findall(r"^ran (\S+)$", run.stdout, re.M)
    assert ran == [where(b) for b in blocks(doc) if b.lang == "python"]
    assert emu.hits_for("CreateAICall") > 0  # they reached this emulator, through the documented variables


@pytest.mark.parametrize("doc", python_docs())
def test_python_blocks_use_only_names_they_define(doc: str) -> None:
    """Branches the run does not take (an `except` clause) must not use a name no block defines: pyflakes' F821
    over the blocks of the file, each at its own lines, in one module as the run sees them."""
    lines: List[str] = []
    for block in (b for b in blocks(doc) if b.lang == "python"):
        lines += [""] * (block.line - len(lines))
        lines += block.code.splitlines()
    ruff = [sys.executable, "-m", "ruff", *"check --isolated --no-cache --select F821 --output-format concise".split()]
    source = "\n".join(lines) + "\n"
    check = subprocess.run([*ruff, "--stdin-filename", f"{doc}.py", "-"], input=source, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


# --- sh ---------------------------------------------------------------------------------------------------------


def make_targets() -> Set[str]:
    targets: Set[str] = set()
    for line in (REPO / "Makefile").read_text(encoding="utf-8").splitlines():
        rule = re.match(r"^([^\s:=#$][^:=$]*?)\s*::?(?!=)", line)
        if rule:
            targets.update(rule[1].split())
    return targets


def cargo_packages() -> Set[str]:
    members = re.search(r"members\s*=\s*\[([^\]]*)\]", (REPO / "Cargo.toml").read_text(encoding="utf-8"))
    assert members
    names = set()
    for member in re.findall(r'"([^"]+)"', members[1]):
        manifest = (REPO / member / "Cargo.toml").read_text(encoding="utf-8")
        names.add(re.search(r'^name\s*=\s*"([^"]+)"', manifest, re.M)[1])  # type: ignore[index]
    return names


def shell_problems(block: Block, targets: Set[str], packages: Set[str]) -> List[str]:
    """What a shell block names that does not exist: make targets, `cargo -p` packages, and paths (a word with a
    slash, or a script's name) relative to the folder the command runs in (the root, or where `cd` went)."""
    problems = []
    cwd = REPO
    for line in re.sub(r"\\\n", " ", block.code).splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)  # `#` starts a comment
        lexer.whitespace_split = True
        command: List[str] = []
        for word in [*lexer, ";"]:
            if word not in ("&&", "||", ";", "|", "&"):
                command.append(word)
                continue
            if command[:1] == ["cd"] and len(command) == 2:
                cwd = cwd / command[1]
                if not cwd.is_dir():
                    problems.append(f"folder {command[1]}")
            if command[:1] == ["make"]:
                problems += [
                    f"make {t}" for t in command[1:] if not t.startswith("-") and "=" not in t and t not in targets
                ]
            if command[:1] == ["cargo"]:
                problems += [
                    f"cargo package {package}"
                    for flag, package in zip(command, command[1:])
                    if flag in ("-p", "--package") and package not in packages
                ]
            for word in command[1:]:
                path_like = "/" in word or re.search(r"\.(sh|py|mjs|js|ipynb|csv|toml)$", word)
                # dist/ holds what `make dist` builds: named, not yet there in a checkout.
                built = word.startswith("dist/") and "dist" in targets
                if path_like and "=" not in word and ":" not in word and not word.startswith(("-", "@", "~", "/")):
                    if not built and not (cwd / word).exists():
                        problems.append(f"path {word} (from {cwd.relative_to(REPO).as_posix()})")
            command = []
    return [f"{where(block)}: {p}" for p in problems]


def test_shell_blocks_name_what_exists() -> None:
    targets, packages = make_targets(), cargo_packages()
    assert {"test", "lint", "gen", "demo"} <= targets
    problems = [p for b in ALL_BLOCKS if b.lang == "sh" for p in shell_problems(b, targets, packages)]
    assert not problems


def test_the_shell_check_can_fail() -> None:
    block = Block("x.md", 1, "sh", (), "make tset\ncargo run -p ccc-aicall-emulatr\ncd node && ls tests/nothing.js\n")
    assert shell_problems(block, make_targets(), cargo_packages()) == [
        "x.md:1: make tset",
        "x.md:1: cargo package ccc-aicall-emulatr",
        "x.md:1: path tests/nothing.js (from node)",
    ]


# --- links ------------------------------------------------------------------------------------------------------
# Web links (http, https, or any other scheme) are refused, not fetched: the suite runs offline, a link it cannot
# check rots unseen, and the READMEs link only to files inside the repository (what a page elsewhere says is
# restated in the project's own words). Relative links must name a file or folder the repository tracks, without
# leaving it; an anchor (`#errors`) must name a heading of its file.

INLINE = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.M)
AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.I)
BARE = re.compile(r"(?<![\w/<(\[])(?:https?://|www\.)[^\s<>)]+")  # GitHub links these on its own
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.S)


def prose(doc: str, text: str) -> str:
    """The file without its code: fenced blocks (by line, keeping the line count) and code spans."""
    lines = text.splitlines()
    for block in blocks(doc, text):
        end = block.line + len(block.code.splitlines())  # the closing fence's index
        lines[block.line - 1 : end + 1] = [""] * (end + 2 - block.line)
    return CODE_SPAN.sub("", "\n".join(lines))


def anchors(doc: str, text: str) -> Set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces as hyphens, repeats numbered."""
    seen: Dict[str, int] = {}
    out = set()
    for line in prose(doc, text).splitlines():
        heading = re.match(r"^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$", line)
        if heading:
            title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading[1])
            slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def tracked() -> Set[str]:
    """The repository's files and folders, as a fresh clone has them (git's index; the work tree without git)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
        files = [f for f in listed.decode().split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = [p.relative_to(REPO).as_posix() for p in REPO.rglob("*") if p.is_file()]
    out = set(files)
    for f in files:
        parts = f.split("/")
        out.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return out


def link_problems(doc: str, text: str, files: Set[str]) -> List[str]:
    """What is wrong with each link of ``text``, the content of ``doc`` (a path from the repository's root)."""
    plain = prose(doc, text)
    targets = [m.strip("<>") for m in INLINE.findall(plain) + REFERENCE.findall(plain)]
    targets += AUTOLINK.findall(plain) + HTML.findall(plain) + BARE.findall(plain)
    problems = []
    for target in targets:
        path, _, anchor = target.partition("#")
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target) or target.startswith(("www.", "//")):
            problems.append(f"{target}: a web link (the READMEs link only to files in the repository)")
        elif path.startswith("/"):
            problems.append(f"{target}: an absolute path (a relative one works in every clone)")
        elif not path:
            if anchor not in anchors(doc, text):
                problems.append(f"{target}: no such heading in {doc}")
        else:
            resolved = os.path.normpath(os.path.join(os.path.dirname(doc), unquote(path)))
            if resolved == ".." or resolved.startswith("../"):
                problems.append(f"{target}: outside the repository")
            elif resolved not in files and resolved != ".":
                problems.append(f"{target}: not in the repository")
            elif anchor and resolved.endswith(".md"):
                if anchor not in anchors(resolved, (REPO / resolved).read_text(encoding="utf-8")):
                    problems.append(f"{target}: no such heading in {resolved}")
    return [f"{doc}: {p}" for p in problems]


def test_links_point_inside_the_repository() -> None:
    files = tracked()
    assert {"README.md", "python", "python/README.md"} <= files
    problems = [p for doc in DOCS for p in link_problems(doc, (REPO / doc).read_text(encoding="utf-8"), files)]
    assert not problems


def test_the_link_check_can_fail() -> None:
    text = (
        "# Title\n[ok](../README.md#quickstart) [a](../../outside.md) [b](missing.md) [c](#title) [d](#nope)"
        " [e](https://example.com) <https://example.org> www.example.net [f](/README.md) [g](../README.md#nope)"
        " `[code](nowhere.md)`\n\n```python\n[x](inside-a-block.md)\n```\n"
    )
    problems = link_problems("python/links.md", text, tracked())
    assert [p.split(": ")[1] for p in problems] == [
        "../../outside.md",
        "missing.md",
        "#nope",
        "https://example.com",
        "/README.md",
        "../README.md#nope",
        "https://example.org",
        "www.example.net",
    ], problems
