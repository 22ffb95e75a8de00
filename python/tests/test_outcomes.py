"""After the call is placed (issue 15): waiting for its outcome, its live state, live control, finding its records and
reconciling an outcome-unknown call, against the real emulator on 127.0.0.1 playing each call by a script."""

from __future__ import annotations

import asyncio
import pickle
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Dict

import pytest
from ccc_aicall import (
    CALL_STATUSES,
    AiCallResult,
    CallNotLiveError,
    CallOutcome,
    CallRejectedError,
    CallState,
    CampaignItem,
    CampaignReport,
    OutcomeUnknownError,
    Reconciled,
    Turn,
    ValidationError,
    WaitTimeoutError,
)
from ccc_aicall.testing import Emulator
from conftest import VALID_REQUEST

FAST = {"poll_interval": 0.05}
# A short call with a transcript and every kind of extracted value.
TALK: Dict[str, Any] = {
    "ring_ms": 50,
    "talk_ms": 150,
    "transcript": [{"role": "ai", "text": "Hello, this is the clinic."}, {"role": "user", "text": "Tuesday works."}],
    "extracted": [
        {"name": "when", "type": "Text", "value": "Tuesday"},
        {"name": "why", "type": "Selector", "value": ["checkup"]},
        {"name": "confirmed", "type": "Boolean", "value": True},
        {"name": "people", "type": "Number", "value": 2},
    ],
}


# A request that asks for an extracted field: its wait waits for the extraction (one that asks for none is asked once).
EXTRACTING: Dict[str, Any] = {
    **VALID_REQUEST,
    "extract_config": [{"info_type": "Text", "info_name": "when", "info_content": "The day the patient chose."}],
}


def place(emu: Emulator, **request: Any) -> AiCallResult:
    return emu.client().create_ai_call(**{**VALID_REQUEST, **request})


# --- wait_for_call ------------------------------------------------------------------------------------------------


def test_an_answered_call_ends_with_its_outcome_transcript_and_extraction(emu: Emulator) -> None:
    emu.script("*", **TALK)
    client = emu.client()
    call = client.create_ai_call(**VALID_REQUEST)
    outcome = client.wait_for_call(call, timeout=30, **FAST)
    assert isinstance(outcome, CallOutcome)
    assert (outcome.session_id, outcome.sdk_app_id) == (call.session_id, call.sdk_app_id)
    assert (outcome.status, outcome.end_status, outcome.end_status_string, outcome.answered) == (
        "answered",
        1,
        "ok",
        True,
    )
    assert isinstance(outcome.talk_duration, timedelta) and isinstance(outcome.ring_duration, timedelta)
    assert outcome.started_at is not None and outcome.started_at.tzinfo is not None
    assert outcome.ended_at is not None and outcome.ended_at >= outcome.started_at
    assert outcome.transcript is not None and [t.role for t in outcome.transcript] == ["ai", "user"]
    assert all(isinstance(t, Turn) for t in outcome.transcript)
    assert outcome.transcript[1].text == "Tuesday works."
    assert outcome.transcript_text == "ai: Hello, this is the clinic.\nuser: Tuesday works."
    assert outcome.extracted == {"when": "Tuesday", "why": ["checkup"], "confirmed": True, "people": 2.0}
    assert outcome.missing == ()
    assert set(outcome.raw) == {"record", "transcript", "extraction"}
    assert outcome.raw["record"]["SessionId"] == call.session_id
    # Immutable, equal by value, picklable; the repr is short and shows nothing said.
    with pytest.raises(AttributeError):
        outcome.status = "busy"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(outcome)) == outcome
    assert "Tuesday" not in repr(outcome) and repr(outcome).startswith("CallOutcome(session_id=")
    html = outcome._repr_html_()
    assert "answered" in html and "Tuesday works." in html and "confirmed" in html


