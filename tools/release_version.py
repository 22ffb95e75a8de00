"""The release version gate: every file that states the version states the workspace's, and a release tag names it.

The one declaration is `[workspace.package] version` in the root Cargo.toml. The Python distributions take it from
there (pyproject.toml `dynamic = ["version"]`, each crate `version.workspace = true`); npm has no such link, so each
package.json repeats it: the main packages, their platform packages (`npm/<suffix>/`) and the main packages'
optionalDependencies on those. A release published with two different versions (a wheel 0.2.0 beside an npm 0.1.0,
or a main package pointing at platform packages of another release) is what this refuses, before anything is built.

Usage: python tools/release_version.py [--tag vX.Y.Z]   (exit status 1 after listing every mismatch)
`make lint` runs it without --tag; the release workflow passes the pushed tag.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Python 3.11+ (the .venv of make lint, the release runners' python3); ruff, set for the packages' 3.9, calls it
# third-party.
import tomllib

ROOT = Path(__file__).resolve().parent.parent
PYTHON_PACKAGES = ("python", "python-emulator")
NODE_PACKAGES = ("node", "node-emulator")


def workspace_version() -> str:
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text(encoding="utf-8"))
    return cargo["workspace"]["package"]["version"]


def mismatches(version: str) -> list[str]:
    found: list[str] = []

    def expect(where: str, stated: object) -> None:
        if stated != version:
            found.append(f"{where}: {stated!r}, the workspace says {version!r}")

    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text(encoding="utf-8"))
    core = cargo["workspace"].get("dependencies", {}).get("ccc-aicall")
    if isinstance(core, dict) and "version" in core:
        expect("Cargo.toml [workspace.dependencies] ccc-aicall version", core["version"])

    for package in PYTHON_PACKAGES:
        crate = ROOT / package / "Cargo.toml"
        if crate.is_file():
            stated = tomllib.loads(crate.read_text(encoding="utf-8"))["package"].get("version")
            if stated != {"workspace": True}:
                expect(f"{package}/Cargo.toml [package] version (use version.workspace = true)", stated)
        pyproject = ROOT / package / "pyproject.toml"
        if pyproject.is_file():
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
            if "version" in project:
                expect(f"{package}/pyproject.toml [project] version (make it dynamic)", project["version"])
            # ccc-aicall[testing] pins the emulator distribution released with it.
            for extra, requirements in sorted(project.get("optional-dependencies", {}).items()):
                for requirement in requirements:
                    name, pinned, stated = requirement.partition("==")
                    if name.strip() == "ccc-aicall-emulator":
                        expect(
                            f"{package}/pyproject.toml extra {extra!r} pin of ccc-aicall-emulator",
                            stated if pinned else None,
                        )

    for package in NODE_PACKAGES:
        main = ROOT / package / "package.json"
        if not main.is_file():
            continue
        manifest = json.loads(main.read_text(encoding="utf-8"))
        expect(f"{package}/package.json version", manifest.get("version"))
        platform_names = set()
        for platform in sorted((ROOT / package / "npm").glob("*/package.json")):
            name = platform.relative_to(ROOT).as_posix()
            platform_manifest = json.loads(platform.read_text(encoding="utf-8"))
            platform_names.add(platform_manifest.get("name"))
            expect(f"{name} version", platform_manifest.get("version"))
        for name, stated in sorted(manifest.get("optionalDependencies", {}).items()):
            if name in platform_names:
                expect(f"{package}/package.json optionalDependencies {name}", stated)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", help="the release tag being published (vX.Y.Z); it must name the workspace version")
    args = parser.parse_args()
    version = workspace_version()
    found = mismatches(version)
    if args.tag is not None and args.tag != f"v{version}":
        found.append(f"tag {args.tag!r}: the workspace version is {version!r}, so the release tag must be 'v{version}'")
    for line in found:
        print(f"tools/release_version.py: {line}")
    if found:
        return 1
    print(f"tools/release_version.py: every stated version is {version}" + (f", tag {args.tag}" if args.tag else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
