"""`redline monitor`: production samples against the pre-release baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(help="Monitoring after release: drift in production.", no_args_is_help=True)


@app.command("ingest")
def ingest(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help='JSONL of conversations: {"messages": [...], "threats": [...]}.')
    ],
    release: Annotated[str, typer.Option(help="Release in production: SYSTEM@VERSION or id.")],
    scorer: Annotated[
        list[str] | None, typer.Option(help="Scorer to use (repeatable; default: the baseline's).")
    ] = None,
    as_user: Annotated[str | None, typer.Option("--as", envvar="REDLINE_USER", help="Acting user.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score the samples, compare rates and score distributions with the baseline, file drift as findings."""
    from redline.cli.output import emit_json, say, table
    from redline.program.monitoring import ingest as run_ingest

    st = state(ctx)
    report = run_ingest(
        st.store(), st.settings(), path=file, release=release, user=as_user, scorer_names=tuple(scorer or ())
    )
    if json_out:
        emit_json(report)
        return
    rows = [
        (
            r.subject,
            r.baseline.describe(),
            r.production.describe(),
            "DRIFT" if r.drifted else "stable",
            "; ".join(c.detail for c in r.checks),
        )
        for r in report.run.reports
    ]
    table(
        f"{report.run.samples} samples on {report.release} ({report.run.id})",
        ["scorer", "baseline", "production", "", "checks"],
        rows,
    )
    for a in report.findings:
        say(f"finding {a.action}: {a.finding.id} ({a.finding.risk.value}) {a.finding.title}")
    for name in report.skipped:
        say(f"drift on {name} has no catalog threat to file under; tag samples with 'threats'")
