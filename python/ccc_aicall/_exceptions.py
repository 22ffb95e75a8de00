"""The exceptions of ccc_aicall: plain Python classes, raised by the native core with their attributes set.

::

    CccError
    ├── ValidationError (also ValueError)     the request broke a documented rule; nothing was sent
    ├── ConfigurationError (also ValueError)  the client could not be built (credentials, endpoint, ...)
    ├── ApiError                               the service answered with an error code
    │   ├── AuthenticationError                AuthFailure*, UnauthorizedOperation*: refused without acting
    │   ├── RateLimitError                     RequestLimitExceeded*: refused without acting
    │   ├── InvalidRequestError                InvalidParameter*, MissingParameter, ...
    │   ├── CallRejectedError                  FailedOperation*, LimitExceeded*, ...: the call was declined
    │   │   └── CallNotLiveError               hang_up / say / transfer: the call is over or not controllable
    │   └── InternalServerError                InternalError*: the service failed; it may have dialled
    ├── ApiConnectionError                     nothing reached the service (DNS, connect, TLS)
    │   └── ApiTimeoutError                    timed out before the request was sent
    ├── OutcomeUnknownError                    the request was sent and no definitive answer came back
    │   └── IdempotencyKeyPendingError         an earlier call with the same idempotency key may have placed it
    ├── StoreUnavailableError                  the shared store (``redis_url``) could not be used; nothing was sent
    ├── WaitTimeoutError (also TimeoutError)   wait_for_call ran out of time before the call ended
    └── FileError (also OSError)               a file could not be read or written (a calls CSV, the journal)
        ├── MissingFileError (also FileNotFoundError)
        └── FilePermissionError (also PermissionError)

``outcome_unknown`` is True exactly when the call may have been placed (a phone may have rung): do not
blindly retry those; settle them first with ``client.reconcile(exc)``. :func:`outcome_unknown` finds such an error in
an exception's causes (an ``asyncio`` cancellation, a ``KeyboardInterrupt``).
"""

from __future__ import annotations

import errno as _errno
from typing import TYPE_CHECKING, Any, Dict, List, NamedTuple, Optional, Tuple

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "CccError",
    "ValidationError",
    "ConfigurationError",
    "ApiError",
    "AuthenticationError",
    "RateLimitError",
    "InvalidRequestError",
    "CallRejectedError",
    "InternalServerError",
    "ApiConnectionError",
    "ApiTimeoutError",
    "OutcomeUnknownError",
    "IdempotencyKeyPendingError",
    "StoreUnavailableError",
    "CallNotLiveError",
    "WaitTimeoutError",
    "FileError",
    "MissingFileError",
    "FilePermissionError",
    "FieldProblem",
    "outcome_unknown",
]


class FieldProblem(NamedTuple):
    """One problem with one parameter of a request."""

    field: str
    """The parameter's path as Python spells it, e.g. ``transfer_items[0].transfer_skill_group_id``."""
    message: str
    """What is wrong, e.g. ``must be between 240 and 2000 (milliseconds)``."""
    kind: str = "invalid"
    """``missing``, ``unknown`` or ``invalid``."""

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class CccError(Exception):
    """Base class of every ccc_aicall error.

    Attributes:
        message: the service's message for API errors, otherwise a description.
        kind: the core's stable name for the error (``validation``, ``rate_limited``, ``outcome_unknown``, ...).
        code: the service's ``Error.Code`` (``FailedOperation.CalleeIsBlackUser``), or None.
        request_id: the service's RequestId when one came back, for support tickets.
        http_status: the HTTP status when an answer came back.
        outcome_unknown: True when the request may have reached the service with no definitive rejection,
            i.e. the call may have been placed.
        timed_out: True when the failure was a timeout (connecting, or waiting for the answer after sending).
        sdk_app_id, callee, sent_at: on an outcome-unknown error of ``create_ai_call``, the call it may have placed:
            its app, its number as sent and when its request left (UTC ``datetime``); pass the error to
            ``client.reconcile`` to learn whether it was placed. None on every other error.
    """

    message: str
    kind: str
    code: Optional[str]
    request_id: Optional[str]
    http_status: Optional[int]
    outcome_unknown: bool
    timed_out: bool
    sdk_app_id: Optional[int] = None
    callee: Optional[str] = None
    sent_at: Optional[datetime] = None
    _attempt: Any = None  # the core's record of that call (a _native.CallAttempt), handed back by reconcile

    def __init__(
        self,
        text: str = "",
        *,
        kind: str = "",
        message: Optional[str] = None,
        code: Optional[str] = None,
        request_id: Optional[str] = None,
        http_status: Optional[int] = None,
        outcome_unknown: bool = False,
        timed_out: bool = False,
    ) -> None:
        super().__init__(text)
        self.message = text if message is None else message
        self.kind = kind
        self.code = code
        self.request_id = request_id
        self.http_status = http_status
        self.outcome_unknown = outcome_unknown
        self.timed_out = timed_out

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.message


