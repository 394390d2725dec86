"""The playground: converse with a configured target, record what was found, promote it to a finding."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from redline.catalog.playbooks import load_playbooks
from redline.config import plugins
from redline.core.register.findings import DEFAULT_SAMPLES, MAX_SAMPLES, Finding
from redline.core.register.risk import Impact, Likelihood
from redline.program.register.findings import load_threats
from redline.program.workbench import playground
from redline.program.workbench.playground import PlaygroundView, Turn
from redline.store.repos.playground import PlaygroundRecord
from redline.web.deps import Ctx, guard
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Text = Annotated[str, Form(max_length=20_000)]


class StartRequest(BaseModel):
    """A new conversation: the system, and optionally a playbook to follow and threats in view."""

    system: str = Field(min_length=1, max_length=200)
    playbook: str | None = Field(default=None, max_length=200, description="Guided mode: its manual steps.")
    threats: list[str] = Field(default_factory=list, max_length=50)


class MessageRequest(BaseModel):
    """A message to the target."""

    text: str = Field(min_length=1, max_length=20_000)


class NotesRequest(BaseModel):
    """What the tester records."""

    hypothesis: str = Field(default="", max_length=20_000)
    method: str = Field(default="", max_length=20_000)
    observation: str = Field(default="", max_length=20_000)
    severity: Impact | None = Field(default=None, description="1 (negligible) to 5 (severe).")


class StepRequest(BaseModel):
    """Which manual step of the playbook (0-based)."""

    step: int = Field(ge=0, le=1000)


class PromoteRequest(BaseModel):
    """A candidate finding from the conversation."""

    title: str = Field(min_length=1, max_length=500)
    likelihood: Likelihood = Likelihood.POSSIBLE
    threat_id: str | None = Field(default=None, max_length=200)
    scorer: str | None = Field(
        default=None,
        max_length=200,
        description="Scorer that judges the re-sent conversation when the finding is verified; none: a "
        "reviewer re-checks the tester's verdict.",
    )
    samples: int = Field(default=DEFAULT_SAMPLES, ge=1, le=MAX_SAMPLES, description="Sends per release.")


def _start(ctx: Ctx, body: StartRequest) -> PlaygroundView:
    return playground.start(
        ctx.store,
        ctx.settings,
        user=ctx.name,
        system=body.system,
        playbook=body.playbook or None,
        threat_ids=tuple(body.threats),
    )


def _view(ctx: Ctx, pg_id: str) -> PlaygroundView:
    return playground.view(ctx.store, ctx.settings, playground_id=pg_id, user=ctx.name)


async def _send(ctx: Ctx, pg_id: str, text: str) -> Turn:
    view = await run_in_threadpool(_view, ctx, pg_id)
    target = await run_in_threadpool(ctx.state.target, view.record.system)
    return await playground.send(
        ctx.store, ctx.settings, playground_id=pg_id, user=ctx.name, text=text, target=target
    )


def _notes(ctx: Ctx, pg_id: str, body: NotesRequest) -> PlaygroundRecord:
    return playground.record_notes(
        ctx.store,
        playground_id=pg_id,
        user=ctx.name,
        hypothesis=body.hypothesis,
        method=body.method,
        observation=body.observation,
        severity=body.severity,
    )


def _promote(ctx: Ctx, pg_id: str, body: PromoteRequest) -> Finding:
    return playground.promote(
        ctx.store,
        ctx.settings,
        playground_id=pg_id,
        user=ctx.name,
        title=body.title,
        likelihood=body.likelihood,
        threat_id=body.threat_id or None,
        scorer=body.scorer or None,
        samples=body.samples,
    )


@router.get("/playground", name="playground.list", include_in_schema=False)
def list_page(request: Request, ctx: Context) -> HTMLResponse:
    """Conversations, and the form to start one."""
    books = load_playbooks(ctx.settings.workspace / "playbooks").all()
    return page(
        request,
        ctx,
        "playground_list.html",
        records=playground.conversations(ctx.store, user=ctx.name),
        systems=[s.name for s in ctx.settings.config.systems],
        playbooks=[b for b in books if b.manual],
        threats=sorted(load_threats(ctx.settings)),
    )


@router.get("/api/playground", name="api.playground.list")
def list_api(ctx: Context) -> list[PlaygroundRecord]:
    """Conversations: one's own, or everyone's for leads."""
    return playground.conversations(ctx.store, user=ctx.name)


@router.post("/playground", name="playground.start", include_in_schema=False)
def start_form(
    request: Request,
    ctx: Context,
    system: Annotated[str, Form(max_length=200)],
    playbook: Annotated[str, Form(max_length=200)] = "",
    threats: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Open a conversation."""
    view = _start(ctx, StartRequest(system=system, playbook=playbook or None, threats=threats or []))
    return redirect(request, f"/playground/{view.record.id}")


@router.post("/api/playground", name="api.playground.start", status_code=201)
def start_api(ctx: Context, body: StartRequest) -> PlaygroundView:
    """Open a conversation (an ad-hoc round marked manual)."""
    return _start(ctx, body)


