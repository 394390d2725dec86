"""Content digests of a round's records, shared by the method appendix and the replication bundle."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.core.ids import content_hash
from redline.store.repos import rounds as rounds_repo


class RoundRecords(BaseModel):
    """A round's cases, attempts and scores as JSON records, in their canonical order."""

    model_config = ConfigDict(frozen=True)

    cases: list[dict[str, Any]] = Field(description="AttackCase records in planned order.")
    attempts: list[dict[str, Any]] = Field(description="Attempt records in (case, turn) order.")
    scores: list[dict[str, Any]] = Field(description="{'attempt_id', 'score'} records in stored order.")


class RoundDigests(BaseModel):
    """SHA-256 digests that tie a report's numbers to the exact records behind them."""

    model_config = ConfigDict(frozen=True)

    cases: str = Field(description="Digest of the case records.")
    responses: str = Field(description="Digest of the attempt records (requests and responses).")
    scores: str = Field(description="Digest of the score records.")


def digest_records(records: Iterable[Any]) -> str:
    """SHA-256 over the content hashes of records, in order: one record changed changes the digest."""
    h = hashlib.sha256()
    for record in records:
        h.update(content_hash(record).encode("ascii"))
        h.update(b"\n")
    return h.hexdigest()


def score_record(attempt_id: str, score: BaseModel) -> dict[str, Any]:
    """The JSON record of one score of one attempt."""
    return {"attempt_id": attempt_id, "score": score.model_dump(mode="json")}


def round_records(session: Session, round_id: str) -> RoundRecords:
    """Read a round's records from the store as JSON, the form they are hashed and exported in."""
    return RoundRecords(
        cases=[c.model_dump(mode="json") for c in rounds_repo.list_cases(session, round_id)],
        attempts=[a.model_dump(mode="json") for a in rounds_repo.list_attempts(session, round_id)],
        scores=[score_record(aid, s) for aid, s in rounds_repo.list_scores(session, round_id)],
    )


def digests_of(records: RoundRecords) -> RoundDigests:
    """The digests of a round's records."""
    return RoundDigests(
        cases=digest_records(records.cases),
        responses=digest_records(records.attempts),
        scores=digest_records(records.scores),
    )
