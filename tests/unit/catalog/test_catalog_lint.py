"""Lint of workspace threat files: each problem names the file, the line and what to fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from redline.catalog.lint import ProblemLevel, lint_catalog
from redline.catalog.loader import load_catalog

TODAY = date(2026, 11, 27)

GOOD = """\
id: ops.custom
title: A workspace threat
description: Something specific to this product.
harm_category: security
owner: security
review_by: 2027-01-31
max_failure_rate: 0.1
mappings:
  - {standard: owasp-llm-2025, id: "LLM01:2025", name: Prompt Injection}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_workspace_threat_adds_to_the_shipped_catalog(tmp_path: Path) -> None:
    _write(tmp_path, "ops.custom.yaml", GOOD)
    catalog = load_catalog(tmp_path)
    assert catalog.entry("ops.custom").source == "workspace"
    assert "injection.direct" in catalog
    report = lint_catalog(tmp_path, today=TODAY)
    assert report.ok and report.problems == ()


def test_an_unknown_mapping_id_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "ops.custom.yaml", GOOD.replace('"LLM01:2025"', '"LLM11:2025"'))
    report = lint_catalog(tmp_path, today=TODAY)
    assert not report.ok
    (err,) = report.errors
    assert err.file == str(path) and err.line == 9
    assert "'LLM11:2025' is not an id of" in err.message and err.standard == "owasp-llm-2025"


def test_a_mapping_to_the_wrong_edition_is_caught(tmp_path: Path) -> None:
    _write(tmp_path, "ops.custom.yaml", GOOD.replace("owasp-llm-2025", "owasp-llm-2026"))
    (err,) = lint_catalog(tmp_path, today=TODAY).errors
    assert "LLM01:2025" in err.message and "2026" in err.message


def test_unknown_standard_and_contradictions_are_errors_wrong_names_are_warnings(tmp_path: Path) -> None:
    text = GOOD.replace("max_failure_rate: 0.1", "max_failure_rate: 0.1\nzero_tolerance: true")
    text = text.replace("name: Prompt Injection", "name: Prompt Smuggling")
    text += '  - {standard: iso-42001, id: "6.1"}\n'
    _write(tmp_path, "ops.custom.yaml", text)
    report = lint_catalog(tmp_path, today=TODAY)
    errors = [p.message for p in report.errors]
    warnings = [p.message for p in report.problems if p.level is ProblemLevel.WARNING]
    assert "zero_tolerance and max_failure_rate contradict each other; keep one" in errors
    assert any("unknown standard 'iso-42001'" in m for m in errors)
    assert any("is named 'Prompt Injection' in owasp-llm-2025, not 'Prompt Smuggling'" in m for m in warnings)


def test_a_malformed_file_is_reported_and_the_others_are_still_checked(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.yaml", "id: ops.bad\ntitle: [unclosed\n")
    _write(tmp_path, "ops.custom.yaml", GOOD.replace('"LLM01:2025"', '"LLM99:2025"'))
    report = lint_catalog(tmp_path, today=TODAY)
    files = [p.file for p in report.errors]
    assert str(bad) in files and str(tmp_path / "ops.custom.yaml") in files


def test_overdue_reviews_and_missing_owners_are_warnings(tmp_path: Path) -> None:
    _write(tmp_path, "ops.custom.yaml", GOOD.replace("owner: security\n", ""))
    report = lint_catalog(tmp_path, today=date(2027, 2, 1))
    assert report.ok
    warnings = [p.message for p in report.problems if p.subject == "ops.custom"]
    assert "review overdue since 2027-01-31" in warnings
    assert any(w.startswith("no owner") for w in warnings)


def test_an_alias_that_names_another_threat_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "ops.custom.yaml", GOOD.replace("title:", "aliases: [injection.direct]\ntitle:"))
    report = lint_catalog(tmp_path, today=TODAY)
    assert any("alias 'injection.direct' already names" in p.message for p in report.errors)
