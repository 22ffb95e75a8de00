"""Leaving the interpreter while async calls are completing never crashes it.

Completions of awaitables run on tokio's blocking pool and take the GIL; during interpreter finalization that
aborts the process ("Fatal Python error: PyGILState_Release ... finalizing", or a segfault). Without the atexit
guard this program crashed about once in 12 runs (64 calls completing at exit); the test runs it 10 times, so it
catches a regression more often than not, and never fails a correct build.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import asyncio
    import sys
    from ccc_aicall import AsyncClient
    from ccc_aicall.testing import Emulator

    CALL = dict(sdk_app_id=1400000000, callee="008612300000000", llm_type="openai", model="m",
                api_key="sk-x", api_url="https://api.openai.com/v1/", system_prompt="p")

    N, DELAY = int(sys.argv[1]), float(sys.argv[2])

    async def main():
        emu = Emulator(rate_limit=0).__enter__()
        client = AsyncClient(endpoint=emu.endpoint, secret_id=emu.secret_id, secret_key=emu.secret_key, rate_limit=0)
        for _ in range(3):
            await asyncio.gather(*(client.create_ai_call(**CALL) for _ in range(N)))
        # Leave with calls still in flight and completing.
        for _ in range(N):
            asyncio.ensure_future(client.create_ai_call(**CALL))
        await asyncio.sleep(DELAY)
        print("done", flush=True)

    asyncio.run(main())
    """
)


def test_exit_with_calls_completing_is_clean() -> None:
    for run in range(10):
        done = subprocess.run([sys.executable, "-c", SCRIPT, "64", "0"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"run {run}: exit {done.returncode}\n{done.stderr[-2000:]}"
        assert "done" in done.stdout
        assert "Fatal Python error" not in done.stderr, done.stderr[-2000:]
