"""Rounds: the list, one round's evidence and exchanges, and live progress while it runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict

from redline.core.rounds import Round
from redline.program.dashboard import RoundDetail, RoundProgress, round_detail, round_progress
from redline.store.repos import rounds as rounds_repo
from redline.web.deps import Ctx, guard
from redline.web.live import stream
from redline.web.templating import page

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Limit = Annotated[int, Query(ge=1, le=500)]


class RoundRow(BaseModel):
    """A round in the list, with its counters."""

    model_config = ConfigDict(frozen=True)

    round: Round
    progress: RoundProgress


def _list(ctx: Ctx, limit: int) -> list[RoundRow]:
    with ctx.store.session() as session:
        found = rounds_repo.list_rounds(session, limit=limit)
    return [RoundRow(round=r, progress=round_progress(ctx.store, r.id)) for r in found]


@router.get("/rounds", name="rounds.list", include_in_schema=False)
def rounds_page(request: Request, ctx: Context, limit: Limit = 100) -> HTMLResponse:
    """Rounds, newest first; manual (playground) and ad-hoc rounds are marked."""
    return page(request, ctx, "rounds.html", rows=_list(ctx, limit))


@router.get("/api/rounds", name="api.rounds.list")
def rounds_api(ctx: Context, limit: Limit = 100) -> list[RoundRow]:
    """Rounds, newest first, with their counters."""
    return _list(ctx, limit)


@router.get("/rounds/{round_id}", name="rounds.show", include_in_schema=False)
def round_page(request: Request, ctx: Context, round_id: str) -> HTMLResponse:
    """A round: live progress, evidence per threat, and its exchanges (flagged ones behind consent)."""
    detail = round_detail(ctx.store, ctx.settings, round_id=round_id, viewer=ctx.name)
    return page(request, ctx, "round.html", detail=detail)


@router.get("/api/rounds/{round_id}", name="api.rounds.show")
def round_api(ctx: Context, round_id: str) -> RoundDetail:
    """A round: progress, evidence per threat, exchanges (flagged text withheld until consent)."""
    return round_detail(ctx.store, ctx.settings, round_id=round_id, viewer=ctx.name)


@router.get("/api/rounds/{round_id}/progress", name="api.rounds.progress")
def progress_api(ctx: Context, round_id: str) -> RoundProgress:
    """A round's status and counters, for polling."""
    return round_progress(ctx.store, round_id)


@router.get("/rounds/{round_id}/events", name="rounds.events", include_in_schema=False)
def round_events(ctx: Context, round_id: str) -> StreamingResponse:
    """Server-sent events of a round's progress until it finishes."""
    round_progress(ctx.store, round_id)  # 404 before the stream starts
    return StreamingResponse(
        stream(ctx.store, ctx.state.hub, round_id),
        media_type="text/event-stream",
        headers={"X-Accel-Buffering": "no"},
    )
