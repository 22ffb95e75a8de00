"""What became of a placed call: ``CallOutcome`` (how it ended), ``CallState`` (how it is now), ``Turn`` (one
sentence of its transcript) and ``Reconciled`` (whether an outcome-unknown call was placed).

The native core reads the service's answers and decides every value (the status of an end-status code, who spoke
a turn, whether a call can still appear); these classes only hold what it decided, converted to Python types:
times are timezone-aware UTC ``datetime``, durations ``timedelta``. They are immutable and compare by value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

if TYPE_CHECKING:
    from datetime import datetime, timedelta

__all__ = ["CallOutcome", "CallState", "Turn", "Reconciled", "CALL_STATUSES", "Extracted"]

CALL_STATUSES = (
    "answered",
    "not_answered",
    "busy",
    "rejected",
    "unreachable",
    "invalid_number",
    "voicemail",
    "blocked",
    "failed",
)
"""Every ``CallOutcome.status``, from the core's reading of the service's end-status codes."""

Extracted = Union[str, List[str], bool, float, Dict[str, Any]]
"""One extracted field's value, by its type: ``Text`` a str, ``Selector`` the chosen options, ``Boolean`` a bool,
``Number`` a float; a type this SDK does not know, the service's ``Result`` object as a dict."""


class _Record:
    """Immutable, slotted, built with keywords (every field given), equal when every field is."""

    __slots__: Tuple[str, ...] = ()

    def __init__(self, **fields: Any) -> None:
        unknown = set(fields) - set(self.__slots__)
        missing = set(self.__slots__) - set(fields)
        if unknown or missing:
            raise TypeError(f"{type(self).__name__}: unknown {sorted(unknown)}, missing {sorted(missing)}")
        for name in self.__slots__:
            object.__setattr__(self, name, fields[name])

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _fields(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _Record)
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), dict(zip(self.__slots__, self._fields()))))


def _rebuild(cls: type, fields: Dict[str, Any]) -> Any:
    return cls(**fields)


class Turn(_Record):
    """One sentence of a call's transcript.

    Attributes:
        role: ``"ai"`` or ``"user"`` (the core's reading of the service's speaker).
        text: what was said.
        speaker: the speaker as the service named it.
        start, end: when it was said (UTC ``datetime``), when the service says.
    """

    __slots__ = ("role", "text", "speaker", "start", "end")

    role: str
    text: str
    speaker: str
    start: Optional[datetime]
    end: Optional[datetime]

    def __repr__(self) -> str:
        return f"Turn(role={self.role!r}, text={self.text!r})"


