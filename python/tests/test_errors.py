"""Each error family maps to its class; faults that may have dialled give OutcomeUnknownError after one hit."""

from __future__ import annotations

import asyncio
import pickle
import socket
from typing import Any, Callable, Type

import ccc_aicall
import pytest
from ccc_aicall import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    CallRejectedError,
    CccError,
    ConfigurationError,
    InternalServerError,
    InvalidRequestError,
    OutcomeUnknownError,
    RateLimitError,
    ValidationError,
)
from ccc_aicall.testing import Emulator
from conftest import VALID_REQUEST

FAMILIES = [
    ("AuthFailure.SignatureFailure", AuthenticationError, False),
    ("AuthFailure.SecretIdNotFound", AuthenticationError, False),
    ("UnauthorizedOperation", AuthenticationError, False),
    ("RequestLimitExceeded", RateLimitError, False),
    ("RequestLimitExceeded.UinLimitExceeded", RateLimitError, False),
    ("InvalidParameterValue.PhoneNumInvalid", InvalidRequestError, False),
    ("MissingParameter", InvalidRequestError, False),
    ("UnknownParameter", InvalidRequestError, False),
    ("FailedOperation.CalleeIsBlackUser", CallRejectedError, False),
    ("FailedOperation.AIConcurrentNoPackage", CallRejectedError, False),
    ("LimitExceeded.BasePackageExpired", CallRejectedError, False),
    ("OperationDenied.NotInWhiteList", CallRejectedError, False),
    ("ResourceNotFound", CallRejectedError, False),
    ("InternalError", InternalServerError, True),
    ("InternalError.DBError", InternalServerError, True),
]


@pytest.fixture(params=["sync", "async"])
def place(request: pytest.FixtureRequest, emu: Emulator) -> Callable[..., Any]:
    """Place the standard valid call through a client on the emulator; keywords are client options."""

    def sync(**options: Any) -> Any:
        return emu.client(**options).create_ai_call(**VALID_REQUEST)

    def via_asyncio(**options: Any) -> Any:
        return asyncio.run(emu.async_client(**options).create_ai_call(**VALID_REQUEST))

    return sync if request.param == "sync" else via_asyncio


@pytest.mark.parametrize("code,cls,unknown", FAMILIES, ids=[f[0] for f in FAMILIES])
def test_error_code_maps_to_its_class(
    place: Callable[..., Any], emu: Emulator, code: str, cls: Type[ApiError], unknown: bool
) -> None:
    emu.inject(kind="error", code=code, message="injected", placed=False)
    with pytest.raises(cls) as raised:
        place(max_retries=0)
    error = raised.value
    assert isinstance(error, ApiError) and isinstance(error, CccError)
    assert error.code == code and error.message == "injected"
    assert error.request_id and error.request_id in str(error)
    assert error.http_status == 200
    assert error.outcome_unknown is unknown
    assert emu.hits == 1


def test_refusals_without_action_are_retried_and_succeed(place: Callable[..., Any], emu: Emulator) -> None:
    emu.inject(kind="error", code="RequestLimitExceeded", times=2)
    result = place()
    assert result.session_id and emu.hits == 3 and len(emu.calls) == 1


def test_a_skewed_local_clock_is_corrected_and_the_call_re_signed(place: Callable[..., Any], emu: Emulator) -> None:
    emu.clock_offset = 600  # SignatureExpire: the service did not act, so re-signing with its clock is safe
    assert place(max_retries=0).session_id
    assert emu.hits == 2 and len(emu.calls) == 1


FAULTS = [
    ({"kind": "error", "code": "InternalError"}, InternalServerError),
    ({"kind": "http_status", "status": 502}, OutcomeUnknownError),
    ({"kind": "http_status", "status": 503}, OutcomeUnknownError),
    ({"kind": "close_after_read"}, OutcomeUnknownError),
    ({"kind": "malformed_body"}, OutcomeUnknownError),
    ({"kind": "truncated_body"}, OutcomeUnknownError),
    ({"kind": "delay", "phase": "after_read", "ms": 1500}, OutcomeUnknownError),
]


@pytest.mark.parametrize("fault,cls", FAULTS, ids=[f[0]["kind"] + str(f[0].get("status", "")) for f in FAULTS])
def test_fault_gives_outcome_unknown_after_exactly_one_hit(
    place: Callable[..., Any], emu: Emulator, fault: dict, cls: Type[CccError]
) -> None:
    emu.inject(fault)
    with pytest.raises(cls) as raised:
        place(timeout=0.5)  # default max_retries (2): a call that may have been placed is never re-sent
    assert raised.value.outcome_unknown is True
    assert raised.value.timed_out is (fault["kind"] == "delay")
    assert emu.hits_for("CreateAICall") == 1
    assert len(emu.calls) == 1  # the emulator did place it: this is why it must not be re-sent


