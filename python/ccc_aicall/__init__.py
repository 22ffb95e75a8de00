"""ccc_aicall: place LLM-driven phone calls through Tencent Cloud Contact Center's ``CreateAICall``.

>>> from ccc_aicall import Client
>>> client = Client()  # credentials from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY or the profile file
>>> result = client.create_ai_call(sdk_app_id=1400000000, callee="008613012345678", llm_type="openai",
...                                api_key="sk-...", api_url="https://api.openai.com/v1/",
...                                system_prompt="You are ...", model="gpt-4o-mini", voice_type="ZhiXi")
>>> result.session_id

``AsyncClient`` is the asyncio twin; ``create_ai_call(...)`` uses a shared default client.
``client.wait_for_call(result)`` follows a placed call to its end and returns its ``CallOutcome`` (status,
durations, transcript, extracted fields); ``get_call``, ``hang_up``, ``say`` and ``transfer`` act on a live call;
``reconcile(exc)`` settles an outcome-unknown error. ``ccc_aicall.push.PushReceiver`` receives the service's data
pushes (call records, recordings) as an ASGI or WSGI app.
``client.create_ai_calls(calls, defaults=..., journal=..., progress=True)`` runs a campaign (many calls from one
template, never dialling anyone twice); ``read_calls_csv(path)`` reads its calls from a CSV file. Errors are
``CccError`` subclasses (``outcome_unknown(exc)`` finds the one saying a call may have been placed among an
exception's causes); ``ccc_aicall.testing.Emulator`` is a local service for tests. The Rust core does
the work: validation, TC3 signing, the rate limiter, safe retries and error classification.
"""

from typing import TYPE_CHECKING, Any

from . import _native
from ._campaign import STATUSES, CampaignItem, CampaignReport, CampaignStatus, SharedItem
from ._client import AsyncClient, Client, create_ai_call, create_ai_calls, read_calls_csv
from ._exceptions import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    CallNotLiveError,
    CallRejectedError,
    CccError,
    ConfigurationError,
    FieldProblem,
    FileError,
    FilePermissionError,
    IdempotencyKeyPendingError,
    InternalServerError,
    InvalidRequestError,
    MissingFileError,
    OutcomeUnknownError,
    RateLimitError,
    StoreUnavailableError,
    ValidationError,
    WaitTimeoutError,
    outcome_unknown,
)
from ._native import AiCallResult
from ._outcome import CALL_STATUSES, CallOutcome, CallState, Reconciled, Turn

__version__: str = _native.__version__

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        # `ccc_aicall.tts` and `ccc_aicall.push` are imported on first use, not with the package (see _client.py).
        if name in ("tts", "push"):
            import importlib

            return importlib.import_module("." + name, __name__)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


PARAMETERS = tuple(_native.PARAMETERS)
"""The 44 parameters of CreateAICall as create_ai_call keywords, in the API's order."""

__all__ = [
    "Client",
    "AsyncClient",
    "create_ai_call",
    "create_ai_calls",
    "read_calls_csv",
    "AiCallResult",
    "CallOutcome",
    "CallState",
    "Turn",
    "Reconciled",
    "CALL_STATUSES",
    "CampaignItem",
    "CampaignReport",
    "CampaignStatus",
    "SharedItem",
    "STATUSES",
    "PARAMETERS",
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
