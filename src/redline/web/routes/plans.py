"""Test plans: write, submit, approve or reject with a comment; the quorum is shown."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from redline.catalog.playbooks import load_playbooks
from redline.core.catalog.plans import Plan, PlanStatus
from redline.program.catalog import plans as plans_program
from redline.program.catalog.plans import PlanSpec, PlanView
from redline.program.register.findings import load_threats
from redline.web.deps import Ctx, guard
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]


class PlanVoteRequest(BaseModel):
    """An approver's vote."""

    approve: bool = Field(description="True to approve, False to reject.")
    comment: str = Field(default="", max_length=5000, description="Why; required reading for the author.")


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _list(ctx: Ctx, status: PlanStatus | None) -> list[Plan]:
    with ctx.store.session() as session:
        return plans_program.list_plans(session, status=status)


def _view(ctx: Ctx, plan_id: str) -> PlanView:
    with ctx.store.session() as session:
        return plans_program.view_plan(session, plan_id, settings=ctx.settings)


def _create(ctx: Ctx, spec: PlanSpec) -> Plan:
    with ctx.store.session() as session:
        return plans_program.create_plan(session, spec, settings=ctx.settings, user=ctx.name)


def _submit(ctx: Ctx, plan_id: str) -> Plan:
    with ctx.store.session() as session:
        return plans_program.submit_plan(session, plan_id, user=ctx.name)


def _vote(ctx: Ctx, plan_id: str, vote: PlanVoteRequest) -> PlanView:
    with ctx.store.session() as session:
        return plans_program.vote_on_plan(
            session, plan_id, settings=ctx.settings, user=ctx.name, approve=vote.approve, comment=vote.comment
        )


@router.get("/plans", name="plans.list", include_in_schema=False)
def plans_page(request: Request, ctx: Context, status: PlanStatus | None = None) -> HTMLResponse:
    """Plans, newest first."""
    return page(
        request, ctx, "plans.html", plans=_list(ctx, status), status=status, statuses=list(PlanStatus)
    )


@router.get("/api/plans", name="api.plans.list")
def plans_api(ctx: Context, status: PlanStatus | None = None) -> list[Plan]:
    """Plans, newest first."""
    return _list(ctx, status)


@router.get("/plans/new", name="plans.new", include_in_schema=False)
def new_plan_page(request: Request, ctx: Context) -> HTMLResponse:
    """The form for a new plan."""
    threats = sorted(load_threats(ctx.settings))
    books = [p.name for p in load_playbooks(ctx.settings.workspace / "playbooks").all()]
    systems = [s.name for s in ctx.settings.config.systems]
    return page(request, ctx, "plan_new.html", threats=threats, playbooks=books, systems=systems)


@router.post("/plans", name="plans.create", include_in_schema=False)
def create_form(
    request: Request,
    ctx: Context,
    title: Annotated[str, Form(max_length=500)],
    threats: Annotated[list[str] | None, Form()] = None,
    playbooks: Annotated[list[str] | None, Form()] = None,
    system: Annotated[str, Form(max_length=200)] = "",
    release: Annotated[str, Form(max_length=200)] = "",
    scope: Annotated[str, Form(max_length=10_000)] = "",
    goals: Annotated[str, Form(max_length=10_000)] = "",
    hypotheses: Annotated[str, Form(max_length=10_000)] = "",
    success_criteria: Annotated[str, Form(max_length=10_000)] = "",
    testers: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Record a draft plan."""
    spec = PlanSpec(
        title=title,
        system=system or None,
        release=release or None,
        scope=scope,
        goals=_lines(goals),
        hypotheses=_lines(hypotheses),
        success_criteria=_lines(success_criteria),
        threats=tuple(threats or ()),
        playbooks=tuple(playbooks or ()),
        testers=tuple(t.strip() for t in testers.split(",") if t.strip()),
    )
    plan = _create(ctx, spec)
    return redirect(request, f"/plans/{plan.id}", flash="draft saved")


@router.post("/api/plans", name="api.plans.create", status_code=201)
def create_api(ctx: Context, spec: PlanSpec) -> Plan:
    """Record a draft plan."""
    return _create(ctx, spec)


@router.get("/plans/{plan_id}", name="plans.show", include_in_schema=False)
def plan_page(request: Request, ctx: Context, plan_id: str) -> HTMLResponse:
    """A plan, its votes and where its approval stands."""
    return page(request, ctx, "plan.html", view=_view(ctx, plan_id))


@router.get("/api/plans/{plan_id}", name="api.plans.show")
def plan_api(ctx: Context, plan_id: str) -> PlanView:
    """A plan, its votes and where its approval stands."""
    return _view(ctx, plan_id)


@router.post("/plans/{plan_id}/submit", name="plans.submit", include_in_schema=False)
def submit_form(request: Request, ctx: Context, plan_id: str) -> Response:
    """Send a draft for approval."""
    _submit(ctx, plan_id)
    return redirect(request, f"/plans/{plan_id}", flash="submitted for approval")


@router.post("/api/plans/{plan_id}/submit", name="api.plans.submit")
def submit_api(ctx: Context, plan_id: str) -> Plan:
    """Send a draft for approval."""
    return _submit(ctx, plan_id)


@router.post("/plans/{plan_id}/vote", name="plans.vote", include_in_schema=False)
def vote_form(
    request: Request,
    ctx: Context,
    plan_id: str,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
    comment: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Approve or reject, with a comment."""
    view = _vote(ctx, plan_id, PlanVoteRequest(approve=decision == "approve", comment=comment))
    return redirect(
        request, f"/plans/{plan_id}", flash=f"vote recorded: the plan is {view.plan.status.value}"
    )


@router.post("/api/plans/{plan_id}/vote", name="api.plans.vote")
def vote_api(ctx: Context, plan_id: str, vote: PlanVoteRequest) -> PlanView:
    """Approve or reject a submitted plan."""
    return _vote(ctx, plan_id, vote)
