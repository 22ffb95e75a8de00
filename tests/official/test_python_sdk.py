"""The official Python SDK (tencentcloud-sdk-python-ccc) against the local emulator.

Run by tests/official/run.sh (make test-official), which starts the emulator and sets
CCC_EMULATOR_ENDPOINT (the shared instance) and CCC_EMULATOR_BIN (to start instances with other options).
"""

import json
import os
import re
import subprocess
import time
import urllib.request
from urllib.parse import urlparse

import pytest
from tencentcloud.ccc.v20200210 import ccc_client, models
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.common.retry import StandardRetryer

TEST_SECRET_ID = "AKIDccclocalemulatortestid00000000"
TEST_SECRET_KEY = "ccc-local-emulator-test-secret-key"
SDK_APP_ID = 1400000000

VALID_CALL = {
    "SdkAppId": SDK_APP_ID,
    "Callee": "008613012345678",
    "LLMType": "openai",
    "APIKey": "sk-test-not-a-real-key",
    "APIUrl": "https://api.openai.com/v1/",
    "SystemPrompt": "You are a polite assistant confirming an appointment.",
    "Model": "gpt-4o-mini",
    "Callers": ["008675500000000"],
}


def profile(endpoint, timeout=10, retryer=None):
    # API.md section 8: the Python SDK signs exactly the host it sends, port included.
    http = HttpProfile(protocol="http", endpoint=urlparse(endpoint).netloc, reqTimeout=timeout)
    return ClientProfile(httpProfile=http, retryer=retryer)


def client(endpoint, secret_id=TEST_SECRET_ID, secret_key=TEST_SECRET_KEY, token=None, **options):
    return ccc_client.CccClient(credential.Credential(secret_id, secret_key, token), "", profile(endpoint, **options))


