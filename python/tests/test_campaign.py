"""Campaigns (client.create_ai_calls) against the emulator: the rate, faults, the journal across a SIGKILL and a
Ctrl-C, early stops, invalid items, progress (callable, stderr line, tqdm bar, a notebook in a real kernel),
read_calls_csv, and the results' API. The campaign itself is the core's; these tests check what Python sees."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, List

import ccc_aicall
import pytest
from ccc_aicall import (
    AsyncClient,
    AuthenticationError,
    CallRejectedError,
    CampaignItem,
    CampaignReport,
    Client,
    InternalServerError,
    OutcomeUnknownError,
    ValidationError,
)
from ccc_aicall.testing import Emulator
from conftest import REPO, VALID_REQUEST

DEFAULTS: Dict[str, Any] = {k: v for k, v in VALID_REQUEST.items() if k != "callee"}
DEFAULTS["system_prompt"] = "Remind {{name}} of the appointment."
CREDENTIAL_VARS = (
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_SESSION_TOKEN",
    "CCC_AICALL_ENDPOINT",
)


def callee(i: int) -> str:
    return f"0086130{i:08d}"


def calls_of(n: int) -> List[Dict[str, Any]]:
    return [{"callee": callee(i), "variables": [{"key": "name", "value": f"P{i}"}]} for i in range(n)]


def fast(emu: Emulator, **options: Any) -> Client:
    emu.rate_limit = 0
    return emu.client(rate_limit=0, **options)


def fast_async(emu: Emulator, **options: Any) -> AsyncClient:
    emu.rate_limit = 0
    return emu.async_client(rate_limit=0, **options)


def placed_callees(calls: List[Dict[str, Any]]) -> Counter[str]:
    return Counter(c["body"]["Callee"] for c in calls)


def assert_nobody_twice(calls: List[Dict[str, Any]], items: int) -> None:
    counts = placed_callees(calls)
    assert len(calls) <= items
    assert all(n == 1 for n in counts.values()), [c for c, n in counts.items() if n > 1]


# --- the rate -------------------------------------------------------------------------------------------------


def test_200_calls_at_the_default_rate_take_about_10_s_with_no_refusal(emu: Emulator) -> None:
    client = emu.client()  # 20 per second, as the emulator (and the service)
    assert client.rate_limit == 20 and emu.rate_limit == 20
    start = time.monotonic()
    report = client.create_ai_calls(calls_of(200), defaults=DEFAULTS)
    elapsed = time.monotonic() - start
    assert 9 <= elapsed <= 14, elapsed
    assert report.placed == 200 and report.counts["placed"] == 200
    assert emu.hits_for("CreateAICall") == 200  # not one RequestLimitExceeded: every request placed a call
    assert len(emu.calls) == 200 and all(item.attempts == 1 for item in report)
    assert_nobody_twice(emu.calls, 200)


# --- what a campaign sends and returns ------------------------------------------------------------------------


def check_basic_report(emu: Emulator, report: CampaignReport) -> None:
    assert isinstance(report, CampaignReport) and len(report) == 3
    assert [item.index for item in report] == [0, 1, 2]
    assert [item.status for item in report] == ["placed"] * 3
    assert (report.placed, report.failed, report.outcome_unknown, report.to_reconcile) == (3, 0, 0, [])
    assert report.stopped_by is None
    sessions = {c["session_id"]: c for c in emu.calls}
    for item in report:
        assert isinstance(item, CampaignItem)
        assert item.session_id in sessions and item.request_id and item.error is None
        assert not item.outcome_unknown and item.attempts == 1
        assert sessions[item.session_id]["body"]["Callee"] == item.callee
    # The overrides replace the defaults; variables merge by key; "+86 ..." is normalised before it is sent.
    first = emu.calls[[c["body"]["Callee"] for c in emu.calls].index("008613000000000")]["body"]
    assert first["Variables"] == [{"Key": "clinic", "Value": "North"}, {"Key": "name", "Value": "Li"}]
    assert first["SystemPrompt"] == DEFAULTS["system_prompt"]
    assert report.items[1].callee == "008613000000001"
    assert repr(report) == "CampaignReport(items=3, placed=3)"
    assert repr(report.items[0]).startswith(
        "CampaignItem(index=0, callee='008613000000000', status='placed', session_id="
    )
    assert "sk-" not in repr(report) + repr(report.items)
    again = pickle.loads(pickle.dumps(report))
    assert again.items == report.items and again.counts == report.counts


BASIC_DEFAULTS = {**DEFAULTS, "variables": [{"key": "clinic", "value": "North"}, {"Key": "name", "Value": "?"}]}
BASIC_CALLS = [
    {"callee": "008613000000000", "variables": [{"key": "name", "value": "Li"}]},
    {"Callee": "+86 130 0000 0001"},
    {"callee": "008613000000002", "vad_level": 2},
]


def test_a_campaign_places_each_item_and_reports_it_in_order(emu: Emulator) -> None:
    report = fast(emu).create_ai_calls(BASIC_CALLS, defaults=BASIC_DEFAULTS)
    check_basic_report(emu, report)


async def test_a_campaign_places_each_item_and_reports_it_in_order_async(emu: Emulator) -> None:
    report = await fast_async(emu).create_ai_calls(BASIC_CALLS, defaults=BASIC_DEFAULTS)
    check_basic_report(emu, report)


# --- faults ---------------------------------------------------------------------------------------------------

# One fault per item (concurrency 1, each injected when the previous item finished), and what must come of it.
FAULT_PLAN: List[Any] = [
    ({"kind": "error", "code": "InternalError"}, "outcome_unknown", InternalServerError, 1),
    ({"kind": "http_status", "status": 502}, "outcome_unknown", OutcomeUnknownError, 1),
    ({"kind": "close_after_read"}, "outcome_unknown", OutcomeUnknownError, 1),
    ({"kind": "error", "code": "RequestLimitExceeded"}, "placed", None, 2),  # the client's own retry
    ({"kind": "error", "code": "FailedOperation.AIConcurrentOverFrequency"}, "placed", None, 2),  # re-queued
    ({"kind": "delay", "phase": "after_read", "ms": 1500}, "outcome_unknown", OutcomeUnknownError, 1),  # timeout
    ({"kind": "error", "code": "FailedOperation.CalleeIsBlackUser"}, "failed", CallRejectedError, 1),
    (None, "placed", None, 1),
]


def fault_injector(emu: Emulator) -> Callable[[CampaignItem], None]:
    emu.inject(FAULT_PLAN[0][0], action="CreateAICall")

    def next_fault(item: CampaignItem) -> None:
        if item.index + 1 < len(FAULT_PLAN) and FAULT_PLAN[item.index + 1][0] is not None:
            emu.inject(FAULT_PLAN[item.index + 1][0], action="CreateAICall")

    return next_fault


def check_fault_report(emu: Emulator, report: CampaignReport) -> None:
    for item, (fault, status, error, attempts) in zip(report, FAULT_PLAN):
        assert item.status == status, (fault, item)
        assert item.attempts == attempts, (fault, item)
        assert (type(item.error) if item.error else None) is error, (fault, item)
        assert item.outcome_unknown == (status == "outcome_unknown")
    assert report.items[5].error is not None and report.items[5].error.timed_out
    assert (
        report.items[0].request_id
        and report.items[0].error
        and report.items[0].error.request_id == report.items[0].request_id
    )
    assert [i.index for i in report.to_reconcile] == [0, 1, 2, 5]
    # Every call that may have been placed was placed once; nobody twice; never more calls than items.
    assert_nobody_twice(emu.calls, len(FAULT_PLAN))
    assert set(placed_callees(emu.calls)) == {i.callee for i in report if i.status in ("placed", "outcome_unknown")}


def test_faults_give_the_right_status_and_never_a_second_call(emu: Emulator) -> None:
    client = fast(emu, timeout=0.5)
    report = client.create_ai_calls(
        calls_of(len(FAULT_PLAN)), defaults=DEFAULTS, concurrency=1, progress=fault_injector(emu)
    )
    check_fault_report(emu, report)


async def test_faults_give_the_right_status_and_never_a_second_call_async(emu: Emulator) -> None:
    client = fast_async(emu, timeout=0.5)
    report = await client.create_ai_calls(
        calls_of(len(FAULT_PLAN)), defaults=DEFAULTS, concurrency=1, progress=fault_injector(emu)
    )
    check_fault_report(emu, report)


async def test_many_faults_at_once_never_place_more_calls_than_items(emu: Emulator) -> None:
    for fault, times in [
        ({"kind": "error", "code": "InternalError"}, 3),
        ({"kind": "http_status", "status": 502}, 3),
        ({"kind": "error", "code": "RequestLimitExceeded"}, 6),
        ({"kind": "close_after_read"}, 3),
        ({"kind": "error", "code": "FailedOperation.AIConcurrentOverFrequency"}, 4),
        ({"kind": "delay", "phase": "after_read", "ms": 1200}, 2),
    ]:
        emu.inject(fault, action="CreateAICall", times=times)
    report = await fast_async(emu, timeout=0.5).create_ai_calls(calls_of(40), defaults=DEFAULTS, concurrency=8)
    assert_nobody_twice(emu.calls, 40)
    assert report.outcome_unknown == 11 and report.failed == 0 and report.placed == 29, report
    assert set(placed_callees(emu.calls)) == {i.callee for i in report if i.status in ("placed", "outcome_unknown")}
    assert emu.pending_faults == []


# --- the journal across a kill and a Ctrl-C ---------------------------------------------------------------------

CHILD = """
import json, sys
from ccc_aicall import Client
endpoint, secret_id, secret_key, calls, defaults, journal = json.loads(sys.argv[1])
client = Client(endpoint=endpoint, secret_id=secret_id, secret_key=secret_key)
try:
    client.create_ai_calls(calls, defaults=defaults, journal=journal, concurrency=4,
                           progress=lambda item: print(item.status, flush=True))