def test_a_session_id_needs_its_app(emu: Emulator) -> None:
    emu.script("*", **TALK)
    client = emu.client()
    call = client.create_ai_call(**VALID_REQUEST)
    with pytest.raises(ValidationError) as info:
        client.wait_for_call(call.session_id)
    assert [p.field for p in info.value.errors] == ["sdk_app_id"]
    outcome = client.wait_for_call(call.session_id, sdk_app_id=call.sdk_app_id, timeout=30, **FAST)
    assert outcome.session_id == call.session_id and outcome.status == "answered"
    with pytest.raises(TypeError, match="call must be"):
        client.wait_for_call(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "end_status, status",
    [
        (202, "not_answered"),
        (206, "busy"),
        (203, "rejected"),
        (204, "unreachable"),
        (205, "invalid_number"),
        (222, "voicemail"),
        (100, "blocked"),
        (225, "failed"),
    ],
)
def test_end_statuses_decode_through_a_real_wait(emu: Emulator, end_status: int, status: str) -> None:
    emu.script("*", **{**TALK, "end_status": end_status})
    client = emu.client()
    outcome = client.wait_for_call(client.create_ai_call(**VALID_REQUEST), timeout=30, **FAST)
    assert status in CALL_STATUSES
    assert (outcome.status, outcome.end_status) == (status, end_status)
    if end_status == 225:  # speech recognition failed after the answer: a failed call that was answered
        assert outcome.answered and outcome.transcript is not None
    else:
        assert not outcome.answered and outcome.talk_duration == timedelta(0)
        assert outcome.transcript is None and outcome.extracted is None and outcome.missing == ()
        assert emu.hits_for("DescribeTelRecordAsr") == 0  # nothing said, nothing asked for
    assert status.replace("_", " ") in outcome._repr_html_()


def test_a_late_transcript_and_extraction_are_waited_for(emu: Emulator) -> None:
    emu.script("*", **TALK, asr_delay_ms=400, extract_delay_ms=400)
    client = emu.client()
    call = client.create_ai_call(**EXTRACTING)
    assert call.extraction_configured
    outcome = client.wait_for_call(call, timeout=30, **FAST)
    assert outcome.transcript is not None and outcome.extracted is not None and outcome.missing == ()
    assert emu.hits_for("DescribeTelRecordAsr") > 1 and emu.hits_for("DescribeAICallExtractResult") > 1


def test_what_is_not_ready_in_time_is_missing_not_an_error(emu: Emulator) -> None:
    emu.script("*", **TALK, asr_delay_ms=60_000, extract_delay_ms=60_000)
    client = emu.client()
    outcome = client.wait_for_call(client.create_ai_call(**EXTRACTING), timeout=1.5, **FAST)
    assert outcome.status == "answered"
    assert outcome.transcript is None and outcome.extracted is None
    assert outcome.missing == ("transcript", "extraction")
    assert "not ready in time" in outcome._repr_html_()


def test_a_call_without_extract_config_is_asked_once_for_its_extraction(emu: Emulator) -> None:
    emu.script("*", **TALK, extract_delay_ms=60_000)
    client = emu.client()
    call = client.create_ai_call(**VALID_REQUEST)
    assert not call.extraction_configured
    outcome = client.wait_for_call(call, timeout=30, **FAST)
    assert outcome.extracted == {} and outcome.missing == ()
    assert emu.hits_for("DescribeAICallExtractResult") == 1


def test_a_wait_can_skip_transcript_and_extraction(emu: Emulator) -> None:
    emu.script("*", **TALK)
    client = emu.client()
    call = client.create_ai_call(**VALID_REQUEST)
    outcome = client.wait_for_call(call, timeout=timedelta(seconds=30), transcript=False, extraction=False, **FAST)
    assert outcome.transcript is None and outcome.extracted is None and outcome.missing == ()
    assert emu.hits_for("DescribeTelRecordAsr") == emu.hits_for("DescribeAICallExtractResult") == 0


def test_a_call_still_running_when_the_time_is_up_is_a_wait_timeout(emu: Emulator) -> None:
    emu.script("*", ring_ms=50, talk_ms=60_000)
    client = emu.client()
    call = client.create_ai_call(**VALID_REQUEST)
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError) as info:
        client.wait_for_call(call, timeout=0.5, **FAST)
    assert time.monotonic() - started < 5
    assert isinstance(info.value, TimeoutError) and info.value.kind == "wait_timed_out"
    assert info.value.session_id == call.session_id and info.value.last_status in ("ringing", "in_progress")
    assert not info.value.outcome_unknown
    again = pickle.loads(pickle.dumps(info.value))
    assert (type(again), again.session_id, again.last_status) == (WaitTimeoutError, call.session_id, "in_progress")
    client.hang_up(call)


