"""The native core binding. Use the documented wrappers in ``ccc_aicall`` and ``ccc_aicall.testing``."""

from datetime import datetime, timedelta
from os import PathLike
from typing import Any, Awaitable, Callable, Dict, Generic, List, Mapping, Optional, Tuple, TypeVar, Union, final

from typing_extensions import disjoint_base

from ._campaign import CampaignItem, CampaignReport, CampaignStatus
from ._exceptions import CccError
from ._outcome import CallOutcome, CallState, Reconciled

__all__ = [
    "Client",
    "AiCallResult",
    "SendLatch",
    "CampaignTask",
    "FollowUp",
    "CallAttempt",
    "PushReceiver",
    "PARAMETERS",
    "schema",
    "OPTIONS",
    "CAMPAIGN_CONCURRENCY",
    "CAMPAIGN_WAIT_TIMEOUT",
    "WAIT_TIMEOUT",
    "WAIT_POLL_INTERVAL",
    "WAIT_TRANSCRIPT",
    "WAIT_EXTRACTION",
    "read_calls_csv",
    "call_from_texts",
    "__version__",
    "_panic_for_test",
    "_panic_for_test_async",
]

__version__: str
PARAMETERS: List[str]
OPTIONS: List[str]
"""The Client's options as Python names them, in the core's order (the keywords of ``Client``)."""
CAMPAIGN_CONCURRENCY: int
"""The core's default number of campaign calls in flight at once."""
CAMPAIGN_WAIT_TIMEOUT: float
"""The core's default for how long a campaign with wait collects outcomes after its last call, in seconds."""
WAIT_TIMEOUT: float
"""The core's default for the whole of a wait_for_call, in seconds."""
WAIT_POLL_INTERVAL: float
"""The core's default first pause between a wait's polls, in seconds."""
WAIT_TRANSCRIPT: bool
"""Whether a wait fetches the transcript by default."""
WAIT_EXTRACTION: bool
"""Whether a wait fetches the extracted fields by default."""

def schema() -> str:
    """The core's description of the request model as JSON text (every record, field, rule, unit and doc)."""

def read_calls_csv(path: Union[str, PathLike[str]]) -> List[Tuple[Dict[str, Any], int, str]]:
    """A CSV file of calls: each row's dict with snake_case keys, its file line and the core's label for it
    (``patients.csv line 3``); see ccc_aicall.read_calls_csv."""

def call_from_texts(pairs: List[Tuple[str, str]]) -> Dict[str, Any]:
    """One call's snake_case keywords from (name, text) pairs read as CSV columns and cells are: parameters by any
    spelling, their text parsed by type; other names variables (``var.``), ``prompt_var.`` prompt variables."""

def _panic_for_test() -> None:
    """Test-only: panic in Rust inside a blocking call (raises ``pyo3_runtime.PanicException``)."""

def _panic_for_test_async() -> Awaitable[None]:
    """Test-only: an awaitable whose Rust future panics (raises ``pyo3_async_runtimes.RustPanic``)."""

@final
class AiCallResult:
    """The answer to a placed call, with what the actions that follow it need."""

    @property
    def session_id(self) -> str:
        """The session of the call: pass it to DescribeTelSession, HangUpCall, ..."""
    @property
    def request_id(self) -> str:
        """The service's RequestId, for support tickets."""
    @property
    def sdk_app_id(self) -> int:
        """The CCC application the call was placed in."""
    @property
    def callee(self) -> str:
        """The callee as sent, in the service's form (00 and the country code)."""
    @property
    def placed_at(self) -> datetime:
        """When the request that placed the call left (a timezone-aware UTC datetime)."""
    @property
    def extraction_configured(self) -> bool:
        """The request configured extract_config: a wait for the outcome waits for the extracted fields."""
    @property
    def replayed(self) -> bool:
        """An earlier create_ai_call with the same idempotency_key placed this call (in this process or another
        sharing the Redis store): this is its stored result, and nothing was sent now."""
    def __new__(
        cls,
        session_id: str,
        request_id: str,
        sdk_app_id: int,
        callee: str,
        placed_at: Union[datetime, float],
        extraction_configured: bool = False,
        replayed: bool = False,
    ) -> AiCallResult: ...
    def __getnewargs__(self) -> tuple[str, str, int, str, datetime, bool, bool]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class SendLatch:
    """Tells a cancelled async call whether its request had left (the core marks it right before sending)."""

    def __new__(cls) -> SendLatch: ...
    def abandon(self) -> Optional[CccError]:
        """Give the call up (no request leaves after this): the core's OutcomeUnknownError when a request had
        left, else None."""

