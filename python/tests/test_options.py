"""Client options: the core reads the keywords as Python names them (durations in seconds), names a bad one the
Python way, and decides what a client shows of itself (the SecretId masked), as it does for Node and Rust."""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path
from typing import Any, Dict

import ccc_aicall
import pytest
from ccc_aicall import AsyncClient, Client, _native
from conftest import REPO

OPTION_CASES = json.loads((REPO / "tests" / "cases" / "client_options.json").read_text(encoding="utf-8"))


def test_the_keywords_are_the_cores_options() -> None:
    for cls in (_native.Client, Client, AsyncClient):
        params = inspect.signature(cls).parameters.values()
        assert [p.name for p in params] == _native.OPTIONS
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is None for p in params)
    assert _native.OPTIONS[:2] == ["secret_id", "secret_key"] and "timeout" in _native.OPTIONS


def options_of(case: Dict[str, Any]) -> Dict[str, Any]:
    return {**OPTION_CASES["base"]["snake"], **case["snake"]}


@pytest.mark.parametrize("case", OPTION_CASES["invalid"], ids=[c["name"] for c in OPTION_CASES["invalid"]])
def test_bad_options_are_named_the_python_way(case: Dict[str, Any]) -> None:
    if case["unknown"]:
        # The explicit keywords refuse an unknown one before the core sees it, as any Python call does.
        (unknown,) = case["snake"]
        with pytest.raises(TypeError, match=unknown):
            Client(**options_of(case))
        return
    with pytest.raises(ccc_aicall.ConfigurationError) as raised:
        Client(**options_of(case))
    assert str(raised.value) == case["snake_message"]
    assert raised.value.kind == "config"


def test_values_python_cannot_send_as_json_are_configuration_errors_naming_the_option() -> None:
    base = OPTION_CASES["base"]["snake"]
    for name, value, expected in [
        ("timeout", math.nan, "timeout: must be a finite number, not NaN"),
        ("rate_limit", math.inf, "rate_limit: must be a finite number, not inf"),
        ("max_retries", 2**70, "max_retries: is an integer too large for 64 bits"),
    ]:
        with pytest.raises(ccc_aicall.ConfigurationError) as raised:
            Client(**base, **{name: value})
        assert str(raised.value) == f"configuration error: {expected}"
    with pytest.raises(TypeError, match=r"^timeout: expected None, bool, int, float, str, list or dict, not object$"):
        Client(**base, timeout=object())


def test_durations_are_seconds_and_ca_file_takes_a_path(tmp_path: Path) -> None:
    base = OPTION_CASES["base"]["snake"]
    client = Client(**base, timeout=1.5, connect_timeout=2)
    assert (client.timeout, client.connect_timeout) == (1.5, 2.0)
    missing = tmp_path / "ca.pem"
    with pytest.raises(ccc_aicall.ConfigurationError) as raised:
        Client(**base, ca_file=missing)
    assert str(raised.value) == f"configuration error: `ca_file` {missing} does not exist or is not a file"


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_repr_masks_the_secret_id_as_every_language_does(cls: Any) -> None:
    for masked in OPTION_CASES["masked"]:
        client = cls(secret_id=masked["secret_id"], secret_key="k", endpoint="http://127.0.0.1:9")
        shown = f"endpoint='http://127.0.0.1:9/', region=None, secret_id='{masked['shown']}'"
        assert repr(client) == f"{cls.__name__}({shown})"
        # The attribute is data, not display: it stays whole.
        assert client.secret_id == masked["secret_id"]