def test_negative_times_are_refused_by_name(emu: Emulator) -> None:
    client = emu.client()
    with pytest.raises(ValidationError, match="timeout"):
        client.wait_for_call("s", sdk_app_id=1, timeout=-1)
    with pytest.raises(ValidationError, match="poll_interval"):
        client.wait_for_call("s", sdk_app_id=1, poll_interval=float("nan"))


async def test_async_wait_gives_the_same_outcome(emu: Emulator) -> None:
    emu.script("*", **TALK)
    client = emu.async_client()
    call = await client.create_ai_call(**VALID_REQUEST)
    outcome = await client.wait_for_call(call, timeout=30, **FAST)
    assert outcome.status == "answered" and outcome.extracted is not None and outcome.extracted["confirmed"] is True


async def test_cancelling_an_async_wait_stops_its_polling(emu: Emulator) -> None:
    emu.script("*", ring_ms=50, talk_ms=60_000)
    client = emu.async_client()
    call = await client.create_ai_call(**VALID_REQUEST)
    task = asyncio.ensure_future(client.wait_for_call(call, timeout=60, **FAST))
    await asyncio.sleep(0.4)
    task.cancel()
    with pytest.raises(asyncio.CancelledError) as info:
        await task
    # A wait only reads: the cancellation is not caused by anything that may have placed a call.
    assert info.value.__cause__ is None
    polls = emu.hits_for("DescribeTelSession")
    await asyncio.sleep(0.5)
    assert emu.hits_for("DescribeTelSession") == polls  # the core's wait has stopped
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(client.wait_for_call(call, timeout=60, **FAST), 0.3)
    await client.hang_up(call)


# --- live state and control ---------------------------------------------------------------------------------------


def wait_for_state(client: Any, call: AiCallResult, status: str) -> CallState:
    deadline = time.monotonic() + 10
    while True:
        state = client.get_call(call)
        if state.status == status or time.monotonic() > deadline:
            return state
        time.sleep(0.05)


def test_get_call_follows_ringing_in_progress_finished(emu: Emulator) -> None:
    emu.script("*", ring_ms=300, talk_ms=300, extracted=[{"name": "x", "type": "Text", "value": "y"}])
    client = emu.client()
    call = client.create_ai_call(**VALID_REQUEST)
    first = client.get_call(call)
    assert isinstance(first, CallState) and first.status == "ringing" and not first.finished
    assert first.session_id == call.session_id and first.raw["SessionStatus"] == "ringing"
    assert wait_for_state(client, call, "in_progress").answered_at is not None
    last = wait_for_state(client, call, "finished")
    assert last.finished and last.started_at is not None and last.started_at.tzinfo is not None
    by_id = client.get_call(call.session_id, sdk_app_id=call.sdk_app_id)
    assert by_id.status == "finished"


def test_hanging_up_mid_call_ends_it(emu: Emulator) -> None:
    emu.script("*", ring_ms=50, talk_ms=60_000, extracted=[{"name": "x", "type": "Text", "value": "y"}])
    client = emu.client()
    call = client.create_ai_call(**VALID_REQUEST)
    assert wait_for_state(client, call, "in_progress").status == "in_progress"
    assert client.hang_up(call) is None
    outcome = client.wait_for_call(call, timeout=30, **FAST)
    assert outcome.answered and outcome.status == "answered" and outcome.end_status == 231  # callTerminatedByAPI
    assert outcome.hangup_side == "system"
    with pytest.raises(CallNotLiveError) as info:
        client.hang_up(call)
    assert isinstance(info.value, CallRejectedError) and info.value.kind == "call_not_live"
    assert info.value.code == "FailedOperation.SessionNotExists"