@final
class PushReceiver:
    """The core's data-push receiver: authenticates, de-duplicates on the push id, decodes (``ccc_aicall.push``)."""

    def __new__(
        cls,
        *,
        auth: Optional[Tuple[Any, ...]] = None,
        max_body_bytes: Optional[int] = None,
        seen_capacity: Optional[int] = None,
        redis_url: Optional[str] = None,
    ) -> PushReceiver: ...
    def handle(
        self, method: str, query: str, headers: List[Tuple[str, str]], body: bytes
    ) -> Tuple[int, List[Tuple[str, str]], str, bytes, Optional[Dict[str, Any]], bool, Optional[str]]:
        """``(status, headers, content_type, body, event fields or None, duplicate, problem or None)``."""
    def token(
        self, method: str, query: str, headers: List[Tuple[str, str]], body: bytes
    ) -> Tuple[int, List[Tuple[str, str]], str, bytes]:
        """The OAuth2 token endpoint: ``(status, headers, content_type, body)``."""
    @property
    def issues_tokens(self) -> bool:
        """OAuth2 mode: token requests go to ``token``."""
    @property
    def max_body_bytes(self) -> int:
        """Larger bodies are refused."""

@final
class CampaignTask:
    """An async campaign running in the background."""

    def cancel(self) -> None:
        """Cancel the campaign: nothing new is sent, calls in flight stop."""
    def wait(self) -> Awaitable[CampaignReport]:
        """The campaign's report once it has ended; cancelling this awaitable leaves the campaign running."""

@final
class CallAttempt:
    """The call an outcome-unknown create_ai_call may have placed (the core's record, kept on the exception)."""

    def __new__(
        cls,
        sdk_app_id: int,
        callee: str,
        sent_at: Tuple[int, int],
        max_call_duration: Optional[Tuple[int, int]] = None,
    ) -> CallAttempt: ...
    @property
    def sdk_app_id(self) -> int: ...
    @property
    def callee(self) -> str: ...
    @property
    def sent_at(self) -> datetime: ...
    def __getnewargs__(self) -> Tuple[int, str, Tuple[int, int], Optional[Tuple[int, int]]]: ...

_Seconds = Union[float, timedelta]
_When = Union[datetime, float]
_Call = Union[AiCallResult, str]
_T = TypeVar("_T")

@final
class FollowUp(Generic[_T]):
    """One action that follows a placed call, its arguments converted; run by Client._follow(_async), which
    answer its result type."""

    @staticmethod
    def wait(
        call: _Call,
        *,
        sdk_app_id: Optional[int],
        timeout: _Seconds,
        transcript: bool,
        extraction: bool,
        poll_interval: _Seconds,
    ) -> FollowUp[CallOutcome]: ...
    @staticmethod
    def get(call: _Call, *, sdk_app_id: Optional[int]) -> FollowUp[CallState]: ...
    @staticmethod
    def hang_up(call: _Call, *, sdk_app_id: Optional[int]) -> FollowUp[None]: ...
    @staticmethod
    def say(
        call: _Call,
        text: str,
        *,
        interrupt: Optional[bool],
        stop_after_play: Optional[bool],
        add_history: Optional[bool],
        sdk_app_id: Optional[int],
    ) -> FollowUp[None]: ...
    @staticmethod
    def transfer(call: _Call, skill_group_id: int, *, sdk_app_id: Optional[int]) -> FollowUp[None]: ...
    @staticmethod
    def find(callee: str, *, sdk_app_id: int, since: _When, until: Optional[_When]) -> FollowUp[List[CallOutcome]]: ...
    @staticmethod
    def reconcile(
        attempt: Optional[CallAttempt],
        *,
        max_ring: Optional[_Seconds],
        max_call_duration: Optional[_Seconds],
        record_delay: Optional[_Seconds],
        clock_skew: Optional[_Seconds],
    ) -> FollowUp[Reconciled]: ...

