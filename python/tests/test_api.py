"""The public surface: signatures and docs, defaults from the core, repr without secrets, TTS classes, request(),
the module-level create_ai_call, logging."""

from __future__ import annotations

import asyncio
import inspect
import logging
import pickle
import pydoc
import subprocess
import sys
from datetime import datetime, timezone
from typing import Any

import ccc_aicall
import pytest
from ccc_aicall import AiCallResult, AsyncClient, Client, ValidationError, tts
from ccc_aicall.testing import Emulator
from conftest import VALID_REQUEST

# The request's parameters, then the client's own keyword for the call.
KEYWORDS = [*ccc_aicall.PARAMETERS, "extra_params", "idempotency_key"]


@pytest.mark.parametrize(
    "fn",
    [Client.create_ai_call, AsyncClient.create_ai_call, ccc_aicall.create_ai_call],
    ids=["Client", "AsyncClient", "module"],
)
def test_every_parameter_is_an_explicit_keyword(fn: Any) -> None:
    params = inspect.signature(fn).parameters.values()
    named = [p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert named == KEYWORDS
    assert all(p.default is None for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY)
    assert fn.__doc__ and all(f"{name}:" in fn.__doc__ for name in KEYWORDS)


def words(text: str) -> str:
    """``text`` with its line breaks and indentation as single spaces (the reference is wrapped at 120 columns)."""
    return " ".join(text.split())


def test_help_shows_meanings_and_units() -> None:
    text = words(pydoc.render_doc(Client.create_ai_call, renderer=pydoc.plaintext))
    for expected in (
        "max_duration: User silence before the call is hung up; not the call length (see ``max_call_duration_ms``). "
        "In MILLISECONDS, at least 1000. Default 60000.",
        "max_call_duration_ms: The longest the call may last. In MILLISECONDS",
        "notify_duration: Callee silence before the agent nudges. In SECONDS, at least 10.",
        "vad_silence_time: Silence that ends an utterance (ASR VAD). In MILLISECONDS, 240 to 2000.",
        "acquire_timeout_second: How long to queue when the AI agent concurrency is exhausted. In SECONDS, 0 to 5.",
    ):
        assert expected in text
    async_text = words(pydoc.render_doc(AsyncClient.create_ai_call, renderer=pydoc.plaintext))
    assert "vad_silence_time: Silence that ends an utterance (ASR VAD). In MILLISECONDS" in async_text
    for obj in (
        ccc_aicall,
        Client,
        AsyncClient,
        AiCallResult,
        ccc_aicall.testing.Emulator,
        tts.Tencent,
        ccc_aicall.ValidationError,
        ccc_aicall.OutcomeUnknownError,
    ):
        assert obj.__doc__, obj


def test_defaults_come_from_the_core(emu: Emulator) -> None:
    client = Client(secret_id="AKIDtest", secret_key="key")
    assert client.endpoint == "https://ccc.intl.tencentcloudapi.com/"
    assert (client.timeout, client.connect_timeout, client.max_retries, client.rate_limit) == (30.0, 5.0, 2, 20.0)
    assert client.language == "en-US" and client.region is None
    # ... and match what the Client docstring promises.
    for promise in (
        "timeout: The time allowed for one attempt, connecting included. In SECONDS; default 30.",
        "connect_timeout: The time allowed for connecting. In SECONDS; default 5.",
        "at most 10. A request that may have dialled is never sent twice. Default 2.",
        "shared by every call on the client; 0 turns the limiters off.",
        "so polling never delays dialling. Default 20.",
        "Default ``ccc.intl.tencentcloudapi.com``.",
    ):
        assert promise in words(Client.__doc__ or "")
    assert Client(secret_id="AKIDtest", secret_key="key", rate_limit=0).rate_limit is None
    assert Client(secret_id="AKIDtest", secret_key="key", region="ap-singapore").region == "ap-singapore"


SECRET_ID = "AKIDdistinctive1234567890abcdefXYZ"
SECRET_KEY = "distinctive-SECRET-KEY-do-not-print"
TOKEN = "distinctive-SESSION-TOKEN-do-not-print"


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_repr_hides_every_secret(cls: Any, emu: Emulator) -> None:
    client = cls(secret_id=SECRET_ID, secret_key=SECRET_KEY, token=TOKEN, endpoint=emu.endpoint, region="ap-hongkong")
    text = repr(client) + str(client)
    assert SECRET_KEY not in text and TOKEN not in text and SECRET_ID not in text
    assert text.startswith(f"{cls.__name__}(endpoint='{emu.endpoint}/', region='ap-hongkong', secret_id='AKID***")
    with pytest.raises(TypeError):
        pickle.dumps(client)


def test_no_password_of_a_proxy_or_an_endpoint_is_shown(emu: Emulator) -> None:
    client = Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=emu.endpoint, proxy="http://u:PROXYPASS@p:1")
    assert "PROXYPASS" not in repr(client) + str(client)
    # An endpoint with user info is refused, and the refusal does not show the password.
    endpoint = emu.endpoint.replace("http://", "http://:ENDPOINTPASS@")
    with pytest.raises(ccc_aicall.ConfigurationError) as raised:
        Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=endpoint)
    assert "ENDPOINTPASS" not in str(raised.value) + repr(raised.value) and "***@" in str(raised.value)


