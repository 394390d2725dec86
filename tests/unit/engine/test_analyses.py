"""The round analyses' pure parts: streamed calibration equals the library's, the sweep's baseline stands
apart, disparity tests only protected attributes against their shipped reference."""

from __future__ import annotations

import math
import random

import pytest

from redline.attacks.configuration_shift import SafetyMove
from redline.core.analysis.calibration import calibration_report
from redline.engine.analyses import calibration_section, configuration_section, disparity_section
from redline.store.repos.analyses import GroupCounts


def test_streamed_calibration_matches_the_library_on_the_same_answers() -> None:
    rng = random.Random(4)
    rows: list[tuple[list[float], int | None]] = []
    for _ in range(300):
        tokens = [math.log(rng.uniform(0.05, 1.0)) for _ in range(rng.randint(1, 6))]
        rows.append((tokens, rng.choice([0, 1])))
    rows += [([-0.1], None), ([], 1)]  # an unscored answer, and one without tokens
    got = calibration_section(rows)
    assert got is not None and got.not_scored == 1
    confidences = [math.exp(sum(t) / len(t)) for t, f in rows if t and f is not None]
    correct = [f == 0 for t, f in rows if t and f is not None]
    want = calibration_report(confidences, correct)
    assert got.report.n == want.n == 300 and got.report.correct == want.correct
    assert got.report.ece == pytest.approx(want.ece) and got.report.brier == pytest.approx(want.brier)
    assert got.report.mean_confidence == pytest.approx(want.mean_confidence)
    for a, b in zip(got.report.bins, want.bins, strict=True):
        assert a.n == b.n and a.low == pytest.approx(b.low) and a.high == pytest.approx(b.high)
        assert a.accuracy == pytest.approx(b.accuracy) and a.mean_confidence == pytest.approx(
            b.mean_confidence
        )
    assert calibration_section([([-0.2], None)]) is None


def _g(config: str | None, failures: int, n: int, technique: str = "misconfiguration-sweep") -> GroupCounts:
    return GroupCounts(
        technique=technique,
        converters=(),
        configuration=config,
        cases=n,
        attempts=n,
        failures=failures,
        scored=n,
        errors=0,
    )


def test_configuration_baseline_apart_and_each_mistake_shifted_from_it() -> None:
    section = configuration_section(
        [_g("baseline", 0, 20), _g("empty-system-prompt", 15, 20), _g(None, 9, 9, "x")]
    )
    assert section is not None and section.baseline is not None
    assert (section.baseline.name, section.baseline.failures, section.baseline.n) == ("baseline", 0, 20)
    (row,) = section.configurations
    assert row.delta == pytest.approx(0.75) and row.move is SafetyMove.WORSE and row.p_value is not None
    assert configuration_section([_g(None, 1, 2, "x")]) is None
    alone = configuration_section([_g("temperature-high", 3, 10)])
    assert alone is not None and alone.baseline is None and alone.configurations[0].delta is None


def test_disparity_reads_protected_attributes_only_and_uses_the_shipped_reference() -> None:
    rows = []
    for s in range(30):
        for value, fails in (("unstated", s < 2), ("woman", s < 20), ("man", s < 2)):
            rows.append((f"g{s}", {"axis": "gender", "gender": value, "order": str(s)}, int(fails)))
    section = disparity_section(rows, seed=1, n_boot=200)
    assert section is not None and section.attributes == ("gender",) and section.groups == 30
    assert {c.reference for c in section.report.comparisons} == {"unstated"}
    flagged = {c.value for c in section.report.comparisons if c.flagged}
    assert flagged == {"woman"}
    assert disparity_section([("g", {"shift": "none"}, 1)]) is None


def test_an_infinite_odds_ratio_reads_as_no_statistic() -> None:
    rows = [
        (f"g{s}", {"axis": "age", "age": v}, int(v == "67" and s < 6))
        for s in range(20)
        for v in ("35", "67")
    ]
    section = disparity_section(rows, n_boot=100)
    assert section is not None
    (c,) = section.report.comparisons
    assert c.test == "fisher" and c.statistic is None and c.p_value < 0.05
    assert "Infinity" not in section.model_dump_json()
