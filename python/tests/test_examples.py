"""examples/quickstart.py and examples/quickstart.ipynb run against the emulator (the notebook in a real kernel)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ccc_aicall.testing import Emulator
from conftest import REPO

EXAMPLES = REPO / "examples"
CREDENTIAL_VARS = (
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_SESSION_TOKEN",
    "CCC_AICALL_ENDPOINT",
)


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARS}
    return {**env, **extra}


def test_quickstart_py_runs_on_its_own_emulator() -> None:
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")], env=clean_env(), capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "placed: AiCallResult(session_id=" in run.stdout
    assert "ended: answered after talking" in run.stdout
    assert "invalid vad_silence_time: must be between 240 and 2000" in run.stdout
    assert "placed concurrently: [" in run.stdout


def test_quickstart_py_uses_credentials_from_the_environment(emu: Emulator) -> None:
    env = clean_env(
        TENCENTCLOUD_SECRET_ID=emu.secret_id, TENCENTCLOUD_SECRET_KEY=emu.secret_key, CCC_AICALL_ENDPOINT=emu.endpoint
    )
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert len(emu.calls) == 4 and emu.hits_for("DescribeTelSession") >= 2  # the status, then the wait
    assert emu.hits_for("DescribeTelCdr") >= 1


def test_quickstart_notebook_runs_in_a_real_kernel(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", emu.secret_id)  # the kernel inherits the environment
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", emu.secret_key)
    monkeypatch.setenv("CCC_AICALL_ENDPOINT", emu.endpoint)
    notebook = nbformat.read(EXAMPLES / "quickstart.ipynb", as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()

    def output_of(source_start: str) -> str:
        [cell] = [c for c in notebook.cells if c.cell_type == "code" and c.source.startswith(source_start)]
        return "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs)

    assert "AiCallResult(session_id=" in output_of("result = client.create_ai_call")  # blocking, in the kernel's loop
    assert "AiCallResult(session_id=" in output_of("result = await async_client")  # top-level await
    assert "'vad_silence_time'" in output_of("try:")
    assert len(emu.calls) == 5  # 1 blocking + 1 awaited + 3 gathered
    assert emu.hits_for("DescribeTelSession") == 1


def test_the_outcomes_notebook_shows_the_same_story_every_time_in_a_real_kernel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """examples/outcomes.ipynb on its own emulator: a call placed, waited for and shown as a card (HTML), a live
    call controlled; "Run All" twice tells the same story and leaves no file beside the notebook."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    stories = []
    for _ in range(2):
        notebook = nbformat.read(EXAMPLES / "outcomes.ipynb", as_version=4)
        nbclient.NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
        ).execute()
        outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"], outputs
        html = "\n".join(o.get("data", {}).get("text/html", "") for o in outputs)
        text = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
        # The outcome shows as a card: its status, its transcript and its extracted fields.
        assert "answered" in html and "Yes, Tuesday at 10 works." in html and "confirmed" in html
        assert "CallOutcome(session_id=" in text and "status='answered'" in text
        assert "user: Yes, Tuesday at 10 works." in text
        assert "answered callTerminatedByAPI system" in text  # the live call, hung up mid-call
        # The campaign that waited: its report as a table, its counts, what it spent, the DataFrame.
        assert "Outcomes" in html and "busy" in html
        assert "{'answered': 1, 'busy': 1}" in text and "'DescribeTelCdr':" in text
        story = r"status='\w+'|answered \S+ \S+|\{'confirmed': True[^}]*\}|\{'answered'[^}]*\}"
        stories.append(re.findall(story, text))
    assert stories[0] == stories[1] and stories[0], stories
    assert list(tmp_path.iterdir()) == []
