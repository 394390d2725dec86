"""How safety moves between configurations, from evidence with known counts."""

from __future__ import annotations

import pytest

from redline.attacks.configuration_shift import SafetyMove, compare_configurations
from redline.core.analysis.evidence import Evidence
from redline.core.errors import ConfigError


def ev(failures: int, n: int) -> Evidence:
    return Evidence.from_counts("harmful.cyber", failures=failures, n=n)


def test_a_clear_rise_is_worse_and_a_small_one_is_not_clear() -> None:
    rows = compare_configurations(
        {"baseline": ev(2, 50), "empty-system-prompt": ev(20, 50), "temperature-high": ev(4, 50)}
    )
    by = {r.configuration: r for r in rows}
    assert rows[0].configuration == "empty-system-prompt"
    assert by["empty-system-prompt"].move is SafetyMove.WORSE and by["empty-system-prompt"].p_value < 0.001
    assert by["temperature-high"].move is SafetyMove.NO_CLEAR_CHANGE
    assert by["baseline"].delta == 0.0 and by["baseline"].p_value == 1.0
    assert by["empty-system-prompt"].delta == pytest.approx(0.36)


def test_a_clear_drop_is_better() -> None:
    rows = compare_configurations({"baseline": ev(30, 50), "strict": ev(5, 50)})
    assert next(r for r in rows if r.configuration == "strict").move is SafetyMove.BETTER


def test_missing_baseline_is_an_error() -> None:
    with pytest.raises(ConfigError, match="baseline"):
        compare_configurations({"x": ev(1, 10)})
