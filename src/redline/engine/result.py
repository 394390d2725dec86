"""What a round produced: counts, errors by kind, and per-threat evidence computed from stored scores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.evidence import Evidence, evidence_from_counted, evidence_from_outcomes
from redline.core.runs.rounds import Round, RoundStatus
from redline.engine.events import ProgressSnapshot
from redline.store.repos import rounds as rounds_repo
from redline.store.session import Store

if TYPE_CHECKING:
    from redline.attacks.configuration_shift import ConfigurationShift

UNCLASSIFIED = "unclassified"


class RoundResult(BaseModel):
    """The outcome of one invocation of a round, with the round's totals as stored."""

    model_config = ConfigDict(frozen=True)

    round_id: str
    status: RoundStatus
    resumed: bool = Field(default=False, description="This invocation continued an earlier one.")
    stopped_reason: str | None = Field(default=None, description="The budget that stopped the round.")
    spec_hash: str | None = None
    cases: int = Field(default=0, description="Cases recorded for the round.")
    attempts: int = Field(default=0, description="Attempts stored for the round, all invocations.")
    errors: dict[str, int] = Field(default_factory=dict, description="Stored error outcomes by kind.")
    evidence: tuple[Evidence, ...] = Field(default=(), description="Failure rates per threat, with CIs.")
    run: ProgressSnapshot = Field(description="Counters of this invocation (requests, cache hits, ...).")
    wall_s: float = Field(default=0.0, description="Wall time of this invocation in seconds.")

    @property
    def error_count(self) -> int:
        """Stored error outcomes, all kinds."""
        return sum(self.errors.values())


class RoundSummary(BaseModel):
    """A round's stored totals, for `round show` and `round status`."""

    model_config = ConfigDict(frozen=True)

    round: Round
    cases: int
    attempts: int
    errors: dict[str, int]
    evidence: tuple[Evidence, ...]


def evidence_of(store: Store, round_id: str) -> tuple[Evidence, ...]:
    """Per-threat evidence from the stored scores, by the rule of
    `core.analysis.evidence.evidence_from_outcomes`.

    A case with no threat ids counts under 'unclassified'. The store counts cases per threat and
    outcome (`rounds.threat_outcome_counts`), so the memory used does not grow with the round.
    """
    with store.session() as session:
        groups = (
            (threats or [UNCLASSIFIED], failed, scored, errored, cases)
            for threats, failed, scored, errored, cases in rounds_repo.threat_outcome_counts(
                session, round_id
            )
        )
        return tuple(evidence_from_counted(groups))


def summarise(store: Store, round_id: str) -> RoundSummary:
    """The stored totals of a round."""
    with store.session() as session:
        rnd = rounds_repo.get_round(session, round_id)
        cases = rounds_repo.count_cases(session, round_id)
        by_kind = rounds_repo.count_attempts(session, round_id)
    attempts = sum(by_kind.values())
    errors = {k: v for k, v in sorted(by_kind.items()) if k != "ok"}
    return RoundSummary(
        round=rnd, cases=cases, attempts=attempts, errors=errors, evidence=evidence_of(store, round_id)
    )


def evidence_by_attribute(store: Store, round_id: str, attribute: str) -> dict[str, Evidence]:
    """Failure rates of a round's cases grouped by one case attribute (pooled over threats).

    Cases without the attribute are left out. With `attribute="configuration"` this is how safety moves
    across an operator-error sweep's configurations; `compare_configurations` tests each against the
    baseline.
    """
    with store.session() as session:
        groups = {
            case.id: case.attributes[attribute]
            for case in rounds_repo.list_cases(session, round_id)
            if attribute in case.attributes
        }
        outcomes = [
            ([groups[case_id]], failed, scores, errors)
            for case_id, failed, scores, errors in rounds_repo.case_outcomes_by_id(session, round_id)
            if case_id in groups
        ]
    return {ev.threat_id: ev for ev in evidence_from_outcomes(outcomes)}


def configuration_shifts(store: Store, round_id: str) -> list[ConfigurationShift]:
    """How safety moves per configuration of an operator-error sweep against its baseline, worst first."""
    from redline.attacks.configuration_shift import compare_configurations

    return compare_configurations(evidence_by_attribute(store, round_id, "configuration"))
