"""Receiving the service's data pushes: call records (``action=cdr``), recordings and voicemails, as they happen.

>>> from ccc_aicall.push import PushReceiver
>>> receiver = PushReceiver(on_event=print, auth=("basic", "ccc", "a long random password"))

``receiver.asgi`` is an ASGI app (mount it in FastAPI or Starlette, or serve it with uvicorn) and ``receiver.wsgi``
a WSGI app (Flask, Django, any WSGI server): a POST to any path is a push. With ``auth=("oauth2", ...)`` a POST to
a path ending in ``/token`` is the OAuth2 token endpoint (client-credentials grant) the service asks first.

The native core authenticates, refuses oversized or malformed bodies, acknowledges a re-push of the same push id
without delivering it twice, and decodes a call record into the same :class:`~ccc_aicall.CallOutcome` that
``wait_for_call`` returns. The service pushes again whatever is not acknowledged quickly, so the reply is sent
first and ``on_event`` runs after it: in ASGI an async ``on_event`` is awaited, a plain one runs in a worker
thread; in WSGI ``on_event`` runs in a new thread once the response is sent. An exception in ``on_event`` is
logged (logger ``ccc_aicall``) and the push stays acknowledged: for work that must not be lost, put the event on
a durable queue in ``on_event`` and do the work from there.
"""

from __future__ import annotations

import asyncio
import functools
import http
import inspect
import logging
import threading
from typing import Any, Awaitable, Callable, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from . import _native
from ._outcome import CallOutcome, _Record

__all__ = ["PushReceiver", "PushEvent", "PushReply", "PUSH_KINDS", "Auth"]

_log = logging.getLogger("ccc_aicall")

PUSH_KINDS = ("cdr", "recording", "voicemail", "unknown")
"""Every ``PushEvent.kind``: a call record, a recording, a voicemail, or an ``action`` this SDK does not know."""

Auth = Union[None, Tuple[str, str, str], Tuple[str, str, str, Any]]
"""``None`` (no check), ``("basic", username, password)``, or ``("oauth2", client_id, client_secret)`` with an
optional fourth item, how long an issued token is accepted (seconds or ``timedelta``, default one hour)."""

OnEvent = Callable[["PushEvent"], Any]
Receive = Callable[[], Awaitable[Dict[str, Any]]]
Send = Callable[[Dict[str, Any]], Awaitable[None]]
AsgiApp = Callable[[Dict[str, Any], Receive, Send], Awaitable[None]]


class PushEvent(_Record):
    """One new push, delivered once.

    Attributes:
        kind: one of :data:`PUSH_KINDS`.
        action: the ``action`` query parameter as it came.
        push_id: the ``X-TCCC-PUSH-UUID`` header, when the push had one.
        session_id: the call's SessionId, when the body names it.
        outcome: for a call record, its :class:`~ccc_aicall.CallOutcome`; else None.
        recording_url: for a recording or voicemail, its ``RecordURL``; else None.
        body: the pushed JSON object as a dict.
    """

    __slots__ = ("kind", "action", "push_id", "session_id", "outcome", "recording_url", "body")

    kind: str
    action: str
    push_id: Optional[str]
    session_id: Optional[str]
    outcome: Optional[CallOutcome]
    recording_url: Optional[str]
    body: Dict[str, Any]

    def __repr__(self) -> str:
        return f"PushEvent(kind={self.kind!r}, push_id={self.push_id!r}, session_id={self.session_id!r})"


class PushReply(_Record):
    """What to answer the request: ``status``, extra ``headers`` (name, value pairs), ``content_type``, ``body``
    (bytes); ``duplicate`` when it was a re-push already delivered; ``problem``, why it was refused, else None."""

    __slots__ = ("status", "headers", "content_type", "body", "duplicate", "problem")

    status: int
    headers: Tuple[Tuple[str, str], ...]
    content_type: str
    body: bytes
    duplicate: bool
    problem: Optional[str]

    def __repr__(self) -> str:
        return f"PushReply(status={self.status}, body={self.body!r})"


def _reply(status: int, headers: List[Tuple[str, str]], content_type: str, body: bytes, **rest: Any) -> PushReply:
    return PushReply(
        status=status,
        headers=tuple((k, v) for k, v in headers),
        content_type=content_type,
        body=body,
        duplicate=rest.get("duplicate", False),
        problem=rest.get("problem"),
    )


def _is_async(function: Any) -> bool:
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(type(function).__call__)


