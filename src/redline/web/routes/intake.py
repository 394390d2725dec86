"""External intake: the public report page and API, and the triage queue with its disclosure clock."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from redline.config import plugins
from redline.core.channels.intake import IntakeStatus
from redline.core.register.findings import DEFAULT_SAMPLES, MAX_SAMPLES
from redline.core.register.risk import Impact, Likelihood
from redline.program.channels import intake, intake_triage
from redline.program.channels.intake import (
    AccessSurface,
    Acknowledgement,
    DisclosurePreference,
    IntakeCategory,
    IntakeReport,
    ReportStatus,
    SeverityClaim,
    StatusNotFoundError,
    StatusThrottle,
)
from redline.program.channels.intake_triage import IntakeDecision, QueueEntry
from redline.program.people import content
from redline.program.people.content import Exchange
from redline.program.register.findings import load_threats
from redline.web.deps import Ctx, guard
from redline.web.limits import client_address
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Short = Annotated[str, Form(max_length=320)]
Long = Annotated[str, Form(max_length=50_000)]


class SubmissionPage(BaseModel):
    """A submission with its clock and its transcript (withheld until the viewer consents)."""

    model_config = ConfigDict(frozen=True)

    entry: QueueEntry
    transcript: Exchange


class TriageRequest(BaseModel):
    """What triage does with a submission."""

    decision: IntakeDecision
    note: str = Field(default="", max_length=5000, description="Why; required to reject.")
    threat_id: str | None = Field(default=None, max_length=200, description="Catalog threat, to accept.")
    likelihood: Likelihood = Likelihood.POSSIBLE
    impact: Impact = Impact.MODERATE
    duplicate_of: str | None = Field(default=None, max_length=40, description="Finding id, for a duplicate.")
    scorer: str | None = Field(
        default=None,
        max_length=200,
        description="Scorer that judges the re-sent transcript at verification; none: a reviewer.",
    )
    samples: int = Field(default=DEFAULT_SAMPLES, ge=1, le=MAX_SAMPLES, description="Sends per release.")
    system: str | None = Field(
        default=None,
        max_length=200,
        description="Configured system to reproduce on (default: the affected one).",
    )
    reporter_note: str = Field(
        default="", max_length=5000, description="What the reporter reads on their status page."
    )


class ReplyRequest(BaseModel):
    """Words for the reporter's status page."""

    note: str = Field(min_length=1, max_length=5000, description="What the reporter reads.")


class StatusRequest(BaseModel):
    """An acknowledgement id and the status secret given with it."""

    id: str = Field(max_length=60, description="Acknowledgement id.")
    secret: str = Field(max_length=200, description="Status secret shown once at submission.")


async def _submit(ctx: Ctx, request: Request, report: IntakeReport) -> Acknowledgement:
    client = client_address(request)
    return await run_in_threadpool(
        lambda: intake.submit(
            ctx.store, ctx.settings, report, client=client, embed=ctx.state.embed, secret=ctx.state.secret
        )
    )


def _status_throttle(request: Request, ctx: Ctx) -> StatusThrottle:
    state = request.app.state
    if getattr(state, "intake_status_throttle", None) is None:
        state.intake_status_throttle = StatusThrottle(ctx.settings)
    throttle: StatusThrottle = state.intake_status_throttle
    return throttle


async def _status(ctx: Ctx, request: Request, body: StatusRequest) -> ReportStatus:
    """The look-up comes first (the right id and secret are always answered); only misses are limited."""
    try:
        return await run_in_threadpool(
            lambda: intake.report_status(ctx.store, submission_id=body.id, secret=body.secret)
        )
    except StatusNotFoundError:
        _status_throttle(request, ctx).missed(client_address(request))
        raise


def _choices() -> dict[str, Any]:
    return {
        "categories": list(IntakeCategory),
        "severities": list(SeverityClaim),
        "surfaces": list(AccessSurface),
        "preferences": list(DisclosurePreference),
    }


@router.get("/intake", name="intake.form", include_in_schema=False)
def intake_page(request: Request, ctx: Context) -> HTMLResponse:
    """The public page where outside researchers report a failure."""
    return page(request, ctx, "intake.html", config=ctx.settings.config.intake, ack=None, **_choices())


