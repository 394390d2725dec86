"""Export the catalog for other tools: JSON (full records) or CSV (one row per threat)."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Any

from redline.catalog.loader import Catalog
from redline.catalog.standards import Standards
from redline.core.catalog.threats import Threat


class ExportFormat(StrEnum):
    """Formats `catalog export` writes."""

    JSON = "json"
    CSV = "csv"


_CSV_FIELDS = (
    "id",
    "title",
    "harm_category",
    "default_severity",
    "status",
    "owner",
    "review_by",
    "zero_tolerance",
    "max_failure_rate",
    "affected_groups",
    "regulatory_concerns",
    "aliases",
)


def catalog_document(catalog: Catalog, standards: Standards) -> dict[str, Any]:
    """The catalog as one JSON-ready document: the standards it maps to, then every threat."""
    return {
        "standards": [
            {"key": k, "title": standards.get(k).title, "edition": standards.get(k).edition}
            for k in standards.names()
        ],
        "count": len(catalog),
        "threats": [
            {**t.model_dump(mode="json"), "source": catalog.entries[t.id].source} for t in catalog.threats()
        ],
    }


def export_catalog(catalog: Catalog, standards: Standards, fmt: ExportFormat) -> str:
    """The catalog as text in the requested format."""
    if fmt is ExportFormat.JSON:
        return json.dumps(catalog_document(catalog, standards), indent=2, ensure_ascii=False) + "\n"
    return _csv(catalog.threats(), standards.names())


def _csv(threats: list[Threat], keys: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*_CSV_FIELDS, *keys, "description", "likelihood_notes"])
    for t in threats:
        row: list[object] = [
            t.id,
            t.title,
            t.harm_category,
            int(t.default_severity),
            t.status.value,
            t.owner or "",
            t.review_by.isoformat() if t.review_by else "",
            "yes" if t.zero_tolerance else "no",
            "" if t.max_failure_rate is None else t.max_failure_rate,
            "; ".join(t.affected_groups),
            "; ".join(t.regulatory_concerns),
            "; ".join(t.aliases),
        ]
        row += ["; ".join(m.id for m in t.mappings if m.standard == k) for k in keys]
        row += [" ".join(t.description.split()), " ".join(t.likelihood_notes.split())]
        writer.writerow(row)
    return buf.getvalue()
