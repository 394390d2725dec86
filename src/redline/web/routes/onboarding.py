"""Onboarding: read the material, consent or withdraw; leads see who is onboarded and who is stale."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from redline.program.people import onboarding
from redline.program.people.onboarding import OnboardingPacket, OnboardingStatus
from redline.web.deps import Ctx, guard
from redline.web.templating import page, redirect, safe_next

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Next = Annotated[str, Query(max_length=2000)]
ITEM = re.compile(r"^\s*(?:- |\d+\.\s)")


def blocks(body: str) -> list[tuple[str, list[str]]]:
    """A section's text as ('p', [text]), ('ul', items) or ('ol', items) blocks, for the page."""
    out: list[tuple[str, list[str]]] = []
    for para in re.split(r"\n\s*\n", body.strip()):
        lines = [line.strip() for line in para.splitlines() if line.strip()]
        if not lines:
            continue
        if not ITEM.match(lines[0]):
            out.append(("p", [" ".join(lines)]))
            continue
        kind = "ul" if lines[0].startswith("- ") else "ol"
        items: list[str] = []
        for line in lines:
            if ITEM.match(line):
                items.append(ITEM.sub("", line))
            else:
                items[-1] += " " + line
        out.append((kind, items))
    return out


class ConsentRequest(BaseModel):
    """Explicit consent to the material shown."""

    agree: bool = Field(description="True: I have read the material and consent.")
    material: str = Field(
        min_length=1, max_length=100, description="The packet hash from GET /api/onboarding."
    )


class WithdrawRequest(BaseModel):
    """Withdrawal of one's consent."""

    reason: str = Field(default="", max_length=2000, description="Optional: why (recorded in the audit log).")


@router.get("/onboarding", name="onboarding.show", include_in_schema=False)
def onboarding_page(request: Request, ctx: Context, next: Next = "") -> HTMLResponse:
    """The material to read (warnings of one's assigned harm areas), one's status, and the consent form."""
    view = onboarding.packet(ctx.store, ctx.settings, user=ctx.name)
    texts = {s.id: blocks(s.body) for s in view.sections}
    target = safe_next(next, "/onboarding")
    return page(request, ctx, "onboarding.html", view=view, texts=texts, next=target)


@router.get("/api/onboarding", name="api.onboarding.show")
def onboarding_api(ctx: Context) -> OnboardingPacket:
    """The material to read, one's status, and the packet hash to send back with the consent."""
    return onboarding.packet(ctx.store, ctx.settings, user=ctx.name)


@router.post("/onboarding/consent", name="onboarding.consent", include_in_schema=False)
def consent_form(
    request: Request,
    ctx: Context,
    material: Annotated[str, Form(max_length=100)],
    agree: Annotated[str, Form(max_length=10)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/onboarding",
) -> Response:
    """Consent to the material shown; back to where the person came from."""
    onboarding.consent(ctx.store, ctx.settings, user=ctx.name, agree=agree == "yes", material=material)
    return redirect(request, safe_next(next, "/onboarding"), flash="onboarding complete: thank you")


@router.post("/api/onboarding/consent", name="api.onboarding.consent")
def consent_api(ctx: Context, body: ConsentRequest) -> OnboardingStatus:
    """Consent to the material shown (recorded with every section's version, audited)."""
    return onboarding.consent(
        ctx.store, ctx.settings, user=ctx.name, agree=body.agree, material=body.material
    )


@router.post("/onboarding/withdraw", name="onboarding.withdraw", include_in_schema=False)
def withdraw_form(
    request: Request, ctx: Context, reason: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    """Withdraw one's consent."""
    onboarding.withdraw(ctx.store, ctx.settings, user=ctx.name, reason=reason)
    return redirect(request, "/onboarding", flash="consent withdrawn")


@router.post("/api/onboarding/withdraw", name="api.onboarding.withdraw")
def withdraw_api(ctx: Context, body: WithdrawRequest) -> OnboardingStatus:
    """Withdraw one's consent (audited); flagged content and rounds close until one consents again."""
    return onboarding.withdraw(ctx.store, ctx.settings, user=ctx.name, reason=body.reason)


@router.get("/onboarding/team", name="onboarding.team", include_in_schema=False)
def team_page(request: Request, ctx: Context) -> HTMLResponse:
    """Who is onboarded, with which versions, and who is stale or missing (leads and admins)."""
    rows = onboarding.team(ctx.store, ctx.settings, user=ctx.name)
    return page(request, ctx, "onboarding_team.html", rows=rows)


@router.get("/api/onboarding/team", name="api.onboarding.team")
def team_api(ctx: Context) -> list[OnboardingStatus]:
    """Everyone's onboarding against the material in force (leads and admins)."""
    return onboarding.team(ctx.store, ctx.settings, user=ctx.name)
