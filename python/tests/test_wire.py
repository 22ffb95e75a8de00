"""Every parameter reaches the wire with its exact name and value (the shared valid cases), sync and async."""

from __future__ import annotations

import asyncio
import json
from types import MappingProxyType
from typing import Any, Callable

import ccc_aicall
import pytest
from ccc_aicall import ValidationError, tts
from ccc_aicall.testing import Emulator
from conftest import CASES, VALID_REQUEST, case_ids, snake, to_kwargs


@pytest.fixture(params=["sync", "async"])
def place(request: pytest.FixtureRequest, emu: Emulator) -> Callable[..., Any]:
    """create_ai_call through a Client, or through an AsyncClient awaited on a fresh loop."""
    if request.param == "sync":
        return emu.client().create_ai_call
    client = emu.async_client()
    return lambda **kw: asyncio.run(client.create_ai_call(**kw))


@pytest.mark.parametrize("case", CASES["valid"], ids=case_ids(CASES["valid"]))
def test_valid_case_reaches_the_wire_exactly(place: Callable[..., Any], emu: Emulator, case: dict) -> None:
    beyond_the_model = sorted(k for k in case["wire"] if snake(k) not in ccc_aicall.PARAMETERS)
    if beyond_the_model:
        # Like the service, the emulator refuses parameters it does not know (extra_params); the exact body of
        # such a request is checked by the signature-checking server in test_conformance.py.
        with pytest.raises(ccc_aicall.InvalidRequestError) as raised:
            place(**to_kwargs(case["input"]))
        assert raised.value.code == "UnknownParameter"
        assert all(k in raised.value.message for k in beyond_the_model)
        assert emu.hits == 1 and emu.calls == []
        return
    result = place(**to_kwargs(case["input"]))
    [call] = emu.calls
    assert call["body"] == case["wire"]
    assert call["session_id"] == result.session_id
    assert call["request_id"] == result.request_id


def test_the_cases_cover_all_44_parameters() -> None:
    sent = {key for case in CASES["valid"] for key in case["wire"]}
    assert len(ccc_aicall.PARAMETERS) == 44
    assert {snake(k) for k in sent} >= set(ccc_aicall.PARAMETERS)


@pytest.mark.parametrize(
    "value",
    [
        tts.Tencent(app_id="1300000000", secret_id="AKIDtts", secret_key="tts-s3cr3t", voice_type=101001, speed=1.5),
        {
            "TTSType": "tencent",
            "AppId": "1300000000",
            "SecretId": "AKIDtts",
            "SecretKey": "tts-s3cr3t",
            "VoiceType": 101001,
            "Speed": 1.5,
        },
        {
            "tts_type": "tencent",
            "app_id": "1300000000",
            "secret_id": "AKIDtts",
            "secret_key": "tts-s3cr3t",
            "voice_type": 101001,
            "speed": 1.5,
        },
        '{"TTSType":"tencent","AppId":"1300000000","SecretId":"AKIDtts","SecretKey":"tts-s3cr3t",'
        '"VoiceType":101001,"Speed":1.5}',
    ],
    ids=["class", "documented_dict", "snake_dict", "json_string"],
)
def test_custom_tts_config_forms_send_the_same_string(place: Callable[..., Any], emu: Emulator, value: Any) -> None:
    request = {**VALID_REQUEST, "voice_type": None}
    place(**request, custom_tts_config=value)
    sent = emu.calls[0]["body"]["CustomTTSConfig"]
    assert isinstance(sent, str)
    assert json.loads(sent) == {
        "TTSType": "tencent",
        "AppId": "1300000000",
        "SecretId": "AKIDtts",
        "SecretKey": "tts-s3cr3t",
        "VoiceType": 101001,
        "Speed": 1.5,
    }


def test_nested_values_accept_pascal_case_keys_pasted_from_the_docs(place: Callable[..., Any], emu: Emulator) -> None:
    place(
        **VALID_REQUEST,
        transfer_function_enable=True,
        transfer_items=[
            {"TransferFunctionName": "to_nurse", "TransferFunctionDesc": "nurse", "TransferSkillGroupId": 7},
            {"transfer_function_name": "to_billing", "transfer_function_desc": "billing", "transfer_skill_group_id": 8},
        ],
        variables=[{"Key": "name", "Value": "Xiaoming"}],
        tone_word={"first_sentence_timeout": 1.5, "ZHToneWords": {"Neutral": ["嗯"]}},
    )
    body = emu.calls[0]["body"]
    assert body["TransferItems"] == [
        {"TransferFunctionName": "to_nurse", "TransferFunctionDesc": "nurse", "TransferSkillGroupId": 7},
        {"TransferFunctionName": "to_billing", "TransferFunctionDesc": "billing", "TransferSkillGroupId": 8},
    ]
    assert body["Variables"] == [{"Key": "name", "Value": "Xiaoming"}]
    assert body["ToneWord"] == {"FirstSentenceTimeout": 1.5, "ZHToneWords": {"Neutral": ["嗯"]}}


def test_tuples_and_mappings_convert(place: Callable[..., Any], emu: Emulator) -> None:

    place(**VALID_REQUEST, languages=("zh", "en"), tone_word=MappingProxyType({"first_sentence_timeout": 2}))
    body = emu.calls[0]["body"]
    assert body["Languages"] == ["zh", "en"]
    assert body["ToneWord"] == {"FirstSentenceTimeout": 2}


def test_values_python_cannot_send_are_type_or_validation_errors(place: Callable[..., Any], emu: Emulator) -> None:
    with pytest.raises(TypeError, match=r"transfer_items\[0\]\.x: expected None, bool, int, float, str, list or dict"):
        place(**VALID_REQUEST, transfer_items=[{"x": object()}])
    with pytest.raises(ValidationError, match="temperature: must be a finite number, not NaN"):
        place(**VALID_REQUEST, temperature=float("nan"))
    # The path is assembled only on failure, innermost last, through lists, tuples and mappings.
    with pytest.raises(ValidationError, match=r"tone_word\.a\[1\]\[0\]\.b: is an integer too large for 64 bits$"):
        place(**VALID_REQUEST, tone_word={"a": (0, [MappingProxyType({"b": 2**64})])})
    with pytest.raises(TypeError, match=r"^variables\[0\]: dict keys must be str, not int$"):
        place(**VALID_REQUEST, variables=[{1: "x"}])
    assert emu.hits == 0
