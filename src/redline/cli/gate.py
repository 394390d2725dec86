"""`redline gate`: the release decision against the workspace's policy, and the committee's votes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.context import state

if TYPE_CHECKING:
    from redline.core.register.revisits import DecisionStatus

app = typer.Typer(help="The release gate and committee sign-offs.", no_args_is_help=True)
condition_app = typer.Typer(
    help="The checklist of a conditional go: which conditions hold.", no_args_is_help=True
)
app.add_typer(condition_app, name="condition")

ReleaseOpt = Annotated[str, typer.Option(help="Release: SYSTEM@VERSION, a version or an id.")]
PolicyOpt = Annotated[str | None, typer.Option(help="Policy in policies/ (default: default).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOpt = Annotated[str | None, typer.Option("--as", envvar="REDLINE_USER", help="Who acts.")]


@app.command("check")
def check(
    ctx: typer.Context, release: ReleaseOpt, policy: PolicyOpt = None, json_out: JsonOpt = False
) -> None:
    """Decide go, conditional go or no-go with every reason; the decision is recorded.

    Exit 1 unless the release may ship: a no-go, a stale go and a conditional go with a condition that
    does not hold all exit 1 (pending conditions are listed but do not fail it)."""
    from redline.cli.output import emit_json, say
    from redline.program.register.decisions import check_gate

    st = state(ctx)
    report = check_gate(st.store(), st.settings(), release=release, policy=policy)
    d = report.decision
    if json_out:
        emit_json(report)
    else:
        outcome = d.outcome.value.upper().replace("_", " ")
        say(f"{outcome}: {report.release} against policy '{d.policy}' ({d.id})")
        for r in d.reasons:
            say(_plain(f"  [{'ok' if r.passed else 'FAIL'}] {r.criterion}: {r.detail}"))
        if report.status is not None and report.status.conditions:
            _checklist(report.status)
        else:
            for c in d.conditions:
                say(_plain(f"  condition: {c}"))
        signers = ", ".join(report.votes.go) or "none"
        say(f"  sign-offs: {len(report.votes.go)} of {report.required_signoffs} ({signers})")
        if report.status is not None and report.status.stale:
            say(f"  STALE: {report.status.staleness.detail}")
        if report.superseded is not None:
            say(f"  replaces a stale decision: {report.superseded.detail}")
        for esc in report.escalations:
            say(_plain(f"  escalated: {esc.summary}"))
    if not report.holds:
        raise typer.Exit(1)


def _checklist(status: DecisionStatus) -> None:
    from redline.cli.output import say

    for c in status.conditions:
        owner = f"; owner {c.condition.owner}" if c.condition.owner else ""
        say(_plain(f"  condition {c.state.value}: {c.condition.id} {c.condition.text} ({c.detail}{owner})"))


def _plain(text: str) -> str:
    """Text printed as it is (square brackets in it are not Rich markup)."""
    from rich.markup import escape

    return escape(text)


@app.command("status")
def status(ctx: typer.Context, release: ReleaseOpt, json_out: JsonOpt = False) -> None:
    """The standing (latest recorded) decision revisited now, without recording a new one.

    Exit 0 only while it lets the release ship: not a no-go, not stale, no condition broken; exit 1
    otherwise, and when the gate has never been checked."""
    from redline.cli.output import emit_json, say
    from redline.program.register.decisions import standing

    label, found = standing(state(ctx).store(), state(ctx).settings(), release=release)
    if json_out:
        emit_json({"release": label, "status": found, "holds": found is not None and found.holds})
    elif found is None:
        say(f"{label}: the gate has not been checked ('redline gate check --release {label}')")
    else:
        d = found.decision
        mark = "STALE " if found.stale else ""
        verdict = "holds" if found.holds else "does not hold"
        say(f"{mark}{d.outcome.value.upper().replace('_', ' ')}: {label} ({d.id}, {d.created_at}); {verdict}")
        if found.stale:
            say(f"  {found.staleness.detail}")
        _checklist(found)
    if found is None or not found.holds:
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
    from redline.core.register.signoffs import Vote
    from redline.program.register.decisions import sign_gate

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
        say(_plain(f"  escalated: {esc.summary}"))


@app.command("history")
def history(ctx: typer.Context, release: ReleaseOpt, json_out: JsonOpt = False) -> None:
    """List a release's recorded decisions and votes."""
    from redline.cli.output import emit_json, table
    from redline.program.register.decisions import history as read_history

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
    from redline.program.register.decisions import escalations as read

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
    from redline.program.register.decisions import resolve as resolve_escalation

    st = state(ctx)
    esc = resolve_escalation(st.store(), st.settings(), escalation_id=escalation_id, user=as_user, note=note)
    say(f"{esc.id} resolved")


