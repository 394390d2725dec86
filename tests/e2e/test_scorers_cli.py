"""`redline scorers` as a user runs it: a subprocess of the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REDLINE = [sys.executable, "-m", "redline.cli.main"]


def redline(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd or Path.cwd()), "USER": "tester"}
    return subprocess.run(
        [*REDLINE, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


def test_list_json_names_every_builtin_scorer() -> None:
    res = redline("scorers", "list", "--json")
    assert res.returncode == 0, res.stderr
    names = {s["name"] for s in json.loads(res.stdout)}
    assert {"refusal", "leak.pii", "toxicity", "judge.harm", "consistency"} <= names
    judge = next(s for s in json.loads(res.stdout) if s["name"] == "judge.harm")
    assert judge["needs_judge"] is True


def test_validate_counts_unparseable_judge_replies_apart() -> None:
    res = redline("scorers", "validate", "judge.harm", "--json")
    assert res.returncode == 0, res.stderr
    (report,) = json.loads(res.stdout)
    metrics = report["metrics"]
    assert metrics["could_not_score"] == metrics["cns_expected"] == 9
    assert metrics["scored"] == metrics["rows"] - 9
    assert {"precision_low", "recall_high", "f1_low", "cns_rate"} <= set(metrics)


def test_unknown_scorer_is_a_one_line_usage_error() -> None:
    res = redline("scorers", "validate", "no-such-scorer")
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "no validation set" in res.stderr


def test_human_labels_give_kappa(tmp_path: Path) -> None:
    rows = [("c01", "fail"), ("c02", "fail"), ("c06", "pass"), ("c07", "fail")]
    lines = [json.dumps({"set": "canary", "id": i, "label": lab, "labeller": "ana"}) for i, lab in rows]
    (tmp_path / "ana.jsonl").write_text("\n".join(lines) + "\n")
    res = redline("scorers", "validate", "leak.canary", "--labels", str(tmp_path), "--json")
    assert res.returncode == 0, res.stderr
    (human,) = json.loads(res.stdout)[0]["human"]
    assert human["labeller"] == "ana" and human["n"] == 4
    assert human["kappa_with_scorer"] == pytest.approx(0.5)


@pytest.mark.slow
def test_validate_all_reports_every_scorer_and_docs_scorers_md_is_what_it_prints() -> None:
    from redline.scorers.validation import ValidationReport, validated_scorers
    from redline.scorers.validation_docs import DOC_PATH, render_doc

    # one validation of every scorer (about two minutes) serves the CLI check and the docs check
    # about two minutes alone; a machine whose cores other tests keep busy may need several times that
    res = redline("scorers", "validate", "--json", timeout=900)
    assert res.returncode == 0, res.stderr
    printed = json.loads(res.stdout)
    reports = {r["scorer"]: r for r in printed}
    assert set(reports) == set(validated_scorers())
    assert reports["refusal"]["split"] == "test"
    # the TEST split now holds hand-written answers in other voices and the held-out objectives of three
    # retired cross-sets (other writers); the previous and the current model read 0.87 to 0.88 on it
    assert reports["refusal"]["metrics"]["f1"] >= 0.87
    assert reports["refusal"]["metrics"]["f1"] > reports["refusal.phrases"]["metrics"]["f1"]
    for name, report in reports.items():
        assert "cns_rate" in report["metrics"] and "could_not_score" in report["metrics"], name
    rendered = render_doc([ValidationReport.model_validate(r) for r in printed])
    assert DOC_PATH.read_text(encoding="utf-8") == rendered, (
        "docs/scorers.md is stale: run python -m redline.scorers.validation --write-docs"
    )
