"""The status machine of external reports (intake): the allowed moves are one table."""

from __future__ import annotations

from enum import StrEnum

from redline.core.errors import TransitionError


class IntakeStatus(StrEnum):
    """Where a submission stands in the queue."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


INTAKE_TRANSITIONS: dict[IntakeStatus, frozenset[IntakeStatus]] = {
    IntakeStatus.RECEIVED: frozenset({IntakeStatus.ACCEPTED, IntakeStatus.DUPLICATE, IntakeStatus.REJECTED}),
    IntakeStatus.ACCEPTED: frozenset(),
    IntakeStatus.DUPLICATE: frozenset(),
    IntakeStatus.REJECTED: frozenset(),
}
"""A received report is triaged once: accepted (as a finding), a duplicate of one, or rejected."""


def can_triage(current: IntakeStatus) -> bool:
    """Whether a submission in `current` still waits for its triage decision."""
    return bool(INTAKE_TRANSITIONS[current])


def check_intake_transition(submission_id: str, current: IntakeStatus, new: IntakeStatus) -> None:
    """Raise `TransitionError` unless the table allows `current -> new` for the submission."""
    if new in INTAKE_TRANSITIONS[current]:
        return
    if not can_triage(current):
        raise TransitionError(f"submission {submission_id} was already triaged ({current.value})")
    allowed = ", ".join(sorted(INTAKE_TRANSITIONS[current]))
    raise TransitionError(
        f"submission {submission_id} cannot go from {current.value} to {new.value} (allowed: {allowed})"
    )


class ReporterStatus(StrEnum):
    """Where a report stands, in the words its reporter sees (`/report/status`)."""

    RECEIVED = "received"
    TRIAGING = "triaging"
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    DECLINED = "declined"
    FIXED = "fixed"


def reporter_status(status: IntakeStatus, *, replied: bool, fixed: bool) -> ReporterStatus:
    """The reporter's view of a submission's status: a received report that triage has answered is
    being triaged; an accepted one whose finding was verified fixed is fixed; a rejected one declined."""
    if status is IntakeStatus.RECEIVED:
        return ReporterStatus.TRIAGING if replied else ReporterStatus.RECEIVED
    if status is IntakeStatus.ACCEPTED:
        return ReporterStatus.FIXED if fixed else ReporterStatus.ACCEPTED
    if status is IntakeStatus.DUPLICATE:
        return ReporterStatus.DUPLICATE
    return ReporterStatus.DECLINED
