"""`redline playbook`: the procedures testers follow the same way every round."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.context import state

if TYPE_CHECKING:
    from redline.catalog.playbooks import Registry

app = typer.Typer(help="Playbooks: list, show and lint.", no_args_is_help=True)
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _folder(ctx: typer.Context) -> Path:
    return state(ctx).settings().workspace / "playbooks"


@app.command("list")
def list_playbooks(ctx: typer.Context, json_out: JsonOut = False) -> None:
    """List the playbooks in force (shipped plus the workspace's own)."""
    from redline.catalog.playbooks import load_playbooks
    from redline.cli.output import emit_json, table

    books = load_playbooks(_folder(ctx))
    if json_out:
        emit_json([b.model_dump(mode="json") for b in books.all()])
        return
    rows = [(b.name, b.title, len(b.threats), len(b.automated), len(b.manual)) for b in books.all()]
    table(f"Playbooks ({len(rows)})", ["name", "title", "threats", "automated", "manual"], rows)


@app.command("show")
def show(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Playbook name.")], json_out: JsonOut = False
) -> None:
    """Show one playbook: its content warnings and guidance first, then objective, threats and steps."""
    from redline.catalog.playbooks import load_playbooks
    from redline.cli.output import emit_json
    from redline.config.yamlio import dump_yaml

    book = load_playbooks(_folder(ctx)).get(name)
    if json_out:
        emit_json(book.model_dump(mode="json"))
        return
    if book.content_warnings:
        typer.echo(f"CONTENT WARNING: {'; '.join(book.content_warnings)}")
    if book.guidance:
        typer.echo(f"GUIDANCE: {book.guidance.strip()}")
    if book.content_warnings or book.guidance:
        typer.echo("")
    rest = book.model_dump(mode="json", exclude_defaults=True, exclude={"guidance", "content_warnings"})
    typer.echo(dump_yaml(rest).rstrip())


def _registry(workspace: Path) -> Registry:
    """Names registered by the attack and scoring layers; a registry that cannot load is not checked."""
    from redline.catalog.playbooks import Registry
    from redline.config import plugins
    from redline.core.errors import ConfigError

    try:
        from redline.attacks.seeds.library import SeedLibrary

        seed_sets: frozenset[str] | None = frozenset(SeedLibrary.load(workspace).names())
    except (ImportError, ConfigError):
        seed_sets = None
    attacks = frozenset(plugins.names("redline.attacks"))  # techniques and converters share the group
    return Registry(
        techniques=attacks,
        seed_sets=seed_sets,
        scorers=frozenset(plugins.names("redline.scorers")),
        converters=attacks,
    )


@app.command("lint")
def lint(ctx: typer.Context, json_out: JsonOut = False) -> None:
    """Check playbooks against the catalog and the registered techniques, seeds and scorers."""
    from redline.catalog.loader import load_catalog
    from redline.catalog.playbooks import lint_playbooks
    from redline.cli.catalog import print_lint

    ws = state(ctx).settings().workspace
    report = lint_playbooks(ws / "playbooks", catalog=load_catalog(ws / "catalog"), registry=_registry(ws))
    print_lint(report, json_out, "playbooks")
