"""A Rust panic inside a binding call reaches Python as an exception, never an abort, and the next call works.
The triggers are test-only hooks of the native module (python/src/testing_hooks.rs).
Writes target/reliability/python-panic.json."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Dict

import pytest
from ccc_aicall import _native
from ccc_aicall.testing import Emulator
from conftest import VALID_REQUEST

REPORT = Path(__file__).resolve().parents[2] / "target" / "reliability" / "python-panic.json"
SEEN: Dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def report() -> object:
    yield
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({"language": "python", **SEEN}, indent=2) + "\n", encoding="utf-8")


def test_a_panic_in_a_blocking_call_is_an_exception(emu: Emulator) -> None:
    with pytest.raises(BaseException, match="test-only panic") as caught:
        _native._panic_for_test()
    assert type(caught.value).__name__ == "PanicException"
    assert emu.client(rate_limit=0).create_ai_call(**VALID_REQUEST).session_id
    assert len(emu.calls) == 1
    SEEN["sync"] = f"{type(caught.value).__name__}: {caught.value}; the next call placed"


def test_a_panic_in_an_awaitable_is_an_exception(emu: Emulator) -> None:
    async def go() -> str:
        # pyo3-async-runtimes 0.30 loses the panic's message ("rust future panicked: unknown error").
        with pytest.raises(Exception, match="rust future panicked") as caught:
            await _native._panic_for_test_async()
        assert type(caught.value).__name__ == "RustPanic"
        SEEN["async"] = f"{type(caught.value).__name__}: {caught.value}; the next call placed"
        return (await emu.async_client(rate_limit=0).create_ai_call(**VALID_REQUEST)).session_id

    assert asyncio.run(go())
    assert len(emu.calls) == 1
