"""How outcomes and campaign reports look in a notebook (``_repr_html_``): compact HTML, escaped, self-contained.

Presentation only: every value shown was decided by the core; this picks colours and lays out a table.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    from ._campaign import CampaignReport
    from ._outcome import CallOutcome

# Badge colours by outcome: reached (green), not reached (amber), refused or broken (red).
_COLOURS = {
    "answered": "#1a7f37",
    "not_answered": "#9a6700",
    "busy": "#9a6700",
    "voicemail": "#9a6700",
    "unreachable": "#9a6700",
    "rejected": "#bc4c00",
    "invalid_number": "#cf222e",
    "blocked": "#cf222e",
    "failed": "#cf222e",
    # campaign item statuses
    "placed": "#1a7f37",
    "already_placed": "#1a7f37",
    "outcome_unknown": "#bc4c00",
    "unreconciled": "#bc4c00",
    "invalid": "#cf222e",
    "not_attempted": "#6e7781",
    "claimed_elsewhere": "#6e7781",
}
_ROWS = 50  # items shown in a report's table; the rest are counted
_TURNS = 20  # transcript turns shown on a card
_STYLE = "font-family:system-ui,sans-serif;font-size:13px;line-height:1.4"
_CELL = "padding:2px 8px;text-align:left;border-bottom:1px solid #d0d7de"


def badge(status: str) -> str:
    colour = _COLOURS.get(status, "#6e7781")
    return (
        f'<span style="background:{colour};color:#fff;border-radius:10px;padding:1px 8px;font-size:12px">'
        f"{escape(status.replace('_', ' '))}</span>"
    )


def seconds(d: Optional[timedelta]) -> str:
    return "–" if d is None else f"{d.total_seconds():g} s"


def clock(t: Optional[datetime]) -> str:
    return "–" if t is None else escape(t.strftime("%Y-%m-%d %H:%M:%S UTC"))


def value(v: Any) -> str:
    if isinstance(v, list):
        return escape(", ".join(str(x) for x in v))
    return escape(str(v))


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table of already-escaped cells."""
    th = "".join(f'<th style="{_CELL}">{escape(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in row) + "</tr>" for row in rows)
    return f'<table style="border-collapse:collapse"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def outcome_html(o: CallOutcome) -> str:
    facts = [
        f"ring {seconds(o.ring_duration)}",
        f"talk {seconds(o.talk_duration)}",
    ]
    if o.end_status is not None or o.end_status_string:
        facts.append(
            f"end status {escape(str(o.end_status if o.end_status is not None else ''))} "
            f"{escape(o.end_status_string or '')}".rstrip()
        )
    if o.hangup_side:
        facts.append(f"hung up by {escape(o.hangup_side)}")
    head = (
        f"<div><b>Call</b> <code>{escape(o.session_id)}</code> {badge(o.status)}"
        f' <span style="color:#57606a">{" · ".join(facts)}</span></div>'
    )
    parts = [head, f'<div style="color:#57606a">{escape(o.callee or "")} · started {clock(o.started_at)}</div>']
    if o.transcript:
        turns = [[f"<b>{escape(t.role)}</b>", escape(t.text)] for t in o.transcript[:_TURNS]]
        if len(o.transcript) > _TURNS:
            turns.append(["", f"… {len(o.transcript) - _TURNS} more"])
        parts.append(table(["who", "said"], turns))
    if o.extracted:
        parts.append(table(["field", "value"], [[escape(k), value(v)] for k, v in o.extracted.items()]))
    if o.missing:
        parts.append(f'<div style="color:#9a6700">not ready in time: {escape(", ".join(o.missing))}</div>')
    return f'<div style="{_STYLE}">{"".join(parts)}</div>'


def counts_line(counts: Dict[str, int]) -> str:
    return " ".join(f"{badge(status)} {n}" for status, n in counts.items() if n)


def report_html(report: CampaignReport) -> str:
    items = report.items
    waited = report.waited
    parts = [f"<div><b>Campaign</b> {len(items)} items: {counts_line(report.counts)}</div>"]
    if waited:
        parts.append(f"<div><b>Outcomes</b> {counts_line(report.outcome_counts) or 'none yet'}</div>")
    if report.requests:
        spent = ", ".join(f"{escape(action)} {n}" for action, n in report.requests.items())
        parts.append(f'<div style="color:#57606a">requests: {spent}</div>')
    head: List[str] = ["#", "callee", "status", "session"]
    if waited:
        head += ["outcome", "talk", "extracted"]
    head.append("error")
    rows = []
    for item in items[:_ROWS]:
        row = [str(item.index), escape(item.callee), badge(item.status), escape(item.session_id or "")]
        if waited:
            o = item.outcome
            row += (
                ["", "", ""]
                if o is None
                else [
                    badge(o.status),
                    seconds(o.talk_duration),
                    escape("; ".join(f"{k}={v}" for k, v in (o.extracted or {}).items())),
                ]
            )
        row.append("" if item.error is None else escape(f"{type(item.error).__name__}: {item.error}"))
        rows.append(row)
    parts.append(table(head, rows))
    if len(items) > _ROWS:
        parts.append(f'<div style="color:#57606a">… {len(items) - _ROWS} more (report.to_pandas() has all)</div>')
    for label, error in (("stopped by", report.stopped_by), ("stopped collecting outcomes:", report.wait_error)):
        if error is not None:
            parts.append(f'<div style="color:#cf222e">{label} {escape(f"{type(error).__name__}: {error}")}</div>')
    return f'<div style="{_STYLE}">{"".join(parts)}</div>'
