"""The ``ccc-aicall`` command (also ``python -m ccc_aicall``): place a call, run a campaign from a CSV file, read a
call's outcome, or serve the emulator. Credentials and the endpoint come from the usual environment
(``TENCENTCLOUD_SECRET_ID`` / ``TENCENTCLOUD_SECRET_KEY``, ``CCC_AICALL_ENDPOINT``, ...).

The call's parameters are options named after them (``--sdk-app-id``, ``--max-call-duration-ms``), listed from the
core's schema, their text read by type the way CSV cells are (numbers, ``true``/``false``, JSON for lists and
objects, ``;`` between callers); ``--var NAME=VALUE`` adds a variable. Exit codes tell what happened to the phone.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import _native
from ._client import Client, read_calls_csv
from ._exceptions import CccError

# Exit codes: what happened to the phone is what a script needs to know.
OK = 0
FAILED = 1  # something else went wrong (a wait that ran out)
INVALID = 2  # bad input, a file that cannot be read: nothing was sent (argparse uses 2 for usage errors too)
NOT_PLACED = 3  # the service refused, or the request could not be sent: nobody was dialled
OUTCOME_UNKNOWN = 4  # it may have dialled: reconcile before trying again

EXIT_CODES = f"""exit codes:
  {OK}  done (placed; with --wait, the call ended and its outcome is printed)
  {FAILED}  another failure (e.g. --wait ran out: the call was placed, its end not seen in time)
  {INVALID}  invalid input (parameters, configuration, a file that cannot be read): nothing was sent
  {NOT_PLACED}  not placed: the service refused, or the request was never sent
  {OUTCOME_UNKNOWN}  outcome unknown: the call may have been placed; reconcile before retrying"""


def _parameters() -> List[Dict[str, Any]]:
    schema = json.loads(_native.schema())
    request = next(r for r in schema["records"] if r["wire"] == schema["request"])
    return list(request["fields"])


def _first_sentence(doc: str) -> str:
    text = " ".join(doc.split())
    end = text.find(". ")
    return (text if end < 0 else text[: end + 1]).replace("%", "%%")


def _add_parameter_options(parser: argparse.ArgumentParser, required_hint: bool) -> None:
    group = parser.add_argument_group(
        "call parameters", "each parameter of create_ai_call; text read by type like a CSV cell"
    )
    for field in _parameters():
        name = field["name"]
        flag = "--" + name.replace("_", "-")
        hint = " (required)" if required_hint and field.get("presence") == "required" else ""
        group.add_argument(flag, dest=f"p:{name}", metavar="VALUE", help=_first_sentence(field["doc"]) + hint)
        if field.get("secret"):
            group.add_argument(
                f"{flag}-env",
                dest=f"env:{name}",
                metavar="VAR",
                help=f"read {flag} from this environment variable (a secret on the command line shows in ps)",
            )
    group.add_argument("--system-prompt-file", metavar="FILE", help="read --system-prompt from a UTF-8 file")
    group.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="a variable of the prompt (repeatable)"
    )


def _texts(args: argparse.Namespace) -> List[Tuple[str, str]]:
    """The (name, text) pairs the options give, secrets from their variables and the prompt from its file."""
    pairs: List[Tuple[str, str]] = []
    for dest, value in vars(args).items():
        if value is None:
            continue
        if dest.startswith("p:"):
            pairs.append((dest[2:], value))
        elif dest.startswith("env:"):
            if value not in os.environ:
                raise _Invalid(f"--{dest[4:].replace('_', '-')}-env: the variable {value} is not set")
            pairs.append((dest[4:], os.environ[value]))
    if args.system_prompt_file:
        try:
            with open(args.system_prompt_file, encoding="utf-8") as f:
                pairs.append(("system_prompt", f.read()))
        except OSError as e:
            raise _Invalid(f"--system-prompt-file: {e}") from e
    for item in args.var:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise _Invalid(f"--var takes NAME=VALUE, got {item!r}")
        pairs.append((f"var.{name}", value))
    return pairs


class _Invalid(Exception):
    """Bad input found before anything was sent."""


def _code_of(error: BaseException) -> int:
    if isinstance(error, _Invalid):
        return INVALID
    if isinstance(error, CccError):
        if error.outcome_unknown:
            return OUTCOME_UNKNOWN
        if error.kind in ("validation", "config", "invalid", "io"):
            return INVALID
        return NOT_PLACED
    return FAILED


def _plain(value: Any) -> Any:
    """JSON-ready: times as ISO 8601, durations as seconds."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    slots = getattr(type(value), "__slots__", None)
    if slots:
        return {name: _plain(getattr(value, name)) for name in slots if name != "raw"}
    return value


