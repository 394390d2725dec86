"""Plans through approval: quorum, who may vote, critical threats, no round from an unapproved plan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.config.settings import Settings, load_settings
from redline.core.catalog.plans import PlanNotRunnableError, PlanStatus
from redline.core.errors import ConfigError, PermissionDeniedError, TransitionError, UsageError
from redline.core.people.users import Role
from redline.program.catalog import plans
from redline.program.catalog.plans import PlanSpec, require_runnable
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.repos import users
from redline.store.session import Store

TEAM = {
    "ada": {Role.ADMIN},
    "lee": {Role.LEAD},
    "cam": {Role.COMMITTEE},
    "cora": {Role.COMMITTEE},
    "tia": {Role.TESTER},
}
ORDINARY = PlanSpec(title="Injection round", threats=("injection.direct",), testers=("tia",))
CRITICAL = PlanSpec(title="Leak round", threats=("injection.direct", "leakage.system-prompt"))


@pytest.fixture
def settings(workspace: Settings) -> Settings:
    """Plans need two approvals; admins approve ordinary plans, only committee critical ones."""
    config = workspace.config_path.read_text(encoding="utf-8")
    assert "  quorum: 1\n" in config and "  plan_approvers: [committee, admin]\n" in config
    config = config.replace("  quorum: 1\n", "  quorum: 2\n  critical_plan_approvers: [committee]\n")
    workspace.config_path.write_text(config, encoding="utf-8")
    settings = load_settings(workspace.workspace, env={})
    assert settings.config.decision_rights.quorum == 2
    return settings


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    st = open_workspace_store(settings)
    with st.session() as s:
        for name, roles in TEAM.items():
            users.add_user(s, name=name, roles=roles, actor="setup")
    yield st
    st.dispose()


def _submitted(store: Store, settings: Settings, spec: PlanSpec) -> str:
    with store.session() as s:
        plan = plans.create_plan(s, spec, settings=settings, user="lee")
        plans.submit_plan(s, plan.id, user="lee")
    return plan.id


def test_quorum_of_two_one_approval_leaves_it_submitted(store: Store, settings: Settings) -> None:
    plan_id = _submitted(store, settings, ORDINARY)
    with store.session() as s:
        first = plans.vote_on_plan(s, plan_id, settings=settings, user="cam", approve=True)
    assert first.plan.status is PlanStatus.SUBMITTED and (first.approvals, first.needed) == (1, 2)
    with (
        store.session() as s,
        pytest.raises(PlanNotRunnableError, match="cannot start from an unapproved plan"),
    ):
        require_runnable(s, plan_id)
    with store.session() as s:
        second = plans.vote_on_plan(s, plan_id, settings=settings, user="ada", approve=True, comment="go")
    assert second.plan.status is PlanStatus.APPROVED
    with store.session() as s:
        assert require_runnable(s, plan_id).id == plan_id
        plans.activate_plan(s, plan_id, user="lee")
        assert require_runnable(s, plan_id).status is PlanStatus.ACTIVE
        plans.close_plan(s, plan_id, user="cam")
    with store.session() as s, pytest.raises(PlanNotRunnableError, match="is closed"):
        require_runnable(s, plan_id)


def test_every_transition_and_vote_is_audited(store: Store, settings: Settings) -> None:
    plan_id = _submitted(store, settings, ORDINARY)
    with store.session() as s:
        plans.vote_on_plan(s, plan_id, settings=settings, user="cam", approve=True)
        plans.vote_on_plan(s, plan_id, settings=settings, user="cora", approve=True)
    with store.session() as s:
        events = [(e.action, e.actor) for e in reversed(audit.list_events(s, subject=plan_id))]
        assert audit.verify(s)[1] is None
    assert events == [
        ("plan.create", "lee"),
        ("plan.status", "lee"),
        ("plan.vote", "cam"),
        ("plan.vote", "cora"),
        ("plan.status", "cora"),
    ]


def test_a_tester_cannot_approve_and_an_author_cannot_vote(store: Store, settings: Settings) -> None:
    plan_id = _submitted(store, settings, ORDINARY)
    with store.session() as s, pytest.raises(PermissionDeniedError, match="tia \\(tester\\) may not vote"):
        plans.vote_on_plan(s, plan_id, settings=settings, user="tia", approve=True)
    with store.session() as s, pytest.raises(PermissionDeniedError, match="lee wrote plan"):
        plans.vote_on_plan(s, plan_id, settings=settings, user="lee", approve=True)
    with store.session() as s, pytest.raises(PermissionDeniedError, match="may not write test plans"):
        plans.create_plan(s, ORDINARY, settings=settings, user="tia")


def test_a_plan_touching_a_critical_threat_needs_committee_approvers(
    store: Store, settings: Settings
) -> None:
    plan_id = _submitted(store, settings, CRITICAL)
    with (
        store.session() as s,
        pytest.raises(PermissionDeniedError, match=r"critical threats \(leakage\.system-prompt\)"),
    ):
        plans.vote_on_plan(s, plan_id, settings=settings, user="ada", approve=True)
    with store.session() as s:
        plans.vote_on_plan(s, plan_id, settings=settings, user="cam", approve=True)
        view = plans.vote_on_plan(s, plan_id, settings=settings, user="cora", approve=True)
    assert view.plan.status is PlanStatus.APPROVED
    assert view.critical_threats == ("leakage.system-prompt",) and view.approver_roles == (Role.COMMITTEE,)


def test_critical_threats_count_through_playbooks(store: Store, settings: Settings) -> None:
    spec = PlanSpec(title="Leakage playbook", playbooks=("system-prompt-leakage",))
    plan_id = _submitted(store, settings, spec)
    with store.session() as s:
        view = plans.view_plan(s, plan_id, settings=settings)
    assert "leakage.system-prompt" in view.critical_threats


def test_one_rejection_rejects_and_resubmission_starts_a_new_vote(store: Store, settings: Settings) -> None:
    plan_id = _submitted(store, settings, ORDINARY)
    with store.session() as s:
        plans.vote_on_plan(s, plan_id, settings=settings, user="cam", approve=True)
        rejected = plans.vote_on_plan(
            s, plan_id, settings=settings, user="cora", approve=False, comment="no scope"
        )
    assert rejected.plan.status is PlanStatus.REJECTED
    with store.session() as s, pytest.raises(UsageError, match="only a submitted plan"):
        plans.vote_on_plan(s, plan_id, settings=settings, user="ada", approve=True)
    with store.session() as s:
        plans.revise_plan(s, plan_id, user="lee")
        again = plans.submit_plan(s, plan_id, user="lee")
        assert again.submission == 2
        view = plans.vote_on_plan(s, plan_id, settings=settings, user="cam", approve=True)
    assert (view.approvals, view.plan.status) == (1, PlanStatus.SUBMITTED)
    with store.session() as s, pytest.raises(UsageError, match="already voted"):
        plans.vote_on_plan(s, plan_id, settings=settings, user="cam", approve=True)


def test_transitions_outside_the_table_are_refused(store: Store, settings: Settings) -> None:
    with store.session() as s:
        plan = plans.create_plan(s, ORDINARY, settings=settings, user="lee")
    with store.session() as s, pytest.raises(TransitionError, match="from draft to active"):
        plans.activate_plan(s, plan.id, user="lee")


def test_create_checks_threats_playbooks_and_testers(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    with store.session() as s, pytest.raises(ConfigError, match=r"threats not in the catalog: nope\.nothing"):
        plans.create_plan(s, PlanSpec(title="x", threats=("nope.nothing",)), settings=settings, user="lee")
    with store.session() as s, pytest.raises(ConfigError, match="no playbook named 'nope'"):
        plans.create_plan(s, PlanSpec(title="x", playbooks=("nope",)), settings=settings, user="lee")
    with store.session() as s, pytest.raises(ConfigError, match="testers without an account: zed"):
        spec = PlanSpec(title="x", threats=("injection.direct",), testers=("zed",))
        plans.create_plan(s, spec, settings=settings, user="lee")
    path = tmp_path / "plan.yaml"
    path.write_text(
        "title: From a file\nthreats: [jailbreak.encoding]\npre_mortem:\n  - failure: leak\n    causes: [x]\n"
    )
    with store.session() as s:
        plan = plans.create_plan(s, plans.load_plan_spec(path), settings=settings, user="lee")
    assert plan.threats == ("jailbreak.obfuscation",) and plan.pre_mortem[0].causes == ("x",)
