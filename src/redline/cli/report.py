"""`redline report`: write a report (HTML, Markdown, PDF, JSON, SARIF, JUnit) for a round or a release."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from redline.cli.context import state

if TYPE_CHECKING:
    from redline.config.settings import Settings
    from redline.core.register.policy import ReleasePolicy
    from redline.reports.assembly import ReportRequest
    from redline.reports.model import ReportModel
    from redline.store.session import Store

E = TypeVar("E", bound=StrEnum)


def load_policy_or_default(settings: Settings, name: str | None) -> ReleasePolicy | None:
    """The named policy; without a name the workspace's default policy, or None when it has none."""
    from redline.core.errors import ConfigError
    from redline.program.register.decisions import load_policy

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
        str | None,
        typer.Option(
            "--as",
            envvar="REDLINE_USER",
            help="Acting user: internal and committee copies need their onboarding, and carry only the "
            "flagged exchanges they consented to (without it every flagged exchange is withheld).",
        ),
    ] = None,
) -> None:
    """Write a report that a committee, a regulator or CI can read; model output is always escaped and
    personal data in transcripts is masked."""
    import sys

    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.reports.assembly import ReportRequest
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
    reader = st.acting(as_user)
    if unmask:
        from redline.program.people.privacy import authorize_unmask

        subject = f"report:{release or round_id or 'latest'}:{who.value}"
        authorize_unmask(st.store(), settings, user=reader, subjects=[subject], via="cli")
    model = _reader_copy(st.store(), settings, request, reader, kind.value, policy)
    if output == Path("-"):
        sys.stdout.buffer.write(render(model, kind))
        return
    path = write_report(model, kind, output or Path(default_name(model, kind)))
    if not st.quiet:
        rounds = ", ".join(model.scope.round_ids)
        say(f"wrote {kind.value} report ({model.audience.value}) for {rounds}: {path}")
        held = model.exposure
        if held is not None and (held.flagged_withheld or held.playground_withheld):
            say(f"withheld: {held.note}")


def _reader_copy(
    store: Store,
    settings: Settings,
    request: ReportRequest,
    reader: str | None,
    fmt: str,
    policy: str | None,
) -> ReportModel:
    """The copy one reader gets (`program.people.report_access`: onboarding, the read rule, flagged exchanges
    withheld unless consented to; no reader: all withheld), its download audited."""
    from redline.catalog.loader import load_catalog
    from redline.program.people import report_access
    from redline.program.people.actors import acting_user
    from redline.reports.assembly import build_report
    from redline.reports.exposure import for_reader

    with store.session() as sess:
        user = acting_user(sess, reader) if reader else None
        report_access.require_download(
            sess, settings, user, audience=request.audience.value, round_id=request.round_id
        )
        model = build_report(
            sess,
            request,
            catalog=load_catalog(settings.workspace / "catalog"),
            program=settings.config.name,
            matrix=settings.config.risk_matrix,
            policy=load_policy_or_default(settings, policy),
        )
        rules = report_access.reader_for(
            sess,
            settings,
            user,
            round_ids=model.scope.round_ids,
            attempt_ids=[t.attempt_id for t in model.transcripts],
            single_round=model.scope.round_ids[0] if model.scope.selection != "release" else None,
        )
    model, exposure = for_reader(model, rules)
    with store.session() as sess:
        report_access.record_download(
            sess,
            actor=user.name if user is not None else settings.actor,
            audience=request.audience.value,
            fmt=fmt,
            round_ids=model.scope.round_ids,
            release=request.release,
            included=exposure.flagged_included,
            withheld=exposure.flagged_withheld,
            playground_withheld=exposure.playground_withheld,
            via="cli",
        )
    return model


def parse_choice(enum: type[E], value: str, flag: str) -> E:
    """The member of a closed set named on the command line, or a usage error listing the choices."""
    from redline.core.errors import UsageError

    try:
        return enum(value.lower())
    except ValueError:
        known = ", ".join(e.value for e in enum)
        raise UsageError(f"{flag} must be one of {known}, not '{value}'") from None
