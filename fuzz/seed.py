#!/usr/bin/env python3
"""Write the fuzz targets' seed corpora (fuzz/corpus/<target>/seed-*) and dictionaries (fuzz/corpus/<target>.dict)
from the shared test cases: tests/cases/requests.json, tests/vectors/tc3.json, plus sample envelopes, profile
files, journals and CSV files. The seeds are generated, never committed (/fuzz/corpus is ignored)."""

import hashlib
import json
import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
CASES = ["wire", "snake", "camel"]  # the request/csv targets' first byte: b"0", b"1", b"2"


def to_snake(wire: str) -> str:
    """The core's field::to_snake: LLMType -> llm_type, CustomTTSConfig -> custom_tts_config."""
    out = []
    for i, c in enumerate(wire):
        if c.isascii() and c.isupper() and i > 0:
            prev, nxt = wire[i - 1], wire[i + 1] if i + 1 < len(wire) else ""
            if prev.islower() or prev.isdigit() or (prev.isupper() and nxt.isascii() and nxt.islower()):
                out.append("_")
        out.append(c.lower() if c.isascii() else c)
    return "".join(out)


def to_camel(wire: str) -> str:
    parts = to_snake(wire).split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def rename(value, case: str, inside_extra: bool = False):
    """Keys in `case`, except inside ExtraParams (raw wire keys), as the shared cases say."""
    if case == "wire" or inside_extra:
        return value
    if isinstance(value, list):
        return [rename(v, case) for v in value]
    if isinstance(value, dict):
        conv = to_snake if case == "snake" else to_camel
        return {conv(k): rename(v, case, k == "ExtraParams") for k, v in value.items()}
    return value


class Seeds:
    def __init__(self):
        self.count = {}

    def add(self, target: str, data: bytes):
        folder = CORPUS / target
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"seed-{hashlib.sha1(data).hexdigest()[:16]}").write_bytes(data)
        self.count[target] = self.count.get(target, 0) + 1

    def dictionary(self, target: str, words):
        CORPUS.mkdir(parents=True, exist_ok=True)
        lines = sorted({dict_entry(w) for w in words if w})
        (CORPUS / f"{target}.dict").write_text("\n".join(lines) + "\n")


def dict_entry(word: str) -> str:
    """A libFuzzer dictionary line: printable ASCII as is, every other byte as \\xNN."""
    out = []
    for b in word.encode():
        ch = chr(b)
        out.append("\\" + ch if ch in '\\"' else ch if 0x20 <= b < 0x7F else f"\\x{b:02X}")
    return '"' + "".join(out) + '"'


def keys_of(value, found: set):
    if isinstance(value, dict):
        for k, v in value.items():
            found.add(k)
            keys_of(v, found)
    elif isinstance(value, list):
        for v in value:
            keys_of(v, found)
    elif isinstance(value, str) and value.startswith("{"):
        try:
            keys_of(json.loads(value), found)
        except ValueError:
            pass


