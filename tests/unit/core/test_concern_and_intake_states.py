"""The status machines of concerns and external reports, each one table in core."""

from __future__ import annotations

import pytest

from redline.core.channels.concerns import (
    CONCERN_TRANSITIONS,
    ConcernStatus,
    check_concern_transition,
    concern_moves,
)
from redline.core.channels.intake import INTAKE_TRANSITIONS, IntakeStatus, can_triage, check_intake_transition
from redline.core.errors import TransitionError, UsageError

C = ConcernStatus


def test_every_concern_status_has_a_row_and_closed_ones_only_reopen() -> None:
    assert set(CONCERN_TRANSITIONS) == set(ConcernStatus)
    assert concern_moves(C.NEW) == [C.ACKNOWLEDGED, C.INVESTIGATING, C.RESOLVED, C.DISMISSED]
    assert concern_moves(C.RESOLVED) == concern_moves(C.DISMISSED) == [C.INVESTIGATING]


@pytest.mark.parametrize(
    ("current", "new"), [(C.INVESTIGATING, C.NEW), (C.RESOLVED, C.DISMISSED), (C.ACKNOWLEDGED, C.NEW)]
)
def test_a_concern_move_outside_the_table_is_refused_naming_the_allowed_ones(
    current: ConcernStatus, new: ConcernStatus
) -> None:
    with pytest.raises(TransitionError) as caught:
        check_concern_transition(current, new, reason="because")
    allowed = ", ".join(sorted(CONCERN_TRANSITIONS[current]))
    assert str(caught.value) == f"a {current} concern cannot become {new}; it can become: {allowed}"


def test_a_dismissal_must_say_why() -> None:
    with pytest.raises(UsageError, match="say why the concern is dismissed"):
        check_concern_transition(C.NEW, C.DISMISSED, reason="  ")
    check_concern_transition(C.NEW, C.DISMISSED, reason="out of scope")
    check_concern_transition(C.NEW, C.RESOLVED)


def test_a_received_report_is_triaged_once() -> None:
    assert set(INTAKE_TRANSITIONS) == set(IntakeStatus)
    for new in (IntakeStatus.ACCEPTED, IntakeStatus.DUPLICATE, IntakeStatus.REJECTED):
        check_intake_transition("ext_1", IntakeStatus.RECEIVED, new)
    assert can_triage(IntakeStatus.RECEIVED)
    for done in (IntakeStatus.ACCEPTED, IntakeStatus.DUPLICATE, IntakeStatus.REJECTED):
        assert not can_triage(done)
        with pytest.raises(TransitionError, match=rf"submission ext_1 was already triaged \({done.value}\)"):
            check_intake_transition("ext_1", done, IntakeStatus.ACCEPTED)


def test_a_report_cannot_go_back_to_received() -> None:
    with pytest.raises(TransitionError, match="cannot go from received to received"):
        check_intake_transition("ext_1", IntakeStatus.RECEIVED, IntakeStatus.RECEIVED)