def test_default_country_code_completes_numbers_written_without_one(emu: Emulator) -> None:
    national = {**VALID_REQUEST, "callee": "130 1234 5678", "callers": ["020 1234 5678"]}
    with pytest.raises(ccc_aicall.ValidationError) as raised:
        emu.client().create_ai_call(**national)
    assert [p.field for p in raised.value.errors] == ["callee", "callers[0]"]
    assert "has no country code" in raised.value.errors[0].message
    assert "130" not in str(raised.value)
    china = emu.client(default_country_code="+86")
    assert china.default_country_code == "86" and emu.client().default_country_code is None
    china.create_ai_call(**national)
    assert emu.calls[-1]["body"]["Callee"] == "008613012345678"
    assert emu.calls[-1]["body"]["Callers"] == ["00862012345678"]
    asyncio.run(emu.async_client(default_country_code="86").create_ai_call(**national))
    assert len(emu.calls) == 2
    with pytest.raises(ccc_aicall.ConfigurationError, match="default_country_code"):
        emu.client(default_country_code="999")


def test_errors_and_logs_never_show_secrets(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="ccc_aicall")
    client = Client(secret_id=SECRET_ID, secret_key=SECRET_KEY, token=TOKEN, endpoint=emu.endpoint)
    with pytest.raises(ccc_aicall.AuthenticationError) as raised:  # the emulator knows neither key nor token
        client.create_ai_call(**VALID_REQUEST)
    text = str(raised.value) + repr(raised.value) + caplog.text
    assert SECRET_KEY not in text and TOKEN not in text and VALID_REQUEST["api_key"] not in text