class PushReceiver:
    """Receives pushes at one endpoint. Share one per endpoint: it remembers the push ids it has delivered.

    Args:
        on_event: called with each new :class:`PushEvent` after the reply is sent (by ``asgi`` and ``wsgi``);
            a coroutine function is awaited.
        auth: see :data:`Auth`; the same choice as in the service's push settings.
        max_body_bytes: larger bodies are refused (HTTP 413); by default one megabyte (a call record is a few
            kilobytes).
        redis_url: for a receiver that runs as several processes (gunicorn or uvicorn workers, replicas): the push
            ids delivered and the OAuth2 tokens issued are shared through this Redis, so a re-push or a token reaching
            another process is still recognised. If Redis does not answer, each process goes on with its own memory
            (a re-push reaching another process may then be delivered twice: at least once, never lost).
    """

    def __init__(
        self,
        *,
        on_event: OnEvent,
        auth: Auth = None,
        max_body_bytes: Optional[int] = None,
        redis_url: Optional[str] = None,
    ) -> None:
        if not callable(on_event):
            raise TypeError("on_event must be callable")
        self._native = _native.PushReceiver(auth=auth, max_body_bytes=max_body_bytes, redis_url=redis_url)
        self._shared = redis_url is not None
        self._on_event = on_event
        self._max_body_bytes: int = self._native.max_body_bytes

        async def app(scope: Dict[str, Any], receive: Receive, send: Send) -> None:
            await self._asgi(scope, receive, send)

        self._asgi_app: AsgiApp = app

    def __repr__(self) -> str:
        return f"<ccc_aicall.push.{self._native!r}>"

    def handle(
        self, method: str, query: str, headers: Iterable[Tuple[str, str]], body: bytes
    ) -> Tuple[PushReply, Optional[PushEvent]]:
        """One push request as any HTTP server sees it (the query string without ``?``): the reply to send, and
        the new event (None when refused or a re-push). Does not call ``on_event``: send the reply, then deliver
        the event (``asgi`` and ``wsgi`` do both)."""
        status, reply_headers, content_type, data, event, duplicate, problem = self._native.handle(
            method, query, list(headers), bytes(body)
        )
        if problem is not None:
            _log.warning("push refused (HTTP %d): %s", status, problem)
        reply = _reply(status, reply_headers, content_type, data, duplicate=duplicate, problem=problem)
        return reply, None if event is None else PushEvent(**event)

    def token(self, method: str, query: str, headers: Iterable[Tuple[str, str]], body: bytes) -> PushReply:
        """The OAuth2 token endpoint (``auth=("oauth2", ...)``): a form POST with ``grant_type=client_credentials``,
        the client authenticated by HTTP Basic or ``client_id``/``client_secret`` form fields."""
        return _reply(*self._native.token(method, query, list(headers), bytes(body)))

    def _route(self, path: str, method: str, query: str, headers: List[Tuple[str, str]], body: bytes) -> Any:
        if self._native.issues_tokens and path.rstrip("/").endswith("/token"):
            return self.token(method, query, headers, body), None
        return self.handle(method, query, headers, body)

    def _deliver(self, event: PushEvent) -> None:
        try:
            result = self._on_event(event)
            if inspect.isawaitable(result):
                asyncio.run(_awaited(result))
        except Exception:
            _log.exception("push %s: on_event failed", event.push_id)

    async def _deliver_async(self, event: PushEvent) -> None:
        try:
            if _is_async(self._on_event):
                await self._on_event(event)
            else:
                result = await asyncio.get_running_loop().run_in_executor(None, self._on_event, event)
                if inspect.isawaitable(result):
                    await result
        except Exception:
            _log.exception("push %s: on_event failed", event.push_id)

    @property
    def asgi(self) -> AsgiApp:
        """The ASGI app: POST pushes to any path (and, for OAuth2, token requests to a path ending in ``/token``).
        A plain coroutine function, so that servers detecting the ASGI version (uvicorn) see ASGI 3."""
        return self._asgi_app

    async def _asgi(self, scope: Dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        # Read at most one byte past the limit: enough for the core to refuse it, never the whole of a huge body.
        body = bytearray()
        more = True
        while more and len(body) <= self._max_body_bytes:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])]
        query = scope.get("query_string", b"").decode("latin-1")
        path = scope.get("root_path", "") + scope.get("path", "")
        if self._shared:
            # The receiver asks Redis: on a worker thread, so that a slow Redis never holds the event loop.
            loop = asyncio.get_running_loop()
            route = functools.partial(self._route, path, scope["method"], query, headers, bytes(body))
            reply, event = await loop.run_in_executor(None, route)
        else:
            reply, event = self._route(path, scope["method"], query, headers, bytes(body))
        raw = [(b"content-type", reply.content_type.encode("latin-1"))]
        raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
        raw.append((b"content-length", str(len(reply.body)).encode("latin-1")))
        await send({"type": "http.response.start", "status": reply.status, "headers": raw})
        await send({"type": "http.response.body", "body": reply.body})
        if event is not None:
            await self._deliver_async(event)

    def wsgi(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The WSGI app: as ``asgi``; ``on_event`` runs in a new thread once the server has sent the response."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(min(max(length, 0), self._max_body_bytes + 1)) if length > 0 else b""
        headers = [(k[5:].replace("_", "-"), str(v)) for k, v in environ.items() if k.startswith("HTTP_")]
        for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(name):
                headers.append((name.replace("_", "-"), str(environ[name])))
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        reply, event = self._route(path, environ["REQUEST_METHOD"], environ.get("QUERY_STRING", ""), headers, body)
        status = f"{reply.status} {http.HTTPStatus(reply.status).phrase}"
        raw = [("Content-Type", reply.content_type), *reply.headers, ("Content-Length", str(len(reply.body)))]
        start_response(status, raw)
        return _ThenDeliver(reply.body, None if event is None else lambda: self._deliver(event))


async def _awaited(result: Awaitable[Any]) -> Any:
    return await result


class _ThenDeliver:
    """The WSGI body; the server calls ``close`` once it has sent it, and that starts the delivery."""

    def __init__(self, body: bytes, deliver: Optional[Callable[[], None]]) -> None:
        self._body = body
        self._deliver = deliver

    def __iter__(self) -> Iterator[bytes]:
        yield self._body

    def close(self) -> None:
        deliver, self._deliver = self._deliver, None
        if deliver is not None:
            threading.Thread(target=deliver, name="ccc_aicall-push", daemon=False).start()