def test_hanging_up_while_it_rings_leaves_it_unanswered(emu: Emulator) -> None:
    emu.script("*", ring_ms=60_000)
    client = emu.client()
    call = client.create_ai_call(**VALID_REQUEST)
    client.hang_up(call)
    outcome = client.wait_for_call(call, timeout=30, **FAST)
    assert (outcome.status, outcome.answered) == ("not_answered", False)


def test_say_and_transfer_act_on_a_live_call_and_refuse_a_finished_one(emu: Emulator) -> None:
    emu.script("*", ring_ms=50, talk_ms=60_000)
    client = emu.client()
    call = client.create_ai_call(**VALID_REQUEST)
    with pytest.raises(CallNotLiveError):  # still ringing: not controllable yet
        client.say(call, "Hello?")
    wait_for_state(client, call, "in_progress")
    assert client.say(call, "One moment, please.", interrupt=False, add_history=True) is None
    assert client.transfer(call, 12345) is None
    assert client.get_call(call).status in ("seat_joining", "in_progress")
    with pytest.raises(ValidationError, match="text"):
        client.say(call, "")
    client.hang_up(call)
    wait_for_state(client, call, "finished")
    for act in (lambda: client.say(call, "Still there?"), lambda: client.transfer(call, 12345)):
        with pytest.raises(CallNotLiveError):
            act()


async def test_async_live_control(emu: Emulator) -> None:
    emu.script("*", ring_ms=50, talk_ms=60_000)
    client = emu.async_client()
    call = await client.create_ai_call(**VALID_REQUEST)
    while (await client.get_call(call)).status != "in_progress":
        await asyncio.sleep(0.05)
    await client.say(call, "Hello from asyncio.")
    await client.hang_up(call)
    with pytest.raises(CallNotLiveError):
        await client.transfer(call, 1)


# --- find_calls and reconcile -------------------------------------------------------------------------------------


def test_find_calls_lists_a_numbers_records(emu: Emulator) -> None:
    emu.script("*", ring_ms=50, talk_ms=100)
    client = emu.client()
    call = client.create_ai_call(**VALID_REQUEST)
    client.wait_for_call(call, timeout=30, transcript=False, extraction=False, **FAST)
    since = call.placed_at - timedelta(minutes=1)
    found = client.find_calls("+86 130 1234 5678", sdk_app_id=call.sdk_app_id, since=since)
    assert [c.session_id for c in found] == [call.session_id]
    assert found[0].status == "answered" and found[0].transcript is None
    assert client.find_calls(call.callee, sdk_app_id=call.sdk_app_id, since=since.timestamp(), until=time.time())
    assert not client.find_calls("008613000000000", sdk_app_id=call.sdk_app_id, since=since)
    with pytest.raises(ValidationError, match="since"):
        client.find_calls(call.callee, sdk_app_id=call.sdk_app_id, since=datetime.now())  # naive: which zone?
    with pytest.raises(TypeError, match="since"):
        client.find_calls(call.callee, sdk_app_id=call.sdk_app_id, since="yesterday")  # type: ignore[arg-type]


def timed_out_call(emu: Emulator, phase: str, **request: Any) -> OutcomeUnknownError:
    """A create_ai_call whose answer never comes back: the emulator stalls before reading the request (and drops it
    when the client gives up: not placed) or after placing the call (placed)."""
    emu.inject(kind="delay", phase=phase, ms=3000)
    with pytest.raises(OutcomeUnknownError) as info:
        emu.client(timeout=0.5, max_retries=0).create_ai_call(**{**VALID_REQUEST, **request})
    return info.value


def test_reconcile_finds_a_call_the_service_placed(emu: Emulator) -> None:
    emu.script("*", ring_ms=50, talk_ms=100)
    before = datetime.now(timezone.utc)
    error = timed_out_call(emu, "after_read")
    assert (error.sdk_app_id, error.callee) == (VALID_REQUEST["sdk_app_id"], "008613012345678")
    assert error.sent_at is not None and before <= error.sent_at <= datetime.now(timezone.utc)
    [placed] = emu.calls
    client = emu.client()
    deadline = time.monotonic() + 10
    verdict = client.reconcile(error)
    while not verdict.placed and time.monotonic() < deadline:  # its record appears once the call has ended
        time.sleep(0.1)
        verdict = client.reconcile(error)
    assert isinstance(verdict, Reconciled) and verdict.verdict == "placed" and not verdict.not_placed
    assert verdict.calls[0].session_id == placed["session_id"] and verdict.retry_after is None
    # The error survives a pickle with its call, and still reconciles.
    assert client.reconcile(pickle.loads(pickle.dumps(error))).placed


