"""`redline catalog`: browse, check, export and change the living threat catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.context import state
from redline.cli.user import AsUser

if TYPE_CHECKING:
    from redline.catalog.lint import LintReport
    from redline.core.catalog.threat_versions import ThreatDiff

app = typer.Typer(
    help="The threat catalog: browse, lint, export, edit, version and review.", no_args_is_help=True
)
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Reason = Annotated[str, typer.Option("--reason", "-r", help="Why the change is made (recorded with it).")]


def _catalog_dir(ctx: typer.Context) -> Path:
    return state(ctx).settings().workspace / "catalog"


@app.command("list")
def list_threats(
    ctx: typer.Context,
    category: Annotated[str | None, typer.Option(help="Only this harm category.")] = None,
    json_out: JsonOut = False,
) -> None:
    """List the threats in force (shipped plus the workspace's own)."""
    from redline.catalog.loader import load_catalog
    from redline.cli.output import emit_json, table

    catalog = load_catalog(_catalog_dir(ctx))
    threats = [t for t in catalog.threats() if category is None or t.harm_category == category]
    if json_out:
        emit_json([t.model_dump(mode="json") for t in threats])
        return
    rows = [
        (
            t.id,
            t.title,
            t.harm_category,
            int(t.default_severity),
            "zero" if t.zero_tolerance else t.max_failure_rate,
        )
        for t in threats
    ]
    table(f"Threat catalog ({len(rows)} threats)", ["id", "title", "category", "severity", "tolerance"], rows)


@app.command("show")
def show(
    ctx: typer.Context,
    threat_id: Annotated[str, typer.Argument(help="Threat id (or an alias).")],
    json_out: JsonOut = False,
) -> None:
    """Show one threat with its standards mappings and where it is defined."""
    from redline.catalog.loader import load_catalog
    from redline.cli.output import emit_json
    from redline.config.yamlio import dump_yaml

    entry = load_catalog(_catalog_dir(ctx)).entry(threat_id)
    if json_out:
        emit_json(
            {
                **entry.threat.model_dump(mode="json"),
                "source": entry.source,
                "critical": entry.threat.critical,
            }
        )
        return
    typer.echo(dump_yaml(entry.threat.model_dump(mode="json", exclude_defaults=True)).rstrip())
    typer.echo(f"# source: {entry.source} ({entry.path}){'; critical' if entry.threat.critical else ''}")


def print_lint(report: LintReport, json_out: bool, what: str) -> None:
    """Print a lint report (lines or JSON) and exit 1 when it has errors."""
    from redline.cli.output import emit_json

    if json_out:
        emit_json({"ok": report.ok, **report.model_dump(mode="json")})
    else:
        for problem in report.problems:
            typer.echo(problem.render())
        errors, warnings = len(report.errors), len(report.problems) - len(report.errors)
        typer.echo(f"{report.checked} {what} checked: {errors} errors, {warnings} warnings")
    if not report.ok:
        raise typer.Exit(1)


@app.command("lint")
def lint(ctx: typer.Context, json_out: JsonOut = False) -> None:
    """Check every threat file and every standards mapping; exit 1 on errors."""
    from redline.catalog.lint import lint_catalog

    print_lint(lint_catalog(_catalog_dir(ctx), today=date.today()), json_out, "threats")


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json or csv.")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file instead.")] = None,
) -> None:
    """Print the catalog in force as JSON (full records) or CSV (one row per threat)."""
    import sys

    from redline.catalog.export import ExportFormat, export_catalog
    from redline.catalog.loader import load_catalog
    from redline.catalog.standards import load_standards
    from redline.core.errors import UsageError

    try:
        chosen = ExportFormat(fmt.lower())
    except ValueError:
        raise UsageError(f"--format must be json or csv, not '{fmt}'") from None
    folder = _catalog_dir(ctx)
    text = export_catalog(load_catalog(folder), load_standards(folder), chosen)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@app.command("import-atlas")