def test_tts_classes_give_the_documented_form_and_hide_credentials() -> None:
    config = tts.Tencent(app_id="1300000000", secret_id="AKIDtts", secret_key="tts-s3cr3t", voice_type=101001)
    assert config.to_dict() == {
        "TTSType": "tencent",
        "AppId": "1300000000",
        "SecretId": "AKIDtts",
        "SecretKey": "tts-s3cr3t",
        "VoiceType": 101001,
    }
    assert list(config.to_dict())[0] == "TTSType"
    assert tts.Minimax(api_key="k", group_id="g", api_url="https://api.minimax.chat/v1/t2a_v2").to_dict() == {
        "TTSType": "minimax",
        "APIKey": "k",
        "GroupId": "g",
        "APIUrl": "https://api.minimax.chat/v1/t2a_v2",
    }
    assert tts.Volcengine(app_id="a", token="t").to_dict() == {"TTSType": "volcengine", "AppId": "a", "Token": "t"}
    assert tts.Azure(subscription_key="s", region="r", voice_name="v", language="zh-CN", rate=1.2).to_dict() == {
        "TTSType": "azure",
        "SubscriptionKey": "s",
        "Region": "r",
        "VoiceName": "v",
        "Language": "zh-CN",
        "Rate": 1.2,
    }
    assert tts.Custom(api_key="k", api_url="https://tts.example/v1", sample_rate=8000).to_dict() == {
        "TTSType": "custom",
        "APIKey": "k",
        "APIUrl": "https://tts.example/v1",
        "SampleRate": 8000,
    }
    for secret_bearing in (
        config,
        tts.Minimax(api_key="tts-s3cr3t", group_id="g"),
        tts.Volcengine("a", "tts-s3cr3t"),
        tts.Azure("tts-s3cr3t", "r", "v", "l"),
        tts.Custom("tts-s3cr3t", "u"),
    ):
        assert "tts-s3cr3t" not in repr(secret_bearing) and "***" in repr(secret_bearing)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_request_reaches_other_actions(emu: Emulator, mode: str) -> None:
    client, aclient = emu.client(), emu.async_client()
    placed = client.create_ai_call(**VALID_REQUEST)
    params = {"SdkAppId": VALID_REQUEST["sdk_app_id"], "SessionId": placed.session_id}
    if mode == "sync":
        session = client.request("DescribeTelSession", params)
        hung_up = client.request("HangUpCall", params)
    else:
        import asyncio

        async def both() -> Any:
            return await aclient.request("DescribeTelSession", params), await aclient.request("HangUpCall", params)

        session, hung_up = asyncio.run(both())
    assert session["Session"]["SessionID"] == placed.session_id and session["RequestId"]
    assert hung_up["RequestId"]
    with pytest.raises(ccc_aicall.ValidationError):
        client.request("Not An Action", {})
    with pytest.raises(ccc_aicall.CallRejectedError):
        client.request("DescribeTelSession", {"SdkAppId": 1400000000, "SessionId": "no-such-session"})


def test_module_level_create_ai_call_uses_the_environment(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    from ccc_aicall import _client

    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", emu.secret_id)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", emu.secret_key)
    monkeypatch.setenv("CCC_AICALL_ENDPOINT", emu.endpoint)
    monkeypatch.setattr(_client, "_default_client", None)
    first = ccc_aicall.create_ai_call(**VALID_REQUEST)
    default = _client._default_client
    second = ccc_aicall.create_ai_call(**VALID_REQUEST)
    assert _client._default_client is default  # built once, then shared
    assert [c["session_id"] for c in emu.calls] == [first.session_id, second.session_id]


def test_results_compare_hash_pickle_and_repr() -> None:
    placed_at = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
    result = AiCallResult("session-1", "request-1", 1400000000, "008613012345678", placed_at)
    same = AiCallResult("session-1", "request-1", 1400000000, "008613012345678", placed_at.timestamp())
    assert result == same and hash(result) == hash(same)
    assert result.placed_at == placed_at and result.placed_at.tzinfo is not None
    assert (result.sdk_app_id, result.callee) == (1400000000, "008613012345678")
    assert pickle.loads(pickle.dumps(result)) == result
    assert repr(result) == "AiCallResult(session_id='session-1', request_id='request-1')"
    with pytest.raises(AttributeError):
        result.session_id = "x"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="placed_at"):
        AiCallResult("s", "r", 1, "0086", datetime(2025, 1, 2))  # naive: which zone?


def test_a_placed_call_knows_its_app_callee_and_send_time(emu: Emulator) -> None:
    before = datetime.now(timezone.utc)
    result = emu.client().create_ai_call(**{**VALID_REQUEST, "callee": "+86 130 1234 5678"})
    after = datetime.now(timezone.utc)
    assert result.sdk_app_id == VALID_REQUEST["sdk_app_id"]
    assert result.callee == "008613012345678"  # normalised, as sent
    assert before <= result.placed_at <= after
    assert pickle.loads(pickle.dumps(result)) == result


