"""`redline finding`: the risk register: propose from evidence, triage, comment, link, verify."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.context import state

if TYPE_CHECKING:
    from redline.config.settings import Settings
    from redline.store.session import Store

app = typer.Typer(help="Findings and the risk register.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOpt = Annotated[
    str | None, typer.Option("--as", envvar="REDLINE_USER", help="Acting user (default: REDLINE_USER).")
]
IdArg = Annotated[str, typer.Argument(help="Finding id.")]


@app.command("propose")
def propose(
    ctx: typer.Context,
    round_id: Annotated[str, typer.Option("--round", help="Round whose evidence to read.")],
    policy: Annotated[str | None, typer.Option(help="Policy in policies/ (default: default).")] = None,
    embeddings: Annotated[
        bool, typer.Option(help="Match findings with the bundled embedding model (default: word overlap).")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Propose findings from a round's evidence: open new ones, attach to matches, reopen regressions."""
    from redline.cli.output import emit_json, table
    from redline.program.register.findings import bundled_embedder, propose_from_round

    st = state(ctx)
    embed = bundled_embedder() if embeddings else None
    result = propose_from_round(st.store(), st.settings(), round_id=round_id, policy=policy, embed=embed)
    if json_out:
        emit_json(result)
        return
    rows = [
        (a.action, a.finding.id, a.finding.threat_id, a.finding.risk.value, a.proposal.reason)
        for a in result.actions
    ]
    table(f"Findings from {round_id}", ["action", "finding", "threat", "risk", "why"], rows)
    for esc in result.escalations:
        typer.echo(f"escalated: {esc.summary}")


