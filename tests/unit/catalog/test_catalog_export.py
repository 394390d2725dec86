"""Export (JSON, CSV) and the review-due list."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from redline.catalog.export import ExportFormat, export_catalog
from redline.catalog.loader import load_catalog
from redline.catalog.review import review_due
from redline.catalog.standards import load_standards


def test_json_export_holds_every_threat_with_its_mappings() -> None:
    catalog = load_catalog()
    doc = json.loads(export_catalog(catalog, load_standards(), ExportFormat.JSON))
    assert doc["count"] == len(catalog) == len(doc["threats"])
    direct = next(t for t in doc["threats"] if t["id"] == "injection.direct")
    assert {"standard": "owasp-llm-2026", "id": "LLM01:2026", "name": "Prompt Injection"} in direct[
        "mappings"
    ]
    assert direct["source"] == "shipped"
    assert {s["key"] for s in doc["standards"]} >= {"owasp-llm-2025", "owasp-llm-2026", "mitre-atlas"}


def test_csv_export_has_one_row_per_threat_and_a_column_per_standard() -> None:
    catalog = load_catalog()
    rows = list(csv.DictReader(io.StringIO(export_catalog(catalog, load_standards(), ExportFormat.CSV))))
    assert len(rows) == len(catalog)
    row = next(r for r in rows if r["id"] == "leakage.system-prompt")
    assert row["zero_tolerance"] == "yes" and "LLM07:2025" in row["owasp-llm-2025"]
    assert "\n" not in row["description"]


def test_review_due_lists_overdue_first_and_skips_future_dates() -> None:
    catalog = load_catalog()
    assert review_due(catalog, today=date(2027, 1, 1)) == []
    due = review_due(catalog, today=date(2027, 7, 1))
    assert due and all(i.review_by is not None and i.review_by <= date(2027, 7, 1) for i in due)
    assert due[0].days_overdue == max(i.days_overdue or 0 for i in due)
    soon = review_due(catalog, today=date(2027, 3, 1), within_days=30)
    assert {i.review_by for i in soon} == {date(2027, 3, 31)}
