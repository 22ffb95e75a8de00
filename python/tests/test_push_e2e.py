"""The emulator pushes a campaign's call records into ccc_aicall.push receivers on real HTTP servers on 127.0.0.1
(the ASGI app under uvicorn, the WSGI app under wsgiref): each call arrives exactly once through duplicates,
reordering and re-pushes, only with the right credentials, and decodes like the pulled record."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
import urllib.request
from typing import Any, Callable, Dict, Iterator, List

import pytest
from ccc_aicall import CallOutcome
from ccc_aicall.push import PushEvent, PushReceiver
from ccc_aicall.testing import Emulator
from test_push import serve_asgi, serve_wsgi

SDK_APP_ID = 1400000000
DEFAULTS = {
    "sdk_app_id": SDK_APP_ID,
    "llm_type": "openai",
    "api_key": "sk-test",
    "api_url": "https://api.openai.com/v1/",
    "model": "gpt-4o-mini",
    "system_prompt": "Remind the patient of the appointment.",
}
# (end status, how the outcome reads it)
CODES = [(1, "answered"), (202, "not_answered"), (206, "busy"), (1, "answered"), (203, "rejected")]
FAST = {"retry_delay_ms": 30, "timeout_ms": 2000}


class Delivered:
    """on_event that keeps what it is given, thread-safely."""

    def __init__(self) -> None:
        self.events: List[PushEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: PushEvent) -> None:
        with self._lock:
            self.events.append(event)

    def of(self, kind: str) -> List[PushEvent]:
        with self._lock:
            return [e for e in self.events if e.kind == kind]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(rate_limit=0) as emu:
        yield emu


@pytest.fixture(params=["asgi", "wsgi"])
def serve(request: Any) -> Iterator[Callable[[PushReceiver], str]]:
    started: List[Iterator[str]] = []

    def start(receiver: PushReceiver) -> str:
        it = {"asgi": serve_asgi, "wsgi": serve_wsgi}[request.param](receiver)
        started.append(it)
        return next(it) + "/ccc/push"

    yield start
    for it in started:
        for _ in it:
            pass


def place(emu: Emulator, n: int) -> Dict[str, str]:
    """A campaign of ``n`` scripted calls; their session ids and the status each should end with."""
    for i in range(n):
        code, _ = CODES[i % len(CODES)]
        emu.script(f"0086134{i:08d}", end_status=code, ring_ms=10 + (i * 7) % 40, talk_ms=20 + (i * 11) % 60)
    client = emu.client(rate_limit=0)
    report = client.create_ai_calls([{"callee": f"0086134{i:08d}"} for i in range(n)], defaults=DEFAULTS)
    assert [item.status for item in report.items] == ["placed"] * n
    return {item.session_id: CODES[i % len(CODES)][1] for i, item in enumerate(report.items)}


def settled(emu: Emulator, expected: int, duplicate: bool = False) -> List[Dict[str, Any]]:
    """Until ``expected`` pushes exist and each is acknowledged (and its duplicate sent) or out of attempts."""

    def done(push: Dict[str, Any]) -> bool:
        first = [a for a in push["attempts"] if not a["duplicate"]]
        copied = any(a["duplicate"] for a in push["attempts"])
        return (push["acknowledged"] and (copied or not duplicate)) or len(first) >= 4

    deadline = time.monotonic() + 30
    while True:
        pushes = emu.pushes
        if len(pushes) >= expected and all(done(p) for p in pushes):
            return pushes
        assert time.monotonic() < deadline, f"pushes did not settle: {pushes}"
        time.sleep(0.025)


def test_each_call_arrives_once_through_duplicates_and_reordering(
    emu: Emulator, serve: Callable[[PushReceiver], str]
) -> None:
    delivered = Delivered()
    url = serve(PushReceiver(on_event=delivered, auth=("basic", "ccc", "right-password")))
    emu.set_push(url, auth=("basic", "ccc", "right-password"), duplicate=True, reorder=True, **FAST)
    expected = place(emu, 12)
    answered = sum(1 for s in expected.values() if s == "answered")
    pushes = settled(emu, 12 + answered, duplicate=True)

    assert all(p["acknowledged"] for p in pushes)
    copies = [a for p in pushes for a in p["attempts"] if a["duplicate"]]
    assert len(copies) == len(pushes) and all(a["status"] == 200 and a["err_code"] == 0 for a in copies)
    deadline = time.monotonic() + 10  # on_event runs after the reply: give the last one time to land
    while len(delivered.events) < len(pushes) and time.monotonic() < deadline:
        time.sleep(0.02)
    records = delivered.of("cdr")
    assert sorted(e.session_id for e in records) == sorted(expected), "each call's record exactly once"
    assert len(delivered.events) == len(pushes), "no copy delivered"
    recordings = delivered.of("recording")
    assert len(recordings) == answered
    order = [(e.kind, e.session_id) for e in delivered.events]
    for recording in recordings:
        assert recording.recording_url and recording.recording_url.endswith(".mp3")
        assert order.index(("recording", recording.session_id)) < order.index(("cdr", recording.session_id))

    client = emu.client(rate_limit=0)
    for event in records:
        pushed = event.outcome
        assert isinstance(pushed, CallOutcome)
        assert pushed.status == expected[pushed.session_id]
        pulled = client.wait_for_call(
            pushed.session_id,
            sdk_app_id=SDK_APP_ID,
            transcript=False,
            extraction=False,
            poll_interval=0.02,
        )
        assert (pushed.status, pushed.answered, pushed.end_status_string, pushed.ended_at) == (
            pulled.status,
            pulled.answered,
            pulled.end_status_string,
            pulled.ended_at,
        )


def test_wrong_credentials_get_401_on_every_attempt(emu: Emulator, serve: Callable[[PushReceiver], str]) -> None:
    delivered = Delivered()
    url = serve(PushReceiver(on_event=delivered, auth=("basic", "ccc", "right-password")))
    emu.set_push(url, auth=("basic", "ccc", "wrong"), recording=False, **FAST)
    place(emu, 2)
    for push in settled(emu, 2):
        assert not push["acknowledged"]
        assert [a["status"] for a in push["attempts"]] == [401] * 4
    assert delivered.events == []
    assert "wrong" not in repr(emu.pushes)


def test_oauth2_pushes_carry_a_token_from_the_receiver(emu: Emulator, serve: Callable[[PushReceiver], str]) -> None:
    delivered = Delivered()
    url = serve(PushReceiver(on_event=delivered, auth=("oauth2", "ccc-pusher", "client-secret")))
    token_url = url.rsplit("/", 1)[0] + "/token"
    emu.set_push(url, auth=("oauth2", "ccc-pusher", "client-secret"), token_url=token_url, recording=False, **FAST)
    expected = place(emu, 3)
    assert all(p["acknowledged"] for p in settled(emu, 3))
    deadline = time.monotonic() + 10
    while len(delivered.events) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sorted(e.session_id for e in delivered.events) == sorted(expected)

    emu.reset()
    emu.set_push(url, auth=("oauth2", "ccc-pusher", "wrong"), token_url=token_url, recording=False, **FAST)
    place(emu, 1)
    (push,) = settled(emu, 1)
    assert all(a["status"] is None and a["error"].startswith("token:") for a in push["attempts"])
    assert len(delivered.events) == 3


def test_a_slow_async_on_event_does_not_cause_re_pushes(emu: Emulator) -> None:
    """The ASGI app answers before on_event: a handler slower than the sender's timeout still gets one push."""
    delivered = Delivered()

    async def slow(event: PushEvent) -> None:
        await asyncio.sleep(1.5)
        delivered(event)

    server = serve_asgi(PushReceiver(on_event=slow))
    try:
        emu.set_push(next(server) + "/ccc/push", recording=False, retry_delay_ms=30, timeout_ms=500)
        place(emu, 2)
        pushes = settled(emu, 2)
        assert [len(p["attempts"]) for p in pushes] == [1, 1]
        deadline = time.monotonic() + 10
        while len(delivered.events) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(delivered.events) == 2
    finally:
        server.close()


