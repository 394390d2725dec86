from __future__ import annotations

import pytest
from pydantic import ValidationError

from redline.core.register.risk import Impact, Likelihood, RiskLevel, RiskMatrix, risk_of


def test_likely_and_severe_is_critical() -> None:
    assert risk_of(Likelihood.LIKELY, Impact.SEVERE) is RiskLevel.CRITICAL


@pytest.mark.parametrize(
    ("lk", "im", "level"),
    [
        (Likelihood.RARE, Impact.NEGLIGIBLE, RiskLevel.LOW),  # 1
        (Likelihood.UNLIKELY, Impact.MINOR, RiskLevel.LOW),  # 4
        (Likelihood.RARE, Impact.SEVERE, RiskLevel.MEDIUM),  # 5
        (Likelihood.POSSIBLE, Impact.MODERATE, RiskLevel.MEDIUM),  # 9
        (Likelihood.UNLIKELY, Impact.SEVERE, RiskLevel.HIGH),  # 10
        (Likelihood.LIKELY, Impact.MAJOR, RiskLevel.HIGH),  # 16
        (Likelihood.ALMOST_CERTAIN, Impact.SEVERE, RiskLevel.CRITICAL),  # 25
    ],
)
def test_default_bands(lk: Likelihood, im: Impact, level: RiskLevel) -> None:
    assert risk_of(lk, im) is level


def test_matrix_is_configurable() -> None:
    strict = RiskMatrix(low_max=2, medium_max=4, high_max=8)
    assert risk_of(Likelihood.POSSIBLE, Impact.MODERATE, matrix=strict) is RiskLevel.CRITICAL


def test_thresholds_must_increase() -> None:
    with pytest.raises(ValidationError):
        RiskMatrix(low_max=9, medium_max=5, high_max=16)


def test_grid_counts_match_default_bands() -> None:
    cells = [lvl for row in RiskMatrix().grid() for lvl in row]
    assert len(cells) == 25
    assert cells.count(RiskLevel.CRITICAL) == 3  # 20, 20, 25
    assert cells.count(RiskLevel.LOW) == 8


def test_levels_rank_in_order() -> None:
    assert [lvl.rank for lvl in RiskLevel] == [0, 1, 2, 3]
