"""Rounds: the list, one round's evidence and exchanges, and live progress while it runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from redline.catalog.playbooks import load_playbooks
from redline.core.catalog.plans import RUNNABLE_PLAN_STATUSES
from redline.core.runs.rounds import Round
from redline.engine.analyses import RoundAnalyses, analyse_round
from redline.program.catalog.plans import list_plans
from redline.program.people import access
from redline.program.workbench import runs
from redline.program.workbench.dashboard import RoundDetail, RoundProgress, round_detail, round_progress
from redline.program.workbench.runs import RunRequest
from redline.reports.analyses import render_analyses_html
from redline.store.repos import rounds as rounds_repo
from redline.web.deps import Ctx, LoginRequired, guard
from redline.web.live import stream
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Limit = Annotated[int, Query(ge=1, le=500)]
After = Annotated[str | None, Query(max_length=200, description="Cursor of a page of exchanges.")]


class RoundListItem(BaseModel):
    """A round in the list, with its counters."""

    model_config = ConfigDict(frozen=True)

    round: Round
    progress: RoundProgress


def _list(ctx: Ctx, limit: int) -> list[RoundListItem]:
    with ctx.store.session() as session:
        found = access.readable_rounds(session, rounds_repo.list_rounds(session, limit=limit), ctx.user)
    return [RoundListItem(round=r, progress=round_progress(ctx.store, r.id)) for r in found]


@router.get("/rounds", name="rounds.list", include_in_schema=False)
def rounds_page(request: Request, ctx: Context, limit: Limit = 100) -> HTMLResponse:
    """Rounds, newest first; manual (playground) and ad-hoc rounds are marked."""
    return page(request, ctx, "rounds.html", rows=_list(ctx, limit))


@router.get("/api/rounds", name="api.rounds.list")
def rounds_api(ctx: Context, limit: Limit = 100) -> list[RoundListItem]:
    """Rounds, newest first, with their counters."""
    return _list(ctx, limit)


@router.get("/rounds/new", name="rounds.new", include_in_schema=False)
def new_round_page(request: Request, ctx: Context) -> HTMLResponse:
    """The form to start a round: a system, playbooks or an approved plan, a sample size."""
    with ctx.store.session() as session:
        runnable = [p for p in list_plans(session) if p.status in RUNNABLE_PLAN_STATUSES]
    books = [b.name for b in load_playbooks(ctx.settings.workspace / "playbooks").all() if b.automated]
    systems = [s.name for s in ctx.settings.config.systems]
    return page(request, ctx, "round_new.html", systems=systems, playbooks=books, plans=runnable)


async def _start(ctx: Ctx, body: RunRequest) -> str:
    prepared, settings = await run_in_threadpool(runs.prepare, ctx.store, ctx.settings, body, user=ctx.name)
    return await ctx.state.hub.launch(prepared.spec, settings=settings, store=ctx.store)


@router.post("/rounds", name="rounds.start", include_in_schema=False)
async def start_form(
    request: Request,
    ctx: Context,
    system: Annotated[str, Form(max_length=200)],
    playbooks: Annotated[list[str] | None, Form()] = None,
    plan_id: Annotated[str, Form(max_length=40)] = "",
    sample_size: Annotated[str, Form(max_length=4)] = "",
    scorers: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Start a round and watch it run."""
    body = RunRequest.model_validate(
        {
            "system": system,
            "playbooks": tuple(playbooks or ()),
            "plan_id": plan_id or None,
            "sample_size": sample_size or None,
            "scorers": tuple(s.strip() for s in scorers.split(",") if s.strip()),
        }
    )
    round_id = await _start(ctx, body)
    return redirect(request, f"/rounds/{round_id}", flash="round started")


@router.post("/api/rounds", name="api.rounds.start", status_code=202)
async def start_api(ctx: Context, body: RunRequest) -> RoundProgress:
    """Start a round in the background; follow it at /api/rounds/{id}/progress."""
    round_id = await _start(ctx, body)
    return await run_in_threadpool(round_progress, ctx.store, round_id)


@router.get("/rounds/{round_id}", name="rounds.show", include_in_schema=False)
def round_page(request: Request, ctx: Context, round_id: str, after: After = None) -> HTMLResponse:
    """A round: live progress, evidence per threat, and a page of its exchanges (flagged ones behind
    consent) with a link to the next page."""
    detail = round_detail(ctx.store, ctx.settings, round_id=round_id, viewer=ctx.name, after=after)
    analyses = analyse_round(ctx.store, round_id)  # after round_detail checked the viewer may read it
    shown = render_analyses_html([] if analyses.empty else [analyses])
    return page(request, ctx, "round.html", detail=detail, analyses_html=shown)


@router.get("/api/rounds/{round_id}", name="api.rounds.show")
def round_api(ctx: Context, round_id: str, after: After = None) -> RoundDetail:
    """A round: progress, evidence per threat, a page of exchanges (flagged text withheld until consent);
    `next_after` is the cursor of the next page."""
    return round_detail(ctx.store, ctx.settings, round_id=round_id, viewer=ctx.name, after=after)


@router.get("/api/rounds/{round_id}/analyses", name="api.rounds.analyses")
def analyses_api(ctx: Context, round_id: str) -> RoundAnalyses:
    """A round's rates per technique, converter and configuration; disparity per attribute; calibration."""
    _readable(ctx, round_id)
    return analyse_round(ctx.store, round_id)


def _readable(ctx: Ctx, round_id: str) -> None:
    """Refuse a playground round to anyone but its tester and the playground readers."""
    if ctx.user is None:
        raise LoginRequired()
    with ctx.store.session() as session:
        access.require_round(session, round_id, ctx.user)


@router.get("/api/rounds/{round_id}/progress", name="api.rounds.progress")
def progress_api(ctx: Context, round_id: str) -> RoundProgress:
    """A round's status and counters, for polling."""
    _readable(ctx, round_id)
    return round_progress(ctx.store, round_id)


@router.get("/rounds/{round_id}/events", name="rounds.events", include_in_schema=False)
def round_events(ctx: Context, round_id: str) -> StreamingResponse:
    """Server-sent events of a round's progress until it finishes."""
    _readable(ctx, round_id)
    round_progress(ctx.store, round_id)  # 404 before the stream starts
    return StreamingResponse(
        stream(ctx.store, ctx.state.hub, round_id),
        media_type="text/event-stream",
        headers={"X-Accel-Buffering": "no"},
    )
