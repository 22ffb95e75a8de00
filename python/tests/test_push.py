"""ccc_aicall.push against real HTTP servers on 127.0.0.1: its WSGI app under wsgiref, its ASGI app under uvicorn.
The service's side is played by urllib: a push is a JSON POST with ``?action=...`` and ``X-TCCC-PUSH-UUID``."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import uvicorn
from ccc_aicall import CallOutcome
from ccc_aicall.push import PushEvent, PushReceiver

CDR = {
    "SdkAppId": 1400000000,
    "SessionId": "s-1",
    "Callee": "008613012345678",
    "EndStatusString": "notAnswer",
    "RingTimestamp": 1608130639,
    "AcceptTimestamp": 0,
    "EndedTimestamp": 1608130651,
    "Duration": 0,
    "HungUpSide": "user",
}


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_wsgi(receiver: PushReceiver) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, receiver.wsgi, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def serve_asgi(receiver: PushReceiver) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(receiver.asgi, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


SERVERS = {"wsgi": serve_wsgi, "asgi": serve_asgi}


class Events:
    """on_event that records what it is given, thread-safely."""

    def __init__(self) -> None:
        self.got: queue.Queue[PushEvent] = queue.Queue()

    def __call__(self, event: PushEvent) -> None:
        self.got.put(event)

    def next(self) -> PushEvent:
        return self.got.get(timeout=30)

    def none_left(self) -> bool:
        time.sleep(0.2)  # any delivery would have started well before this; absence cannot be observed otherwise
        return self.got.empty()


@pytest.fixture(params=sorted(SERVERS))
def serve(request: Any) -> Iterator[Callable[[PushReceiver], str]]:
    started: List[Iterator[str]] = []

    def start(receiver: PushReceiver) -> str:
        it = SERVERS[request.param](receiver)
        started.append(it)
        return next(it)

    yield start
    for it in started:
        for _ in it:
            pass


def post(
    url: str, body: bytes, headers: Optional[Dict[str, str]] = None, path: str = "/ccc/push?action=cdr&version=1"
) -> Tuple[int, Message, bytes]:
    request = urllib.request.Request(url + path, data=body, method="POST", headers=headers or {})
    request.add_header("Content-Type", "application/json;charset=utf8")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


def push(url: str, push_id: str = "p-1", body: Any = None, **headers: str) -> Tuple[int, Message, bytes]:
    data = json.dumps(CDR if body is None else body).encode()
    return post(url, data, {"X-TCCC-PUSH-UUID": push_id, **headers})


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_a_cdr_push_is_acknowledged_and_delivered_decoded(serve: Callable[[PushReceiver], str]) -> None:
    events = Events()
    url = serve(PushReceiver(on_event=events))
    status, _, body = push(url)
    assert (status, json.loads(body)) == (200, {"ErrCode": 0, "ErrMsg": ""})
    event = events.next()
    assert (event.kind, event.action, event.push_id, event.session_id) == ("cdr", "cdr", "p-1", "s-1")
    assert isinstance(event.outcome, CallOutcome)
    assert (event.outcome.status, event.outcome.answered, event.outcome.callee) == (
        "not_answered",
        False,
        "008613012345678",
    )
    assert event.body == CDR
    with pytest.raises(AttributeError):
        event.kind = "x"  # type: ignore[misc]


def test_a_recording_push_carries_its_url(serve: Callable[[PushReceiver], str]) -> None:
    events = Events()
    url = serve(PushReceiver(on_event=events))
    body = json.dumps({"SessionId": "s-2", "RecordURL": "https://r.example/a.mp3"}).encode()
    assert post(url, body, {"X-TCCC-PUSH-UUID": "r-1"}, path="/push?action=record")[0] == 200
    event = events.next()
    assert (event.kind, event.recording_url, event.outcome) == ("recording", "https://r.example/a.mp3", None)


def test_a_repush_is_acknowledged_and_delivered_once(serve: Callable[[PushReceiver], str]) -> None:
    events = Events()
    url = serve(PushReceiver(on_event=events))
    assert [push(url, "same")[0] for _ in range(3)] == [200, 200, 200]
    assert events.next().push_id == "same"
    assert push(url, "other")[0] == 200
    assert events.next().push_id == "other"
    assert events.none_left()


def test_basic_auth(serve: Callable[[PushReceiver], str]) -> None:
    events = Events()
    url = serve(PushReceiver(on_event=events, auth=("basic", "ccc", "s3cret")))
    for headers in ({}, {"Authorization": basic("ccc", "wrong")}, {"Authorization": basic("other", "s3cret")}):
        status, answer_headers, _ = push(url, "p-1", **headers)
        assert status == 401
        assert answer_headers["WWW-Authenticate"].startswith("Basic ")
    assert events.none_left()
    assert push(url, "p-1", Authorization=basic("ccc", "s3cret"))[0] == 200
    assert events.next().push_id == "p-1"


def get_token(url: str, form: Dict[str, str], headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any]:
    request = urllib.request.Request(
        url + "/ccc/token", data=urllib.parse.urlencode(form).encode(), method="POST", headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


FORM = {"grant_type": "client_credentials", "client_id": "client", "client_secret": "csecret"}


def test_oauth2_token_then_push(serve: Callable[[PushReceiver], str]) -> None:
    events = Events()
    url = serve(PushReceiver(on_event=events, auth=("oauth2", "client", "csecret")))
    wrong = get_token(url, {"grant_type": "client_credentials", "client_id": "client", "client_secret": "nope"})
    assert wrong == (401, {"error": "invalid_client"})
    status, answer = get_token(url, {"grant_type": "client_credentials"}, {"Authorization": basic("client", "csecret")})
    assert status == 200 and answer["token_type"] == "Bearer" and answer["expires_in"] == 3600
    status, by_form = get_token(url, FORM)
    assert status == 200
    for forged in ("Bearer " + "0" * 64, basic("client", "csecret"), "Bearer"):
        status, headers, _ = push(url, "p-1", Authorization=forged)
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer ")
    assert events.none_left()
    assert push(url, "p-1", Authorization="Bearer " + answer["access_token"])[0] == 200
    assert push(url, "p-2", Authorization="Bearer " + by_form["access_token"])[0] == 200
    assert [events.next().push_id, events.next().push_id] == ["p-1", "p-2"]


def test_an_expired_token_is_refused(serve: Callable[[PushReceiver], str]) -> None:
    events = Events()
    url = serve(PushReceiver(on_event=events, auth=("oauth2", "client", "csecret", 0)))
    status, answer = get_token(url, FORM)
    assert (status, answer["expires_in"]) == (200, 0)
    assert push(url, "p-1", Authorization="Bearer " + answer["access_token"])[0] == 401
    assert events.none_left()


def test_malformed_and_oversized_bodies_are_refused(serve: Callable[[PushReceiver], str]) -> None:
    events = Events()
    url = serve(PushReceiver(on_event=events, max_body_bytes=1000))
    assert post(url, b"{not json")[0] == 400
    assert post(url, b"[1, 2]")[0] == 400
    assert post(url, b"\xff\xfe")[0] == 400
    status, _, body = post(url, b'{"a": "' + b"x" * 5000 + b'"}')
    assert (status, json.loads(body)["ErrCode"]) == (413, 413)
    assert events.none_left()
    assert push(url)[0] == 200  # still serving
    assert events.next().push_id == "p-1"


def test_a_slow_on_event_does_not_delay_the_reply(serve: Callable[[PushReceiver], str]) -> None:
    entered, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow(event: PushEvent) -> None:
        entered.set()
        release.wait(60)
        done.set()

    url = serve(PushReceiver(on_event=slow))
    assert push(url)[0] == 200  # answered while on_event is blocked on `release`
    assert entered.wait(30) and not done.is_set()
    # The server still answers while that on_event blocks: it runs on another thread, not the event loop or
    # the server's own.
    assert push(url, "p-2")[0] == 200 and not done.is_set()
    release.set()
    assert done.wait(30)


def test_an_async_on_event_is_awaited_after_the_reply() -> None:
    got: queue.Queue[Tuple[str, Optional[str]]] = queue.Queue()
    gate = threading.Event()

    async def on_event(event: PushEvent) -> None:
        await asyncio.sleep(0)
        while not gate.is_set():
            await asyncio.sleep(0.01)
        got.put(("awaited", event.push_id))

    it = serve_asgi(PushReceiver(on_event=on_event))
    url = next(it)
    try:
        assert push(url)[0] == 200
        assert got.empty()
        gate.set()
        assert got.get(timeout=30) == ("awaited", "p-1")
    finally:
        for _ in it:
            pass


def test_an_exception_in_on_event_is_logged_and_the_push_stays_acknowledged(
    serve: Callable[[PushReceiver], str], caplog: pytest.LogCaptureFixture
) -> None:
    failed = threading.Event()

    def broken(event: PushEvent) -> None:
        failed.set()
        raise RuntimeError("handler bug")

    url = serve(PushReceiver(on_event=broken))
    with caplog.at_level(logging.ERROR, logger="ccc_aicall"):
        assert push(url)[0] == 200
        assert failed.wait(30)
        deadline = time.monotonic() + 30
        while not any("on_event failed" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline
            time.sleep(0.01)
    record = next(r for r in caplog.records if "on_event failed" in r.getMessage())
    assert record.name == "ccc_aicall" and record.exc_info is not None
    assert push(url)[0] == 200  # a re-push: still acknowledged, not delivered again


def test_handle_directly_and_secrets_stay_out_of_repr() -> None:
    receiver = PushReceiver(on_event=print, auth=("basic", "ccc", "s3cret-pw"))
    assert "s3cret-pw" not in repr(receiver) and "ccc" in repr(receiver)
    oauth = PushReceiver(on_event=print, auth=("oauth2", "client", "csecret-x"))
    assert "csecret-x" not in repr(oauth)
    headers = [("Authorization", basic("ccc", "s3cret-pw")), ("X-TCCC-PUSH-UUID", "d-1")]
    reply, event = receiver.handle("POST", "action=cdr", headers, json.dumps(CDR).encode())
    assert (reply.status, reply.duplicate, reply.problem) == (200, False, None)
    assert event is not None and event.outcome is not None and event.outcome.session_id == "s-1"
    again, none = receiver.handle("POST", "action=cdr", headers, json.dumps(CDR).encode())
    assert (again.status, again.duplicate, none) == (200, True, None)
    refused, nothing = receiver.handle("GET", "", [], b"")
    assert (refused.status, nothing) == (405, None) and refused.problem


@pytest.mark.parametrize(
    "auth", [("basic", "u"), ("digest", "u", "p"), ("basic", "", "p"), ["basic", "u", "p"], ("oauth2", "c", "s", -1)]
)
def test_a_bad_auth_is_a_validation_error_naming_it(auth: Any) -> None:
    from ccc_aicall import ValidationError

    with pytest.raises(ValidationError) as raised:
        PushReceiver(on_event=print, auth=auth)
    assert "auth" in str(raised.value)
