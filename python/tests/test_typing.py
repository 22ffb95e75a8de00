"""The stubs match the built module (mypy.stubtest), the package type-checks strictly, and a type checker sees
every create_ai_call keyword: a misspelt one is an error before the code runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1]

USAGE = '''
import asyncio
from ccc_aicall import AiCallResult, AsyncClient, Client, ValidationError, tts

client = Client(secret_id="AKIDx", secret_key="k", timeout=10.0, rate_limit=5)
result: AiCallResult = client.create_ai_call(
    sdk_app_id=1400000000, callee="008613012345678", llm_type="openai", api_key="sk", api_url="https://x/v1/",
    system_prompt="p", model="m", custom_tts_config=tts.Tencent("1", "id", "key", 101001), vad_silence_time=800,
    transfer_items=[{"transfer_function_name": "t", "transfer_function_desc": "d", "transfer_skill_group_id": 1}],
)
session: str = result.session_id
answer: dict = client.request("DescribeTelSession", {"SdkAppId": 1, "SessionId": session})

async def main() -> str:
    placed = await AsyncClient().create_ai_call(sdk_app_id=1, callee="0086", llm_type="dify", api_key="k", api_url="u")
    return placed.request_id

try:
    asyncio.run(main())
except ValidationError as e:
    fields = [p.field for p in e.errors]
'''

MISTAKES = '''
from ccc_aicall import AsyncClient, Client, create_ai_call
Client().create_ai_call(sdk_app_id=1, callee="0086", llm_type="dify", api_key="k", api_url="u", vad_silense_time=5)
Client().create_ai_call(sdk_app_id="1400000000", callee="0086", llm_type="dify", api_key="k", api_url="u")
Client().create_ai_call(callee="008613012345678", llm_type="dify", api_key="k", api_url="u")
pending = AsyncClient().create_ai_call(callee="008613012345678", llm_type="dify", api_key="k", api_url="u")
create_ai_call(callee="008613012345678", llm_type="dify", api_key="k", api_url="u")
'''


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=PACKAGE_DIR, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("module", ["ccc_aicall._native", "ccc_aicall_emulator._native"])
def test_stubtest_passes(module: str) -> None:
    result = run("-m", "mypy.stubtest", module)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_type_checks_strictly() -> None:
    result = run("-m", "mypy", "--strict", "-p", "ccc_aicall")
    assert result.returncode == 0, result.stdout + result.stderr


def test_typical_use_type_checks(tmp_path: Path) -> None:
    (tmp_path / "usage.py").write_text(USAGE)
    result = run("-m", "mypy", "--strict", "--allow-any-generics", str(tmp_path / "usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_type_checker_catches_wrong_keywords_and_types(tmp_path: Path) -> None:
    (tmp_path / "mistakes.py").write_text(MISTAKES)
    result = run("-m", "mypy", str(tmp_path / "mistakes.py"))
    assert result.returncode == 1
    # A misspelt keyword reads as such (the runtime signature's catch-all is not what a type checker sees) ...
    assert 'mistakes.py:3: error: Unexpected keyword argument "vad_silense_time"' in result.stdout
    assert 'mistakes.py:4: error: Argument "sdk_app_id"' in result.stdout
    # ... and a required parameter left out is flagged in all three places, though at run time it is the core
    # that reports it (with every other problem of the request).
    assert 'mistakes.py:5: error: Missing named argument "sdk_app_id" for "create_ai_call" of "Client"' in result.stdout
    assert 'mistakes.py:6: error: Missing named argument "sdk_app_id" for "create_ai_call" of "AsyncClient"' in (
        result.stdout
    )
    assert 'mistakes.py:7: error: Missing named argument "sdk_app_id" for "create_ai_call"' in result.stdout
    assert "Found 5 errors" in result.stdout, result.stdout
