"""Render the report model as JSON that validates against the published schema (docs/report-schema.json)."""

from __future__ import annotations

from redline.reports.model import ReportModel


def render_json(model: ReportModel) -> str:
    """The report model as indented JSON."""
    return model.model_dump_json(indent=2) + "\n"
