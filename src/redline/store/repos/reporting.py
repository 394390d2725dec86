"""Read-only queries that only reports need: what a report covers, sign-offs, people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError, UsageError
from redline.core.evidence import Evidence
from redline.core.findings import Finding
from redline.core.mitigations import Mitigation
from redline.core.rounds import Round
from redline.core.systems import Release, System
from redline.core.users import User
from redline.store.repos import evidence as evidence_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import mitigations as mitigations_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos import users as users_repo
from redline.store.tables import ReleaseRow

Sourced = dict[str, tuple[Round, Evidence]]


def resolve_release(session: Session, ref: str) -> Release:
    """A release from its id, 'system@version', or a version label that only one system uses."""
    if session.get(ReleaseRow, ref) is not None:
        return systems_repo.get_release(session, ref)
    if "@" in ref:
        system, _, version = ref.partition("@")
        return systems_repo.find_release(session, system=system, version=version)
    ids = session.scalars(select(ReleaseRow.id).where(ReleaseRow.version == ref)).all()
    if not ids:
        raise NotFoundError(f"no release '{ref}'; name it by id or as SYSTEM@VERSION")
    if len(ids) > 1:
        raise UsageError(f"release '{ref}' exists for several systems; name it as SYSTEM@VERSION")
    return systems_repo.get_release(session, ids[0])


def get_release_or_none(session: Session, release_id: str | None) -> Release | None:
    """The release of that id, or None when the id is None (a round run without a release)."""
    return systems_repo.get_release(session, release_id) if release_id else None


def system_of(session: Session, release: Release) -> System:
    """The system a release belongs to."""
    for system in systems_repo.list_systems(session):
        if system.id == release.system_id:
            return system
    raise NotFoundError(f"no system with id '{release.system_id}'")


def round_sourced(session: Session, rnd: Round) -> Sourced:
    """Per threat, one round's evidence with the round it comes from."""
    return {ev.threat_id: (rnd, ev) for ev in evidence_repo.round_evidence(session, rnd.id)}


def release_sourced(session: Session, release_id: str) -> Sourced:
    """Per threat, the release's evidence (its newest finished round that tested it) with that round."""
    found = evidence_repo.release_evidence(session, release_id)
    rounds = {rid: rounds_repo.get_round(session, rid) for rid in {s.round_id for s in found}}
    return {s.evidence.threat_id: (rounds[s.round_id], s.evidence) for s in found}


def release_rounds(session: Session, release_id: str) -> list[Round]:
    """The finished rounds of a release that a release report draws on, newest first."""
    return [rounds_repo.get_round(session, rid) for rid in evidence_repo.release_rounds(session, release_id)]


def findings_in_scope(session: Session, *, release_id: str | None, round_ids: Sequence[str]) -> list[Finding]:
    """Findings raised by the rounds or recorded against the release, highest risk first."""
    wanted = set(round_ids)
    return [
        f
        for f in findings_repo.list_findings(session)
        if (release_id is not None and f.release_id == release_id) or (f.round_id in wanted)
    ]


def mitigations_for(session: Session, finding_ids: Sequence[str]) -> list[Mitigation]:
    """Mitigations linked to any of the findings, oldest first."""
    wanted = set(finding_ids)
    return [m for m in mitigations_repo.list_mitigations(session) if m.finding_id in wanted]


def people(session: Session) -> list[User]:
    """Every account (names, emails and roles), so reports can replace names by roles."""
    return users_repo.list_users(session)