class CallOutcome(_Record):
    """How a placed call ended: its call record, decoded, with its transcript and extracted fields.

    In a notebook it shows as a compact card (status, durations, transcript, extracted fields).

    Attributes:
        session_id: the call's SessionId.
        sdk_app_id: its CCC application.
        status: one of :data:`CALL_STATUSES` (``answered``, ``not_answered``, ``busy``, ...), read by the core from
            the service's end-status code.
        end_status: the service's numeric ``EndStatus``, as it came (None when the record had none).
        end_status_string: the service's ``EndStatusString`` (``ok``, ``notAnswer``, ``busy``, ...).
        answered: the person answered (the record has an answer time).
        caller, callee: the numbers, as the service wrote them.
        ring_duration: from the start of ringing to the answer (or to the end, when not answered); ``timedelta``.
        talk_duration: from the answer to the end (zero when not answered); ``timedelta``.
        started_at, answered_at, ended_at: UTC ``datetime``, when the service says.
        hangup_side: ``user``, ``seat`` or ``system``, as the service wrote it.
        sys_hangup_reason: why the system hung up after the answer, when it did.
        recording_url: the recording, when there is one.
        transcript: the transcript (a list of :class:`Turn`) when asked for and ready in time, else None.
        transcript_text: the transcript as text, one ``role: text`` line per turn, or None.
        extracted: the extracted fields by name (see :data:`Extracted`) when asked for and ready in time, else None.
        missing: what was asked for and not ready within the wait (``"transcript"``, ``"extraction"``): not an
            error; the service prepares them after the call and may still do so.
        raw: the service's answers as they came: ``"record"``, and ``"transcript"`` and ``"extraction"`` when
            fetched.
    """

    __slots__ = (
        "session_id",
        "sdk_app_id",
        "status",
        "end_status",
        "end_status_string",
        "answered",
        "caller",
        "callee",
        "ring_duration",
        "talk_duration",
        "started_at",
        "answered_at",
        "ended_at",
        "hangup_side",
        "sys_hangup_reason",
        "recording_url",
        "transcript",
        "transcript_text",
        "extracted",
        "missing",
        "raw",
    )

    session_id: str
    sdk_app_id: Optional[int]
    status: str
    end_status: Optional[int]
    end_status_string: Optional[str]
    answered: bool
    caller: Optional[str]
    callee: Optional[str]
    ring_duration: Optional[timedelta]
    talk_duration: Optional[timedelta]
    started_at: Optional[datetime]
    answered_at: Optional[datetime]
    ended_at: Optional[datetime]
    hangup_side: Optional[str]
    sys_hangup_reason: Optional[str]
    recording_url: Optional[str]
    transcript: Optional[List[Turn]]
    transcript_text: Optional[str]
    extracted: Optional[Dict[str, Extracted]]
    missing: Tuple[str, ...]
    raw: Dict[str, Any]

    def __repr__(self) -> str:
        # Short: what a log line needs. No transcript text or extracted values (they may be personal).
        parts = [f"session_id={self.session_id!r}", f"status={self.status!r}"]
        if self.end_status is not None:
            parts.append(f"end_status={self.end_status}")
        if self.talk_duration:
            parts.append(f"talk={self.talk_duration.total_seconds():g}s")
        if self.transcript is not None:
            parts.append(f"turns={len(self.transcript)}")
        if self.extracted is not None:
            parts.append(f"extracted={len(self.extracted)}")
        if self.missing:
            parts.append(f"missing={self.missing!r}")
        return f"CallOutcome({', '.join(parts)})"

    def _repr_html_(self) -> str:
        # Only notebooks ask; `html` and the markup wait for them (`import ccc_aicall` is timed).
        from ._display import outcome_html

        return outcome_html(self)


class CallState(_Record):
    """A call's state now (DescribeTelSession).

    Attributes:
        session_id: the call's SessionId.
        status: ``ringing``, ``seat_joining`` (waiting for a human agent after a transfer), ``in_progress``,
            ``finished``, or a value the service added later, as it came.
        finished: the call is over.
        caller, callee: the numbers, as the service wrote them.
        started_at, ringing_at, answered_at: UTC ``datetime``, when the service says.
        raw: the service's ``Session`` object as it came.
    """

    __slots__ = (
        "session_id",
        "status",
        "finished",
        "caller",
        "callee",
        "started_at",
        "ringing_at",
        "answered_at",
        "raw",
    )

    session_id: str
    status: str
    finished: bool
    caller: Optional[str]
    callee: Optional[str]
    started_at: Optional[datetime]
    ringing_at: Optional[datetime]
    answered_at: Optional[datetime]
    raw: Dict[str, Any]

    def __repr__(self) -> str:
        return f"CallState(session_id={self.session_id!r}, status={self.status!r})"


class Reconciled(_Record):
    """What ``reconcile`` concluded about an outcome-unknown call.

    Attributes:
        verdict: ``"placed"`` (a record of a call to the number started after the request left), ``"not_placed"``
            (no record, and none can still appear: dialling again cannot ring the person twice) or
            ``"cannot_tell_yet"`` (no record yet, but one could still appear).
        calls: for ``placed``, every such record (:class:`CallOutcome`), the likeliest first; else empty.
        retry_after: for ``cannot_tell_yet``, when to ask again (``timedelta``); else None.
    """

    __slots__ = ("verdict", "calls", "retry_after")

    verdict: str
    calls: List[CallOutcome]
    retry_after: Optional[timedelta]

    @property
    def placed(self) -> bool:
        """The call was placed (``calls[0]`` is the likeliest record of it)."""
        return self.verdict == "placed"

    @property
    def not_placed(self) -> bool:
        """The call was not placed, and no record of it can still appear."""
        return self.verdict == "not_placed"

    def __repr__(self) -> str:
        extra = ""
        if self.calls:
            extra = f", calls=[{', '.join(repr(c.session_id) for c in self.calls)}]"
        if self.retry_after is not None:
            extra = f", retry_after={self.retry_after.total_seconds():g}s"
        return f"Reconciled(verdict={self.verdict!r}{extra})"


for _cls in (Turn, CallOutcome, CallState, Reconciled):
    _cls.__module__ = "ccc_aicall"
del _cls
