"""Client, AsyncClient and the module-level create_ai_call: explicit, documented signatures over the native client.

Every method here only converts its arguments and forwards them; validation, defaults, retries, rate limiting
and error classification all happen in the Rust core. The keywords of create_ai_call and the docstrings of Client
and Client.create_ai_call are generated from the core's declarations: edit those, then run `make gen`.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, NoReturn, Optional, Sequence, Union

from . import _native
from ._campaign import CampaignReport, CampaignStatus, Progress, _CsvRow, progress_callback, source_of
from ._native import AiCallResult
from ._outcome import CallOutcome, CallState, Reconciled

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    # Imported when first used rather than here: dataclasses (and inspect with it) are a third of the import
    # time. `ccc_aicall.tts` puts TtsConfig in this module when it is imported, for typing.get_type_hints().
    from .tts import TtsConfig

__all__ = ["Client", "AsyncClient", "create_ai_call", "create_ai_calls", "read_calls_csv"]

_Items = Sequence[Mapping[str, Any]]
_TtsValue = Union["TtsConfig", Mapping[str, Any], str]
_JsonText = Union[str, Mapping[str, Any]]


def _given(params: Dict[str, Any]) -> Dict[str, Any]:
    """The keywords of a create_ai_call as the native layer takes them. ``params`` is the call's own ``**params``
    dict; None means "not set" there as everywhere (the core ignores it)."""
    if "custom_tts_config" in params:
        params["custom_tts_config"] = _tts_plain(params["custom_tts_config"])
    return params


def _declared(run: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorates the declaration of a create_ai_call so that ``run`` is what a call runs, under the declaration's
    name, signature and documentation (``help()``, Jupyter and ``inspect.signature`` find it through
    ``__wrapped__``).

    Why: CPython matches each keyword of a call against every declared parameter, comparing the strings unless they
    are the same object. Keys made at run time (``**row`` from a CSV file or JSON) are not, and with 45 parameters
    that matching, then ``locals()``, was most of this layer's time per call (bench/analysis.md). ``run`` takes the
    keywords as ``**params`` instead; the core checks their names anyway (an unknown one is a TypeError naming the
    closest).
    """

    def declare(declaration: Callable[..., Any]) -> Callable[..., Any]:
        return functools.update_wrapper(run, declaration)

    return declare


def _place(self: Client, *, idempotency_key: Optional[str] = None, **params: Any) -> AiCallResult:
    return self._create_ai_call(_given(params), idempotency_key)


async def _place_async(self: AsyncClient, *, idempotency_key: Optional[str] = None, **params: Any) -> AiCallResult:
    latch = _native.SendLatch()
    try:
        return await self._create_ai_call_async(_given(params), latch, idempotency_key)
    except BaseException as exc:
        _abandoned(exc, latch)
        raise


def _place_default(*, idempotency_key: Optional[str] = None, **params: Any) -> AiCallResult:
    return _default()._create_ai_call(_given(params), idempotency_key)


def _tts_plain(value: Any) -> Any:
    """A typed TTS config as its dict; anything else as it is. No TtsConfig exists unless ccc_aicall.tts was
    imported, so it is not imported here."""
    tts = sys.modules.get("ccc_aicall.tts")
    return value.to_dict() if tts is not None and isinstance(value, tts.TtsConfig) else value


_Calls = Sequence[Mapping[str, Any]]
_Path = Union[str, "os.PathLike[str]"]
DEFAULT_CONCURRENCY: int = _native.CAMPAIGN_CONCURRENCY
DEFAULT_WAIT_TIMEOUT: float = _native.CAMPAIGN_WAIT_TIMEOUT

_Call = Union[AiCallResult, str]
_Seconds = Union[float, "timedelta"]
_When = Union["datetime", float]
# The core's defaults of a wait, shown in the signatures.
_WAIT_TIMEOUT: float = _native.WAIT_TIMEOUT
_WAIT_POLL_INTERVAL: float = _native.WAIT_POLL_INTERVAL
_WAIT_TRANSCRIPT: bool = _native.WAIT_TRANSCRIPT
_WAIT_EXTRACTION: bool = _native.WAIT_EXTRACTION


