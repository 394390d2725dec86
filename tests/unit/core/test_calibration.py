from __future__ import annotations

import math

import pytest

from redline.core.analysis.calibration import (
    ConfidenceMethod,
    auroc,
    brier_score,
    calibration_report,
    confidence_from_logprobs,
    expected_calibration_error,
)
from redline.core.runs.conversation import TokenLogprob


def test_brier_textbook_value() -> None:
    assert brier_score([0.8, 0.3], [True, False]) == pytest.approx(0.065)


def test_auroc_textbook_value() -> None:
    assert auroc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == pytest.approx(0.75)


def test_auroc_ties_count_half_and_one_class_is_none() -> None:
    assert auroc([0.5, 0.5], [True, False]) == pytest.approx(0.5)
    assert auroc([0.2, 0.9], [True, True]) is None


def test_ece_hand_computed() -> None:
    # bin (0.8, 0.9]: conf 0.9 x4, 3 correct -> |0.75 - 0.9| = 0.15, weight 4/6
    # bin (0.2, 0.3]: conf 0.3 x2, 1 correct -> |0.5 - 0.3| = 0.2, weight 2/6
    conf = [0.9, 0.9, 0.9, 0.9, 0.3, 0.3]
    correct = [True, True, True, False, True, False]
    assert expected_calibration_error(conf, correct) == pytest.approx(4 / 6 * 0.15 + 2 / 6 * 0.2)


def test_perfectly_calibrated_has_zero_ece() -> None:
    conf = [1.0] * 5 + [0.0] * 5
    assert expected_calibration_error(conf, [True] * 5 + [False] * 5) == pytest.approx(0.0)


def test_report_carries_accuracy_interval_and_bins() -> None:
    report = calibration_report([0.9] * 10, [True] * 9 + [False])
    assert report.n == 10 and report.correct == 9
    assert report.accuracy_low < 0.9 < report.accuracy_high
    assert report.mean_confidence == pytest.approx(0.9)
    assert sum(b.n for b in report.bins) == 10


def test_confidence_methods() -> None:
    lps = [TokenLogprob(token="a", logprob=math.log(0.5)), TokenLogprob(token="b", logprob=math.log(0.8))]
    assert confidence_from_logprobs(lps, method=ConfidenceMethod.SEQUENCE) == pytest.approx(0.4)
    assert confidence_from_logprobs(lps, method=ConfidenceMethod.GEOMETRIC) == pytest.approx(math.sqrt(0.4))
    assert confidence_from_logprobs(lps, method=ConfidenceMethod.MEAN_TOKEN) == pytest.approx(0.65)
    assert confidence_from_logprobs(lps, method=ConfidenceMethod.MIN_TOKEN) == pytest.approx(0.5)


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="no token"):
        confidence_from_logprobs([])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        brier_score([1.2], [True])
