"""Verification re-runs in reports: each with its two parts, the original cases and the fresh variants."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from redline.reports.model import VerificationEntry
from redline.store.repos import mitigations as mitigations_repo
from redline.store.repos import systems as systems_repo


def verification_entries(session: Session, finding_ids: Sequence[str]) -> tuple[VerificationEntry, ...]:
    """The verification re-runs of the findings in scope, oldest first."""
    wanted = set(finding_ids)
    out: list[VerificationEntry] = []
    for v in mitigations_repo.list_verifications(session):
        if v.finding_id not in wanted:
            continue
        release = systems_repo.get_release(session, v.release_id)
        result, fresh = v.result, v.result.fresh
        out.append(
            VerificationEntry(
                id=v.id,
                finding_id=v.finding_id,
                release=release.version,
                outcome=v.outcome,
                before=result.before.describe(),
                original_outcome=result.original or v.outcome,
                original_round_id=v.round_id,
                original_cases=v.cases,
                original_after=result.after.describe(),
                fresh_outcome=fresh.outcome if fresh is not None else None,
                fresh_round_id=v.fresh_round_id,
                fresh_cases=v.fresh_cases,
                fresh_after=fresh.after.describe() if fresh is not None else None,
                variants=dict(v.variants),
            )
        )
    return tuple(out)