def _plain(call: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    """A campaign's call or defaults as the native layer takes them (typed TTS configs as their dicts)."""
    if call is None:
        return None
    plain = dict(call)
    if "custom_tts_config" in plain:
        plain["custom_tts_config"] = _tts_plain(plain["custom_tts_config"])
    return plain


def _campaign_args(
    calls: _Calls,
    defaults: Optional[Mapping[str, Any]],
    concurrency: int,
    journal: Optional[_Path],
    campaign: Optional[str],
    skip_invalid: bool,
    refused_retries: Optional[int],
    default_country_code: Optional[str],
) -> Dict[str, Any]:
    """The arguments of a campaign as the native layer takes them."""
    if isinstance(calls, (str, bytes)) or isinstance(calls, Mapping):
        raise TypeError(f"calls must be a list of dicts (one per call), not {type(calls).__name__}")
    calls = list(calls)
    sources = [source_of(call) for call in calls]
    return {
        "calls": [_plain(call) if isinstance(call, Mapping) else call for call in calls],
        "defaults": _plain(defaults),
        "concurrency": concurrency,
        "journal": journal,
        "campaign": campaign,
        "skip_invalid": skip_invalid,
        "refused_retries": refused_retries,
        "default_country_code": default_country_code,
        # Rows read from a file name their line in the problems (`(patients.csv line 3)`).
        "sources": sources if any(sources) else None,
    }


class Client(_native.Client):
    # <generated: Client.doc>
    """A client for Tencent Cloud Contact Center's CreateAICall (and its sibling actions), blocking.

    Safe to share between threads; every call releases the GIL while it waits, and works inside a running asyncio loop
    (Jupyter). Ctrl-C stops a call in flight. Every option is resolved once, here: explicit argument, then environment,
    then the default. None (the default for every argument) means "environment, then default".

    Args:
        secret_id: The SecretId of a Tencent Cloud API key. Else the environment, else ~/.tencentcloud/credentials (then
            /etc/tencentcloud/credentials), section [default]. A blank value given explicitly is an error. Environment:
            ``TENCENTCLOUD_SECRET_ID``.
        secret_key: The SecretKey of that API key. Never printed. Else the environment, else the profile file.
            Environment: ``TENCENTCLOUD_SECRET_KEY``.
        token: The session token of temporary credentials (STS). Never printed. Environment:
            ``TENCENTCLOUD_SESSION_TOKEN``.
        region: The region, e.g. ap-singapore, sent as X-TC-Region; the actions need none, so by default none is sent.
            Environment: ``TENCENTCLOUD_REGION``.
        endpoint: A host (https; ``ccc.tencentcloudapi.com`` for the mainland site) or a URL such as
            ``http://127.0.0.1:8080``, used as given. Default ``ccc.intl.tencentcloudapi.com``. Environment:
            ``CCC_AICALL_ENDPOINT``.
        language: The language of the service's messages: en-US or zh-CN. Default ``en-US``.
        timeout: The time allowed for one attempt, connecting included. In SECONDS; default 30.
        connect_timeout: The time allowed for connecting. In SECONDS; default 5.
        max_retries: Retries of requests that certainly did not reach the service or that it refused without acting, at
            most 10. A request that may have dialled is never sent twice. Default 2.
        rate_limit: Requests per second for CreateAICall, shared by every call on the client; 0 turns the limiters off.
            Every other action has a budget of its own, at its documented limit (20/s) or this one if lower, so polling
            never delays dialling. Default 20.
        proxy: A proxy URL; NO_PROXY is honoured too. Its password is never printed. Environment: ``HTTPS_PROXY``, then
            ``HTTP_PROXY``.
        ca_file: A PEM file of extra trusted root certificates (a corporate TLS-intercepting proxy); verification is
            never switched off.
        default_country_code: The country calling code ("86" or "+86") put in front of phone numbers written without
            one; without it such numbers are refused. A national trunk prefix such as China's leading 0 is dropped.
        redis_url: A Redis server shared by every process using the same SecretId (``redis://host:6379/0``): one
            rate-limit budget per action across all of them, and idempotency keys that hold across processes. Without it
            both stay in this process. Its password is never printed. Environment: ``CCC_AICALL_REDIS_URL``.
        store_fallback_local: When the Redis store cannot be reached: fall back to this process's own rate limiter
            instead of refusing CreateAICall (error kind store_unavailable, nothing sent). A call with an idempotency
            key is never sent without its claim, whatever this says. Default ``false``.
        idempotency_ttl: How long an idempotency key is remembered, at least one second. In SECONDS; default 86400.

    Raises:
        ConfigurationError: no credentials found, a credential given explicitly but blank (``secret_id=""``: leave it
            out, or pass None, to read the environment), or an option is invalid.
    """

    # </generated: Client.doc>

    __slots__ = ()

    # Two signatures: a type checker sees the required parameters as required and has no catch-all for misspelt
    # keywords; at run time every keyword may be left out, so that the core reports everything missing at once
    # (a ValidationError), and an unknown one reaches the core, which raises a TypeError naming the closest.
    if TYPE_CHECKING:

        def create_ai_call(
            self,
            *,
            # <generated: Client.create_ai_call.keywords.typed>
            sdk_app_id: int,
            callee: str,
            llm_type: str,
            api_key: str,
            api_url: str,
            system_prompt: Optional[str] = None,
            model: Optional[str] = None,
            voice_type: Optional[str] = None,
            callers: Optional[Sequence[str]] = None,
            welcome_message: Optional[str] = None,
            welcome_type: Optional[int] = None,
            welcome_message_priority: Optional[int] = None,
            max_duration: Optional[int] = None,
            languages: Optional[Sequence[str]] = None,
            interrupt_mode: Optional[int] = None,
            interrupt_speech_duration: Optional[int] = None,
            end_function_enable: Optional[bool] = None,
            end_function_desc: Optional[str] = None,
            transfer_function_enable: Optional[bool] = None,
            transfer_items: Optional[_Items] = None,
            transfer_to_agent_enable: Optional[bool] = None,
            transfer_to_agent_items: Optional[_Items] = None,
            notify_duration: Optional[int] = None,
            notify_message: Optional[str] = None,
            notify_max_count: Optional[int] = None,
            custom_tts_config: Optional[_TtsValue] = None,
            prompt_variables: Optional[_Items] = None,
            vad_silence_time: Optional[int] = None,
            extract_config: Optional[_Items] = None,
            temperature: Optional[float] = None,
            variables: Optional[_Items] = None,
            top_p: Optional[float] = None,
            vad_level: Optional[int] = None,
            tone_word: Optional[Mapping[str, Any]] = None,
            enable_compliance_audio: Optional[bool] = None,
            enable_voicemail_detection: Optional[bool] = None,
            voicemail_action: Optional[int] = None,
            llm_extra_body: Optional[_JsonText] = None,
            max_call_duration_ms: Optional[int] = None,
            max_ring_timeout_second: Optional[int] = None,
            ambient_sound_type: Optional[str] = None,
            ambient_sound_volume: Optional[float] = None,
            acquire_timeout_second: Optional[int] = None,
            custom_stt_config: Optional[_JsonText] = None,
            extra_params: Optional[Mapping[str, Any]] = None,
            idempotency_key: Optional[str] = None,
            # </generated: Client.create_ai_call.keywords.typed>
        ) -> AiCallResult:
            # <generated: Client.create_ai_call.doc.typed>
            """Place one AI call: the service dials ``callee`` and an LLM agent talks. Returns its SessionId.

            The request is validated first (every problem is reported at once, nothing is sent), then sent once, signed,
            through the client's rate limiter. None means "not set" for every parameter. Nested values accept snake_case
            keys or the service's PascalCase ones.

            Required:
                sdk_app_id: Your CCC application id, a positive integer (from the CCC console).
                callee: The number to call, with its country code: +86 130 1234 5678 or 008613012345678. Sent as 00 +
                    country code + number; a number without one needs the client's default country code.
                llm_type: The LLM protocol. "openai" covers GPT, Hunyuan, DeepSeek and other OpenAI-compatible APIs. One
                    of ``openai``, ``azure``, ``minimax``, ``dify``.
                api_key: The LLM provider's API key. Never printed.
                api_url: The LLM base URL, e.g. ``https://api.openai.com/v1/``. For "azure":
                    ``https://{resource}.openai.azure.com?api-version=...`` or an ``/openai/v1/`` endpoint.
                system_prompt: The global prompt: the agent's persona, rules and task. Required unless ``llm_type`` is
                    "dify".
                model: The model name, e.g. gpt-4o-mini, deepseek-chat, hunyuan-turbo. Required unless ``llm_type`` is
                    "dify".

            Voice and conversation:
                voice_type: A built-in voice; leave it unset when ``custom_tts_config`` is given. One of ``ZhiMei``,
                    ``ZhiXi``, ``ZhiQi``, ``ZhiTian``, ``AiXiaoJing``, ``WeRose``, ``Monika``, ``Nanami``, ``SunHi``,
                    ``Gadis``, ``Yasmin``, ``Kani``, ``Achara``, ``HoaiMy``.
                callers: Caller-ID numbers to call from.
                welcome_message: The greeting.
                welcome_type: Who speaks first. ``0`` = speak ``welcome_message``, or wait for the callee when it is
                    empty; ``1`` = the LLM greets first.
                welcome_message_priority: Whether the greeting can be interrupted. ``0`` = it can be interrupted;
                    ``2`` = it cannot. Default 0.
                max_duration: User silence before the call is hung up; not the call length (see
                    ``max_call_duration_ms``). In MILLISECONDS, at least 1000. Default 60000.
                languages: ASR languages; the first is the primary one. zh-dialect must stand alone. 1 to 4 entries, no
                    two alike. One of ``zh``, ``zh-TW``, ``zh-dialect``, ``en``, ``vi``, ``ja``, ``ko``, ``id``, ``th``,
                    ``pt``, ``tr``, ``ar``, ``es``, ``hi``, ``fr``, ``ms``, ``fil``, ``de``, ``it``, ``ru``.
                interrupt_mode: Whether the callee can interrupt the agent. ``0`` = the callee can interrupt; ``1`` = no
                    interruption. Default 0.
                interrupt_speech_duration: Callee speech that interrupts the agent (with ``interrupt_mode`` 0). In
                    MILLISECONDS. Default 500.
                notify_duration: Callee silence before the agent nudges. In SECONDS, at least 10. Default 10.
                notify_message: The nudge.
                notify_max_count: The most nudges per call (unset: no limit).
                custom_tts_config: Your own TTS vendor, instead of a built-in ``voice_type``. Its credentials are never
                    printed. A ``ccc_aicall.tts`` class (``Tencent``, ``Minimax``, ``Volcengine``, ``Azure``,
                    ``Custom``), the documented dict (``{"TTSType": "tencent", ...}``, snake_case keys too) or its JSON
                    string.
                vad_silence_time: Silence that ends an utterance (ASR VAD). In MILLISECONDS, 240 to 2000. Default 1000.
                vad_level: Far-field voice suppression: 0 is off, 2 is recommended. 0 to 3. Default 0.
                tone_word: Filler words played while the LLM is slow to answer. A dict of:
                    first_sentence_timeout (float): How long the LLM may take before a filler word is played. In
                        SECONDS, greater than 0.
                    zh_tone_words (dict): Chinese filler words by mood. A dict of:
                        neutral (list of str): Neutral filler words.
                        positive (list of str): Positive filler words.
                        negative (list of str): Negative filler words.
                enable_compliance_audio: Play the "AI-generated" compliance tone; turning it off makes labelling the
                    call your duty. Default True.
                ambient_sound_type: Background sound. One of ``coffee_shops``, ``busy_office``.
                ambient_sound_volume: The background sound's volume. 0 to 2. Default 1.

            LLM:
                prompt_variables: Variables substituted into the prompt. A list of dicts, each of:
                    key (str, required): The variable's name, unique in the list.
                    value (str, required): Its value (may be empty).
                temperature: The LLM's temperature. 0 to 2.
                variables: General variables: prompt and greeting variables, welcome-message-delay (s),
                    dify-inputs-*. A list of dicts, each of:
                    key (str, required): The variable's name, unique in the list.
                    value (str, required): Its value (may be empty).
                top_p: The LLM's top_p. 0 to 1.
                llm_extra_body: Extra fields for the LLM's request body: a JSON object (or its text).

            Tools:
                end_function_enable: Let the agent hang up (the call_end function).
                end_function_desc: When the agent should hang up, for the LLM.
                transfer_function_enable: Let the agent transfer the call to a human (the transfer_to_human function).
                transfer_items: The transfer-to-human tools. A list of dicts, each of:
                    transfer_function_name (str, required): The function name the LLM calls, unique in the list.
                    transfer_function_desc (str, required): When the LLM should transfer to a human.
                    transfer_skill_group_id (int, required): The id of the skill group to transfer to.
                transfer_to_agent_enable: Let the agent hand the call over to another AI agent.
                transfer_to_agent_items: The transfer-to-agent tools. A list of dicts, each of:
                    transfer_to_agent_name (str, required): The function name the LLM calls, unique in the list.
                    transfer_to_agent_desc (str, required): When the LLM should hand over to this agent.
                    transfer_to_agent_id (int, required): The id of the AI agent to transfer to.
                extract_config: Information to extract from the conversation after the call. A list of dicts, each of:
                    info_type (str, required): The kind of value. One of ``Text``, ``Selector``, ``Boolean``,
                        ``Number``.
                    info_name (str, required): The name of the information, unique in the list.
                    info_content (str): What to extract, for the LLM.
                    examples (list of str): Examples of values.
                    choices (list of str): The values to choose from; required when ``info_type`` is "Selector".

            Call control:
                enable_voicemail_detection: Detect voicemail.
                voicemail_action: What to do on voicemail: 0 hangs up. Default 0.
                max_call_duration_ms: The longest the call may last. In MILLISECONDS, at least 1000.
                max_ring_timeout_second: How long to let it ring (your own numbers only). In SECONDS.
                acquire_timeout_second: How long to queue when the AI agent concurrency is exhausted. In SECONDS,
                    0 to 5. Default 5.
                custom_stt_config: A custom STT configuration (JSON; ask Tencent before using it). Never printed.
                extra_params: Raw wire parameters the service added after this SDK, sent as given. Their keys are the
                    service's own (PascalCase) names; a modelled parameter is refused here.

            Per call (not sent to the service):
                idempotency_key: Send this call at most once per key (1 to 255 bytes, e.g. ``f"appt-{appt_id}"``): a
                    repeat with the same key, in this process or any other sharing the client's ``redis_url``, sends
                    nothing and returns the first call's result (``replayed`` True), or raises
                    IdempotencyKeyPendingError while that call is in flight or after it ended with its outcome unknown.
                    Remembered for the client's ``idempotency_ttl``. The key is claimed before anything is sent: with
                    ``redis_url``, a Redis that cannot be reached raises StoreUnavailableError (nothing sent), whatever
                    ``store_fallback_local`` says. A key reused for a different call is a ValidationError.

            Returns:
                AiCallResult with ``session_id`` and ``request_id`` (``replayed`` True when an earlier call with the
                    same ``idempotency_key`` placed it and nothing was sent now).

            Raises:
                TypeError: an unknown keyword (the message suggests the closest name).
                ValidationError: the request breaks documented rules; ``errors`` lists each field; nothing was sent.
                RateLimitError, AuthenticationError, InvalidRequestError, CallRejectedError: the service refused; no
                    call was placed.
                InternalServerError, OutcomeUnknownError: the call may have been placed (``outcome_unknown``); never
                    blindly retry those. IdempotencyKeyPendingError (an OutcomeUnknownError): an earlier call with the
                    same ``idempotency_key`` may have placed it; nothing was sent now.
                ApiConnectionError, ApiTimeoutError: nothing reached the service.
                StoreUnavailableError: the shared store (``redis_url``) could not be used; nothing was sent.
            """
            # </generated: Client.create_ai_call.doc.typed>

    else:

        @_declared(_place)
        def create_ai_call(
            self,
            *,
            # <generated: Client.create_ai_call.keywords>
            sdk_app_id: Optional[int] = None,
            callee: Optional[str] = None,
            llm_type: Optional[str] = None,
            api_key: Optional[str] = None,
            api_url: Optional[str] = None,
            system_prompt: Optional[str] = None,
            model: Optional[str] = None,
            voice_type: Optional[str] = None,
            callers: Optional[Sequence[str]] = None,
            welcome_message: Optional[str] = None,
            welcome_type: Optional[int] = None,
            welcome_message_priority: Optional[int] = None,
            max_duration: Optional[int] = None,
            languages: Optional[Sequence[str]] = None,
            interrupt_mode: Optional[int] = None,
            interrupt_speech_duration: Optional[int] = None,
            end_function_enable: Optional[bool] = None,
            end_function_desc: Optional[str] = None,
            transfer_function_enable: Optional[bool] = None,
            transfer_items: Optional[_Items] = None,
            transfer_to_agent_enable: Optional[bool] = None,
            transfer_to_agent_items: Optional[_Items] = None,
            notify_duration: Optional[int] = None,
            notify_message: Optional[str] = None,
            notify_max_count: Optional[int] = None,
            custom_tts_config: Optional[_TtsValue] = None,
            prompt_variables: Optional[_Items] = None,
            vad_silence_time: Optional[int] = None,
            extract_config: Optional[_Items] = None,
            temperature: Optional[float] = None,
            variables: Optional[_Items] = None,
            top_p: Optional[float] = None,
            vad_level: Optional[int] = None,
            tone_word: Optional[Mapping[str, Any]] = None,
            enable_compliance_audio: Optional[bool] = None,
            enable_voicemail_detection: Optional[bool] = None,
            voicemail_action: Optional[int] = None,
            llm_extra_body: Optional[_JsonText] = None,
            max_call_duration_ms: Optional[int] = None,
            max_ring_timeout_second: Optional[int] = None,
            ambient_sound_type: Optional[str] = None,
            ambient_sound_volume: Optional[float] = None,
            acquire_timeout_second: Optional[int] = None,
            custom_stt_config: Optional[_JsonText] = None,
            extra_params: Optional[Mapping[str, Any]] = None,
            idempotency_key: Optional[str] = None,
            # </generated: Client.create_ai_call.keywords>
            **unexpected: NoReturn,
        ) -> AiCallResult:
            # <generated: Client.create_ai_call.doc>
            """Place one AI call: the service dials ``callee`` and an LLM agent talks. Returns its SessionId.

            The request is validated first (every problem is reported at once, nothing is sent), then sent once, signed,
            through the client's rate limiter. None means "not set" for every parameter. Nested values accept snake_case
            keys or the service's PascalCase ones.

            Required:
                sdk_app_id: Your CCC application id, a positive integer (from the CCC console).
                callee: The number to call, with its country code: +86 130 1234 5678 or 008613012345678. Sent as 00 +
                    country code + number; a number without one needs the client's default country code.
                llm_type: The LLM protocol. "openai" covers GPT, Hunyuan, DeepSeek and other OpenAI-compatible APIs. One
                    of ``openai``, ``azure``, ``minimax``, ``dify``.
                api_key: The LLM provider's API key. Never printed.
                api_url: The LLM base URL, e.g. ``https://api.openai.com/v1/``. For "azure":
                    ``https://{resource}.openai.azure.com?api-version=...`` or an ``/openai/v1/`` endpoint.
                system_prompt: The global prompt: the agent's persona, rules and task. Required unless ``llm_type`` is
                    "dify".
                model: The model name, e.g. gpt-4o-mini, deepseek-chat, hunyuan-turbo. Required unless ``llm_type`` is
                    "dify".

            Voice and conversation:
                voice_type: A built-in voice; leave it unset when ``custom_tts_config`` is given. One of ``ZhiMei``,
                    ``ZhiXi``, ``ZhiQi``, ``ZhiTian``, ``AiXiaoJing``, ``WeRose``, ``Monika``, ``Nanami``, ``SunHi``,
                    ``Gadis``, ``Yasmin``, ``Kani``, ``Achara``, ``HoaiMy``.
                callers: Caller-ID numbers to call from.
                welcome_message: The greeting.
                welcome_type: Who speaks first. ``0`` = speak ``welcome_message``, or wait for the callee when it is
                    empty; ``1`` = the LLM greets first.
                welcome_message_priority: Whether the greeting can be interrupted. ``0`` = it can be interrupted;
                    ``2`` = it cannot. Default 0.
                max_duration: User silence before the call is hung up; not the call length (see
                    ``max_call_duration_ms``). In MILLISECONDS, at least 1000. Default 60000.
                languages: ASR languages; the first is the primary one. zh-dialect must stand alone. 1 to 4 entries, no
                    two alike. One of ``zh``, ``zh-TW``, ``zh-dialect``, ``en``, ``vi``, ``ja``, ``ko``, ``id``, ``th``,
                    ``pt``, ``tr``, ``ar``, ``es``, ``hi``, ``fr``, ``ms``, ``fil``, ``de``, ``it``, ``ru``.
                interrupt_mode: Whether the callee can interrupt the agent. ``0`` = the callee can interrupt; ``1`` = no
                    interruption. Default 0.
                interrupt_speech_duration: Callee speech that interrupts the agent (with ``interrupt_mode`` 0). In
                    MILLISECONDS. Default 500.
                notify_duration: Callee silence before the agent nudges. In SECONDS, at least 10. Default 10.
                notify_message: The nudge.
                notify_max_count: The most nudges per call (unset: no limit).
                custom_tts_config: Your own TTS vendor, instead of a built-in ``voice_type``. Its credentials are never
                    printed. A ``ccc_aicall.tts`` class (``Tencent``, ``Minimax``, ``Volcengine``, ``Azure``,
                    ``Custom``), the documented dict (``{"TTSType": "tencent", ...}``, snake_case keys too) or its JSON
                    string.
                vad_silence_time: Silence that ends an utterance (ASR VAD). In MILLISECONDS, 240 to 2000. Default 1000.
                vad_level: Far-field voice suppression: 0 is off, 2 is recommended. 0 to 3. Default 0.
                tone_word: Filler words played while the LLM is slow to answer. A dict of:
                    first_sentence_timeout (float): How long the LLM may take before a filler word is played. In
                        SECONDS, greater than 0.
                    zh_tone_words (dict): Chinese filler words by mood. A dict of:
                        neutral (list of str): Neutral filler words.
                        positive (list of str): Positive filler words.
                        negative (list of str): Negative filler words.
                enable_compliance_audio: Play the "AI-generated" compliance tone; turning it off makes labelling the
                    call your duty. Default True.
                ambient_sound_type: Background sound. One of ``coffee_shops``, ``busy_office``.
                ambient_sound_volume: The background sound's volume. 0 to 2. Default 1.

            LLM:
                prompt_variables: Variables substituted into the prompt. A list of dicts, each of:
                    key (str, required): The variable's name, unique in the list.
                    value (str, required): Its value (may be empty).
                temperature: The LLM's temperature. 0 to 2.
                variables: General variables: prompt and greeting variables, welcome-message-delay (s),
                    dify-inputs-*. A list of dicts, each of:
                    key (str, required): The variable's name, unique in the list.
                    value (str, required): Its value (may be empty).
                top_p: The LLM's top_p. 0 to 1.
                llm_extra_body: Extra fields for the LLM's request body: a JSON object (or its text).

            Tools:
                end_function_enable: Let the agent hang up (the call_end function).
                end_function_desc: When the agent should hang up, for the LLM.
                transfer_function_enable: Let the agent transfer the call to a human (the transfer_to_human function).
                transfer_items: The transfer-to-human tools. A list of dicts, each of:
                    transfer_function_name (str, required): The function name the LLM calls, unique in the list.
                    transfer_function_desc (str, required): When the LLM should transfer to a human.
                    transfer_skill_group_id (int, required): The id of the skill group to transfer to.
                transfer_to_agent_enable: Let the agent hand the call over to another AI agent.
                transfer_to_agent_items: The transfer-to-agent tools. A list of dicts, each of:
                    transfer_to_agent_name (str, required): The function name the LLM calls, unique in the list.
                    transfer_to_agent_desc (str, required): When the LLM should hand over to this agent.
                    transfer_to_agent_id (int, required): The id of the AI agent to transfer to.
                extract_config: Information to extract from the conversation after the call. A list of dicts, each of:
                    info_type (str, required): The kind of value. One of ``Text``, ``Selector``, ``Boolean``,
                        ``Number``.
                    info_name (str, required): The name of the information, unique in the list.
                    info_content (str): What to extract, for the LLM.
                    examples (list of str): Examples of values.
                    choices (list of str): The values to choose from; required when ``info_type`` is "Selector".

            Call control:
                enable_voicemail_detection: Detect voicemail.
                voicemail_action: What to do on voicemail: 0 hangs up. Default 0.
                max_call_duration_ms: The longest the call may last. In MILLISECONDS, at least 1000.
                max_ring_timeout_second: How long to let it ring (your own numbers only). In SECONDS.
                acquire_timeout_second: How long to queue when the AI agent concurrency is exhausted. In SECONDS,
                    0 to 5. Default 5.
                custom_stt_config: A custom STT configuration (JSON; ask Tencent before using it). Never printed.
                extra_params: Raw wire parameters the service added after this SDK, sent as given. Their keys are the
                    service's own (PascalCase) names; a modelled parameter is refused here.

            Per call (not sent to the service):
                idempotency_key: Send this call at most once per key (1 to 255 bytes, e.g. ``f"appt-{appt_id}"``): a
                    repeat with the same key, in this process or any other sharing the client's ``redis_url``, sends
                    nothing and returns the first call's result (``replayed`` True), or raises
                    IdempotencyKeyPendingError while that call is in flight or after it ended with its outcome unknown.
                    Remembered for the client's ``idempotency_ttl``. The key is claimed before anything is sent: with
                    ``redis_url``, a Redis that cannot be reached raises StoreUnavailableError (nothing sent), whatever
                    ``store_fallback_local`` says. A key reused for a different call is a ValidationError.

            Returns:
                AiCallResult with ``session_id`` and ``request_id`` (``replayed`` True when an earlier call with the
                    same ``idempotency_key`` placed it and nothing was sent now).

            Raises:
                TypeError: an unknown keyword (the message suggests the closest name).
                ValidationError: the request breaks documented rules; ``errors`` lists each field; nothing was sent.
                RateLimitError, AuthenticationError, InvalidRequestError, CallRejectedError: the service refused; no
                    call was placed.
                InternalServerError, OutcomeUnknownError: the call may have been placed (``outcome_unknown``); never
                    blindly retry those. IdempotencyKeyPendingError (an OutcomeUnknownError): an earlier call with the
                    same ``idempotency_key`` may have placed it; nothing was sent now.
                ApiConnectionError, ApiTimeoutError: nothing reached the service.
                StoreUnavailableError: the shared store (``redis_url``) could not be used; nothing was sent.
            """
            # </generated: Client.create_ai_call.doc>

    def request(self, action: str, params: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Call another CCC action through the same signed, rate-limited path and return its ``Response``.

        ``params`` are the action's wire parameters (PascalCase), e.g.
        ``client.request("DescribeTelSession", {"SdkAppId": 1400000000, "SessionId": session_id})``.
        Useful actions: DescribeTelSession, HangUpCall, DescribeAICallExtractResult, DescribeTelRecordAsr,
        DescribeTelCdr. The returned dict includes ``RequestId``. Raises the same errors as create_ai_call.
        """
        return self._request(action, params)

    def create_ai_calls(
        self,
        calls: _Calls,
        *,
        defaults: Optional[Mapping[str, Any]] = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        journal: Optional[_Path] = None,
        campaign: Optional[str] = None,
        progress: Progress = None,
        skip_invalid: bool = False,
        refused_retries: Optional[int] = None,
        default_country_code: Optional[str] = None,
        wait: bool = False,
        wait_timeout: _Seconds = DEFAULT_WAIT_TIMEOUT,
        transcript: bool = True,
        extraction: bool = True,
        reconcile: bool = False,
    ) -> CampaignReport:
        """Run a campaign: one AI call per item of ``calls``, built from ``defaults`` plus the item's own keywords.

        Every item is built and validated before the first call is placed. Calls run ``concurrency`` at a time
        under the client's rate limiter (``rate_limit``), so 200 calls take about 10 seconds at the service's 20 per
        second. Items the service refused without acting (rate limits, ``FailedOperation.AIConcurrentOverFrequency``)
        are tried again later; a call that may have been placed is never sent twice. An error that would hit every
        item (authentication, no call package, expired licence) stops the campaign: the rest are ``not_attempted``.

        Args:
            calls: one dict per call, with any ``create_ai_call`` keywords, e.g.
                ``[{"callee": "008613012345678", "variables": [{"key": "name", "value": "Li"}]}]``
                (the service's PascalCase keys work too). An item's keywords replace the defaults', except
                ``variables`` and ``prompt_variables``, which are merged by key (the item's value wins).
                :func:`read_calls_csv` reads them from a CSV file.
            defaults: the keywords every call shares (``sdk_app_id``, ``llm_type``, ``system_prompt``, ...).
            concurrency: calls in flight at once (the core's default is in the signature); the rate limiter still
                applies.
            journal: a file (JSON lines) recording each call before it is sent and its outcome after. Running the
                same campaign again with the same journal skips the items already placed (``already_placed``)
                and those whose outcome is unknown (``unreconciled``, listed in ``to_reconcile``) and dials the
                rest, so a crash, a kill or Ctrl-C at any moment never makes anyone be called twice. An item the
                service refused is sent again only if the refusal proves nothing happened (a rate limit,
                ``FailedOperation.AIConcurrentOverFrequency``); any other refusal stays ``failed``. Items are
                recognised by their number (and its occurrence in ``calls``), so the prompt may change between runs.
                The file is locked for the whole run: a second run on it (in this process or another) raises
                ConfigurationError and dials nobody.
            campaign: a name for the campaign instead of a ``journal`` file (``"reminders-2026-12"``): its journal
                is kept in the client's store (Redis with ``redis_url``, else this process's memory), so any number
                of workers, in any processes on any machines, may run the same list under the same name at once.
                Each item is claimed before its request leaves, so nobody is dialled twice: an item another worker
                holds is ``claimed_elsewhere`` (being sent, or its worker stopped while sending it; only a run with
                ``reconcile=True`` may settle it), and one another worker placed or refused is reported as a
                journal's would be (``already_placed``, ``unreconciled``, ``failed``). :meth:`campaign_status`
                shows every item's state. With ``redis_url``, a Redis that cannot be reached raises
                StoreUnavailableError before anything is sent.
            progress: ``True`` shows the progress: a tqdm bar when tqdm is installed and stderr is a terminal (a
                widget in Jupyter), a line rewritten in place on a terminal without tqdm, and plain lines (one a
                second at most, then a summary) when stderr is a file or a pipe. A callable is called with each
                finished :class:`CampaignItem`, whose ``progress`` holds the campaign's counts so far, from a
                background thread (what it raises is logged on the ``ccc_aicall`` logger, and the campaign goes on).
            skip_invalid: report invalid items as ``invalid`` and run the others, instead of raising.
            refused_retries: how often an item the service refused without acting is tried again, after
                pauses of 1, 2, 4 ... seconds (default 5).
            default_country_code: the country calling code (``"86"`` or ``"+86"``) for this campaign's numbers
                written without one; default: the client's ``default_country_code``. Without either, such
                numbers are invalid.
            wait: follow every placed item (and every item the journal says was placed) to its end: each gets its
                :class:`CallOutcome` as ``item.outcome``. Outcomes are collected with batched call-record queries
                (up to 100 calls a request) while and after the calls are placed, then the transcripts and
                extracted fields of answered calls, one request each when ready; ``report.requests`` counts them.
            wait_timeout: with ``wait``, how long after the last call was placed outcomes are still collected, in
                SECONDS (or a ``timedelta``); what has not arrived by then has no outcome (or lists it in
                ``outcome.missing``).
            transcript: with ``wait``, fetch the transcript of each answered call.
            extraction: with ``wait``, fetch the extracted fields of each answered call.
            reconcile: settle the journal's ``unreconciled`` items first (as :meth:`reconcile` does): a call found
                is ``already_placed`` with its session, one proven not placed is dialled now, one that cannot be
                told yet stays ``unreconciled``. Nothing not proven unplaced is dialled.

        Returns:
            A :class:`CampaignReport`: one :class:`CampaignItem` per item, in input order, with the counts,
            ``to_reconcile``, ``stopped_by`` and ``requests``.

        Raises:
            ValidationError: an item breaks documented rules; ``errors`` lists every problem of every item
                (``calls[3].callee``, and for rows from :func:`read_calls_csv` the file's line:
                ``(patients.csv line 5)``); nothing was sent.
            ConfigurationError: the journal cannot be opened, or another run holds it; both ``journal`` and
                ``campaign`` were given, or ``campaign`` is not a name (1 to 200 characters, no control characters).
            StoreUnavailableError: ``campaign`` with a ``redis_url`` whose Redis cannot be reached; nothing was sent.
            KeyboardInterrupt: Ctrl-C. The campaign is cancelled first: calls in flight stop (``outcome_unknown``),
                nothing new is sent, and every outcome is written to the journal. The exception's ``report`` is the
                campaign's :class:`CampaignReport` (every call placed before the interrupt is in it).
        """
        args = _campaign_args(
            calls, defaults, concurrency, journal, campaign, skip_invalid, refused_retries, default_country_code
        )
        args.update(
            wait=wait, wait_timeout=wait_timeout, transcript=transcript, extraction=extraction, reconcile=reconcile
        )
        callback, display = progress_callback(progress, len(args["calls"]))
        try:
            return self._create_ai_calls(**args, on_progress=callback)
        finally:
            if display is not None:
                display.close()

    def campaign_status(self, name: str) -> CampaignStatus:
        """A named campaign (``create_ai_calls(..., campaign=name)``) as its shared journal records it now: every
        item some worker claimed, with its state (``placed``, ``sending``, ``outcome_unknown``, ``failed``,
        ``retryable``), and the counts per state. Readable from any process that uses the same store (the client's
        ``redis_url``) and SecretId; it only reads.

        Raises:
            ConfigurationError: ``name`` is not a campaign name.
            StoreUnavailableError: the client's Redis cannot be reached.
        """
        return self._campaign_status(name)

    # --- after the call is placed ---------------------------------------------------------------------------

    def wait_for_call(
        self,
        call: _Call,
        *,
        sdk_app_id: Optional[int] = None,
        timeout: _Seconds = _WAIT_TIMEOUT,
        transcript: bool = _WAIT_TRANSCRIPT,
        extraction: bool = _WAIT_EXTRACTION,
        poll_interval: _Seconds = _WAIT_POLL_INTERVAL,
    ) -> CallOutcome:
        """Follow a placed call to its end and return how it ended: status, durations, transcript, extracted fields.

        Polls the call's live status (backing off from ``poll_interval`` seconds by half each time, up to 15 s)
        until it is over, then its call record (which can lag the hang-up), then, for an answered call, its
        transcript and extracted fields until they are ready. What is not ready when the time is up is listed in
        ``outcome.missing``: not an error. Polling spends each action's own rate budget, never CreateAICall's.

        Args:
            call: a :meth:`create_ai_call` result, or a session id (then ``sdk_app_id`` is required).
            sdk_app_id: the call's CCC application, for a session id.
            timeout: the whole wait, in SECONDS (or a ``timedelta``).
            transcript: fetch the transcript of an answered call (``outcome.transcript``).
            extraction: fetch the extracted fields of an answered call (``outcome.extracted``).
            poll_interval: the first pause between polls, in SECONDS (or a ``timedelta``).

        Returns:
            A :class:`CallOutcome`.

        Raises:
            WaitTimeoutError: the call had not ended (or its record had not appeared) within ``timeout``; wait again.
            ValidationError: a session id without ``sdk_app_id``, or a negative time.
            KeyboardInterrupt: Ctrl-C stops the wait (it only reads: nothing to reconcile).
            The API and connection errors of :meth:`request`.
        """
        return self._follow(
            _native.FollowUp.wait(
                call,
                sdk_app_id=sdk_app_id,
                timeout=timeout,
                transcript=transcript,
                extraction=extraction,
                poll_interval=poll_interval,
            )
        )

    def get_call(self, call: _Call, *, sdk_app_id: Optional[int] = None) -> CallState:
        """The call's state now (DescribeTelSession): ``ringing``, ``in_progress``, ``finished``, ...

        ``call`` and ``sdk_app_id`` as for :meth:`wait_for_call`. Returns a :class:`CallState`.
        """
        return self._follow(_native.FollowUp.get(call, sdk_app_id=sdk_app_id))

    def hang_up(self, call: _Call, *, sdk_app_id: Optional[int] = None) -> None:
        """Hang the call up (HangUpCall). ``call`` and ``sdk_app_id`` as for :meth:`wait_for_call`.

        Raises:
            CallNotLiveError: the call is already over (or unknown).
        """
        return self._follow(_native.FollowUp.hang_up(call, sdk_app_id=sdk_app_id))

    def say(
        self,
        call: _Call,
        text: str,
        *,
        interrupt: bool = True,
        stop_after_play: Optional[bool] = None,
        add_history: Optional[bool] = None,
        sdk_app_id: Optional[int] = None,
    ) -> None:
        """Make the agent say ``text`` now (ControlAIConversation ``ServerPushText``). The service does not confirm
        that it was played.

        Args:
            call, sdk_app_id: as for :meth:`wait_for_call`.
            text: what to say (not empty).
            interrupt: cut in on what the agent is saying.
            stop_after_play: end the conversation once the text has been played (None: the service's default).
            add_history: add the text to the model's conversation history (None: the service's default).

        Raises:
            CallNotLiveError: the call is not in progress (over, unknown, or not controllable).
            ValidationError: ``text`` is empty.
        """
        return self._follow(
            _native.FollowUp.say(
                call,
                text,
                interrupt=interrupt,
                stop_after_play=stop_after_play,
                add_history=add_history,
                sdk_app_id=sdk_app_id,
            )
        )

    def transfer(self, call: _Call, skill_group_id: int, *, sdk_app_id: Optional[int] = None) -> None:
        """Hand the call to the human agents of a skill group (TransferToManual). ``call`` and ``sdk_app_id`` as
        for :meth:`wait_for_call`.

        Raises:
            CallNotLiveError: the call is over (or unknown).
        """
        return self._follow(_native.FollowUp.transfer(call, skill_group_id, sdk_app_id=sdk_app_id))

    def find_calls(
        self, callee: str, *, sdk_app_id: int, since: _When, until: Optional[_When] = None
    ) -> List[CallOutcome]:
        """The call records of one number between ``since`` and ``until`` (DescribeTelCdr, every page).

        Args:
            callee: the number, in any form ``create_ai_call`` takes (the client's ``default_country_code`` applies).
            sdk_app_id: the CCC application.
            since, until: timezone-aware ``datetime`` or Unix seconds; ``until`` defaults to now. A naive
                ``datetime`` is refused (ValidationError naming it): which zone it meant cannot be known.

        Returns:
            A :class:`CallOutcome` per record (no transcript or extraction), in the service's order.
        """
        return self._follow(_native.FollowUp.find(callee, sdk_app_id=sdk_app_id, since=since, until=until))

    def reconcile(
        self,
        error: BaseException,
        *,
        max_ring: Optional[_Seconds] = None,
        max_call_duration: Optional[_Seconds] = None,
        record_delay: Optional[_Seconds] = None,
        clock_skew: Optional[_Seconds] = None,
    ) -> Reconciled:
        """Settle an outcome-unknown ``create_ai_call`` error: was the call placed?

        Looks for call records of the error's callee from shortly before its request left until now. A record that
        started after the request left: ``placed`` (``calls[0]`` is the likeliest). No record, and none can still
        appear (the time since the request left is longer than ``max_ring`` + the longest the call could last (its
        ``max_call_duration_ms``, else ``max_call_duration``) + ``record_delay``): ``not_placed``, and dialling
        again cannot ring the person twice. Otherwise ``cannot_tell_yet``: ask again after ``retry_after``.

        Args:
            error: the exception ``create_ai_call`` raised (an :class:`OutcomeUnknownError` or
                :class:`InternalServerError`; also found as the cause of a cancellation, see
                :func:`ccc_aicall.outcome_unknown`).
            max_ring, max_call_duration, record_delay, clock_skew: the rule's times, in SECONDS (or ``timedelta``);
                None: the core's defaults (3 minutes, 4 hours, 10 minutes, 5 minutes).

        Returns:
            A :class:`Reconciled`.

        Raises:
            ValidationError: ``error`` carries no call (it is not an outcome-unknown error of create_ai_call).
        """
        return self._follow(
            _native.FollowUp.reconcile(
                _attempt_of(error),
                max_ring=max_ring,
                max_call_duration=max_call_duration,
                record_delay=record_delay,
                clock_skew=clock_skew,
            )
        )


class AsyncClient(_native.Client):
    """The asyncio twin of :class:`Client`: same options, same behaviour, awaitable methods.

    All clients in a process share one background runtime. Cancelling the awaiting task (``asyncio.timeout``,
    ``task.cancel()``) stops the call and raises ``asyncio.CancelledError`` as usual; when the request had already
    left, that cancellation is caused by an :class:`OutcomeUnknownError` (the call may have been placed; see
    :func:`ccc_aicall.outcome_unknown`) and a warning is logged on the ``ccc_aicall`` logger.
    """

    __slots__ = ()

    # Two signatures, as for Client.create_ai_call.
    if TYPE_CHECKING:

        async def create_ai_call(
            self,
            *,
            # <generated: AsyncClient.create_ai_call.keywords.typed>
            sdk_app_id: int,
            callee: str,
            llm_type: str,
            api_key: str,
            api_url: str,
            system_prompt: Optional[str] = None,
            model: Optional[str] = None,
            voice_type: Optional[str] = None,
            callers: Optional[Sequence[str]] = None,
            welcome_message: Optional[str] = None,
            welcome_type: Optional[int] = None,
            welcome_message_priority: Optional[int] = None,
            max_duration: Optional[int] = None,
            languages: Optional[Sequence[str]] = None,
            interrupt_mode: Optional[int] = None,
            interrupt_speech_duration: Optional[int] = None,
            end_function_enable: Optional[bool] = None,
            end_function_desc: Optional[str] = None,
            transfer_function_enable: Optional[bool] = None,
            transfer_items: Optional[_Items] = None,
            transfer_to_agent_enable: Optional[bool] = None,
            transfer_to_agent_items: Optional[_Items] = None,
            notify_duration: Optional[int] = None,
            notify_message: Optional[str] = None,
            notify_max_count: Optional[int] = None,
            custom_tts_config: Optional[_TtsValue] = None,
            prompt_variables: Optional[_Items] = None,
            vad_silence_time: Optional[int] = None,
            extract_config: Optional[_Items] = None,
            temperature: Optional[float] = None,
            variables: Optional[_Items] = None,
            top_p: Optional[float] = None,
            vad_level: Optional[int] = None,
            tone_word: Optional[Mapping[str, Any]] = None,
            enable_compliance_audio: Optional[bool] = None,
            enable_voicemail_detection: Optional[bool] = None,
            voicemail_action: Optional[int] = None,
            llm_extra_body: Optional[_JsonText] = None,
            max_call_duration_ms: Optional[int] = None,
            max_ring_timeout_second: Optional[int] = None,
            ambient_sound_type: Optional[str] = None,
            ambient_sound_volume: Optional[float] = None,
            acquire_timeout_second: Optional[int] = None,
            custom_stt_config: Optional[_JsonText] = None,
            extra_params: Optional[Mapping[str, Any]] = None,
            idempotency_key: Optional[str] = None,
            # </generated: AsyncClient.create_ai_call.keywords.typed>
        ) -> AiCallResult:
            """Place one AI call; see :meth:`Client.create_ai_call` for every parameter, its unit and the errors."""

    else:

        @_declared(_place_async)
        async def create_ai_call(
            self,
            *,
            # <generated: AsyncClient.create_ai_call.keywords>
            sdk_app_id: Optional[int] = None,
            callee: Optional[str] = None,
            llm_type: Optional[str] = None,
            api_key: Optional[str] = None,
            api_url: Optional[str] = None,
            system_prompt: Optional[str] = None,
            model: Optional[str] = None,
            voice_type: Optional[str] = None,
            callers: Optional[Sequence[str]] = None,
            welcome_message: Optional[str] = None,
            welcome_type: Optional[int] = None,
            welcome_message_priority: Optional[int] = None,
            max_duration: Optional[int] = None,
            languages: Optional[Sequence[str]] = None,
            interrupt_mode: Optional[int] = None,
            interrupt_speech_duration: Optional[int] = None,
            end_function_enable: Optional[bool] = None,
            end_function_desc: Optional[str] = None,
            transfer_function_enable: Optional[bool] = None,
            transfer_items: Optional[_Items] = None,
            transfer_to_agent_enable: Optional[bool] = None,
            transfer_to_agent_items: Optional[_Items] = None,
            notify_duration: Optional[int] = None,
            notify_message: Optional[str] = None,
            notify_max_count: Optional[int] = None,
            custom_tts_config: Optional[_TtsValue] = None,
            prompt_variables: Optional[_Items] = None,
            vad_silence_time: Optional[int] = None,
            extract_config: Optional[_Items] = None,
            temperature: Optional[float] = None,
            variables: Optional[_Items] = None,
            top_p: Optional[float] = None,
            vad_level: Optional[int] = None,
            tone_word: Optional[Mapping[str, Any]] = None,
            enable_compliance_audio: Optional[bool] = None,
            enable_voicemail_detection: Optional[bool] = None,
            voicemail_action: Optional[int] = None,
            llm_extra_body: Optional[_JsonText] = None,
            max_call_duration_ms: Optional[int] = None,
            max_ring_timeout_second: Optional[int] = None,
            ambient_sound_type: Optional[str] = None,
            ambient_sound_volume: Optional[float] = None,
            acquire_timeout_second: Optional[int] = None,
            custom_stt_config: Optional[_JsonText] = None,
            extra_params: Optional[Mapping[str, Any]] = None,
            idempotency_key: Optional[str] = None,
            # </generated: AsyncClient.create_ai_call.keywords>
            **unexpected: NoReturn,
        ) -> AiCallResult:
            """Place one AI call; see :meth:`Client.create_ai_call` for every parameter, its unit and the errors.

            Cancelled after its request left, it raises ``asyncio.CancelledError`` caused by an
            ``OutcomeUnknownError``: the call may have been placed.
            """

    async def request(self, action: str, params: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Call another CCC action and return its ``Response``; see :meth:`Client.request`."""
        return await self._request_async(action, params)

    async def create_ai_calls(
        self,
        calls: _Calls,
        *,
        defaults: Optional[Mapping[str, Any]] = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        journal: Optional[_Path] = None,
        campaign: Optional[str] = None,
        progress: Progress = None,
        skip_invalid: bool = False,
        refused_retries: Optional[int] = None,
        default_country_code: Optional[str] = None,
        wait: bool = False,
        wait_timeout: _Seconds = DEFAULT_WAIT_TIMEOUT,
        transcript: bool = True,
        extraction: bool = True,
        reconcile: bool = False,
    ) -> CampaignReport:
        """Run a campaign; see :meth:`Client.create_ai_calls` for the arguments, the journal and the errors.

        Cancelling the awaiting task (``asyncio.timeout``, a task group, ``task.cancel()``) cancels the campaign:
        nothing new is sent, calls in flight stop (``outcome_unknown``), every outcome is written to the journal.
        The campaign is let finish, then ``asyncio.CancelledError`` propagates as usual, its ``report`` the
        campaign's :class:`CampaignReport`.
        """
        args = _campaign_args(
            calls, defaults, concurrency, journal, campaign, skip_invalid, refused_retries, default_country_code
        )
        args.update(
            wait=wait, wait_timeout=wait_timeout, transcript=transcript, extraction=extraction, reconcile=reconcile
        )
        callback, display = progress_callback(progress, len(args["calls"]))
        try:
            task = self._create_ai_calls_async(**args, on_progress=callback)
            try:
                return await task.wait()
            except BaseException as exc:
                if not _is_cancellation(exc):
                    raise
                task.cancel()
                await _attach_report(exc, task)
                raise
        finally:
            if display is not None:
                display.close()

    async def campaign_status(self, name: str) -> CampaignStatus:
        """A named campaign as its shared journal records it now; see :meth:`Client.campaign_status`."""
        return await self._campaign_status_async(name)

    # --- after the call is placed: see Client for the arguments, returns and errors ---------------------------

    async def wait_for_call(
        self,
        call: _Call,
        *,
        sdk_app_id: Optional[int] = None,
        timeout: _Seconds = _WAIT_TIMEOUT,
        transcript: bool = _WAIT_TRANSCRIPT,
        extraction: bool = _WAIT_EXTRACTION,
        poll_interval: _Seconds = _WAIT_POLL_INTERVAL,
    ) -> CallOutcome:
        """Follow a placed call to its end; see :meth:`Client.wait_for_call`. Cancelling the awaiting task stops
        the wait (``asyncio.CancelledError`` as usual: it only reads, nothing to reconcile)."""
        return await self._follow_async(
            _native.FollowUp.wait(
                call,
                sdk_app_id=sdk_app_id,
                timeout=timeout,
                transcript=transcript,
                extraction=extraction,
                poll_interval=poll_interval,
            )
        )

    async def get_call(self, call: _Call, *, sdk_app_id: Optional[int] = None) -> CallState:
        """The call's state now; see :meth:`Client.get_call`."""
        return await self._follow_async(_native.FollowUp.get(call, sdk_app_id=sdk_app_id))

    async def hang_up(self, call: _Call, *, sdk_app_id: Optional[int] = None) -> None:
        """Hang the call up; see :meth:`Client.hang_up`."""
        return await self._follow_async(_native.FollowUp.hang_up(call, sdk_app_id=sdk_app_id))

    async def say(
        self,
        call: _Call,
        text: str,
        *,
        interrupt: bool = True,
        stop_after_play: Optional[bool] = None,
        add_history: Optional[bool] = None,
        sdk_app_id: Optional[int] = None,
    ) -> None:
        """Make the agent say ``text`` now; see :meth:`Client.say`."""
        return await self._follow_async(
            _native.FollowUp.say(
                call,
                text,
                interrupt=interrupt,
                stop_after_play=stop_after_play,
                add_history=add_history,
                sdk_app_id=sdk_app_id,
            )
        )

    async def transfer(self, call: _Call, skill_group_id: int, *, sdk_app_id: Optional[int] = None) -> None:
        """Hand the call to a skill group's human agents; see :meth:`Client.transfer`."""
        return await self._follow_async(_native.FollowUp.transfer(call, skill_group_id, sdk_app_id=sdk_app_id))

    async def find_calls(
        self, callee: str, *, sdk_app_id: int, since: _When, until: Optional[_When] = None
    ) -> List[CallOutcome]:
        """The call records of one number in a time window; see :meth:`Client.find_calls`."""
        return await self._follow_async(_native.FollowUp.find(callee, sdk_app_id=sdk_app_id, since=since, until=until))

    async def reconcile(
        self,
        error: BaseException,
        *,
        max_ring: Optional[_Seconds] = None,
        max_call_duration: Optional[_Seconds] = None,
        record_delay: Optional[_Seconds] = None,
        clock_skew: Optional[_Seconds] = None,
    ) -> Reconciled:
        """Settle an outcome-unknown create_ai_call error; see :meth:`Client.reconcile`."""
        return await self._follow_async(
            _native.FollowUp.reconcile(
                _attempt_of(error),
                max_ring=max_ring,
                max_call_duration=max_call_duration,
                record_delay=record_delay,
                clock_skew=clock_skew,
            )
        )


def _attempt_of(error: BaseException) -> Optional[_native.CallAttempt]:
    """The core's record of the call an outcome-unknown error may have placed, as the core gave it; None for any
    other exception (the core then says that it carries no call)."""
    if not isinstance(error, BaseException):
        raise TypeError(f"error must be the exception create_ai_call raised, not {type(error).__name__}")
    attempt = getattr(error, "_attempt", None)
    return attempt if isinstance(attempt, _native.CallAttempt) else None


def _is_cancellation(exc: BaseException) -> bool:
    # asyncio is loaded whenever a coroutine of this module runs on it; it is not imported with the package.
    asyncio = sys.modules.get("asyncio")
    return asyncio is not None and isinstance(exc, asyncio.CancelledError)


def _abandoned(exc: BaseException, latch: _native.SendLatch) -> None:
    """A cancelled async call: the core says whether its request had left; if so, the cancellation is caused by
    the core's OutcomeUnknownError, and a warning says that the call may have been placed."""
    if not _is_cancellation(exc):
        return
    unknown = latch.abandon()
    if unknown is not None:
        import logging

        exc.__cause__ = unknown
        logging.getLogger("ccc_aicall").warning(
            "create_ai_call was cancelled after its request was sent: the call may have been placed; "
            "check it (DescribeTelCdr) before placing it again"
        )


async def _attach_report(cancelled: BaseException, task: _native.CampaignTask) -> None:
    """Wait for the cancelled campaign's end and put its report on the cancellation (``cancelled.report``)."""
    while True:
        try:
            report = await task.wait()
        except BaseException as exc:
            # Cancelled again while waiting: the campaign is already cancelled and ends soon; wait on.
            if _is_cancellation(exc):
                continue
            cancelled.__cause__ = exc
            return
        cancelled.report = report  # type: ignore[attr-defined]
        return


_default_client: Optional[Client] = None
_default_lock = threading.Lock()


def _default() -> Client:
    global _default_client
    with _default_lock:
        if _default_client is None:
            _default_client = Client()
        return _default_client


# Two signatures, as for Client.create_ai_call.
if TYPE_CHECKING:

    def create_ai_call(
        *,
        # <generated: create_ai_call.keywords.typed>
        sdk_app_id: int,
        callee: str,
        llm_type: str,
        api_key: str,
        api_url: str,
        system_prompt: Optional[str] = None,
        model: Optional[str] = None,
        voice_type: Optional[str] = None,
        callers: Optional[Sequence[str]] = None,
        welcome_message: Optional[str] = None,
        welcome_type: Optional[int] = None,
        welcome_message_priority: Optional[int] = None,
        max_duration: Optional[int] = None,
        languages: Optional[Sequence[str]] = None,
        interrupt_mode: Optional[int] = None,
        interrupt_speech_duration: Optional[int] = None,
        end_function_enable: Optional[bool] = None,
        end_function_desc: Optional[str] = None,
        transfer_function_enable: Optional[bool] = None,
        transfer_items: Optional[_Items] = None,
        transfer_to_agent_enable: Optional[bool] = None,
        transfer_to_agent_items: Optional[_Items] = None,
        notify_duration: Optional[int] = None,
        notify_message: Optional[str] = None,
        notify_max_count: Optional[int] = None,
        custom_tts_config: Optional[_TtsValue] = None,
        prompt_variables: Optional[_Items] = None,
        vad_silence_time: Optional[int] = None,
        extract_config: Optional[_Items] = None,
        temperature: Optional[float] = None,
        variables: Optional[_Items] = None,
        top_p: Optional[float] = None,
        vad_level: Optional[int] = None,
        tone_word: Optional[Mapping[str, Any]] = None,
        enable_compliance_audio: Optional[bool] = None,
        enable_voicemail_detection: Optional[bool] = None,
        voicemail_action: Optional[int] = None,
        llm_extra_body: Optional[_JsonText] = None,
        max_call_duration_ms: Optional[int] = None,
        max_ring_timeout_second: Optional[int] = None,
        ambient_sound_type: Optional[str] = None,
        ambient_sound_volume: Optional[float] = None,
        acquire_timeout_second: Optional[int] = None,
        custom_stt_config: Optional[_JsonText] = None,
        extra_params: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
        # </generated: create_ai_call.keywords.typed>
    ) -> AiCallResult:
        """Place one AI call with a default :class:`Client`, built on first use from the environment
        (``TENCENTCLOUD_SECRET_ID`` / ``TENCENTCLOUD_SECRET_KEY``, ...) or the profile file, and shared after.

        See :meth:`Client.create_ai_call` for every parameter, its unit and the errors.
        """

else:

    @_declared(_place_default)
    def create_ai_call(
        *,
        # <generated: create_ai_call.keywords>
        sdk_app_id: Optional[int] = None,
        callee: Optional[str] = None,
        llm_type: Optional[str] = None,
        api_key: Optional[str] = None,
        api_url: Optional[str] = None,
        system_prompt: Optional[str] = None,
        model: Optional[str] = None,
        voice_type: Optional[str] = None,
        callers: Optional[Sequence[str]] = None,
        welcome_message: Optional[str] = None,
        welcome_type: Optional[int] = None,
        welcome_message_priority: Optional[int] = None,
        max_duration: Optional[int] = None,
        languages: Optional[Sequence[str]] = None,
        interrupt_mode: Optional[int] = None,
        interrupt_speech_duration: Optional[int] = None,
        end_function_enable: Optional[bool] = None,
        end_function_desc: Optional[str] = None,
        transfer_function_enable: Optional[bool] = None,
        transfer_items: Optional[_Items] = None,
        transfer_to_agent_enable: Optional[bool] = None,
        transfer_to_agent_items: Optional[_Items] = None,
        notify_duration: Optional[int] = None,
        notify_message: Optional[str] = None,
        notify_max_count: Optional[int] = None,
        custom_tts_config: Optional[_TtsValue] = None,
        prompt_variables: Optional[_Items] = None,
        vad_silence_time: Optional[int] = None,
        extract_config: Optional[_Items] = None,
        temperature: Optional[float] = None,
        variables: Optional[_Items] = None,
        top_p: Optional[float] = None,
        vad_level: Optional[int] = None,
        tone_word: Optional[Mapping[str, Any]] = None,
        enable_compliance_audio: Optional[bool] = None,
        enable_voicemail_detection: Optional[bool] = None,
        voicemail_action: Optional[int] = None,
        llm_extra_body: Optional[_JsonText] = None,
        max_call_duration_ms: Optional[int] = None,
        max_ring_timeout_second: Optional[int] = None,
        ambient_sound_type: Optional[str] = None,
        ambient_sound_volume: Optional[float] = None,
        acquire_timeout_second: Optional[int] = None,
        custom_stt_config: Optional[_JsonText] = None,
        extra_params: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
        # </generated: create_ai_call.keywords>
        **unexpected: NoReturn,
    ) -> AiCallResult:
        """Place one AI call with a default :class:`Client`, built on first use from the environment
        (``TENCENTCLOUD_SECRET_ID`` / ``TENCENTCLOUD_SECRET_KEY``, ...) or the profile file, and shared after.

        See :meth:`Client.create_ai_call` for every parameter, its unit and the errors.
        """


def create_ai_calls(
    calls: _Calls,
    *,
    defaults: Optional[Mapping[str, Any]] = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    journal: Optional[_Path] = None,
    campaign: Optional[str] = None,
    progress: Progress = None,
    skip_invalid: bool = False,
    refused_retries: Optional[int] = None,
    default_country_code: Optional[str] = None,
    wait: bool = False,
    wait_timeout: _Seconds = DEFAULT_WAIT_TIMEOUT,
    transcript: bool = True,
    extraction: bool = True,
    reconcile: bool = False,
) -> CampaignReport:
    """Run a campaign with the default :class:`Client` (see :func:`create_ai_call`); see
    :meth:`Client.create_ai_calls` for the arguments, the journal and the errors."""
    return _default().create_ai_calls(
        calls,
        defaults=defaults,
        concurrency=concurrency,
        journal=journal,
        campaign=campaign,
        progress=progress,
        skip_invalid=skip_invalid,
        refused_retries=refused_retries,
        default_country_code=default_country_code,
        wait=wait,
        wait_timeout=wait_timeout,
        transcript=transcript,
        extraction=extraction,
        reconcile=reconcile,
    )


def read_calls_csv(path: _Path) -> List[Dict[str, Any]]:
    """Read a campaign's calls from a CSV file (UTF-8, a header row first, one row per call) into dicts with
    snake_case keys, ready for :meth:`Client.create_ai_calls`.

    A column named after a parameter (``callee``, ``Callee``, ``max_call_duration_ms``, ``VadLevel``, any letter
    case) fills that parameter: numbers, ``true``/``false`` and JSON values are parsed, ``callers`` and
    ``languages`` are split on ``;``. Every other column is a variable (``{"key": column, "value": cell}``
    in ``variables``); ``var.`` forces one (``var.model``), ``prompt_var.`` puts it in ``prompt_variables``.
    Empty cells are left out, so the campaign's defaults apply.

    Each row is a dict that remembers its line in the file, so that a problem with it names the line
    (``calls[1].callee: ... (patients.csv line 3)``). Edit, reorder or filter the list freely: a row keeps its own
    line; a copy of a row (``dict(row)``) or a dict added by hand names none.

    Raises:
        FileNotFoundError: the file does not exist (a ``ccc_aicall.MissingFileError``; ``errno`` and ``filename``
            are set). PermissionError or OSError: it cannot be read (``ccc_aicall.FileError``).
        ConfigurationError: it is not UTF-8 CSV, or a row has more or fewer cells than the header.
    """
    rows: List[Dict[str, Any]] = []
    for call, line, source in _native.read_calls_csv(path):
        row = _CsvRow(call)
        row.line, row.source = line, source
        rows.append(row)
    return rows


def _with_reference(summary: Optional[str]) -> str:
    """``summary`` followed by the parameter reference of Client.create_ai_call, for help()."""
    reference = _cleandoc(Client.create_ai_call.__doc__ or "").split("\n", 1)[1]
    return f"{_cleandoc(summary or '')}\n{reference}"


def _cleandoc(doc: str) -> str:
    """inspect.cleandoc, without importing inspect (a sixth of `import ccc_aicall`)."""
    lines = doc.expandtabs().split("\n")
    margin = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()), default=0)
    lines = [lines[0].lstrip()] + [line[margin:] for line in lines[1:]]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


AsyncClient.create_ai_call.__doc__ = _with_reference(AsyncClient.create_ai_call.__doc__)
create_ai_call.__doc__ = _with_reference(create_ai_call.__doc__)

# Docs and tracebacks name the public module: `ccc_aicall.Client`.
for _public in (Client, AsyncClient, create_ai_call, create_ai_calls, read_calls_csv):
    _public.__module__ = "ccc_aicall"
del _public