def test_reconcile_says_not_placed_only_once_no_record_can_appear(emu: Emulator) -> None:
    error = timed_out_call(emu, "before_read", max_call_duration_ms=1000)
    assert emu.calls == []  # the emulator dropped it unread
    client = emu.client()
    early = client.reconcile(error)
    assert early.verdict == "cannot_tell_yet" and not early.placed and not early.not_placed
    assert early.retry_after is not None and early.retry_after > timedelta(minutes=10)
    # Not placed is concluded once the longest the call could ring (0 here) and last (its max_call_duration_ms) plus
    # the record delay (0 here) have passed since the request left.
    quick = {"max_ring": 0, "record_delay": timedelta(0), "clock_skew": 0}
    soon = client.reconcile(error, **quick)
    assert soon.verdict == "cannot_tell_yet" and soon.retry_after is not None
    assert soon.retry_after <= timedelta(seconds=1)
    time.sleep(soon.retry_after.total_seconds() + 0.1)
    late = client.reconcile(error, **quick)
    assert late.verdict == "not_placed" and late.not_placed and late.calls == []


def test_reconcile_needs_an_error_that_carries_a_call(emu: Emulator) -> None:
    client = emu.client()
    with pytest.raises(ValidationError) as info:
        client.reconcile(ValueError("not a call"))
    assert [p.field for p in info.value.errors] == ["error"]
    emu.inject(kind="error", code="FailedOperation.CalleeIsBlackUser")
    with pytest.raises(CallRejectedError) as refused:
        client.create_ai_call(**VALID_REQUEST)
    assert refused.value.callee is None  # a definitive refusal: nothing to reconcile
    with pytest.raises(ValidationError):
        client.reconcile(refused.value)


async def test_async_reconcile(emu: Emulator) -> None:
    emu.script("*", ring_ms=50, talk_ms=100)
    error = timed_out_call(emu, "after_read")
    client = emu.async_client()
    for _ in range(100):
        verdict = await client.reconcile(error)
        if verdict.placed:
            break
        await asyncio.sleep(0.1)
    assert verdict.placed and verdict.calls[0].session_id == emu.calls[0]["session_id"]


# --- notebooks and pandas -----------------------------------------------------------------------------------------


def test_a_campaign_report_shows_as_html_and_as_a_dataframe(emu: Emulator) -> None:
    emu.inject(kind="error", code="FailedOperation.CalleeIsBlackUser")
    calls = [{"callee": f"+86 130 0000 {i:04d}"} for i in range(3)]
    defaults = {k: v for k, v in VALID_REQUEST.items() if k != "callee"}
    report = emu.client().create_ai_calls(calls, defaults=defaults, concurrency=1)
    html = report._repr_html_()
    assert "Campaign" in html and "placed" in html and "FailedOperation.CalleeIsBlackUser" in html
    assert "<script" not in html
    pandas = pytest.importorskip("pandas")
    frame = report.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 3
    assert list(frame["status"]) == ["failed", "placed", "placed"]
    assert frame.loc[0, "error_code"] == "FailedOperation.CalleeIsBlackUser"
    assert {"index", "callee", "session_id", "sent_at", "error"} <= set(frame.columns)


def test_to_pandas_says_how_to_get_pandas_when_it_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    report = CampaignReport([CampaignItem(index=0, callee="0086", status="invalid")], {"invalid": 1}, [])
    with pytest.raises(ImportError, match=r"ccc-aicall\[pandas\]"):
        report.to_pandas()


