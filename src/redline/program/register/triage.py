"""Triage of the risk register: owners, effort, due dates, status moves, comments, links and post-mortems.

Who may do what is one table; accepting a risk needs the committee (settings.decision_rights).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from redline.config.settings import Settings
from redline.core.errors import UsageError
from redline.core.register.findings import (
    Finding,
    FindingStatus,
    check_duplicate,
    closing_needs_acceptors,
    needs_note,
)
from redline.core.register.revisits import RiskAcceptance, review_date
from redline.core.register.triage import FindingDossier, FindingLink, PostMortem, RootCause
from redline.program.people.actors import authorize
from redline.program.people.permissions import (
    FINDING_LEADS,
    FINDING_MOVERS,
    FINDING_WRITERS,
    POSTMORTEM_WRITERS,
)
from redline.program.register.escalations import follow_finding
from redline.scorers.masking import Masker
from redline.store.repos import findings as findings_repo
from redline.store.repos import revisits as revisits_repo
from redline.store.session import Store

S = FindingStatus


def triage(
    store: Store,
    settings: Settings,
    *,
    finding_id: str,
    user: str | None,
    owner: str | None = None,
    effort: str | None = None,
    due: date | None = None,
) -> Finding:
    """Set owner, effort and due date; a new finding moves to triaged (its due date stays the SLA's)."""
    with store.session() as session:
        who = authorize(session, user, FINDING_LEADS, action="triage findings")
        finding = findings_repo.triage(
            session, finding_id, owner=owner, effort=effort, due=due, actor=who.name
        )
        if finding.status in (S.NEW, S.REOPENED):
            finding = findings_repo.move(session, finding_id, S.TRIAGED, actor=who.name, note="triaged")
        return finding


def move(
    store: Store,
    settings: Settings,
    *,
    finding_id: str,
    status: FindingStatus,
    user: str | None,
    note: str = "",
    duplicate_of: str | None = None,
    review_by: date | None = None,
) -> Finding:
    """Move a finding along the status machine, if the acting user's role allows that status.

    Marking a duplicate names the finding it repeats (`duplicate_of`): same threat, at least the same
    risk, not itself a duplicate (`core.register.findings.check_duplicate`). Accepting a risk records its
    review date (`review_by`, default triage.acceptance_review_days from today): then the acceptance expires.
    """
    if review_by is not None and status is not S.ACCEPTED_RISK:
        raise UsageError("a review date goes with accepting a risk (status accepted_risk)")
    revisit = settings.config.triage.acceptance_review_days
    today = datetime.now(UTC).date()
    until = review_date(today, days=revisit, review_by=review_by) if status is S.ACCEPTED_RISK else None
    if status is S.VERIFIED:
        raise UsageError(
            "a finding is verified by re-running its evidence: 'redline finding verify ID --release R'"
        )
    if needs_note(status) and not note.strip():
        why = "accepting a risk needs a justification" if status is S.ACCEPTED_RISK else "say why"
        raise UsageError(f"moving a finding to {status.value} needs a note ({why}): pass --note")
    acceptors = frozenset(settings.config.decision_rights.risk_acceptors)
    if status is S.ACCEPTED_RISK:
        roles = acceptors
        action = "accept a finding's risk (a committee sign-off)"
    else:
        roles = FINDING_MOVERS.get(status, FINDING_LEADS)
        action = f"move findings to {status.value}"
    if status is S.DUPLICATE and not (duplicate_of or "").strip():
        raise UsageError("marking a duplicate names the finding it repeats: pass --duplicate-of ID")
    with store.session() as session:
        current = findings_repo.get_finding(session, finding_id)
        if status is S.DUPLICATE and duplicate_of:
            check_duplicate(current, findings_repo.get_finding(session, duplicate_of.strip()))
            note = f"duplicate of {duplicate_of.strip()}: {note.strip()}"
        if closing_needs_acceptors(current.status, current.risk, status):
            roles = acceptors
            action = (
                f"close an unfixed {current.risk.value} finding (a risk acceptance: "
                "its risk acceptors may, or fix and verify it first)"
            )
        who = authorize(session, user, roles, action=action)
        moved = findings_repo.move(session, finding_id, status, actor=who.name, note=note)
        follow_finding(session, moved, actor=who.name)
        if until is not None:
            revisits_repo.add_acceptance(
                session, finding_id=finding_id, review_by=until, accepted_by=who.name, note=note
            )
        return moved


def comment(store: Store, *, finding_id: str, text: str, user: str | None) -> None:
    """Add a comment."""
    if not text.strip():
        raise UsageError("a comment needs some text")
    with store.session() as session:
        who = authorize(session, user, FINDING_WRITERS, action="comment on findings")
        findings_repo.comment(session, finding_id, text, actor=who.name)


def link(store: Store, *, finding_id: str, link: FindingLink, user: str | None) -> None:
    """Link a finding to the design choice, component or ticket at fault."""
    with store.session() as session:
        who = authorize(session, user, FINDING_WRITERS, action="link findings")
        findings_repo.get_finding(session, finding_id)
        findings_repo.add_link(session, finding_id, link, actor=who.name)


def postmortem(
    store: Store,
    *,
    finding_id: str,
    user: str | None,
    what_happened: str | None = None,
    why_missed: str | None = None,
    changes: tuple[str, ...] | None = None,
    root_cause: RootCause | None = None,
    owner: str | None = None,
    held_on: date | None = None,
) -> PostMortem:
    """Record or edit a finding's post-mortem: what failed, why (a root-cause category and free text),
    what changes in the process, who owns that, and when it was held.

    Fields left as None keep the recorded post-mortem's values, so one field can be edited alone; a first
    post-mortem needs what failed and why.
    """
    with store.session() as session:
        who = authorize(session, user, POSTMORTEM_WRITERS, action="write post-mortems")
        before = findings_repo.dossier(session, finding_id).postmortem
        fields: dict[str, Any] = before.model_dump() if before is not None else {}
        given = {
            "what_happened": what_happened,
            "why_missed": why_missed,
            "root_cause": root_cause,
            "changes": changes,
            "owner": owner,
            "held_on": held_on,
        }
        fields.update({k: v for k, v in given.items() if v is not None})
        what = str(fields.get("what_happened", "")).strip()
        why = str(fields.get("why_missed", "")).strip()
        if not what or not why:
            raise UsageError(
                f"a post-mortem of {finding_id} needs what failed and why: pass --what and --why"
            )
        record = PostMortem(
            what_happened=what,
            why_missed=why,
            root_cause=fields.get("root_cause"),
            changes=tuple(c.strip() for c in fields.get("changes", ()) if c.strip()),
            owner=str(fields.get("owner", "")).strip(),
            held_on=fields.get("held_on"),
            author=who.name,
            at=datetime.now(UTC),
        )
        findings_repo.set_postmortem(session, finding_id, record, actor=who.name)
        return record


def acceptance(store: Store, finding_id: str) -> RiskAcceptance | None:
    """The acceptance in force of a finding whose risk is accepted (its review date), else None."""
    with store.session() as session:
        finding = findings_repo.get_finding(session, finding_id)
        if finding.status is not S.ACCEPTED_RISK:
            return None
        return revisits_repo.current_acceptances(session, [finding_id]).get(finding_id)


def show(store: Store, finding_id: str, *, masked: bool = True, ner: bool = True) -> FindingDossier:
    """Everything held about one finding; personal data in its kept failing prompts masked unless
    `masked` is False (callers check clearance and audit first: `program.people.privacy.authorize_unmask`)."""
    with store.session() as session:
        dossier = findings_repo.dossier(session, finding_id)
    if not masked or not dossier.exemplars:
        return dossier
    masker = Masker(ner=ner)
    return dossier.model_copy(update={"exemplars": tuple(masker.text(t) for t in dossier.exemplars)})


def register(
    store: Store,
    *,
    status: FindingStatus | None = None,
    open_only: bool = False,
    release_id: str | None = None,
) -> list[Finding]:
    """The risk register, highest risk first."""
    from redline.core.register.findings import OPEN_STATUSES

    with store.session() as session:
        return findings_repo.list_findings(
            session,
            status=status,
            statuses=OPEN_STATUSES if open_only else None,
            release_id=release_id,
        )
