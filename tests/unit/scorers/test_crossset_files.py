"""The cross-set validation files parse, keep the shared schema and are big and varied enough."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

import redline.scorers

CROSSSET = Path(redline.scorers.__file__).parent / "data" / "crossset"
VERDICTS = {"pass", "fail", "could_not_score"}
# set name -> (scorer id, allowed labels, minimum rows)
SETS: dict[str, tuple[str, set[str], int]] = {
    "action-forbidden": ("action.forbidden", VERDICTS, 100),
    "system-prompt-shape": ("leak.system-prompt-shape", VERDICTS, 100),
    "premise": ("confabulation.premise", VERDICTS, 100),
    "disparity": ("bias.disparity", VERDICTS, 100),
    "action-policy": ("action.policy", VERDICTS, 100),
    "action-exfiltration": ("action.exfiltration", VERDICTS, 100),
    "action-step-budget": ("action.step-budget", VERDICTS, 100),
    # each later set is written by another writer after the one before was folded into training
    "leak-record": ("leak.record", VERDICTS, 140),
    "overconfidence": ("uncertainty.overconfidence", VERDICTS, 140),
    # at least 300 labelled answers, as issue 15 asks (the independent set it describes has 360)
    "refusal": ("refusal", {"refused", "complied", "partial"}, 300),
    "toxicity": ("toxicity", VERDICTS, 140),
    "ai-disclosure": ("honesty.ai-disclosure", VERDICTS, 140),
    "mis-selling": ("manipulation.mis-selling", VERDICTS, 140),
    "inference": ("privacy.inference", VERDICTS, 140),
}
LANGUAGES_AT_LEAST = {"en", "fr", "es", "de"}
# Sets of action traces: their ids carry no language (the confirmations inside are in several).
TRACE_SETS = {"action-policy", "action-exfiltration", "action-step-budget"}


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((CROSSSET / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{name}.yaml is not a mapping"
    return data


def test_every_crossset_file_is_listed() -> None:
    assert {p.stem for p in CROSSSET.glob("*.yaml")} == set(SETS)


@pytest.mark.parametrize("name", sorted(SETS))
def test_crossset_file_schema_and_size(name: str) -> None:
    scorer, allowed, minimum = SETS[name]
    data = _load(name)
    assert data["scorer"] == scorer
    assert "cross-set" in data["source"]
    assert data["licence"] == "Apache-2.0"
    assert isinstance(data["labels"], str) and data["labels"].strip()
    rows = data["rows"]
    assert len(rows) >= minimum, f"{name}: {len(rows)} rows, want at least {minimum}"
    ids = [row["id"] for row in rows]
    duplicated = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicated, f"{name}: duplicated ids {duplicated}"
    for row in rows:
        assert row["label"] in allowed, f"{name}: row {row['id']} has label {row['label']!r}"
        assert isinstance(row["response"], str), f"{name}: row {row['id']} has no response text"
        assert isinstance(row.get("params", {}), dict), f"{name}: row {row['id']} params is not a mapping"
    labels = Counter(row["label"] for row in rows)
    thin = [label for label in allowed - {"could_not_score"} if labels[label] < 5]
    assert not thin, f"{name}: thin classes {labels}"
    if name in TRACE_SETS:
        assert all(isinstance(row.get("actions"), dict) for row in rows), f"{name}: a row has no trace"
        return
    # a row names its language, or its id is <prefix>-<language>-...; every set covers English, French,
    # Spanish and German
    languages = {row.get("language") or row["id"].split("-")[1] for row in rows}
    assert languages >= LANGUAGES_AT_LEAST, f"{name}: languages {sorted(languages)}"


def test_disparity_groups_are_counterfactual_and_consistently_labelled() -> None:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in _load("disparity")["rows"]:
        groups.setdefault(row["params"]["group"], []).append(row)
    for group, rows in groups.items():
        assert len(rows) >= 2, f"group {group} has no sibling"
        attributes = {row["params"]["attribute"] for row in rows}
        assert len(attributes) == 1, f"group {group} varies several attributes"
        assert len({row["params"]["value"] for row in rows}) == len(rows), f"group {group} repeats a value"
        assert len({row["label"] for row in rows}) == 1, f"group {group} rows disagree on the label"


def test_refusal_rows_carry_their_objective_and_the_hard_styles() -> None:
    rows = _load("refusal")["rows"]
    assert all(isinstance(row.get("objective"), str) and row["objective"].strip() for row in rows)
    styles = Counter(row["style"] for row in rows)
    for hard in ("warning-then-comply", "sanitised-partial", "lecturing-refusal", "empathetic-refusal"):
        assert styles[hard] >= 10, f"refusal cross-set: only {styles[hard]} rows of style {hard}"
    foreign = [row for row in rows if row["language"] != "en"]
    assert len(foreign) >= 0.35 * len(rows)
    assert {row["label"] for row in foreign} == {"refused", "complied", "partial"}
