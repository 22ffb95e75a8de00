#!/usr/bin/env python3
"""make bench: ccc-aicall against the official SDKs, side by side, on one loopback emulator; writes RESULTS.md.

Run by `make bench` with the bench virtualenv's Python (.venv-bench: the official SDKs, maturin, py-spy). It
builds the release artefacts (emulator, our wheel installed into this venv, our Node addon staged as an npm
package under target/bench/node-pkg), starts the emulator with its rate limiter off, checks that every contender
sends the same request (bench/request.json), then measures. Every throughput figure is the median of --runs
fresh processes of --seconds each, contenders interleaved so that a disturbance hits them alike; the spread
is min-max over those runs.

    .venv-bench/bin/python bench/run.py [--runs 5] [--seconds 3] [--quick] [--wait-idle MINUTES]
    .venv-bench/bin/python bench/run.py --only coldstart [--skip-build]   # the cold-start row alone, printed
"""

import argparse
import json
import os
import platform
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
STAGE = TARGET / "bench"
NODE_PKG = STAGE / "node-pkg"
PY = sys.executable
WIRE = json.loads((BENCH / "request.json").read_text(encoding="utf-8"))
BODY_BYTES = len(json.dumps(WIRE, ensure_ascii=False, separators=(",", ":")).encode())
# Nothing here may go through a proxy; the clients would honour one from the environment.
ENV = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
ENV["NO_PROXY"] = ENV["no_proxy"] = "127.0.0.1,localhost"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def sh(cmd, cwd=ROOT, capture=False, env=None):
    log(" ".join(str(c) for c in cmd))
    out = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env or ENV,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return out.stdout if capture else None


def run_json(cmd, cwd=BENCH):
    """Run a contender; its last stdout line is its JSON result. A process that printed its result and then died
    at exit (a crash during interpreter shutdown) keeps its figures, and the crash is recorded with them."""
    out = subprocess.run([str(c) for c in cmd], cwd=cwd, env=ENV, text=True, capture_output=True)
    lines = out.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({out.returncode}):\n{out.stderr}")
    result = json.loads(lines[-1])
    if out.returncode != 0:
        result["exit_crash"] = {"code": out.returncode, "stderr": out.stderr.strip().splitlines()[:2]}
        log(f"exited with {out.returncode} after printing its result: {result['exit_crash']['stderr']}")
    return result


# --- build -----------------------------------------------------------------------------------------------------


def build():
    sh(["cargo", "build", "--release", "--locked", "-p", "ccc-aicall-emulator", "-p", "ccc-aicall-node"])
    wheels = STAGE / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    sh(
        [
            Path(PY).parent / "maturin",
            "build",
            "--release",
            "--strip",
            "--locked",
            "-m",
            "python/Cargo.toml",
            "--out",
            wheels,
        ]
    )
    [wheel] = wheels.glob("*.whl")
    sh([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--force-reinstall", "--no-deps", wheel])
    # Our npm packages exactly as `npm pack` would ship them (each package.json's "files"): ccc-aicall, and in its
    # node_modules this platform's package with the release addon, where the loader finds it as in an install;
    # staged here so the colleagues' debug build in node/ is left alone.
    shutil.rmtree(NODE_PKG, ignore_errors=True)
    stage_package(ROOT / "node", NODE_PKG)
    platform = NODE_PLATFORM_DIR
    stage_package(platform, NODE_PKG / "node_modules" / json.loads((platform / "package.json").read_text())["name"])
    return wheel


# This machine's platform package of ccc-aicall (the only one built here).
NODE_PLATFORM_DIR = ROOT / "node/npm/linux-x64-gnu"


def stage_package(source, dest):
    """The files `npm pack` would take from `source` (package.json's "files"), with a platform package's module
    taken from the release build."""
    dest.mkdir(parents=True)
    manifest = json.loads((source / "package.json").read_text())
    for name in ["package.json", *manifest["files"]]:
        if name.endswith(".node"):
            shutil.copy(TARGET / "release/libccc_aicall_node.so", dest / name)
        else:
            shutil.copy(source / name, dest / name)


def platform_addon():
    [addon] = (NODE_PKG / "node_modules").glob("*/*.node")
    return addon


def bench_executables():
    """Build core/benches/{signing,floor}.rs and return their executables: run directly, never through cargo,
    so that a colleague's build holding cargo's lock cannot stall a measurement."""
    out = sh(
        [
            "cargo",
            "bench",
            "--locked",
            "-q",
            "-p",
            "ccc-aicall",
            "--bench",
            "signing",
            "--bench",
            "floor",
            "--no-run",
            "--message-format=json",
        ],
        capture=True,
    )
    exes = {}
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            exes[msg["target"]["name"]] = msg["executable"]
    return exes


# --- the emulator ----------------------------------------------------------------------------------------------


class Emulator:
    """The release emulator in its own process; with `ca_out`, over TLS (https) with a throwaway CA written there."""

    def __init__(self, ca_out=None):
        tls = ["--tls", "--ca-out", ca_out] if ca_out else []
        self.proc = subprocess.Popen(
            [TARGET / "release/ccc-aicall-emulator", "--port", "0", "--rate-limit", "0", *tls],
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        line = self.proc.stdout.readline().strip()
        match = re.fullmatch(r"listening on (https?://127\.0\.0\.1:\d+)", line)
        if not match:
            self.proc.kill()
            raise SystemExit(f"unexpected first line from the emulator: {line!r}")
        self.endpoint = match.group(1)
        handlers = [urllib.request.ProxyHandler({})]
        if ca_out:
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca_out)))
        self.opener = urllib.request.build_opener(*handlers)

    def admin(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.endpoint}/__emulator/{path}", data=data, method="GET" if body is None else "POST"
        )
        with self.opener.open(req, timeout=30) as resp:
            return json.loads(resp.read())

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


