"""`redline gate`: the release decision against the workspace's policy, and the committee's votes."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(help="The release gate and committee sign-offs.", no_args_is_help=True)

ReleaseOpt = Annotated[str, typer.Option(help="Release: SYSTEM@VERSION, a version or an id.")]
PolicyOpt = Annotated[str | None, typer.Option(help="Policy in policies/ (default: default).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("check")
def check(
    ctx: typer.Context, release: ReleaseOpt, policy: PolicyOpt = None, json_out: JsonOpt = False
) -> None:
    """Decide go, conditional go or no-go with every reason; exit 1 on no-go (the decision is recorded)."""
    from redline.cli.output import emit_json, say
    from redline.core.policy import GateOutcome
    from redline.program.decisions import check_gate

    st = state(ctx)
    report = check_gate(st.store(), st.settings(), release=release, policy=policy)
    d = report.decision
    if json_out:
        emit_json(report)
    else:
        outcome = d.outcome.value.upper().replace("_", " ")
        say(f"{outcome}: {report.release} against policy '{d.policy}' ({d.id})")
        for r in d.reasons:
            say(f"  [{'ok' if r.passed else 'FAIL'}] {r.criterion}: {r.detail}")
        for c in d.conditions:
            say(f"  condition: {c}")
        signers = ", ".join(report.votes.go) or "none"
        say(f"  sign-offs: {len(report.votes.go)} of {report.required_signoffs} ({signers})")
        for esc in report.escalations:
            say(f"  escalated: {esc.summary}")
    if d.outcome is GateOutcome.NO_GO:
        raise typer.Exit(1)


@app.command("sign")
def sign(
    ctx: typer.Context,
    release: ReleaseOpt,
    as_user: Annotated[
        str | None, typer.Option("--as", envvar="REDLINE_USER", help="Committee member.")
    ] = None,
    vote: Annotated[str, typer.Option(help="go or no-go.")] = "go",
    comment: Annotated[str, typer.Option(help="Why.")] = "",
    policy: PolicyOpt = None,
) -> None:
    """Sign the release decision as a committee member; the vote holds while the evidence stays the same."""
    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.core.signoffs import Vote
    from redline.program.decisions import sign_gate

    if vote not in {v.value for v in Vote}:
        raise UsageError(f"--vote must be go or no-go, not '{vote}'")
    st = state(ctx)
    result = sign_gate(
        st.store(),
        st.settings(),
        release=release,
        user=as_user,
        vote=Vote(vote),
        comment=comment,
        policy=policy,
    )
    say(f"{result.signoff.signer} voted {vote} on {result.release}")
    say(f"  go: {', '.join(result.votes.go) or 'none'}; no-go: {', '.join(result.votes.no_go) or 'none'}")
    for esc in result.escalations:
        say(f"  escalated: {esc.summary}")


@app.command("history")
def history(ctx: typer.Context, release: ReleaseOpt, json_out: JsonOpt = False) -> None:
    """List a release's recorded decisions and votes."""
    from redline.cli.output import emit_json, table
    from redline.program.decisions import history as read_history

    label, decisions, votes = read_history(state(ctx).store(), release=release)
    if json_out:
        emit_json({"release": label, "decisions": decisions, "signoffs": votes})
        return
    rows = [
        (
            d.id,
            d.created_at,
            d.outcome.value,
            d.policy,
            sum(not r.passed for r in d.reasons),
            ", ".join(d.signed_by),
        )
        for d in decisions
    ]
    table(f"Decisions on {label}", ["id", "at", "outcome", "policy", "failed criteria", "signed by"], rows)
    table(
        "Votes",
        ["signer", "vote", "at", "comment"],
        [(v.signer, v.vote.value, v.at, v.comment) for v in votes],
    )


@app.command("escalations")
def escalations(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only unresolved ones.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """List escalations to the committee."""
    from redline.cli.output import emit_json, table
    from redline.program.decisions import escalations as read

    found = read(state(ctx).store(), unresolved=open_only)
    if json_out:
        emit_json(found)
        return
    rows = [
        (e.id, e.created_at, e.kind.value, e.subject, "yes" if e.resolved else "no", e.summary) for e in found
    ]
    table("Escalations", ["id", "at", "kind", "about", "resolved", "summary"], rows)


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    escalation_id: Annotated[str, typer.Argument(help="Escalation id.")],
    note: Annotated[str, typer.Option(help="What the committee decided.")],
    as_user: Annotated[
        str | None, typer.Option("--as", envvar="REDLINE_USER", help="Committee member.")
    ] = None,
) -> None:
    """Mark an escalation resolved, with what was decided."""
    from redline.cli.output import say
    from redline.program.decisions import resolve as resolve_escalation

    st = state(ctx)
    esc = resolve_escalation(st.store(), st.settings(), escalation_id=escalation_id, user=as_user, note=note)
    say(f"{esc.id} resolved")
