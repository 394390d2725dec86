"""The audit log: filter events, and verify the hash chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from redline.core.audit import AuditEvent, ChainBreak
from redline.store import audit
from redline.web.deps import Ctx, guard
from redline.web.templating import page

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Filter = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=1000)]


class ChainCheck(BaseModel):
    """The result of walking the whole chain."""

    model_config = ConfigDict(frozen=True)

    events: int = Field(description="Events in the log.")
    verified: int = Field(description="Events that verified before the first break.")
    ok: bool
    first_break: ChainBreak | None = None


def _events(
    ctx: Ctx, action: str | None, actor: str | None, subject: str | None, limit: int
) -> list[AuditEvent]:
    with ctx.store.session() as session:
        return audit.list_events(session, limit=limit, action=action, actor=actor, subject=subject)


def _verify(ctx: Ctx) -> ChainCheck:
    with ctx.store.session() as session:
        checked, brk = audit.verify(session)
        total = audit.count(session)
    return ChainCheck(events=total, verified=checked, ok=brk is None, first_break=brk)


@router.get("/audit", name="audit.list", include_in_schema=False)
def audit_page(
    request: Request,
    ctx: Context,
    action: Filter = None,
    actor: Filter = None,
    subject: Filter = None,
    limit: Limit = 200,
) -> HTMLResponse:
    """Events, newest first; action matches as a prefix."""
    events = _events(ctx, action, actor, subject, limit)
    filters = {"action": action or "", "actor": actor or "", "subject": subject or "", "limit": limit}
    return page(request, ctx, "audit.html", events=events, filters=filters, check=None)


@router.get("/api/audit", name="api.audit.list")
def audit_api(
    ctx: Context, action: Filter = None, actor: Filter = None, subject: Filter = None, limit: Limit = 200
) -> list[AuditEvent]:
    """Events, newest first; action matches as a prefix."""
    return _events(ctx, action, actor, subject, limit)


@router.get("/audit/verify", name="audit.verify", include_in_schema=False)
def verify_page(request: Request, ctx: Context) -> HTMLResponse:
    """Walk the whole hash chain and show where it breaks, if anywhere."""
    filters = {"action": "", "actor": "", "subject": "", "limit": 50}
    return page(
        request,
        ctx,
        "audit.html",
        events=_events(ctx, None, None, None, 50),
        filters=filters,
        check=_verify(ctx),
    )


@router.get("/api/audit/verify", name="api.audit.verify")
def verify_api(ctx: Context) -> ChainCheck:
    """Walk the whole hash chain."""
    return _verify(ctx)
