"""The emulator's post-call answers read by the official SDK's response models (tencentcloud-sdk-python-ccc, a
test-only dependency): the independent oracle for field names and types. For an answered call with a transcript
and an extraction, every attribute the service's definition lists must come out populated (not None)."""

from __future__ import annotations

import json
import time
from typing import Any, Callable, List

import pytest
from ccc_aicall.testing import Emulator
from tencentcloud.ccc.v20200210 import ccc_client, models
from tencentcloud.common import credential
from tencentcloud.common.abstract_model import AbstractModel
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

SDK_APP_ID = 1400000000
CALLEE = "008613012345678"
CALL = {
    "SdkAppId": SDK_APP_ID,
    "Callee": CALLEE,
    "LLMType": "openai",
    "APIKey": "sk-test-not-a-real-key",
    "APIUrl": "https://api.openai.com/v1/",
    "SystemPrompt": "You are a polite assistant confirming an appointment.",
    "Model": "gpt-4o-mini",
    "Callers": ["008675500000000"],
}
# Attributes of the official models that the emulator leaves out on purpose: deprecated (disabled) ones the
# service's examples do not return either (`TelCdrs`, `AsrData.Timestamp`), and `EndStatusV2`, which the SDK has
# but the definition the emulator follows (OUTCOMES.md) does not.
NOT_SENT = {"TelCdrs", "Timestamp", "EndStatusV2"}


@pytest.fixture
def cli(emu: Emulator) -> ccc_client.CccClient:
    emu.rate_limit = 0
    http = HttpProfile(protocol="http", endpoint=emu.endpoint.split("://", 1)[1], reqTimeout=10)
    return ccc_client.CccClient(
        credential.Credential(emu.secret_id, emu.secret_key), "", ClientProfile(httpProfile=http)
    )


def call(method: Callable[[Any], Any], request: AbstractModel, params: dict) -> Any:
    request.from_json_string(json.dumps(params))
    return method(request)


def place(cli: ccc_client.CccClient) -> str:
    return call(cli.CreateAICall, models.CreateAICallRequest(), CALL).SessionId


def session_status(cli: ccc_client.CccClient, session_id: str) -> Any:
    params = {"SdkAppId": SDK_APP_ID, "SessionId": session_id}
    return call(cli.DescribeTelSession, models.DescribeTelSessionRequest(), params).Session


def wait_for(cli: ccc_client.CccClient, session_id: str, status: str) -> None:
    deadline = time.monotonic() + 10
    while session_status(cli, session_id).SessionStatus != status:
        assert time.monotonic() < deadline, f"{session_id} never became {status}"
        time.sleep(0.05)


def unread(model: AbstractModel, where: str = "") -> List[str]:
    """Every attribute of the model, recursively, that came out None (minus NOT_SENT)."""
    missing = []
    for attr, value in vars(model).items():
        name = attr.lstrip("_")
        path = f"{where}{type(model).__name__}.{name}"
        if value is None:
            if name not in NOT_SENT:
                missing.append(path)
        elif isinstance(value, AbstractModel):
            missing += unread(value, f"{where}")
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, AbstractModel):
                    missing += unread(item, where)
    return missing


def script_answered(emu: Emulator, talk_ms: int) -> None:
    emu.script(
        CALLEE,
        ring_ms=100,
        talk_ms=talk_ms,
        transcript=[{"role": "ai", "text": "Hello, is this Ms. Li?"}, {"role": "user", "text": "Yes, speaking."}],
        extracted=[
            {"name": "interest", "type": "Boolean", "value": True, "description": "Interested?"},
            {"name": "years", "type": "Number", "value": 7},
            {"name": "reasons", "type": "Selector", "value": ["price"]},
            {"name": "note", "type": "Text", "value": "call back"},
        ],
    )


