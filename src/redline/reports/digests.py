"""Content digests of a round's records, shared by the method appendix and the replication bundle."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.core.ids import content_hash
from redline.store.repos import reporting
from redline.store.repos import rounds as rounds_repo


class RoundDigests(BaseModel):
    """SHA-256 digests that tie a report's numbers to the exact records behind them."""

    model_config = ConfigDict(frozen=True)

    cases: str = Field(description="Digest of the case records, in planned order.")
    responses: str = Field(
        description="Digest of the attempt records (requests and responses), by case and turn."
    )
    scores: str = Field(description="Digest of the score records, in stored order.")


class Digest:
    """A digest built one record at a time: SHA-256 over the content hashes of records, in order."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def add(self, record: Any) -> str:
        """Take one record; returns its own content hash."""
        one = content_hash(record)
        self._h.update(one.encode("ascii") + b"\n")
        return one

    def hexdigest(self) -> str:
        """The digest so far."""
        return self._h.hexdigest()


def digest_records(records: Iterable[Any]) -> str:
    """The digest of records in order: one record changed changes the digest."""
    digest = Digest()
    for record in records:
        digest.add(record)
    return digest.hexdigest()


def round_digests(session: Session, round_id: str) -> RoundDigests:
    """The digests of a round's records as the store holds them, streamed in batches.

    Hashing every record of a large round takes minutes, so a finished round keeps its digests
    (`rounds.cached_aggregate`: dropped when a record of the round is written, recomputed when the
    round finishes again); a running round's are computed each time.
    """

    def compute() -> dict[str, str]:
        return RoundDigests(
            cases=digest_records(reporting.iter_case_records(session, round_id)),
            responses=digest_records(reporting.iter_attempt_records(session, round_id)),
            scores=digest_records(reporting.iter_score_records(session, round_id)),
        ).model_dump()

    return RoundDigests.model_validate(rounds_repo.cached_aggregate(session, round_id, "digests", compute))