@app.command("list")
def list_findings(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only findings still needing work.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """List the risk register, highest risk first."""
    from redline.cli.output import emit_json, table
    from redline.core.register.findings import FindingStatus
    from redline.program.register.triage import register

    found = register(
        state(ctx).store(), status=FindingStatus(status) if status else None, open_only=open_only
    )
    if json_out:
        emit_json(found)
        return
    rows = [(f.id, f.risk.value, f.status.value, f.threat_id, f.owner, f.due, f.title) for f in found]
    table(f"Risk register ({len(rows)})", ["id", "risk", "status", "threat", "owner", "due", "title"], rows)


UnmaskOpt = Annotated[
    bool,
    typer.Option(
        "--unmask", help="Show personal data unmasked (cleared roles only; audited, one event per item)."
    ),
]


@app.command("show")
def show(
    ctx: typer.Context,
    finding_id: IdArg,
    json_out: JsonOpt = False,
    unmask: UnmaskOpt = False,
    as_user: AsOpt = None,
) -> None:
    """Show a finding with its evidence, kept failing prompts (personal data masked), links and history."""
    from redline.cli.output import emit_json, say
    from redline.program.people.privacy import authorize_unmask
    from redline.program.register.triage import show as show_finding

    st = state(ctx)
    d = show_finding(st.store(), finding_id, masked=not unmask, ner=st.settings().config.privacy.ner)
    if unmask:
        subjects = [f"exemplar:{finding_id}:{i}" for i in range(len(d.exemplars))]
        authorize_unmask(st.store(), st.settings(), user=as_user, subjects=subjects, via="cli")
    if json_out:
        emit_json(d)
        return
    f = d.finding
    say(f"{f.id}  {f.title}\n  threat {f.threat_id}; risk {f.risk.value} ")
    say(f"  (likelihood {int(f.likelihood)} x impact {int(f.impact)}); status {f.status.value}")
    say(f"  owner {f.owner or '-'}; effort {f.effort or '-'}; due {f.due or '-'}\n  why: {d.reason}")
    for e in d.evidence:
        say(f"  evidence [{e.source}] {e.round_id}: {e.evidence.describe()}")
    for link in d.links:
        say(f"  link [{link.kind.value}] {link.ref} {link.note}")
    if d.postmortem:
        pm = d.postmortem
        held = f" held {pm.held_on}" if pm.held_on else ""
        say(f"  post-mortem ({pm.cause}{held}; owner {pm.owner or '-'}; by {pm.author or '-'}):")
        say(f"    what failed: {pm.what_happened}\n    why: {pm.why_missed}")
        for change in pm.changes:
            say(f"    process change: {change}")
    for n in d.notes:
        say(f"  {n.at:%Y-%m-%d %H:%M} {n.author} [{n.kind}] {n.text}" if n.at else f"  {n.author}: {n.text}")
    for i, text in enumerate(d.exemplars, 1):
        say(f"  failing prompt {i}{'' if unmask else ' (personal data masked)'}: {text[:300]}")
    _show_remedies(st.store(), st.settings(), finding_id)
    _show_tracker_links(st.store(), finding_id)


def _show_tracker_links(store: Store, finding_id: str) -> None:
    """The finding's issues in trackers (`redline finding export --to NAME`)."""
    from redline.cli.output import say
    from redline.program.channels.trackers import links

    for t in links(store, finding_id):
        say(f"  tracker {t.tracker} ({t.kind}) issue {t.external_id}, {t.state}: {t.url}")


def _show_remedies(store: Store, settings: Settings, finding_id: str) -> None:
    """The reproducible case, the mitigations recorded, and those the threat expects."""
    from redline.cli.output import say
    from redline.program.register.findings import remedies

    r = remedies(store, settings, finding_id)
    if r.case is not None:
        c = r.case
        checker = f"scored by {c.scorer}" if c.scorer else "re-checked by a reviewer"
        baseline = f"baseline round {c.baseline_round_id}" if c.baseline_round_id else "no baseline yet"
        say(
            f"  reproducible case from {c.source.value} on {c.system}: "
            f"{len(c.conversations)} conversation(s) x {c.samples} samples, {checker}; {baseline}"
        )
    for m in r.mitigations:
        say(f"  mitigation {m.id} ({m.type.value}) {m.status.value}: {m.description}")
    for e in r.expected:
        mark = "proposed" if e in r.proposed else "recorded"
        say(f"  expected mitigation {e.type.value}, {mark}: {e.what}")


@app.command("triage")
def triage(
    ctx: typer.Context,
    finding_id: IdArg,
    owner: Annotated[str | None, typer.Option(help="Who fixes it.")] = None,
    effort: Annotated[str | None, typer.Option(help="Effort estimate, e.g. S, M, L or 3d.")] = None,
    due: Annotated[str | None, typer.Option(help="Due date YYYY-MM-DD (default: from the SLA).")] = None,
    as_user: AsOpt = None,
) -> None:
    """Set owner, effort and due date; a new finding becomes triaged."""
    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.program.register.triage import triage as triage_finding

    try:
        when = date.fromisoformat(due) if due else None
    except ValueError:
        raise UsageError(f"--due must be a date like 2026-12-31, not '{due}'") from None
    st = state(ctx)
    f = triage_finding(
        st.store(), st.settings(), finding_id=finding_id, user=as_user, owner=owner, effort=effort, due=when
    )
    say(f"{f.id}: {f.status.value}; owner {f.owner or '-'}; effort {f.effort or '-'}; due {f.due or '-'}")


@app.command("move")
def move(
    ctx: typer.Context,
    finding_id: IdArg,
    status: Annotated[str, typer.Argument(help="New status, e.g. in_progress, mitigated, accepted_risk.")],
    note: Annotated[str, typer.Option(help="Why; required to accept a risk, close or mark duplicate.")] = "",
    duplicate_of: Annotated[
        str | None, typer.Option("--duplicate-of", help="The finding it repeats (to mark a duplicate).")
    ] = None,
    review_by: Annotated[
        str | None,
        typer.Option(
            "--review-by", help="Accepting a risk: the day it expires, YYYY-MM-DD (default: 90 days)."
        ),
    ] = None,
    as_user: AsOpt = None,
) -> None:
    """Move a finding to a new status (accepting a risk or closing an unfixed high one: risk acceptors).

    An accepted risk holds until its review date; then `redline gate upkeep` sends it back to triage."""
    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.core.register.findings import FindingStatus
    from redline.program.register.triage import move as move_finding

    try:
        new = FindingStatus(status)
    except ValueError:
        known = ", ".join(s.value for s in FindingStatus)
        raise UsageError(f"unknown status '{status}' (known: {known})") from None
    st = state(ctx)
    f = move_finding(
        st.store(),
        st.settings(),
        finding_id=finding_id,
        status=new,
        user=as_user,
        note=note,
        duplicate_of=duplicate_of,
        review_by=_review_day(review_by),
    )
    say(f"{f.id}: {f.status.value}")


def _review_day(text: str | None) -> date | None:
    from redline.core.errors import UsageError

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--review-by must be a date YYYY-MM-DD, not '{text}'") from None


@app.command("comment")
def comment(
    ctx: typer.Context,
    finding_id: IdArg,
    text: Annotated[str, typer.Argument(help="The comment.")],
    as_user: AsOpt = None,
) -> None:
    """Comment on a finding."""
    from redline.program.register.triage import comment as add_comment

    add_comment(state(ctx).store(), finding_id=finding_id, text=text, user=as_user)


@app.command("link")
def link(
    ctx: typer.Context,
    finding_id: IdArg,
    ref: Annotated[str, typer.Option(help="The design choice, component, ticket or document at fault.")],
    kind: Annotated[str, typer.Option(help="design_choice, component, issue or document.")] = "component",
    note: Annotated[str, typer.Option(help="Why it is at fault.")] = "",
    as_user: AsOpt = None,
) -> None:
    """Link a finding to what is at fault."""
    from redline.core.register.triage import FindingLink
    from redline.program.register.triage import link as add_link

    item = FindingLink.model_validate({"kind": kind, "ref": ref, "note": note})
    add_link(state(ctx).store(), finding_id=finding_id, link=item, user=as_user)


@app.command("postmortem")
def postmortem(
    ctx: typer.Context,
    finding_id: IdArg,
    what: Annotated[
        str | None, typer.Option(help="What failed (needed for a first post-mortem; kept if left out).")
    ] = None,
    why: Annotated[
        str | None, typer.Option(help="Why it failed and why the process let it through (same).")
    ] = None,
    cause: Annotated[
        str | None,
        typer.Option(
            help="Root cause: data, system_design, model_behaviour, missing_test, process, tooling or other."
        ),
    ] = None,
    change: Annotated[
        list[str] | None,
        typer.Option(help="A process change (repeatable; replaces the recorded ones)."),
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Who owns the process changes.")] = None,
    held_on: Annotated[
        str | None, typer.Option("--date", help="When the post-mortem was held, YYYY-MM-DD.")
    ] = None,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Record or edit a finding's post-mortem: what failed, why (a root-cause category and free text), what
    changes in the process, its owner and date; options left out keep the recorded values."""
    from redline.cli.output import emit_json, say
    from redline.core.errors import UsageError
    from redline.core.register.triage import RootCause
    from redline.program.register.triage import postmortem as write

    try:
        root_cause = RootCause(cause) if cause is not None else None
    except ValueError:
        known = ", ".join(c.value for c in RootCause)
        raise UsageError(f"unknown --cause '{cause}' (known: {known})") from None
    try:
        when = date.fromisoformat(held_on) if held_on else None
    except ValueError:
        raise UsageError(f"--date must be a date like 2026-12-31, not '{held_on}'") from None
    record = write(
        state(ctx).store(),
        finding_id=finding_id,
        what_happened=what,
        why_missed=why,
        root_cause=root_cause,
        changes=tuple(change) if change else None,
        owner=owner,
        held_on=when,
        user=as_user,
    )
    if json_out:
        emit_json(record)
        return
    say(f"{finding_id}: post-mortem recorded ({record.cause}; {len(record.changes)} process change(s))")


@app.command("verify")
def verify(
    ctx: typer.Context,
    finding_id: IdArg,
    release: Annotated[str, typer.Option(help="Release that ships the fix: SYSTEM@VERSION or id.")],
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Re-run the finding's cases and fresh variants of them on a release; exit 1 unless both pass."""
    from redline.cli.output import emit_json, say
    from redline.core.register.mitigations import VerificationOutcome
    from redline.program.register.mitigations import verify as run_verification

    st = state(ctx)
    report = run_verification(st.store(), st.settings(), finding_id=finding_id, release=release, user=as_user)
    result = report.verification.result
    if json_out:
        emit_json(report)
    else:
        v = report.verification
        say(f"{result.outcome.value.upper()} on {report.release}")
        original = (result.original or result.outcome).value.upper()
        detail = result.detail.removeprefix("original cases: ").split("; fresh variants: ")[0]
        say(f"  (a) original cases: {v.cases} in round {v.round_id}: {original}: {detail}")
        if result.fresh is not None:
            kinds = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in v.variants.items() if n) or "none made"
            where = f" in round {v.fresh_round_id}" if v.fresh_round_id else ""
            say(f"  (b) fresh variants: {v.fresh_cases} ({kinds}){where}:")
            say(f"      {result.fresh.outcome.value.upper()}: {result.fresh.detail}")
        say(f"{report.finding.id} is now {report.finding.status.value}")
    if result.outcome is not VerificationOutcome.VERIFIED:
        raise typer.Exit(1)


@app.command("export")
def export(
    ctx: typer.Context,
    finding_ids: Annotated[list[str] | None, typer.Argument(help="Findings to export.")] = None,
    to: Annotated[str, typer.Option("--to", help="Tracker name in redline.yaml `trackers`.")] = "",
    release: Annotated[
        str | None, typer.Option(help="Every finding of this release (SYSTEM@VERSION or id).")
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Every finding still needing work.")] = False,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create or update one tracker issue per finding: risk, reproduction steps, acceptance criteria."""
    from redline.cli.output import emit_json, table
    from redline.core.errors import UsageError
    from redline.program.channels.trackers import export as export_findings

    if not to:
        raise UsageError("name the tracker: --to NAME (one of redline.yaml `trackers`)")
    st = state(ctx)
    result = export_findings(
        st.store(),
        st.settings(),
        tracker=to,
        user=as_user,
        finding_ids=tuple(finding_ids or ()),
        release=release,
        open_only=open_only,
    )
    if json_out:
        emit_json(result)
        return
    rows = [(i.finding_id, i.action, i.external_id, i.url) for i in result.items]
    table(f"Exported to {result.tracker} ({len(rows)})", ["finding", "action", "issue", "url"], rows)
