"""A Client's per-thread runtimes (made by its blocking calls) may be freed on any thread that holds the GIL,
including one of the core's runtime threads (a progress callable, a log handler, the garbage collector running
there): freeing them must not panic."""

from __future__ import annotations

import gc
import sys
from typing import Any, List

from ccc_aicall.testing import Emulator
from conftest import VALID_REQUEST


def test_a_client_freed_on_a_runtime_thread_frees_its_runtimes_quietly(emu: Emulator) -> None:
    holder: List[Any] = [emu.client(rate_limit=0)]
    holder[0].create_ai_call(**VALID_REQUEST)  # this thread now has a runtime of that client's
    unraisable: List[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = unraisable.append

    def progress(item: Any) -> None:
        # The core calls this from one of its runtime threads: the client's last reference goes away there.
        holder.clear()
        gc.collect()

    defaults = {k: v for k, v in VALID_REQUEST.items() if k != "callee"}
    try:
        report = emu.client(rate_limit=0).create_ai_calls(
            [{"callee": VALID_REQUEST["callee"]}], defaults=defaults, progress=progress
        )
    finally:
        sys.unraisablehook = previous
    assert report.placed == 1
    assert not holder
    assert not unraisable, [str(u.exc_value) for u in unraisable]
