"""Issue trackers' webhooks: the state of exported issues flows back to their findings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from redline.program.channels import trackers
from redline.program.channels.trackers import InboundResult, RefusalLog
from redline.web.deps import Ctx, guard

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]


def webhook_refusals(request: Request) -> RefusalLog:
    """The app's count of refused webhook calls (made on first use; in memory only)."""
    state = request.app.state
    if getattr(state, "webhook_refusals", None) is None:
        state.webhook_refusals = RefusalLog()
    refusals: RefusalLog = state.webhook_refusals
    return refusals


@router.post("/api/trackers/{name}/webhook", name="api.trackers.webhook")
async def tracker_webhook(request: Request, ctx: Context, name: str) -> InboundResult:
    """A tracker reports an issue's state. The call is authenticated by the tracker's proof of the
    shared secret (GitHub `X-Hub-Signature-256`, Jira `X-Hub-Signature`, GitLab `X-Gitlab-Token`), not
    by a session or API token. A closed issue makes its finding mitigated (ready for verification).
    Refused calls are audited (at most once a minute per tracker, with their count)."""
    body = await request.body()
    headers = dict(request.headers.items())
    refusals = webhook_refusals(request)
    return await run_in_threadpool(
        lambda: trackers.receive_webhook(
            ctx.store, ctx.settings, tracker=name, body=body, headers=headers, refusals=refusals
        )
    )
