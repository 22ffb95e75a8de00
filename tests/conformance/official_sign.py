"""Independent oracle: the official tencentcloud-sdk-python-common signs each case.

Reads a JSON list of cases on stdin, writes a JSON list of results on stdout. Two modes per case:
- "signature": the official `_get_tc3_signature` over the exact body, host, content type and timestamp given
  (the same function the official client uses), giving the Authorization header it would send;
- "client": the official CommonClient builds the whole request itself (its own JSON body, headers and
  Authorization) for the given action, params, host, credentials and timestamp; we return what it built so the
  Rust side can sign the same bytes and compare.
Nothing here is our code: it only calls into the official package.
"""

import json
import sys
from unittest import mock

from tencentcloud.common import credential
from tencentcloud.common.abstract_client import AbstractClient
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile


def official_signature(case):
    req = RequestInternal(host=case["host"], method="POST", uri="/")
    req.header["Content-Type"] = case["content_type"]
    req.header["Host"] = case["host"]
    req.header["X-TC-Timestamp"] = str(case["timestamp"])
    req.data = case["body"]
    from datetime import datetime, timezone

    date = datetime.fromtimestamp(case["timestamp"], tz=timezone.utc).strftime("%Y-%m-%d")
    sig = AbstractClient._get_tc3_signature(None, None, req, date, case["service"], case["secret_key"])
    return {
        "authorization": f"TC3-HMAC-SHA256 Credential={case['secret_id']}/{date}/{case['service']}/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={sig}"
    }


def official_client(case):
    cred = credential.Credential(case["secret_id"], case["secret_key"], case.get("token"))
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=case["host"], reqMethod="POST"))
    client = CommonClient("ccc", "2020-02-10", cred, case.get("region") or "", profile=profile)
    req = RequestInternal(case["host"], "POST", "/")
    with mock.patch("time.time", return_value=float(case["timestamp"])):
        client._build_req_inter(case["action"], case["params"], req)
    return {"headers": dict(req.header), "body": req.data}


def main():
    cases = json.load(sys.stdin)
    out = [official_client(c) if c["mode"] == "client" else official_signature(c) for c in cases]
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