@router.post("/intake", name="intake.submit", include_in_schema=False)
async def intake_form(
    request: Request,
    ctx: Context,
    reporter_contact: Short,
    affected_system: Short,
    affected_version: Short,
    category: Annotated[IntakeCategory, Form()],
    title: Short,
    reproduction_steps: Long,
    credit_name: Short = "",
    access_surface: Annotated[AccessSurface, Form()] = AccessSurface.API,
    transcript: Long = "",
    reproducibility: Short = "",
    impact: Long = "",
    severity_claim: Annotated[SeverityClaim, Form()] = SeverityClaim.MEDIUM,
    disclosure_preference: Annotated[DisclosurePreference, Form()] = DisclosurePreference.COORDINATED,
    planned_disclosure: Annotated[str, Form(max_length=10)] = "",
    accept_terms: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    """Receive a report and show its acknowledgement id and disclosure date."""
    report = IntakeReport.model_validate(
        {
            "reporter_contact": reporter_contact,
            "credit_name": credit_name,
            "affected_system": affected_system,
            "affected_version": affected_version,
            "access_surface": access_surface,
            "category": category,
            "title": title,
            "reproduction_steps": reproduction_steps,
            "transcript": transcript,
            "reproducibility": reproducibility,
            "impact": impact,
            "severity_claim": severity_claim,
            "disclosure_preference": disclosure_preference,
            "planned_disclosure": planned_disclosure or None,
            "accept_terms": accept_terms,
        }
    )
    ack = await _submit(ctx, request, report)
    return page(request, ctx, "intake.html", config=ctx.settings.config.intake, ack=ack, **_choices())


@router.post("/api/intake", name="api.intake.submit", status_code=201)
async def intake_api(request: Request, ctx: Context, report: IntakeReport) -> Acknowledgement:
    """Report a failure (no account needed); rate and size limited per client address."""
    return await _submit(ctx, request, report)


@router.get("/report/status", name="report.status.form", include_in_schema=False)
def status_page(request: Request, ctx: Context) -> HTMLResponse:
    """The public page where a reporter looks up their report with its id and secret."""
    return page(request, ctx, "report_status.html", view=None, error=None)


@router.post("/report/status", name="report.status", include_in_schema=False)
async def status_form(
    request: Request,
    ctx: Context,
    id: Annotated[str, Form(max_length=60)],
    secret: Annotated[str, Form(max_length=200)],
) -> HTMLResponse:
    """The report's status, triage's words for the reporter and the disclosure date (sent by POST, so
    the secret stays out of addresses and logs)."""
    try:
        view = await _status(ctx, request, StatusRequest(id=id, secret=secret))
    except StatusNotFoundError as exc:
        return page(request, ctx, "report_status.html", view=None, error=str(exc), code=404)
    return page(request, ctx, "report_status.html", view=view, error=None)


@router.post("/api/report/status", name="api.report.status")
async def status_api(request: Request, ctx: Context, body: StatusRequest) -> ReportStatus:
    """A report's status for its reporter (no account needed): an unknown id and a wrong secret get the
    same 404; misses are rate limited per client address like submissions."""
    return await _status(ctx, request, body)


def _queue(ctx: Ctx, status: IntakeStatus | None) -> list[QueueEntry]:
    ner = ctx.settings.config.privacy.ner
    return intake_triage.queue(ctx.store, status=status.value if status else None, ner=ner)


def _show(ctx: Ctx, sub_id: str) -> SubmissionPage:
    entry = intake_triage.entry(ctx.store, sub_id, ner=ctx.settings.config.privacy.ner)
    transcript = content.intake_transcript(ctx.store, ctx.settings, submission_id=sub_id, viewer=ctx.name)
    return SubmissionPage(entry=entry, transcript=transcript)


def _triage(ctx: Ctx, sub_id: str, body: TriageRequest) -> QueueEntry:
    return intake_triage.triage(
        ctx.store,
        ctx.settings,
        submission_id=sub_id,
        decision=body.decision,
        user=ctx.name,
        note=body.note,
        threat_id=body.threat_id,
        likelihood=body.likelihood,
        impact=body.impact,
        duplicate_of=body.duplicate_of,
        scorer=body.scorer or None,
        samples=body.samples,
        system=body.system or None,
        reporter_note=body.reporter_note,
    )


def _reply(ctx: Ctx, sub_id: str, body: ReplyRequest) -> QueueEntry:
    return intake_triage.reply(ctx.store, ctx.settings, submission_id=sub_id, user=ctx.name, note=body.note)


@router.get("/intake/queue", name="intake.queue", include_in_schema=False)
def queue_page(
    request: Request, ctx: Context, status: IntakeStatus | None = IntakeStatus.RECEIVED
) -> HTMLResponse:
    """The triage queue, with each report's suggested duplicate and disclosure clock."""
    return page(
        request,
        ctx,
        "intake_queue.html",
        entries=_queue(ctx, status),
        status=status,
        statuses=list(IntakeStatus),
        today=date.today(),
    )


@router.get("/api/intake/queue", name="api.intake.queue")
def queue_api(ctx: Context, status: IntakeStatus | None = None) -> list[QueueEntry]:
    """The triage queue, newest first."""
    return _queue(ctx, status)


@router.get("/intake/queue/{sub_id}", name="intake.show", include_in_schema=False)
def show_page(request: Request, ctx: Context, sub_id: str) -> HTMLResponse:
    """One report, its clock, and the triage form."""
    return page(
        request,
        ctx,
        "intake_show.html",
        view=_show(ctx, sub_id),
        threats=sorted(load_threats(ctx.settings)),
        likelihoods=list(Likelihood),
        impacts=list(Impact),
        decisions=list(IntakeDecision),
        scorers=plugins.names("redline.scorers"),
        systems=[x.name for x in ctx.settings.config.systems],
        samples=DEFAULT_SAMPLES,
    )


@router.get("/api/intake/queue/{sub_id}", name="api.intake.show")
def show_api(ctx: Context, sub_id: str) -> SubmissionPage:
    """One report with its clock; the transcript is withheld until consent."""
    return _show(ctx, sub_id)


@router.post("/intake/queue/{sub_id}/triage", name="intake.triage", include_in_schema=False)
def triage_form(
    request: Request,
    ctx: Context,
    sub_id: str,
    decision: Annotated[IntakeDecision, Form()],
    note: Annotated[str, Form(max_length=5000)] = "",
    threat_id: Annotated[str, Form(max_length=200)] = "",
    likelihood: Annotated[Likelihood, Form()] = Likelihood.POSSIBLE,
    impact: Annotated[Impact, Form()] = Impact.MODERATE,
    duplicate_of: Annotated[str, Form(max_length=40)] = "",
    scorer: Annotated[str, Form(max_length=200)] = "",
    samples: Annotated[int, Form(ge=1, le=MAX_SAMPLES)] = DEFAULT_SAMPLES,
    system: Annotated[str, Form(max_length=200)] = "",
    reporter_note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Accept, mark as duplicate, or reject."""
    body = TriageRequest(
        decision=decision,
        note=note,
        threat_id=threat_id or None,
        likelihood=likelihood,
        impact=impact,
        duplicate_of=duplicate_of or None,
        scorer=scorer or None,
        samples=samples,
        system=system or None,
        reporter_note=reporter_note,
    )
    entry = _triage(ctx, sub_id, body)
    if entry.submission.finding_id:
        return redirect(request, f"/findings/{entry.submission.finding_id}", flash="candidate finding opened")
    return redirect(request, "/intake/queue", flash=f"{sub_id}: {entry.submission.status}")


@router.post("/api/intake/queue/{sub_id}/triage", name="api.intake.triage")
def triage_api(ctx: Context, sub_id: str, body: TriageRequest) -> QueueEntry:
    """Accept as a candidate finding, mark as duplicate of a finding, or reject (audited)."""
    return _triage(ctx, sub_id, body)


@router.post("/intake/queue/{sub_id}/reply", name="intake.reply", include_in_schema=False)
def reply_form(
    request: Request, ctx: Context, sub_id: str, note: Annotated[str, Form(max_length=5000)]
) -> Response:
    """Write to the reporter's status page."""
    _reply(ctx, sub_id, ReplyRequest(note=note))
    return redirect(request, f"/intake/queue/{sub_id}", flash="the reporter's status page shows your words")


@router.post("/api/intake/queue/{sub_id}/reply", name="api.intake.reply")
def reply_api(ctx: Context, sub_id: str, body: ReplyRequest) -> QueueEntry:
    """Write to the reporter: their status page shows these words (audited)."""
    return _reply(ctx, sub_id, body)
