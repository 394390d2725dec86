"""Content digests of a round's records, shared by the method appendix and the replication bundle."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.core.ids import Digest as Digest
from redline.core.ids import digest_records as digest_records
from redline.store.repos import reporting


class RoundDigests(BaseModel):
    """SHA-256 digests that tie a report's numbers to the exact records behind them."""

    model_config = ConfigDict(frozen=True)

    cases: str = Field(description="Digest of the case records, in planned order.")
    responses: str = Field(
        description="Digest of the attempt records (requests and responses), by case and turn."
    )
    scores: str = Field(description="Digest of the score records, in stored order.")


def round_digests(session: Session, round_id: str) -> RoundDigests:
    """The digests of a round's records as the store holds them, streamed in batches.

    Hashing every record of a large round takes minutes, so a finished round keeps its digests
    (`reporting.kept_record_digests`: computed when the engine finishes the round or on the first
    report, dropped when a record of the round is written); a running round's are computed each time.
    """
    return RoundDigests.model_validate(reporting.kept_record_digests(session, round_id))
