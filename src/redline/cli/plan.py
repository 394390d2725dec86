"""`redline plan`: test plans and their approval (draft, submitted, approved or rejected, active, closed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.context import state
from redline.cli.user import AsUser

if TYPE_CHECKING:
    from redline.program.catalog.plans import PlanView

app = typer.Typer(help="Test plans and approvals.", no_args_is_help=True)
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PlanId = Annotated[str, typer.Argument(help="Plan id.")]
Comment = Annotated[str, typer.Option("--comment", "-m", help="Comment recorded with the action.")]


@app.command("create")
def create(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Plan file (YAML); or use the options.")] = None,
    title: Annotated[str | None, typer.Option(help="Plan title (without a file).")] = None,
    threat: Annotated[list[str] | None, typer.Option("--threat", help="Threat id in scope (repeat).")] = None,
    playbook: Annotated[
        list[str] | None, typer.Option("--playbook", help="Playbook to follow (repeat).")
    ] = None,
    system: Annotated[str | None, typer.Option(help="System under test.")] = None,
    release: Annotated[str | None, typer.Option(help="Release (version label) under test.")] = None,
    scope: Annotated[str, typer.Option(help="What is in and out of scope.")] = "",
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Create a draft plan from a YAML file or from options."""
    from redline.cli.output import emit_json
    from redline.core.errors import UsageError
    from redline.program.catalog.plans import PlanSpec, create_plan, load_plan_spec

    if file is not None:
        spec = load_plan_spec(file)
    elif title:
        spec = PlanSpec(
            title=title,
            threats=tuple(threat or ()),
            playbooks=tuple(playbook or ()),
            system=system,
            release=release,
            scope=scope,
        )
    else:
        raise UsageError("give a plan file, or at least --title and --threat/--playbook")
    st = state(ctx)
    with st.store().session() as sess:
        plan = create_plan(sess, spec, settings=st.settings(), user=as_user)
    if json_out:
        emit_json(plan.model_dump(mode="json"))
    else:
        typer.echo(f"created {plan.id} (draft): {plan.title}")
        typer.echo(f"Next: redline plan submit {plan.id}")


def _render(view: PlanView) -> None:
    from redline.config.yamlio import dump_yaml

    plan = view.plan
    body = plan.model_dump(mode="json", exclude_defaults=True, exclude={"id", "title", "status"})
    typer.echo(f"{plan.id}: {plan.title} [{plan.status.value}]")
    typer.echo(dump_yaml(body).rstrip())
    roles = ", ".join(r.value for r in view.approver_roles)
    typer.echo(f"approvals: {view.approvals} of {view.needed} (submission {plan.submission}); by: {roles}")
    if view.critical_threats:
        typer.echo(f"critical threats: {', '.join(view.critical_threats)}")
    for vote in view.votes:
        verdict = "approved" if vote.approve else "rejected"
        typer.echo(f"  {vote.approver} {verdict}{': ' + vote.comment if vote.comment else ''}")
    cov = view.perspectives
    if cov is not None and cov.withheld:
        typer.echo(
            f"perspectives: not shown; {cov.testers} assigned tester(s) is fewer than {cov.min_group_size}"
        )
    elif cov is not None and cov.perspectives:
        declared = f", {cov.declared} declared perspectives" if cov.declared is not None else ""
        typer.echo(
            f"perspectives: {cov.covered} of {len(cov.perspectives)} covered "
            f"by {cov.testers} assigned tester(s){declared}"
        )
        for row in cov.perspectives:
            state_ = "covered" if row.covered else "GAP"
            count = f" ({row.testers})" if row.testers is not None else ""
            typer.echo(f"  {state_}{count}: {row.label}  [{', '.join(row.threats)}]")


@app.command("show")
def show(ctx: typer.Context, plan_id: PlanId, json_out: JsonOut = False) -> None:
    """Show a plan, its votes, and what its approval needs."""
    from redline.cli.output import emit_json
    from redline.program.catalog.plans import view_plan

    st = state(ctx)
    with st.store().session() as sess:
        view = view_plan(sess, plan_id, settings=st.settings())
    if json_out:
        emit_json(view.model_dump(mode="json"))
    else:
        _render(view)


