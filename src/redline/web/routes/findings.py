"""The findings triage board and each finding's page: evidence, owner, effort, due date, status, comments."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import UsageError
from redline.core.register.findings import OPEN_STATUSES, TRANSITIONS, Finding, FindingStatus
from redline.core.register.mitigations import Mitigation, MitigationType
from redline.core.register.revisits import RiskAcceptance
from redline.core.register.risk import RiskLevel
from redline.core.register.triage import FindingDossier, PostMortem, RootCause
from redline.program.channels.trackers import TrackerLink
from redline.program.channels.trackers import links as tracker_links
from redline.program.people import content
from redline.program.people.content import Exchange
from redline.program.people.users import list_users
from redline.program.register import mitigations as mitigations_program
from redline.program.register import triage as triage_program
from redline.program.register.findings import Remedies, remedies
from redline.program.register.mitigations import AuthorisationView, VerificationReport
from redline.web.deps import Ctx, guard
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Text = Annotated[str, Form(max_length=10_000)]


class FindingPage(BaseModel):
    """A finding with its evidence, exchanges (flagged text withheld until consent) and mitigations."""

    model_config = ConfigDict(frozen=True)

    dossier: FindingDossier
    mitigations: tuple[Mitigation, ...] = ()
    exemplars: tuple[Exchange, ...] = ()
    exchanges: tuple[Exchange, ...] = ()
    next_statuses: tuple[FindingStatus, ...] = Field(default=(), description="Statuses it may move to.")
    remedies: Remedies | None = Field(
        default=None, description="Expected and proposed mitigations, and the reproducible case."
    )
    trackers: tuple[TrackerLink, ...] = Field(default=(), description="Its issues in trackers.")
    acceptance: RiskAcceptance | None = Field(
        default=None, description="Its risk acceptance and review date, while the risk is accepted."
    )
    review_days: int = Field(default=90, description="Days an acceptance holds when no date is given.")


class TriageRequest(BaseModel):
    """Owner, effort and due date; fields left out stay as they are."""

    owner: str | None = Field(default=None, max_length=200)
    effort: str | None = Field(default=None, max_length=50, description="E.g. 'S', 'M', '3d'.")
    due: date | None = None


class MoveRequest(BaseModel):
    """A status move with its note (accepting a risk, closing and marking duplicate need one)."""

    status: FindingStatus
    note: str = Field(default="", max_length=5000)
    duplicate_of: str | None = Field(
        default=None, max_length=40, description="The finding it repeats, when marking a duplicate."
    )
    review_by: date | None = Field(
        default=None,
        description="Accepting a risk: the day it expires (default: triage.acceptance_review_days).",
    )


class CommentRequest(BaseModel):
    """A comment."""

    text: str = Field(min_length=1, max_length=10_000)


class PostMortemRequest(BaseModel):
    """A post-mortem, or an edit of one: fields left out keep the recorded values (a first one needs
    what failed and why)."""

    what_happened: str | None = Field(default=None, max_length=10_000, description="What failed.")
    why_missed: str | None = Field(
        default=None, max_length=10_000, description="Why it failed and why the process let it through."
    )
    root_cause: RootCause | None = Field(default=None, description="Root-cause category.")
    changes: tuple[str, ...] | None = Field(
        default=None, max_length=50, description="Process changes decided (replace the recorded ones)."
    )
    owner: str | None = Field(default=None, max_length=200, description="Who owns the process changes.")
    held_on: date | None = Field(default=None, description="When the post-mortem was held.")


class MitigationRequest(BaseModel):
    """A mitigation linked to the finding."""

    type: MitigationType
    description: str = Field(min_length=1, max_length=10_000)
    owner: str | None = Field(default=None, max_length=200)


def _board(
    ctx: Ctx, status: FindingStatus | None, risk: RiskLevel | None, owner: str | None, open_only: bool
) -> list[Finding]:
    found = triage_program.register(ctx.store, status=status, open_only=open_only and status is None)
    return [f for f in found if (risk is None or f.risk is risk) and (not owner or f.owner == owner)]


def _day(text: str, field: str) -> date | None:
    """A form's optional YYYY-MM-DD field."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{field} must be a date YYYY-MM-DD, not '{text.strip()}'") from None