def test_html_escapes_what_the_call_said(emu: Emulator) -> None:
    emu.script("*", **{**TALK, "transcript": [{"role": "user", "text": "<b>bold</b> & <script>x</script>"}]})
    client = emu.client()
    outcome = client.wait_for_call(client.create_ai_call(**VALID_REQUEST), timeout=30, **FAST)
    html = outcome._repr_html_()
    assert "&lt;script&gt;" in html and "<script>" not in html and "&amp;" in html


# --- campaigns that wait ------------------------------------------------------------------------------------------

DEFAULTS = {k: v for k, v in VALID_REQUEST.items() if k != "callee"}


def test_a_campaign_with_wait_gives_every_placed_item_its_outcome(emu: Emulator) -> None:
    emu.script("*", **TALK)
    emu.script("+86 130 0000 0001", end_status=206, ring_ms=50)
    calls = [{"callee": f"+86 130 0000 {i:04d}"} for i in range(4)]
    report = emu.client().create_ai_calls(calls, defaults=DEFAULTS, wait=True, wait_timeout=30)
    assert report.waited and report.placed == 4 and report.wait_error is None
    statuses = [item.outcome.status if item.outcome else None for item in report]
    assert statuses == ["answered", "busy", "answered", "answered"]
    assert report.outcome_counts == {"answered": 3, "busy": 1}
    answered = report[0].outcome
    assert answered is not None and answered.session_id == report[0].session_id
    assert answered.transcript is not None and answered.extracted is not None
    assert answered.extracted["when"] == "Tuesday"
    # Outcomes come from batched record queries: fewer requests than calls, each counted per action.
    assert report.requests["CreateAICall"] == 4 and 1 <= report.requests["DescribeTelCdr"] < 4
    assert report.requests["DescribeTelCdr"] == emu.hits_for("DescribeTelCdr")
    assert "outcomes={answered=3, busy=1}" in repr(report)
    html = report._repr_html_()
    assert "Outcomes" in html and "busy" in html and "when=Tuesday" in html
    pandas = pytest.importorskip("pandas")
    frame = report.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 4
    assert list(frame["outcome_status"]) == statuses
    assert frame.loc[0, "extracted_when"] == "Tuesday" and frame.loc[0, "transcript"].startswith("ai: Hello")
    assert frame.loc[1, "outcome_answered"] == False  # noqa: E712 (a numpy bool)


def test_a_campaign_without_wait_has_no_outcomes(emu: Emulator) -> None:
    report = emu.client().create_ai_calls([{"callee": "+86 130 0000 0001"}], defaults=DEFAULTS)
    assert not report.waited and report[0].outcome is None and report.outcome_counts == {}
    assert report.requests == {"CreateAICall": 1}
    assert "outcomes=" not in repr(report)


async def test_an_async_campaign_with_wait(emu: Emulator) -> None:
    emu.script("*", **TALK)
    calls = [{"callee": f"+86 130 0000 {i:04d}"} for i in range(3)]
    report = await emu.async_client().create_ai_calls(
        calls, defaults=DEFAULTS, wait=True, wait_timeout=timedelta(seconds=30), extraction=False
    )
    assert [item.outcome.status for item in report if item.outcome] == ["answered"] * 3
    assert all(item.outcome.extracted is None for item in report if item.outcome)
    assert "DescribeAICallExtractResult" not in report.requests


def test_a_resumed_campaign_reconciles_its_unknowns(emu: Emulator, tmp_path: Any) -> None:
    """The first run's call is sent and its answer lost (the emulator drops it unread); run again with reconcile, it is
    proven not placed (its max_call_duration_ms and short windows have passed) and dialled once."""
    journal = tmp_path / "journal.jsonl"
    calls = [{"callee": "+86 130 0000 0001", "max_call_duration_ms": 1000}]
    emu.inject(kind="delay", phase="before_read", ms=3000)
    first = emu.client(timeout=0.5, max_retries=0).create_ai_calls(calls, defaults=DEFAULTS, journal=journal)
    assert first.outcome_unknown == 1 and emu.calls == []
    again = emu.client().create_ai_calls(calls, defaults=DEFAULTS, journal=journal, reconcile=True)
    assert again.counts["unreconciled"] == 1 and emu.calls == []  # too early to tell: nobody is dialled
    assert again.requests.get("DescribeTelCdr", 0) >= 1