@app.command("escalate")
def escalate(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option(help="Why it needs the committee now.")],
    finding: Annotated[str | None, typer.Option(help="Finding id to escalate.")] = None,
    release: Annotated[
        str | None, typer.Option(help="Release to escalate: SYSTEM@VERSION, a version or an id.")
    ] = None,
    to: Annotated[str | None, typer.Option(help="Role to raise it to (default: the committee).")] = None,
    as_user: Annotated[str | None, typer.Option("--as", envvar="REDLINE_USER", help="Who escalates.")] = None,
) -> None:
    """Escalate a finding or a release by hand (testers, engineers, leads, committee, admins); hooks fire."""
    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.core.people.users import Role
    from redline.program.register.escalations import escalate_by_hand

    role = None
    if to is not None:
        try:
            role = Role(to)
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise UsageError(f"--to must be a role ({known}), not '{to}'") from None
    st = state(ctx)
    esc = escalate_by_hand(
        st.store(), st.settings(), reason=reason, user=as_user, finding=finding, release=release, to=role
    )
    say(_plain(f"{esc.id}: {esc.summary}"))


@app.command("upkeep")
def upkeep(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Run the upkeep sweep now: expire accepted risks, escalate SLA breaches and stale decisions, close and
    reopen escalations, check conditions (a schedule runs it too; running it twice changes nothing)."""
    from redline.cli.output import emit_json, say
    from redline.program.register.upkeep import run_upkeep

    st = state(ctx)
    done = run_upkeep(st.store(), st.settings())
    if json_out:
        emit_json(done)
        return
    say(done.summary)
    for fid in done.expired:
        say(f"  acceptance expired, back to triage: {fid}")
    for esc in done.raised:
        say(_plain(f"  escalated: {esc.summary}"))
    for esc in done.closed:
        say(_plain(f"  closed: {esc.id} ({esc.details.get('closed_because', '')})"))
    for esc in done.reopened:
        say(_plain(f"  reopened: {esc.id}: {esc.summary}"))
    for r in done.releases:
        if not r.status.holds and r.status.decision.outcome.value != "no_go":
            say(f"  {r.release}: {r.status.decision.outcome.value} does not hold")


@condition_app.command("list")
def condition_list(ctx: typer.Context, release: ReleaseOpt, json_out: JsonOpt = False) -> None:
    """A release's conditions with owner, latest report and whether each holds now."""
    from redline.cli.output import emit_json, table
    from redline.program.register.conditions import checklist

    label, checks = checklist(state(ctx).store(), release=release)
    if json_out:
        emit_json({"release": label, "conditions": checks})
        return
    rows = [
        (
            c.condition.id,
            c.condition.kind.value,
            c.condition.text,
            c.condition.owner or "",
            c.state.value,
            c.detail,
        )
        for c in checks
    ]
    table(f"Conditions of {label}", ["id", "kind", "condition", "owner", "state", "detail"], rows)


@condition_app.command("add")
def condition_add(
    ctx: typer.Context,
    release: ReleaseOpt,
    text: Annotated[str, typer.Option(help="The condition in words.")],
    kind: Annotated[str, typer.Option(help="manual, rollout_share, feature_flag or monitoring.")] = "manual",
    owner: Annotated[str | None, typer.Option(help="Who sees to it.")] = None,
    maximum: Annotated[float | None, typer.Option(help="rollout_share: highest share allowed (0-1).")] = None,
    flag: Annotated[str | None, typer.Option(help="feature_flag: the flag that must stay off.")] = None,
    window_days: Annotated[int, typer.Option(help="monitoring: a run must exist within this many days.")] = 7,
    as_user: AsOpt = None,
) -> None:
    """Add a condition to a release's checklist by hand (leads, committee, admins)."""
    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.core.register.policy import ConditionKind
    from redline.program.register.conditions import add

    try:
        which = ConditionKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in ConditionKind)
        raise UsageError(f"--kind must be one of {known}, not '{kind}'") from None
    cond = add(
        state(ctx).store(),
        release=release,
        text=text,
        user=as_user,
        owner=owner,
        kind=which,
        maximum=maximum,
        flag=flag,
        window_days=window_days,
    )
    say(_plain(f"{cond.id}: {cond.text}"))


@condition_app.command("report")
def condition_report(
    ctx: typer.Context,
    condition_id: Annotated[str, typer.Argument(help="Condition id ('redline gate condition list').")],
    share: Annotated[float | None, typer.Option(help="rollout_share: the share in force (0-1).")] = None,
    flag: Annotated[str | None, typer.Option(help="feature_flag: the flag's state, on or off.")] = None,
    evidence: Annotated[str, typer.Option(help="What shows it (a link, a log line, a memo).")] = "",
    fails: Annotated[bool, typer.Option("--fails", help="manual: the condition does not hold.")] = False,
    owner: Annotated[str | None, typer.Option(help="Set the owner too.")] = None,
    as_user: AsOpt = None,
) -> None:
    """Report what is in force for a condition; says whether it holds now (exit 1 when it is broken)."""
    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.core.register.revisits import ConditionState
    from redline.program.register.conditions import report

    if flag is not None and flag not in ("on", "off"):
        raise UsageError(f"--flag must be on or off, not '{flag}'")
    check = report(
        state(ctx).store(),
        condition_id=condition_id,
        user=as_user,
        share=share,
        flag_on=None if flag is None else flag == "on",
        holds=False if fails else None,
        evidence=evidence,
        owner=owner,
    )
    say(_plain(f"{check.condition.id} {check.state.value}: {check.condition.text} ({check.detail})"))
    if check.state is ConditionState.BROKEN:
        raise typer.Exit(1)
