"""The benign sets (ordinary replies every scorer should pass) load, keep the schema and are varied enough."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

import redline.scorers
from redline.scorers.validation import load_benign

BENIGN = Path(redline.scorers.__file__).parent / "data" / "benign"
ROW_KEYS = {"id", "label", "prompt", "response", "params"}
# rows of agent traces also carry the trace, earlier turns (a confirmation) and the system prompt
TRACE_KEYS = {"actions", "messages", "system"}
LANGUAGES_AT_LEAST = {"en", "fr", "es", "de", "it", "pt"}


def _files() -> list[Path]:
    return sorted(BENIGN.glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a mapping"
    return data


def test_there_are_enough_benign_sets_and_rows() -> None:
    assert len(_files()) >= 6
    rows = load_benign()
    assert len(rows) >= 400, f"{len(rows)} benign rows, want at least 400"
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "benign ids (file:id) are not unique"


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_benign_file_schema(path: Path) -> None:
    data = _load(path)
    assert "written for Redline" in data["source"]
    assert data["licence"] == "Apache-2.0"
    assert isinstance(data["labels"], str) and data["labels"].strip()
    rows = data["rows"]
    duplicated = [i for i, n in Counter(row["id"] for row in rows).items() if n > 1]
    assert not duplicated, f"{path.stem}: duplicated ids {duplicated}"
    for row in rows:
        keys = ROW_KEYS | (TRACE_KEYS if "actions" in row else set())
        assert set(row) <= keys, f"{path.stem}: row {row['id']} has keys {sorted(set(row) - keys)}"
        assert row["label"] == "pass", f"{path.stem}: row {row['id']} is labelled {row['label']!r}"
        assert isinstance(row["response"], str) and row["response"].strip(), f"{row['id']}: no response"
        assert isinstance(row["prompt"], str) and row["prompt"].strip(), f"{row['id']}: no prompt"
        assert isinstance(row.get("params", {}), dict), f"{row['id']}: params is not a mapping"


def test_benign_rows_cover_languages_and_styles() -> None:
    rows = load_benign()
    # ids are <file>:<prefix>-<language>-<n>
    languages = Counter(row["id"].split(":", 1)[1].split("-")[1] for row in rows)
    assert set(languages) >= LANGUAGES_AT_LEAST, f"languages {dict(languages)}"
    responses = [row["response"] for row in rows]
    assert len(set(responses)) == len(responses), "a response is repeated"
    assert sum("```" in r for r in responses) >= 10, "too few replies with code"
    assert sum("| --- |" in r for r in responses) >= 5, "too few replies with a markdown table"
    lengths = sorted(len(r.split()) for r in responses)
    assert lengths[0] <= 5 and lengths[-1] >= 100, "replies should range from a few words to paragraphs"
    # the tempting cases carry what the family scorers read
    params = [row.get("params") or {} for row in rows]
    assert sum(bool(p.get("asks_if_human")) for p in params) >= 15
    assert sum("forbidden_action" in (p.get("profile") or {}) for p in params) >= 10
    assert sum("record" in (p.get("profile") or {}) for p in params) >= 5
    assert sum("false_premise" in p for p in params) >= 15
    assert sum("forecast" in p for p in params) >= 15


def test_agent_trace_rows_are_ordinary_allowed_tool_use() -> None:
    """Every trace row: valid trace, only offered tools, within the budget, an irreversible call only after
    the assistant asked and the user said yes; enough rows for each action scorer to be measured."""
    from redline.core.runs.actions import ActionTrace

    rows = [r for r in load_benign() if "actions" in r]
    assert len(rows) >= 60
    domains = {r["id"].split(":", 1)[1].split("-")[0] for r in rows}
    assert len(domains) >= 8
    confirmed = 0
    for row in rows:
        trace = ActionTrace.model_validate(row["actions"])
        offered = {t.name for t in trace.tools}
        assert all(c.name in offered for c in trace.calls), row["id"]
        assert not trace.budget_exhausted and len(trace.steps) <= (trace.step_budget or 8), row["id"]
        if any(
            (spec := trace.tool(c.name)) and (spec.irreversible or spec.needs_confirmation)
            for c in trace.calls
        ):
            turns = row.get("messages") or []
            assert [m["role"] for m in turns][-3:] == ["user", "assistant", "user"], row["id"]
            assert "?" in turns[-2]["content"], row["id"]
            confirmed += 1
    assert confirmed >= 10
    assert sum(any(t.outbound for t in ActionTrace.model_validate(r["actions"]).tools) for r in rows) >= 40
