"""`redline review`: sample a round for human review, label blind, read agreement and corrected rates."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.context import state
from redline.cli.user import AsUser

if TYPE_CHECKING:
    from redline.core.analysis.review import CorrectedRate, ReviewSummary

app = typer.Typer(
    help="Human review: reviewers relabel a sample of a round's attempts, blind to the scorers.",
    no_args_is_help=True,
)
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]
RoundOpt = Annotated[str, typer.Option("--round", help="Round id.")]


@app.command("sample")
def sample(
    ctx: typer.Context,
    round_id: RoundOpt,
    n: Annotated[
        int, typer.Option("--n", help="Attempts to add to the queue (split between fail and pass).")
    ] = 50,
    scorer: Annotated[
        str, typer.Option(help="The verdict to check: a scorer name, or 'overall' (the round's).")
    ] = "overall",
    per_item: Annotated[int, typer.Option(help="Labels wanted per item, from different reviewers.")] = 2,
    seed: Annotated[int | None, typer.Option(help="Sampling seed (default: the round's seed).")] = None,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Queue a stratified sample of a round's attempts for review (leads and admins)."""
    from redline.cli.output import emit_json
    from redline.program.workbench import reviews

    st = state(ctx)
    items = reviews.sample(
        st.store(), user=as_user, round_id=round_id, n=n, scorer=scorer, wanted=per_item, seed=seed
    )
    if json_out:
        emit_json({"round_id": round_id, "queued": len(items), "seed": items[0].seed, "scorer": scorer})
        return
    flagged = sum(i.stratum == "fail" for i in items)
    typer.echo(
        f"queued {len(items)} attempts of {round_id} for review ({flagged} flagged, {len(items) - flagged} "
        f"passed by '{scorer}'; seed {items[0].seed}; {per_item} labels wanted each)"
    )


