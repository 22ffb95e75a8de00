#!/usr/bin/env python3
"""`make fuzz`: seed the corpora, fuzz every target for a bounded time, write tests/fuzz-results.json.

Uses `cargo +nightly fuzz` when rustup has a nightly toolchain, else `RUSTC_BOOTSTRAP=1 cargo fuzz` on stable
(cargo-fuzz needs nightly-only flags); installs cargo-fuzz when it is missing. Exits non-zero when a target
crashed: the input is in fuzz/artifacts/<target>/; minimise it (`cargo fuzz tmin`), keep it under
fuzz/regressions/<target>/ so `cargo test` replays it, and fix the bug.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
RESULTS = ROOT / "tests" / "fuzz-results.json"
sys.path.insert(0, str(FUZZ))
import seed  # noqa: E402

# Target -> the surface it covers, for the report.
TARGETS = {
    "request": "CreateAiCallRequest::from_value (wire, snake, camel keys) + to_wire_body, from JSON bytes",
    "request_structured": "CreateAiCallRequest::from_value + to_wire_body, from generated values (arbitrary)",
    "envelope": "envelope::parse(status, body): the service's answer",
    "profile": "credential::parse_profile and credential::clean: the credentials file",
    "tts": "CustomTtsConfig::from_value (object and JSON-string forms) + validate",
    "journal": "campaign::journal::replay: the campaign journal",
    "csv": "campaign::csv::parse_calls_csv: a campaign's calls file",
    "emulator": "the emulator's headers, TC3 signature and token check, routing and body parsing (answer_request)",
}
# Safe Rust: no sanitizer, so the time goes to executions; debug assertions (overflow checks) stay on.
SANITIZER = "none"


def fuzz_command():
    toolchains = subprocess.run(["rustup", "toolchain", "list"], capture_output=True, text=True).stdout
    env = dict(os.environ)
    if any(line.startswith("nightly") for line in toolchains.splitlines()):
        return ["cargo", "+nightly", "fuzz"], env, "nightly"
    env["RUSTC_BOOTSTRAP"] = "1"
    return ["cargo", "fuzz"], env, "stable with RUSTC_BOOTSTRAP=1"


def ensure_cargo_fuzz():
    probe = subprocess.run(["cargo", "fuzz", "--version"], capture_output=True, text=True)
    if probe.returncode != 0:
        subprocess.run(["cargo", "install", "cargo-fuzz", "--locked"], check=True)


def targets_built():
    text = (FUZZ / "Cargo.toml").read_text()
    return [t for t in re.findall(r'^name = "([a-z_]+)"', text, re.M) if t in TARGETS]


def files(folder: Path):
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def stat(log: str, name: str) -> int:
    found = re.findall(rf"stat::{name}:\s*(\d+)", log)
    return int(found[-1]) if found else 0


def run_target(cmd, env, target, seconds, logs: Path):
    corpus = FUZZ / "corpus" / target
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts = FUZZ / "artifacts" / target
    before = {p.name for p in files(artifacts)}
    seeds = len([p for p in files(corpus) if p.name.startswith("seed-")])
    args = [f"-max_total_time={seconds}", "-print_final_stats=1", "-timeout=10", "-rss_limit_mb=2048"]
    dictionary = FUZZ / "corpus" / f"{target}.dict"
    if dictionary.exists():
        args.append(f"-dict={dictionary}")
    started = time.monotonic()
    # The kept crash inputs go in as a second corpus: every run replays them first.
    kept = FUZZ / "regressions" / target
    corpora = [str(corpus)] + ([str(kept)] if kept.is_dir() else [])
    proc = subprocess.run(
        cmd + ["run", "--sanitizer", SANITIZER, target] + corpora + ["--"] + args,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
    )
    elapsed = time.monotonic() - started
    (logs / f"{target}.log").write_text(proc.stdout + proc.stderr)
    # slow-unit-* files are only reports; crash-, timeout-, oom- and leak- inputs are failures.
    crashes = [p.name for p in files(artifacts) if p.name not in before and not p.name.startswith("slow-unit-")]
    executions = stat(proc.stderr, "number_of_executed_units")
    regressions = files(kept)
    result = {
        "target": target,
        "surface": TARGETS[target],
        "seconds": seconds,
        "executions": executions,
        "executions_per_second": stat(proc.stderr, "average_exec_per_sec"),
        "seed_inputs": seeds,
        "corpus_size": len(files(corpus)),
        "new_coverage_inputs": stat(proc.stderr, "new_units_added"),
        "peak_rss_mb": stat(proc.stderr, "peak_rss_mb"),
        "crashes_found": len(crashes),
        "crash_artifacts": [f"fuzz/artifacts/{target}/{name}" for name in crashes],
        "exit_code": proc.returncode,
        "wall_seconds": round(elapsed, 1),
        "regressions_kept": [f"fuzz/regressions/{target}/{p.name}" for p in regressions],
    }
    if proc.returncode != 0 and not crashes:
        result["error"] = (proc.stdout + proc.stderr).strip().splitlines()[-20:]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="fuzzing time per target")
    parser.add_argument("targets", nargs="*", help="targets to run (default: all)")
    opts = parser.parse_args()

    ensure_cargo_fuzz()
    cmd, env, toolchain = fuzz_command()
    for target, n in sorted(seed.main().items()):
        print(f"seeded {target}: {n} inputs", flush=True)
    subprocess.run(cmd + ["build", "--sanitizer", SANITIZER], cwd=ROOT, env=env, check=True)

    targets = opts.targets or targets_built()
    logs = FUZZ / "target" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    results = []
    for target in targets:
        print(f"fuzzing {target} for {opts.seconds}s ...", flush=True)
        result = run_target(cmd, env, target, opts.seconds, logs)
        results.append(result)
        print(
            f"  {result['executions']} executions, corpus {result['corpus_size']}, "
            f"crashes {result['crashes_found']} {' '.join(result['crash_artifacts'])}",
            flush=True,
        )

    report = {
        "generated_by": f"make fuzz FUZZ_SECONDS={opts.seconds}",
        "engine": "cargo-fuzz (libFuzzer), debug assertions and overflow checks on, sanitizer " + SANITIZER,
        "toolchain": toolchain,
        "seconds_per_target": opts.seconds,
        "total_executions": sum(r["executions"] for r in results),
        "total_crashes_found": sum(r["crashes_found"] for r in results),
        "targets": results,
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"wrote {RESULTS.relative_to(ROOT)}: {report['total_executions']} executions, "
        f"{report['total_crashes_found']} crashes"
    )
    if report["total_crashes_found"] or any("error" in r for r in results):
        sys.exit("fuzzing found crashes or failed: see tests/fuzz-results.json and fuzz/target/logs/")


if __name__ == "__main__":
    main()