@router.get("/playground/{pg_id}", name="playground.show", include_in_schema=False)
def show_page(request: Request, ctx: Context, pg_id: str) -> HTMLResponse:
    """The conversation, the notes form, the guide, and promotion."""
    return page(
        request,
        ctx,
        "playground.html",
        view=_view(ctx, pg_id),
        severities=list(Impact),
        likelihoods=list(Likelihood),
        threats=sorted(load_threats(ctx.settings)),
        scorers=plugins.names("redline.scorers"),
        samples=DEFAULT_SAMPLES,
    )


@router.get("/api/playground/{pg_id}", name="api.playground.show")
def show_api(ctx: Context, pg_id: str) -> PlaygroundView:
    """The conversation with its turns and guide."""
    return _view(ctx, pg_id)


@router.post("/playground/{pg_id}/turns", name="playground.send", include_in_schema=False)
async def send_form(request: Request, ctx: Context, pg_id: str, text: Text) -> Response:
    """Send a message; the answer is stored as an attempt."""
    await _send(ctx, pg_id, text)
    return redirect(request, f"/playground/{pg_id}#last")


@router.post("/api/playground/{pg_id}/turns", name="api.playground.send", status_code=201)
async def send_api(ctx: Context, pg_id: str, body: MessageRequest) -> Turn:
    """Send a message with the conversation so far; returns the target's answer."""
    return await _send(ctx, pg_id, body.text)


@router.post("/playground/{pg_id}/notes", name="playground.notes", include_in_schema=False)
def notes_form(
    request: Request,
    ctx: Context,
    pg_id: str,
    hypothesis: Text = "",
    method: Text = "",
    observation: Text = "",
    severity: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    """Save the hypothesis, method, observation and severity."""
    body = NotesRequest.model_validate(
        {"hypothesis": hypothesis, "method": method, "observation": observation, "severity": severity or None}
    )
    _notes(ctx, pg_id, body)
    return redirect(request, f"/playground/{pg_id}", flash="notes saved")


@router.post("/api/playground/{pg_id}/notes", name="api.playground.notes")
def notes_api(ctx: Context, pg_id: str, body: NotesRequest) -> PlaygroundRecord:
    """Save the hypothesis, method, observation and severity."""
    return _notes(ctx, pg_id, body)


@router.post("/playground/{pg_id}/step", name="playground.step", include_in_schema=False)
def step_form(
    request: Request, ctx: Context, pg_id: str, step: Annotated[int, Form(ge=0, le=1000)]
) -> Response:
    """Go to another manual step of the playbook."""
    playground.goto_step(ctx.store, ctx.settings, playground_id=pg_id, user=ctx.name, step=step)
    return redirect(request, f"/playground/{pg_id}#guide")


@router.post("/api/playground/{pg_id}/step", name="api.playground.step")
def step_api(ctx: Context, pg_id: str, body: StepRequest) -> PlaygroundView:
    """Go to another manual step of the playbook."""
    return playground.goto_step(ctx.store, ctx.settings, playground_id=pg_id, user=ctx.name, step=body.step)


@router.post("/playground/{pg_id}/promote", name="playground.promote", include_in_schema=False)
def promote_form(
    request: Request,
    ctx: Context,
    pg_id: str,
    title: Annotated[str, Form(max_length=500)],
    likelihood: Annotated[Likelihood, Form()] = Likelihood.POSSIBLE,
    threat_id: Annotated[str, Form(max_length=200)] = "",
    scorer: Annotated[str, Form(max_length=200)] = "",
    samples: Annotated[int, Form(ge=1, le=MAX_SAMPLES)] = DEFAULT_SAMPLES,
) -> Response:
    """Promote the conversation to a candidate finding."""
    finding = _promote(
        ctx,
        pg_id,
        PromoteRequest(
            title=title,
            likelihood=likelihood,
            threat_id=threat_id or None,
            scorer=scorer or None,
            samples=samples,
        ),
    )
    return redirect(request, f"/findings/{finding.id}", flash="candidate finding opened")


@router.post("/api/playground/{pg_id}/promote", name="api.playground.promote", status_code=201)
def promote_api(ctx: Context, pg_id: str, body: PromoteRequest) -> Finding:
    """Promote the conversation to a candidate finding (status new)."""
    return _promote(ctx, pg_id, body)


@router.post("/playground/{pg_id}/close", name="playground.close", include_in_schema=False)
def close_form(request: Request, ctx: Context, pg_id: str) -> Response:
    """End the conversation without a finding."""
    playground.close(ctx.store, playground_id=pg_id, user=ctx.name)
    return redirect(request, "/playground", flash="conversation closed")


@router.post("/api/playground/{pg_id}/close", name="api.playground.close")
def close_api(ctx: Context, pg_id: str) -> PlaygroundRecord:
    """End the conversation without a finding."""
    return playground.close(ctx.store, playground_id=pg_id, user=ctx.name)
