"""The ``ccc-aicall`` command, run as a separate process against the emulator: what it sends, what it prints, and
exit codes that tell what happened to the phone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest
from ccc_aicall.testing import Emulator

REQUIRED = [
    "--sdk-app-id",
    "1400000000",
    "--llm-type",
    "openai",
    "--model",
    "gpt-4o-mini",
    "--api-url",
    "https://api.openai.com/v1/",
    "--api-key-env",
    "TEST_LLM_KEY",
]


def environment(emu: Emulator) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "CCC_AICALL_"))}
    env.update(
        CCC_AICALL_ENDPOINT=emu.endpoint,
        TENCENTCLOUD_SECRET_ID=emu.secret_id,
        TENCENTCLOUD_SECRET_KEY=emu.secret_key,
        TEST_LLM_KEY="sk-from-the-environment",
    )
    return env


def cli(emu: Emulator, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccc_aicall", *args],
        env=environment(emu),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_call_sends_typed_parameters_secrets_from_the_environment_and_the_prompt_from_a_file(
    emu: Emulator, tmp_path: Path
) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Confirm tomorrow's 10:00 appointment with {{name}}.\n", encoding="utf-8")
    run = cli(
        emu,
        "call",
        "--callee",
        "+86 130 1234 5678",
        *REQUIRED,
        "--system-prompt-file",
        str(prompt),
        "--callers",
        "008675500000000;008675500000001",
        "--max-call-duration-ms",
        "60000",
        "--end-function-enable",
        "true",
        "--var",
        "name=Li",
    )
    assert run.returncode == 0, run.stderr
    (call,) = emu.calls
    body = call["body"]
    assert run.stdout.startswith(f"placed: session {call['session_id']}")
    assert body["Callee"] == "008613012345678"
    assert body["APIKey"] == "sk-from-the-environment"
    assert body["SystemPrompt"].startswith("Confirm tomorrow's")
    assert body["Callers"] == ["008675500000000", "008675500000001"]
    assert body["MaxCallDurationMs"] == 60000 and body["EndFunctionEnable"] is True
    assert body["Variables"] == [{"Key": "name", "Value": "Li"}]
    assert "sk-from-the-environment" not in run.stdout + run.stderr


def test_call_wait_prints_the_outcome_as_json(emu: Emulator) -> None:
    emu.script("*", end_status=206, ring_ms=50)
    run = cli(emu, "call", "--callee", "008613012345678", *REQUIRED, "--system-prompt", "Hi", "--wait", "--json")
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    assert printed["session_id"] == emu.calls[0]["session_id"]
    assert printed["outcome"]["status"] == "busy"
    assert printed["outcome"]["answered"] is False


def test_invalid_input_exits_2_naming_the_field_and_sends_nothing(emu: Emulator) -> None:
    run = cli(emu, "call", "--callee", "008613012345678", *REQUIRED)  # openai needs a system prompt
    assert run.returncode == 2
    assert "system_prompt" in run.stderr
    run = cli(emu, "call", "--callee", "008613012345678", *REQUIRED, "--system-prompt", "Hi", "--vad-level", "x")
    assert run.returncode == 2 and "vad_level" in run.stderr
    env_missing = [a if a != "TEST_LLM_KEY" else "NOT_SET_ANYWHERE" for a in REQUIRED]
    run = cli(emu, "call", "--callee", "008613012345678", *env_missing, "--system-prompt", "Hi")
    assert run.returncode == 2 and "NOT_SET_ANYWHERE" in run.stderr
    run = cli(emu, "call", "--no-such-option", "1")
    assert run.returncode == 2
    assert emu.calls == [] and emu.hits == 0


def test_a_refusal_exits_3_and_an_unknown_outcome_exits_4(emu: Emulator) -> None:
    call = ["call", "--callee", "008613012345678", *REQUIRED, "--system-prompt", "Hi"]
    emu.inject(kind="error", code="FailedOperation.CalleeIsBlackUser")
    run = cli(emu, *call)
    assert run.returncode == 3, run.stderr
    assert "CalleeIsBlackUser" in run.stderr and emu.calls == []
    emu.inject(kind="error", code="InternalError")  # placed, then the answer says it failed
    run = cli(emu, *call)
    assert run.returncode == 4, run.stderr
    assert len(emu.calls) == 1, "sent once: an unknown outcome is never retried"


def test_campaign_from_csv_with_a_journal_never_dials_twice(emu: Emulator, tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(
        "callee,name\n008613000000001,Li\n008613000000002,Wang\n008613000000003,Zhao\n", encoding="utf-8"
    )
    args = ["campaign", "calls.csv", "--journal", "run.jsonl", *REQUIRED, "--system-prompt", "Hi {{name}}"]
    first = cli(emu, *args, "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["counts"]["placed"] == 3
    assert sorted(c["body"]["Callee"] for c in emu.calls) == ["008613000000001", "008613000000002", "008613000000003"]
    again = cli(emu, *args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "3 already_placed" in again.stdout
    assert len(emu.calls) == 3, "the journal keeps a rerun from dialling anyone again"


def test_an_idempotency_key_dials_once_and_a_named_campaign_runs(emu: Emulator, tmp_path: Path) -> None:
    call = ["call", "--callee", "008613012345678", *REQUIRED, "--system-prompt", "Hi", "--idempotency-key", "appt-1"]
    first = cli(emu, *call)
    assert first.returncode == 0 and first.stdout.startswith("placed:"), first.stderr
    again = cli(emu, *call)  # a separate process: without Redis the key is held in memory, so it dials again
    assert again.returncode == 0
    (tmp_path / "calls.csv").write_text("callee\n008613000000001\n008613000000002\n", encoding="utf-8")
    named = ["campaign", "calls.csv", "--campaign", "cli-test", *REQUIRED, "--system-prompt", "Hi", "--quiet"]
    run = cli(emu, *named, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "2 placed" in run.stdout


def test_outcome_reads_a_placed_call(emu: Emulator) -> None:
    emu.script("*", ring_ms=20, talk_ms=50)
    result = emu.client().create_ai_call(
        sdk_app_id=1400000000,
        callee="008613012345678",
        llm_type="openai",
        model="gpt-4o-mini",
        api_key="sk-test",
        api_url="https://api.openai.com/v1/",
        system_prompt="Hi",
    )
    run = cli(emu, "outcome", result.session_id, "--sdk-app-id", "1400000000", "--wait", "--timeout", "30")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("status: answered")
    assert "transcript:" in run.stdout
    missing = cli(emu, "outcome", "no-such-session", "--sdk-app-id", "1400000000")
    assert missing.returncode == 3, missing.stderr


def test_the_emulator_command_serves_until_terminated(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "CCC_AICALL_"))}
    server = subprocess.Popen(
        [sys.executable, "-m", "ccc_aicall", "emulator"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stderr is not None
        line = server.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), line
        exports = server.stderr.readline().split()[1:]
        call_env: Dict[str, str] = {**env, **dict(e.split("=", 1) for e in exports), "TEST_LLM_KEY": "sk-test"}
        argv: List[str] = ["call", "--callee", "008613012345678", *REQUIRED, "--system-prompt", "Hi", "--json"]
        placed = subprocess.run(
            [sys.executable, "-m", "ccc_aicall", *argv], env=call_env, capture_output=True, text=True, timeout=120
        )
        assert placed.returncode == 0, placed.stderr
        assert json.loads(placed.stdout)["session_id"]
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()


@pytest.mark.parametrize("args", [["--help"], ["call", "--help"], ["--version"]])
def test_help_and_version(args: List[str]) -> None:
    run = subprocess.run([sys.executable, "-m", "ccc_aicall", *args], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    assert "ccc-aicall" in run.stdout
