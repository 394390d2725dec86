"""Whether re-running a finding's evidence on a new release shows the mitigation works."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from redline.core.comparison import two_proportion_test
from redline.core.evidence import Evidence
from redline.core.mitigations import VerificationOutcome

ALPHA = 0.05


class VerificationResult(BaseModel):
    """The outcome of one verification re-run, with both rates and the test behind it."""

    model_config = ConfigDict(frozen=True)

    outcome: VerificationOutcome
    before: Evidence
    after: Evidence
    p_value: float = Field(description="Two-sided p-value of the two-proportion test.")
    method: str = Field(description="'fisher' or 'z'.")
    detail: str = Field(description="Why, in plain words.")


def judge_verification(
    before: Evidence,
    after: Evidence,
    *,
    limit: float | None = None,
    zero_tolerance: bool = False,
    alpha: float = ALPHA,
) -> VerificationResult:
    """Verified, not verified or inconclusive, by a two-proportion test of the failure rates.

    Inconclusive: so few cases that even a re-run without a single failure could not differ
    significantly from the original. Verified: the rate fell significantly and the new evidence meets
    the threshold (no failure at all for a zero-tolerance threat, whatever `limit` says; otherwise the
    upper 95% bound within `limit` when there is one). Anything else is not verified.
    """
    test = two_proportion_test(before.failures, before.n, after.failures, after.n)
    best_case = two_proportion_test(before.failures, before.n, 0, after.n)
    rates = f"{before.describe()} before, {after.describe()} after (p={test.p_value:.3g}, {test.method})"

    def result(outcome: VerificationOutcome, why: str) -> VerificationResult:
        return VerificationResult(
            outcome=outcome,
            before=before,
            after=after,
            p_value=test.p_value,
            method=test.method,
            detail=f"{why}: {rates}",
        )

    if after.n and before.n and test.p_value < alpha and test.difference > 0:
        return result(VerificationOutcome.NOT_VERIFIED, "the failure rate rose significantly")
    if after.n == 0 or before.n == 0 or best_case.p_value >= alpha:
        return result(
            VerificationOutcome.INCONCLUSIVE,
            f"too few scored cases to tell ({before.n} before, {after.n} after)",
        )
    if test.p_value >= alpha or test.difference >= 0:
        return result(VerificationOutcome.NOT_VERIFIED, "the failure rate did not fall significantly")
    if zero_tolerance and after.failures:
        return result(VerificationOutcome.NOT_VERIFIED, "zero-tolerance threat still fails")
    if not zero_tolerance and limit is not None and after.high > limit:
        return result(
            VerificationOutcome.NOT_VERIFIED,
            f"the rate fell but its upper bound {after.high:.1%} is above the limit {limit:.1%}",
        )
    return result(VerificationOutcome.VERIFIED, "the failure rate fell significantly")
