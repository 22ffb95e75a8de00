"""Campaign results (``CampaignItem``, ``CampaignReport``, built by the native core) and the progress display.

The core runs the campaign and decides every status; these classes only hold what it reported.
"""

from __future__ import annotations

import importlib
import sys
import time
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    Optional,
    Sequence,
    TextIO,
    Tuple,
    Union,
)

from ._exceptions import CccError

if TYPE_CHECKING:
    from datetime import datetime

    from ._outcome import CallOutcome

__all__ = ["CampaignItem", "CampaignReport", "CampaignStatus", "SharedItem", "STATUSES"]

STATUSES = (
    "placed",
    "failed",
    "outcome_unknown",
    "already_placed",
    "unreconciled",
    "invalid",
    "not_attempted",
    "claimed_elsewhere",
)
"""Every status an item can end in:

- ``placed``: placed in this run (``session_id`` is set);
- ``failed``: the service refused it or it could not be sent; nobody was dialled. Also an item the journal says an
  earlier run sent and the service refused with an error that does not prove nothing happened (anything but a rate
  limit, an authentication failure or ``FailedOperation.AIConcurrentOverFrequency``): it is not sent again
  (``attempts`` 0, ``error`` and ``sent_at`` from the journal); check it before calling that number again;
- ``outcome_unknown``: sent in this run without a definitive answer: it may have dialled;
- ``already_placed``: the journal says an earlier run placed it (``session_id`` from the journal);
- ``unreconciled``: the journal says an earlier run sent it without a definitive answer; not dialled again;
- ``invalid``: broke a documented rule (only with ``skip_invalid=True``); never sent;
- ``not_attempted``: the campaign was cancelled or stopped early before this item was sent;
- ``claimed_elsewhere``: in a named campaign (``campaign=``), another worker claimed the item first: it is sending
  it, or it stopped while it was (killed, crashed). This worker sent nothing for it; the item is not dialled again
  until a run with ``reconcile=True`` proves the call was not placed.

In a named campaign the journal is the campaign's shared one: what another worker recorded counts as an earlier
run's (``already_placed``, ``unreconciled``, ``failed``), and the item is not sent again.
"""


class CampaignItem:
    """What became of one item of a campaign.

    Attributes:
        index: its position in ``calls``.
        callee: the number, normalised as sent (``008613012345678``); ``""`` if the item was invalid before
            one could be read.
        status: one of :data:`STATUSES` (``placed``, ``failed``, ``outcome_unknown``, ``already_placed``,
            ``unreconciled``, ``invalid``, ``not_attempted``, ``claimed_elsewhere``).
        session_id: the call's SessionId when it was placed (now or, ``already_placed``, in an earlier run).
        request_id: the RequestId of the answer: the placed call's, or the refusal's.
        error: the error of a failed, unknown or invalid item, as the exception ``create_ai_call`` would raise.
        outcome_unknown: True when the item may have dialled without a definitive answer (now or in an earlier
            run): check it (e.g. with ``DescribeTelCdr``) before anyone calls that number again.
        attempts: requests sent for it in this run.
        sent_at: when its last request was sent (a timezone-aware UTC ``datetime``), in this run or, for an item the
            journal decided on, in the earlier one; None if none was. With ``callee``, what a reconcile needs
            (``DescribeTelCdr`` over a window around it).
        outcome: with ``wait=True``, how the placed call ended (a :class:`~ccc_aicall.CallOutcome`); None when
            the campaign did not wait, the item was not placed, or its outcome was not known in time.
        progress: on the items the progress callable receives, the campaign's counts when this item finished
            (``done``, ``total`` and one entry per status, from the core); None in the report. Not compared.
    """

    __slots__ = (
        "index",
        "callee",
        "status",
        "session_id",
        "request_id",
        "error",
        "outcome_unknown",
        "attempts",
        "sent_at",
        "outcome",
        "progress",
    )

    index: int
    callee: str
    status: str
    session_id: Optional[str]
    request_id: Optional[str]
    error: Optional[CccError]
    outcome_unknown: bool
    attempts: int
    sent_at: Optional[datetime]
    outcome: Optional[CallOutcome]
    progress: Optional[Dict[str, int]]

    def __init__(
        self,
        *,
        index: int,
        callee: str,
        status: str,
        session_id: Optional[str] = None,
        request_id: Optional[str] = None,
        error: Optional[CccError] = None,
        outcome_unknown: bool = False,
        attempts: int = 0,
        sent_at: Optional[datetime] = None,
        outcome: Optional[CallOutcome] = None,
    ) -> None:
        self.index = index
        self.callee = callee
        self.status = status
        self.session_id = session_id
        self.request_id = request_id
        self.error = error
        self.outcome_unknown = outcome_unknown
        self.attempts = attempts
        self.sent_at = sent_at
        self.outcome = outcome
        self.progress = None

    def _fields(self) -> Dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__ if name != "progress"}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CampaignItem):
            return NotImplemented
        mine, theirs = self._fields(), other._fields()
        # Exceptions compare by identity; two reports of the same item compare by what the error says.
        mine["error"], theirs["error"] = _error_key(self.error), _error_key(other.error)
        return mine == theirs

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = [f"index={self.index}", f"callee={self.callee!r}", f"status={self.status!r}"]
        if self.session_id is not None:
            parts.append(f"session_id={self.session_id!r}")
        if self.error is not None:
            parts.append(f"error={type(self.error).__name__}({str(self.error)!r})")
        if self.outcome_unknown:
            parts.append("outcome_unknown=True")
        parts.append(f"attempts={self.attempts}")
        if self.outcome is not None:
            parts.append(f"outcome={self.outcome.status!r}")
        return f"CampaignItem({', '.join(parts)})"