@app.command("list")
def list_plans(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only plans in this status.")] = None,
    json_out: JsonOut = False,
) -> None:
    """List plans, newest first."""
    from redline.cli.output import emit_json, table
    from redline.core.catalog.plans import PlanStatus
    from redline.core.errors import UsageError
    from redline.program.catalog.plans import list_plans as plans

    try:
        wanted = PlanStatus(status) if status else None
    except ValueError:
        raise UsageError(f"unknown status '{status}' ({', '.join(s.value for s in PlanStatus)})") from None
    with state(ctx).store().session() as sess:
        found = plans(sess, status=wanted)
    if json_out:
        emit_json([p.model_dump(mode="json") for p in found])
        return
    rows = [(p.id, p.status.value, p.title, p.release or "", p.created_by, len(p.threats)) for p in found]
    table(f"Plans ({len(rows)})", ["id", "status", "title", "release", "author", "threats"], rows)


def _vote(
    ctx: typer.Context, plan_id: str, as_user: str | None, approve: bool, comment: str, json_out: bool
) -> None:
    from redline.cli.output import emit_json
    from redline.program.catalog.plans import vote_on_plan

    st = state(ctx)
    with st.store().session() as sess:
        view = vote_on_plan(
            sess, plan_id, settings=st.settings(), user=as_user, approve=approve, comment=comment
        )
    if json_out:
        emit_json(view.model_dump(mode="json"))
    else:
        typer.echo(f"{plan_id}: {view.plan.status.value} ({view.approvals}/{view.needed} approvals)")


@app.command("approve")
def approve(
    ctx: typer.Context,
    plan_id: PlanId,
    comment: Comment = "",
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Vote to approve a submitted plan; it is approved when the quorum is reached."""
    _vote(ctx, plan_id, as_user, True, comment, json_out)


@app.command("reject")
def reject(
    ctx: typer.Context,
    plan_id: PlanId,
    comment: Comment = "",
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Reject a submitted plan (one rejection by an approver is enough); say why with --comment."""
    _vote(ctx, plan_id, as_user, False, comment, json_out)


def _move(
    ctx: typer.Context, action: str, plan_id: str, as_user: str | None, comment: str, json_out: bool
) -> None:
    from redline.cli.output import emit_json
    from redline.program.catalog import plans

    with state(ctx).store().session() as sess:
        if action == "submit":
            plan = plans.submit_plan(sess, plan_id, user=as_user)
        elif action == "revise":
            plan = plans.revise_plan(sess, plan_id, user=as_user, note=comment)
        elif action == "activate":
            plan = plans.activate_plan(sess, plan_id, user=as_user)
        else:
            plan = plans.close_plan(sess, plan_id, user=as_user, note=comment)
    if json_out:
        emit_json(plan.model_dump(mode="json"))
    else:
        typer.echo(f"{plan.id}: {plan.status.value}")


@app.command("submit")
def submit(ctx: typer.Context, plan_id: PlanId, as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """Send a draft plan for approval."""
    _move(ctx, "submit", plan_id, as_user, "", json_out)


@app.command("revise")
def revise(
    ctx: typer.Context,
    plan_id: PlanId,
    comment: Comment = "",
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Take a submitted or rejected plan back to draft."""
    _move(ctx, "revise", plan_id, as_user, comment, json_out)


@app.command("activate")
def activate(ctx: typer.Context, plan_id: PlanId, as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """Mark an approved plan as in progress."""
    _move(ctx, "activate", plan_id, as_user, "", json_out)


@app.command("close")
def close(
    ctx: typer.Context,
    plan_id: PlanId,
    comment: Comment = "",
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Close an approved or active plan."""
    _move(ctx, "close", plan_id, as_user, comment, json_out)
