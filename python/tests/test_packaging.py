"""What the runtime package carries: no emulator (it ships as ccc-aicall-emulator, loaded only by
ccc_aicall.testing.Emulator), and one version number everywhere."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import ccc_aicall
import ccc_aicall_emulator
from ccc_aicall import _native

REPO = Path(__file__).resolve().parents[2]


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_the_runtime_extension_does_not_link_the_emulator() -> None:
    assert not hasattr(_native, "Emulator")
    binary = Path(_native.__file__).read_bytes()
    # Panic locations name their source files; the emulator crate's must be absent, the core's present.
    assert b"core/src/" in binary
    assert b"emulator/src/" not in binary


def test_the_runtime_extension_speaks_http1_only() -> None:
    # HTTP/2 (the h2 crate) was a twentieth of the extension, for a protocol the official SDKs do not use with this
    # service and that the emulator (HTTP/1.1) never exercised: a code path no test ran. The client is still there.
    binary = Path(_native.__file__).read_bytes()
    assert re.search(rb"/hyper-1\.[0-9.]+/src/", binary)
    assert not re.search(rb"/h2-0\.[0-9.]+/src/", binary)


def test_importing_the_package_and_testing_does_not_load_the_emulator() -> None:
    result = python(
        "import sys, ccc_aicall, ccc_aicall.testing, ccc_aicall.push\n"
        "print(sorted(m for m in sys.modules if m.startswith('ccc_aicall_emulator')))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_without_the_emulator_package_starting_one_says_what_to_install() -> None:
    # None in sys.modules makes the import fail as it does when the distribution is not installed.
    result = python(
        "import sys\n"
        "sys.modules['ccc_aicall_emulator'] = None\n"
        "from ccc_aicall.testing import Emulator\n"
        "try:\n"
        "    Emulator()\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    assert result.returncode == 0, result.stderr
    assert 'pip install "ccc-aicall[testing]"' in result.stdout
    assert "ccc-aicall-emulator" in result.stdout


def test_the_cli_emulator_command_without_the_package_fails_with_that_message() -> None:
    result = python(
        "import sys\n"
        "sys.modules['ccc_aicall_emulator'] = None\n"
        "from ccc_aicall._cli import main\n"
        "sys.exit(main(['emulator']))\n"
    )
    assert result.returncode == 1
    assert 'pip install "ccc-aicall[testing]"' in result.stderr


def test_one_version_everywhere() -> None:
    workspace = (REPO / "Cargo.toml").read_text()
    version = re.search(r'^\[workspace\.package\]\nversion = "([^"]+)"', workspace, re.M)
    assert version is not None
    assert ccc_aicall.__version__ == version.group(1)
    assert ccc_aicall_emulator.__version__ == version.group(1)
    pin = re.search(
        r'^testing = \["ccc-aicall-emulator==([^"]+)"\]', (REPO / "python/pyproject.toml").read_text(), re.M
    )
    assert pin is not None and pin.group(1) == version.group(1)