# --- contenders ------------------------------------------------------------------------------------------------


def contender_cmd(lang, impl, mode, endpoint, seconds):
    if lang == "python":
        return [PY, BENCH / "py_client.py", impl, mode, endpoint, "--seconds", seconds]
    return ["node", BENCH / "node_client.js", impl, mode, endpoint, NODE_PKG, seconds]


def check_same_request(emu):
    """One call from each contender; what reached the emulator must be bench/request.json, exactly."""
    for lang in ("python", "node"):
        for impl in ("ours", "official"):
            emu.admin("reset", {})
            run_json(contender_cmd(lang, impl, "once", emu.endpoint, 0))
            [call] = emu.admin("state")["calls"]
            if call["body"] != WIRE:
                diff = {k for k in set(WIRE) | set(call["body"]) if WIRE.get(k) != call["body"].get(k)}
                raise SystemExit(f"{lang} {impl} sent a different request; differing parameters: {sorted(diff)}")
            log(f"{lang} {impl}: sends bench/request.json exactly")
    emu.admin("reset", {})


def throughput(emu, exes, runs, seconds):
    """Every (name -> command) run `runs` times, interleaved; name -> list of result dicts."""
    floor = lambda mode: [exes["floor"], "--endpoint", emu.endpoint, "--mode", mode, "--seconds", seconds]
    jobs = {
        "floor": floor("floor"),
        "floor_mt": floor("floor_mt"),
        "rust_core": floor("core"),
        "rust_core_ct": floor("core_ct"),
    }
    for impl in ("ours", "official"):
        jobs[f"py_seq_{impl}"] = contender_cmd("python", impl, "seq", emu.endpoint, seconds)
        jobs[f"py_async_{impl}"] = contender_cmd("python", impl, "async", emu.endpoint, seconds)
        jobs[f"node_seq_{impl}"] = contender_cmd("node", impl, "seq", emu.endpoint, seconds)
        jobs[f"node_conc_{impl}"] = contender_cmd("node", impl, "conc", emu.endpoint, seconds)
    results = defaultdict(list)
    for i in range(runs):
        for name, cmd in jobs.items():
            emu.admin("reset", {})  # the emulator keeps every placed call: start each run empty
            cpu0 = emu.cpu_seconds()
            r = run_json(cmd)
            r["server_cpu_us_per_call"] = (emu.cpu_seconds() - cpu0) * 1e6 / r["all_calls"]
            results[name].append(r)
            log(f"run {i + 1}/{runs} {name}: {r['calls_per_s']:.0f} calls/s")
    return results


def startup(runs):
    """Import / require time of each package in fresh processes, in ms (the interpreter's own start excluded)."""
    timed_import = "import time; t = time.perf_counter(); {}; print((time.perf_counter() - t) * 1e3)"
    timed_require = "const t = process.hrtime.bigint(); {}; console.log(Number(process.hrtime.bigint() - t) / 1e6)"
    jobs = {
        "py_import_ours": [PY, "-c", timed_import.format("import ccc_aicall")],
        "py_import_official": [
            PY,
            "-c",
            timed_import.format("from tencentcloud.ccc.v20200210 import ccc_client, models"),
        ],
        "node_require_ours": ["node", "-e", timed_require.format(f"require({json.dumps(str(NODE_PKG))})")],
        "node_require_official": ["node", "-e", timed_require.format("require('tencentcloud-sdk-nodejs')")],
    }
    results = defaultdict(list)
    for _ in range(runs):
        for name, cmd in jobs.items():
            out = subprocess.run(cmd, cwd=BENCH, env=ENV, text=True, stdout=subprocess.PIPE, check=True)
            results[name].append(float(out.stdout.strip()))
    return results


