"""Interleaved A/B of builds of the Python package, with the floor in the same rounds: for one change's effect.

    .venv-bench/bin/python bench/ab.py [--runs 7] [--seconds 3] NAME=SPEC ...

SPEC is `floor:MODE` (core/benches/floor.rs's executable, last built by `make bench`: MODE floor, floor_mt, core or
core_ct) or a directory holding a `ccc_aicall` package (its .py files and a release `_native.abi3.so`), put first
on PYTHONPATH for bench/py_client.py's blocking `ours seq`. The release emulator (`make bench` builds it) runs
once on 127.0.0.1 with its limiter off; each round runs every NAME once, in order, for `--seconds`. Printed: p50
and client CPU per call, medians over the rounds, and each p50 as a ratio to the first NAME's.

    .venv-bench/bin/python bench/ab.py floor=floor:floor core_ct=floor:core_ct before=/tmp/a after=/tmp/b
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def floor_executable():
    found = [p for p in (ROOT / "target/release/deps").glob("floor-*") if p.suffix != ".d" and os.access(p, os.X_OK)]
    if not found:
        raise SystemExit("no floor executable: run `make bench` (or `cargo bench -p ccc-aicall --bench floor`) first")
    return max(found, key=lambda p: p.stat().st_mtime)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seconds", default="3")
    ap.add_argument("contenders", nargs="+", metavar="NAME=SPEC")
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_PROXY"] = "*"
    emu = subprocess.Popen(
        [ROOT / "target/release/ccc-aicall-emulator", "--port", "0", "--rate-limit", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        endpoint = re.search(r"http://\S+", emu.stdout.readline()).group(0)
        jobs = {}
        for arg in args.contenders:
            name, spec = arg.split("=", 1)
            if spec.startswith("floor:"):
                cmd = [floor_executable(), "--endpoint", endpoint, "--mode", spec[6:], "--seconds", args.seconds]
                jobs[name] = (cmd, env)
            else:
                cmd = [sys.executable, ROOT / "bench/py_client.py", "ours", "seq", endpoint, "--seconds", args.seconds]
                jobs[name] = (cmd, {**env, "PYTHONPATH": str(Path(spec).resolve())})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        results = {name: [] for name in jobs}
        for _ in range(args.runs):
            for name, (cmd, job_env) in jobs.items():
                reset = urllib.request.Request(f"{endpoint}/__emulator/reset", data=b"{}", method="POST")
                opener.open(reset, timeout=30).read()
                out = subprocess.run(cmd, capture_output=True, text=True, env=job_env, check=True)
                results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        emu.terminate()
        emu.wait(timeout=10)
    first = None
    for name, runs in results.items():
        p50 = statistics.median(r["p50_us"] for r in runs)
        cpu = statistics.median(r["cpu_us_per_call"] for r in runs)
        first = first or p50
        spread = ", ".join(str(round(r["p50_us"])) for r in runs)
        print(f"{name:12} p50 {p50:7.1f} µs ({p50 / first:.2f}× {next(iter(results))})  cpu {cpu:6.1f} µs  [{spread}]")


if __name__ == "__main__":
    main()
