"""Shared fixtures: one emulator per test module (reset before each test), clients on it, the shared cases."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from _redis import RedisServer
from ccc_aicall.testing import Emulator

REPO = Path(__file__).resolve().parents[2]
CASES = json.loads((REPO / "tests" / "cases" / "requests.json").read_text(encoding="utf-8"))

VALID_REQUEST: Dict[str, Any] = {
    "sdk_app_id": 1400000000,
    "callee": "008613012345678",
    "llm_type": "openai",
    "api_key": "sk-s3cr3t-llm-key",
    "api_url": "https://api.openai.com/v1/",
    "system_prompt": "You are a friendly assistant.",
    "model": "gpt-4o-mini",
    "voice_type": "ZhiXi",
}


def snake(wire: str) -> str:
    """The core's wire -> snake_case rule (``LLMType`` -> ``llm_type``, ``CustomTTSConfig`` ->
    ``custom_tts_config``)."""
    out = []
    for i, c in enumerate(wire):
        if c.isupper() and i > 0:
            prev, nxt = wire[i - 1], wire[i + 1 : i + 2]
            if prev.islower() or prev.isdigit() or (prev.isupper() and nxt.islower()):
                out.append("_")
        out.append(c.lower())
    return "".join(out)


def snake_path(path: str) -> str:
    """``TransferItems[0].TransferSkillGroupId`` -> ``transfer_items[0].transfer_skill_group_id``; the raw keys
    under ``ExtraParams`` are the caller's own words and stay as written."""
    head, extra, tail = path.partition("ExtraParams.")
    renamed = re.sub(r"[A-Za-z0-9_-]+", lambda m: m.group(0) if m.group(0).isdigit() else snake(m.group(0)), head)
    return renamed + ("extra_params." + tail if extra else "")


def to_kwargs(value: Any, inside_extra: bool = False) -> Any:
    """A shared case's wire-keyed input as Python keywords: keys in snake_case, except inside ExtraParams."""
    if isinstance(value, dict):
        return {
            (k if inside_extra else snake(k)): to_kwargs(v, inside_extra or k == "ExtraParams")
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [to_kwargs(v, inside_extra) for v in value]
    return value


def case_ids(cases: List[Dict[str, Any]]) -> List[str]:
    return [c["name"] for c in cases]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    emulator.reset()
    emulator.rate_limit = 20
    emulator.clock_offset = 0
    return emulator


# A real redis-server of the tests' own on 127.0.0.1 (tests/_redis.py), one per module.


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis(redis_server: RedisServer) -> RedisServer:
    """The server, running (a test may have stopped it) and empty."""
    redis_server.start()
    redis_server.command("FLUSHALL")
    return redis_server
