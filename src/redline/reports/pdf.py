"""Render the report as PDF: the self-contained HTML, printed by headless Chromium."""

from __future__ import annotations

import tempfile
from pathlib import Path

from redline.reports.browser import print_pdf
from redline.reports.html import render_html
from redline.reports.model import ReportModel


def render_pdf(model: ReportModel) -> bytes:
    """The report as PDF bytes; the HTML never leaves a private temporary folder."""
    with tempfile.TemporaryDirectory(prefix="redline-pdf-") as tmp:
        html_file = Path(tmp) / "report.html"
        html_file.write_text(render_html(model), encoding="utf-8")
        return print_pdf(html_file, Path(tmp) / "report.pdf").read_bytes()