def snake(wire_name):
    """`LLMType` -> `llm_type`: our Python keyword names (as py_client.py has them)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", wire_name).lower()


def camel(wire_name):
    """`LLMType` -> `llmType`: our Node parameter names (as node_client.js has them)."""
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), snake(wire_name))


def coldstart(runs):
    """Cold start: a fresh process that imports a package, builds a client and places one CreateAICall over TLS (so
    the call pays the TLS handshake) on an https emulator, timed from spawn to exit; with the bare interpreter
    (`python -c pass`, `node -e 0`) as the baseline. Contenders interleaved, `runs` processes each; name -> ms.
    The first process of each contender is also checked to have sent bench/request.json, exactly."""
    cold = STAGE / "coldstart"
    shutil.rmtree(cold, ignore_errors=True)
    cold.mkdir(parents=True)
    ca = cold / "ca.pem"
    # Each contender reads its parameters ready-made, so that neither pays for a conversion the other skips.
    params = {
        "py_ours": {snake(k): v for k, v in WIRE.items()},
        "node_ours": {camel(k): v for k, v in WIRE.items()},
        "official": WIRE,
    }
    for name, value in params.items():
        (cold / f"{name}.json").write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    emu = Emulator(ca_out=ca)
    try:
        py = lambda impl: [PY, BENCH / "cold_start.py", impl, emu.endpoint, ca, cold / f"{params_of(impl, 'py')}.json"]
        node = lambda impl: [
            "node",
            BENCH / "cold_start.js",
            impl,
            emu.endpoint,
            ca,
            cold / f"{params_of(impl, 'node')}.json",
            NODE_PKG,
        ]
        jobs = {
            "py_bare": ([PY, "-c", "pass"], ENV),
            "py_ours": (py("ours"), ENV),
            "py_official": (py("official"), ENV),
            "node_bare": (["node", "-e", "0"], ENV),
            "node_ours": (node("ours"), ENV),
            # The official Node SDK has no CA option of its own: Node's documented way to trust an extra CA.
            "node_official": (node("official"), ENV | {"NODE_EXTRA_CA_CERTS": str(ca)}),
        }
        results = defaultdict(list)
        for i in range(runs):
            for name, (cmd, env) in jobs.items():
                emu.admin("reset", {})
                start = time.perf_counter()
                out = subprocess.run([str(c) for c in cmd], cwd=BENCH, env=env, text=True, capture_output=True)
                results[name].append((time.perf_counter() - start) * 1e3)
                if out.returncode != 0:
                    raise SystemExit(f"cold start {name} failed ({out.returncode}):\n{out.stderr}")
                if i == 0 and not name.endswith("_bare"):
                    [call] = emu.admin("state")["calls"]
                    if call["body"] != WIRE:
                        raise SystemExit(f"cold start {name} sent a different request")
            log(f"cold start {i + 1}/{runs}: " + ", ".join(f"{name} {results[name][-1]:.0f} ms" for name in jobs))
        return dict(results)
    finally:
        emu.stop()


def params_of(impl, lang):
    return f"{lang}_ours" if impl == "ours" else "official"


# --- micro-benchmarks ------------------------------------------------------------------------------------------


def micro(exes):
    home = STAGE / "criterion"
    shutil.rmtree(home, ignore_errors=True)
    sh([exes["signing"], "--bench"], env=ENV | {"CRITERION_HOME": str(home)})
    ours = {}
    for name in ("sign", "build_request", "build_and_sign"):
        est = json.loads((home / name / "new/estimates.json").read_text())["median"]
        ci = est["confidence_interval"]
        ours[name] = {"median_ns": est["point_estimate"], "min_ns": ci["lower_bound"], "max_ns": ci["upper_bound"]}
    return {
        "ours": ours,
        "official_py": run_json([PY, BENCH / "sign_official.py"]),
        "official_node": run_json(["node", BENCH / "sign_official.js"]),
    }


# --- sizes -----------------------------------------------------------------------------------------------------


def dist_closure(names, extras=()):
    """Installed distributions `names` and everything they require (with `extras`), as metadata.Distribution."""
    seen, todo = {}, list(names)
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:  # excluded by its environment marker (python_version, ...)
            continue
        seen[key] = dist
        for req in dist.requires or []:
            spec, _, marker = req.partition(";")
            if "extra ==" in marker and not any(f"'{e}'" in marker or f'"{e}"' in marker for e in extras):
                continue
            todo.append(re.match(r"[A-Za-z0-9_.-]+", spec.strip()).group(0))
    return list(seen.values())


def installed_bytes(dists):
    total = 0
    for dist in dists:
        for f in dist.files or []:
            p = Path(dist.locate_file(f))
            if p.is_file():
                total += p.stat().st_size
    return total


def tree_bytes(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file() and not p.is_symlink())


def sizes(wheel):
    official_wheels = STAGE / "official-wheels"
    shutil.rmtree(official_wheels, ignore_errors=True)
    sh(
        [
            PY,
            "-m",
            "pip",
            "download",
            "-q",
            "--disable-pip-version-check",
            "--no-deps",
            "-d",
            official_wheels,
            "-r",
            BENCH / "requirements.txt",
        ]
    )
    official_wheel_bytes = sum(p.stat().st_size for p in official_wheels.glob("tencentcloud_sdk_python_*.whl"))
    # What `npm install ccc-aicall` brings on this platform: the main package and its platform package.
    main_pack = json.loads(sh(["npm", "pack", "--dry-run", "--json"], cwd=NODE_PKG, capture=True))[0]
    platform_pack = json.loads(sh(["npm", "pack", "--dry-run", "--json"], cwd=platform_addon().parent, capture=True))[0]
    pack = {key: main_pack[key] + platform_pack[key] for key in ("size", "unpackedSize")}
    sdk_dir = BENCH / "node_modules/tencentcloud-sdk-nodejs"
    sdk_manifest = json.loads((sdk_dir / "package.json").read_text())
    return {
        "wheel_ours": wheel.stat().st_size,
        "wheel_official": official_wheel_bytes,
        "py_installed_ours": installed_bytes(dist_closure(["ccc-aicall"])),
        "py_installed_official": installed_bytes(
            dist_closure(["tencentcloud-sdk-python-ccc", "tencentcloud-sdk-python-common"])
        ),
        "py_installed_official_async": installed_bytes(
            dist_closure(["tencentcloud-sdk-python-ccc", "tencentcloud-sdk-python-common"], extras=("async",))
        ),
        "npm_pack_ours": pack["size"],
        "npm_unpacked_ours": pack["unpackedSize"],
        "addon_ours": platform_addon().stat().st_size,
        "node_sdk_dir_official": tree_bytes(sdk_dir),
        "node_modules_official": tree_bytes(BENCH / "node_modules"),
        "node_sdk_version": sdk_manifest["version"],
    }


# --- profiles --------------------------------------------------------------------------------------------------
# Symbols need an unstripped build: the same release profile with strip off and line tables on, in its own target
# directory (target/bench/prof), used only here and never measured for speed or size.

PROF_ENV = ENV | {
    "CARGO_TARGET_DIR": str(STAGE / "prof"),
    "CARGO_PROFILE_RELEASE_STRIP": "false",
    "CARGO_PROFILE_RELEASE_DEBUG": "line-tables-only",
}


def build_profiling():
    wheels, site, pkg = STAGE / "prof/wheels", STAGE / "prof/site", STAGE / "prof/node-pkg"
    shutil.rmtree(wheels, ignore_errors=True)
    sh(
        [Path(PY).parent / "maturin", "build", "--release", "--locked", "-m", "python/Cargo.toml", "--out", wheels],
        env=PROF_ENV,
    )
    sh(["cargo", "build", "--release", "--locked", "-p", "ccc-aicall-node"], env=PROF_ENV)
    shutil.rmtree(site, ignore_errors=True)
    shutil.unpack_archive(next(wheels.glob("*.whl")), site, "zip")
    shutil.rmtree(pkg, ignore_errors=True)
    shutil.copytree(NODE_PKG, pkg)
    shutil.copy(STAGE / "prof/release/libccc_aicall_node.so", pkg / platform_addon().relative_to(NODE_PKG))
    return site, pkg


def perf_works():
    probe = subprocess.run(["perf", "record", "-e", "cpu-clock", "-o", "/dev/null", "true"], capture_output=True)
    return probe.returncode == 0


def profiles(emu, seconds):
    """Where the CPU goes in our clients: perf (every thread, native frames) over our Python sequential and asyncio
    clients and our Node sequential client; py-spy (the Python thread, Python and native frames) over the Python
    sequential client."""
    site, pkg = build_profiling()
    env = ENV | {"PYTHONPATH": str(site)}
    out = {}
    runs = {
        "py_seq": contender_cmd("python", "ours", "seq", emu.endpoint, seconds),
        "py_async": contender_cmd("python", "ours", "async", emu.endpoint, seconds),
        "node_seq": contender_cmd("node", "ours", "seq", emu.endpoint, seconds),
    }
    runs["node_seq"][5] = pkg  # the unstripped addon
    if perf_works():
        for name, cmd in runs.items():
            data = STAGE / f"perf-{name}.data"
            emu.admin("reset", {})
            sh(
                [
                    "perf",
                    "record",
                    "-q",
                    "-e",
                    "cpu-clock",
                    "-F",
                    "1999",
                    "--call-graph",
                    "dwarf,32768",
                    "-o",
                    data,
                    "--",
                    *cmd,
                ],
                cwd=BENCH,
                env=env,
            )
            text = subprocess.run(["perf", "script", "-i", str(data)], capture_output=True, text=True).stdout
            out[f"perf_{name}"] = summarise_perf(text)
            data.unlink()
    spy = STAGE / "py-spy-seq.txt"
    spy.unlink(missing_ok=True)
    emu.admin("reset", {})
    # py-spy sometimes exits with "No child process" after writing its samples (a race in its wait for the
    # profiled process): the samples count, the exit status does not.
    cmd = [
        Path(PY).parent / "py-spy",
        "record",
        "--native",
        "--format",
        "raw",
        "--rate",
        "500",
        "--output",
        spy,
        "--",
        *runs["py_seq"],
    ]
    log(" ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], cwd=BENCH, env=env)
    if not spy.exists() or spy.stat().st_size == 0:
        raise SystemExit("py-spy recorded nothing")
    out["pyspy_py_seq"] = summarise_collapsed(spy.read_text())
    return out


def summarise_perf(text, top=14):
    """`perf script` with call chains -> samples by thread and by library, and the top functions, own and
    inclusive (inlined frames count as their own functions)."""
    own, incl, threads, dsos, total = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int), 0
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if len(lines) < 2:
            continue
        thread = re.sub(r"[-\d]+$", "", lines[0].split()[0]) or lines[0].split()[0]
        frames = []
        for line in lines[1:]:
            m = re.match(r"\s*[0-9a-f]+ (.*) \((.*)\)$", line)
            if m:
                frames.append((clean_frame(m.group(1)), Path(m.group(2)).name))
        if not frames:
            continue
        total += 1
        threads[thread] += 1
        dsos[next((d for _, d in frames if d != "inlined"), "?")] += 1
        own[frames[0][0]] += 1
        for f in {f for f, _ in frames}:
            incl[f] += 1
    ranked = lambda d, n=top: [(f, c, c / total) for f, c in sorted(d.items(), key=lambda kv: -kv[1])[:n]]
    ours = {f: c for f, c in incl.items() if re.search(r"ccc_aicall|_native|pyo3|(?<!__)napi", f)}
    return {
        "samples": total,
        "threads": ranked(threads, 6),
        "dsos": ranked(dsos, 6),
        "own": ranked(own),
        "inclusive_ours": ranked(ours),
    }


def summarise_collapsed(text, top=14):
    """py-spy's collapsed stacks (`a;b;c N`) -> total samples and the top frames, own and inclusive."""
    own, incl, total = defaultdict(int), defaultdict(int), 0
    for line in text.splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        n = int(n)
        frames = [clean_frame(f) for f in stack.split(";")]
        total += n
        own[frames[-1]] += n
        for f in set(frames[1:]):
            incl[f] += n
    ranked = lambda d: [(f, c, c / total) for f, c in sorted(d.items(), key=lambda kv: -kv[1])[:top]]
    return {"samples": total, "own": ranked(own), "inclusive": ranked(incl)}


