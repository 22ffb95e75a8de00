"""The shared invalid cases raise ValidationError naming every bad field in snake_case; nothing is sent."""

from __future__ import annotations

import asyncio
from typing import Any, Callable

import ccc_aicall
import pytest
from ccc_aicall import ValidationError
from ccc_aicall.testing import Emulator
from conftest import CASES, VALID_REQUEST, case_ids, snake_path, to_kwargs

KEYWORDS = set(ccc_aicall.PARAMETERS) | {"extra_params"}
# Python keywords are always an object, and snake_case is the Python spelling: these two cases are about
# wire-case input and do not apply.
NOT_FOR_PYTHON = {"not_an_object", "snake_key_in_wire_case"}
INVALID = [c for c in CASES["invalid"] if c["name"] not in NOT_FOR_PYTHON]


@pytest.fixture(params=["sync", "async"])
def place(request: pytest.FixtureRequest, emu: Emulator) -> Callable[..., Any]:
    if request.param == "sync":
        return emu.client().create_ai_call
    client = emu.async_client()
    return lambda **kw: asyncio.run(client.create_ai_call(**kw))


@pytest.mark.parametrize("case", INVALID, ids=case_ids(INVALID))
def test_invalid_case_lists_the_right_fields_and_sends_nothing(
    place: Callable[..., Any], emu: Emulator, case: dict
) -> None:
    kwargs = to_kwargs(case["input"])
    expected = {snake_path(field) for field in case["fields"]}
    unknown = [k for k in kwargs if k not in KEYWORDS]
    if unknown:
        # An unknown top-level name is a Python keyword error, before any validation.
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{unknown[0]}'"):
            place(**kwargs)
        for key in unknown:
            del kwargs[key]
            expected.discard(key)
    if expected:
        with pytest.raises(ValidationError) as raised:
            place(**kwargs)
        error = raised.value
        assert {problem.field for problem in error.errors} == expected
        assert isinstance(error, ValueError) and isinstance(error, ccc_aicall.CccError)
        assert error.kind == "validation" and error.outcome_unknown is False
        text = str(error) + "".join(p.message for p in error.errors)
        assert "s3cr3t" not in text
    assert emu.hits == 0


def test_unknown_keyword_suggests_the_closest_name(place: Callable[..., Any], emu: Emulator) -> None:
    with pytest.raises(
        TypeError, match=r"unexpected keyword argument 'vad_silense_time'; did you mean 'vad_silence_time'\?"
    ):
        place(**VALID_REQUEST, vad_silense_time=500)
    with pytest.raises(TypeError, match=r"'SystemPrompt'; did you mean 'system_prompt'\?"):
        place(**{**VALID_REQUEST, "system_prompt": None}, SystemPrompt="hi")
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'zzzzzzzz'$"):
        place(**VALID_REQUEST, zzzzzzzz=1)
    # The name is the mistake, whatever its value, and whatever else is wrong (the core reads the keys once, and
    # names an unknown one only when it reports a problem).
    for value in (float("nan"), object(), 10**30):
        with pytest.raises(TypeError, match=r"unexpected keyword argument 'vad_silense_time'; did you mean"):
            place(**VALID_REQUEST, vad_silense_time=value)
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'calee'; did you mean 'callee'\?"):
        place(**{**VALID_REQUEST, "callee": None, "sdk_app_id": -1}, calee="+8613012345678")
    assert emu.hits == 0


def test_positional_arguments_are_refused(emu: Emulator) -> None:
    with pytest.raises(TypeError):
        emu.client().create_ai_call(1400000000)  # type: ignore[misc]


def test_fields_are_named_in_snake_case_with_paths(place: Callable[..., Any]) -> None:
    with pytest.raises(ValidationError) as raised:
        place(
            **VALID_REQUEST,
            transfer_function_enable=True,
            transfer_items=[{"TransferFunctionName": "t", "TransferFunctionDesc": "d"}],
            vad_silence_time=10,
        )
    fields = {p.field for p in raised.value.errors}
    assert fields == {"transfer_items[0].transfer_skill_group_id", "vad_silence_time"}
    assert "transfer_items[0].transfer_skill_group_id" in str(raised.value)
    assert all(p.kind in {"missing", "invalid", "unknown"} for p in raised.value.errors)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"temperature": float("nan")}, "temperature"),
        ({"temperature": float("inf")}, "temperature"),
        ({"top_p": float("-inf")}, "top_p"),
        ({"tone_word": {"first_sentence_timeout": float("nan")}}, "tone_word.first_sentence_timeout"),
        ({"extra_params": {"FutureParam": [1.0, float("nan")]}}, "extra_params.FutureParam[1]"),
        ({"sdk_app_id": 2**70}, "sdk_app_id"),
    ],
    ids=["nan", "inf", "-inf", "nested", "extra_params", "int_beyond_64_bits"],
)
def test_values_json_cannot_carry_are_validation_errors_naming_the_field(
    place: Callable[..., Any], emu: Emulator, kwargs: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        place(**{**VALID_REQUEST, **kwargs})
    assert [problem.field for problem in raised.value.errors] == [field]
    assert emu.hits == 0


def _nested(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels):
        value = {"a": value}
    return value


@pytest.mark.parametrize("levels", [40, 5000])
def test_over_deep_extra_params_are_a_validation_error_not_a_crash(
    place: Callable[..., Any], emu: Emulator, levels: int
) -> None:
    with pytest.raises(ValidationError) as raised:
        place(**VALID_REQUEST, extra_params={"Deep": _nested(levels)})
    (problem,) = raised.value.errors
    assert problem.field.startswith("extra_params.Deep.a.a.a") and "nested more than" in problem.message
    assert emu.hits == 0
