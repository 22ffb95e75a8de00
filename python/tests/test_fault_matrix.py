"""The fault matrix (tests/cases/fault_matrix.json) through Client and AsyncClient: each row's exception class,
outcome_unknown, placed calls and emulator hits, and the invariant placed <= calls asked.
Writes target/reliability/python-fault-matrix.json and python-async-fault-matrix.json."""

from __future__ import annotations

import pytest
from _fault_matrix import Secrets, problems, run, write_report


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_fault_matrix(mode: str) -> None:
    result = run(Secrets(), mode)
    found = problems(result.rows)
    name = "python" if mode == "sync" else "python-async"
    client = "Client (threads)" if mode == "sync" else "AsyncClient (asyncio.gather)"
    write_report(f"{name}-fault-matrix", {"language": name, "client": client, "rows": result.rows, "problems": found})
    assert found == []
