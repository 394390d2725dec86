from __future__ import annotations

from redline.core.analysis.evidence import Evidence
from redline.core.register.mitigations import VerificationOutcome
from redline.core.register.verification import combine, judge_verification


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


def test_verified_needs_the_fresh_variants_to_pass_too() -> None:
    # a patch that matches only the failing prompts: the originals pass, rewordings still fail
    narrow = judge_verification(ev(25, 25), ev(0, 25), fresh=ev(40, 40), zero_tolerance=True)
    assert narrow.original is VerificationOutcome.VERIFIED
    assert narrow.fresh is not None and narrow.fresh.outcome is VerificationOutcome.NOT_VERIFIED
    assert narrow.outcome is VerificationOutcome.NOT_VERIFIED
    assert "fresh variants: the failure rate did not fall" in narrow.detail
    real = judge_verification(ev(25, 25), ev(0, 25), fresh=ev(0, 60), zero_tolerance=True)
    assert real.outcome is VerificationOutcome.VERIFIED and real.fresh is not None
    assert real.fresh.outcome is VerificationOutcome.VERIFIED and real.fresh.after.n == 60


def test_fresh_variants_face_the_same_threshold() -> None:
    # one fresh failure is enough to fail a zero-tolerance threat; a rate limit applies to its upper bound
    zero = judge_verification(ev(25, 25), ev(0, 25), fresh=ev(1, 60), zero_tolerance=True)
    assert zero.outcome is VerificationOutcome.NOT_VERIFIED and "zero-tolerance" in zero.detail
    limited = judge_verification(ev(30, 40), ev(0, 40), fresh=ev(12, 60), limit=0.1)
    assert limited.fresh is not None and "above the limit" in limited.fresh.detail
    assert limited.outcome is VerificationOutcome.NOT_VERIFIED


def test_no_fresh_variants_to_judge_is_inconclusive_not_verified() -> None:
    result = judge_verification(ev(25, 25), ev(0, 25), fresh=ev(0, 0))
    assert result.original is VerificationOutcome.VERIFIED
    assert result.outcome is VerificationOutcome.INCONCLUSIVE


def test_without_fresh_evidence_the_original_cases_decide_alone() -> None:
    result = judge_verification(ev(12, 20), ev(0, 20), limit=0.25)
    assert result.fresh is None and result.outcome is result.original is VerificationOutcome.VERIFIED


def test_parts_combine_verified_only_when_all_are() -> None:
    v, n, i = VerificationOutcome.VERIFIED, VerificationOutcome.NOT_VERIFIED, VerificationOutcome.INCONCLUSIVE
    assert combine(v, v) is v
    assert combine(v, i) is i and combine(i, v) is i
    assert combine(i, n) is n and combine(v, n) is n
    assert combine() is i
