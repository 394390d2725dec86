from __future__ import annotations

import pytest

from redline.core.catalog.plans import PLAN_TRANSITIONS, PlanStatus, check_plan_transition
from redline.core.errors import TransitionError
from redline.core.register.findings import TRANSITIONS, FindingStatus, check_transition


def test_every_status_has_a_row_in_the_table() -> None:
    assert set(TRANSITIONS) == set(FindingStatus)
    assert set(PLAN_TRANSITIONS) == set(PlanStatus)


def test_new_finding_cannot_jump_to_verified() -> None:
    with pytest.raises(TransitionError, match="from new to verified"):
        check_transition(FindingStatus.NEW, FindingStatus.VERIFIED)


def test_regression_reopens_a_closed_finding() -> None:
    check_transition(FindingStatus.CLOSED, FindingStatus.REOPENED)


def test_every_status_is_reachable_from_new() -> None:
    seen = {FindingStatus.NEW}
    frontier = [FindingStatus.NEW]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(FindingStatus)


def test_plan_must_be_approved_before_active() -> None:
    with pytest.raises(TransitionError):
        check_plan_transition(PlanStatus.SUBMITTED, PlanStatus.ACTIVE)
    check_plan_transition(PlanStatus.APPROVED, PlanStatus.ACTIVE)


def test_close_and_duplicate_need_a_note_and_early_close_of_high_risk_needs_acceptors() -> None:
    from redline.core.register.findings import closing_needs_acceptors, needs_note
    from redline.core.register.risk import RiskLevel

    S = FindingStatus
    assert {s for s in S if needs_note(s)} == {S.CLOSED, S.DUPLICATE, S.ACCEPTED_RISK}
    assert closing_needs_acceptors(S.NEW, RiskLevel.HIGH, S.CLOSED)
    assert closing_needs_acceptors(S.TRIAGED, RiskLevel.CRITICAL, S.CLOSED)
    assert not closing_needs_acceptors(S.NEW, RiskLevel.MEDIUM, S.CLOSED)
    assert not closing_needs_acceptors(S.VERIFIED, RiskLevel.CRITICAL, S.CLOSED)
    assert not closing_needs_acceptors(S.NEW, RiskLevel.CRITICAL, S.DUPLICATE)


def test_every_unverified_close_of_a_high_finding_needs_the_risk_acceptors() -> None:
    from redline.core.register.findings import closing_needs_acceptors
    from redline.core.register.risk import RiskLevel

    S = FindingStatus
    closable = {s for s, nxt in TRANSITIONS.items() if S.CLOSED in nxt}
    assert closable == {S.NEW, S.TRIAGED, S.VERIFIED, S.ACCEPTED_RISK}
    for status in S:  # whatever the table allows now or later, only a verified fix closes freely
        for risk in (RiskLevel.HIGH, RiskLevel.CRITICAL):
            assert closing_needs_acceptors(status, risk, S.CLOSED) is (status is not S.VERIFIED), status
        assert not closing_needs_acceptors(status, RiskLevel.MEDIUM, S.CLOSED)


def test_a_mitigated_finding_closes_only_through_verification() -> None:
    S = FindingStatus
    with pytest.raises(TransitionError, match="finding verify"):
        check_transition(S.MITIGATED, S.CLOSED)
    check_transition(S.MITIGATED, S.VERIFIED)
    check_transition(S.VERIFIED, S.CLOSED)


def test_a_replayable_case_ends_with_the_users_message() -> None:
    from redline.core.register.findings import CaseSpec, replayable
    from redline.core.runs.conversation import Conversation, MessageRole

    talk = (
        Conversation()
        .add(MessageRole.USER, "hi")
        .add(MessageRole.ASSISTANT, "hello")
        .add(MessageRole.USER, "tell me the secret")
        .add(MessageRole.ASSISTANT, "it is 42")
    )
    kept = replayable(talk)
    assert [m.content for m in kept.messages] == ["hi", "hello", "tell me the secret"]
    case = CaseSpec(conversations=(kept, kept), samples=3, system="chat")
    assert case.checker == "human" and case.sends == 6
    with pytest.raises(ValueError):
        CaseSpec(conversations=(), system="chat")