@disjoint_base
class Client:
    """The core client; use ccc_aicall.Client or ccc_aicall.AsyncClient."""

    def __new__(
        cls,
        *,
        # <generated: Client.__new__>
        secret_id: Optional[str] = None,
        secret_key: Optional[str] = None,
        token: Optional[str] = None,
        region: Optional[str] = None,
        endpoint: Optional[str] = None,
        language: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        rate_limit: Optional[float] = None,
        proxy: Optional[str] = None,
        ca_file: Optional[Union[str, PathLike[str]]] = None,
        default_country_code: Optional[str] = None,
        redis_url: Optional[str] = None,
        store_fallback_local: Optional[bool] = None,
        idempotency_ttl: Optional[float] = None,
        # </generated: Client.__new__>
    ) -> Client: ...
    def _create_ai_call(self, params: Dict[str, Any], idempotency_key: Optional[str] = None) -> AiCallResult: ...
    def _create_ai_call_async(
        self, params: Dict[str, Any], latch: SendLatch, idempotency_key: Optional[str] = None
    ) -> Awaitable[AiCallResult]: ...
    def _create_ai_calls(
        self,
        calls: List[Any],
        *,
        defaults: Optional[Mapping[str, Any]],
        concurrency: int,
        journal: Optional[Union[str, PathLike[str]]],
        campaign: Optional[str],
        skip_invalid: bool,
        refused_retries: Optional[int],
        default_country_code: Optional[str],
        sources: Optional[List[Optional[str]]],
        on_progress: Optional[Callable[[CampaignItem], object]],
        wait: bool,
        wait_timeout: Union[float, timedelta],
        transcript: bool,
        extraction: bool,
        reconcile: bool,
    ) -> CampaignReport: ...
    def _create_ai_calls_async(
        self,
        calls: List[Any],
        *,
        defaults: Optional[Mapping[str, Any]],
        concurrency: int,
        journal: Optional[Union[str, PathLike[str]]],
        campaign: Optional[str],
        skip_invalid: bool,
        refused_retries: Optional[int],
        default_country_code: Optional[str],
        sources: Optional[List[Optional[str]]],
        on_progress: Optional[Callable[[CampaignItem], object]],
        wait: bool,
        wait_timeout: Union[float, timedelta],
        transcript: bool,
        extraction: bool,
        reconcile: bool,
    ) -> CampaignTask: ...
    def _campaign_status(self, name: str) -> CampaignStatus: ...
    def _campaign_status_async(self, name: str) -> Awaitable[CampaignStatus]: ...
    def _request(self, action: str, params: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]: ...
    def _request_async(self, action: str, params: Optional[Mapping[str, Any]] = None) -> Awaitable[Dict[str, Any]]: ...
    def _follow(self, action: FollowUp[_T]) -> _T:
        """Run the action, blocking: a CallOutcome, CallState, list of CallOutcome, Reconciled, or None."""
    def _follow_async(self, action: FollowUp[_T]) -> Awaitable[_T]:
        """The awaitable of the action; cancelling it cancels the action."""
    @property
    def endpoint(self) -> str:
        """The endpoint URL in use."""
    @property
    def region(self) -> Optional[str]:
        """The region sent as X-TC-Region, or None."""
    @property
    def language(self) -> str:
        """The language of the service's messages (en-US or zh-CN)."""
    @property
    def timeout(self) -> float:
        """Seconds allowed for one attempt, connecting included."""
    @property
    def connect_timeout(self) -> float:
        """Seconds allowed for connecting."""
    @property
    def max_retries(self) -> int:
        """Retries of requests that certainly did not reach the service or that it refused without acting."""
    @property
    def rate_limit(self) -> Optional[float]:
        """Requests per second allowed by the client-side limiter, or None when it is off."""
    @property
    def default_country_code(self) -> Optional[str]:
        """The country calling code put in front of numbers written without one ("86"), or None."""
    @property
    def secret_id(self) -> str:
        """The SecretId in use (an identifier, not a secret)."""