def test_a_finished_call_reads_completely(emu: Emulator, cli: ccc_client.CccClient) -> None:
    script_answered(emu, talk_ms=800)
    session_id = place(cli)
    wait_for(cli, session_id, "finished")
    now = int(time.time())

    session = session_status(cli, session_id)
    assert unread(session) == []
    assert session.SessionID == session_id and session.AcceptTimestamp >= session.StartTimestamp > 0

    cdr_params = {
        "SdkAppId": SDK_APP_ID,
        "StartTimeStamp": now - 600,
        "EndTimeStamp": now + 600,
        "PageSize": 10,
        "PageNumber": 0,
        "SessionIds": [session_id],
        "Phones": ["+8613012345678"],
    }
    cdr = call(cli.DescribeTelCdr, models.DescribeTelCdrRequest(), cdr_params)
    assert cdr.TotalCount == 1 and len(cdr.TelCdrList) == 1
    record = cdr.TelCdrList[0]
    assert unread(cdr) == []
    assert (record.EndStatus, record.EndStatusString, record.HungUpSide) == (1, "ok", "user")
    assert record.Duration == record.EndedTimestamp - record.AcceptTimestamp
    assert record.AsrStatus == "Complete" and record.RecordURL.endswith(f"{session_id}.mp3")
    assert isinstance(record.SeatUser, models.SeatUserInfo)

    params = {"SdkAppId": SDK_APP_ID, "SessionId": session_id}
    asr = call(cli.DescribeTelRecordAsr, models.DescribeTelRecordAsrRequest(), params)
    assert unread(asr) == []
    assert [(s.User, s.Message) for s in asr.AsrDataList] == [
        ("AI", "Hello, is this Ms. Li?"),
        (CALLEE, "Yes, speaking."),
    ]
    assert all(isinstance(s.Start, int) and s.Start <= s.End for s in asr.AsrDataList)

    window = {**params, "StartTime": now - 600, "EndTime": now + 600}
    extract = call(cli.DescribeAICallExtractResult, models.DescribeAICallExtractResultRequest(), window)
    assert unread(extract) == []
    by_name = {item.InfoName: item for item in extract.ResultList}
    assert by_name["interest"].Result.Boolean is True and by_name["interest"].InfoContent == "Interested?"
    assert by_name["years"].Result.Number == 7.0
    assert by_name["reasons"].Result.Chosen == ["price"]
    assert by_name["note"].InfoType == "Text" and by_name["note"].Result.Text == "call back"


def test_live_control_transfer_and_hang_up_read(emu: Emulator, cli: ccc_client.CccClient) -> None:
    script_answered(emu, talk_ms=60_000)
    session_id = place(cli)
    params = {"SdkAppId": SDK_APP_ID, "SessionId": session_id}

    with pytest.raises(TencentCloudSDKException) as ringing:
        push = {**params, "Command": "ServerPushText", "ServerPushText": {"Text": "too early"}}
        call(cli.ControlAIConversation, models.ControlAIConversationRequest(), push)
    assert ringing.value.get_code() == "FailedOperation.SessionNotInControlState"

    wait_for(cli, session_id, "inProgress")
    assert unread(session_status(cli, session_id)) == []
    push = {**params, "Command": "ServerPushText", "ServerPushText": {"Text": "One moment.", "Interrupt": True}}
    pushed = call(cli.ControlAIConversation, models.ControlAIConversationRequest(), push)
    assert pushed.RequestId
    invoke = {**params, "Command": "InvokeLLM", "InvokeLLM": {"Content": "Summarise.", "Interrupt": False}}
    assert call(cli.ControlAIConversation, models.ControlAIConversationRequest(), invoke).RequestId
    transfer = {**params, "SkillGroupId": 5002}
    assert call(cli.TransferToManual, models.TransferToManualRequest(), transfer).RequestId
    assert call(cli.HangUpCall, models.HangUpCallRequest(), params).RequestId
    with pytest.raises(TencentCloudSDKException) as over:
        call(cli.HangUpCall, models.HangUpCallRequest(), params)
    assert over.value.get_code() == "FailedOperation.SessionNotExists"

    now = int(time.time())
    cdr_params = {"SdkAppId": SDK_APP_ID, "StartTimeStamp": now - 600, "EndTimeStamp": now + 600}
    cdr_params.update(PageSize=1, PageNumber=0, SessionIds=[session_id])
    cdr = call(cli.DescribeTelCdr, models.DescribeTelCdrRequest(), cdr_params)
    assert unread(cdr) == []
    record = cdr.TelCdrList[0]
    assert (record.EndStatus, record.EndStatusString, record.HungUpSide) == (231, "callTerminatedByAPI", "system")
    [leg] = record.ServeParticipants
    assert (leg.SkillGroupId, leg.Type, leg.Sequence) == (5002, "staffSeat", 0)
    said = [s.Message for s in call(cli.DescribeTelRecordAsr, models.DescribeTelRecordAsrRequest(), params).AsrDataList]
    assert said[-1] == "One moment." and "Summarise." not in said