def test_502_carries_its_status(emu: Emulator) -> None:
    emu.inject(kind="http_status", status=502)
    with pytest.raises(OutcomeUnknownError) as raised:
        emu.client().create_ai_call(**VALID_REQUEST)
    assert raised.value.http_status == 502 and raised.value.kind == "outcome_unknown"


def test_nothing_listening_is_a_connection_error(place: Callable[..., Any]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = ccc_aicall.Client(
        endpoint=f"http://127.0.0.1:{port}", secret_id="AKIDx" * 4, secret_key="k", max_retries=0
    )
    with pytest.raises(ApiConnectionError) as raised:
        client.create_ai_call(**VALID_REQUEST)
    assert raised.value.outcome_unknown is False and raised.value.kind == "connection"


def test_missing_credentials_name_the_arguments_and_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for var in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ConfigurationError) as raised:
        ccc_aicall.Client()
    assert isinstance(raised.value, ValueError) and raised.value.kind == "config"
    assert "secret_id" in str(raised.value) and "TENCENTCLOUD_SECRET_ID" in str(raised.value)


@pytest.mark.parametrize(
    "given, blank",
    [
        ({"secret_id": "", "secret_key": ""}, "secret_id"),
        ({"secret_id": " ", "secret_key": "key"}, "secret_id"),
        ({"secret_id": "AKIDx", "secret_key": "''"}, "secret_key"),
        ({"secret_key": " \" \" "}, "secret_key"),
        ({"secret_id": "AKIDx", "secret_key": "key", "token": ""}, "token"),
    ],
)
def test_blank_explicit_credentials_are_configuration_errors_not_a_fallback(
    monkeypatch: pytest.MonkeyPatch, given: dict, blank: str
) -> None:
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDfromtheenvironment")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "key-from-the-environment")
    with pytest.raises(ConfigurationError) as raised:
        ccc_aicall.Client(**given)
    assert f"`{blank}` was given but is blank" in str(raised.value)
    # None still means "not given".
    assert ccc_aicall.Client(secret_id=None, secret_key=None).secret_id == "AKIDfromtheenvironment"


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": -1.0},
        {"timeout": 0.0},
        {"language": "fr-FR"},
        {"rate_limit": -5.0},
        {"max_retries": 99},
        {"endpoint": "ftp://x"},
        {"ca_file": "/nonexistent/ca.pem"},
    ],
)
def test_bad_options_are_configuration_errors(options: dict) -> None:
    with pytest.raises(ConfigurationError):
        ccc_aicall.Client(secret_id="AKIDtest", secret_key="key", **options)


def test_hierarchy() -> None:
    assert issubclass(ValidationError, ValueError) and issubclass(ConfigurationError, ValueError)
    assert issubclass(ApiTimeoutError, ApiConnectionError)
    for cls in (AuthenticationError, RateLimitError, InvalidRequestError, CallRejectedError, InternalServerError):
        assert issubclass(cls, ApiError)
    for cls in (ValidationError, ConfigurationError, ApiError, ApiConnectionError, OutcomeUnknownError):
        assert issubclass(cls, CccError)


def _attributes(error: CccError) -> dict:
    return {**vars(error), "type": type(error), "str": str(error), "args": error.args}


def test_every_exception_pickles_with_its_attributes(emu: Emulator) -> None:
    client = emu.client(max_retries=0)
    raised = []
    for fault in ({"kind": "error", "code": "FailedOperation.CallOutFailed"}, {"kind": "http_status", "status": 502}):
        emu.inject(fault)
        with pytest.raises(CccError) as info:
            client.create_ai_call(**VALID_REQUEST)
        raised.append(info.value)
    with pytest.raises(ValidationError) as info:
        client.create_ai_call(sdk_app_id=1, vad_silence_time=5)
    raised.append(info.value)
    built = [
        cls(
            "text",
            kind="k",
            message="m",
            code="C",
            request_id="r",
            http_status=500,
            outcome_unknown=True,
            timed_out=True,
        )
        for cls in (
            CccError,
            ConfigurationError,
            AuthenticationError,
            RateLimitError,
            InvalidRequestError,
            CallRejectedError,
            InternalServerError,
            ApiConnectionError,
            ApiTimeoutError,
            OutcomeUnknownError,
        )
    ]
    for error in raised + built:
        copy = pickle.loads(pickle.dumps(error))
        assert _attributes(copy) == _attributes(error)
    validation = pickle.loads(pickle.dumps(raised[-1]))
    assert [p.field for p in validation.errors] == [p.field for p in raised[-1].errors]
    assert {p.field for p in validation.errors} >= {"vad_silence_time", "callee"}


def test_exceptions_are_named_from_the_package() -> None:
    assert RateLimitError.__module__ == "ccc_aicall"
    assert repr(RateLimitError("x")).startswith("RateLimitError(")
