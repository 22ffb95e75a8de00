"""Concurrency under the rate limiter, the GIL released while waiting, Ctrl-C and task cancellation, fork."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import ccc_aicall
import pytest
from ccc_aicall import AiCallResult, OutcomeUnknownError
from ccc_aicall.testing import Emulator
from conftest import VALID_REQUEST


async def test_200_concurrent_async_calls_all_succeed(emu: Emulator) -> None:
    # Both sides at 200/s instead of the service's 20/s keeps the suite fast; the 20/s run is below.
    emu.rate_limit = 200
    client = emu.async_client(rate_limit=200)
    results = await asyncio.gather(*(client.create_ai_call(**VALID_REQUEST) for _ in range(200)))
    assert len({r.session_id for r in results}) == 200
    assert len(emu.calls) == 200 and emu.hits == 200  # not one RequestLimitExceeded, so no retry either


def test_8_threads_share_one_sync_client_at_the_service_limit(emu: Emulator) -> None:
    assert emu.rate_limit == 20
    client = emu.client()  # the default limit, the service's 20/s
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: client.create_ai_call(**VALID_REQUEST), range(40)))
    assert all(isinstance(r, AiCallResult) for r in results)
    assert len(emu.calls) == 40 and emu.hits == 40
    assert time.monotonic() - started >= 1.8  # 40 calls at 20/s: the client spaced them


def test_the_gil_is_released_while_a_call_waits(emu: Emulator) -> None:
    emu.inject(kind="delay", phase="after_read", ms=800)
    client = emu.client()
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    time.sleep(0.05)
    before = ticks
    started = time.monotonic()
    client.create_ai_call(**VALID_REQUEST)
    elapsed = time.monotonic() - started
    during = ticks - before
    stop.set()
    counter.join()
    assert elapsed >= 0.8
    assert during > 10_000, f"the other thread only counted {during} during the call"


def test_the_sync_client_works_inside_a_running_event_loop(emu: Emulator) -> None:
    client = emu.client()

    async def notebook_cell() -> AiCallResult:
        return client.create_ai_call(**VALID_REQUEST)  # as in Jupyter: a blocking call inside a running loop

    assert asyncio.run(notebook_cell()).session_id


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_a_sync_call_promptly(emu: Emulator) -> None:
    emu.inject(kind="delay", phase="after_read", ms=5000)
    client = emu.client()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt) as raised:
        client.create_ai_call(**VALID_REQUEST)
    assert time.monotonic() - started < 1.5
    # The request was on the wire: the interrupt says the call may have been placed.
    assert isinstance(raised.value.__cause__, OutcomeUnknownError)
    assert raised.value.__cause__.outcome_unknown is True


async def test_cancelling_the_task_stops_an_async_call_promptly(emu: Emulator) -> None:
    emu.inject(kind="delay", phase="after_read", ms=5000)
    client = emu.async_client()
    task = asyncio.ensure_future(client.create_ai_call(**VALID_REQUEST))
    await asyncio.sleep(0.3)
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 0.5
    # The client stays usable.
    assert (await client.create_ai_call(**VALID_REQUEST)).session_id


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout")
async def test_a_call_cancelled_after_its_request_left_says_it_may_have_been_placed(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    emu.inject(kind="delay", phase="after_read", ms=3000)  # the call is placed; its answer is late
    client = emu.async_client()
    with caplog.at_level(logging.WARNING, logger="ccc_aicall"), pytest.raises(TimeoutError) as timed_out:
        async with asyncio.timeout(0.5):
            await client.create_ai_call(**VALID_REQUEST)
    # Still asyncio's own cancellation (asyncio.timeout turned it into TimeoutError), caused by the core's verdict.
    cancelled = timed_out.value.__cause__
    assert isinstance(cancelled, asyncio.CancelledError)
    unknown = cancelled.__cause__
    assert isinstance(unknown, OutcomeUnknownError) and unknown.outcome_unknown and unknown.kind == "outcome_unknown"
    assert ccc_aicall.outcome_unknown(timed_out.value) is unknown
    assert len(emu.calls) == 1  # it was placed indeed
    warnings = [r.getMessage() for r in caplog.records if r.name == "ccc_aicall" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "may have been placed" in warnings[0], warnings


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout")
async def test_a_call_cancelled_before_its_request_left_is_a_plain_cancellation(emu: Emulator) -> None:
    client = emu.async_client(rate_limit=1)
    await client.create_ai_call(**VALID_REQUEST)  # takes this second's turn: the next call waits for its own
    with pytest.raises(TimeoutError) as timed_out:
        async with asyncio.timeout(0.3):
            await client.create_ai_call(**VALID_REQUEST)
    assert isinstance(timed_out.value.__cause__, asyncio.CancelledError)
    assert timed_out.value.__cause__.__cause__ is None
    assert ccc_aicall.outcome_unknown(timed_out.value) is None
    await asyncio.sleep(1.2)
    assert len(emu.calls) == 1  # and it never left


def test_outcome_unknown_walks_causes_and_contexts() -> None:
    unknown = OutcomeUnknownError("sent", kind="outcome_unknown", outcome_unknown=True)
    try:
        try:
            raise KeyboardInterrupt from unknown
        except KeyboardInterrupt:
            raise RuntimeError("while handling it")  # noqa: B904 - the context is what is tested
    except RuntimeError as e:
        assert ccc_aicall.outcome_unknown(e) is unknown
    refused = ccc_aicall.CallRejectedError("no", code="FailedOperation.CalleeIsBlackUser")
    assert ccc_aicall.outcome_unknown(refused) is None
    assert ccc_aicall.outcome_unknown(ValueError("x")) is None
    looped = ValueError("a")
    looped.__context__ = ValueError("b")
    looped.__context__.__context__ = looped
    assert ccc_aicall.outcome_unknown(looped) is None


async def test_wait_for_timeout_cancels_the_call(emu: Emulator) -> None:
    emu.inject(kind="delay", phase="after_read", ms=5000)
    client = emu.async_client()
    started = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(client.create_ai_call(**VALID_REQUEST), 0.3)
    assert time.monotonic() - started < 1.0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_clients_keep_working_in_a_forked_child(emu: Emulator) -> None:
    client = emu.client()
    aclient = emu.async_client()
    client.create_ai_call(**VALID_REQUEST)  # the runtime and a pooled connection exist before the fork
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status only
        try:
            client.create_ai_call(**VALID_REQUEST)
            asyncio.run(aclient.create_ai_call(**VALID_REQUEST))
            ccc_aicall.Client(endpoint=emu.endpoint, secret_id=emu.secret_id, secret_key=emu.secret_key).create_ai_call(
                **VALID_REQUEST
            )
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert len(emu.calls) == 4
    client.create_ai_call(**VALID_REQUEST)  # and in the parent too


def test_a_logging_handler_that_calls_the_client_gets_an_error_not_a_hang(emu: Emulator) -> None:
    # Blocking calls run on the calling thread's own runtime, which cannot be entered again from inside a call.
    client = emu.client()
    seen: list[BaseException] = []

    class Reentrant(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if not seen:
                try:
                    client.create_ai_call(**VALID_REQUEST)
                except BaseException as e:
                    seen.append(e)

    logger = logging.getLogger("ccc_aicall")
    handler, level = Reentrant(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        assert client.create_ai_call(**VALID_REQUEST).session_id  # the outer call is unharmed
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert len(seen) == 1 and isinstance(seen[0], RuntimeError), seen
    assert "inside another" in str(seen[0])
    assert emu.hits == 1
    assert client.create_ai_call(**VALID_REQUEST).session_id  # and the thread's runtime still works after it
