"""`redline export`: replication bundles that an external reviewer can check offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(help="Export records for replication.", no_args_is_help=True)


@app.command("bundle")
def bundle(
    ctx: typer.Context,
    round_id: Annotated[str, typer.Argument(metavar="ROUND", help="Round id.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Zip file to write.")] = None,
    audience: Annotated[
        str, typer.Option(help="internal, committee or external: external withholds every text.")
    ] = "internal",
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="REDLINE_USER",
            help="Acting user: internal and committee bundles carry personal data unmasked, so they "
            "need a role in privacy.cleared_roles (audited).",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON.")] = False,
) -> None:
    """Write a zip of the round's configuration, seeds, cases, responses, scores, versions and hashes.

    Internal and committee bundles keep the stored texts as they are (replay checks their hashes), so
    only a person cleared to see personal data may write one, and each export is audited; external
    bundles mask personal data and withhold response texts, and anyone may write them."""
    from redline.cli.output import emit_json, say
    from redline.cli.report import parse_choice
    from redline.core.errors import UsageError
    from redline.reports.bundle import export_bundle
    from redline.reports.model import Audience

    st = state(ctx)
    who = parse_choice(Audience, audience, "--audience")
    path = output or Path(f"{round_id}-{who.value}.zip")
    if who is not Audience.EXTERNAL:
        if not as_user:
            raise UsageError(
                f"an {who.value} bundle carries personal data unmasked: pass --as NAME of a cleared role "
                "(privacy.cleared_roles), or use --audience external"
            )
        from redline.program.people.privacy import authorize_unmask

        subject = f"bundle:{round_id}:{who.value}"
        authorize_unmask(st.store(), st.settings(), user=as_user, subjects=[subject], via="cli")
    with st.store().session() as sess:
        manifest = export_bundle(sess, round_id, audience=who, path=path, actor=st.settings().actor)
    if json_out:
        emit_json(manifest)
    elif not st.quiet:
        say(f"wrote {path}: {manifest.records} records in {len(manifest.files)} files ({who.value})")