except KeyboardInterrupt as interrupt:
    report = interrupt.report
    items = [[i.callee, i.status, i.session_id] for i in report]
    print("interrupted", json.dumps({"counts": report.counts, "items": items}), flush=True)
"""


def run_child_until(
    emu: Emulator, journal: Path, n: int, finished: int, sig: int
) -> tuple[subprocess.Popen[str], List[str]]:
    """A child process runs the campaign; once `finished` items are done it gets `sig`. Returns the child and what
    it printed after the signal."""
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARS}
    args = json.dumps([emu.endpoint, emu.secret_id, emu.secret_key, calls_of(n), DEFAULTS, str(journal)])
    child = subprocess.Popen([sys.executable, "-c", CHILD, args], stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    try:
        done = 0
        while done < finished:
            line = child.stdout.readline()
            assert line, "the child ended before the signal"
            done += 1
        child.send_signal(sig)
        rest, _ = child.communicate(timeout=10)
    finally:
        child.kill()
    return child, rest.splitlines()


def journal_events(journal: Path) -> List[Dict[str, Any]]:
    events = []
    for line in journal.read_text().splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:  # a line torn by the kill; the core ignores it too
            continue
    return events


def resume(emu: Emulator, journal: Path, n: int) -> tuple[CampaignReport, List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Re-run the same campaign with the same journal; returns its report and the calls of both runs."""
    first = emu.calls
    emu.reset()  # drops the faults still queued for the killed run (and its calls, kept in `first`)
    report = fast(emu).create_ai_calls(calls_of(n), defaults=DEFAULTS, journal=journal)
    return report, first, emu.calls


