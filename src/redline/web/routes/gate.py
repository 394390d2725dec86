"""The release gate: decisions with their reasons, committee sign-offs, a fresh check."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from redline.core.register.policy import Decision
from redline.core.register.revisits import ConditionCheck, DecisionStatus
from redline.core.register.signoffs import SignOff, Vote
from redline.program.register import conditions as conditions_program
from redline.program.register import decisions as decisions_program
from redline.program.register.decisions import GateReport, SignResult
from redline.program.workbench.dashboard import ReleaseStatus, dashboard
from redline.web.deps import Ctx, guard
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]


class GateHistory(BaseModel):
    """A release's decisions (newest first) and the committee's votes (in order)."""

    model_config = ConfigDict(frozen=True)

    release: str
    decisions: tuple[Decision, ...] = ()
    signoffs: tuple[SignOff, ...] = ()
    standing: DecisionStatus | None = Field(
        default=None,
        description="The latest decision revisited now: stale or not, its conditions' checklist.",
    )


class SignRequest(BaseModel):
    """A committee member's vote on the current evidence."""

    vote: Vote
    comment: str = Field(default="", max_length=5000)


class ConditionReportRequest(BaseModel):
    """What is in force for a condition: a rollout share, a feature flag's state, or evidence text."""

    share: float | None = Field(default=None, ge=0, le=1, description="rollout_share: the share in force.")
    flag: Literal["on", "off"] | None = Field(default=None, description="feature_flag: the flag's state.")
    holds: bool | None = Field(default=None, description="manual: false when it no longer holds.")
    evidence: str = Field(default="", max_length=5000, description="What shows it.")
    owner: str | None = Field(default=None, max_length=200, description="Set the owner too.")


def _history(ctx: Ctx, release: str) -> GateHistory:
    label, decisions, signoffs = decisions_program.history(ctx.store, release=release)
    _, status = decisions_program.standing(ctx.store, ctx.settings, release=release)
    return GateHistory(release=label, decisions=tuple(decisions), signoffs=tuple(signoffs), standing=status)


def _check(ctx: Ctx, release: str) -> GateReport:
    settings = ctx.settings.model_copy(update={"actor": ctx.name})
    return decisions_program.check_gate(ctx.store, settings, release=release)


def _sign(ctx: Ctx, release: str, body: SignRequest) -> SignResult:
    settings = ctx.settings.model_copy(update={"actor": ctx.name})
    return decisions_program.sign_gate(
        ctx.store, settings, release=release, user=ctx.name, vote=body.vote, comment=body.comment
    )


@router.get("/gate", name="gate.list", include_in_schema=False)
def gate_list_page(request: Request, ctx: Context) -> HTMLResponse:
    """Releases and their latest gate decision."""
    return page(request, ctx, "gate_list.html", releases=dashboard(ctx.store, ctx.settings).releases)


@router.get("/api/gate", name="api.gate.list")
def gate_list_api(ctx: Context) -> tuple[ReleaseStatus, ...]:
    """Releases and their latest gate decision."""
    return dashboard(ctx.store, ctx.settings).releases


@router.get("/gate/{release}", name="gate.show", include_in_schema=False)
def gate_page(request: Request, ctx: Context, release: str) -> HTMLResponse:
    """A release's decision, its reasons and the sign-offs."""
    return page(request, ctx, "gate.html", history=_history(ctx, release), ref=release, votes=list(Vote))


@router.get("/api/gate/{release}", name="api.gate.show")
def gate_api(ctx: Context, release: str) -> GateHistory:
    """A release's decisions and sign-offs; the release is 'SYSTEM@VERSION', a version or an id."""
    return _history(ctx, release)


@router.post("/gate/{release}/check", name="gate.check", include_in_schema=False)
def check_form(request: Request, ctx: Context, release: str) -> Response:
    """Evaluate the release against the policy now and record the decision."""
    report = _check(ctx, release)
    return redirect(request, f"/gate/{release}", flash=f"gate: {report.decision.outcome.value}")


@router.post("/api/gate/{release}/check", name="api.gate.check")
def check_api(ctx: Context, release: str) -> GateReport:
    """Evaluate the release against the policy and record the decision (audited)."""
    return _check(ctx, release)


@router.post("/gate/{release}/sign", name="gate.sign", include_in_schema=False)
def sign_form(
    request: Request,
    ctx: Context,
    release: str,
    vote: Annotated[Vote, Form()],
    comment: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Sign the release decision: go or no-go, on the current evidence."""
    _sign(ctx, release, SignRequest(vote=vote, comment=comment))
    return redirect(request, f"/gate/{release}", flash=f"signed: {vote.value}")


@router.post("/api/gate/{release}/sign", name="api.gate.sign")
def sign_api(ctx: Context, release: str, body: SignRequest) -> SignResult:
    """Record a committee member's vote; a split committee escalates."""
    return _sign(ctx, release, body)


@router.post("/api/conditions/{condition_id}/report", name="api.conditions.report")
def condition_report_api(ctx: Context, condition_id: str, body: ConditionReportRequest) -> ConditionCheck:
    """Report on a condition of a conditional go (a rollout tool or flag service calls it with an API
    token); answers whether the condition holds now."""
    return conditions_program.report(
        ctx.store,
        condition_id=condition_id,
        user=ctx.name,
        share=body.share,
        flag_on=None if body.flag is None else body.flag == "on",
        holds=body.holds,
        evidence=body.evidence,
        owner=body.owner,
    )
