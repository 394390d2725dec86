"""`redline mitigation`: what is done about a finding."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(help="Mitigations of findings.", no_args_is_help=True)

AsOpt = Annotated[
    str | None, typer.Option("--as", envvar="REDLINE_USER", help="Acting user (default: REDLINE_USER).")
]


@app.command("add")
def add(
    ctx: typer.Context,
    finding_id: Annotated[str, typer.Argument(help="Finding the mitigation addresses.")],
    type_: Annotated[
        str,
        typer.Option(
            "--type",
            help="data, training, system_prompt, guardrail, ui_change, feature_flag, staged_rollout, "
            "monitoring or policy.",
        ),
    ],
    description: Annotated[str, typer.Option(help="What changes.")],
    owner: Annotated[str | None, typer.Option(help="Who ships it.")] = None,
    as_user: AsOpt = None,
) -> None:
    """Record a mitigation for a finding."""
    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.core.register.mitigations import MitigationType
    from redline.program.register.mitigations import add as add_mitigation

    try:
        kind = MitigationType(type_)
    except ValueError:
        raise UsageError(
            f"unknown type '{type_}' (known: {', '.join(t.value for t in MitigationType)})"
        ) from None
    m = add_mitigation(
        state(ctx).store(),
        finding_id=finding_id,
        type=kind,
        description=description,
        owner=owner,
        user=as_user,
    )
    say(f"{m.id}: {m.type.value} for {m.finding_id} ({m.status.value})")


@app.command("list")
def list_mitigations(
    ctx: typer.Context,
    finding: Annotated[str | None, typer.Option(help="Only this finding's.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List mitigations."""
    from redline.cli.output import emit_json, table
    from redline.program.register.mitigations import list_for

    found = list_for(state(ctx).store(), finding_id=finding)
    if json_out:
        emit_json(found)
        return
    rows = [(m.id, m.finding_id, m.type.value, m.status.value, m.owner, m.description) for m in found]
    table("Mitigations", ["id", "finding", "type", "status", "owner", "description"], rows)


@app.command("status")
def status(
    ctx: typer.Context,
    mitigation_id: Annotated[str, typer.Argument(help="Mitigation id.")],
    new: Annotated[str, typer.Argument(help="in_progress, shipped or abandoned (once authorised).")],
    as_user: AsOpt = None,
) -> None:
    """Move a mitigation (committee votes authorise it; verification sets verified or not_verified)."""
    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.core.register.mitigations import MitigationStatus
    from redline.program.register.mitigations import set_status

    try:
        target = MitigationStatus(new)
    except ValueError:
        raise UsageError(
            f"unknown status '{new}' (known: {', '.join(s.value for s in MitigationStatus)})"
        ) from None
    m = set_status(state(ctx).store(), mitigation_id=mitigation_id, status=target, user=as_user)
    say(f"{m.id}: {m.status.value}")


@app.command("vote")
def vote(
    ctx: typer.Context,
    mitigation_id: Annotated[str, typer.Argument(help="Mitigation id.")],
    approve: Annotated[
        bool, typer.Option("--approve/--reject", help="Authorise the mitigation, or reject it.")
    ] = True,
    comment: Annotated[str, typer.Option(help="Why; required to reject.")] = "",
    as_user: AsOpt = None,
) -> None:
    """Vote on authorising a proposed mitigation: the committee's quorum authorises it (as for plans)."""
    from redline.cli.output import say
    from redline.program.register.mitigations import vote as cast

    st = state(ctx)
    view = cast(
        st.store(), st.settings(), mitigation_id=mitigation_id, user=as_user, approve=approve, comment=comment
    )
    m = view.mitigation
    say(f"{m.id}: {m.status.value} ({view.approvals} of {view.needed} approvals)")