def _outcome_lines(outcome: Any) -> List[str]:
    lines = [f"status: {outcome.status} ({outcome.end_status_string or 'no end status'})"]
    if outcome.talk_duration is not None and outcome.answered:
        lines.append(f"talked: {outcome.talk_duration.total_seconds():.0f} s")
    if outcome.transcript_text:
        lines.append("transcript:")
        lines.extend("  " + line for line in outcome.transcript_text.splitlines())
    for name, value in (outcome.extracted or {}).items():
        lines.append(f"extracted {name}: {value}")
    if outcome.missing:
        lines.append("not ready yet: " + ", ".join(outcome.missing))
    return lines


def _call(args: argparse.Namespace, client: Client) -> int:
    keywords = _native.call_from_texts(_texts(args))
    result = client.create_ai_call(**keywords, idempotency_key=args.idempotency_key)
    data: Dict[str, Any] = {
        "session_id": result.session_id,
        "request_id": result.request_id,
        "sdk_app_id": result.sdk_app_id,
        "callee": result.callee,
        "replayed": result.replayed,
    }
    if not args.json:
        placed = "already placed with this key" if result.replayed else "placed"
        print(f"{placed}: session {result.session_id} (request {result.request_id})", flush=True)
    if args.wait:
        outcome = client.wait_for_call(result, timeout=args.timeout)
        data["outcome"] = _plain(outcome)
        if not args.json:
            print("\n".join(_outcome_lines(outcome)))
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    return OK


def _campaign(args: argparse.Namespace, client: Client) -> int:
    calls = read_calls_csv(args.csv)
    defaults = _native.call_from_texts(_texts(args))
    report = client.create_ai_calls(
        calls,
        defaults=defaults,
        journal=args.journal,
        campaign=args.campaign,
        concurrency=args.concurrency,
        progress=not args.quiet,
        wait=args.wait,
        wait_timeout=args.timeout,
        reconcile=args.reconcile,
    )
    if args.json:
        items = [
            {
                "index": item.index,
                "status": item.status,
                "session_id": item.session_id,
                "outcome_unknown": item.outcome_unknown,
                "error": None if item.error is None else str(item.error),
                **({"outcome": _plain(item.outcome)} if item.outcome is not None else {}),
            }
            for item in report.items
        ]
        summary = {"counts": report.counts, "outcome_counts": report.outcome_counts, "items": items}
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(", ".join(f"{n} {status}" for status, n in sorted(report.counts.items()) if n))
        if report.outcome_counts:
            print("outcomes: " + ", ".join(f"{n} {s}" for s, n in sorted(report.outcome_counts.items()) if n))
        for item in report.to_reconcile:
            print(f"to reconcile: item {item.index} ({item.callee}): the call may have been placed")
    if report.outcome_unknown or report.to_reconcile:
        return OUTCOME_UNKNOWN
    if report.failed:
        return NOT_PLACED
    return OK


def _outcome(args: argparse.Namespace, client: Client) -> int:
    if args.wait:
        outcome = client.wait_for_call(args.session_id, sdk_app_id=args.sdk_app_id, timeout=args.timeout)
        print(json.dumps(_plain(outcome), ensure_ascii=False) if args.json else "\n".join(_outcome_lines(outcome)))
        return OK
    state = client.get_call(args.session_id, sdk_app_id=args.sdk_app_id)
    if args.json:
        print(json.dumps(_plain(state), ensure_ascii=False))
    else:
        print(f"status: {state.status}" + (" (over: --wait reads how it ended)" if state.finished else ""))
    return OK


