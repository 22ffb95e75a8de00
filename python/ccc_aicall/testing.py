"""Test support: the ccc-aicall emulator, a local CreateAICall service, in-process.

>>> from ccc_aicall.testing import Emulator
>>> with Emulator() as emu:
...     client = emu.client()
...     client.create_ai_call(sdk_app_id=1400000000, callee="008613012345678", ...)
...     emu.calls[0]["body"]["Callee"]
...     emu.inject(kind="error", code="FailedOperation.CalleeIsBlackUser")

It checks TC3 signatures and every documented parameter rule as the service does, rate-limits each action
(20 per second by default), records every placed call, plays each call as scripted (:meth:`Emulator.script`) and
answers the actions that follow it (DescribeTelSession, DescribeTelCdr, DescribeTelRecordAsr,
DescribeAICallExtractResult, HangUpCall, ControlAIConversation, TransferToManual), pushes call records to a receiver
of yours (:meth:`Emulator.set_push`), and plays scripted faults.
Nothing leaves 127.0.0.1.

Its native half ships as a package of its own, ``ccc-aicall-emulator``, so that production installs of
``ccc-aicall`` do not carry a test server: ``pip install "ccc-aicall[testing]"`` installs both. Importing this
module works without it; starting an :class:`Emulator` says what to install.
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Type

from ._client import AsyncClient, Client

if TYPE_CHECKING:
    from ccc_aicall_emulator._native import Emulator as _NativeEmulator

__all__ = ["Emulator"]


class Emulator:
    """A running emulator on 127.0.0.1 (a free port unless ``port`` is given); use it as a context manager.

    Args:
        rate_limit: requests per second it accepts for each action, beyond which it answers
            ``RequestLimitExceeded`` (default 20, the service's limit; 0 disables).
        clock_offset: seconds its clock runs ahead of the real one (negative: behind); requests signed
            more than 5 minutes off it get ``AuthFailure.SignatureExpire``.
        port: the port to listen on.
        tls: serve https with a certificate signed by a CA made at start: untrusted unless the client is given
            ``ca_file`` with :attr:`ca_pem` in it.
        secret_id, secret_key, token: the credentials it accepts instead of its test pair (``token``: temporary
            credentials, then required on every request).
    """

    def __init__(
        self,
        *,
        rate_limit: Optional[float] = None,
        clock_offset: Optional[int] = None,
        port: Optional[int] = None,
        tls: bool = False,
        secret_id: Optional[str] = None,
        secret_key: Optional[str] = None,
        token: Optional[str] = None,
    ) -> None:
        self._native = _native_emulator()(
            rate_limit=rate_limit,
            clock_offset=clock_offset,
            port=port,
            tls=tls,
            secret_id=secret_id,
            secret_key=secret_key,
            token=token,
        )

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:PORT``: pass it as ``Client(endpoint=...)``."""
        return self._native.endpoint

    @property
    def secret_id(self) -> str:
        """The test SecretId it accepts."""
        return self._native.secret_id

    @property
    def secret_key(self) -> str:
        """The test SecretKey that goes with ``secret_id`` (test credentials, not a secret)."""
        return self._native.secret_key

    @property
    def token(self) -> Optional[str]:
        """The token it requires, when started with one."""
        return self._native.token

    @property
    def ca_pem(self) -> Optional[str]:
        """With ``tls=True``: the PEM certificate of the CA that signed its certificate; write it to a file and
        pass that as ``ca_file`` to trust it. None without TLS."""
        return self._native.ca_pem

    @property
    def calls(self) -> List[Dict[str, Any]]:
        """Every call placed so far, oldest first: ``{"session_id", "request_id", "received_at_ms", "body"}``,
        ``body`` being the request's parameters exactly as received (PascalCase wire names)."""
        return _records(self._native.calls())

    @property
    def hits(self) -> int:
        """HTTP requests received, whatever became of them."""
        return self._native.hits()

    def hits_for(self, action: str) -> int:
        """HTTP requests received for one action (``"CreateAICall"``, ``"DescribeTelSession"``, ...)."""
        return self._native.hits(action)

    def inject(self, fault: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> None:
        """Queue a fault for the next matching request, as a dict or as keywords (merged):

        - ``kind="error", code="InternalError"`` (``message=``, ``placed=`` optional): answer that error code;
          ``placed`` (default: True only for ``InternalError*``) processes and records the call first.
        - ``kind="http_status", status=502``: a proxy's HTML answer, after placing the call.
        - ``kind="delay", phase="before_read" | "after_read", ms=2000``: wait before reading the request, or
          after placing the call.
        - ``kind="close_after_read"``, ``kind="malformed_body"``, ``kind="truncated_body"``: place the call,
          then drop the connection, answer non-JSON, or a body shorter than its Content-Length.
        - ``kind="skewed_date", secs=600``: answer normally with a ``Date`` header that far off.

        Every fault takes ``action="CreateAICall"`` (only that action) and ``times=n`` (the next n requests).
        """
        self._native.inject(json.dumps({**(fault or {}), **fields}))

    def script(self, callee: str, **fields: Any) -> None:
        """Say how calls to ``callee`` go from now on (calls already placed keep theirs). ``callee`` in any form
        (``"008613012345678"``, ``"+8613012345678"``); ``"*"`` for every callee without a script. Fields, all
        optional:

        - ``end_status``: the service's ``EndStatus`` code (default 1, answered); answered calls are 1 and
          225–233, every other code rings and ends unanswered (e.g. 206 busy, 202 no answer).
        - ``ring_ms``, ``talk_ms``: how long it rings and (answered) talks; 0 ends an unanswered call at once.
        - ``transcript``: ``[{"role": "ai" | "user", "text": ...}]`` (default an AI greeting and a reply).
        - ``extracted``: ``[{"name", "type": "Text" | "Selector" | "Boolean" | "Number", "value",
          "description"}]``.
        - ``hangup_side``: ``"user"``, ``"seat"`` or ``"system"``.
        - ``cdr_delay_ms``, ``asr_delay_ms``, ``extract_delay_ms``: how long after the end the call record,
          the transcript and the extraction appear (default 0).
        - ``recording``: whether the record has a ``RecordURL`` (default True for answered calls).
        """
        self._native.script(callee, json.dumps(fields))

    def clear_scripts(self) -> None:
        """Forget every script: calls go by the defaults again."""
        self._native.clear_scripts()

    def set_push(
        self, url: Optional[str], /, *, auth: Any = None, token_url: Optional[str] = None, **settings: Any
    ) -> None:
        """Push every finished call's record to ``url`` (``?action=cdr&version=1``) and each recorded call's
        recording (``?action=record&version=1``) from now on, in the service's format with ``X-TCCC-PUSH-UUID``, as
        the service's Data Push does; ``None`` stops pushing. Settings, all optional:

        - ``auth``: the same choice as the receiver's (:class:`ccc_aicall.push.PushReceiver`): None,
          ``("basic", username, password)`` or ``("oauth2", client_id, client_secret)`` with ``token_url``, where a
          token is fetched first (the client-credentials grant, the client authenticated by HTTP Basic).
        - ``retries`` (3), ``retry_delay_ms`` (500), ``timeout_ms`` (5000): a push not answered with a 2xx
          ``{"ErrCode": 0}`` within ``timeout_ms`` is pushed again, at most ``retries`` times, same id.
        - ``duplicate``: send every push once more after it was acknowledged (same id).
        - ``reorder``: send what is due together newest first (a call's recording before its record).
        - ``cdr``, ``recording`` (both True): which pushes to make.
        """
        if url is None:
            self._native.set_push(None)
            return
        self._native.set_push(json.dumps({"url": url, "auth": _push_auth(auth, token_url), **settings}))

    @property
    def pushes(self) -> List[Dict[str, Any]]:
        """Every push made so far, in order: dicts with ``push_id``, ``action`` (``"cdr"``, ``"record"``),
        ``session_id``, ``body`` (as sent), ``attempts`` (``sent_at_ms``, ``duplicate``, ``status``, ``err_code``,
        ``error``) and ``acknowledged``."""
        return _records(self._native.pushes())

    @property
    def pending_faults(self) -> List[Dict[str, Any]]:
        """Faults not used up yet, in queue order."""
        return _records(self._native.pending_faults())

    @property
    def rate_limit(self) -> float:
        """Requests per second it accepts for each action (0: unlimited); settable."""
        return self._native.rate_limit

    @rate_limit.setter
    def rate_limit(self, requests_per_second: float) -> None:
        self._native.rate_limit = requests_per_second

    @property
    def clock_offset(self) -> int:
        """Seconds its clock is ahead of the real one; settable."""
        return self._native.clock_offset

    @clock_offset.setter
    def clock_offset(self, secs: int) -> None:
        self._native.clock_offset = secs

    def reset(self) -> None:
        """Forget calls, counters, faults, sessions, scripts and pushes (the rate limit, clock offset and push
        settings stay)."""
        self._native.reset()

    def stop(self) -> None:
        """Stop serving (idempotent; also done when the ``with`` block ends)."""
        self._native.stop()

    def client(self, **options: Any) -> Client:
        """A :class:`~ccc_aicall.Client` pointed at this emulator with its test credentials; ``options`` are
        passed on (``rate_limit=``, ``timeout=``, ...)."""
        return Client(**self._client_options(options))

    def async_client(self, **options: Any) -> AsyncClient:
        """An :class:`~ccc_aicall.AsyncClient` pointed at this emulator; see :meth:`client`."""
        return AsyncClient(**self._client_options(options))

    def _client_options(self, options: Dict[str, Any]) -> Dict[str, Any]:
        token = {"token": self.token} if self.token is not None else {}
        return {
            "endpoint": self.endpoint,
            "secret_id": self.secret_id,
            "secret_key": self.secret_key,
            **token,
            **options,
        }

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Emulator(endpoint={self.endpoint!r})"


def _records(text: str) -> List[Dict[str, Any]]:
    """A JSON array of objects from the emulator extension."""
    records: List[Dict[str, Any]] = json.loads(text)
    return records


def _native_emulator() -> type[_NativeEmulator]:
    """The emulator extension, imported on first use so that ``ccc_aicall.testing`` imports without it."""
    try:
        from ccc_aicall_emulator._native import Emulator as native
    except ImportError as e:
        raise ImportError(
            "ccc_aicall.testing.Emulator needs the ccc-aicall-emulator package, which is kept out of the runtime "
            'package: pip install "ccc-aicall[testing]" (from a checkout: make python-dev)',
            name="ccc_aicall_emulator",
        ) from e
    return native


def _push_auth(auth: Any, token_url: Optional[str]) -> Dict[str, Any]:
    """The receiver's auth tuple in the emulator's JSON form."""
    if auth is None:
        if token_url is not None:
            raise ValueError("token_url goes with auth=('oauth2', client_id, client_secret)")
        return {"type": "none"}
    if not isinstance(auth, tuple) or len(auth) != 3 or auth[0] not in ("basic", "oauth2"):
        raise ValueError("auth must be None, ('basic', username, password) or ('oauth2', client_id, client_secret)")
    kind, name, secret = auth
    if kind == "basic":
        if token_url is not None:
            raise ValueError("token_url goes with auth=('oauth2', client_id, client_secret)")
        return {"type": "basic", "username": name, "password": secret}
    if token_url is None:
        raise ValueError("auth=('oauth2', ...) needs token_url, the receiver's token endpoint")
    return {"type": "oauth2", "token_url": token_url, "client_id": name, "client_secret": secret}