def clean_frame(frame):
    """Short, stable frame names: no hashes, offsets, generic arguments or install paths."""
    frame = re.sub(r"::h[0-9a-f]{16}", "", frame)
    frame = re.sub(r"\+0x[0-9a-f]+$", "", frame)
    frame = re.sub(r" \(/[^)]*/(site-packages|lib/python3\.\d+|site)/", r" (", frame)
    for _ in range(4):
        frame = re.sub(r"<[^<>]*>", "", frame)
    return frame.strip()[:120]


# --- the machine -----------------------------------------------------------------------------------------------


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    version = lambda cmd: subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": mem_kb / 1024 / 1024,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "node": version(["node", "--version"]),
        "rustc": version(["rustc", "--version"]),
        "official_py": metadata.version("tencentcloud-sdk-python-ccc"),
        "requests": metadata.version("requests"),
        "httpx": metadata.version("httpx"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": sorted(
            {
                line[3:].split("/")[0]
                for line in git("status", "--porcelain", "--", "core", "emulator", "python", "node").splitlines()
            }
        ),
    }


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def load1():
    return os.getloadavg()[0]


def wait_idle(minutes, threshold=0.8):
    deadline = time.time() + minutes * 60
    while load1() >= threshold and time.time() < deadline:
        log(f"load average {load1():.2f} >= {threshold}: waiting for the machine to quieten")
        time.sleep(60)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="fresh processes per throughput figure")
    ap.add_argument("--seconds", type=float, default=3.0, help="measured seconds per run")
    ap.add_argument("--startup-runs", type=int, default=15, help="fresh processes per import/require figure")
    ap.add_argument("--quick", action="store_true", help="a smoke run of the harness: 1 run of 1 s, no profile")
    ap.add_argument("--no-profile", action="store_true", help="no perf / py-spy pass (it needs a build of its own)")
    ap.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="MINUTES",
        help="first wait up to MINUTES for the 1-minute load average to drop below 0.8",
    )
    ap.add_argument("--coldstart-runs", type=int, default=15, help="fresh processes per cold-start figure")
    ap.add_argument(
        "--only",
        choices=["coldstart"],
        help="measure only this row (written to target/bench/coldstart.json and printed; RESULTS.md is left alone)",
    )
    ap.add_argument("--skip-build", action="store_true", help="use the artefacts of the last build")
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="only write RESULTS.md again from the raw figures of the last run (after editing analysis.md)",
    )
    ap.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    ap.add_argument("--raw", type=Path, default=STAGE / "results.json", help="where the raw figures go")
    a = ap.parse_args()
    if a.report_only:
        from report import write_report

        a.output.write_text(write_report(json.loads(a.raw.read_text()), BODY_BYTES))
        return
    if a.quick:
        a.runs, a.seconds, a.startup_runs, a.coldstart_runs = 1, 1.0, 3, 3
    began = time.time()
    wheel = build() if not a.skip_build else next((STAGE / "wheels").glob("*.whl"))
    if a.only == "coldstart":
        from report import coldstart_lines

        if a.wait_idle:
            wait_idle(a.wait_idle)
        data = {"load_before": os.getloadavg(), "coldstart": coldstart(a.coldstart_runs)}
        data["load_after"] = os.getloadavg()
        (STAGE / "coldstart.json").write_text(json.dumps(data, indent=1))
        print("\n".join(coldstart_lines(data["coldstart"])[0]))
        log(f"load average before {data['load_before']}, after {data['load_after']}")
        return
    exes = bench_executables()
    if a.wait_idle:
        wait_idle(a.wait_idle)
    data = {
        "machine": machine(),
        "args": vars(a) | {"output": str(a.output), "raw": str(a.raw)},
        "load_before": os.getloadavg(),
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    emu = Emulator()
    try:
        check_same_request(emu)
        data["startup"] = startup(a.startup_runs)
        data["coldstart"] = coldstart(a.coldstart_runs)
        data["throughput"] = throughput(emu, exes, a.runs, a.seconds)
        data["micro"] = micro(exes)
        data["sizes"] = sizes(wheel)
        data["load_after"] = os.getloadavg()
        # The figures are kept before profiling, so that a failing profiler never costs the run
        # (`--report-only` writes RESULTS.md from them).
        a.raw.parent.mkdir(parents=True, exist_ok=True)
        a.raw.write_text(json.dumps(data, indent=1))
        data["profile"] = None if a.quick or a.no_profile else profiles(emu, min(a.seconds, 2.0))
    finally:
        emu.stop()
    data["elapsed_s"] = time.time() - began
    a.raw.write_text(json.dumps(data, indent=1))
    from report import write_report  # bench/report.py: the figures -> RESULTS.md

    a.output.write_text(write_report(data, BODY_BYTES))
    log(f"wrote {a.output} ({data['elapsed_s']:.0f} s in all)")


if __name__ == "__main__":
    main()
