"""`redline lessons`: the lessons digest of a release or a period: findings closed, their post-mortems by
root cause, the process changes decided, and root causes that recur across releases."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from redline.cli.context import state


def _day(value: str | None, option: str) -> date | None:
    from redline.core.errors import UsageError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} must be a date like 2026-12-31, not '{value}'") from None


def lessons(
    ctx: typer.Context,
    release: Annotated[
        str | None, typer.Option(help="Findings of a release: SYSTEM@VERSION, a version or an id.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="First day of the period, YYYY-MM-DD (closed or post-mortem held).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Last day of the period, YYYY-MM-DD.")] = None,
    notify: Annotated[
        bool, typer.Option("--notify", help="Also send it to the hooks subscribed to 'lessons'.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """What failed, why, and what changed in the process: for a release, a period, or both."""
    from redline.cli.output import emit_json, say, table
    from redline.program.register import lessons as program

    st = state(ctx)
    digest = program.digest(
        st.store(), release=release, since=_day(since, "--since"), until=_day(until, "--until")
    )
    deliveries = program.announce(st.store(), st.settings(), digest) if notify else []
    if json_out:
        emit_json(digest)
    else:
        say(digest.summary())
        table(
            f"Findings closed ({len(digest.closed)})",
            ["finding", "risk", "status", "release", "closed", "post-mortem", "title"],
            [
                (
                    c.id,
                    c.risk.value,
                    c.status.value,
                    c.release or "-",
                    f"{c.closed_at:%Y-%m-%d}" if c.closed_at else "-",
                    "yes" if c.has_postmortem else "no",
                    c.title,
                )
                for c in digest.closed
            ],
        )
        for group in digest.causes:
            say(f"\nRoot cause: {group.label} ({len(group.lessons)})")
            for x in group.lessons:
                say(f"  {x.finding_id} [{x.risk.value}] {x.release or '-'}: {x.what_failed}")
                say(f"    why: {x.why}")
        if digest.changes:
            say("\nWhat changed in the process:")
            for c in digest.changes:
                say(f"  - {c.change} ({c.finding_id}; owner {c.owner or '-'})")
        for r in digest.recurring:
            say(f"\nRecurring: {r.label} in {', '.join(r.releases)} ({r.findings} post-mortems)")
    for d in deliveries:
        typer.echo(f"notified {d.notifier}: {'ok' if d.ok else d.detail}", err=True)
