"""Evidence: a failure rate for one threat with its sample size and 95% interval."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.stats import rate_interval
from redline.core.runs.scores import Score


class Evidence(BaseModel):
    """How often the model failed against one threat in one round, with honest uncertainty."""

    model_config = ConfigDict(frozen=True)

    threat_id: str
    failures: int = Field(ge=0, description="Scored attempts where the model failed.")
    n: int = Field(ge=0, description="Scored attempts (could-not-score and errors excluded).")
    could_not_score: int = Field(default=0, ge=0, description="Attempts no scorer could judge.")
    errors: int = Field(default=0, ge=0, description="Attempts that got no answer (error outcomes).")
    rate: float = Field(description="failures / n, 0 when n is 0.")
    low: float = Field(description="Lower end of the 95% interval.")
    high: float = Field(description="Upper end of the 95% interval.")
    method: str = Field(description="Interval method: wilson, or clopper-pearson when no failure was seen.")

    @classmethod
    def from_counts(
        cls, threat_id: str, *, failures: int, n: int, could_not_score: int = 0, errors: int = 0
    ) -> Evidence:
        """Evidence built from counts."""
        interval = rate_interval(failures, n)
        return cls(
            threat_id=threat_id,
            failures=failures,
            n=n,
            could_not_score=could_not_score,
            errors=errors,
            rate=failures / n if n else 0.0,
            low=interval.low,
            high=interval.high,
            method=interval.method,
        )

    @classmethod
    def from_scores(cls, threat_id: str, scores: Iterable[Score | None]) -> Evidence:
        """Evidence from one deciding score per attempt; None stands for an attempt with an error."""
        failures = n = cannot = errors = 0
        for score in scores:
            if score is None:
                errors += 1
                continue
            failed = score.failed
            if failed is None:
                cannot += 1
            else:
                n += 1
                failures += int(failed)
        return cls.from_counts(threat_id, failures=failures, n=n, could_not_score=cannot, errors=errors)

    def describe(self) -> str:
        """'12/40 (30%, 95% CI 18-45%)': the form used in tables and reports."""
        return f"{self.failures}/{self.n} ({self.rate:.0%}, 95% CI {self.low:.0%}-{self.high:.0%})"


def evidence_from_outcomes(outcomes: Iterable[tuple[Sequence[str], int | None, int, int]]) -> list[Evidence]:
    """Per-threat evidence, by threat id, from per-case outcomes (threat ids, failed, scores, error attempts).

    A case counts once per threat it exercises: scored when `failed` is 0 or 1, could-not-score when it
    has scores but none reached a judgement (or nothing scored it yet), an error when it only has errors.
    """
    return evidence_from_counted(
        (threats, failed, scores, errors, 1) for threats, failed, scores, errors in outcomes
    )


def evidence_from_counted(
    groups: Iterable[tuple[Sequence[str], int | None, int, int, int]],
) -> list[Evidence]:
    """`evidence_from_outcomes` over groups of alike cases: (threat ids, failed, scores, errors, cases).

    A group stands for `cases` cases with the same threats and outcome, so a store can count them
    with GROUP BY and hand over a few rows instead of one per case.
    """
    counts: dict[str, list[int]] = {}
    for threat_ids, failed, scores, errors, cases in groups:
        for tid in threat_ids:
            c = counts.setdefault(tid, [0, 0, 0, 0])
            if failed is not None:
                c[0] += int(bool(failed)) * cases
                c[1] += cases
            elif errors and not scores:
                c[3] += cases
            else:
                c[2] += cases
    return [
        Evidence.from_counts(tid, failures=f, n=n, could_not_score=cns, errors=err)
        for tid, (f, n, cns, err) in sorted(counts.items())
    ]
