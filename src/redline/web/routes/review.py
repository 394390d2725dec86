"""The human review queue: reviewers label sampled exchanges blind; leads sample and read the agreement.

The labelling page shows the exchange (personal data masked) and never a scorer's verdict, rationale
or flag; every item looks alike until its label is in.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.review import OVERALL, ReviewLabel, ReviewSummary
from redline.program.workbench import reviews
from redline.program.workbench.reviews import Labelled, ReviewTask
from redline.web.deps import Ctx, guard
from redline.web.permissions import Action
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]


class QueueRound(BaseModel):
    """A round with a review queue: its items and those still open for you."""

    model_config = ConfigDict(frozen=True)

    round_id: str
    items: int
    open_for_you: int


class NextItem(BaseModel):
    """Your next item, or None when nothing is left."""

    item: ReviewTask | None


class LabelRequest(BaseModel):
    """A reviewer's label of one item."""

    label: ReviewLabel = Field(description="fail: the model failed; pass: it held; unsure.")
    note: str = Field(default="", max_length=reviews.MAX_NOTE)


class SampleRequest(BaseModel):
    """Queue a stratified sample of a round's attempts."""

    n: int = Field(default=50, ge=1, le=reviews.MAX_SAMPLE)
    scorer: str = Field(default=OVERALL, max_length=200)
    per_item: int = Field(default=2, ge=1, le=10)
    seed: int | None = None


class Sampled(BaseModel):
    """How many items were queued."""

    round_id: str
    queued: int


def _queue(ctx: Ctx) -> list[QueueRound]:
    return [
        QueueRound(round_id=r, items=n, open_for_you=o)
        for r, n, o in reviews.rounds_under_review(ctx.store, user=ctx.name)
    ]


@router.get("/review", name="review.queue", include_in_schema=False)
def queue_page(request: Request, ctx: Context) -> HTMLResponse:
    """Rounds with items for you to review."""
    return page(request, ctx, "review_queue.html", rows=_queue(ctx))


@router.get("/api/review", name="api.review.queue")
def queue_api(ctx: Context) -> list[QueueRound]:
    """Rounds with a review queue and the items open for you."""
    return _queue(ctx)


@router.get("/review/next", name="review.next", include_in_schema=False)
def next_page(
    request: Request, ctx: Context, round: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    """Open your next item's labelling page."""
    found = reviews.next_task(ctx.store, ctx.settings, user=ctx.name, round_id=round)
    if found is None:
        return redirect(request, "/review", flash="nothing left to review for you")
    return redirect(request, f"/review/items/{found.item_id}")


@router.get("/api/review/next", name="api.review.next")
def next_api(ctx: Context, round: Annotated[str | None, Query(max_length=40)] = None) -> NextItem:
    """Your next item: the exchange, masked, with no scorer's verdict."""
    return NextItem(item=reviews.next_task(ctx.store, ctx.settings, user=ctx.name, round_id=round))


@router.get("/review/items/{item_id}", name="review.item", include_in_schema=False)
def item_page(request: Request, ctx: Context, item_id: str) -> HTMLResponse:
    """The labelling page of one item: the exchange and the label form, nothing a scorer said."""
    found = reviews.task(ctx.store, ctx.settings, user=ctx.name, item_id=item_id)
    return page(request, ctx, "review_item.html", task=found)


@router.get("/api/review/items/{item_id}", name="api.review.item")
def item_api(ctx: Context, item_id: str) -> ReviewTask:
    """One item open for you: the exchange, masked, with no scorer's verdict."""
    return reviews.task(ctx.store, ctx.settings, user=ctx.name, item_id=item_id)


@router.post("/review/items/{item_id}", name="review.label", include_in_schema=False)
def label_form(
    request: Request,
    ctx: Context,
    item_id: str,
    label: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=reviews.MAX_NOTE)] = "",
) -> Response:
    """Record your label and go on to your next item of the same round."""
    from redline.core.errors import UsageError

    try:
        chosen = ReviewLabel(label)
    except ValueError:
        raise UsageError("choose a label: fail, pass or unsure") from None
    done = reviews.label(ctx.store, user=ctx.name, item_id=item_id, label=chosen, note=note)
    round_id = _round_of(ctx, item_id)
    return redirect(
        request, f"/review/next?round={round_id}", flash=f"labelled {done.label.item_id}: {chosen.value}"
    )


def _round_of(ctx: Ctx, item_id: str) -> str:
    from redline.store.repos import reviews as reviews_repo

    with ctx.store.session() as session:
        return reviews_repo.get_item(session, item_id).round_id


@router.post("/api/review/items/{item_id}", name="api.review.label")
def label_api(ctx: Context, item_id: str, body: LabelRequest) -> Labelled:
    """Record your label; the scorers' verdicts on the item come back only now."""
    return reviews.label(ctx.store, user=ctx.name, item_id=item_id, label=body.label, note=body.note)


@router.get("/rounds/{round_id}/review", name="review.summary", include_in_schema=False)
def summary_page(request: Request, ctx: Context, round_id: str) -> HTMLResponse:
    """A round's review: agreement between reviewers and with each scorer, corrected rates."""
    found = reviews.summary(ctx.store, user=ctx.name, round_id=round_id)
    can_sample = ctx.can(Action.REVIEW_SAMPLE)
    return page(request, ctx, "review_summary.html", round_id=round_id, summary=found, can_sample=can_sample)


@router.get("/api/rounds/{round_id}/review", name="api.review.summary")
def summary_api(ctx: Context, round_id: str) -> ReviewSummary | None:
    """A round's review summary (None when it has no review queue)."""
    return reviews.summary(ctx.store, user=ctx.name, round_id=round_id)


def _sample(ctx: Ctx, round_id: str, body: SampleRequest) -> Sampled:
    items = reviews.sample(
        ctx.store,
        user=ctx.name,
        round_id=round_id,
        n=body.n,
        scorer=body.scorer,
        wanted=body.per_item,
        seed=body.seed,
    )
    return Sampled(round_id=round_id, queued=len(items))


@router.post("/rounds/{round_id}/review/sample", name="review.sample", include_in_schema=False)
def sample_form(
    request: Request,
    ctx: Context,
    round_id: str,
    n: Annotated[int, Form(ge=1, le=reviews.MAX_SAMPLE)] = 50,
    per_item: Annotated[int, Form(ge=1, le=10)] = 2,
) -> Response:
    """Queue a stratified sample of the round's attempts."""
    done = _sample(ctx, round_id, SampleRequest(n=n, per_item=per_item))
    return redirect(request, f"/rounds/{round_id}/review", flash=f"queued {done.queued} attempts for review")


@router.post("/api/rounds/{round_id}/review/sample", name="api.review.sample")
def sample_api(ctx: Context, round_id: str, body: SampleRequest) -> Sampled:
    """Queue a stratified sample of the round's attempts (leads and admins)."""
    return _sample(ctx, round_id, body)