def main():
    seeds = Seeds()
    cases = json.loads((ROOT / "tests/cases/requests.json").read_text())
    inputs = [c["input"] for c in cases["valid"] + cases["invalid"]]
    wires = [c["wire"] for c in cases["valid"]]

    # request: the case byte, then the input in that case; the expected wire bodies too.
    for value in inputs:
        for i, case in enumerate(CASES):
            seeds.add("request", str(i).encode() + json.dumps(rename(value, case), ensure_ascii=False).encode())
    for wire in wires:
        seeds.add("request", b"0" + json.dumps(wire, separators=(",", ":"), ensure_ascii=False).encode())

    wire_keys = set()
    for value in inputs:
        keys_of(value, wire_keys)
    words = set()
    for k in wire_keys:
        words |= {k, to_snake(k), to_camel(k)}
    words |= {
        "openai",
        "azure",
        "minimax",
        "dify",
        "tencent",
        "volcengine",
        "custom",
        "pcm",
        "wav",
        "Text",
        "Selector",
        "Boolean",
        "Number",
        "https://",
        "http://",
        "+86",
        "0086",
        "null",
        "true",
        "1e308",
    }
    seeds.dictionary("request", words)
    seeds.dictionary("csv", words | {",", "\"", "\r\n", "var.", "prompt_var.", "variables.", ";"})

    # tts: every CustomTTSConfig in the cases, as an object and as the JSON string the service takes.
    for value in inputs + wires:
        tts = value.get("CustomTTSConfig") if isinstance(value, dict) else None
        if isinstance(tts, str):
            seeds.add("tts", tts.encode())
            seeds.add("tts", json.dumps(tts).encode())
        elif isinstance(tts, dict):
            for case in CASES:
                seeds.add("tts", json.dumps(rename(tts, case)).encode())
    tts_words = {w for w in words if w[:1].isalpha()}
    seeds.dictionary("tts", tts_words | {"TTSType", "tts_type", "ttsType", "minixmax"})

    # envelope: big-endian HTTP status, then the body.
    def envelope(status, body):
        seeds.add("envelope", struct.pack(">H", status) + body.encode())

    envelope(200, '{"Response":{"SessionId":"0f4e3c2b1a","RequestId":"6fe9a8c4-3b0e-4c25-9b5f-1f2e3d4c5b6a"}}')
    envelope(200, '{"Response":{"Error":{"Code":"FailedOperation.CalleeIsBlackUser","Message":"no"},"RequestId":"r2"}}')
    for code in [
        "AuthFailure.SignatureFailure",
        "AuthFailure.SignatureExpire",
        "RequestLimitExceeded",
        "InvalidParameterValue",
        "MissingParameter",
        "UnknownParameter",
        "InternalError",
        "LimitExceeded",
        "ResourceNotFound",
        "UnauthorizedOperation",
    ]:
        envelope(200, json.dumps({"Response": {"Error": {"Code": code, "Message": "m\u00e9"}, "RequestId": "r"}}))
    envelope(500, '{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow"},"RequestId":"r"}}')
    envelope(502, "<html><body>Bad Gateway</body></html>")
    envelope(200, '{"Response":{"Sess')
    envelope(200, '{"Response":{"Error":{},"RequestId":"r"}}')
    envelope(200, '{"Response":{"SessionId":"s"}}')
    envelope(429, '{"Response":{"SessionId":"s","RequestId":""}}')
    for vector in json.loads((ROOT / "tests/vectors/tc3.json").read_text())["vectors"]:
        envelope(200, vector["body"])
    seeds.dictionary("envelope", {"Response", "RequestId", "Error", "Code", "Message", "SessionId"})

    # profile: INI credentials files.
    profiles = [
        "[default]\nsecret_id = AKIDexample\nsecret_key = key\n",
        "; comment\n[other]\nsecret_id=no\n[default]\nsecret_id = \" AKIDfile \"\nsecret_key= 'filekey' \ntoken = t1\n",
        "\ufeff[default]\r\nSECRET_ID=\"'x'\"\r\nsecret_key=\r\n# token = no\r\n",
        "[ default ]\nsecret_id==a=b\nsecret_key = \"\"\n[default\nsecret_key=k",
    ]
    for text in profiles:
        seeds.add("profile", text.encode())
    seeds.dictionary("profile", {"[default]", "secret_id", "secret_key", "token", "\ufeff", "\"", "'", "="})

    # journal: JSON lines as Journal::record writes them, with a torn last line.
    events = [
        {"event": "sending", "key": "k0", "index": 0, "callee": "008613000000001", "attempt": 1, "at": 1},
        {"event": "placed", "key": "k0", "index": 0, "session_id": "s0", "request_id": "r0", "at": 2},
        {"event": "sending", "key": "k1", "index": 1, "callee": "008613000000002", "attempt": 1, "at": 3},
        {
            "event": "failed",
            "key": "k1",
            "index": 1,
            "outcome_unknown": True,
            "kind": "outcome_unknown",
            "message": "timed out",
            "at": 4,
        },
        {
            "event": "failed",
            "key": "k2",
            "index": 2,
            "outcome_unknown": False,
            "kind": "call_rejected",
            "code": "FailedOperation",
            "request_id": "r2",
            "message": "no",
            "at": 5,
        },
        {"event": "sending", "key": "k3", "index": 3, "callee": "008613000000004", "attempt": 2, "at": 6},
    ]
    lines = [json.dumps(e, separators=(",", ":")) for e in events]
    seeds.add("journal", ("\n".join(lines) + "\n").encode())
    seeds.add("journal", ("\n".join(lines) + '\n{"event":"sending","key":"k4","ind').encode())
    for line in lines:
        seeds.add("journal", line.encode())
    seeds.dictionary(
        "journal",
        {
            "event",
            "sending",
            "placed",
            "failed",
            "key",
            "index",
            "callee",
            "attempt",
            "at",
            "session_id",
            "request_id",
            "outcome_unknown",
            "kind",
            "code",
            "message",
        },
    )

    # csv: the case byte, then a calls file; one built from each valid case's scalar parameters too.
    csvs = [
        "callee,Name,var.model,VadLevel,Languages,enable_voicemail_detection,prompt_var.tone\n"
        "+86 130 0000 0001,Li,x,2,zh;en,true,warm\n008613000000002,,,,,,\n",
        "Callee,MaxCallDurationMs\n0086130,60000\n",
        "callee,name\n1,2,3\n",
    ]
    for value in inputs[:30]:
        scalars = {
            k: v
            for k, v in value.items()
            if isinstance(v, (str, int, float, bool, list))
            and not (isinstance(v, list) and any(isinstance(x, (dict, list)) for x in v))
        }
        if scalars:

            def cell(v):
                v = ";".join(map(str, v)) if isinstance(v, list) else json.dumps(v) if isinstance(v, bool) else str(v)
                return '"' + v.replace('"', '""') + '"' if re.search(r'[",\n\r]', v) else v

            csvs.append(",".join(scalars) + "\n" + ",".join(cell(v) for v in scalars.values()) + "\n")
    for text in csvs:
        for i in range(3):
            seeds.add("csv", str(i).encode() + text.encode())

    # request_structured reads `arbitrary` bytes, not JSON: it starts from libFuzzer's empty input.
    (CORPUS / "request_structured").mkdir(parents=True, exist_ok=True)
    return seeds.count


if __name__ == "__main__":
    for target, n in sorted(main().items()):
        print(f"seeded {target}: {n} inputs")
