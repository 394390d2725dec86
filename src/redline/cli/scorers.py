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


@app.command("calibrate")
def calibrate(
    ctx: typer.Context,
    labels: Annotated[
        Path,
        typer.Option(
            "--labels",
            help="Labelled exchanges: YAML or JSONL rows {id, prompt, response, label: pass|fail}.",
        ),
    ],
    scorer: Annotated[str, typer.Option("--scorer", help="The judge scorer to calibrate.")] = "judge.harm",
    judge: Annotated[
        str | None, typer.Option("--judge", help="System to judge with (default: the workspace's `judge:`).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Measure the judge model against your labelled exchanges and store the result for later rounds.

    Agreement, Cohen's kappa with its 95% interval and per-class precision and recall, over the rows the
    judge could score; rows it could not score are counted apart. Rounds scored by the same judge (model
    identity, scorer, rubric and settings) cite the newest calibration; reports mark judges without one.
    """
    from redline.cli.context import state
    from redline.cli.output import emit_json, table
    from redline.program.workbench.calibrations import calibrate as run_calibration

    st = state(ctx)
    stored, result = run_calibration(st.store(), st.settings(), labels=labels, scorer=scorer, judge=judge)
    if json_out:
        emit_json(
            {"id": stored.id, "created_at": stored.created_at.isoformat(), **result.model_dump(mode="json")}
        )
        return

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    kappa = (
        f"{result.kappa:.2f} ({result.kappa_low:.2f}-{result.kappa_high:.2f})"
        if result.kappa is not None and result.kappa_low is not None and result.kappa_high is not None
        else "-"
    )
    table(
        f"Judge calibration {stored.id}: {result.scorer} with {result.judge}",
        ["rows", "scored", "could not score", "agreement", "Cohen's kappa (95% CI)"],
        [(result.n, result.scored, result.could_not_score, pct(result.agreement), kappa)],
    )
    table(
        "Per class",
        ["label", "precision", "recall", "support"],
        [(c.label, pct(c.precision), pct(c.recall), c.support) for c in result.per_class],
    )