def import_atlas(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="ATLAS matrix file (the published ATLAS.yaml layout).")],
    shipped: Annotated[
        bool, typer.Option("--shipped", help="Update the list that ships with Redline (for maintainers).")
    ] = False,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Import MITRE ATLAS ids and names (the workspace's list by default) and check the mappings."""
    from redline.cli.output import emit_json
    from redline.program.catalog.catalog_import import import_atlas as do_import

    if shipped:
        result = do_import(file, session=None, settings=None, user=as_user, today=date.today(), shipped=True)
    else:
        st = state(ctx)
        with st.store().session() as sess:
            result = do_import(file, session=sess, settings=st.settings(), user=as_user, today=date.today())
    if json_out:
        emit_json({"ok": result.ok, **result.model_dump(mode="json")})
    else:
        ch = result.changes
        typer.echo(f"ATLAS {result.version}: {result.tactics} tactics, {result.techniques} techniques")
        typer.echo(f"wrote {result.path}")
        counts = f"{len(ch.added)} added, {len(ch.removed)} removed, {len(ch.renamed)} renamed"
        typer.echo(f"since {ch.old_version or 'none'}: {counts}")
        for problem in result.problems:
            typer.echo(problem.render())
    if not result.ok:
        raise typer.Exit(1)


@app.command("edit")
def edit(
    ctx: typer.Context,
    threat_id: Annotated[str, typer.Argument(help="Threat id.")],
    assignments: Annotated[list[str], typer.Option("--set", "-s", help="FIELD=VALUE (value read as YAML).")],
    reason: Reason,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Change a threat: writes the workspace file and records a new version with author and reason."""
    from redline.cli.output import emit_json
    from redline.program.catalog.catalog_versions import edit_threat

    st = state(ctx)
    with st.store().session() as sess:
        result = edit_threat(
            sess, threat_id, settings=st.settings(), user=as_user, assignments=assignments, reason=reason
        )
    if json_out:
        emit_json(result.model_dump(mode="json"))
        return
    version = result.revision.changes.get(result.threat.id)
    typer.echo(
        f"{result.threat.id} v{version} recorded in revision r{result.revision.number}; wrote {result.path}"
    )
    if result.diff:
        _print_diffs([result.diff])


@app.command("sync")
def sync(ctx: typer.Context, reason: Reason, as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """Record every threat whose file changed since the last recorded version (a new revision)."""
    from redline.cli.output import emit_json
    from redline.program.catalog.catalog_versions import sync_catalog

    st = state(ctx)
    with st.store().session() as sess:
        revision = sync_catalog(sess, settings=st.settings(), user=as_user, reason=reason)
    if json_out:
        emit_json(revision.model_dump(mode="json") if revision else None)
    elif revision is None:
        typer.echo("nothing changed since the last recorded version")
    else:
        typer.echo(
            f"revision r{revision.number}: {len(revision.changes)} threats recorded by {revision.author}"
        )


def _print_diffs(diffs: list[ThreatDiff]) -> None:
    import json

    marks = {"added": "+", "removed": "-", "changed": "~"}
    for diff in diffs:
        typer.echo(f"{marks[diff.change.value]} {diff.threat_id} ({diff.before_label} -> {diff.after_label})")
        for change in diff.fields:
            if change.before is not None:
                typer.echo(f"    - {change.field}: {json.dumps(change.before, ensure_ascii=False)}")
            if change.after is not None:
                typer.echo(f"    + {change.field}: {json.dumps(change.after, ensure_ascii=False)}")


@app.command("diff")
def diff(
    ctx: typer.Context,
    threat_id: Annotated[str | None, typer.Argument(help="Threat id; without it, the whole catalog.")] = None,
    from_: Annotated[
        int | None, typer.Option("--from", help="Old state: the threat's version, or a catalog revision.")
    ] = None,
    to: Annotated[
        int | None, typer.Option("--to", help="New state: the threat's version, or a catalog revision.")
    ] = None,
    json_out: JsonOut = False,
) -> None:
    """Show what changed: by default, the files now against the newest recorded versions."""
    from redline.cli.output import emit_json
    from redline.program.catalog.catalog_versions import diff_catalog

    st = state(ctx)
    with st.store().session() as sess:
        diffs = diff_catalog(
            sess, settings=st.settings(), threat_id=threat_id, from_version=from_, to_version=to
        )
    if json_out:
        emit_json([d.model_dump(mode="json") for d in diffs])
    elif not diffs:
        typer.echo("no differences")
    else:
        _print_diffs(diffs)


@app.command("versions")
def versions(
    ctx: typer.Context,
    threat_id: Annotated[
        str | None, typer.Argument(help="Threat id; without it, the catalog revisions.")
    ] = None,
    json_out: JsonOut = False,
) -> None:
    """List the recorded versions of a threat, or the revisions of the catalog."""
    from redline.cli.output import emit_json, table
    from redline.program.catalog.catalog_versions import revisions, threat_history

    st = state(ctx)
    rows: list[tuple[object, ...]]
    with st.store().session() as sess:
        if threat_id is None:
            revs = revisions(sess)
            rows = [
                (f"r{r.number}", _when(r.at), r.kind.value, r.author, len(r.changes), r.reason) for r in revs
            ]
            records = [r.model_dump(mode="json") for r in revs]
            columns = ["revision", "at (UTC)", "kind", "author", "threats", "reason"]
        else:
            history = threat_history(sess, threat_id, settings=st.settings())
            rows = [
                (
                    f"v{v.version}",
                    f"r{v.revision}",
                    _when(v.at),
                    v.change.value,
                    v.author,
                    v.content_hash[:12],
                    v.reason,
                )
                for v in history
            ]
            records = [v.model_dump(mode="json") for v in history]
            columns = ["version", "revision", "at (UTC)", "change", "author", "hash", "reason"]
    if json_out:
        emit_json(records)
    else:
        table(f"Versions of {threat_id}" if threat_id else "Catalog revisions", columns, rows)


def _when(at: object) -> str:
    return str(at)[:19].replace("T", " ") if at else ""


@app.command("review-due")
def review_due(
    ctx: typer.Context,
    within: Annotated[int, typer.Option(help="Also list threats due within this many days.")] = 0,
    on: Annotated[str | None, typer.Option(help="Check as of this date (YYYY-MM-DD); default today.")] = None,
    json_out: JsonOut = False,
) -> None:
    """List threats past their review-by date (or without one): the catalog stays alive when reviewed."""
    from redline.catalog.loader import load_catalog
    from redline.catalog.review import review_due as due
    from redline.cli.output import emit_json, table
    from redline.core.errors import UsageError

    try:
        today = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise UsageError(f"--on must be a date like 2027-01-31, not '{on}'") from None
    items = due(load_catalog(_catalog_dir(ctx)), today=today, within_days=within)
    if json_out:
        emit_json([i.model_dump(mode="json") for i in items])
        return
    rows = [(i.id, i.owner, i.review_by or "never set", i.days_overdue, i.title) for i in items]
    table(
        f"Reviews due on {today} ({len(rows)})", ["id", "owner", "review by", "days overdue", "title"], rows
    )