def test_core_logs_reach_python_logging(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ccc_aicall")
    result = emu.client().create_ai_call(**VALID_REQUEST)
    records = [r for r in caplog.records if r.name == "ccc_aicall"]
    assert any("action=CreateAICall" in r.getMessage() and result.request_id in r.getMessage() for r in records)


def test_logging_configured_after_the_client_applies_to_later_calls(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    # The level is read when a call starts (records below it never reach Python), not once per client or process.
    client, aclient = emu.client(), emu.async_client()
    ours = [
        lambda: client.create_ai_call(**VALID_REQUEST),
        lambda: asyncio.run(aclient.create_ai_call(**VALID_REQUEST)),
    ]

    def logged(place: Any) -> list[str]:
        caplog.clear()
        result = place()
        return [
            r.getMessage() for r in caplog.records if r.name == "ccc_aicall" and result.request_id in r.getMessage()
        ]

    for place in ours:
        caplog.set_level(logging.WARNING, logger="ccc_aicall")
        assert logged(place) == []
        caplog.set_level(logging.INFO, logger="ccc_aicall")
        assert len(logged(place)) == 1
        logging.disable(logging.INFO)
        try:
            assert logged(place) == []
        finally:
            logging.disable(logging.NOTSET)
        assert len(logged(place)) == 1


def test_ccc_aicall_log_prints_to_stderr(emu: Emulator) -> None:
    code = (
        "import sys, ccc_aicall\n"
        "client = ccc_aicall.Client(endpoint=sys.argv[1], secret_id=sys.argv[2], secret_key=sys.argv[3])\n"
        "client.create_ai_call(sdk_app_id=1400000000, callee='008613012345678', llm_type='dify', api_key='k',\n"
        "                      api_url='https://api.dify.ai/v1')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, emu.endpoint, emu.secret_id, emu.secret_key],
        env={"CCC_AICALL_LOG": "info"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "[INFO ccc_aicall] action=CreateAICall attempt=1" in run.stderr


def test_a_program_that_never_imports_logging_does_not_pay_for_it() -> None:
    # Cold start (bench/analysis.md): importing logging cost more than building a client and placing its first
    # call, so it waits for a record that logging's default level (WARNING) lets through, which still reaches
    # logging's default handler on stderr.
    code = (
        "import sys\n"
        "from ccc_aicall.testing import Emulator\n"
        "request = dict(sdk_app_id=1400000000, callee='008613012345678', llm_type='dify', api_key='k',\n"
        "               api_url='https://api.dify.ai/v1')\n"
        "with Emulator() as emu:\n"
        "    emu.client().create_ai_call(**request)\n"
        "    print('logging' in sys.modules, flush=True)\n"
        "    emu.clock_offset = 600  # SignatureExpire, then re-signed with a warning\n"
        "    emu.client().create_ai_call(**request)\n"
        "    print('logging' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env={})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True"]
    assert "local clock is 600 s off the service's" in run.stderr


def test_import_leaves_heavy_modules_for_first_use() -> None:
    # `import ccc_aicall` is timed by the bench (target: under 25 ms): logging, dataclasses and inspect are a
    # half of it, so they wait for the first client / the first `ccc_aicall.tts` use.
    code = (
        "import sys, typing, ccc_aicall\n"
        "print(sorted(m for m in ('logging', 'dataclasses', 'inspect', 'ccc_aicall.tts') if m in sys.modules))\n"
        "ccc_aicall.tts.Tencent  # the attribute still works, importing the module\n"
        "hints = typing.get_type_hints(ccc_aicall.Client.create_ai_call)\n"
        "print(ccc_aicall.tts.TtsConfig in typing.get_args(hints['custom_tts_config']))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env={})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["[]", "True"]