def check_resumed(report: CampaignReport, first: List[Dict[str, Any]], second: List[Dict[str, Any]], n: int) -> None:
    assert (report.failed, report.outcome_unknown, report.counts["not_attempted"]) == (0, 0, 0), report
    assert report.counts["already_placed"] + report.counts["unreconciled"] + report.placed == n
    assert_nobody_twice(first + second, n)
    by_first, by_second = placed_callees(first), placed_callees(second)
    sessions = {c["body"]["Callee"]: c["session_id"] for c in first}
    for item in report:
        if item.status == "unreconciled":  # sent by the killed run with no answer recorded: not dialled again
            assert item.outcome_unknown and item in report.to_reconcile and by_second[item.callee] == 0
            assert by_first[item.callee] <= 1
        elif item.status == "already_placed":
            assert by_first[item.callee] == 1 and by_second[item.callee] == 0
            assert item.session_id == sessions[item.callee]  # the journal's SessionId is the service's
        else:
            assert item.status == "placed" and by_first[item.callee] == 0 and by_second[item.callee] == 1


def test_sigkill_mid_campaign_then_resume_dials_nobody_twice(emu: Emulator, tmp_path: Path) -> None:
    journal, n = tmp_path / "campaign.jsonl", 40
    # Each call is answered 500 ms after it was placed, so the kill catches calls in flight.
    emu.inject(kind="delay", phase="after_read", ms=500, action="CreateAICall", times=n)
    child, _ = run_child_until(emu, journal, n, finished=10, sig=signal.SIGKILL)
    assert child.returncode == -signal.SIGKILL
    events = journal_events(journal)
    dangling = {e["key"] for e in events if e["event"] == "sending"} - {
        e["key"] for e in events if e["event"] != "sending"
    }
    assert 10 <= len(emu.calls) < n

    report, first, second = resume(emu, journal, n)
    check_resumed(report, first, second, n)
    unreconciled = [i for i in report if i.status == "unreconciled"]
    # The calls in flight at the kill (sent, never answered): at most one per worker, and all listed.
    assert 1 <= len(unreconciled) <= 4 and len(unreconciled) == len(dangling), report
    assert report.counts["already_placed"] >= 10
    print(f"killed after {len(first)} placed; the re-run: {report}")