def _error_key(error: Optional[CccError]) -> Any:
    return None if error is None else (type(error), str(error), error.code, error.request_id)


class CampaignReport:
    """The outcome of every item of a campaign, in input order. Iterate over it for the ``CampaignItem`` items.

    Attributes:
        items: one :class:`CampaignItem` per item of ``calls``, in the same order.
        counts: items per status (every one of :data:`STATUSES`, zeros included).
        stopped_by: the error that stopped the campaign early (authentication, no call package, expired
            licence, ...; every item after it is ``not_attempted``), or None.
        requests: requests sent in this run, per action (``CreateAICall``, every attempt; with ``wait`` or
            ``reconcile``, ``DescribeTelCdr``, ``DescribeTelRecordAsr``, ``DescribeAICallExtractResult``).
        waited: the campaign ran with ``wait=True``.
        outcome_counts: with ``wait``, the collected outcomes per call status (``answered``, ``busy``, ...; statuses
            with none left out).
        wait_error: with ``wait``, the error that stopped collecting outcomes early, or None.
    """

    __slots__ = ("items", "counts", "stopped_by", "requests", "waited", "outcome_counts", "wait_error", "_to_reconcile")

    items: List[CampaignItem]
    counts: Dict[str, int]
    stopped_by: Optional[CccError]
    requests: Dict[str, int]
    waited: bool
    outcome_counts: Dict[str, int]
    wait_error: Optional[CccError]

    def __init__(
        self,
        items: Sequence[CampaignItem],
        counts: Dict[str, int],
        to_reconcile: Sequence[int],
        stopped_by: Optional[CccError] = None,
        *,
        requests: Optional[Dict[str, int]] = None,
        waited: bool = False,
        outcome_counts: Optional[Dict[str, int]] = None,
        wait_error: Optional[CccError] = None,
    ) -> None:
        self.items = list(items)
        self.counts = dict(counts)
        self._to_reconcile = list(to_reconcile)
        self.stopped_by = stopped_by
        self.requests = dict(requests or {})
        self.waited = waited
        self.outcome_counts = dict(outcome_counts or {})
        self.wait_error = wait_error

    @property
    def placed(self) -> int:
        """Items placed in this run."""
        return self.counts.get("placed", 0)

    @property
    def failed(self) -> int:
        """Items refused by the service or not sent; nobody was dialled."""
        return self.counts.get("failed", 0)

    @property
    def outcome_unknown(self) -> int:
        """Items sent in this run without a definitive answer (they may have dialled)."""
        return self.counts.get("outcome_unknown", 0)

    @property
    def to_reconcile(self) -> List[CampaignItem]:
        """Items that may have dialled without a definitive answer, in this run (``outcome_unknown``) or an
        earlier one (``unreconciled``): check them (e.g. with ``DescribeTelCdr``) before calling them again."""
        return [self.items[i] for i in self._to_reconcile]

    def __iter__(self) -> Iterator[CampaignItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> CampaignItem:
        return self.items[index]

    def __repr__(self) -> str:
        counts = ", ".join(f"{status}={n}" for status, n in self.counts.items() if n)
        stopped = f", stopped_by={type(self.stopped_by).__name__}({str(self.stopped_by)!r})" if self.stopped_by else ""
        outcomes = ""
        if self.waited:
            outcomes = ", outcomes={" + ", ".join(f"{s}={n}" for s, n in self.outcome_counts.items()) + "}"
        return f"CampaignReport(items={len(self.items)}{', ' if counts else ''}{counts}{outcomes}{stopped})"

    def _repr_html_(self) -> str:
        # Only notebooks ask; `html` and the markup wait for them (`import ccc_aicall` is timed).
        from ._display import report_html

        return report_html(self)

    def to_pandas(self) -> Any:
        """The items as a ``pandas.DataFrame``, one row per item in input order.

        Columns: the item's ``index``, ``callee``, ``status``, ``session_id``, ``request_id``, ``outcome_unknown``,
        ``attempts``, ``sent_at``, ``error`` (its text) and ``error_code``; with ``wait=True``, the outcome's too,
        prefixed ``outcome_`` (``outcome_status``, ``outcome_end_status``, ``outcome_answered``,
        ``outcome_ring_duration``, ``outcome_talk_duration``, ``outcome_started_at``, ``outcome_ended_at``,
        ``outcome_hangup_side``, ``outcome_recording_url``, ``outcome_missing``), ``transcript`` (its text) and one
        ``extracted_<name>`` column per extracted field. Needs pandas (``pip install 'ccc-aicall[pandas]'``).
        """
        try:
            pandas = importlib.import_module("pandas")
        except ImportError:
            raise ImportError(
                "CampaignReport.to_pandas() needs pandas, which is optional: pip install 'ccc-aicall[pandas]'"
            ) from None
        return pandas.DataFrame([_row(item) for item in self.items], columns=_columns(self.items, self.waited))


_ITEM_COLUMNS = ("index", "callee", "status", "session_id", "request_id", "outcome_unknown", "attempts", "sent_at")
_OUTCOME_COLUMNS = (
    "status",
    "end_status",
    "end_status_string",
    "answered",
    "ring_duration",
    "talk_duration",
    "started_at",
    "answered_at",
    "ended_at",
    "hangup_side",
    "recording_url",
    "missing",
)


def _columns(items: Sequence[CampaignItem], waited: bool) -> List[str]:
    columns = [*_ITEM_COLUMNS, "error", "error_code"]
    if waited:
        columns += [f"outcome_{name}" for name in _OUTCOME_COLUMNS] + ["transcript"]
        names: Dict[str, None] = {}
        for item in items:
            for name in (item.outcome.extracted or {}) if item.outcome is not None else ():
                names[name] = None
        columns += [f"extracted_{name}" for name in names]
    return columns


def _row(item: CampaignItem) -> Dict[str, Any]:
    row: Dict[str, Any] = {name: getattr(item, name) for name in _ITEM_COLUMNS}
    row["error"] = None if item.error is None else str(item.error)
    row["error_code"] = None if item.error is None else item.error.code
    o = item.outcome
    if o is not None:
        row.update({f"outcome_{name}": getattr(o, name) for name in _OUTCOME_COLUMNS})
        row["outcome_missing"] = ",".join(o.missing) or None
        row["transcript"] = o.transcript_text
        row.update({f"extracted_{name}": v for name, v in (o.extracted or {}).items()})
    return row


class SharedItem:
    """One item of a named campaign as its shared journal records it (see :class:`CampaignStatus`).

    Attributes:
        index: its position in the campaign's list.
        key: the callee as sent and its occurrence in the list (``008613012345678#1``): how workers recognise it.
        state: ``placed``; ``sending`` (a worker is sending it, or stopped while it was: a run with
            ``reconcile=True`` settles it); ``outcome_unknown`` (sent without a definitive answer: reconcile before
            calling again); ``failed`` (refused, not sent again); ``retryable`` (refused in a way that proves nothing
            happened: the next worker sends it again).
        session_id: the placed call's SessionId, or None.
        error: the error's code (or message) for ``failed``, ``outcome_unknown`` and ``retryable``, or None.
    """

    __slots__ = ("index", "key", "state", "session_id", "error")

    index: int
    key: str
    state: str
    session_id: Optional[str]
    error: Optional[str]

    def __init__(
        self, index: int, key: str, state: str, session_id: Optional[str] = None, error: Optional[str] = None
    ) -> None:
        self.index = index
        self.key = key
        self.state = state
        self.session_id = session_id
        self.error = error

    def _fields(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SharedItem):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self.__slots__, self._fields()))
        return f"SharedItem({fields})"


