"""One load phase through the Python package against a running emulator; prints its figures as JSON.

    load_python.py --endpoint http://127.0.0.1:PORT --phase sync    --calls 20000 --threads 8
    load_python.py --endpoint http://127.0.0.1:PORT --phase async   --calls 20000 --in-flight 500
    load_python.py --endpoint http://127.0.0.1:PORT --phase clients --calls 10000 --clients 10

sync: one Client shared by N threads. async: one AsyncClient with N calls in flight. clients: N Clients, one per
thread (the emulator under N concurrent clients). The client-side rate limiter is off. File descriptors and
sockets are counted after a first call on a throwaway client (so the shared runtime exists) and again once the
load client is dropped; RSS (after a garbage collection and malloc_trim) and open connections at the start and after
each tenth of the calls (the first tenth is the warm-up).
The session ids received (the baseline call's first) are written to --ids-out for the orchestrator to compare
with the emulator's.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import ctypes.util
import gc
import itertools
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ccc_aicall import AsyncClient, CccError, Client
from procstats import established_to, fds
from procstats import rss_mb as raw_rss_mb

TEST_SECRET_ID = "AKIDccclocalemulatortestid00000000"
TEST_SECRET_KEY = "ccc-local-emulator-test-secret-key"
# RSS and open connections are sampled at the start and after each tenth of the calls.
SAMPLES = 10
_LIBC = ctypes.util.find_library("c")
TRIM = getattr(ctypes.CDLL(_LIBC), "malloc_trim", None) if _LIBC else None
REQUEST: Dict[str, Any] = {
    "sdk_app_id": 1400000000,
    "callee": "008613012345678",
    "llm_type": "openai",
    "api_key": "sk-load-not-a-secret",
    "api_url": "https://api.openai.com/v1/",
    "system_prompt": "You are a polite assistant confirming an appointment.",
    "model": "gpt-4o-mini",
    "voice_type": "ZhiXi",
}


class Tally:
    """The session ids received, 16 bytes each in a buffer allocated up front, so that keeping them does not
    show as growth in the RSS samples; and the errors."""

    def __init__(self, capacity: int) -> None:
        self.lock = threading.Lock()
        self.buffer = bytearray(16 * capacity)
        self.count = 0
        self.errors: Counter[str] = Counter()

    def ok(self, session_id: str) -> None:
        raw = bytes.fromhex(session_id)
        assert len(raw) == 16, session_id
        with self.lock:
            self.buffer[16 * self.count : 16 * self.count + 16] = raw
            self.count += 1

    def ids(self) -> List[str]:
        return [self.buffer[i : i + 16].hex() for i in range(0, 16 * self.count, 16)]

    def failed(self, e: BaseException) -> None:
        with self.lock:
            self.errors[f"{type(e).__name__}: {e}"[:200]] += 1


def options(endpoint: str) -> Dict[str, Any]:
    """The emulator's documented test pair (not a secret), the client-side rate limiter off."""
    return {"endpoint": endpoint, "secret_id": TEST_SECRET_ID, "secret_key": TEST_SECRET_KEY, "rate_limit": 0}


def rss_mb() -> float:
    """RSS after a full collection and glibc's malloc_trim, so that the figure follows what is still allocated
    rather than the allocator's high-water mark."""
    gc.collect()
    if TRIM is not None:
        TRIM(0)
    return raw_rss_mb()


def settle(port: int, seconds: float = 15.0) -> int:
    """Wait (collecting garbage) until this process has no connection to the emulator; return what is left."""
    deadline = time.monotonic() + seconds
    while True:
        gc.collect()
        left = established_to(port)
        if left == 0 or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def threads_run(client_for: Any, calls: int, threads: int, tally: Tally) -> None:
    counter = itertools.count()

    def worker(index: int) -> None:
        client = client_for(index)
        while next(counter) < calls:
            try:
                tally.ok(client.create_ai_call(**REQUEST).session_id)
            except CccError as e:
                tally.failed(e)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


async def async_run(client: AsyncClient, calls: int, in_flight: int, tally: Tally) -> None:
    counter = itertools.count()

    async def worker() -> None:
        while next(counter) < calls:
            try:
                tally.ok((await client.create_ai_call(**REQUEST)).session_id)
            except CccError as e:
                tally.failed(e)

    await asyncio.gather(*(worker() for _ in range(in_flight)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--phase", choices=["sync", "async", "clients"], required=True)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--in-flight", type=int, default=500)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--ids-out")
    args = parser.parse_args()
    port = urlparse(args.endpoint).port or 80

    # The shared runtime and the module's own state exist from here on: that is the baseline.
    tally = Tally(args.calls + 1)
    tally.ok(Client(**options(args.endpoint)).create_ai_call(**REQUEST).session_id)
    settle(port)
    fds_before = fds()
    samples = [rss_mb()]
    sockets = [established_to(port)]
    sizes = [args.calls // SAMPLES + (1 if i < args.calls % SAMPLES else 0) for i in range(SAMPLES)]
    started = time.monotonic()
    if args.phase == "async":
        aclient = AsyncClient(**options(args.endpoint))

        async def tenths() -> None:
            for size in sizes:
                await async_run(aclient, size, args.in_flight, tally)
                samples.append(rss_mb())
                sockets.append(established_to(port))

        asyncio.run(tenths())
        concurrency = {"in_flight": args.in_flight}
    else:
        if args.phase == "sync":
            shared = Client(**options(args.endpoint))
            clients = [shared] * args.threads
            concurrency = {"threads": args.threads, "clients": 1}
        else:
            clients = [Client(**options(args.endpoint)) for _ in range(args.clients)]
            concurrency = {"threads": args.clients, "clients": args.clients}
        for size in sizes:
            threads_run(lambda i: clients[i], size, len(clients), tally)
            samples.append(rss_mb())
            sockets.append(established_to(port))
    duration = time.monotonic() - started
    fds_loaded, sockets_loaded = fds(), established_to(port)
    if args.phase == "async":
        del aclient
    else:
        del clients
        if args.phase == "sync":
            del shared
    sockets_after = settle(port)
    fds_after = fds()
    ids = tally.ids()
    if args.ids_out:
        Path(args.ids_out).write_text("\n".join(ids) + "\n", encoding="ascii")
    print(
        json.dumps(
            {
                "language": "python",
                "phase": args.phase,
                **concurrency,
                "calls": args.calls,
                "baseline_calls": 1,
                "succeeded": len(ids) - 1,
                "errors": sum(tally.errors.values()),
                "error_kinds": dict(tally.errors.most_common(5)),
                "distinct_session_ids": len(set(ids[1:])),
                "duration_s": round(duration, 2),
                "calls_per_s": round(args.calls / duration),
                "fds_before": fds_before,
                "fds_loaded": fds_loaded,
                "fds_after": fds_after,
                "sockets_loaded": sockets_loaded,
                "sockets_after": sockets_after,
                "rss_mb_start": samples[0],
                "rss_mb_warm": samples[1],
                "rss_mb_half": samples[SAMPLES // 2],
                "rss_mb_end": samples[-1],
                "rss_mb_samples": samples,
                "sockets_samples": sockets,
                "rss_measure": "VmRSS after gc.collect() and malloc_trim(0)" if TRIM else "VmRSS after gc.collect()",
            }
        )
    )


if __name__ == "__main__":
    main()