def test_ctrl_c_mid_campaign_leaves_a_complete_journal_and_the_report_on_the_interrupt(
    emu: Emulator, tmp_path: Path
) -> None:
    journal, n = tmp_path / "campaign.jsonl", 40
    emu.inject(kind="delay", phase="after_read", ms=500, action="CreateAICall", times=n)
    start = time.monotonic()
    child, printed = run_child_until(emu, journal, n, finished=10, sig=signal.SIGINT)
    assert child.returncode == 0 and time.monotonic() - start < 8
    # The KeyboardInterrupt carries the partial report: every call that reached the service is in it, placed (with
    # its SessionId) or, cut off by the interrupt, outcome_unknown; the rest were not attempted.
    [summary] = [line for line in printed if line.startswith("interrupted ")]
    interrupted = json.loads(summary.split(" ", 1)[1])
    statuses = {callee: (status, session) for callee, status, session in interrupted["items"]}
    sessions = {c["body"]["Callee"]: c["session_id"] for c in emu.calls}
    assert interrupted["counts"]["placed"] >= 10 and len(statuses) == n
    for callee, session in sessions.items():
        status, reported = statuses[callee]
        assert status in ("placed", "outcome_unknown"), (callee, status)
        assert status == "outcome_unknown" or reported == session
    sent = [c for c, (status, _) in statuses.items() if status in ("placed", "outcome_unknown")]
    assert all(c in sessions for c in sent if statuses[c][0] == "placed")
    assert interrupted["counts"]["not_attempted"] == n - len(sent)
    events = journal_events(journal)
    # Every call sent has its outcome on record: the campaign ran to its cancelled end before KeyboardInterrupt.
    last = {e["key"]: e for e in events}
    assert all(e["event"] != "sending" for e in last.values()), [e for e in last.values() if e["event"] == "sending"]
    in_flight = {k for k, e in last.items() if e["event"] == "failed" and e["outcome_unknown"]}

    report, first, second = resume(emu, journal, n)
    check_resumed(report, first, second, n)
    assert {f"{i.callee}#1" for i in report if i.status == "unreconciled"} == in_flight


def check_cancelled_report(emu: Emulator, report: Any, n: int) -> None:
    """The report on a cancellation: every call that reached the service is in it (placed, or outcome_unknown when
    the cancel cut it off); the rest were not attempted."""
    assert isinstance(report, CampaignReport) and len(report) == n
    sessions = {c["body"]["Callee"]: c["session_id"] for c in emu.calls}
    sent = {i.callee: i for i in report if i.status in ("placed", "outcome_unknown")}
    assert set(sessions) <= set(sent) and report.placed >= 1, report
    assert all(i.session_id == sessions[i.callee] for i in sent.values() if i.status == "placed")
    assert report.counts["not_attempted"] == n - len(sent)


async def test_cancelling_the_task_cancels_the_campaign_and_keeps_its_report(emu: Emulator, tmp_path: Path) -> None:
    journal = tmp_path / "campaign.jsonl"
    emu.inject(kind="delay", phase="after_read", ms=400, action="CreateAICall", times=40)
    finished = threading.Event()
    task = asyncio.ensure_future(
        fast_async(emu).create_ai_calls(
            calls_of(40), defaults=DEFAULTS, journal=journal, concurrency=4, progress=lambda item: finished.set()
        )
    )
    await asyncio.get_running_loop().run_in_executor(None, finished.wait, 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError) as cancelled:
        await task
    # The campaign was let finish before the cancellation propagated: its journal is complete now.
    last = {e["key"]: e for e in journal_events(journal)}
    assert all(e["event"] != "sending" for e in last.values())
    check_cancelled_report(emu, cancelled.value.report, 40)  # type: ignore[attr-defined]
    placed = len(emu.calls)
    await asyncio.sleep(0.5)
    assert len(emu.calls) == placed < 12  # nothing was sent after the cancel


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout")
async def test_a_campaign_under_asyncio_timeout_raises_timeout_error_with_the_report(emu: Emulator) -> None:
    emu.inject(kind="delay", phase="after_read", ms=300, action="CreateAICall", times=40)
    with pytest.raises(TimeoutError) as timed_out:
        async with asyncio.timeout(0.8):
            await fast_async(emu).create_ai_calls(calls_of(40), defaults=DEFAULTS, concurrency=4)
    cancelled = timed_out.value.__cause__
    assert isinstance(cancelled, asyncio.CancelledError)
    check_cancelled_report(emu, cancelled.report, 40)  # type: ignore[attr-defined]


# --- early stops, invalid items -------------------------------------------------------------------------------


def test_authentication_failure_stops_the_campaign(emu: Emulator) -> None:
    emu.rate_limit = 0
    wrong = Client(endpoint=emu.endpoint, secret_id=emu.secret_id, secret_key="not-the-key", rate_limit=0)
    report = wrong.create_ai_calls(calls_of(6), defaults=DEFAULTS, concurrency=1)
    assert isinstance(report.stopped_by, AuthenticationError) and report.stopped_by.code
    assert report.stopped_by.code.startswith("AuthFailure")
    assert report.items[0].status == "failed" and isinstance(report.items[0].error, AuthenticationError)
    assert [i.status for i in report.items[1:]] == ["not_attempted"] * 5
    assert emu.hits_for("CreateAICall") == 1 and emu.calls == []
    assert "stopped_by=AuthenticationError(" in repr(report) and "not-the-key" not in repr(report)


