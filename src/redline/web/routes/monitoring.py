"""Production monitoring: recent runs, the drift check of each scorer, new failure modes, and the
findings and escalations they opened."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from redline.program.register.monitoring import RunView, monitoring_runs
from redline.web.deps import Ctx, guard
from redline.web.templating import page

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/monitoring", name="monitoring.list", include_in_schema=False)
def monitoring_page(request: Request, ctx: Context, limit: Limit = 20) -> HTMLResponse:
    """The newest runs; the newest in full."""
    runs = monitoring_runs(ctx.store, limit=limit)
    return page(request, ctx, "monitoring.html", runs=runs, shown=runs[0] if runs else None)


@router.get("/api/monitoring", name="api.monitoring.list")
def monitoring_api(ctx: Context, limit: Limit = 20) -> list[RunView]:
    """The newest monitoring runs, newest first."""
    return monitoring_runs(ctx.store, limit=limit)


@router.get("/monitoring/{run_id}", name="monitoring.show", include_in_schema=False)
def run_page(request: Request, ctx: Context, run_id: str) -> HTMLResponse:
    """One run in full, beside the list of recent runs."""
    return page(
        request,
        ctx,
        "monitoring.html",
        runs=monitoring_runs(ctx.store),
        shown=monitoring_runs(ctx.store, run_id=run_id)[0],
    )


@router.get("/api/monitoring/{run_id}", name="api.monitoring.show")
def run_api(ctx: Context, run_id: str) -> RunView:
    """One monitoring run."""
    return monitoring_runs(ctx.store, run_id=run_id)[0]
