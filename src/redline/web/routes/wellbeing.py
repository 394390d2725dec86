"""Tester wellbeing: exposure counts, opt-outs, leads' overrides, and consent to view flagged content."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from redline.program.people import wellbeing
from redline.program.people.content import EXTERNAL
from redline.program.people.wellbeing import Consent, ExposureStatus
from redline.program.register.findings import load_threats
from redline.web.deps import Ctx, guard
from redline.web.permissions import Action
from redline.web.templating import page, redirect, safe_next

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]


class WellbeingPage(BaseModel):
    """One's own counts and opt-outs; the team's counts for leads."""

    model_config = ConfigDict(frozen=True)

    status: ExposureStatus
    categories: tuple[str, ...] = Field(description="Categories one may opt out of.")
    team: tuple[ExposureStatus, ...] | None = Field(default=None, description="Everyone's counts (leads).")


class OptOutRequest(BaseModel):
    """The categories not to be shown."""

    categories: list[str] = Field(default_factory=list, max_length=100)


class OverrideRequest(BaseModel):
    """A lead's override of one person's daily limit."""

    viewer: str = Field(min_length=1, max_length=200)
    extra: int = Field(ge=1, le=1000, description="Extra views allowed today.")
    reason: str = Field(min_length=1, max_length=2000)


class ConsentRequest(BaseModel):
    """Consent to view one flagged item."""

    subject: str = Field(
        min_length=1, max_length=300, description="'attempt:ID', 'exemplar:F:N' or 'intake:ID'."
    )


def _page(ctx: Ctx) -> WellbeingPage:
    categories = sorted({t.harm_category for t in load_threats(ctx.settings).values()} | {EXTERNAL})
    team = None
    if ctx.can(Action.WELLBEING_TEAM):
        team = tuple(wellbeing.team(ctx.store, ctx.settings, user=ctx.name))
    return WellbeingPage(
        status=wellbeing.status(ctx.store, ctx.settings, viewer=ctx.name),
        categories=tuple(categories),
        team=team,
    )


@router.get("/wellbeing", name="wellbeing.show", include_in_schema=False)
def wellbeing_page(request: Request, ctx: Context) -> HTMLResponse:
    """Counts of flagged content viewed today, opt-outs, and (for leads) the team and overrides."""
    return page(request, ctx, "wellbeing.html", view=_page(ctx), config=ctx.settings.config.wellbeing)


@router.get("/api/wellbeing", name="api.wellbeing.show")
def wellbeing_api(ctx: Context) -> WellbeingPage:
    """Counts of flagged content viewed today and opt-outs; the team's counts for leads."""
    return _page(ctx)


@router.post("/wellbeing/opt-outs", name="wellbeing.opt_outs", include_in_schema=False)
def opt_out_form(
    request: Request, ctx: Context, categories: Annotated[list[str] | None, Form()] = None
) -> Response:
    """Choose the categories not to be shown."""
    wellbeing.set_opt_outs(ctx.store, user=ctx.name, categories=categories or [])
    return redirect(request, "/wellbeing", flash="preferences saved")


@router.post("/api/wellbeing/opt-outs", name="api.wellbeing.opt_outs")
def opt_out_api(ctx: Context, body: OptOutRequest) -> list[str]:
    """Replace the categories not to be shown."""
    return wellbeing.set_opt_outs(ctx.store, user=ctx.name, categories=body.categories)


def _override(ctx: Ctx, body: OverrideRequest) -> ExposureStatus:
    return wellbeing.grant_override(
        ctx.store, ctx.settings, user=ctx.name, viewer=body.viewer, extra=body.extra, reason=body.reason
    )


@router.post("/wellbeing/overrides", name="wellbeing.override", include_in_schema=False)
def override_form(
    request: Request,
    ctx: Context,
    viewer: Annotated[str, Form(max_length=200)],
    extra: Annotated[int, Form(ge=1, le=1000)],
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    """Let one person view more flagged content today."""
    status = _override(ctx, OverrideRequest(viewer=viewer, extra=extra, reason=reason))
    return redirect(request, "/wellbeing", flash=f"{status.viewer} may view {status.allowed} items today")


@router.post("/api/wellbeing/overrides", name="api.wellbeing.override")
def override_api(ctx: Context, body: OverrideRequest) -> ExposureStatus:
    """Let one person view more flagged content today (leads; the reason is audited)."""
    return _override(ctx, body)


def _consent(ctx: Ctx, subject: str) -> Consent:
    return wellbeing.consent(ctx.store, ctx.settings, user=ctx.name, subject=subject)


@router.post("/content/consent", name="content.consent", include_in_schema=False)
def consent_form(
    request: Request,
    ctx: Context,
    subject: Annotated[str, Form(max_length=300)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Consent to view one flagged item; the page shows it for a few minutes."""
    result = _consent(ctx, subject)
    note = None
    if result.status.level.value == "warn":
        note = f"you have viewed {result.status.views} of {result.status.allowed} flagged items today"
    anchor = "#c-" + subject.replace(":", "-")
    return redirect(request, safe_next(next) + anchor, flash=note)


@router.post("/api/content/consent", name="api.content.consent")
def consent_api(ctx: Context, body: ConsentRequest) -> Consent:
    """Consent to view one flagged item: returns its text and counts the view."""
    return _consent(ctx, body.subject)
