"""`redline perspectives`: declare, show and withdraw your own perspectives (optional, with consent)."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state
from redline.cli.user import AsUser

app = typer.Typer(
    help="Your declared perspectives: seen by you alone, used by plans and reports in aggregate only.",
    no_args_is_help=True,
)
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Many = Annotated[list[str] | None, typer.Option(help="A value (repeat, or separate with commas).")]


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


@app.command("declare")
def declare(
    ctx: typer.Context,
    domain: Many = None,
    language: Many = None,
    region: Many = None,
    lived_experience: Annotated[
        list[str] | None, typer.Option(help="A harm category you have lived experience of (repeat).")
    ] = None,
    community: Many = None,
    consent: Annotated[
        bool, typer.Option("--consent", help="Agree to the consent statement ('redline perspectives show').")
    ] = False,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Declare your perspectives, replacing any earlier declaration; needs --consent.

    Values are normalised to the vocabulary ('redline perspectives vocabulary'): harm categories for
    --domain and --lived-experience, ISO 639 codes or names for --language, regions for --region, and
    the catalog's affected groups for --community (other text is kept as written).
    """
    from redline.cli.output import emit_json
    from redline.core.people.perspectives import PerspectiveKind as K
    from redline.program.people.perspectives import declare as declare_

    entries = [
        *((K.DOMAIN, v) for v in _split(domain)),
        *((K.LANGUAGE, v) for v in _split(language)),
        *((K.REGION, v) for v in _split(region)),
        *((K.LIVED_EXPERIENCE, v) for v in _split(lived_experience)),
        *((K.COMMUNITY, v) for v in _split(community)),
    ]
    st = state(ctx)
    saved = declare_(st.store(), st.settings(), user=as_user, entries=entries, consent=consent)
    if json_out:
        emit_json(saved.model_dump(mode="json"))
        return
    typer.echo(f"declared {len(saved.perspectives)} perspective(s) for {saved.user}:")
    for p in saved.perspectives:
        typer.echo(f"  {p.label}")


@app.command("show")
def show(ctx: typer.Context, as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """Show your own declaration and the consent statement (nobody else's can be shown)."""
    from redline.cli.output import emit_json
    from redline.core.people.perspectives import CONSENT_STATEMENT
    from redline.program.people.perspectives import mine

    st = state(ctx)
    found = mine(st.store(), user=as_user)
    if json_out:
        emit_json(
            {"declaration": found.model_dump(mode="json") if found else None, "consent": CONSENT_STATEMENT}
        )
        return
    if found is None:
        typer.echo("you have not declared any perspective")
    else:
        typer.echo(
            f"{found.user} declared (consent v{found.consent_version}, {found.consented_at:%Y-%m-%d}):"
        )
        for p in found.perspectives:
            typer.echo(f"  {p.label}")
    typer.echo(f"\nConsent statement: {CONSENT_STATEMENT}")


@app.command("withdraw")
def withdraw(ctx: typer.Context, as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """Delete your own declaration."""
    from redline.cli.output import emit_json
    from redline.program.people.perspectives import withdraw as withdraw_

    st = state(ctx)
    done = withdraw_(st.store(), user=as_user)
    if json_out:
        emit_json({"withdrawn": done})
    else:
        typer.echo("your declaration is deleted" if done else "you had no declaration")


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Whose declaration to delete.")],
    as_user: AsUser = None,
) -> None:
    """Delete someone's declaration on account removal (admins); it is never shown."""
    from redline.program.people.perspectives import remove_for

    st = state(ctx)
    remove_for(st.store(), user=as_user, subject=name)
    typer.echo(f"any perspectives {name} declared are deleted")


@app.command("vocabulary")
def vocabulary(ctx: typer.Context, json_out: JsonOut = False) -> None:
    """List the values each kind of perspective offers."""
    from redline.cli.output import emit_json
    from redline.program.people.perspectives import describe
    from redline.program.people.perspectives import vocabulary as vocabulary_

    kinds = describe(vocabulary_(state(ctx).settings()))
    if json_out:
        emit_json([k.model_dump(mode="json") for k in kinds])
        return
    for kind in kinds:
        extra = " (other values accepted)" if kind.free else ""
        typer.echo(f"{kind.kind.value} - {kind.label}{extra}:")
        typer.echo("  " + ", ".join(e.value for e in kind.values))
