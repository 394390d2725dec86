from __future__ import annotations

from redline.core.evidence import Evidence
from redline.core.mitigations import VerificationOutcome
from redline.core.verification import judge_verification


def ev(failures: int, n: int) -> Evidence:
    return Evidence.from_counts("t", failures=failures, n=n)


def test_a_significant_drop_within_the_limit_is_verified() -> None:
    result = judge_verification(ev(12, 20), ev(0, 20), limit=0.25)
    assert result.outcome is VerificationOutcome.VERIFIED
    assert result.p_value < 0.05


def test_no_significant_change_is_not_verified() -> None:
    result = judge_verification(ev(12, 20), ev(10, 20))
    assert result.outcome is VerificationOutcome.NOT_VERIFIED
    assert "did not fall" in result.detail


def test_too_few_cases_is_inconclusive() -> None:
    # Even 0/3 after 2/3 cannot be told apart from chance.
    assert judge_verification(ev(2, 3), ev(0, 3)).outcome is VerificationOutcome.INCONCLUSIVE
    assert judge_verification(ev(5, 10), ev(0, 0)).outcome is VerificationOutcome.INCONCLUSIVE


def test_zero_tolerance_needs_zero_failures_and_nothing_else() -> None:
    result = judge_verification(ev(40, 50), ev(1, 50), zero_tolerance=True)
    assert result.outcome is VerificationOutcome.NOT_VERIFIED and "zero-tolerance" in result.detail
    # 0/12 has an upper bound of 26%, above a 25% rate limit that does not apply to zero tolerance.
    result = judge_verification(ev(12, 12), ev(0, 12), limit=0.25, zero_tolerance=True)
    assert result.outcome is VerificationOutcome.VERIFIED


def test_a_fall_that_stays_above_the_limit_is_not_verified() -> None:
    result = judge_verification(ev(45, 50), ev(20, 50), limit=0.1)
    assert result.outcome is VerificationOutcome.NOT_VERIFIED and "above the limit" in result.detail


def test_worse_is_not_verified() -> None:
    assert judge_verification(ev(2, 50), ev(30, 50)).outcome is VerificationOutcome.NOT_VERIFIED