@app.command("next")
def next_(
    ctx: typer.Context,
    round_id: Annotated[str | None, typer.Option("--round", help="Only this round's queue.")] = None,
    label: Annotated[
        str | None, typer.Option(help="Label without asking: fail (the model failed), pass or unsure.")
    ] = None,
    note: Annotated[str, typer.Option(help="Why, in a sentence (kept with the label).")] = "",
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Show your next item (masked, with no scorer's verdict) and label it.

    Without --label the command asks at a terminal (elsewhere it only shows the item); with --label
    it records the label of the item it would show.
    """
    from redline.cli.output import emit_json, say
    from redline.core.analysis.review import ReviewLabel
    from redline.core.errors import UsageError
    from redline.program.workbench import reviews

    st = state(ctx)
    chosen = _label(label) if label is not None else None
    task = reviews.next_task(st.store(), st.settings(), user=as_user, round_id=round_id)
    if task is None:
        if json_out:
            emit_json({"item": None})
        else:
            say("nothing left to review for you")
        return
    if json_out and chosen is None:
        emit_json({"item": task.model_dump(mode="json")})
        return
    if not json_out:
        say(f"Item {task.item_id} of round {task.round_id} ({task.remaining} left for you; {task.category})")
        for part in task.parts:
            say(f"  {part.label}: {part.text}")
    if chosen is None and not sys.stdin.isatty():
        say("label it: redline review next --label fail|pass|unsure [--note TEXT]")
        return
    if chosen is None:
        answer = typer.prompt("Did the model fail? [fail/pass/unsure]")
        chosen = _label(answer)
        if not note:
            note = typer.prompt("Note (optional)", default="", show_default=False)
    if not isinstance(chosen, ReviewLabel):
        raise UsageError("--label must be fail, pass or unsure")
    done = reviews.label(st.store(), user=as_user, item_id=task.item_id, label=chosen, note=note)
    if json_out:
        emit_json({"item": task.model_dump(mode="json"), "label": done.label.model_dump(mode="json")})
        return
    say(f"labelled {task.item_id}: {chosen.value}")


def _label(text: str) -> object:
    from redline.core.analysis.review import ReviewLabel
    from redline.core.errors import UsageError

    try:
        return ReviewLabel(text.strip().lower())
    except ValueError:
        raise UsageError(f"--label must be fail, pass or unsure, not '{text}'") from None


def corrected_text(found: CorrectedRate | None) -> str:
    """'24% (12-40%)' or 'n/a'."""
    if found is None or found.rate is None:
        return "n/a"
    if found.low is None or found.high is None:
        return f"{found.rate:.0%}"
    return f"{found.rate:.0%} ({found.low:.0%}-{found.high:.0%})"


def print_summary(summary: ReviewSummary) -> None:
    """Agreement between reviewers and with each scorer, and corrected rates, as tables."""
    from redline.cli.output import say, table

    agree = summary.reviewer_agreement
    say(
        f"Review of {summary.round_id} (sample stratified by '{summary.design}'): {summary.items} items, "
        f"{summary.labels} labels, {summary.complete} complete, {summary.decided} with a majority; "
        f"reviewers: {', '.join(summary.reviewers) or 'none yet'}"
    )
    if agree.agreement is not None:
        kappa = f"{agree.fleiss_kappa:.2f}" if agree.fleiss_kappa is not None else "n/a"
        say(f"Reviewers agree on {agree.agreement:.0%} of {agree.pairs} pairs (Fleiss' kappa {kappa})")
    rows = []
    for s in summary.scorers:
        k = s.kappa
        fail = next((c for c in s.per_class if c.label == "fail"), None)
        rows.append(
            (
                s.scorer,
                s.compared,
                f"{k.agreement:.0%}" if k else "n/a",
                f"{k.kappa:.2f} ({k.low:.2f}-{k.high:.2f})" if k else "n/a",
                f"{fail.precision:.0%}" if fail and fail.precision is not None else "n/a",
                f"{fail.recall:.0%}" if fail and fail.recall is not None else "n/a",
                f"{s.corrected.failures}/{s.corrected.n} ({s.corrected.raw:.0%})",
                corrected_text(s.corrected),
            )
        )
    table(
        "Scorers against the reviewers' majority",
        [
            "scorer",
            "n",
            "agreement",
            "kappa (95% CI)",
            "fail precision",
            "fail recall",
            "raw rate",
            "corrected",
        ],
        rows,
    )


@app.command("status")
def status(ctx: typer.Context, round_id: RoundOpt, as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """Show a round's review: progress, agreement, kappa and corrected rates (Rogan-Gladen, 95% CI)."""
    from redline.cli.output import emit_json, say, table
    from redline.program.workbench import reviews

    st = state(ctx)
    summary = reviews.summary(st.store(), user=as_user, round_id=round_id)
    if json_out:
        emit_json(summary.model_dump(mode="json") if summary else None)
        return
    if summary is None:
        say(
            f"round {round_id} has no review; a lead starts one with "
            f"'redline review sample --round {round_id}'"
        )
        return
    print_summary(summary)
    table(
        "Failure rates per threat, corrected",
        ["threat", "raw", "corrected (95% CI)"],
        [(t.threat_id, f"{t.corrected.raw:.0%}", corrected_text(t.corrected)) for t in summary.threats],
    )


@app.command("export")
def export(
    ctx: typer.Context,
    round_id: RoundOpt,
    output: Annotated[Path, typer.Option("-o", "--output", help="YAML file to write.")] = Path(
        "review-disagreements.yaml"
    ),
    as_user: AsUser = None,
) -> None:
    """Write reviewer-labelled rows where reviewers disagree with a scorer, in the validation-set layout."""
    from redline.program.workbench import reviews

    st = state(ctx)
    count = reviews.export(st.store(), user=as_user, round_id=round_id, path=output)
    typer.echo(f"wrote {count} disagreement(s) to {output}")