def _movable(status: FindingStatus) -> frozenset[FindingStatus]:
    """Statuses a person may move to (verified comes only from a verification re-run)."""
    return TRANSITIONS[status] - {FindingStatus.VERIFIED}


def _detail(ctx: Ctx, finding_id: str) -> FindingPage:
    dossier = triage_program.show(ctx.store, finding_id, ner=ctx.settings.config.privacy.ner)
    return FindingPage(
        dossier=dossier,
        mitigations=tuple(mitigations_program.list_for(ctx.store, finding_id=finding_id)),
        exemplars=tuple(
            content.finding_exemplars(ctx.store, ctx.settings, finding_id=finding_id, viewer=ctx.name)
        ),
        exchanges=tuple(
            content.finding_exchanges(ctx.store, ctx.settings, finding_id=finding_id, viewer=ctx.name)
        ),
        next_statuses=tuple(s for s in FindingStatus if s in _movable(dossier.finding.status)),
        remedies=remedies(ctx.store, ctx.settings, finding_id),
        trackers=tuple(tracker_links(ctx.store, finding_id)),
        acceptance=triage_program.acceptance(ctx.store, finding_id),
        review_days=ctx.settings.config.triage.acceptance_review_days,
    )


@router.get("/findings", name="findings.list", include_in_schema=False)
def board_page(
    request: Request,
    ctx: Context,
    status: FindingStatus | None = None,
    risk: RiskLevel | None = None,
    owner: Annotated[str | None, Query(max_length=200)] = None,
    all: bool = False,
) -> HTMLResponse:
    """The triage board: open findings by status column, highest risk first, with filters."""
    found = _board(ctx, status, risk, owner, not all)
    columns = [s for s in FindingStatus if (status is None and (all or s in OPEN_STATUSES)) or s is status]
    filters = {"status": status, "risk": risk, "owner": owner or "", "all": all}
    return page(
        request,
        ctx,
        "findings.html",
        findings=found,
        columns=columns,
        filters=filters,
        statuses=list(FindingStatus),
        risks=list(RiskLevel),
    )


@router.get("/api/findings", name="api.findings.list")
def board_api(
    ctx: Context,
    status: FindingStatus | None = None,
    risk: RiskLevel | None = None,
    owner: Annotated[str | None, Query(max_length=200)] = None,
    all: bool = False,
) -> list[Finding]:
    """The register, highest risk first; open findings unless `all` or a status is given."""
    return _board(ctx, status, risk, owner, not all)


@router.get("/findings/{finding_id}", name="findings.show", include_in_schema=False)
def finding_page(request: Request, ctx: Context, finding_id: str) -> HTMLResponse:
    """A finding: evidence, exchanges, notes, links, mitigations, and the triage forms."""
    with ctx.store.session() as session:
        people = [u.name for u in list_users(session)]
    return page(
        request,
        ctx,
        "finding.html",
        view=_detail(ctx, finding_id),
        people=people,
        mitigation_types=list(MitigationType),
        root_causes=list(RootCause),
    )


@router.get("/api/findings/{finding_id}", name="api.findings.show")
def finding_api(ctx: Context, finding_id: str) -> FindingPage:
    """A finding with its evidence and mitigations."""
    return _detail(ctx, finding_id)


def _triage(ctx: Ctx, finding_id: str, body: TriageRequest) -> Finding:
    return triage_program.triage(
        ctx.store,
        ctx.settings,
        finding_id=finding_id,
        user=ctx.name,
        owner=body.owner,
        effort=body.effort,
        due=body.due,
    )