BAD_CALLS = [{"callee": callee(0)}, {"callee": "abc"}, {"callee": callee(2)}, {}, {"callee": callee(4), "vad_level": 9}]


def check_every_problem(e: ValidationError, emu: Emulator) -> None:
    fields = [p.field for p in e.errors]
    assert {"calls[1].callee", "calls[3].callee", "calls[4].vad_level"} <= set(fields), fields
    assert not any(f.startswith(("calls[0]", "calls[2]")) for f in fields), fields
    assert "calls[4].vad_level" in str(e)
    assert emu.hits == 0


def test_invalid_items_are_all_reported_before_anything_is_sent(emu: Emulator) -> None:
    with pytest.raises(ValidationError) as e:
        fast(emu).create_ai_calls(BAD_CALLS, defaults=DEFAULTS)
    check_every_problem(e.value, emu)


async def test_invalid_items_are_all_reported_before_anything_is_sent_async(emu: Emulator) -> None:
    with pytest.raises(ValidationError) as e:
        await fast_async(emu).create_ai_calls(BAD_CALLS, defaults=DEFAULTS)
    check_every_problem(e.value, emu)


def test_skip_invalid_runs_the_valid_items(emu: Emulator) -> None:
    report = fast(emu).create_ai_calls(BAD_CALLS, defaults=DEFAULTS, skip_invalid=True)
    assert [i.status for i in report] == ["placed", "invalid", "placed", "invalid", "invalid"]
    assert report.counts["invalid"] == 3 and len(emu.calls) == 2
    bad = report.items[1].error
    assert isinstance(bad, ValidationError) and bad.errors[0].field == "callee"
    assert report.items[3].callee == ""


def test_module_level_create_ai_calls_uses_the_default_client(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    from ccc_aicall import _client

    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", emu.secret_id)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", emu.secret_key)
    monkeypatch.setenv("CCC_AICALL_ENDPOINT", emu.endpoint)
    monkeypatch.setattr(_client, "_default_client", None)
    report = ccc_aicall.create_ai_calls(calls_of(3), defaults=DEFAULTS, concurrency=2)
    assert report.placed == 3 and len(emu.calls) == 3


def test_the_signatures_show_the_cores_defaults() -> None:
    import inspect

    for fn in (Client.create_ai_calls, AsyncClient.create_ai_calls, ccc_aicall.create_ai_calls):
        params = inspect.signature(fn).parameters
        assert params["concurrency"].default == 4 and params["progress"].default is None
        assert all(p.kind is p.KEYWORD_ONLY for name, p in params.items() if name not in ("self", "calls"))
    assert ccc_aicall.create_ai_calls.__module__ == CampaignItem.__module__ == "ccc_aicall"
    assert "journal" in (Client.create_ai_calls.__doc__ or "")


def test_arguments_are_checked(emu: Emulator) -> None:
    client = fast(emu)
    with pytest.raises(TypeError, match="calls must be a list"):
        client.create_ai_calls({"callee": callee(0)}, defaults=DEFAULTS)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress must be"):
        client.create_ai_calls(calls_of(1), defaults=DEFAULTS, progress="yes")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"calls\[0\]"):
        client.create_ai_calls(["008613000000000"], defaults=DEFAULTS)  # type: ignore[list-item]
    with pytest.raises(ccc_aicall.ConfigurationError, match="journal"):
        client.create_ai_calls(calls_of(1), defaults=DEFAULTS, journal=Path(__file__).parent)
    assert emu.hits == 0
    assert client.create_ai_calls([], defaults=DEFAULTS).items == []


# --- progress -------------------------------------------------------------------------------------------------


def test_the_progress_callable_gets_every_item_once_also_on_resume(emu: Emulator, tmp_path: Path) -> None:
    seen: List[CampaignItem] = []
    journal = tmp_path / "j.jsonl"
    client = fast(emu)
    report = client.create_ai_calls(calls_of(12), defaults=DEFAULTS, journal=journal, progress=seen.append)
    assert sorted(i.index for i in seen) == list(range(12))
    assert sorted(seen, key=lambda i: i.index) == report.items
    seen.clear()
    again = client.create_ai_calls(calls_of(14), defaults=DEFAULTS, journal=journal, progress=seen.append)
    assert sorted(i.index for i in seen) == list(range(14))
    assert [i.status for i in again] == ["already_placed"] * 12 + ["placed"] * 2
    assert len(emu.calls) == 14


async def test_the_progress_callable_gets_every_item_once_async(emu: Emulator) -> None:
    seen: List[int] = []
    report = await fast_async(emu).create_ai_calls(
        calls_of(12), defaults=DEFAULTS, progress=lambda i: seen.append(i.index)
    )
    assert sorted(seen) == list(range(12)) and report.placed == 12