def admin(endpoint, path, body=None):
    """The emulator's unsigned control surface (/__emulator/state, /faults, /reset...)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{endpoint}/__emulator/{path}", data=data, method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def common_client(endpoint):
    cred = credential.Credential(TEST_SECRET_ID, TEST_SECRET_KEY)
    return CommonClient("ccc", "2020-02-10", cred, "", profile(endpoint))


def create_call(cli, **overrides):
    req = models.CreateAICallRequest()
    req.from_json_string(json.dumps({**VALID_CALL, **overrides}))
    return cli.CreateAICall(req)


def describe(cli, session_id):
    req = models.DescribeTelSessionRequest()
    req.from_json_string(json.dumps({"SdkAppId": SDK_APP_ID, "SessionId": session_id}))
    return cli.DescribeTelSession(req).Session


def error_code(call):
    with pytest.raises(TencentCloudSDKException) as info:
        call()
    return info.value.get_code()


@pytest.fixture(scope="session")
def endpoint():
    value = os.environ.get("CCC_EMULATOR_ENDPOINT")
    if not value:
        pytest.fail("CCC_EMULATOR_ENDPOINT is not set: run this through tests/official/run.sh (make test-official)")
    return value


@pytest.fixture
def spawn():
    """Start another emulator with its own options; returns its endpoint."""
    started = []

    def start(*args):
        binary = os.environ.get("CCC_EMULATOR_BIN")
        if not binary:
            pytest.fail("CCC_EMULATOR_BIN is not set: run this through tests/official/run.sh (make test-official)")
        proc = subprocess.Popen([binary, "--port", "0", *args], stdout=subprocess.PIPE, text=True)
        started.append(proc)
        line = proc.stdout.readline().strip()
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, f"unexpected first line from the emulator: {line!r}"
        return match.group(1)

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=10)


def test_create_ai_call_succeeds(endpoint):
    resp = create_call(client(endpoint))
    assert re.fullmatch(r"[0-9a-f]{32}", resp.SessionId)
    assert re.fullmatch(r"[0-9a-f-]{36}", resp.RequestId)


def test_wrong_key_is_signature_failure(endpoint):
    cli = client(endpoint, secret_key="not-the-key")
    assert error_code(lambda: create_call(cli)) == "AuthFailure.SignatureFailure"


def test_unknown_secret_id(endpoint):
    cli = client(endpoint, secret_id="AKIDnobodyknowsthisid")
    assert error_code(lambda: create_call(cli)) == "AuthFailure.SecretIdNotFound"


def test_temporary_credentials_need_their_token(spawn):
    ep = spawn("--secret-id", "AKIDtemporary", "--secret-key", "temporary-key", "--token", "session-token")
    assert create_call(client(ep, "AKIDtemporary", "temporary-key", "session-token")).SessionId
    assert error_code(lambda: create_call(client(ep, "AKIDtemporary", "temporary-key"))) == "AuthFailure.TokenFailure"
    wrong = client(ep, "AKIDtemporary", "temporary-key", "other-token")
    assert error_code(lambda: create_call(wrong)) == "AuthFailure.TokenFailure"


def test_parameter_errors_use_the_services_codes(endpoint):
    cli = client(endpoint)
    without_callee = {k: v for k, v in VALID_CALL.items() if k != "Callee"}
    req = models.CreateAICallRequest()
    req.from_json_string(json.dumps(without_callee))
    assert error_code(lambda: cli.CreateAICall(req)) == "MissingParameter"
    assert error_code(lambda: create_call(cli, LLMType="not-a-protocol")) == "InvalidParameterValue"
    # The typed model drops unknown fields; the generic client sends them.
    common = common_client(endpoint)
    assert (
        error_code(lambda: common.call_json("CreateAICall", {**VALID_CALL, "SystemPromt": "typo"}))
        == "UnknownParameter"
    )


def test_generic_client_places_a_call(endpoint):
    resp = common_client(endpoint).call_json("CreateAICall", VALID_CALL)
    assert re.fullmatch(r"[0-9a-f]{32}", resp["Response"]["SessionId"])


def test_describe_then_hang_up(endpoint):
    cli = client(endpoint)
    session_id = create_call(cli).SessionId
    session = describe(cli, session_id)
    assert session.SessionID == session_id
    assert session.SessionStatus in ("ringing", "inProgress")
    assert session.Callee == VALID_CALL["Callee"]
    req = models.HangUpCallRequest()
    req.from_json_string(json.dumps({"SdkAppId": SDK_APP_ID, "SessionId": session_id}))
    assert cli.HangUpCall(req).RequestId
    assert describe(cli, session_id).SessionStatus == "finished"


def test_a_session_finishes_by_itself(spawn):
    ep = spawn("--ringing-ms", "100", "--talking-ms", "100")
    cli = client(ep)
    session_id = create_call(cli).SessionId
    time.sleep(0.3)
    assert describe(cli, session_id).SessionStatus == "finished"


def test_unknown_session_is_resource_not_found(endpoint):
    cli = client(endpoint)
    assert error_code(lambda: describe(cli, "0" * 32)) == "ResourceNotFound"


def test_a_server_clock_ten_minutes_ahead_expires_the_signature(spawn):
    # The official SDK does not correct its clock from the server's Date (API.md section 7).
    ep = spawn("--clock-offset", "600")
    assert error_code(lambda: create_call(client(ep))) == "AuthFailure.SignatureExpire"


def test_the_rate_limit_answers_request_limit_exceeded(spawn):
    ep = spawn("--rate-limit", "3")
    cli = client(ep)
    codes = []
    for _ in range(8):
        try:
            create_call(cli)
            codes.append("ok")
        except TencentCloudSDKException as e:
            codes.append(e.get_code())
    assert codes.count("ok") >= 3
    assert "RequestLimitExceeded" in codes
    assert set(codes) <= {"ok", "RequestLimitExceeded"}


# What the official SDK makes of the failures that leave a call placed (API.md sections 5 and 7).


def test_a_502_is_server_network_error_and_the_call_was_placed(spawn):
    ep = spawn("--fault", '{"kind":"http_status","status":502}')
    assert error_code(lambda: create_call(client(ep))) == "ServerNetworkError"
    state = admin(ep, "state")
    assert (len(state["calls"]), state["hits"]) == (1, 1)


def test_internal_error_keeps_its_code_and_the_call_was_placed(spawn):
    ep = spawn()
    admin(ep, "faults", {"kind": "error", "code": "InternalError"})
    assert error_code(lambda: create_call(client(ep))) == "InternalError"
    assert len(admin(ep, "state")["calls"]) == 1


def test_a_read_timeout_leaves_a_placed_call(spawn):
    ep = spawn("--fault", '{"kind":"delay","phase":"after_read","ms":1500}')
    assert error_code(lambda: create_call(client(ep, timeout=1))) == "ClientNetworkError"
    assert len(admin(ep, "state")["calls"]) == 1


def test_the_official_retryer_dials_again_and_discards_the_success(spawn):
    # StandardRetryer never clears the first error: after one 502 it re-sends on every later success
    # until max_attempts, then raises the old error. One 502 = three phone calls and an exception.
    ep = spawn("--fault", '{"kind":"http_status","status":502}')
    retryer = StandardRetryer(max_attempts=3, backoff_fn=lambda n: 0.01)
    assert error_code(lambda: create_call(client(ep, retryer=retryer))) == "ServerNetworkError"
    state = admin(ep, "state")
    assert (len(state["calls"]), state["hits"]) == (3, 3)
