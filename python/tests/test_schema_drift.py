"""API drift: the core's declared request model against the official SDK's published one (tencentcloud-sdk-python-ccc,
a test-only dependency). Every parameter of CreateAICallRequest and of its nested types must be on both sides with
the same kind of type; a parameter the service adds fails here, named, until it is declared in
core/src/request.rs (one line), and a parameter declared here but unknown to the service fails likewise."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any, Dict, List, Tuple

import pytest
from ccc_aicall import _native
from tencentcloud.ccc.v20200210 import models

SCHEMA = json.loads(_native.schema())
RECORDS: Dict[str, Dict[str, Any]] = {record["wire"]: record for record in SCHEMA["records"]}

# Our types, as the official models' `:rtype:` lines name them.
OFFICIAL_TYPE = {
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "string": "str",
    "string_list": "list of str",
    # Sent as a JSON string: the service's type is str.
    "json_text": "str",
    "tts_config": "str",
}


def official_fields(wire_type: str) -> Dict[str, str]:
    """The attributes of an official model class and the type its property documents (`int`, `list of str`,
    `list of AITransferItem`, `ToneWordInfo`)."""
    cls = getattr(models, wire_type)
    fields = {}
    for attr in vars(cls()):
        name = attr.lstrip("_")
        doc = inspect.getdoc(getattr(cls, name)) or ""
        match = re.search(r":rtype: (.+)$", doc, re.M)
        rtype = match.group(1).strip() if match else "?"
        rtype = re.sub(r":class:`[\w.]*\.(\w+)`", r"\1", rtype)
        fields[name] = rtype
    return fields


def our_type(field: Dict[str, Any]) -> str:
    ty = field["type"]
    if ty["kind"] == "object":
        return ty["record"]
    if ty["kind"] == "object_list":
        return f"list of {ty['record']}"
    return OFFICIAL_TYPE[ty["kind"]]


def nested_types() -> List[str]:
    """The request's record and every record nested in it, by their service names."""
    request = SCHEMA["request"]
    seen, queue = [], [request]
    while queue:
        wire = queue.pop(0)
        if wire in seen:
            continue
        seen.append(wire)
        for field in RECORDS[wire]["fields"]:
            if field["type"]["kind"] in ("object", "object_list"):
                queue.append(field["type"]["record"])
    return seen


def test_the_request_record_is_the_official_models_request() -> None:
    assert SCHEMA["request"] == "CreateAICallRequest"
    assert hasattr(models, "CreateAICallRequest")


@pytest.mark.parametrize("wire_type", nested_types())
def test_every_parameter_is_on_both_sides_with_the_same_type(wire_type: str) -> None:
    assert hasattr(models, wire_type), f"the official SDK has no model {wire_type}"
    official = official_fields(wire_type)
    ours = {field["wire"]: field for field in RECORDS[wire_type]["fields"]}
    only_official = sorted(set(official) - set(ours))
    only_ours = sorted(set(ours) - set(official))
    assert not only_official, (
        f"{wire_type}: the service has {only_official}, which the SDK does not declare: add each to "
        f"core/src/request.rs and run `make gen`"
    )
    assert not only_ours, f"{wire_type}: the SDK declares {only_ours}, which the official model does not have"
    # A property the official model leaves undocumented ("?", e.g. PromptVariables in 3.1.177) is checked for
    # presence only.
    mismatched: List[Tuple[str, str, str]] = [
        (wire, our_type(field), official[wire])
        for wire, field in ours.items()
        if official[wire] != "?" and our_type(field) != official[wire]
    ]
    assert not mismatched, f"{wire_type}: (parameter, ours, official) types differ: {mismatched}"


def test_the_order_of_parameters_follows_the_service() -> None:
    # PARAMETERS (and every generated signature) list the parameters in the service's order.
    official = list(official_fields("CreateAICallRequest"))
    assert [field["wire"] for field in RECORDS["CreateAICallRequest"]["fields"]] == official
