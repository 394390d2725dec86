"""Write a report in any format from the one report model."""

from __future__ import annotations

from pathlib import Path

from redline.reports.model import ReportFormat, ReportModel


def render(model: ReportModel, fmt: ReportFormat) -> bytes:
    """The report in one format, as bytes (UTF-8 for the text formats)."""
    if fmt is ReportFormat.PDF:
        from redline.reports.pdf import render_pdf

        return render_pdf(model)
    if fmt is ReportFormat.HTML:
        from redline.reports.html import render_html

        text = render_html(model)
    elif fmt is ReportFormat.MD:
        from redline.reports.markdown import render_report_markdown

        text = render_report_markdown(model)
    elif fmt is ReportFormat.JSON:
        from redline.reports.json import render_json

        text = render_json(model)
    elif fmt is ReportFormat.SARIF:
        from redline.reports.sarif import render_sarif

        text = render_sarif(model)
    else:
        from redline.reports.junit import render_junit

        text = render_junit(model)
    return text.encode("utf-8")


def default_name(model: ReportModel, fmt: ReportFormat) -> str:
    """A file name such as 'redline-report-chat-assistant-1.1-internal.html'."""
    parts = [model.scope.system or model.scope.program, model.scope.release or model.scope.round_ids[0]]
    stem = "-".join(p.replace("/", "_").replace(" ", "_") for p in parts if p)
    return f"redline-report-{stem}-{model.audience.value}{fmt.suffix}"


def write_report(model: ReportModel, fmt: ReportFormat, path: Path) -> Path:
    """Write the report to `path` (folders created as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(model, fmt))
    return path
