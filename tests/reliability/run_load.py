"""Load and soak (`make reliability`, not `make test`): the emulator binary in its own process, rate limit off, then

- Python: 20,000 calls through one Client from 8 threads, then 20,000 through one AsyncClient with 500 in flight,
  then a soak of 100,000 the same way;
- Node: 20,000 calls through one Client with 500 in flight, then a soak of 100,000 the same way;
- the emulator under 10 concurrent clients (10 Python Clients, one per thread, 10,000 calls);

each phase in a process of its own (load_python.py, load_node.js), the emulator reset before each. Checks: no
error, placed == requested, every session id distinct and the same set on both sides, no file descriptor or
connection left once the client is dropped, RSS flat after the warm-up. Writes target/reliability/load.json and
exits non-zero if a check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from procstats import fds, rss_mb  # noqa: E402

# Flat: over the second half of a phase, RSS may grow at most RSS_GROWTH_LIMIT_MB, plus PER_CONNECTION_MB for
# each connection the pool added meanwhile (a pooled HTTP/1.1 connection holds its buffers and task; with 500
# calls in flight the pool keeps growing towards 500 for as long as bursts get more concurrent). A leak of
# 1.5 KB per call would add 15 MB over the second half of 20,000 calls.
RSS_GROWTH_LIMIT_MB = 12.0
PER_CONNECTION_MB = 0.0625


def admin(endpoint: str, what: str, method: str = "GET") -> Any:
    req = urllib.request.Request(
        f"{endpoint}/__emulator/{what}", method=method, data=b"{}" if method == "POST" else None
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def run_phase(name: str, cmd: List[str], endpoint: str, emulator_pid: int) -> Dict[str, Any]:
    admin(endpoint, "reset", "POST")
    emu_fds_before = fds(emulator_pid)
    with tempfile.NamedTemporaryFile("r", suffix=".ids") as ids_file:
        print(f"[load] {name}: {' '.join(cmd[1:])}", flush=True)
        out = subprocess.run(
            cmd + ["--ids-out", ids_file.name], capture_output=True, text=True, check=False, timeout=1800
        )
        if out.returncode != 0:
            raise SystemExit(f"{name} failed ({out.returncode}):\n{out.stderr[-4000:]}")
        result: Dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        client_ids = set(filter(None, ids_file.read().split("\n")))
    state = admin(endpoint, "state")
    emulator_ids = [c["session_id"] for c in state["calls"]]
    time.sleep(0.5)
    result.update(
        {
            "name": name,
            "placed": len(state["calls"]),
            "hits": state["hits"],
            "emulator_distinct_session_ids": len(set(emulator_ids)),
            "session_ids_match": client_ids == set(emulator_ids),
            "emulator_fds_before": emu_fds_before,
            "emulator_fds_after": fds(emulator_pid),
            "emulator_rss_mb_after": rss_mb(emulator_pid),
        }
    )
    result["rss_allowance_mb"] = round(rss_allowance(result), 1)
    result["checks"] = checks(result)
    print(
        f"[load] {name}: {result['calls_per_s']} calls/s, {result['errors']} errors, "
        f"fds {result['fds_before']}->{result['fds_after']}, RSS {result['rss_mb_samples']} MB, "
        f"connections {result['sockets_samples']}, "
        f"failed checks: {[k for k, ok in result['checks'].items() if not ok]}",
        flush=True,
    )
    return result


def rss_allowance(r: Dict[str, Any]) -> float:
    sockets: List[int] = r["sockets_samples"]
    half = len(sockets) // 2
    added = max(sockets[half:]) - max(sockets[: half + 1])
    return RSS_GROWTH_LIMIT_MB + PER_CONNECTION_MB * max(0, added)


def checks(r: Dict[str, Any]) -> Dict[str, bool]:
    # The phase's calls plus the one baseline call made before counting descriptors.
    requested = r["calls"] + r["baseline_calls"]
    return {
        "no_error": r["errors"] == 0 and r["succeeded"] == r["calls"],
        "placed_equals_requested": r["placed"] == requested,
        "hits_equal_requested": r["hits"] == requested,
        "session_ids_distinct": r["distinct_session_ids"] == r["calls"]
        and r["emulator_distinct_session_ids"] == requested,
        "session_ids_match": r["session_ids_match"],
        "no_fd_leaked": r["fds_after"] == r["fds_before"],
        "no_connection_left": r["sockets_after"] == 0,
        "emulator_fds_back": r["emulator_fds_after"] <= r["emulator_fds_before"],
        "rss_flat_second_half": r["rss_mb_end"] - r["rss_mb_half"] <= rss_allowance(r),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emulator", default=str(REPO / "target" / "release" / "ccc-aicall-emulator"))
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--node", default="node")
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--clients-calls", type=int, default=10000)
    parser.add_argument("--soak-calls", type=int, default=100000)
    parser.add_argument("--out", default=str(REPO / "target" / "reliability" / "load.json"))
    args = parser.parse_args()

    load_before = os.getloadavg()
    emulator = subprocess.Popen([args.emulator, "--port", "0", "--rate-limit", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = emulator.stdout.readline() if emulator.stdout else ""
        if not line.startswith("listening on "):
            raise SystemExit(f"the emulator did not start: {line!r}")
        endpoint = line.split()[-1]
        emulator_start = {"fds": fds(emulator.pid), "rss_mb": rss_mb(emulator.pid)}
        py = [args.python, str(HERE / "load_python.py"), "--endpoint", endpoint]
        started = time.monotonic()
        phases = [
            run_phase(
                "python-sync",
                py + ["--phase", "sync", "--calls", str(args.calls), "--threads", "8"],
                endpoint,
                emulator.pid,
            ),
            run_phase(
                "python-async",
                py + ["--phase", "async", "--calls", str(args.calls), "--in-flight", "500"],
                endpoint,
                emulator.pid,
            ),
            run_phase(
                "python-async-soak",
                py + ["--phase", "async", "--calls", str(args.soak_calls), "--in-flight", "500"],
                endpoint,
                emulator.pid,
            ),
            run_phase(
                "node",
                [
                    args.node,
                    "--expose-gc",
                    str(HERE / "load_node.js"),
                    "--endpoint",
                    endpoint,
                    "--calls",
                    str(args.calls),
                    "--in-flight",
                    "500",
                ],
                endpoint,
                emulator.pid,
            ),
            run_phase(
                "node-soak",
                [
                    args.node,
                    "--expose-gc",
                    str(HERE / "load_node.js"),
                    "--endpoint",
                    endpoint,
                    "--calls",
                    str(args.soak_calls),
                    "--in-flight",
                    "500",
                ],
                endpoint,
                emulator.pid,
            ),
            run_phase(
                "emulator-10-clients",
                py + ["--phase", "clients", "--calls", str(args.clients_calls), "--clients", "10"],
                endpoint,
                emulator.pid,
            ),
        ]
        emulator_end = {"fds": fds(emulator.pid), "rss_mb": rss_mb(emulator.pid)}
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "builds": {
            "emulator": "release binary (cargo build --release -p ccc-aicall-emulator), its own process",
            "python": "the dev (debug) build of the extension from `make python-dev`",
            "node": "the debug build of the native module from `npm run build`",
        },
        "rss_growth_limit_mb": RSS_GROWTH_LIMIT_MB,
        "rss_per_added_connection_mb": PER_CONNECTION_MB,
        "wall_s": round(time.monotonic() - started, 1),
        "emulator_process": {"start": emulator_start, "end": emulator_end},
        "phases": phases,
        "all_checks_passed": all(all(p["checks"].values()) for p in phases),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"[load] wrote {args.out}; all checks passed: {report['all_checks_passed']}", flush=True)
    if not report["all_checks_passed"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
