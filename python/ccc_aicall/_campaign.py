"""Campaign results (``CallOutcome``, ``CampaignReport``, built by the native core) and the progress display.

The core runs the campaign and decides every status; these classes only hold what it reported.
"""

from __future__ import annotations

import importlib
import sys
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, TextIO, Tuple, Union

from ._exceptions import CccError

__all__ = ["CallOutcome", "CampaignReport", "STATUSES"]

STATUSES = ("placed", "failed", "outcome_unknown", "already_placed", "unreconciled", "invalid", "not_attempted")
"""Every status an item can end in:

- ``placed``: placed in this run (``session_id`` is set);
- ``failed``: the service refused it or it could not be sent; nobody was dialled;
- ``outcome_unknown``: sent in this run without a definitive answer: it may have dialled;
- ``already_placed``: the journal says an earlier run placed it (``session_id`` from the journal);
- ``unreconciled``: the journal says an earlier run sent it without a definitive answer; not dialled again;
- ``invalid``: broke a documented rule (only with ``skip_invalid=True``); never sent;
- ``not_attempted``: the campaign was cancelled or stopped early before this item was sent.
"""


class CallOutcome:
    """What became of one item of a campaign.

    Attributes:
        index: its position in ``calls``.
        callee: the number, normalised as sent (``008613012345678``); ``""`` if the item was invalid before
            one could be read.
        status: one of :data:`STATUSES`.
        session_id: the call's SessionId when it was placed (now or, ``already_placed``, in an earlier run).
        request_id: the RequestId of the answer: the placed call's, or the refusal's.
        error: the error of a failed, unknown or invalid item, as the exception ``create_ai_call`` would raise.
        outcome_unknown: True when the item may have dialled without a definitive answer (now or in an earlier
            run): check it (e.g. with ``DescribeTelCdr``) before anyone calls that number again.
        attempts: requests sent for it in this run.
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
    ) -> None:
        self.index = index
        self.callee = callee
        self.status = status
        self.session_id = session_id
        self.request_id = request_id
        self.error = error
        self.outcome_unknown = outcome_unknown
        self.attempts = attempts
        self.progress = None

    def _fields(self) -> Dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__ if name != "progress"}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CallOutcome):
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
        return f"CallOutcome({', '.join(parts)})"


def _error_key(error: Optional[CccError]) -> Any:
    return None if error is None else (type(error), str(error), error.code, error.request_id)


class CampaignReport:
    """The outcome of every item of a campaign, in input order. Iterate over it for the ``CallOutcome`` items.

    Attributes:
        items: one :class:`CallOutcome` per item of ``calls``, in the same order.
        counts: items per status (every one of :data:`STATUSES`, zeros included).
        stopped_by: the error that stopped the campaign early (authentication, no call package, expired
            licence, ...; every item after it is ``not_attempted``), or None.
    """

    __slots__ = ("items", "counts", "stopped_by", "_to_reconcile")

    items: List[CallOutcome]
    counts: Dict[str, int]
    stopped_by: Optional[CccError]

    def __init__(
        self,
        items: Sequence[CallOutcome],
        counts: Dict[str, int],
        to_reconcile: Sequence[int],
        stopped_by: Optional[CccError] = None,
    ) -> None:
        self.items = list(items)
        self.counts = dict(counts)
        self._to_reconcile = list(to_reconcile)
        self.stopped_by = stopped_by

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
    def to_reconcile(self) -> List[CallOutcome]:
        """Items that may have dialled without a definitive answer, in this run (``outcome_unknown``) or an
        earlier one (``unreconciled``): check them (e.g. with ``DescribeTelCdr``) before calling them again."""
        return [self.items[i] for i in self._to_reconcile]

    def __iter__(self) -> Iterator[CallOutcome]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> CallOutcome:
        return self.items[index]

    def __repr__(self) -> str:
        counts = ", ".join(f"{status}={n}" for status, n in self.counts.items() if n)
        stopped = f", stopped_by={type(self.stopped_by).__name__}({str(self.stopped_by)!r})" if self.stopped_by else ""
        return f"CampaignReport(items={len(self.items)}{', ' if counts else ''}{counts}{stopped})"


ProgressCallback = Callable[[CallOutcome], object]
Progress = Union[bool, ProgressCallback, None]


class _Display:
    """``progress=True``: a tqdm bar (``tqdm.auto``: the widget in a notebook) when tqdm is installed, else one
    stderr line rewritten in place: ``\\r12/200 placed 11 failed 1 unknown 0``."""

    _EVERY = 0.1  # seconds between two redraws of the stderr line

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.tally = {"placed": 0, "failed": 0, "unknown": 0}
        self.bar: Any = None
        self.stream: Optional[TextIO] = None
        self.drawn_at = 0.0
        try:
            tqdm = importlib.import_module("tqdm.auto").tqdm
        except ImportError:
            self.stream = sys.stderr
        else:
            self.bar = tqdm(total=total, unit="call", desc="calls")

    def __call__(self, item: CallOutcome) -> None:
        self.done += 1
        if item.outcome_unknown:
            self.tally["unknown"] += 1
        elif item.status in ("placed", "already_placed"):
            self.tally["placed"] += 1
        elif item.status in ("failed", "invalid"):
            self.tally["failed"] += 1
        if self.bar is not None:
            self.bar.set_postfix(self.tally, refresh=False)
            self.bar.update(1)
        elif self.done == self.total or time.monotonic() - self.drawn_at >= self._EVERY:
            self._draw()

    def _draw(self) -> None:
        assert self.stream is not None
        t = self.tally
        self.stream.write(
            f"\r{self.done}/{self.total} placed {t['placed']} failed {t['failed']} unknown {t['unknown']}"
        )
        self.stream.flush()
        self.drawn_at = time.monotonic()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.stream is not None:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()


def progress_callback(progress: Progress, total: int) -> Tuple[Optional[ProgressCallback], Optional[_Display]]:
    """The callable the core calls once per finished item, and the display to close afterwards (if any)."""
    if progress is True:
        display = _Display(total)
        return display, display
    if progress is None or progress is False:
        return None, None
    if not callable(progress):
        raise TypeError(
            f"progress must be True, False, None or a callable taking a CallOutcome, not {type(progress).__name__}"
        )
    return progress, None


for _cls in (CallOutcome, CampaignReport):
    _cls.__module__ = "ccc_aicall"
del _cls