def test_a_raising_progress_callable_is_logged_and_the_campaign_goes_on(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(item: CampaignItem) -> None:
        raise RuntimeError(f"bug in the callback at {item.index}")

    with caplog.at_level(logging.ERROR, logger="ccc_aicall"):
        report = fast(emu).create_ai_calls(calls_of(5), defaults=DEFAULTS, progress=broken)
    assert report.placed == 5
    messages = [r.getMessage() for r in caplog.records if r.name == "ccc_aicall"]
    assert messages == [
        "the campaign's progress callback raised; the campaign goes on",
        "the campaign's progress callback raised 5 times in all",
    ], messages
    assert caplog.records[0].exc_info and "bug in the callback" in str(caplog.records[0].exc_info[1])


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def no_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)


def test_progress_true_without_a_terminal_prints_the_cores_counts_once_in_plain_lines(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # tqdm is installed here, and still not used: stderr is no terminal (a log file, CI).
    journal = tmp_path / "j.jsonl"
    client = fast(emu)
    client.create_ai_calls(calls_of(5), defaults=DEFAULTS, journal=journal)
    capsys.readouterr()
    report = client.create_ai_calls(calls_of(5), defaults=DEFAULTS, journal=journal, progress=True)
    assert report.counts["already_placed"] == 5 and report.placed == 0
    # The re-run dialled nobody, and says so: already_placed is not counted as placed; the final state once.
    assert capsys.readouterr().err == "5/5 placed 0 already placed 5\n"


def test_progress_lines_without_a_terminal_come_once_a_second_at_most(
    emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    client = emu.client(rate_limit=4)  # 10 calls in about 2.5 s
    emu.inject(kind="error", code="FailedOperation.CalleeIsBlackUser", action="CreateAICall")
    start = time.monotonic()
    client.create_ai_calls(calls_of(10), defaults=DEFAULTS, progress=True, concurrency=1)
    elapsed = time.monotonic() - start
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert "\r" not in err and err.endswith("\n"), repr(err)
    assert lines[-1] == "10/10 placed 9 failed 1", lines
    assert len(lines) <= elapsed + 1 and len(set(lines)) == len(lines), lines
    assert all(line.startswith(f"{line.split('/')[0]}/10 placed ") for line in lines), lines


def test_progress_true_on_a_terminal_without_tqdm_rewrites_one_line(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_tqdm(monkeypatch)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    emu.inject(kind="error", code="FailedOperation.CalleeIsBlackUser", action="CreateAICall")
    report = fast(emu).create_ai_calls(calls_of(5), defaults=DEFAULTS, progress=True, concurrency=1)
    assert report.placed == 4
    err = terminal.getvalue()
    assert err.endswith("\r5/5 placed 4 failed 1\n") and err.count("5/5") == 1, repr(err)
    assert "\n" not in err[:-1], repr(err)


def test_progress_true_on_a_terminal_with_tqdm_shows_a_bar(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    emu.inject(kind="error", code="FailedOperation.CalleeIsBlackUser", action="CreateAICall")
    fast(emu).create_ai_calls(calls_of(5), defaults=DEFAULTS, progress=True, concurrency=1)
    err = terminal.getvalue()
    assert "calls: 100%" in err and "5/5" in err and "placed=4, failed=1" in err, repr(err)


def run_notebook(path: Path, cwd: Path) -> tuple[str, List[Dict[str, Any]]]:
    """Execute a notebook in a real kernel; its text outputs, and the saved states of its widgets."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    widgets = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return text, [m["state"] for m in widgets.get("state", {}).values()]


def test_the_campaign_notebook_tells_the_same_story_every_time_in_a_real_kernel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for var in CREDENTIAL_VARS:  # the notebook then runs on its own in-process emulator
        monkeypatch.delenv(var, raising=False)
    stories = []
    for _ in range(2):  # "Run All" twice: a fresh emulator, and fresh files, each time
        text, states = run_notebook(REPO / "examples" / "campaign.ipynb", tmp_path)
        assert "CampaignReport(items=20, placed=20)" in text
        # The re-run dialled nobody, and everything says so: the report, its counts, and the bar.
        assert "CampaignReport(items=20, already_placed=20)" in text
        assert "'placed': 0" in text and "'already_placed': 20" in text
        assert "20/20" in text or states, text  # tqdm's notebook bar (or its text form without ipywidgets)
        if states:  # the kernel saved the widgets' last state: both bars reached the end, updated from the campaign
            values = [{k: s.get(k) for k in ("value", "max")} for s in states]
            assert values.count({"value": 20.0, "max": 20.0}) == 2, states
            labels = [str(s.get("value", "")).replace("\u2007", " ") for s in states]  # tqdm pads with figure spaces
            assert any("placed=20]" in label for label in labels), labels
            assert any("placed=0, already_placed=20]" in label for label in labels), labels
        stories.append(re.findall(r"CampaignReport\([^)]*\)|'[a-z_]+': \d+", text))
    assert stories[0] == stories[1] and stories[0], stories
    assert list(tmp_path.iterdir()) == []  # its files went to a temporary folder of their own


# --- CSV ------------------------------------------------------------------------------------------------------


def test_read_calls_csv_feeds_a_campaign(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "callee,name,vad_level,languages\n+86 130 0000 0001,Li,2,zh;en\n008613000000002,Wang,,\n", encoding="utf-8"
    )
    calls = ccc_aicall.read_calls_csv(path)
    assert calls == [
        {
            "callee": "+86 130 0000 0001",
            "vad_level": 2,
            "languages": ["zh", "en"],
            "variables": [{"key": "name", "value": "Li"}],
        },
        {"callee": "008613000000002", "variables": [{"key": "name", "value": "Wang"}]},
    ]
    assert ccc_aicall.read_calls_csv(str(path)) == calls
    report = fast(emu).create_ai_calls(calls, defaults=DEFAULTS)
    assert report.placed == 2
    bodies = {c["body"]["Callee"]: c["body"] for c in emu.calls}
    assert bodies["008613000000001"]["Variables"] == [{"Key": "name", "Value": "Li"}]
    assert bodies["008613000000001"]["VadLevel"] == 2


PATIENTS = "callee,name\n+86 130 0000 0001,Li\n\n12345,Wang\n+86 130 0000 0003,\"Zhao\nJr\"\nxyz,Sun\n"
"""Rows on lines 2, 4, 5 and 7 (a blank line, a quoted cell over two lines); lines 4 and 7 are not phone numbers."""


def test_problems_of_csv_rows_name_the_file_line(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("patients.csv").write_text(PATIENTS, encoding="utf-8")
    rows = ccc_aicall.read_calls_csv("patients.csv")
    assert isinstance(rows, list) and all(isinstance(row, dict) for row in rows)
    assert rows[1] == {"callee": "12345", "variables": [{"key": "name", "value": "Wang"}]}  # a plain dict's equal

    def problems(calls: List[Any]) -> Dict[str, str]:
        with pytest.raises(ValidationError) as e:
            fast(emu).create_ai_calls(calls, defaults=DEFAULTS)
        return {p.field: p.message for p in e.value.errors}

    found = problems(rows)
    assert set(found) == {"calls[1].callee", "calls[3].callee"}, found
    assert found["calls[1].callee"].endswith("(patients.csv line 4)"), found
    assert found["calls[3].callee"].endswith("(patients.csv line 7)"), found
    # A row keeps its own line wherever it goes, and when edited in place; a copy, or a dict made by hand, has none.
    rows[3]["variables"][0]["value"] = "Sun Li"
    reordered = [rows[3], {"callee": "abc"}, rows[0], dict(rows[1])]
    found = problems(reordered)
    assert set(found) == {"calls[0].callee", "calls[1].callee", "calls[3].callee"}, found
    assert found["calls[0].callee"].endswith("(patients.csv line 7)"), found
    assert "line" not in found["calls[1].callee"] and "line" not in found["calls[3].callee"], found
    # pickling, copying and filtering keep plain dicts' behaviour
    assert pickle.loads(pickle.dumps(rows)) == rows and [r for r in rows if r["callee"] != "xyz"] == rows[:3]
    assert emu.hits == 0


def test_a_missing_or_unreadable_csv_file_is_the_platforms_error(tmp_path: Path) -> None:
    import errno

    missing = tmp_path / "missing.csv"
    with pytest.raises(FileNotFoundError) as e:
        ccc_aicall.read_calls_csv(missing)
    assert e.value.errno == errno.ENOENT and e.value.filename == str(missing)
    assert isinstance(e.value, ccc_aicall.FileError) and isinstance(e.value, ccc_aicall.CccError)
    assert e.value.kind == "io" and "missing.csv" in str(e.value) and not e.value.outcome_unknown
    copy = pickle.loads(pickle.dumps(e.value))
    assert type(copy) is type(e.value) and (copy.errno, copy.filename, str(copy)) == (
        e.value.errno,
        e.value.filename,
        str(e.value),
    )
    locked = tmp_path / "locked.csv"
    locked.write_text("callee\n008613000000001\n", encoding="utf-8")
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads it anyway
        pytest.skip("running as a user that may read any file")
    with pytest.raises(PermissionError) as denied:
        ccc_aicall.read_calls_csv(locked)
    assert denied.value.errno == errno.EACCES and denied.value.filename == str(locked)


# --- default_country_code, sent_at ------------------------------------------------------------------------------

NATIONAL = [{"callee": "130 0000 0001"}, {"callee": "013000000002"}]


def test_a_campaigns_default_country_code_makes_national_numbers_valid(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccc_aicall import _client

    client = fast(emu)
    with pytest.raises(ValidationError) as e:
        client.create_ai_calls(NATIONAL, defaults=DEFAULTS)
    assert {p.field for p in e.value.errors} == {"calls[0].callee", "calls[1].callee"}
    assert "country code" in str(e.value) and emu.hits == 0
    with pytest.raises(ccc_aicall.ConfigurationError, match="default_country_code"):
        client.create_ai_calls(NATIONAL, defaults=DEFAULTS, default_country_code="+999999")
    report = client.create_ai_calls(NATIONAL, defaults=DEFAULTS, default_country_code="86")
    assert [i.callee for i in report] == ["008613000000001", "008613000000002"] and report.placed == 2
    monkeypatch.setattr(_client, "_default_client", client)
    assert ccc_aicall.create_ai_calls(NATIONAL[:1], defaults=DEFAULTS, default_country_code="+86").placed == 1
    assert sorted(c["body"]["Callee"] for c in emu.calls) == ["008613000000001"] * 2 + ["008613000000002"]


async def test_a_campaigns_default_country_code_async(emu: Emulator) -> None:
    client = fast_async(emu)
    with pytest.raises(ValidationError):
        await client.create_ai_calls(NATIONAL, defaults=DEFAULTS)
    report = await client.create_ai_calls(NATIONAL, defaults=DEFAULTS, default_country_code="86")
    assert report.placed == 2 and len(emu.calls) == 2


def test_an_item_whose_outcome_is_unknown_reports_when_it_was_sent(emu: Emulator, tmp_path: Path) -> None:
    from datetime import datetime, timezone

    journal = tmp_path / "j.jsonl"
    emu.inject(kind="http_status", status=502, action="CreateAICall")
    emu.inject(kind="error", code="FailedOperation.CalleeIsBlackUser", action="CreateAICall")
    before = datetime.now(timezone.utc)
    report = fast(emu).create_ai_calls(calls_of(3), defaults=DEFAULTS, journal=journal, concurrency=1)
    after = datetime.now(timezone.utc)
    unknown, refused, placed = report.items
    assert (unknown.status, refused.status, placed.status) == ("outcome_unknown", "failed", "placed")
    for item in report:
        assert item.sent_at is not None and item.sent_at.tzinfo is not None
        assert before.replace(microsecond=0) <= item.sent_at <= after, (before, item.sent_at, after)
    assert unknown.request_id is None and isinstance(unknown.error, OutcomeUnknownError)
    # The re-run sends neither again; it reports what the journal knows: the send time and the error.
    again = fast(emu).create_ai_calls(calls_of(3), defaults=DEFAULTS, journal=journal)
    assert [i.status for i in again] == ["unreconciled", "failed", "already_placed"]
    assert len(emu.calls) == 2  # the 502 (placed, then the answer was lost) and the placed one; nobody twice
    for first, later in zip(report.items[:2], again.items[:2]):
        assert later.attempts == 0 and later.error is not None
        assert later.sent_at is not None
        assert abs((later.sent_at - first.sent_at).total_seconds()) < 1  # type: ignore[operator]
    assert again.items[1].error is not None and again.items[1].error.code == "FailedOperation.CalleeIsBlackUser"
    assert [i.index for i in again.to_reconcile] == [0]


# --- types ----------------------------------------------------------------------------------------------------

USAGE = '''
import asyncio
from datetime import datetime
from typing import List, Optional
from ccc_aicall import AsyncClient, CampaignItem, CampaignReport, CccError, Client, outcome_unknown, read_calls_csv

client = Client(secret_id="AKIDx", secret_key="k")
def show(item: CampaignItem) -> None:
    error: Optional[CccError] = item.error
    sent: Optional[datetime] = item.sent_at
    print(item.index, item.callee, item.status, item.session_id, item.request_id, item.outcome_unknown, error, sent)
    if error is not None and outcome_unknown(error) is not None:
        print("check", item.callee)
report: CampaignReport = client.create_ai_calls(read_calls_csv("people.csv"), defaults={"sdk_app_id": 1},
                                                concurrency=2, journal="j.jsonl", progress=show, skip_invalid=True,
                                                default_country_code="86")
counts: int = report.placed + report.failed + report.outcome_unknown + len(report)
again: List[CampaignItem] = report.to_reconcile + [i for i in report]
stopped: Optional[CccError] = report.stopped_by

async def main() -> CampaignReport:
    return await AsyncClient().create_ai_calls([{"callee": "0086"}], progress=True)
'''


def test_campaign_use_type_checks(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    (tmp_path / "usage.py").write_text(USAGE)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(tmp_path / "usage.py")],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
