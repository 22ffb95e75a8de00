"""The official Python SDK's per-call CPU work without I/O, on the inputs of core/benches/signing.rs.

    python sign_official.py  ->  one JSON object: {name: {"median_ns", "min_ns", "max_ns"}}

sign: `AbstractClient._get_tc3_signature` (canonical request, string to sign, the HMAC chain of
`tencentcloud.common.sign.Sign.sign_tc3`) over the exact body. build_request: what the SDK does per call before
signing (the model filled from JSON as its documented idiom does, `_serialize()`, `json.dumps`).
build_and_sign: both.
"""

import json
import statistics
import timeit
import types
from datetime import datetime, timezone
from pathlib import Path

from tencentcloud.ccc.v20200210 import ccc_client, models
from tencentcloud.common import credential

SECRET_ID = "AKIDccclocalemulatortestid00000000"
SECRET_KEY = "ccc-local-emulator-test-secret-key"
HOST = "ccc.tencentcloudapi.com"
TIMESTAMP = 1_700_000_000
WIRE = json.loads((Path(__file__).parent / "request.json").read_text(encoding="utf-8"))
# The bytes our core signs and sends: compact, keys sorted, UTF-8 (signing.rs asserts the same).
BODY = json.dumps(WIRE, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
TEXT = json.dumps(WIRE, ensure_ascii=False)

client = ccc_client.CccClient(credential.Credential(SECRET_ID, SECRET_KEY), "")
date = datetime.fromtimestamp(TIMESTAMP, timezone.utc).strftime("%Y-%m-%d")


def sign(body):
    req = types.SimpleNamespace(
        method="POST",
        uri="/",
        data=body,
        header={"Content-Type": "application/json", "Host": HOST, "X-TC-Timestamp": str(TIMESTAMP)},
    )
    return client._get_tc3_signature(None, req, date, "ccc", SECRET_KEY)


def build():
    req = models.CreateAICallRequest()
    req.from_json_string(TEXT)
    return json.dumps(req._serialize())


CASES = {"sign": lambda: sign(BODY), "build_request": build, "build_and_sign": lambda: sign(build())}


def measure(fn, target_seconds=0.25, repeats=7):
    number, elapsed = 1, 0.0
    while elapsed < target_seconds / 4:  # calibrate: each repeat about target_seconds
        number *= 2
        elapsed = timeit.timeit(fn, number=number)
    number = max(1, int(number * target_seconds / elapsed))
    per_call = [t / number * 1e9 for t in timeit.repeat(fn, number=number, repeat=repeats)]
    return {"median_ns": statistics.median(per_call), "min_ns": min(per_call), "max_ns": max(per_call)}


if __name__ == "__main__":
    assert len(sign(BODY)) == 64
    print(json.dumps({name: measure(fn) for name, fn in CASES.items()}))
