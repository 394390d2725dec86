"""`redline compare`: two releases (or rounds) threat by threat."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state


def compare(
    ctx: typer.Context,
    before: Annotated[str, typer.Argument(help="Earlier release (SYSTEM@VERSION or id) or round (rnd_...).")],
    after: Annotated[str, typer.Argument(help="Later release or round.")],
    alpha: Annotated[float, typer.Option(help="Significance level of the two-proportion test.")] = 0.05,
    fail_on_regression: Annotated[
        bool, typer.Option("--fail-on-regression", help="Exit 1 when any threat regressed or newly fails.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per threat, both failure rates with 95% intervals: fixed, regressed, new or unchanged."""
    from redline.cli.output import emit_json, table
    from redline.program.register.comparison import compare as run_compare

    result = run_compare(state(ctx).store(), before=before, after=after, alpha=alpha)
    if json_out:
        emit_json(
            {**result.model_dump(mode="json"), "regressions": [r.threat_id for r in result.regressions]}
        )
    else:
        rows = [
            (
                r.threat_id,
                r.before.describe() if r.before else "not tested",
                r.after.describe() if r.after else "not tested",
                r.change.value,
                f"{r.p_value:.3g}" if r.p_value is not None else "",
            )
            for r in result.rows
        ]
        table(f"{result.before} -> {result.after}", ["threat", "before", "after", "change", "p"], rows)
    if fail_on_regression and result.regressions:
        raise typer.Exit(1)
