"""One Python contender in one fresh process, for bench/run.py: prints one JSON object.

    python py_client.py IMPL MODE ENDPOINT [--seconds S] [--concurrency N]

IMPL is `ours` (ccc_aicall) or `official` (tencentcloud-sdk-python-ccc); MODE is `seq` (a blocking client, one
call after another), `async` (the asyncio client, N calls in flight) or `once` (one blocking call: run.py then
checks what reached the emulator). Every call sends bench/request.json.
Reported: calls, seconds, calls_per_s, p50_us / p99_us (seq), cpu_us_per_call (user + system time of this
process, every thread, over the measured calls), max_rss_kb (peak RSS of the process: VmHWM, since ru_maxrss
also counts the parent's memory when the process was started by vfork + exec, as subprocess does), all_calls
(warm-up included, to share out the emulator's CPU time).
"""

import argparse
import asyncio
import json
import re
import resource
import time
from pathlib import Path
from urllib.parse import urlparse

SECRET_ID = "AKIDccclocalemulatortestid00000000"
SECRET_KEY = "ccc-local-emulator-test-secret-key"
WIRE = json.loads((Path(__file__).parent / "request.json").read_text(encoding="utf-8"))
WARMUP_SECONDS = 0.5


def snake(wire_name):
    """`LLMType` -> `llm_type`, `CustomTTSConfig` -> `custom_tts_config`: our keyword names."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", wire_name).lower()


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def ours(mode, endpoint):
    import ccc_aicall

    kwargs = {snake(k): v for k, v in WIRE.items()}
    assert set(kwargs) <= set(ccc_aicall.PARAMETERS), set(kwargs) - set(ccc_aicall.PARAMETERS)
    options = dict(endpoint=endpoint, secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=0)
    if mode != "async":
        client = ccc_aicall.Client(**options)
        return lambda: client.create_ai_call(**kwargs)
    client = ccc_aicall.AsyncClient(**options)
    return lambda: client.create_ai_call(**kwargs)


def official(mode, endpoint):
    from tencentcloud.ccc.v20200210 import models
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    # API.md section 8: the Python SDK signs exactly the host it sends, port included.
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=urlparse(endpoint).netloc))
    cred = credential.Credential(SECRET_ID, SECRET_KEY)
    text = json.dumps(WIRE, ensure_ascii=False)

    def request():
        # The SDK's documented idiom (API Explorer's generated code): a model filled from JSON, per call.
        req = models.CreateAICallRequest()
        req.from_json_string(text)
        return req

    if mode != "async":
        from tencentcloud.ccc.v20200210 import ccc_client

        client = ccc_client.CccClient(cred, "", profile)
        return lambda: client.CreateAICall(request())
    from tencentcloud.ccc.v20200210 import ccc_client_async

    client = ccc_client_async.CccClient(cred, "", profile)
    return lambda: client.CreateAICall(request())


def session_id(result):
    return getattr(result, "session_id", None) or getattr(result, "SessionId", None)


def peak_rss_kb():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def sequential(call, seconds):
    warm_until, warm = time.perf_counter() + WARMUP_SECONDS, 0
    while time.perf_counter() < warm_until:
        assert session_id(call())
        warm += 1
    latencies = []
    cpu0, start = cpu_seconds(), time.perf_counter()
    deadline = start + seconds
    now = start
    while now < deadline:
        result = call()
        end = time.perf_counter()
        latencies.append(end - now)
        now = end
        assert session_id(result)
    wall, cpu = now - start, cpu_seconds() - cpu0
    latencies.sort()
    pick = lambda p: latencies[round((len(latencies) - 1) * p)] * 1e6
    return {
        "calls": len(latencies),
        "seconds": wall,
        "cpu": cpu,
        "p50_us": pick(0.50),
        "p99_us": pick(0.99),
        "all_calls": warm + len(latencies),
    }


async def concurrent(call, seconds, concurrency):
    async def worker(until, counter):
        while time.perf_counter() < until:
            assert session_id(await call())
            counter[0] += 1

    warm = [0]
    await asyncio.gather(*(worker(time.perf_counter() + WARMUP_SECONDS, warm) for _ in range(concurrency)))
    done = [0]
    cpu0, start = cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(worker(start + seconds, done) for _ in range(concurrency)))
    return {
        "calls": done[0],
        "seconds": time.perf_counter() - start,
        "cpu": cpu_seconds() - cpu0,
        "all_calls": warm[0] + done[0],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("impl", choices=["ours", "official"])
    ap.add_argument("mode", choices=["seq", "async", "once"])
    ap.add_argument("endpoint")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--concurrency", type=int, default=64)
    a = ap.parse_args()
    call = (ours if a.impl == "ours" else official)(a.mode, a.endpoint)
    if a.mode == "once":
        print(json.dumps({"session_id": session_id(call())}))
        return
    if a.mode == "seq":
        out = sequential(call, a.seconds)
    else:
        out = asyncio.run(concurrent(call, a.seconds, a.concurrency))
    out["calls_per_s"] = out["calls"] / out["seconds"]
    out["cpu_us_per_call"] = out.pop("cpu") * 1e6 / out["calls"]
    out["max_rss_kb"] = peak_rss_kb()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
