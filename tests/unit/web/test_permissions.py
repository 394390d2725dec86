"""The permission table itself: complete, least privilege for readers and outsiders."""

from __future__ import annotations

from redline.config.settings import DecisionRights
from redline.core.people.users import Role, User
from redline.web.permissions import ANYONE, ROUTES, Action, allowed, permission_table

TABLE = permission_table(DecisionRights())
WRITES = {
    Action.CATALOG_EDIT,
    Action.PLAN_WRITE,
    Action.PLAN_VOTE,
    Action.ROUND_START,
    Action.FINDING_TRIAGE,
    Action.FINDING_MOVE,
    Action.FINDING_COMMENT,
    Action.MITIGATION_WRITE,
    Action.GATE_CHECK,
    Action.GATE_SIGN,
    Action.PLAYGROUND,
    Action.WELLBEING_TEAM,
    Action.INTAKE_TRIAGE,
    Action.USER_ADMIN,
}


def _user(role: Role, *, active: bool = True) -> User:
    return User(id="u", name="u", roles=frozenset({role}), active=active)


def test_every_action_has_a_grant_and_every_route_an_action() -> None:
    assert set(TABLE) == set(Action)
    assert set(ROUTES.values()) <= set(Action)


PUBLIC = {Action.SIGN_IN, Action.INTAKE_SUBMIT, Action.CONCERN_RAISE, Action.CONCERN_CLAIM}
PUBLIC.add(Action.TRACKER_WEBHOOK)  # proven by the tracker's signature, not by an account


def test_only_sign_in_intake_and_concerns_are_public() -> None:
    # Raising a concern still needs an account or a one-time link: the program layer checks which.
    assert {a for a, g in TABLE.items() if g is ANYONE} == PUBLIC


def test_viewers_and_external_reviewers_change_nothing() -> None:
    for role in (Role.VIEWER, Role.EXTERNAL_REVIEWER):
        assert not [a for a in WRITES if allowed(TABLE, a, _user(role))], role


def test_external_reviewers_see_only_external_reports_and_their_account() -> None:
    reviewer = _user(Role.EXTERNAL_REVIEWER)
    granted = {a for a in Action if allowed(TABLE, a, reviewer)}
    assert granted == {
        *PUBLIC,
        Action.SIGN_OUT,
        Action.ACCOUNT,
        Action.API_SCHEMA,
        Action.REPORT_EXTERNAL,
    }


def test_deactivated_accounts_get_nothing_but_public_actions() -> None:
    ghost = _user(Role.ADMIN, active=False)
    assert {a for a in Action if allowed(TABLE, a, ghost)} == PUBLIC


def test_committee_signs_the_gate_and_admins_do_not_by_default() -> None:
    assert allowed(TABLE, Action.GATE_SIGN, _user(Role.COMMITTEE))
    assert not allowed(TABLE, Action.GATE_SIGN, _user(Role.ADMIN))
    custom = permission_table(DecisionRights(gate_signers=(Role.ADMIN,)))
    assert allowed(custom, Action.GATE_SIGN, _user(Role.ADMIN))
