"""Catalog versions, plans and votes on SQLite and PostgreSQL: uniqueness holds, the chain verifies."""

from __future__ import annotations

import pytest

from redline.config.settings import Settings
from redline.core.catalog.plans import Plan, PlanNotRunnableError, PlanStatus
from redline.core.catalog.threat_versions import ChangeKind, RevisionKind
from redline.core.errors import UsageError
from redline.core.people.users import Role
from redline.program.catalog import plans
from redline.program.catalog.plans import PlanSpec, require_runnable
from redline.store import audit
from redline.store.repos import catalog as catalog_repo
from redline.store.repos import plans as plans_repo
from redline.store.repos import users
from redline.store.session import Store


def _change(threat_id: str, owner: str) -> catalog_repo.PendingChange:
    return catalog_repo.PendingChange(threat_id, ChangeKind.CHANGED, {"id": threat_id, "owner": owner})


def test_catalog_versions_number_per_threat_and_state_at_a_revision(store: Store) -> None:
    with store.session() as s:
        r1 = catalog_repo.record_revision(
            s,
            kind=RevisionKind.SYNC,
            author="lee",
            reason="baseline",
            changes=[_change("a.one", "x"), _change("b.two", "x")],
        )
        r2 = catalog_repo.record_revision(
            s, kind=RevisionKind.EDIT, author="lee", reason="owner", changes=[_change("a.one", "y")]
        )
    assert r1.changes == {"a.one": 1, "b.two": 1} and r2.changes == {"a.one": 2}
    with store.session() as s:
        assert catalog_repo.state_at(s, r1.number)["a.one"]["owner"] == "x"
        assert catalog_repo.state_at(s)["a.one"]["owner"] == "y"
        assert [r.number for r in catalog_repo.list_revisions(s)] == [r2.number, r1.number]
        assert catalog_repo.get_version(s, "a.one", 2).reason == "owner"
        assert audit.verify(s) == (5, None)


def test_plan_votes_are_unique_per_submission(store: Store, workspace: Settings) -> None:
    with store.session() as s:
        for name, role in (("lee", Role.LEAD), ("cam", Role.COMMITTEE), ("cora", Role.COMMITTEE)):
            users.add_user(s, name=name, roles={role}, actor="setup")
        plan = plans.create_plan(
            s, PlanSpec(title="t", threats=("injection.direct",)), settings=workspace, user="lee"
        )
        plans.submit_plan(s, plan.id, user="lee")
        plans_repo.add_vote(s, plan.id, approver="cam", approve=True)
    with store.session() as s, pytest.raises(UsageError, match="already voted"):
        plans_repo.add_vote(s, plan.id, approver="cam", approve=True)
    with store.session() as s, pytest.raises(PlanNotRunnableError):
        require_runnable(s, plan.id)
    with store.session() as s:
        view = plans.vote_on_plan(s, plan.id, settings=workspace, user="cora", approve=True)
        assert view.plan.status is PlanStatus.APPROVED  # workspace quorum is 1
        assert isinstance(require_runnable(s, plan.id), Plan)
        assert [p.id for p in plans_repo.list_plans(s, status=PlanStatus.APPROVED)] == [plan.id]
        assert audit.verify(s)[1] is None
