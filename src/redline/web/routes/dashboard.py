"""The dashboard: release status, gate decisions, open findings by risk, heat map, recent rounds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from redline.program.workbench.dashboard import Dashboard, dashboard
from redline.web.deps import Ctx, guard
from redline.web.templating import page

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]


@router.get("/", name="dashboard", include_in_schema=False)
def dashboard_page(request: Request, ctx: Context) -> HTMLResponse:
    """The program at a glance."""
    return page(request, ctx, "dashboard.html", board=dashboard(ctx.store, ctx.settings))


@router.get("/api/dashboard", name="api.dashboard")
def dashboard_api(ctx: Context) -> Dashboard:
    """The program at a glance."""
    return dashboard(ctx.store, ctx.settings)
