"""Place an AI phone call with ccc_aicall, then follow it to its end.

    pip install ./python                # from a clone of this repository (needs Rust)
    python examples/quickstart.py

With TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY set (and CCC_SDK_APP_ID, CCC_CALLEE, LLM_API_KEY), this
dials a real phone. Without them it runs against the local emulator, which dials nobody.
"""

import asyncio
import os

import ccc_aicall
from ccc_aicall import AsyncClient, Client

SDK_APP_ID = int(os.environ.get("CCC_SDK_APP_ID", "1400000000"))
CALL = dict(
    sdk_app_id=SDK_APP_ID,
    callee=os.environ.get("CCC_CALLEE", "008613012345678"),  # 00 + country code + number
    llm_type="openai",
    model="gpt-4o-mini",
    api_key=os.environ.get("LLM_API_KEY", "sk-your-openai-key"),
    api_url="https://api.openai.com/v1/",
    system_prompt="You are Dr. Li from People's Hospital, calling to check how the patient feels after surgery.",
    welcome_message="Hello, this is Dr. Li from People's Hospital.",
    voice_type="ZhiXi",
    end_function_enable=True,
    max_duration=30_000,  # hang up after 30 s of silence (milliseconds)
)


def main(client: Client, async_client: AsyncClient) -> None:
    # 1. Place a call (blocking; releases the GIL while it waits).
    result = client.create_ai_call(**CALL)
    print("placed:", result)

    # 2. Follow it with any other CCC action through the same signed client.
    session = client.request("DescribeTelSession", {"SdkAppId": SDK_APP_ID, "SessionId": result.session_id})
    print("status:", session["Session"]["SessionStatus"])

    # 2b. Or wait for how it ended: its status, durations and transcript (polled with backoff; 10 minutes at most).
    outcome = client.wait_for_call(result)
    print("ended:", outcome.status, "after talking", outcome.talk_duration)
    for turn in outcome.transcript or []:
        print(f"  {turn.role}: {turn.text}")

    # 3. Every problem with a request is reported at once, before anything is sent.
    try:
        client.create_ai_call(**{**CALL, "vad_silence_time": 10, "callee": "call me"})
    except ccc_aicall.ValidationError as e:
        for problem in e.errors:
            print(f"invalid {problem.field}: {problem.message}")

    # 4. The same with asyncio: a few calls at once, spaced by the client's rate limiter (20/s).
    #    return_exceptions=True: one failure must not hide what became of the other calls.
    async def several() -> list:
        return await asyncio.gather(*(async_client.create_ai_call(**CALL) for _ in range(3)), return_exceptions=True)

    print("placed concurrently:", [getattr(r, "session_id", r) for r in asyncio.run(several())])


if __name__ == "__main__":
    if os.environ.get("TENCENTCLOUD_SECRET_ID"):
        main(Client(), AsyncClient())
    else:
        from ccc_aicall.testing import Emulator

        print("No TENCENTCLOUD_SECRET_ID: using the local emulator (nobody is dialled).")
        with Emulator() as emulator:
            main(emulator.client(), emulator.async_client())
