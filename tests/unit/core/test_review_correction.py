"""Which error measure corrects a round's failure rates: its review sample, else its judge's calibration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from redline.core.analysis.review import (
    CALIBRATION,
    REVIEW,
    CorrectedRate,
    JudgeCalibration,
    JudgeError,
    RaterAgreement,
    ReviewSummary,
    ThreatCorrection,
    calibrated_rate,
    choose_correction,
    judge_error,
    rogan_gladen,
)

# The shape `redline scorers calibrate` stores: per-class precision and recall over the scored rows.
FIGURES: dict[str, Any] = {
    "scorer": "judge.harm",
    "scored": 60,
    "kappa": 0.7,
    "per_class": [
        {"label": "fail", "precision": 0.9, "recall": 0.8, "support": 20},
        {"label": "pass", "precision": 0.9, "recall": 0.95, "support": 40},
    ],
}


def _calibration(figures: dict[str, Any], cal_id: str = "cal-1") -> JudgeCalibration:
    return JudgeCalibration(
        id=cal_id,
        judge="echo:judge",
        rubric_hash="r",
        labels_hash="l",
        n=64,
        figures=figures,
        created_by="lena",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def _error(se: float = 0.8, sp: float = 0.95) -> JudgeError:
    return JudgeError(
        calibration="cal-1", scorer="judge.harm", sensitivity=se, specificity=sp, failures=20, passes=40
    )


def _review(decided: int) -> ReviewSummary:
    corrected = CorrectedRate(
        failures=3,
        n=10,
        raw=0.3,
        rate=0.25,
        low=0.1,
        high=0.4,
        reviewed=decided,
        sensitivity=0.9,
        specificity=0.9,
    )
    return ReviewSummary(
        round_id="r1",
        design="overall",
        items=12,
        labels=decided * 2,
        complete=decided,
        decided=decided,
        reviewers=["ana", "ben"] if decided else [],
        reviewer_agreement=RaterAgreement(items=0, pairs=0, agreement=None, fleiss_kappa=None),
        scorers=[],
        threats=[ThreatCorrection(threat_id="harm.x", corrected=corrected)] if decided else [],
        overall=None,
    )


def test_judge_error_reads_sensitivity_and_specificity_from_per_class_recall() -> None:
    error = judge_error(_calibration(FIGURES), "judge.harm")
    assert error == JudgeError(
        calibration="cal-1", scorer="judge.harm", sensitivity=0.8, specificity=0.95, failures=20, passes=40
    )


@pytest.mark.parametrize(
    "figures",
    [
        {"kappa": 0.5},
        {"per_class": [{"label": "fail", "precision": 1.0, "recall": 1.0, "support": 5}]},
        {"per_class": [{"label": "fail", "recall": 1.0, "support": 5}, {"label": "pass", "recall": None}]},
    ],
)
def test_judge_error_is_none_without_both_classes(figures: dict[str, Any]) -> None:
    assert judge_error(_calibration(figures), "judge.harm") is None


def test_calibrated_rate_corrects_with_the_calibration_and_cites_it() -> None:
    found = calibrated_rate(30, 100, _error(), seed=3)
    expected = (0.30 + 0.95 - 1) / (0.8 + 0.95 - 1)
    assert found.rate == pytest.approx(expected)
    assert found.low is not None and found.high is not None and found.low < expected < found.high
    assert (found.source, found.calibration, found.reviewed) == (CALIBRATION, "cal-1", 0)
    assert found.describe().startswith(f"corrected {expected:.0%} (95% CI ")
    assert found.describe().endswith("judge calibration cal-1")
    assert calibrated_rate(30, 100, _error(), seed=3) == found  # seeded


def test_calibrated_rate_of_a_judge_no_better_than_chance_is_not_given() -> None:
    found = calibrated_rate(30, 100, _error(se=0.5, sp=0.5))
    assert rogan_gladen(0.3, 0.5, 0.5) is None and found.rate is None
    assert found.describe() == "corrected n/a (judge no better than chance on its calibration)"


def test_without_a_review_sample_the_judge_calibration_corrects() -> None:
    for review in (None, _review(decided=0)):
        chosen = choose_correction(review, _error(), {"harm.x": (30, 100), "harm.y": (0, 0)})
        assert chosen is not None and chosen.source == CALIBRATION and chosen.calibration == "cal-1"
        assert "judge calibration cal-1 of judge.harm" in chosen.note and "no review sample" in chosen.note
        assert set(chosen.threats) == {"harm.x"}  # a threat with nothing scored has no rate to correct
        assert chosen.threats["harm.x"].rate == pytest.approx((0.30 + 0.95 - 1) / 0.75)


def test_the_review_sample_of_the_round_is_preferred_over_a_calibration() -> None:
    chosen = choose_correction(_review(decided=8), _error(), {"harm.x": (30, 100)})
    assert chosen is not None and chosen.source == REVIEW and chosen.calibration == "cal-1"
    assert (
        chosen.note
        == "corrected by the human review of this round (8 reviewed); preferred over judge calibration cal-1"
    )
    assert chosen.threats["harm.x"].rate == 0.25 and chosen.threats["harm.x"].source == REVIEW


def test_review_alone_or_nothing() -> None:
    alone = choose_correction(_review(decided=8), None, {"harm.x": (30, 100)})
    assert alone is not None and alone.source == REVIEW and alone.calibration is None
    assert "preferred" not in alone.note
    assert choose_correction(None, None, {"harm.x": (30, 100)}) is None
    assert choose_correction(_review(decided=0), None, {"harm.x": (30, 100)}) is None
