from __future__ import annotations

from redline.core.analysis.evidence import Evidence
from redline.core.register.assessment import Access, AttackComplexity, Reach, impact_of, likelihood_of
from redline.core.register.risk import Impact, Likelihood


def test_frequent_failure_is_almost_certain() -> None:
    assert likelihood_of(Evidence.from_counts("t", failures=30, n=50)) is Likelihood.ALMOST_CERTAIN


def test_no_failure_is_rare() -> None:
    assert likelihood_of(Evidence.from_counts("t", failures=0, n=50)) is Likelihood.RARE


def test_costlier_attacks_are_less_likely() -> None:
    ev = Evidence.from_counts("t", failures=30, n=50)
    multi = AttackComplexity(turns=5, attacker_model=True)
    assert likelihood_of(ev, multi) is Likelihood.POSSIBLE
    white = AttackComplexity(access=Access.WHITE_BOX)
    assert likelihood_of(ev, white) is Likelihood.POSSIBLE


def test_vulnerable_groups_and_mass_reach_raise_impact() -> None:
    assert impact_of(Impact.MODERATE) is Impact.MODERATE
    assert impact_of(Impact.MODERATE, affected_groups=("minors",), reach=Reach.MASS) is Impact.SEVERE
    assert impact_of(Impact.SEVERE, reach=Reach.MASS) is Impact.SEVERE
    assert impact_of(Impact.MINOR, reach=Reach.INTERNAL) is Impact.NEGLIGIBLE
