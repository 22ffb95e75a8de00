"""Named campaigns from Python (issue 17): ``create_ai_calls(..., campaign=NAME)`` keeps the journal in the client's
store, so that workers in separate processes run one list and dial each person once, even when one is killed
mid-run; ``campaign_status(NAME)`` reads it from anywhere. Against a real redis-server and the emulator, both on
127.0.0.1; the workers are child processes that reach the in-process emulator over the loopback."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import textwrap
import time
import uuid
from collections import Counter
from typing import Any, Dict, List

import pytest
from _redis import PASSWORD, RedisServer
from ccc_aicall import STATUSES, CampaignStatus, ConfigurationError, SharedItem, StoreUnavailableError
from ccc_aicall.testing import Emulator
from conftest import VALID_REQUEST

DEFAULTS = {k: v for k, v in VALID_REQUEST.items() if k != "callee"}


def callees(n: int, first: int = 0) -> List[Dict[str, Any]]:
    return [{"callee": f"+86 131 {i // 10000:04d} {i % 10000:04d}"} for i in range(first, first + n)]


def dialled(emu: Emulator) -> Counter:
    """How often the emulator was asked to dial each number."""
    return Counter(c["body"]["Callee"] for c in emu.calls)


def unique(prefix: str) -> str:
    # Campaigns without Redis live in the process's memory, shared by every test of the module: a name each.
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


WORKER = textwrap.dedent(
    """
    import json, sys
    from ccc_aicall import Client

    endpoint, secret_id, secret_key, redis_url, name, calls, defaults, concurrency = sys.argv[1:]
    client = Client(endpoint=endpoint, secret_id=secret_id, secret_key=secret_key, redis_url=redis_url,
                    max_retries=0)
    report = client.create_ai_calls(json.loads(calls), defaults=json.loads(defaults), campaign=name,
                                    concurrency=int(concurrency))
    print(json.dumps({"statuses": [item.status for item in report], "counts": report.counts}))
    """
)


def worker(emu: Emulator, redis: RedisServer, name: str, calls: List[Dict[str, Any]], concurrency: int) -> List[str]:
    argv = [emu.endpoint, emu.secret_id, emu.secret_key, redis.url, name, json.dumps(calls), json.dumps(DEFAULTS)]
    return [sys.executable, "-c", WORKER, *argv, str(concurrency)]


# --- in one process -----------------------------------------------------------------------------------------------


def test_a_named_campaign_dials_nobody_twice_and_reports_its_status(emu: Emulator, redis: RedisServer) -> None:
    client = emu.client(redis_url=redis.url, max_retries=0)
    calls = callees(6)
    name = unique("reminders-2026-12")
    report = client.create_ai_calls(calls, defaults=DEFAULTS, campaign=name)
    assert [i.status for i in report] == ["placed"] * 6
    assert list(report.counts) == list(STATUSES), "every status the core reports is in STATUSES"
    # Another client (as another worker would be): everything is decided, nothing is sent.
    again = emu.client(redis_url=redis.url, max_retries=0).create_ai_calls(calls, defaults=DEFAULTS, campaign=name)
    assert [i.status for i in again] == ["already_placed"] * 6
    assert [i.session_id for i in again] == [i.session_id for i in report]
    assert len(emu.calls) == 6

    status = client.campaign_status(name)
    assert isinstance(status, CampaignStatus) and status.name == name and len(status) == 6
    assert status.counts == {"placed": 6, "sending": 0, "outcome_unknown": 0, "failed": 0, "retryable": 0}
    first = status.items[0]
    assert isinstance(first, SharedItem) and first.index == 0 and first.state == "placed"
    assert first.key == "008613100000000#1" and first.session_id == report[0].session_id and first.error is None
    assert [i.index for i in status] == list(range(6))
    assert repr(status) == f"CampaignStatus(name={name!r}, items=6, placed=6)"
    assert pickle.loads(pickle.dumps(status)) == status
    assert client.campaign_status(unique("never-run")).counts["placed"] == 0


async def test_async_named_campaigns_and_their_status(emu: Emulator, redis: RedisServer) -> None:
    client = emu.async_client(redis_url=redis.url, max_retries=0)
    name = unique("async")
    report = await client.create_ai_calls(callees(3), defaults=DEFAULTS, campaign=name)
    assert report.placed == 3
    status = await client.campaign_status(name)
    assert status.counts["placed"] == 3 and [i.state for i in status] == ["placed"] * 3
    assert status == await client.campaign_status(name)


def test_without_redis_a_named_campaign_lives_in_the_process(emu: Emulator) -> None:
    name = unique("local")
    emu.client().create_ai_calls(callees(2), defaults=DEFAULTS, campaign=name)
    again = emu.client().create_ai_calls(callees(2), defaults=DEFAULTS, campaign=name)
    assert [i.status for i in again] == ["already_placed"] * 2
    assert emu.client().campaign_status(name).counts["placed"] == 2
    assert len(emu.calls) == 2


def test_campaign_options_are_checked_before_anything_is_sent(emu: Emulator, tmp_path: Any) -> None:
    client = emu.client()
    with pytest.raises(ConfigurationError, match="journal.*campaign|campaign.*journal"):
        client.create_ai_calls(callees(1), defaults=DEFAULTS, journal=tmp_path / "j.jsonl", campaign="x")
    for bad in ("", "   ", "a\nb", "x" * 201):
        with pytest.raises(ConfigurationError, match="campaign"):
            client.create_ai_calls(callees(1), defaults=DEFAULTS, campaign=bad)
        with pytest.raises(ConfigurationError, match="campaign"):
            client.campaign_status(bad)
    with pytest.raises(TypeError, match="campaign"):
        client.create_ai_calls(callees(1), defaults=DEFAULTS, campaign=5)  # type: ignore[arg-type]
    assert emu.calls == []


def test_with_redis_down_a_named_campaign_sends_nothing(emu: Emulator, redis: RedisServer) -> None:
    client = emu.client(redis_url=redis.url, max_retries=0, store_fallback_local=True)
    redis.stop()
    with pytest.raises(StoreUnavailableError) as raised:
        client.create_ai_calls(callees(2), defaults=DEFAULTS, campaign=unique("down"))
    assert PASSWORD not in str(raised.value)
    with pytest.raises(StoreUnavailableError):
        client.campaign_status("down")
    assert emu.calls == []


# --- across processes ---------------------------------------------------------------------------------------------


def test_workers_in_separate_processes_dial_each_person_once(emu: Emulator, redis: RedisServer) -> None:
    calls = callees(30, first=100)
    name = unique("together")
    children = [subprocess.Popen(worker(emu, redis, name, calls, 4), stdout=subprocess.PIPE, text=True)]
    children += [subprocess.Popen(worker(emu, redis, name, calls, 4), stdout=subprocess.PIPE, text=True)]
    reports = []
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0, out
        reports.append(json.loads(out.strip().splitlines()[-1]))
    assert set(dialled(emu).values()) == {1} and len(dialled(emu)) == 30
    # Each item placed by exactly one worker; the other reports it as the other's.
    for index in range(30):
        statuses = sorted(r["statuses"][index] for r in reports)
        assert statuses.count("placed") == 1, (index, statuses)
        assert set(statuses) <= {"placed", "already_placed", "claimed_elsewhere"}, (index, statuses)
    status = emu.client(redis_url=redis.url).campaign_status(name)
    assert status.counts["placed"] == 30


def test_a_worker_killed_mid_campaign_leaves_its_item_to_nobody(emu: Emulator, redis: RedisServer) -> None:
    calls = callees(8, first=200)
    name = unique("killed")
    # Each of the first three answers comes a second after the call was placed: the worker is killed while it waits
    # for the third, which the service has placed and its journal says is `sending`.
    emu.inject(kind="delay", phase="after_read", ms=1000, action="CreateAICall", times=3)
    doomed = subprocess.Popen(worker(emu, redis, name, calls, 1), stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(emu.calls) < 3 and time.monotonic() < deadline and doomed.poll() is None:
        time.sleep(0.01)
    doomed.kill()
    doomed.communicate()
    assert doomed.returncode == -9, "killed mid-run"
    assert len(emu.calls) == 3

    client = emu.client(redis_url=redis.url, max_retries=0)
    before = client.campaign_status(name)
    assert [i.state for i in before] == ["placed", "placed", "sending"], before.items
    report = client.create_ai_calls(calls, defaults=DEFAULTS, campaign=name, concurrency=1)
    assert [i.status for i in report] == ["already_placed"] * 2 + ["claimed_elsewhere"] + ["placed"] * 5
    assert report[2].session_id is None and report[2].attempts == 0 and report[2].sent_at is not None
    assert report.counts["claimed_elsewhere"] == 1
    # Nobody was dialled twice: the killed worker's last call was placed, and not placed again.
    assert set(dialled(emu).values()) == {1} and len(dialled(emu)) == 8

    status = client.campaign_status(name)
    assert status.counts == {"placed": 7, "sending": 1, "outcome_unknown": 0, "failed": 0, "retryable": 0}
    assert status.items[2].state == "sending" and status.items[2].key == report[2].callee + "#1"
