"""One load phase through the Python package against a running emulator; prints its figures as JSON.

    load_python.py --endpoint http://127.0.0.1:PORT --phase sync    --calls 20000 --threads 8
    load_python.py --endpoint http://127.0.0.1:PORT --phase async   --calls 20000 --in-flight 500
    load_python.py --endpoint http://127.0.0.1:PORT --phase clients --calls 10000 --clients 10

sync: one Client shared by N threads. async: one AsyncClient with N calls in flight. clients: N Clients, one per
thread (the emulator under N concurrent clients). The client-side rate limiter is off. File descriptors and
sockets are counted after a first call on a throwaway client (so the shared runtime exists) and again once the
load client is dropped; RSS at the start, after the warm-up (the first tenth of the calls) and at the end.
The session ids received (the baseline call's first) are written to --ids-out for the orchestrator to compare
with the emulator's.
"""

from __future__ import annotations

import argparse
import asyncio
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

from procstats import established_to, fds, rss_mb  # noqa: E402

from ccc_aicall import AsyncClient, CccError, Client  # noqa: E402

TEST_SECRET_ID = "AKIDccclocalemulatortestid00000000"
TEST_SECRET_KEY = "ccc-local-emulator-test-secret-key"
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
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: List[str] = []
        self.errors: Counter[str] = Counter()

    def ok(self, session_id: str) -> None:
        with self.lock:
            self.ids.append(session_id)

    def failed(self, e: BaseException) -> None:
        with self.lock:
            self.errors[f"{type(e).__name__}: {e}"[:200]] += 1


def options(endpoint: str) -> Dict[str, Any]:
    """The emulator's documented test pair (not a secret), the client-side rate limiter off."""
    return {"endpoint": endpoint, "secret_id": TEST_SECRET_ID, "secret_key": TEST_SECRET_KEY, "rate_limit": 0}


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
    tally = Tally()
    tally.ok(Client(**options(args.endpoint)).create_ai_call(**REQUEST).session_id)
    settle(port)
    fds_before, rss_start = fds(), rss_mb()
    warm = args.calls // 10
    started = time.monotonic()
    if args.phase == "async":
        aclient = AsyncClient(**options(args.endpoint))
        asyncio.run(async_run(aclient, warm, args.in_flight, tally))
        rss_warm = rss_mb()
        asyncio.run(async_run(aclient, args.calls - warm, args.in_flight, tally))
        concurrency = {"in_flight": args.in_flight}
    else:
        if args.phase == "sync":
            shared = Client(**options(args.endpoint))
            clients = [shared] * args.threads
            concurrency = {"threads": args.threads, "clients": 1}
        else:
            clients = [Client(**options(args.endpoint)) for _ in range(args.clients)]
            concurrency = {"threads": args.clients, "clients": args.clients}
        threads_run(lambda i: clients[i], warm, len(clients), tally)
        rss_warm = rss_mb()
        threads_run(lambda i: clients[i], args.calls - warm, len(clients), tally)
    duration = time.monotonic() - started
    rss_end = rss_mb()
    fds_loaded, sockets_loaded = fds(), established_to(port)
    if args.phase == "async":
        del aclient
    else:
        del clients
        if args.phase == "sync":
            del shared
    sockets_after = settle(port)
    fds_after = fds()
    if args.ids_out:
        Path(args.ids_out).write_text("\n".join(tally.ids) + "\n", encoding="ascii")
    print(json.dumps({
        "language": "python",
        "phase": args.phase,
        **concurrency,
        "calls": args.calls,
        "baseline_calls": 1,
        "succeeded": len(tally.ids) - 1,
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors.most_common(5)),
        "distinct_session_ids": len(set(tally.ids[1:])),
        "duration_s": round(duration, 2),
        "calls_per_s": round(args.calls / duration),
        "fds_before": fds_before,
        "fds_loaded": fds_loaded,
        "fds_after": fds_after,
        "sockets_loaded": sockets_loaded,
        "sockets_after": sockets_after,
        "rss_mb_start": rss_start,
        "rss_mb_warm": rss_warm,
        "rss_mb_end": rss_end,
    }))


if __name__ == "__main__":
    main()
