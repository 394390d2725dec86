"""Test plans and their approval: draft -> submitted -> approved or rejected -> active -> closed.

Who may approve is configured in `redline.yaml` (`decision_rights`): the roles that approve, the
quorum, and the roles that may approve plans touching critical threats (default severity 5 or
zero-tolerance). Roles are checked here, not in the front doors.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.catalog.loader import Catalog, load_catalog
from redline.catalog.playbooks import Playbooks, load_playbooks
from redline.config.settings import DecisionRights, Settings
from redline.config.yamlio import load_model
from redline.core.catalog.plans import Plan, PlanStatus, PlanVote, PreMortem, check_runnable
from redline.core.errors import ConfigError, NotFoundError, PermissionDeniedError, UsageError
from redline.core.ids import new_id
from redline.core.people.perspectives import TeamCoverage
from redline.core.people.users import Role, User
from redline.program.people.actors import authorize
from redline.program.people.permissions import PLAN_AUTHORS, PLAN_CLOSERS, PLAN_RUNNERS
from redline.program.people.perspectives import team_coverage
from redline.store.repos import plans as plans_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos import users as users_repo


class PlanSpec(BaseModel):
    """A plan as written in a YAML file (or assembled from command-line options)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, description="What the plan is, in a line.")
    system: str | None = Field(default=None, description="Name of the system under test.")
    release: str | None = Field(default=None, description="Version label of the release under test.")
    scope: str = Field(default="", description="What is in and out of scope.")
    goals: tuple[str, ...] = Field(default=(), description="What the round must find out.")
    hypotheses: tuple[str, ...] = Field(
        default=(), description="What the team expects to find, to be tested."
    )
    pre_mortem: tuple[PreMortem, ...] = Field(
        default=(), description="Imagined failures of the release, each traced to its causes."
    )
    success_criteria: tuple[str, ...] = Field(
        default=(), description="How the team knows the round succeeded."
    )
    threats: tuple[str, ...] = Field(default=(), description="Catalog threat ids in scope.")
    playbooks: tuple[str, ...] = Field(default=(), description="Playbooks testers follow.")
    testers: tuple[str, ...] = Field(default=(), description="User names of the testers.")
    budget_requests: int | None = Field(default=None, ge=0, description="Most requests to the target.")
    budget_hours: float | None = Field(default=None, ge=0, description="Tester hours budgeted.")


class PlanView(BaseModel):
    """A plan with its votes and where its approval stands."""

    model_config = ConfigDict(frozen=True)

    plan: Plan
    votes: tuple[PlanVote, ...] = Field(default=(), description="Votes on the current submission.")
    approvals: int = Field(description="Approving votes on the current submission.")
    needed: int = Field(description="Approvals needed (the quorum).")
    critical_threats: tuple[str, ...] = Field(default=(), description="Critical threats the plan touches.")
    approver_roles: tuple[Role, ...] = Field(description="Roles that may vote on this plan.")
    perspectives: TeamCoverage | None = Field(
        default=None,
        description="Perspectives the plan's threats call for and whether its testers cover them "
        "(aggregate only).",
    )


def load_plan_spec(path: Path) -> PlanSpec:
    """Read a plan file; errors name the file, line and field."""
    return load_model(path, PlanSpec)


def _context(settings: Settings) -> tuple[Catalog, Playbooks]:
    return load_catalog(settings.workspace / "catalog"), load_playbooks(settings.workspace / "playbooks")


def _scope_threats(plan: Plan | PlanSpec, catalog: Catalog, playbooks: Playbooks) -> list[str]:
    ids = list(plan.threats)
    for name in plan.playbooks:
        ids.extend(playbooks.get(name).threats)
    return list(dict.fromkeys(catalog.resolve(i) for i in ids))


def critical_threats(plan: Plan, *, catalog: Catalog, playbooks: Playbooks) -> list[str]:
    """Threats in the plan's scope (its own and its playbooks') that are critical."""
    return [
        t for t in _scope_threats(plan, catalog, playbooks) if catalog.knows(t) and catalog.get(t).critical
    ]


def approver_roles(rights: DecisionRights, *, critical: bool) -> tuple[Role, ...]:
    """Roles that may vote on a plan: critical-plan approvers when it touches critical threats."""
    return rights.critical_plan_approvers if critical else rights.plan_approvers


def create_plan(session: Session, spec: PlanSpec, *, settings: Settings, user: str | None) -> Plan:
    """Record a new draft plan after checking its threats, playbooks and testers exist (audited)."""
    author = authorize(session, user, PLAN_AUTHORS, action="write test plans")
    catalog, playbooks = _context(settings)
    if not spec.threats and not spec.playbooks:
        raise UsageError("a plan must name the threats or the playbooks it covers")
    unknown = [t for t in spec.threats if not catalog.knows(t)]
    if unknown:
        raise ConfigError(f"threats not in the catalog: {', '.join(unknown)}", field="threats")
    for name in spec.playbooks:
        playbooks.get(name)
    missing = [t for t in spec.testers if not _user_exists(session, t)]
    if missing:
        raise ConfigError(
            f"testers without an account: {', '.join(missing)}; add them with 'redline user add'",
            field="testers",
        )
    release_id = None
    if spec.system and spec.release:
        try:
            release_id = systems_repo.find_release(session, system=spec.system, version=spec.release).id
        except NotFoundError:
            release_id = None
    data = spec.model_dump()
    data["threats"] = tuple(dict.fromkeys(catalog.resolve(t) for t in spec.threats))
    plan = Plan(id=new_id("plan"), release_id=release_id, created_by=author.name, **data)
    return plans_repo.add_plan(session, plan, actor=author.name)


