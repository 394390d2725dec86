"""`redline onboarding`: read the material, consent or withdraw; leads list who is onboarded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.context import state
from redline.cli.user import AsUser

if TYPE_CHECKING:
    from redline.program.people.onboarding import OnboardingPacket, OnboardingStatus

app = typer.Typer(help="Tester onboarding: code of conduct, content warnings, consent.", no_args_is_help=True)
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _describe(found: OnboardingStatus) -> str:
    if found.current:
        return f"{found.user}: onboarded (consented {found.consented_at:%Y-%m-%d %H:%M} UTC)"
    return f"{found.user}: {found.state.value}: {found.reason()}"


def _versions(found: OnboardingStatus) -> str:
    conduct = [f"conduct {v.version}" for v in found.agreed if v.id == "code-of-conduct"]
    others = len(found.agreed) - len(conduct)
    return ", ".join([*conduct, f"{others} other sections"]) if found.agreed else ""


def _print_packet(view: OnboardingPacket) -> None:
    for section in view.sections:
        typer.echo(f"== {section.title} (version {section.version}, {section.digest[:12]}) ==")
        typer.echo(section.body.strip())
        typer.echo("")


@app.command("show")
def show(ctx: typer.Context, as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """Print the material you are asked to read, and where your consent stands."""
    from redline.cli.output import emit_json
    from redline.program.people import onboarding

    st = state(ctx)
    view = onboarding.packet(st.store(), st.settings(), user=as_user)
    if json_out:
        emit_json(view.model_dump(mode="json"))
        return
    _print_packet(view)
    typer.echo(_describe(view.status))


@app.command("consent")
def consent(
    ctx: typer.Context,
    as_user: AsUser = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Consent without the prompt (you have read 'onboarding show').")
    ] = False,
    json_out: JsonOut = False,
) -> None:
    """Show the material and record your explicit consent to it, with the version of each section."""
    from redline.cli.output import emit_json
    from redline.core.errors import UsageError
    from redline.program.people import onboarding

    st = state(ctx)
    view = onboarding.packet(st.store(), st.settings(), user=as_user)
    if not yes:
        _print_packet(view)
        if not typer.confirm("I have read the material above and consent to take part on these terms"):
            raise UsageError("no consent recorded")
    found = onboarding.consent(st.store(), st.settings(), user=as_user, agree=True, material=view.material)
    if json_out:
        emit_json(found.model_dump(mode="json"))
    else:
        typer.echo(_describe(found))


@app.command("withdraw")
def withdraw(
    ctx: typer.Context,
    as_user: AsUser = None,
    reason: Annotated[str, typer.Option(help="Why (optional; recorded in the audit log).")] = "",
    json_out: JsonOut = False,
) -> None:
    """Withdraw your consent: flagged content, rounds and the playground close until you consent again."""
    from redline.cli.output import emit_json
    from redline.program.people import onboarding

    st = state(ctx)
    found = onboarding.withdraw(st.store(), st.settings(), user=as_user, reason=reason)
    if json_out:
        emit_json(found.model_dump(mode="json"))
    else:
        typer.echo(_describe(found))


@app.command("list")
def list_team(ctx: typer.Context, as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """List who is onboarded, with which versions, and who is stale or missing (leads and admins)."""
    from redline.cli.output import emit_json, table
    from redline.program.people import onboarding

    st = state(ctx)
    rows = onboarding.team(st.store(), st.settings(), user=as_user)
    if json_out:
        emit_json([r.model_dump(mode="json") for r in rows])
        return
    table(
        f"Onboarding ({sum(r.current for r in rows)} of {len(rows)} current)",
        ["user", "roles", "state", "consented", "versions", "to read again"],
        [
            (
                r.user,
                ", ".join(r.roles),
                r.state.value,
                f"{r.consented_at:%Y-%m-%d %H:%M}" if r.consented_at else "",
                _versions(r),
                ", ".join((*r.changed, *r.added)),
            )
            for r in rows
        ],
    )
