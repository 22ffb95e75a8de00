"""The shared store from Python (issue 17): one rate-limit budget across OS processes, idempotency keys across
processes and in one, and what happens when Redis stops and comes back. Against a real redis-server and the emulator,
both on 127.0.0.1; child processes reach the in-process emulator over the loopback. The invariant throughout: the
emulator never records a call the clients were not entitled to send."""

from __future__ import annotations

import asyncio
import json
import pickle
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Dict, List

import ccc_aicall
import pytest
from _redis import PASSWORD, RedisServer
from ccc_aicall import (
    AsyncClient,
    Client,
    ConfigurationError,
    IdempotencyKeyPendingError,
    OutcomeUnknownError,
    StoreUnavailableError,
    ValidationError,
    _client,
)
from ccc_aicall.testing import Emulator
from conftest import VALID_REQUEST


def call(n: int) -> Dict[str, Any]:
    return {**VALID_REQUEST, "callee": f"+86 130 {n // 10000:04d} {n % 10000:04d}"}


def shared(emu: Emulator, redis: RedisServer, **options: Any) -> Client:
    """A client of the emulator through the Redis store, at the service's 20/s; no retries, so that a throttle
    shows up as an error instead of being hidden by a retry."""
    return emu.client(redis_url=redis.url, max_retries=0, rate_limit=20, **options)


