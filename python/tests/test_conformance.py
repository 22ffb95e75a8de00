"""A call from this package is accepted by a server that checks TC3 with the official SDK's own signing code
(tencentcloud-sdk-python-common's ``Sign.sign_tc3``), and the bytes it receives are the shared cases' wire form."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List

import ccc_aicall
import pytest
from conftest import CASES, VALID_REQUEST, case_ids, to_kwargs

Sign = pytest.importorskip("tencentcloud.common.sign").Sign

SECRET_ID = "AKIDconformance0000000000000000000"
SECRET_KEY = "conformance-secret-key"


class OfficialSignatureServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.accepted: List[Dict[str, Any]] = []
        self.rejected: List[str] = []

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: OfficialSignatureServer

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        problem = self.check(body)
        request_id = str(uuid.uuid4())
        if problem:
            self.server.rejected.append(problem)
            response: Dict[str, Any] = {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": problem}}
        else:
            self.server.accepted.append({"action": self.headers["X-TC-Action"], "body": json.loads(body)})
            response = {"SessionId": uuid.uuid4().hex}
        response["RequestId"] = request_id
        payload = json.dumps({"Response": response}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def check(self, body: bytes) -> str:
        """The canonical request of API.md section 3, signed with the official SDK's sign_tc3."""
        algorithm, _, fields = self.headers["Authorization"].partition(" ")
        parts = dict(item.strip().split("=", 1) for item in fields.split(","))
        secret_id, date, service, terminator = parts["Credential"].split("/")
        timestamp = int(self.headers["X-TC-Timestamp"])
        if algorithm != "TC3-HMAC-SHA256" or secret_id != SECRET_ID or (service, terminator) != ("ccc", "tc3_request"):
            return f"bad credential scope {parts['Credential']}"
        if date != datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d"):
            return "credential date is not the timestamp's date"
        signed = parts["SignedHeaders"].split(";")
        canonical_headers = "".join(f"{name}:{self.headers[name].strip().lower()}\n" for name in signed)
        canonical_request = "\n".join(
            ["POST", "/", "", canonical_headers, parts["SignedHeaders"], hashlib.sha256(body).hexdigest()]
        )
        string_to_sign = "\n".join(
            [
                "TC3-HMAC-SHA256",
                str(timestamp),
                f"{date}/ccc/tc3_request",
                hashlib.sha256(canonical_request.encode()).hexdigest(),
            ]
        )
        expected = Sign.sign_tc3(SECRET_KEY, date, "ccc", string_to_sign)
        return "" if expected == parts["Signature"] else "signature mismatch"


@pytest.fixture(scope="module")
def server() -> Iterator[OfficialSignatureServer]:
    srv = OfficialSignatureServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def official(server: OfficialSignatureServer) -> OfficialSignatureServer:
    server.accepted.clear()
    server.rejected.clear()
    return server


def client(server: OfficialSignatureServer, cls: Any = ccc_aicall.Client) -> Any:
    return cls(endpoint=server.endpoint, secret_id=SECRET_ID, secret_key=SECRET_KEY, max_retries=0, rate_limit=0)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("case", CASES["valid"], ids=case_ids(CASES["valid"]))
def test_the_official_signing_code_accepts_our_requests(
    official: OfficialSignatureServer, case: dict, mode: str
) -> None:
    kwargs = to_kwargs(case["input"])
    if mode == "sync":
        result = client(official).create_ai_call(**kwargs)
    else:
        result = asyncio.run(client(official, ccc_aicall.AsyncClient).create_ai_call(**kwargs))
    assert official.rejected == []
    assert official.accepted == [{"action": "CreateAICall", "body": case["wire"]}]
    assert result.session_id


def test_other_actions_are_signed_the_same_way(official: OfficialSignatureServer) -> None:
    answer = client(official).request("DescribeTelSession", {"SdkAppId": 1400000000, "SessionId": "abc"})
    assert official.rejected == [] and answer["RequestId"]
    assert official.accepted == [{"action": "DescribeTelSession", "body": {"SdkAppId": 1400000000, "SessionId": "abc"}}]


def test_a_wrong_key_is_refused_by_the_official_check(official: OfficialSignatureServer) -> None:
    wrong = ccc_aicall.Client(endpoint=official.endpoint, secret_id=SECRET_ID, secret_key="not-the-key", max_retries=0)
    with pytest.raises(ccc_aicall.AuthenticationError):
        wrong.create_ai_call(**VALID_REQUEST)
    assert official.rejected == ["signature mismatch"]