def _user_exists(session: Session, name: str) -> bool:
    try:
        users_repo.get_user(session, name)
    except NotFoundError:
        return False
    return True


def submit_plan(session: Session, plan_id: str, *, user: str | None) -> Plan:
    """Send a draft plan for approval; opens a new vote (earlier votes stay on record)."""
    who = authorize(session, user, PLAN_AUTHORS, action="submit test plans")
    return plans_repo.move(session, plan_id, PlanStatus.SUBMITTED, actor=who.name)


def revise_plan(session: Session, plan_id: str, *, user: str | None, note: str = "") -> Plan:
    """Take a submitted or rejected plan back to draft."""
    who = authorize(session, user, PLAN_AUTHORS, action="revise test plans")
    return plans_repo.move(session, plan_id, PlanStatus.DRAFT, actor=who.name, note=note)


def _check_voter(voter: User, plan: Plan, roles: tuple[Role, ...], critical: list[str]) -> None:
    if plan.status is not PlanStatus.SUBMITTED:
        raise UsageError(f"plan {plan.id} is {plan.status.value}; only a submitted plan can be voted on")
    if voter.name == plan.created_by:
        raise PermissionDeniedError(f"{voter.name} wrote plan {plan.id} and may not vote on it")
    if voter.roles.isdisjoint(roles):
        wanted = ", ".join(r.value for r in roles)
        held = ", ".join(sorted(r.value for r in voter.roles)) or "none"
        if critical:
            raise PermissionDeniedError(
                f"plan {plan.id} touches critical threats ({', '.join(critical)}): only {wanted} may approve "
                f"it (decision_rights.critical_plan_approvers); {voter.name} has {held}"
            )
        raise PermissionDeniedError(
            f"{voter.name} ({held}) may not vote on plans; approvers: {wanted} "
            "(decision_rights.plan_approvers)"
        )


def vote_on_plan(
    session: Session, plan_id: str, *, settings: Settings, user: str | None, approve: bool, comment: str = ""
) -> PlanView:
    """Cast an approval or rejection; the quorum of approvals approves, one eligible rejection rejects."""
    voter = authorize(session, user, set(Role), action="vote on plans")
    plan = plans_repo.get_plan(session, plan_id)
    catalog, playbooks = _context(settings)
    critical = critical_threats(plan, catalog=catalog, playbooks=playbooks)
    rights = settings.config.decision_rights
    roles = approver_roles(rights, critical=bool(critical))
    _check_voter(voter, plan, roles, critical)
    plans_repo.add_vote(session, plan_id, approver=voter.name, approve=approve, comment=comment)
    votes = plans_repo.list_votes(session, plan_id, submission=plan.submission)
    approvals = sum(1 for v in votes if v.approve)
    if not approve:
        plan = plans_repo.move(session, plan_id, PlanStatus.REJECTED, actor=voter.name, note=comment)
    elif approvals >= rights.quorum:
        plan = plans_repo.move(session, plan_id, PlanStatus.APPROVED, actor=voter.name, note=comment)
    return PlanView(
        plan=plan,
        votes=tuple(votes),
        approvals=approvals,
        needed=rights.quorum,
        critical_threats=tuple(critical),
        approver_roles=roles,
    )


def activate_plan(session: Session, plan_id: str, *, user: str | None) -> Plan:
    """Mark an approved plan as in progress."""
    who = authorize(session, user, PLAN_RUNNERS, action="start work on plans")
    return plans_repo.move(session, plan_id, PlanStatus.ACTIVE, actor=who.name)


def close_plan(session: Session, plan_id: str, *, user: str | None, note: str = "") -> Plan:
    """Close an approved or active plan; no round starts from it afterwards."""
    who = authorize(session, user, PLAN_CLOSERS, action="close plans")
    return plans_repo.move(session, plan_id, PlanStatus.CLOSED, actor=who.name, note=note)


def view_plan(session: Session, plan_id: str, *, settings: Settings) -> PlanView:
    """A plan with its current votes and what its approval needs."""
    plan = plans_repo.get_plan(session, plan_id)
    catalog, playbooks = _context(settings)
    critical = critical_threats(plan, catalog=catalog, playbooks=playbooks)
    rights = settings.config.decision_rights
    votes = plans_repo.list_votes(session, plan_id, submission=plan.submission) if plan.submission else []
    in_scope = [catalog.get(t) for t in _scope_threats(plan, catalog, playbooks) if catalog.knows(t)]
    perspectives = team_coverage(
        session, in_scope, testers=plan.testers, k=settings.config.perspectives.min_group_size
    )
    return PlanView(
        plan=plan,
        votes=tuple(votes),
        approvals=sum(1 for v in votes if v.approve),
        needed=rights.quorum,
        critical_threats=tuple(critical),
        approver_roles=approver_roles(rights, critical=bool(critical)),
        perspectives=perspectives,
    )


def list_plans(session: Session, *, status: PlanStatus | None = None) -> list[Plan]:
    """Plans, newest first."""
    return plans_repo.list_plans(session, status=status)


def require_runnable(session: Session, plan_id: str) -> Plan:
    """The plan, if a round may start from it (approved or active); otherwise `PlanNotRunnableError`."""
    return check_runnable(plans_repo.get_plan(session, plan_id))
