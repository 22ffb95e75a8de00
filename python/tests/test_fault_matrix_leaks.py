"""The leak check: the whole fault matrix again, sync and async, with a distinctive string in every secret field
(SecretKey, token, the LLM api_key, each TTS vendor's credential) and the ``ccc_aicall`` logger at DEBUG
(plus every other logger at its level) captured; no log line, exception message, str or repr may contain one.
Writes target/reliability/python-leaks.json."""

from __future__ import annotations

import logging
from typing import Iterator, List

import pytest
from _fault_matrix import MATRIX, Secrets, problems, run, write_report


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def capture() -> Iterator[Capture]:
    handler = Capture()
    root, ours = logging.getLogger(), logging.getLogger("ccc_aicall")
    level = ours.level
    root.addHandler(handler)
    ours.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        ours.setLevel(level)


def test_no_secret_in_any_log_line_message_or_repr(capture: Capture) -> None:
    secrets: List[str] = MATRIX["leak_check"]["secrets"]
    texts: List[str] = []
    found: List[str] = []
    for mode in ("sync", "async"):
        result = run(Secrets.leak_check(), mode)
        texts += result.texts
        found += [f"{mode}: {p}" for p in problems(result.rows)]
    occurrences = [f"{s} in: {t}" for t in texts + capture.lines for s in secrets if s in t]
    write_report(
        "python-leaks",
        {
            "language": "python",
            "logging": "logging: logger ccc_aicall at DEBUG, a handler on the root logger",
            "rows_run": 2 * len(MATRIX["rows"]),
            "log_lines": len(capture.lines),
            "log_lines_ccc_aicall": sum(1 for line in capture.lines if " ccc_aicall " in line),
            "texts": len(texts),
            "texts_what": "str, repr, args, message and attributes of every exception; "
            "repr and str of every client and result",
            "secrets": len(secrets),
            "occurrences": len(occurrences),
            "matrix_problems": found,
        },
    )
    assert any("attempt=" in line for line in capture.lines), "the client's attempt lines are captured"
    assert occurrences == []
    assert found == []
