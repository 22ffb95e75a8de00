"""The fenced code blocks of the project's Markdown files, and a runner for their Python blocks.

As a script, ``python _doc_blocks.py DOC`` runs the ``python`` blocks of DOC (a path from the repository's root) in
the current folder, in order, in one namespace, the way a reader pastes them into one session: a later block may
use what an earlier one defined, and a block may ``await`` at the top level (as in Jupyter). A block that defines
pytest-style ``test_*`` functions has them called, as pytest would. A traceback names the Markdown file and its
line. Each block that ran prints ``ran DOC:LINE``, so the caller can tell that none was left out.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parents[2]

# CommonMark's fences: three or more backticks (or tildes), indented as the list item they sit in.
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Block:
    doc: str  # the Markdown file, from the repository's root
    line: int  # the line of the opening fence (1-based): the code starts on the next one
    lang: str  # the info string's first word ("" when the fence has none)
    attributes: Tuple[str, ...]  # its other words (rustdoc's `no_run`, ...)
    code: str


def documents() -> List[str]:
    """The Markdown files listed in tests/docs/documents.txt, from the repository's root, in a stable order."""
    found: List[str] = []
    for entry in (REPO / "tests" / "docs" / "documents.txt").read_text(encoding="utf-8").splitlines():
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        if "*" in entry:
            folder, pattern = entry.rsplit("/", 1)
            found.extend(sorted(p.relative_to(REPO).as_posix() for p in (REPO / folder).glob(pattern)))
        else:
            found.append(entry)
    return found


def blocks(doc: str, text: Optional[str] = None) -> List[Block]:
    """Every fenced code block of ``doc`` (or of ``text``, read from it by default); an unclosed fence is an error,
    not a block running to the end of the file."""
    lines = (REPO / doc).read_text(encoding="utf-8").splitlines() if text is None else text.splitlines()
    out: List[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        words = [w for w in re.split(r"[\s,]+", opening["info"].strip()) if w]
        closing = re.compile(rf"^ *{re.escape(fence[0])}{{{len(fence)},}} *$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
        if end is None:
            raise ValueError(f"{doc}:{i + 1}: a code fence that is never closed")
        body = [line[min(indent, len(line) - len(line.lstrip(" "))) :] for line in lines[i + 1 : end]]
        out.append(Block(doc, i + 1, words[0] if words else "", tuple(words[1:]), "\n".join(body) + "\n"))
        i = end + 1
    return out


def run_python_blocks(doc: str) -> None:
    namespace: Dict[str, Any] = {"__name__": "__main__"}
    loop = asyncio.new_event_loop()
    try:
        for block in blocks(doc):
            if block.lang != "python":
                continue
            flags, filename = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, str(REPO / doc)
            tree = compile(block.code, filename, "exec", flags | ast.PyCF_ONLY_AST, dont_inherit=True)
            ast.increment_lineno(tree, block.line)  # tracebacks show the Markdown file's own lines
            before = dict(namespace)
            result = eval(compile(tree, filename, "exec", flags, dont_inherit=True), namespace)
            if inspect.iscoroutine(result):  # the block awaits at the top level
                loop.run_until_complete(result)
            for name, value in list(namespace.items()):
                if name.startswith("test_") and callable(value) and before.get(name) is not value:
                    value()
            print(f"ran {doc}:{block.line}", flush=True)
    finally:
        loop.close()


if __name__ == "__main__":
    run_python_blocks(sys.argv[1])