def run_children(script: str, argvs: List[List[str]], timeout: float = 90) -> List[Dict[str, Any]]:
    """Run ``script`` once per argv, all at once, each in its own interpreter; the JSON each printed last."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for argv in argvs
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=timeout)
        assert child.returncode == 0, f"child failed ({child.returncode}):\n{out}\n{err[-3000:]}"
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


# --- the options reach the core -----------------------------------------------------------------------------------


def test_bad_store_options_are_named_and_never_show_the_password(emu: Emulator) -> None:
    for cls in (Client, AsyncClient):
        for url in (f"http://:{PASSWORD}@127.0.0.1:6379", f"rediss://:{PASSWORD}@127.0.0.1:6379", f"no {PASSWORD}"):
            with pytest.raises(ConfigurationError) as raised:
                emu.client(redis_url=url) if cls is Client else emu.async_client(redis_url=url)
            assert "redis_url" in str(raised.value) and PASSWORD not in str(raised.value), raised.value
            assert PASSWORD not in repr(raised.value) and PASSWORD not in str(vars(raised.value))
        with pytest.raises(ConfigurationError, match="idempotency_ttl"):
            cls(endpoint=emu.endpoint, secret_id=emu.secret_id, secret_key=emu.secret_key, idempotency_ttl=0.5)
        with pytest.raises(ConfigurationError, match="store_fallback_local"):
            cls(endpoint=emu.endpoint, secret_id=emu.secret_id, secret_key=emu.secret_key, store_fallback_local="yes")


def test_the_redis_url_comes_from_the_environment(
    emu: Emulator, redis: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCC_AICALL_REDIS_URL", redis.url)
    from_env = emu.client(max_retries=0)
    assert PASSWORD not in repr(from_env)
    first = from_env.create_ai_call(**call(1), idempotency_key="env-1")
    # Another client, given the URL explicitly: the key is in Redis, not in the first client's memory.
    monkeypatch.delenv("CCC_AICALL_REDIS_URL")
    again = shared(emu, redis).create_ai_call(**call(1), idempotency_key="env-1")
    assert (again.replayed, again.session_id) == (True, first.session_id)
    assert len(emu.calls) == 1
    assert any(k.startswith("ccc-aicall:idem:") for k in redis.keys()), redis.keys()
    # Nothing in Redis names the key or the account.
    assert not [k for k in redis.keys() if "env-1" in k or emu.secret_id in k]
    # A client without the variable keeps its keys in memory: the same key is a new one there.
    local = emu.client(max_retries=0).create_ai_call(**call(1), idempotency_key="env-1")
    assert not local.replayed and len(emu.calls) == 2


def test_idempotency_ttl_reaches_the_core(emu: Emulator, redis: RedisServer) -> None:
    client = shared(emu, redis, idempotency_ttl=1)
    first = client.create_ai_call(**call(2), idempotency_key="short")
    assert client.create_ai_call(**call(2), idempotency_key="short").replayed
    time.sleep(1.3)
    later = client.create_ai_call(**call(2), idempotency_key="short")
    assert not later.replayed and later.session_id != first.session_id, "forgotten after its TTL"
    assert len(emu.calls) == 2


# --- one budget across processes ----------------------------------------------------------------------------------

BUDGET_CHILD = textwrap.dedent(
    """
    import asyncio, json, sys
    from ccc_aicall import AsyncClient, RateLimitError

    endpoint, secret_id, secret_key, redis_url, first, count, call = sys.argv[1:]
    first, count, CALL = int(first), int(count), json.loads(call)

    async def main():
        client = AsyncClient(endpoint=endpoint, secret_id=secret_id, secret_key=secret_key, redis_url=redis_url,
                             max_retries=0, rate_limit=20)
        calls = [client.create_ai_call(**{**CALL, "callee": f"+86 130 {n // 10000:04d} {n % 10000:04d}"})
                 for n in range(first, first + count)]
        results = await asyncio.gather(*calls, return_exceptions=True)
        placed = sum(1 for r in results if not isinstance(r, BaseException))
        limited = sum(1 for r in results if isinstance(r, RateLimitError))
        other = [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)
                 and not isinstance(r, RateLimitError)]
        print(json.dumps({"placed": placed, "limited": limited, "other": other}))

    asyncio.run(main())
    """
)


def test_four_processes_share_one_budget(emu: Emulator, redis: RedisServer) -> None:
    # The emulator's limiter is the service's: 20/s for the account, whoever sends. Four processes each at 20/s of
    # their own would send 80/s and be throttled; through Redis they share the 20/s.
    assert emu.rate_limit == 20
    processes, each = 4, 50
    common = [emu.endpoint, emu.secret_id, emu.secret_key, redis.url]
    argvs = [[*common, str(i * each), str(each), json.dumps(VALID_REQUEST)] for i in range(processes)]
    results = run_children(BUDGET_CHILD, argvs)
    assert [r["other"] for r in results] == [[]] * processes, results
    assert sum(r["limited"] for r in results) == 0, f"throttled: {results}"
    assert sum(r["placed"] for r in results) == processes * each
    assert emu.hits_for("CreateAICall") == processes * each, "no request was refused and sent again"
    calls = emu.calls
    assert len({c["body"]["Callee"] for c in calls}) == processes * each
    # 200 calls at 20/s take about ten seconds however many processes send them (generous: a shared machine).
    times = sorted(c["received_at_ms"] for c in calls)
    assert times[-1] - times[0] >= 8_000, f"200 calls in {times[-1] - times[0]} ms"


# --- idempotency keys across processes ----------------------------------------------------------------------------

RACE_CHILD = textwrap.dedent(
    """
    import json, sys, time
    from ccc_aicall import Client, CccError

    endpoint, secret_id, secret_key, redis_url, start_at, call = sys.argv[1:]
    CALL = json.loads(call)
    client = Client(endpoint=endpoint, secret_id=secret_id, secret_key=secret_key, redis_url=redis_url, max_retries=0)
    time.sleep(max(0.0, float(start_at) - time.time()))
    try:
        r = client.create_ai_call(**CALL, idempotency_key="appt-123")
        print(json.dumps({"session_id": r.session_id, "request_id": r.request_id, "replayed": r.replayed}))
    except CccError as e:
        print(json.dumps({"error": type(e).__name__, "key": getattr(e, "idempotency_key", None), "text": str(e),
                          "outcome_unknown": e.outcome_unknown, "callee": e.callee}))
    """
)


def test_eight_processes_racing_on_one_key_reach_the_emulator_once(emu: Emulator, redis: RedisServer) -> None:
    # The first request is held a moment after it is placed, so that the others find it in flight.
    emu.inject(kind="delay", phase="after_read", ms=1500, action="CreateAICall", times=1)
    start_at = str(time.time() + 3)  # the interpreters start first, then all call at once
    argvs = [[emu.endpoint, emu.secret_id, emu.secret_key, redis.url, start_at, json.dumps(VALID_REQUEST)]] * 8
    results = run_children(RACE_CHILD, argvs)
    assert len(emu.calls) == 1 and emu.hits_for("CreateAICall") == 1, results
    placed = [r for r in results if "session_id" in r]
    first = [r for r in placed if not r["replayed"]]
    assert len(first) == 1, results
    for r in results:
        if "session_id" in r:
            assert (r["session_id"], r["request_id"]) == (first[0]["session_id"], first[0]["request_id"])
        else:
            assert r["error"] == "IdempotencyKeyPendingError" and r["key"] == "appt-123", r
            assert r["outcome_unknown"] and "appt-123" in r["text"] and r["callee"] == VALID_REQUEST["callee"], r
    assert len(placed) < 8, f"the delay let none of them find the key in flight: {results}"
    # Later, from this process: the stored result, nothing sent.
    replay = shared(emu, redis).create_ai_call(**VALID_REQUEST, idempotency_key="appt-123")
    assert replay.replayed
    assert (replay.session_id, replay.request_id) == (first[0]["session_id"], first[0]["request_id"])
    assert len(emu.calls) == 1


# --- idempotency keys in one process ------------------------------------------------------------------------------


def test_without_redis_keys_are_held_in_memory(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCC_AICALL_REDIS_URL", raising=False)
    client = emu.client()
    first = client.create_ai_call(**VALID_REQUEST, idempotency_key="appt-9")
    again = client.create_ai_call(**VALID_REQUEST, idempotency_key="appt-9")
    assert (first.replayed, again.replayed) == (False, True)
    assert (again.session_id, again.request_id, again.callee) == (first.session_id, first.request_id, first.callee)
    assert again == pickle.loads(pickle.dumps(again)) and again != first
    assert "replayed=True" in repr(again) and "replayed" not in repr(first)
    # Another thread of the same client: its own connections, the same keys.
    other: List[Any] = []
    thread = threading.Thread(
        target=lambda: other.append(client.create_ai_call(**VALID_REQUEST, idempotency_key="appt-9"))
    )
    thread.start()
    thread.join()
    assert other[0].replayed and other[0].session_id == first.session_id
    assert len(emu.calls) == 1
    # Without a key: placed each time.
    assert not client.create_ai_call(**VALID_REQUEST).replayed
    assert len(emu.calls) == 2


async def test_async_keys_are_held_in_memory(emu: Emulator) -> None:
    client = emu.async_client()
    first, again = [await client.create_ai_call(**VALID_REQUEST, idempotency_key="a-1") for _ in range(2)]
    assert (first.replayed, again.replayed, again.session_id) == (False, True, first.session_id)
    assert len(emu.calls) == 1


def test_the_module_level_function_takes_a_key(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", emu.secret_id)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", emu.secret_key)
    monkeypatch.setenv("CCC_AICALL_ENDPOINT", emu.endpoint)
    monkeypatch.delenv("CCC_AICALL_REDIS_URL", raising=False)
    monkeypatch.setattr(_client, "_default_client", None)
    first = ccc_aicall.create_ai_call(**VALID_REQUEST, idempotency_key="m-1")
    again = ccc_aicall.create_ai_call(**VALID_REQUEST, idempotency_key="m-1")
    assert (first.replayed, again.replayed) == (False, True)
    assert len(emu.calls) == 1


def test_key_problems_name_idempotency_key(emu: Emulator) -> None:
    client = emu.client()
    for bad in ("", "a\nb", "x" * 256):
        with pytest.raises(ValidationError) as raised:
            client.create_ai_call(**VALID_REQUEST, idempotency_key=bad)
        assert [p.field for p in raised.value.errors] == ["idempotency_key"], raised.value
    client.create_ai_call(**VALID_REQUEST, idempotency_key="k")
    with pytest.raises(ValidationError) as raised:
        client.create_ai_call(**{**VALID_REQUEST, "model": "another-model"}, idempotency_key="k")
    assert [p.field for p in raised.value.errors] == ["idempotency_key"]
    assert "different call" in str(raised.value)
    with pytest.raises(TypeError, match="idempotency_key"):
        client.create_ai_call(**VALID_REQUEST, idempotency_key=123)  # type: ignore[arg-type]
    assert len(emu.calls) == 1


def test_a_key_held_in_flight_raises_a_pending_error_naming_it(emu: Emulator) -> None:
    client = emu.client()
    emu.inject(kind="delay", phase="after_read", ms=1500, action="CreateAICall", times=1)
    first: List[Any] = []
    thread = threading.Thread(
        target=lambda: first.append(client.create_ai_call(**VALID_REQUEST, idempotency_key="p-1"))
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not emu.calls and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(IdempotencyKeyPendingError) as raised:
        client.create_ai_call(**VALID_REQUEST, idempotency_key="p-1")
    thread.join()
    e = raised.value
    assert isinstance(e, OutcomeUnknownError) and e.outcome_unknown and e.kind == "outcome_unknown"
    assert (e.idempotency_key, e.in_flight) == ("p-1", True)
    assert '"p-1"' in str(e) and ccc_aicall.outcome_unknown(e) is e
    assert e.callee == "008613012345678" and e.sdk_app_id == 1400000000
    copy = pickle.loads(pickle.dumps(e))
    assert type(copy) is IdempotencyKeyPendingError and str(copy) == str(e)
    assert {k: v for k, v in vars(copy).items() if k != "_attempt"} == {
        k: v for k, v in vars(e).items() if k != "_attempt"
    }
    # Once the first attempt has its answer, a repeat gets it.
    assert client.create_ai_call(**VALID_REQUEST, idempotency_key="p-1").session_id == first[0].session_id
    assert len(emu.calls) == 1


async def test_async_pending_and_store_errors_are_the_same_classes(emu: Emulator, redis: RedisServer) -> None:
    client = emu.async_client(redis_url=redis.url, max_retries=0)
    emu.inject(kind="delay", phase="after_read", ms=800, action="CreateAICall", times=1)
    first = asyncio.ensure_future(client.create_ai_call(**VALID_REQUEST, idempotency_key="as-1"))
    while not emu.calls:
        await asyncio.sleep(0.01)
    with pytest.raises(IdempotencyKeyPendingError) as raised:
        await client.create_ai_call(**VALID_REQUEST, idempotency_key="as-1")
    assert raised.value.idempotency_key == "as-1"
    placed = await first
    assert (await client.create_ai_call(**VALID_REQUEST, idempotency_key="as-1")).session_id == placed.session_id
    redis.stop()
    for key in ("as-2", None):
        with pytest.raises(StoreUnavailableError) as stopped:
            await client.create_ai_call(**VALID_REQUEST, idempotency_key=key)
        assert not stopped.value.outcome_unknown and PASSWORD not in str(stopped.value)
    assert len(emu.calls) == 1


# --- Redis stops and comes back -----------------------------------------------------------------------------------


def test_with_redis_stopped_nothing_is_sent_and_a_restart_is_picked_up(emu: Emulator, redis: RedisServer) -> None:
    client = shared(emu, redis)
    fallback = shared(emu, redis, store_fallback_local=True)
    client.create_ai_call(**call(1), idempotency_key="k-1")
    fallback.create_ai_call(**call(2))
    assert len(emu.calls) == 2

    redis.stop()
    for who, c in (("fail closed", client), ("fallback", fallback)):
        with pytest.raises(StoreUnavailableError) as raised:
            c.create_ai_call(**call(3), idempotency_key="k-3")
        e = raised.value
        assert e.kind == "store_unavailable" and not e.outcome_unknown, f"{who}: never sent without its claim: {e}"
        assert not isinstance(e, OutcomeUnknownError) and e.callee is None
    with pytest.raises(StoreUnavailableError) as raised:
        client.create_ai_call(**call(4))
    text = str(raised.value)
    assert f"127.0.0.1:{redis.port}" in text and "nothing was sent" in text, text
    assert PASSWORD not in text and PASSWORD not in repr(raised.value) and PASSWORD not in str(vars(raised.value))
    assert ccc_aicall.outcome_unknown(raised.value) is None
    assert len(emu.calls) == 2, "nothing was sent while Redis was down"
    fallback.create_ai_call(**call(5))  # the local limiter stands in when the user chose it
    assert len(emu.calls) == 3

    redis.start()
    client.create_ai_call(**call(3), idempotency_key="k-3")  # a fresh connection to the new server
    client.create_ai_call(**call(4))
    assert client.create_ai_call(**call(3), idempotency_key="k-3").replayed
    assert len(emu.calls) == 5


def test_a_wrong_password_is_never_shown(emu: Emulator, redis: RedisServer) -> None:
    wrong = "wr0ng-pw-value"
    client = emu.client(redis_url=f"redis://:{wrong}@127.0.0.1:{redis.port}/0", max_retries=0)
    assert wrong not in repr(client)
    with pytest.raises(StoreUnavailableError) as raised:
        client.create_ai_call(**VALID_REQUEST)
    for text in (str(raised.value), repr(raised.value), str(vars(raised.value))):
        assert wrong not in text and PASSWORD not in text, text
    assert emu.calls == []


def test_the_store_errors_are_exported() -> None:
    for name in ("StoreUnavailableError", "IdempotencyKeyPendingError"):
        assert name in ccc_aicall.__all__ and getattr(ccc_aicall, name).__module__ == "ccc_aicall"
    assert issubclass(IdempotencyKeyPendingError, OutcomeUnknownError)
    assert issubclass(StoreUnavailableError, ccc_aicall.CccError)
    assert not issubclass(StoreUnavailableError, OutcomeUnknownError)


def test_this_file_needs_a_real_redis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A missing binary fails (never skips) with a message saying what to install.
    monkeypatch.setenv("CCC_TEST_REDIS_SERVER", str(tmp_path / "no-redis-server"))
    with pytest.raises(pytest.fail.Exception, match="redis-server"):
        RedisServer(tmp_path)