def test_a_receiver_that_is_down_gets_four_attempts(emu: Emulator) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    emu.set_push(f"http://127.0.0.1:{port}/ccc/push", recording=False, **FAST)
    place(emu, 1)
    (push,) = settled(emu, 1)
    assert len(push["attempts"]) == 4 and not push["acknowledged"]
    assert all(a["status"] is None and a["error"] for a in push["attempts"])


def test_bad_push_settings_name_the_field(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="url"):
        emu.set_push("ftp://127.0.0.1/x")
    with pytest.raises(ValueError, match="retrys"):
        emu.set_push("http://127.0.0.1:9/x", retrys=2)
    with pytest.raises(ValueError, match="token_url"):
        emu.set_push("http://127.0.0.1:9/x", auth=("oauth2", "id", "secret"))
    with pytest.raises(ValueError, match="auth must be"):
        emu.set_push("http://127.0.0.1:9/x", auth=("digest", "u", "p"))
    emu.set_push(None)
    assert emu.pushes == []


def test_receivers_in_two_processes_share_what_they_have_seen_through_redis(tmp_path: Any) -> None:
    """Two receivers (as two worker processes would be) behind real servers, one Redis: the emulator's re-push that
    reaches the other worker is acknowledged and dropped, and a token one issued is accepted by the other."""
    from _redis import RedisServer
    from test_push import push as send_push

    redis = RedisServer(tmp_path)
    redis.start()
    try:
        first, second = Delivered(), Delivered()
        auth = ("oauth2", "ccc-pusher", "client-secret")
        servers = [
            serve_asgi(PushReceiver(on_event=first, auth=auth, redis_url=redis.url)),
            serve_wsgi(PushReceiver(on_event=second, auth=auth, redis_url=redis.url)),
        ]
        a, b = (next(s) for s in servers)
        request = urllib.request.Request(
            a + "/ccc/token",
            data=b"grant_type=client_credentials",
            headers={"Authorization": "Basic " + base64.b64encode(b"ccc-pusher:client-secret").decode()},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            token = json.loads(answer.read())["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert send_push(a, "p-1", **bearer)[0] == 200
        status, _, body = send_push(b, "p-1", **bearer)  # the re-push reaches the other worker
        assert (status, json.loads(body)["ErrCode"]) == (200, 0)
        assert send_push(b, "p-2", **bearer)[0] == 200, "B accepts the token A issued"
        deadline = time.monotonic() + 10
        while len(first.events) + len(second.events) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # a wrongly delivered copy would have been handed over by now
        assert [e.push_id for e in first.events] == ["p-1"]
        assert [e.push_id for e in second.events] == ["p-2"], "p-1 was delivered once, by A"
        assert redis.keys("ccc-aicall:push:*"), "the ids are in Redis"
        assert not any("p-1" in k for k in redis.keys("*")), "stored hashed"
        for server in servers:
            server.close()
    finally:
        redis.stop()


def test_a_redis_that_hangs_does_not_hold_the_asgi_event_loop() -> None:
    """A Redis that accepts and never answers: the push waits out the store's timeout on a worker thread, falls back
    to the process's memory, and meanwhile the event loop answers other requests."""
    import socket
    import urllib.error

    blackhole = socket.socket()
    blackhole.bind(("127.0.0.1", 0))
    blackhole.listen(8)
    held: List[socket.socket] = []
    threading.Thread(target=lambda: held.extend(iter(lambda: blackhole.accept()[0], None)), daemon=True).start()
    delivered = Delivered()
    url = f"redis://127.0.0.1:{blackhole.getsockname()[1]}/0"
    server = serve_asgi(PushReceiver(on_event=delivered, redis_url=url))
    try:
        base = next(server)
        finished: Dict[str, float] = {}

        def push() -> None:
            request = urllib.request.Request(
                base + "/ccc/push?action=cdr&version=1",
                data=b'{"SessionId": "s-1", "EndStatusString": "ok"}',
                headers={"X-TCCC-PUSH-UUID": "p-1"},
            )
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert json.loads(answer.read())["ErrCode"] == 0
            finished["push"] = time.monotonic()

        pushing = threading.Thread(target=push)
        pushing.start()
        time.sleep(0.1)  # the push is waiting on Redis now
        try:
            urllib.request.urlopen(base + "/ccc/push", timeout=30)  # a GET: answered 405 by the loop
        except urllib.error.HTTPError as refused:
            assert refused.code == 405
        finished["other"] = time.monotonic()
        pushing.join(30)
        assert finished["other"] < finished["push"], "the loop answered while the push waited on Redis"
        deadline = time.monotonic() + 10
        while not delivered.events and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [e.push_id for e in delivered.events] == ["p-1"], "delivered from the process's own memory"
    finally:
        server.close()
        blackhole.close()
        for s in held:
            s.close()
