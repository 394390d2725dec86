"""Mitigation status rules: the committee authorises by quorum, people move the rest along the table."""

from __future__ import annotations

import pytest

from redline.core.errors import TransitionError
from redline.core.register.mitigations import (
    MITIGATION_TRANSITIONS,
    MitigationStatus,
    MitigationVote,
    authorisation_outcome,
    check_mitigation_transition,
)

M = MitigationStatus


def _vote(voter: str, approve: bool) -> MitigationVote:
    return MitigationVote(mitigation_id="mit_1", voter=voter, approve=approve)


def test_every_status_has_a_row() -> None:
    assert set(MITIGATION_TRANSITIONS) == set(MitigationStatus)


def test_a_proposed_mitigation_is_worked_on_only_once_authorised() -> None:
    with pytest.raises(TransitionError, match="authorises it first"):
        check_mitigation_transition(M.PROPOSED, M.IN_PROGRESS)
    with pytest.raises(TransitionError, match="committee's votes"):
        check_mitigation_transition(M.PROPOSED, M.AUTHORISED)
    check_mitigation_transition(M.AUTHORISED, M.IN_PROGRESS)
    check_mitigation_transition(M.IN_PROGRESS, M.SHIPPED)
    check_mitigation_transition(M.PROPOSED, M.ABANDONED)


def test_quorum_authorises_and_one_rejection_rejects() -> None:
    assert authorisation_outcome([], quorum=2) is None
    assert authorisation_outcome([_vote("cora", True)], quorum=2) is None
    assert authorisation_outcome([_vote("cora", True), _vote("carl", True)], quorum=2) is M.AUTHORISED
    assert authorisation_outcome([_vote("cora", True), _vote("cora", True)], quorum=2) is None  # one voter
    assert authorisation_outcome([_vote("cora", True), _vote("carl", False)], quorum=1) is M.REJECTED