class ValidationError(CccError, ValueError):
    """The request breaks documented rules; nothing was sent. ``errors`` lists every problem."""

    errors: List[FieldProblem]

    def __init__(self, text: str = "", *, errors: Optional[List[FieldProblem]] = None, **kw: Any) -> None:
        super().__init__(text, **kw)
        self.errors = list(errors or [])


class ConfigurationError(CccError, ValueError):
    """The client could not be built: missing credentials, a bad endpoint, proxy or CA file, ..."""


class ApiError(CccError):
    """The service answered with an error code (``code``, ``message``, ``request_id``)."""


class AuthenticationError(ApiError):
    """``AuthFailure*`` / ``UnauthorizedOperation*``: bad credentials or signature; the service did not act."""


class RateLimitError(ApiError):
    """``RequestLimitExceeded*``: too many requests; the service did not act (safe to send again later)."""


class InvalidRequestError(ApiError):
    """``InvalidParameter*``, ``MissingParameter``, ``UnknownParameter``, ...: the service refused the request."""


class CallRejectedError(ApiError):
    """``FailedOperation*``, ``LimitExceeded*``, ``OperationDenied*``, ...: the service declined to place the call."""


class CallNotLiveError(CallRejectedError):
    """``hang_up``, ``say`` or ``transfer`` found the call over, unknown, or not in a state that takes the action
    (``FailedOperation.SessionNotExists``, ``FailedOperation.SessionNotInControlState``)."""


class InternalServerError(ApiError):
    """``InternalError*``: the service failed. It may have dialled: ``outcome_unknown`` is True."""


class ApiConnectionError(CccError):
    """Nothing reached the service (DNS, connect, TLS); safe to send again."""


class ApiTimeoutError(ApiConnectionError):
    """Timed out before the request was sent (connecting); safe to send again."""


class OutcomeUnknownError(CccError):
    """The request was sent and no definitive answer came back (timeout, dropped connection, 5xx, unreadable
    answer, cancellation in flight): the call may have been placed. ``sdk_app_id``, ``callee`` and ``sent_at``
    say which call; ``client.reconcile(exc)`` says whether it was placed, before anyone places it again."""


class IdempotencyKeyPendingError(OutcomeUnknownError):
    """``create_ai_call(..., idempotency_key=...)`` found the key held by an earlier attempt whose call is not known
    to have been placed: that attempt is still in flight (``in_flight`` True), or it ended with its outcome unknown.
    Nothing was sent now, and nothing will be sent for this key until it expires (the client's
    ``idempotency_ttl``): the earlier attempt may have placed the call. ``sdk_app_id``, ``callee`` and ``sent_at``
    say which call; ``client.reconcile(exc)`` says whether it was placed.

    Attributes:
        idempotency_key: the key, as given.
        in_flight: True while the earlier attempt is still going (ask again shortly to get its result).
    """

    idempotency_key: Optional[str]
    in_flight: bool

    def __init__(
        self, text: str = "", *, idempotency_key: Optional[str] = None, in_flight: bool = False, **kw: Any
    ) -> None:
        super().__init__(text, **kw)
        self.idempotency_key = idempotency_key
        self.in_flight = in_flight


class StoreUnavailableError(CccError):
    """The shared store (the client's ``redis_url``) could not be reached or refused the operation, so the request
    was not sent: nobody was dialled, and it is safe to try again once the store is back. A call with an
    ``idempotency_key`` always needs the store; one without needs it unless the client has
    ``store_fallback_local=True``. The message names the store without its password."""