class CampaignStatus:
    """A named campaign (``create_ai_calls(..., campaign=NAME)``) as its shared journal records it now, read by
    ``client.campaign_status(NAME)`` from any process that uses the same store and SecretId.

    Attributes:
        name: the campaign's name.
        items: every item some worker has claimed, as :class:`SharedItem` records, by position in the list (items
            nobody has claimed yet are not listed).
        counts: items per state (``placed``, ``sending``, ``outcome_unknown``, ``failed``, ``retryable``; zeros
            included).
    """

    __slots__ = ("name", "items", "counts")

    name: str
    items: List[SharedItem]
    counts: Dict[str, int]

    def __init__(self, name: str, items: Sequence[SharedItem], counts: Dict[str, int]) -> None:
        self.name = name
        self.items = list(items)
        self.counts = dict(counts)

    @classmethod
    def _from_core(cls, status: Dict[str, Any]) -> CampaignStatus:
        return cls(status["name"], [SharedItem(**item) for item in status["items"]], status["counts"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CampaignStatus):
            return NotImplemented
        return (self.name, self.items, self.counts) == (other.name, other.items, other.counts)

    __hash__ = None  # type: ignore[assignment]

    def __iter__(self) -> Iterator[SharedItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        counts = ", ".join(f"{state}={n}" for state, n in self.counts.items() if n)
        return f"CampaignStatus(name={self.name!r}, items={len(self.items)}{', ' if counts else ''}{counts})"


class _CsvRow(Dict[str, Any]):
    """One call read by ``read_calls_csv``: a plain dict of keywords that also remembers where in the file it came
    from, so that a problem with it names the line (``calls[1].callee: ... (patients.csv line 3)``). The row keeps
    its line wherever it goes (a reordered, filtered or sliced list) and when it is edited in place; a copy
    (``dict(row)``, ``{**row}``) or a dict made by hand names no line."""

    line: int
    """The file line the row starts on (the header is line 1)."""
    source: str
    """The core's label for it: ``patients.csv line 3``."""


def source_of(call: object) -> Optional[str]:
    """Where a campaign's call came from, when it is a row read from a file."""
    return call.source if isinstance(call, _CsvRow) else None


ProgressCallback = Callable[[CampaignItem], object]
Progress = Union[bool, ProgressCallback, None]


class _Display:
    """``progress=True``: what the core counted so far (``item.progress``), shown as

    - a tqdm bar (``tqdm.auto``: the widget in a notebook) when tqdm is installed and stderr is a terminal or this is
      a Jupyter kernel;
    - else, on a terminal, one stderr line rewritten in place: ``\\r12/200 placed 11 failed 1``;
    - else (a log file, a pipe, CI) plain lines, one a second at most, then a summary line at the end.

    Each line shows ``placed`` and every other status with a count (``5/5 placed 0 already placed 5``).
    """

    _REDRAW = 0.1  # seconds between two redraws of the terminal line
    _EVERY = 1.0  # seconds between two plain lines

    def __init__(self, total: int) -> None:
        self.counts: Dict[str, int] = {"done": 0, "total": total}
        self.bar: Any = None
        self.stream: TextIO = sys.stderr
        self.terminal = _is_terminal(self.stream)
        self.shown = ""  # the last line written
        self.shown_at = time.monotonic()
        if self.terminal or _in_notebook():
            try:
                tqdm = importlib.import_module("tqdm.auto").tqdm
            except ImportError:
                pass
            else:
                self.bar = tqdm(total=total, unit="call", desc="calls")

    def __call__(self, item: CampaignItem) -> None:
        if item.progress is None:
            return
        self.counts = item.progress
        if self.bar is not None:
            self.bar.set_postfix(_by_status(self.counts), refresh=False)
            self.bar.update(self.counts["done"] - self.bar.n)
        elif time.monotonic() - self.shown_at >= (self._REDRAW if self.terminal else self._EVERY):
            # The last item's state is the summary's, written once by close().
            if self.counts["done"] < self.counts["total"]:
                self._show()

    def _show(self) -> None:
        line = _line(self.counts)
        if line == self.shown:
            return
        self.stream.write(f"\r{line}" if self.terminal else f"{line}\n")
        self.stream.flush()
        self.shown, self.shown_at = line, time.monotonic()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            return
        if self.counts["done"] or not self.counts["total"]:  # nothing to show when nothing ran (a ValidationError)
            self._show()
        if self.terminal and self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no stream (pythonw), or a closed one
        return False


def _in_notebook() -> bool:
    """True in a Jupyter kernel, where tqdm.auto shows its widget (stderr is not a terminal there)."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _by_status(counts: Dict[str, int]) -> Dict[str, int]:
    """``placed`` and every other status with a count, in :data:`STATUSES` order."""
    return {s: counts.get(s, 0) for s in STATUSES if s == "placed" or counts.get(s, 0)}


def _line(counts: Dict[str, int]) -> str:
    shown = " ".join(f"{status.replace('_', ' ')} {n}" for status, n in _by_status(counts).items())
    return f"{counts['done']}/{counts['total']} {shown}"


def progress_callback(progress: Progress, total: int) -> Tuple[Optional[ProgressCallback], Optional[_Display]]:
    """The callable the core calls once per finished item, and the display to close afterwards (if any)."""
    if progress is True:
        display = _Display(total)
        return display, display
    if progress is None or progress is False:
        return None, None
    if not callable(progress):
        raise TypeError(
            f"progress must be True, False, None or a callable taking a CampaignItem, not {type(progress).__name__}"
        )
    return progress, None


for _cls in (CampaignItem, CampaignReport, CampaignStatus, SharedItem):
    _cls.__module__ = "ccc_aicall"
del _cls
