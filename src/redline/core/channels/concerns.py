"""The status machine of anonymous concerns: the allowed moves are one table."""

from __future__ import annotations

from enum import StrEnum

from redline.core.errors import TransitionError, UsageError


class ConcernStatus(StrEnum):
    """Where a concern stands."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


C = ConcernStatus
CONCERN_TRANSITIONS: dict[ConcernStatus, frozenset[ConcernStatus]] = {
    C.NEW: frozenset({C.ACKNOWLEDGED, C.INVESTIGATING, C.RESOLVED, C.DISMISSED}),
    C.ACKNOWLEDGED: frozenset({C.INVESTIGATING, C.RESOLVED, C.DISMISSED}),
    C.INVESTIGATING: frozenset({C.RESOLVED, C.DISMISSED}),
    C.RESOLVED: frozenset({C.INVESTIGATING}),
    C.DISMISSED: frozenset({C.INVESTIGATING}),
}
"""Allowed status moves; a resolved or dismissed concern may be reopened for investigation."""

STATUSES_NEEDING_REASON: frozenset[ConcernStatus] = frozenset({C.DISMISSED})
"""Moves that must say why: the reporter reads the reason for a dismissal."""


def concern_moves(current: ConcernStatus) -> list[ConcernStatus]:
    """The statuses a concern in `current` may move to, in the order of the enum."""
    return [s for s in ConcernStatus if s in CONCERN_TRANSITIONS[current]]


def check_concern_transition(current: ConcernStatus, new: ConcernStatus, *, reason: str = "") -> None:
    """Raise `TransitionError` unless the table allows `current -> new`, and `UsageError` when the move
    needs a reason and `reason` is blank."""
    if new not in CONCERN_TRANSITIONS[current]:
        allowed = ", ".join(sorted(CONCERN_TRANSITIONS[current])) or "none"
        raise TransitionError(f"a {current} concern cannot become {new}; it can become: {allowed}")
    if new in STATUSES_NEEDING_REASON and not reason.strip():
        raise UsageError("say why the concern is dismissed: the reporter reads the reason")
