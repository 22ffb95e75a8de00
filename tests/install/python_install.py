"""The Python packages as a user receives them, on a machine without Rust.

Builds the two wheels (ccc-aicall and ccc-aicall-emulator) from the build `make python-dev` just made, installs them
into a fresh virtualenv with pip and no index, then, with `cargo` and `rustc` off PATH: imports the package from
that venv (not from the checkout), places a call on the emulator from Python and from the `ccc-aicall` command, and
type-checks a user's file against the installed package with mypy --strict.

    python tests/install/python_install.py            # what `make test-install-python` runs

The wheels are debug builds tagged for this machine (a release build takes minutes; `make dist` makes and checks
those): what is proven here is the packaging (files, metadata, entry point, extra, stubs), not the optimiser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TEST_PYTHON = Path(sys.executable)

PLACE_A_CALL = """
import ccc_aicall, ccc_aicall_emulator, shutil, sys
from ccc_aicall.testing import Emulator

assert shutil.which("cargo") is None and shutil.which("rustc") is None, "Rust is still on PATH"
assert ccc_aicall.__file__.startswith(sys.prefix), ccc_aicall.__file__
assert ccc_aicall_emulator.__file__.startswith(sys.prefix), ccc_aicall_emulator.__file__
with Emulator() as emu:
    result = emu.client().create_ai_call(
        sdk_app_id=1400000000, callee="008613012345678", llm_type="openai", api_key="sk-install",
        api_url="https://llm.example.com/v1", system_prompt="You are polite.", model="gpt-4o-mini",
    )
    assert [c["session_id"] for c in emu.calls] == [result.session_id]
    print(f"placed from Python: session {result.session_id}, ccc_aicall {ccc_aicall.__version__} in {sys.prefix}")
"""

USER_CODE = """
from ccc_aicall import AiCallResult, Client
from ccc_aicall.testing import Emulator

def place(client: Client) -> str:
    result: AiCallResult = client.create_ai_call(
        sdk_app_id=1400000000, callee="008613012345678", llm_type="dify", api_key="k", api_url="u",
    )
    return result.session_id

def wrong(client: Client) -> None:
    client.create_ai_call(sdk_app_id="1400000000", callee="008613012345678",  # type: ignore[arg-type]
                          llm_type="dify", api_key="k", api_url="u")

with Emulator() as emu:
    print(place(emu.client()))
"""


def run(argv: list[str], env: dict[str, str] | None = None, **kw: Any) -> subprocess.CompletedProcess[str]:
    shown = [a if "\n" not in a else "<script>" for a in map(str, argv)]
    print("+", " ".join(shown), flush=True)
    result = subprocess.run(argv, env=env, text=True, capture_output=True, timeout=600, **kw)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def without_rust() -> dict[str, str]:
    """The environment with every PATH entry that holds cargo or rustc removed, and no Rust variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO", "RUSTUP", "RUSTC", "VIRTUAL_ENV"))}
    keep = [
        d
        for d in env.get("PATH", "").split(os.pathsep)
        if d and not any((Path(d) / tool).exists() for tool in ("cargo", "rustc"))
    ]
    env["PATH"] = os.pathsep.join(keep)
    return env


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ccc-aicall-install-") as tmp:
        wheels = Path(tmp) / "wheels"
        for project in ("python", "python-emulator"):
            run(
                [
                    str(TEST_PYTHON.parent / "maturin"),
                    "build",
                    "--locked",
                    "--profile",
                    "dev",
                    "--quiet",
                    "-m",
                    str(REPO / project / "Cargo.toml"),
                    "-o",
                    str(wheels),
                ]
            )
        built = sorted(wheels.glob("*.whl"))
        assert [w.name.split("-")[0] for w in built] == ["ccc_aicall", "ccc_aicall_emulator"], built

        env = without_rust()
        assert shutil.which("cargo", path=env["PATH"]) is None and shutil.which("rustc", path=env["PATH"]) is None
        venv = Path(tmp) / "venv"
        run([sys.executable, "-m", "venv", str(venv)], env=env)
        python = str(venv / "bin" / "python")
        # The extra pins the emulator to this version; --no-index: pip may only use the wheels given.
        run(
            [
                python,
                "-m",
                "pip",
                "install",
                "-q",
                "--no-index",
                "--disable-pip-version-check",
                "--find-links",
                str(wheels),
                "ccc-aicall[testing]",
            ],
            env=env,
        )

        print(run([python, "-c", PLACE_A_CALL], env=env, cwd=tmp).stdout, end="")

        # The console script, against an emulator the installed package serves.
        emulator = subprocess.Popen(
            [str(venv / "bin" / "ccc-aicall"), "emulator"],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp,
        )
        try:
            assert emulator.stdout is not None and emulator.stderr is not None
            endpoint = emulator.stdout.readline().split()[-1]
            exports = emulator.stderr.readline().split()[1:]
            cli_env = {**env, **dict(e.split("=", 1) for e in exports), "CCC_AICALL_ENDPOINT": endpoint}
            placed = run(
                [
                    str(venv / "bin" / "ccc-aicall"),
                    "call",
                    "--sdk-app-id",
                    "1400000000",
                    "--callee",
                    "008613012345678",
                    "--llm-type",
                    "openai",
                    "--api-key",
                    "sk-install",
                    "--api-url",
                    "https://llm.example.com/v1",
                    "--model",
                    "gpt-4o-mini",
                    "--system-prompt",
                    "You are polite.",
                ],
                env=cli_env,
                cwd=tmp,
            )
            print(f"placed from the ccc-aicall command: {placed.stdout.strip()}")
        finally:
            emulator.terminate()
            emulator.wait(timeout=30)

        user = Path(tmp) / "user_code.py"
        user.write_text(USER_CODE)
        # mypy from the test venv, resolving imports in the fresh one: the installed stubs and py.typed.
        run(
            [
                str(TEST_PYTHON),
                "-m",
                "mypy",
                "--strict",
                "--warn-unused-ignores",
                "--no-incremental",
                "--python-executable",
                python,
                str(user),
            ],
            env=env,
            cwd=tmp,
        )
        print(f"type-checked {user.name} against the installed package")
        print("install test: passed (no cargo, no rustc on PATH)")


if __name__ == "__main__":
    main()