def _emulator(args: argparse.Namespace) -> int:
    from .testing import Emulator

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        emu = Emulator(port=args.port, rate_limit=args.rate_limit)
    except ImportError as missing:
        print(f"ccc-aicall: {missing}", file=sys.stderr)
        return FAILED
    with emu:
        print(f"listening on {emu.endpoint}", flush=True)
        print(
            f"export CCC_AICALL_ENDPOINT={emu.endpoint} TENCENTCLOUD_SECRET_ID={emu.secret_id} "
            f"TENCENTCLOUD_SECRET_KEY={emu.secret_key}",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(0.2):
            pass
    return OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccc-aicall",
        description="Place LLM-driven phone calls with Tencent Cloud Contact Center (CreateAICall).",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_native.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, usage: Optional[str] = None) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help,
            description=help,
            usage=usage,
            epilog=EXIT_CODES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    def output(p: argparse.ArgumentParser, wait_help: str) -> None:
        p.add_argument("--wait", action="store_true", help=wait_help)
        p.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS", help="how long --wait waits")
        p.add_argument("--json", action="store_true", help="print one JSON object instead of text")

    call = command("call", "place one call", "%(prog)s --callee NUMBER [PARAMETER VALUE ...] [--wait] [--json]")
    _add_parameter_options(call, required_hint=True)
    call.add_argument(
        "--idempotency-key",
        metavar="KEY",
        help="send at most once per key: a repeat returns the first call (shared by every process on the same "
        "Redis, CCC_AICALL_REDIS_URL)",
    )
    output(call, "follow the call to its end and print how it ended")

    campaign = command(
        "campaign",
        "run a campaign: one call per row of a CSV file",
        "%(prog)s CSV [--journal FILE | --campaign NAME] [PARAMETER VALUE ...] [--wait] [--json]",
    )
    campaign.add_argument("csv", help="UTF-8 CSV, a header row of parameter names (other columns are variables)")
    campaign.add_argument("--journal", help="a file recording each call, so a rerun never dials anyone twice")
    campaign.add_argument(
        "--campaign",
        metavar="NAME",
        help="instead of --journal: a name whose journal lives in Redis (CCC_AICALL_REDIS_URL), so that any number "
        "of workers may run the same list",
    )
    campaign.add_argument("--concurrency", type=int, default=_native.CAMPAIGN_CONCURRENCY, metavar="N")
    campaign.add_argument("--reconcile", action="store_true", help="settle the journal's unknown items first")
    campaign.add_argument("--quiet", action="store_true", help="no progress on stderr")
    _add_parameter_options(campaign, required_hint=False)
    output(campaign, "collect every placed call's outcome")

    outcome = command("outcome", "a placed call's state, or with --wait how it ended")
    outcome.add_argument("session_id")
    outcome.add_argument("--sdk-app-id", type=int, required=True, metavar="ID")
    output(outcome, "wait for the end and print the outcome")

    emulator = command("emulator", "serve the local emulator of the service until Ctrl-C")
    emulator.add_argument("--port", type=int, default=None, help="default: a free one")
    emulator.add_argument("--rate-limit", type=float, default=None, metavar="RPS", help="per action; 0: off")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "emulator":
        return _emulator(args)
    try:
        client = Client()
        run = {"call": _call, "campaign": _campaign, "outcome": _outcome}[args.command]
        return run(args, client)
    except (CccError, _Invalid, OSError) as error:
        print(f"ccc-aicall: {error}", file=sys.stderr)
        return _code_of(error)
    except KeyboardInterrupt as interrupted:
        cause = interrupted.__cause__
        print("ccc-aicall: interrupted" + (f": {cause}" if cause else ""), file=sys.stderr)
        return _code_of(cause) if cause is not None else FAILED


def entry() -> None:
    """The console script."""
    sys.exit(main())
