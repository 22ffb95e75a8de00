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
    │   └── InternalServerError                InternalError*: the service failed; it may have dialled
    ├── ApiConnectionError                     nothing reached the service (DNS, connect, TLS)
    │   └── ApiTimeoutError                    timed out before the request was sent
    └── OutcomeUnknownError                    the request was sent and no definitive answer came back

``outcome_unknown`` is True exactly when the call may have been placed (a phone may have rung): do not
blindly retry those; look the call up (``DescribeTelCdr``) first.
"""

from __future__ import annotations

from typing import Any, List, NamedTuple, Optional

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
    "FieldProblem",
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
    """

    message: str
    kind: str
    code: Optional[str]
    request_id: Optional[str]
    http_status: Optional[int]
    outcome_unknown: bool
    timed_out: bool

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


class InternalServerError(ApiError):
    """``InternalError*``: the service failed. It may have dialled: ``outcome_unknown`` is True."""


class ApiConnectionError(CccError):
    """Nothing reached the service (DNS, connect, TLS); safe to send again."""


class ApiTimeoutError(ApiConnectionError):
    """Timed out before the request was sent (connecting); safe to send again."""


class OutcomeUnknownError(CccError):
    """The request was sent and no definitive answer came back (timeout, dropped connection, 5xx, unreadable
    answer, cancellation in flight): the call may have been placed. Look it up before placing it again."""


# Tracebacks and pickles name the public module: `ccc_aicall.RateLimitError`.
for _name in __all__:
    globals()[_name].__module__ = "ccc_aicall"
del _name