@router.post("/findings/{finding_id}/triage", name="findings.triage", include_in_schema=False)
def triage_form(
    request: Request,
    ctx: Context,
    finding_id: str,
    owner: Annotated[str, Form(max_length=200)] = "",
    effort: Annotated[str, Form(max_length=50)] = "",
    due: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Set owner, effort and due date."""
    body = TriageRequest.model_validate(
        {"owner": owner or None, "effort": effort or None, "due": due or None}
    )
    _triage(ctx, finding_id, body)
    return redirect(request, f"/findings/{finding_id}", flash="triaged")


@router.post("/api/findings/{finding_id}/triage", name="api.findings.triage")
def triage_api(ctx: Context, finding_id: str, body: TriageRequest) -> Finding:
    """Set owner, effort and due date; a new finding moves to triaged."""
    return _triage(ctx, finding_id, body)


def _move(ctx: Ctx, finding_id: str, body: MoveRequest) -> Finding:
    return triage_program.move(
        ctx.store,
        ctx.settings,
        finding_id=finding_id,
        status=body.status,
        user=ctx.name,
        note=body.note,
        duplicate_of=body.duplicate_of,
        review_by=body.review_by,
    )


@router.post("/findings/{finding_id}/status", name="findings.move", include_in_schema=False)
def move_form(
    request: Request,
    ctx: Context,
    finding_id: str,
    status: Annotated[FindingStatus, Form()],
    note: Text = "",
    duplicate_of: Annotated[str, Form(max_length=40)] = "",
    review_by: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Move the finding to another status (accepting a risk: with its review date, or the default)."""
    body = MoveRequest(
        status=status, note=note, duplicate_of=duplicate_of or None, review_by=_day(review_by, "review_by")
    )
    moved = _move(ctx, finding_id, body)
    return redirect(request, f"/findings/{finding_id}", flash=f"moved to {moved.status.value}")


@router.post("/api/findings/{finding_id}/status", name="api.findings.move")
def move_api(ctx: Context, finding_id: str, body: MoveRequest) -> Finding:
    """Move the finding along its status machine."""
    return _move(ctx, finding_id, body)


@router.post("/findings/{finding_id}/comments", name="findings.comment", include_in_schema=False)
def comment_form(request: Request, ctx: Context, finding_id: str, text: Text) -> Response:
    """Add a comment."""
    triage_program.comment(ctx.store, finding_id=finding_id, text=text, user=ctx.name)
    return redirect(request, f"/findings/{finding_id}#notes", flash="comment added")


@router.post("/api/findings/{finding_id}/comments", name="api.findings.comment", status_code=204)
def comment_api(ctx: Context, finding_id: str, body: CommentRequest) -> Response:
    """Add a comment."""
    triage_program.comment(ctx.store, finding_id=finding_id, text=body.text, user=ctx.name)
    return Response(status_code=204)


def _postmortem(ctx: Ctx, finding_id: str, body: PostMortemRequest) -> PostMortem:
    return triage_program.postmortem(
        ctx.store,
        finding_id=finding_id,
        user=ctx.name,
        what_happened=body.what_happened,
        why_missed=body.why_missed,
        root_cause=body.root_cause,
        changes=body.changes,
        owner=body.owner,
        held_on=body.held_on,
    )


@router.post("/findings/{finding_id}/postmortem", name="findings.postmortem", include_in_schema=False)
def postmortem_form(
    request: Request,
    ctx: Context,
    finding_id: str,
    what_happened: Text,
    why_missed: Text,
    root_cause: Annotated[RootCause, Form()],
    changes: Text = "",
    owner: Annotated[str, Form(max_length=200)] = "",
    held_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Record or edit the post-mortem (one process change per line of `changes`)."""
    body = PostMortemRequest.model_validate(
        {
            "what_happened": what_happened,
            "why_missed": why_missed,
            "root_cause": root_cause,
            "changes": tuple(line.strip() for line in changes.splitlines() if line.strip()),
            "owner": owner,
            "held_on": held_on or None,
        }
    )
    _postmortem(ctx, finding_id, body)
    return redirect(request, f"/findings/{finding_id}#postmortem", flash="post-mortem saved")


@router.post("/api/findings/{finding_id}/postmortem", name="api.findings.postmortem")
def postmortem_api(ctx: Context, finding_id: str, body: PostMortemRequest) -> PostMortem:
    """Record or edit the post-mortem; fields left out keep the recorded values."""
    return _postmortem(ctx, finding_id, body)


def _mitigate(ctx: Ctx, finding_id: str, body: MitigationRequest) -> Mitigation:
    return mitigations_program.add(
        ctx.store,
        finding_id=finding_id,
        type=body.type,
        description=body.description,
        owner=body.owner,
        user=ctx.name,
    )


@router.post("/findings/{finding_id}/mitigations", name="findings.mitigate", include_in_schema=False)
def mitigate_form(
    request: Request,
    ctx: Context,
    finding_id: str,
    type: Annotated[MitigationType, Form()],
    description: Text,
    owner: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Link a mitigation."""
    _mitigate(ctx, finding_id, MitigationRequest(type=type, description=description, owner=owner or None))
    return redirect(request, f"/findings/{finding_id}#mitigations", flash="mitigation linked")


@router.post("/api/findings/{finding_id}/mitigations", name="api.findings.mitigate", status_code=201)
def mitigate_api(ctx: Context, finding_id: str, body: MitigationRequest) -> Mitigation:
    """Link a mitigation; a triaged finding moves to in progress."""
    return _mitigate(ctx, finding_id, body)


class VerifyRequest(BaseModel):
    """The release that ships the fix."""

    release: str = Field(min_length=1, max_length=200, description="SYSTEM@VERSION or release id.")


class VoteRequest(BaseModel):
    """A committee member's vote on authorising a mitigation."""

    approve: bool
    comment: str = Field(default="", max_length=5000, description="Why; required to reject.")


def _verify(ctx: Ctx, finding_id: str, body: VerifyRequest) -> VerificationReport:
    return mitigations_program.verify(
        ctx.store, ctx.settings, finding_id=finding_id, release=body.release, user=ctx.name
    )


@router.post("/findings/{finding_id}/verify", name="findings.verify", include_in_schema=False)
def verify_form(
    request: Request, ctx: Context, finding_id: str, release: Annotated[str, Form(max_length=200)]
) -> Response:
    """Verify the fix on a release: re-run the finding's cases (or its reproducible case)."""
    report = _verify(ctx, finding_id, VerifyRequest(release=release))
    result = report.verification.result
    flash = f"{result.outcome.value.replace('_', ' ')} on {report.release}: {result.detail}"
    return redirect(request, f"/findings/{finding_id}#mitigations", flash=flash[:300])


@router.post("/api/findings/{finding_id}/verify", name="api.findings.verify")
def verify_api(ctx: Context, finding_id: str, body: VerifyRequest) -> VerificationReport:
    """Verify the fix on a release; the finding and its mitigations move with the outcome."""
    return _verify(ctx, finding_id, body)


def _vote(ctx: Ctx, finding_id: str, mitigation_id: str, body: VoteRequest) -> AuthorisationView:
    return mitigations_program.vote(
        ctx.store,
        ctx.settings,
        finding_id=finding_id,
        mitigation_id=mitigation_id,
        user=ctx.name,
        approve=body.approve,
        comment=body.comment,
    )


@router.post(
    "/findings/{finding_id}/mitigations/{mitigation_id}/vote",
    name="findings.mitigation_vote",
    include_in_schema=False,
)
def vote_form(
    request: Request,
    ctx: Context,
    finding_id: str,
    mitigation_id: str,
    approve: Annotated[bool, Form()],
    comment: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Authorise or reject a proposed mitigation."""
    view = _vote(ctx, finding_id, mitigation_id, VoteRequest(approve=approve, comment=comment))
    flash = f"{mitigation_id}: {view.mitigation.status.value} ({view.approvals} of {view.needed} approvals)"
    return redirect(request, f"/findings/{finding_id}#mitigations", flash=flash)


@router.post(
    "/api/findings/{finding_id}/mitigations/{mitigation_id}/vote", name="api.findings.mitigation_vote"
)
def vote_api(ctx: Context, finding_id: str, mitigation_id: str, body: VoteRequest) -> AuthorisationView:
    """Vote on authorising a proposed mitigation: the quorum authorises, one rejection rejects."""
    return _vote(ctx, finding_id, mitigation_id, body)
