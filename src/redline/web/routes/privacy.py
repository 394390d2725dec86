"""Personal data: a cleared person unmasks one item at a time, and every such view is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from redline.program.people import privacy
from redline.program.people.privacy import Unmasked
from redline.web.deps import Ctx, guard
from redline.web.templating import page, safe_next

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]


class UnmaskRequest(BaseModel):
    """The item to see with its personal data unmasked."""

    subject: str = Field(
        min_length=1, max_length=300, description="'attempt:ID', 'exemplar:F:N' or 'intake:ID'."
    )


def _unmask(ctx: Ctx, subject: str, via: str) -> Unmasked:
    return privacy.unmask(ctx.store, ctx.settings, user=ctx.name, subject=subject, via=via)


@router.post("/content/unmask", name="content.unmask", include_in_schema=False)
async def unmask_form(
    request: Request,
    ctx: Context,
    subject: Annotated[str, Form(max_length=300)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> HTMLResponse:
    """Show one item with its personal data unmasked (cleared roles; the view is audited)."""
    shown = await run_in_threadpool(_unmask, ctx, subject, "web")
    return page(request, ctx, "unmasked.html", shown=shown, back=safe_next(next))


@router.post("/api/content/unmask", name="api.content.unmask")
async def unmask_api(ctx: Context, body: UnmaskRequest) -> Unmasked:
    """One item's texts with personal data unmasked (cleared roles; the view is audited)."""
    return await run_in_threadpool(_unmask, ctx, body.subject, "api")