class WaitTimeoutError(CccError, TimeoutError):
    """``wait_for_call`` ran out of time before the call ended (or before its record appeared). Nothing is wrong
    with the call: wait again, or look it up later. Also a ``TimeoutError``.

    Attributes:
        session_id: the call waited for.
        last_status: its live status when the time ran out (``ringing``, ``in_progress``, ``finished``), or None.
    """

    session_id: Optional[str]
    last_status: Optional[str]

    def __init__(
        self, text: str = "", *, session_id: Optional[str] = None, last_status: Optional[str] = None, **kw: Any
    ) -> None:
        super().__init__(text, **kw)
        self.session_id = session_id
        self.last_status = last_status

    def __str__(self) -> str:
        return CccError.__str__(self)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), self.args, vars(self))


class FileError(CccError, OSError):
    """A file could not be read or written (a calls CSV, the journal). Also the platform's ``OSError``, with
    ``errno`` and ``filename`` set: :class:`MissingFileError` is a ``FileNotFoundError`` and
    :class:`FilePermissionError` a ``PermissionError``."""

    def __init__(
        self, text: str = "", *, errno: Optional[int] = None, filename: Optional[str] = None, **kw: Any
    ) -> None:
        super().__init__(text, **kw)
        self.errno = errno
        self.strerror = text
        self.filename = filename

    def __str__(self) -> str:
        return CccError.__str__(self)

    def __reduce__(self) -> Tuple[Any, ...]:
        # OSError's own keeps only its arguments; errno and filename are kept with the other attributes.
        state: Dict[str, Any] = {
            **vars(self),
            "errno": self.errno,
            "strerror": self.strerror,
            "filename": self.filename,
        }
        return (type(self), self.args, state)


class MissingFileError(FileError, FileNotFoundError):
    """The file does not exist (``errno.ENOENT``)."""


class FilePermissionError(FileError, PermissionError):
    """The file may not be read or written (``errno.EACCES``)."""


# The core's reasons (Rust's `std::io::ErrorKind` names) as the platform's error numbers.
_ERRNO = {
    "NotFound": _errno.ENOENT,
    "PermissionDenied": _errno.EACCES,
    "AlreadyExists": _errno.EEXIST,
    "NotADirectory": _errno.ENOTDIR,
    "IsADirectory": _errno.EISDIR,
    "StorageFull": _errno.ENOSPC,
    "ReadOnlyFilesystem": _errno.EROFS,
}


def _file_error(text: str, *, io_kind: str = "", **kw: Any) -> FileError:
    """The exception for the core's ``io`` errors: the class and ``errno`` of the platform's reason."""
    number = _ERRNO.get(io_kind)
    cls = {_errno.ENOENT: MissingFileError, _errno.EACCES: FilePermissionError}.get(number or 0, FileError)
    return cls(text, errno=number, **kw)


def outcome_unknown(exc: BaseException) -> Optional[CccError]:
    """The error saying that a call may have been placed, found in ``exc`` or its causes; None if there is none.

    A cancelled ``AsyncClient.create_ai_call`` whose request had left raises ``asyncio.CancelledError`` caused by an
    :class:`OutcomeUnknownError` (``asyncio.timeout`` turns that into a ``TimeoutError`` caused by the
    cancellation); Ctrl-C in a blocking call raises ``KeyboardInterrupt`` the same way::

        try:
            async with asyncio.timeout(10):
                await client.create_ai_call(**call)
        except TimeoutError as e:
            if ccc_aicall.outcome_unknown(e):
                ...  # the phone may be ringing: look the call up (DescribeTelCdr) before placing it again

    The chain is followed through ``__cause__``, then ``__context__`` (unless suppressed).
    """
    seen = set()
    current: Optional[BaseException] = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, CccError) and current.outcome_unknown:
            return current
        cause = current.__cause__
        current = cause if cause is not None or current.__suppress_context__ else current.__context__
    return None


# Tracebacks and pickles name the public module: `ccc_aicall.RateLimitError`.
for _name in __all__:
    globals()[_name].__module__ = "ccc_aicall"
del _name
