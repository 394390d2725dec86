"""`redline report`: write a report (HTML, Markdown, PDF, JSON, SARIF, JUnit) for a round or a release."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from redline.cli.context import state

if TYPE_CHECKING:
    from redline.core.policy import ReleasePolicy
    from redline.settings import Settings

E = TypeVar("E", bound=StrEnum)


def load_policy_or_default(settings: Settings, name: str | None) -> ReleasePolicy | None:
    """The named policy; without a name the workspace's default policy, or None when it has none."""
    from redline.core.errors import ConfigError
    from redline.program.decisions import load_policy

    try:
        return load_policy(settings, name)
    except ConfigError:
        if name is not None:
            raise
        return None


def report(
    ctx: typer.Context,
    round_id: Annotated[str | None, typer.Argument(metavar="[ROUND]", help="Round id.")] = None,
    latest: Annotated[bool, typer.Option("--latest", help="The most recent round (the default).")] = False,
    release: Annotated[
        str | None,
        typer.Option(help="Every finished round of a release: SYSTEM@VERSION, a version or an id."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="html, md, pdf, json, sarif or junit.")] = "html",
    audience: Annotated[
        str | None, typer.Option(help="internal, committee or external (default: the workspace's).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write ('-': stdout).")
    ] = None,
    policy: Annotated[
        str | None, typer.Option(help="Policy in policies/ for an unsigned gate preview.")
    ] = None,
    unmask: Annotated[
        bool,
        typer.Option(
            "--unmask",
            help="Keep personal data in internal or committee transcripts (cleared roles; audited). "
            "External reports are always masked.",
        ),
    ] = False,
    as_user: Annotated[
        str | None, typer.Option("--as", envvar="REDLINE_USER", help="Acting user, for --unmask.")
    ] = None,
) -> None:
    """Write a report that a committee, a regulator or CI can read; model output is always escaped and
    personal data in transcripts is masked."""
    import sys

    from redline.catalog.loader import load_catalog
    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.reports.assembly import ReportRequest, build_report
    from redline.reports.model import Audience, ReportFormat
    from redline.reports.render import default_name, render, write_report

    if sum([round_id is not None, latest, release is not None]) > 1:
        raise UsageError("choose one of ROUND, --latest or --release")
    st = state(ctx)
    settings = st.settings()
    kind = parse_choice(ReportFormat, fmt, "--format")
    who = parse_choice(Audience, audience or settings.config.defaults.audience, "--audience")
    if unmask and who is Audience.EXTERNAL:
        raise UsageError(
            "external reports never carry personal data; --unmask needs --audience internal or committee"
        )
    request = ReportRequest(
        round_id=round_id,
        latest=latest,
        release=release,
        audience=who,
        unmask=unmask,
        ner=settings.config.privacy.ner,
    )
    if unmask:
        from redline.program.privacy import authorize_unmask

        subject = f"report:{release or round_id or 'latest'}:{who.value}"
        authorize_unmask(st.store(), settings, user=as_user, subjects=[subject], via="cli")
    with st.store().session() as sess:
        model = build_report(
            sess,
            request,
            catalog=load_catalog(settings.workspace / "catalog"),
            program=settings.config.name,
            matrix=settings.config.risk_matrix,
            policy=load_policy_or_default(settings, policy),
        )
    if output == Path("-"):
        sys.stdout.buffer.write(render(model, kind))
        return
    path = write_report(model, kind, output or Path(default_name(model, kind)))
    if not st.quiet:
        rounds = ", ".join(model.scope.round_ids)
        say(f"wrote {kind.value} report ({model.audience.value}) for {rounds}: {path}")


def parse_choice(enum: type[E], value: str, flag: str) -> E:
    """The member of a closed set named on the command line, or a usage error listing the choices."""
    from redline.core.errors import UsageError

    try:
        return enum(value.lower())
    except ValueError:
        known = ", ".join(e.value for e in enum)
        raise UsageError(f"{flag} must be one of {known}, not '{value}'") from None
