"""`redline monitor`: production exchanges against a production baseline window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.context import state

if TYPE_CHECKING:
    from redline.core.analysis.drift import DriftReport
    from redline.program.register.monitoring import MonitorRunReport

app = typer.Typer(help="Monitoring after release: drift in production.", no_args_is_help=True)

AsUser = Annotated[str | None, typer.Option("--as", envvar="REDLINE_USER", help="Acting user.")]
Release = Annotated[
    str | None,
    typer.Option(
        help="Release in production: SYSTEM@VERSION or id (default: monitoring.release, else newest)."
    ),
]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("run")
def run(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Configured source to read (repeatable; default: all)."),
    ] = None,
    release: Release = None,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Read new exchanges from the sources, score them, compare the current window with the baseline."""
    from redline.program.register.monitoring import run_monitor

    st = state(ctx)
    report = run_monitor(
        st.store(), st.settings(), release=release, user=as_user, sources=tuple(source or ())
    )
    _show(report, json_out=json_out)


@app.command("ingest")
def ingest(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help='JSONL of conversations: {"messages": [...], "at": "...", "id": "..."}.')
    ],
    release: Release = None,
    scorer: Annotated[
        list[str] | None, typer.Option(help="Scorer to use (repeatable; default: monitoring.scorers).")
    ] = None,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """One file read once, whole, as a run of its own (no cursor kept): the same pipeline as `run`."""
    from redline.program.register.monitoring import FileSource, run_monitor

    st = state(ctx)
    report = run_monitor(
        st.store(),
        st.settings(),
        release=release,
        user=as_user,
        exchange_sources=[FileSource(file)],
        scorer_names=tuple(scorer or ()),
    )
    _show(report, json_out=json_out)


def _rate(r: DriftReport, side: str) -> str:
    ev = r.baseline if side == "baseline" else r.production
    if not ev.n:
        return "-"
    return f"{ev.failures}/{ev.n} = {ev.rate:.1%} [{ev.low:.1%}, {ev.high:.1%}]"


def _stat(r: DriftReport, name: str) -> str:
    check = r.check(name)
    if check is None or check.value is None:
        return "-"
    if name == "ks":
        return f"{check.p_value:.3g}" if check.p_value is not None else "-"
    return f"{check.value:.3f}"


def _show(report: MonitorRunReport, *, json_out: bool) -> None:
    from rich.markup import escape

    from redline.cli.output import emit_json, say, table

    if json_out:
        emit_json(report)
        return
    for s in report.sources:
        say(
            f"{s.name}: {s.read} exchanges read, {s.sampled} scored"
            + (f", {len(s.skipped)} unreadable" if s.skipped else "")
        )
        for line in s.skipped[:10]:
            say(f"  skipped: {escape(line)}")
        if len(s.skipped) > 10:
            say(f"  ... and {len(s.skipped) - 10} more")
    w = report.windows
    if w.baseline is not None:
        say(
            f"baseline window {w.baseline.describe()} UTC; current window "
            + (w.current.describe() + " UTC" if w.current else "-")
        )
    if report.reports:
        table(
            f"Drift on {report.release} ({report.run.id})",
            ["scorer", "baseline (95%)", "current (95%)", "PSI", "KS p", "verdict"],
            [
                (
                    r.subject,
                    _rate(r, "baseline"),
                    _rate(r, "current"),
                    _stat(r, "psi"),
                    _stat(r, "ks"),
                    r.verdict.upper() if r.drifted else r.verdict,
                )
                for r in report.reports
            ],
        )
        for r in report.reports:
            if not r.judged:
                say(escape(f"{r.subject}: {r.note}"))
    for c in report.clusters:
        say(f"new failure mode: {c.size} answers unlike the baseline (distance {c.distance:.2f})")
        for text in c.examples:
            say(f"  - {escape(text)}")
    for a in report.findings:
        say(f"finding {a.action}: {a.finding.id} ({a.finding.risk.value}) {escape(a.finding.title)}")
    for e in report.escalations:
        say(f"escalation {e.id} ({e.kind.value}): {escape(e.summary)}")
    for note in report.notes:
        say(escape(note))
