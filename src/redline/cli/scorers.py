"""`redline scorers`: list the registered scorers and validate them on their labelled sets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="List scorers and report their validation figures.", no_args_is_help=True)


@app.command("list")
def list_scorers(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the registered scorers (built-in and plugins) with what each needs."""
    from redline.cli.output import emit_json, table
    from redline.scorers.registry import scorer_infos

    infos = scorer_infos()
    if json_out:
        emit_json([i.model_dump(mode="json") for i in infos])
        return
    rows = [(i.name, i.kind, "yes" if i.needs_judge else "", i.summary) for i in infos]
    table(f"Scorers ({len(rows)})", ["name", "kind", "needs judge", "what it does"], rows)


@app.command("validate")
def validate(
    name: Annotated[
        str | None, typer.Argument(help="One scorer; all validated scorers when left out.")
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option("--labels", help="Folder of human labels (*.jsonl) to report Cohen's kappa against."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Precision, recall and F1 with 95% intervals, and the could-not-score rate, on the labelled sets.

    Side by side: in-distribution figures, the cross-set's F1 where a cross-set exists, and the share of
    benign replies flagged where benign sets exist.
    """
    from redline.cli.output import emit_json, table
    from redline.scorers import validation

    if name is None:
        reports = validation.validate_all(labels_dir=labels)
    else:
        reports = [validation.validate(name, labels_dir=labels)]
    if json_out:
        emit_json([r.model_dump(mode="json") for r in reports])
        return
    rows = []
    for r in reports:
        m = r.metrics
        c = r.cross.metrics if r.cross else None
        rows.append(
            (
                r.scorer,
                f"{r.set_name} ({r.split})",
                m.rows,
                f"{m.precision:.2f} ({m.precision_low:.2f}-{m.precision_high:.2f})",
                f"{m.recall:.2f} ({m.recall_low:.2f}-{m.recall_high:.2f})",
                f"{m.f1:.2f} ({m.f1_low:.2f}-{m.f1_high:.2f})",
                f"{c.f1:.2f} ({c.f1_low:.2f}-{c.f1_high:.2f}), {c.rows} rows" if c else "-",
                (
                    f"{r.benign.flagged}/{r.benign.scored} "
                    f"({r.benign.rate:.0%}, {r.benign.rate_low:.0%}-{r.benign.rate_high:.0%})"
                    if r.benign
                    else "-"
                ),
                f"{m.could_not_score}/{m.rows} ({m.cns_rate:.0%})",
                "; ".join(
                    f"{h.labeller} k={h.kappa_with_scorer:.2f}"
                    for h in r.human
                    if h.kappa_with_scorer is not None
                ),
            )
        )
    columns = [
        "scorer",
        "set",
        "rows",
        "precision",
        "recall",
        "F1",
        "cross-set F1",
        "benign flagged",
        "could not score",
        "human kappa",
    ]
    table("Scorer validation (95% intervals)", columns, rows)
