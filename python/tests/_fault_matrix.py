"""The shared fault matrix (tests/cases/fault_matrix.json) through the Python package, sync and async.

Used by test_fault_matrix.py (the emulator's test pair) and test_fault_matrix_leaks.py (secrets in every
secret field, debug logging captured). One fresh client per row, so that no pooled connection carries over.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ccc_aicall import AsyncClient, CccError, Client
from ccc_aicall.testing import Emulator
from conftest import snake

REPO = Path(__file__).resolve().parents[2]
MATRIX: Dict[str, Any] = json.loads((REPO / "tests" / "cases" / "fault_matrix.json").read_text(encoding="utf-8"))
REPORTS = REPO / "target" / "reliability"


@dataclass
class Secrets:
    """What goes into the secret fields: the emulator's test pair, or the leak check's distinctive strings."""

    secret_id: Optional[str] = None
    secret_key: Optional[str] = None
    token: Optional[str] = None
    wrong_secret_key: str = "not-the-emulator-key"
    api_key: Optional[str] = None
    tts: List[Dict[str, Any]] = field(default_factory=list)

    @classmethod
    def leak_check(cls) -> Secrets:
        leak = MATRIX["leak_check"]
        return cls(
            leak["secret_id"], leak["secret_key"], leak["token"], leak["wrong_secret_key"], leak["api_key"], leak["tts"]
        )


@dataclass
class Run:
    rows: List[Dict[str, Any]]
    texts: List[str]


def _request(index: int, secrets: Secrets) -> Dict[str, Any]:
    wire = dict(MATRIX["request"])
    if secrets.api_key is not None:
        wire["APIKey"] = secrets.api_key
    if secrets.tts:
        del wire["VoiceType"]
        wire["CustomTTSConfig"] = secrets.tts[index % len(secrets.tts)]
    return {snake(k): v for k, v in wire.items()}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _texts_of_error(e: BaseException) -> List[str]:
    texts = [str(e), repr(e), str(e.args)]
    if isinstance(e, CccError):
        texts += [e.message, repr(e.__dict__)]
    return texts


def run(secrets: Secrets, mode: str) -> Run:
    """Every row in order with ``Client`` (``mode="sync"``, concurrent calls on threads) or ``AsyncClient``
    (``mode="async"``, concurrent calls gathered on one loop)."""
    creds = {}
    if secrets.secret_id is not None:
        creds = {"secret_id": secrets.secret_id, "secret_key": secrets.secret_key, "token": secrets.token}
    rows: List[Dict[str, Any]] = []
    texts: List[str] = []
    with (
        Emulator(rate_limit=0, **creds) as plain,
        Emulator(rate_limit=0, tls=True, **creds) as tls,
        tempfile.TemporaryDirectory() as tmp,
    ):
        ca_file = os.path.join(tmp, "ca.pem")
        Path(ca_file).write_text(tls.ca_pem or "", encoding="utf-8")
        for index, row in enumerate(MATRIX["rows"]):
            provoke = row["provoke"]
            kind = provoke["kind"]
            emu = tls if kind == "tls" else plain
            emu.reset()
            emu.clock_offset = provoke.get("clock_offset", 0)
            for fault in provoke.get("faults", []):
                emu.inject(fault)
            endpoint = {
                "emulator": emu.endpoint,
                "tls": emu.endpoint,
                "refused": f"http://127.0.0.1:{_free_port()}",
                "dns": "http://ccc-aicall-fault-matrix.invalid:8080",
            }[kind]
            opts = {**MATRIX["client_defaults"], **row["client"]}
            options: Dict[str, Any] = {
                "secret_id": emu.secret_id,
                "secret_key": secrets.wrong_secret_key if provoke.get("wrong_secret_key") else emu.secret_key,
                "token": emu.token,
                "endpoint": endpoint,
                "max_retries": opts["max_retries"],
                "rate_limit": opts["rate_limit"],
                "timeout": opts["timeout_ms"] / 1000,
                "connect_timeout": opts["connect_timeout_ms"] / 1000,
            }
            if provoke.get("trust_ca"):
                options["ca_file"] = ca_file
            request = _request(index, secrets)
            calls = row.get("calls", 1)
            started = time.monotonic()
            if mode == "sync":
                client: Any = Client(**options)
                results = _sync_calls(client, request, calls)
            else:
                client = AsyncClient(**options)
                results = asyncio.run(_async_calls(client, request, calls))
            duration = time.monotonic() - started
            settle = provoke.get("settle_ms")
            if settle:
                time.sleep(max(0.0, settle / 1000 - (time.monotonic() - started)))
            texts += [repr(client), str(client)]
            errors = [r for r in results if isinstance(r, BaseException)]
            for r in results:
                texts += _texts_of_error(r) if isinstance(r, BaseException) else [repr(r), str(r)]
            first = errors[0] if errors else None
            rows.append(
                {
                    "id": row["id"],
                    "calls": calls,
                    "error": type(first).__name__ if first else None,
                    "code": getattr(first, "code", None),
                    "outcome_unknown": getattr(first, "outcome_unknown", None) if first else None,
                    "http_status": getattr(first, "http_status", None),
                    "succeeded": len(results) - len(errors),
                    "placed": len(emu.calls) if kind in ("emulator", "tls") else len(plain.calls),
                    "hits": emu.hits if kind in ("emulator", "tls") else plain.hits,
                    "duration_ms": round(duration * 1000),
                }
            )
            emu.clock_offset = 0
    return Run(rows, texts)


def _sync_calls(client: Client, request: Dict[str, Any], calls: int) -> List[Any]:
    def one() -> Any:
        try:
            return client.create_ai_call(**request)
        except CccError as e:
            return e

    if calls == 1:
        return [one()]
    with ThreadPoolExecutor(max_workers=calls) as pool:
        return list(pool.map(lambda _: one(), range(calls)))


async def _async_calls(client: AsyncClient, request: Dict[str, Any], calls: int) -> List[Any]:
    return list(await asyncio.gather(*(client.create_ai_call(**request) for _ in range(calls)), return_exceptions=True))


def problems(rows: List[Dict[str, Any]], lang: str = "python") -> List[str]:
    """Every way a measured row differs from its expectation, the invariant placed <= calls first."""
    out: List[str] = []
    for row, got in zip(MATRIX["rows"], rows):
        rid, expect = row["id"], row["expect"]
        if got["placed"] > got["calls"]:
            out.append(f"{rid}: INVARIANT BROKEN: placed {got['placed']} > calls {got['calls']}")
        want_error = expect["error"][lang] if expect["error"] else None
        checks: List[Tuple[str, Any, Any]] = [
            ("error", want_error, got["error"]),
            ("outcome_unknown", expect["outcome_unknown"], got["outcome_unknown"]),
            ("placed", expect["placed"], got["placed"]),
            ("hits", expect["hits"], got["hits"]),
        ]
        if expect.get("code") is not None:
            checks.append(("code", expect["code"], got["code"]))
        if expect.get("http_status") is not None:
            checks.append(("http_status", expect["http_status"], got["http_status"]))
        if expect["error"] is None:
            checks.append(("succeeded", row["calls"], got["succeeded"]))
        out += [f"{rid}: {what} expected {want!r}, got {have!r}" for what, want, have in checks if want != have]
    return out


def write_report(name: str, value: Dict[str, Any]) -> None:
    """``target/reliability/<name>.json`` at the repository's root, for tests/reliability/report.py."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
