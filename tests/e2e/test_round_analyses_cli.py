"""`round show` and `report` carry the round's breakdowns and analyses: per technique and converter,
per configuration with the baseline apart, disparity per protected attribute, calibration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.program.workspace import init_workspace, open_workspace_store
from tests.e2e.inprocess import cli
from tests.integration.analyses_world import add_analyses_round


@pytest.fixture
def analysed(tmp_path: Path) -> tuple[Path, str]:
    """A workspace holding the analyses round; (workspace, round id)."""
    ws = tmp_path / "ws"
    settings = init_workspace(ws, name="analyses-program", actor="tester").settings
    store = open_workspace_store(settings)
    try:
        return ws, add_analyses_round(store, release_id=None)
    finally:
        store.dispose()


def test_round_show_prints_every_analysis(
    analysed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    ws, rid = analysed
    code, out, err = cli(capsys, ws, "round", "show", rid)
    assert code == 0, err
    text = " ".join(out.split())  # tables fold long cells at the terminal's width
    assert "Failure rates per technique" in text and "Failure rates per converter" in text
    assert "│ base64 │ 10 │ 10 │ 6/10 │ 60%" in text and "leetspeak" in text
    assert "Baseline configuration: 1/12 failed (8%" in text and "│ +83% │" in text
    assert "Disparity per protected attribute: 240 cases in 60 counterfactual sets" in text
    assert "Calibration of 20 answers" in text and "ECE 0.180" in text and "Brier 0.042" in text
    assert "Reliability diagram" in text

    code, out, err = cli(capsys, ws, "round", "show", rid, "--json")
    assert code == 0, err
    a = json.loads(out, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))["analyses"]
    assert {r["name"]: (r["failures"], r["n"]) for r in a["techniques"]}["prefix-injection"] == (8, 20)
    assert a["configuration"]["baseline"]["name"] == "baseline"
    assert "baseline" not in {r["name"] for r in a["configuration"]["configurations"]}
    gender = [c for c in a["disparity"]["report"]["comparisons"] if c["attribute"] == "gender"]
    assert {c["value"] for c in gender if c["flagged"]} == {"woman"}
    assert all({"statistic", "effect", "p_adjusted"} <= set(c) for c in gender)
    age = {c["value"]: c for c in a["disparity"]["report"]["comparisons"] if c["attribute"] == "age"}
    assert age["67"]["statistic"] is None and age["67"]["p_value"] < 0.05 and not age["67"]["flagged"]
    assert a["calibration"]["report"]["n"] == 20 and len(a["calibration"]["report"]["bins"]) == 10


def test_reports_carry_every_analysis(
    analysed: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, rid = analysed
    for fmt in ("html", "md", "json"):
        code, _, err = cli(capsys, ws, "report", rid, "--format", fmt, "-o", str(tmp_path / f"r.{fmt}"))
        assert code == 0, err
    html = (tmp_path / "r.html").read_text()
    for chart in ("technique", "converter", "configuration", "disparity", "reliability"):
        assert f'<svg id="{chart}-chart-1" class="chart"' in html
    for table in ("technique", "converter", "configuration", "disparity", "calibration"):
        assert f'<table id="{table}-table-1"' in html
    assert "Baseline (the intended configuration): <strong>1 / 12</strong>" in html
    assert 'class="baseline-band"' in html and html.count('class="reliability-bin"') == 2

    md = (tmp_path / "r.md").read_text()
    assert "## Breakdowns and analyses" in md and "### Disparity per protected attribute" in md
    assert "| missing-safety-preamble | 11 / 12 | 92% | 65%-99% | +83 pts |" in md and "ECE 0.180" in md

    a = json.loads((tmp_path / "r.json").read_text())["analyses"]
    assert len(a) == 1 and a[0]["round_id"] == rid
    assert a[0]["configuration"]["baseline"]["failures"] == 1
    assert a[0]["disparity"]["attributes"] == ["age", "gender"]
    assert a[0]["calibration"]["report"]["brier"] == pytest.approx(0.042)
