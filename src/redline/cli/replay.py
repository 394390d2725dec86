"""`redline replay`: check a replication bundle offline and re-score what the installed scorers can."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def replay(
    bundle: Annotated[Path, typer.Argument(metavar="BUNDLE", help="Zip written by 'redline export bundle'.")],
    report: Annotated[
        Path | None, typer.Option(help="A JSON report of the round: its printed digests must match.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Verify every hash, recompute the rates, re-run deterministic scorers; exit 1 naming what differs."""
    import json

    from redline.cli.output import emit_json, say
    from redline.program.register.replay import RescoreStatus, rescore
    from redline.reports.bundle_verify import check_against_report, read_bundle, scoring_items, verify_bundle

    loaded = read_bundle(bundle)
    problems = verify_bundle(loaded)
    if report is not None:
        problems += check_against_report(loaded, json.loads(report.read_text(encoding="utf-8")))
    scorers = rescore(scoring_items(loaded)) if not problems else []
    differ = [s for s in scorers if s.status is RescoreStatus.DIFFERENT]
    if json_out:
        emit_json(
            {
                "ok": not problems and not differ,
                "checks": loaded.checks,
                "problems": problems,
                "scorers": scorers,
            }
        )
    else:
        head = loaded.manifest
        say(f"bundle {bundle.name}: round {head.round_id}, audience {head.audience.value}")
        for p in problems:
            say(f"  FAIL {p.kind.value}: {p.subject}: {p.detail}")
        for s in scorers:
            why = s.detail or (", ".join(s.mismatches) if s.mismatches else f"{s.checked} scores")
            say(f"  scorer {s.scorer}: {s.status.value.replace('_', ' ')} ({why})")
        if not problems and not differ:
            say(f"  ok: {loaded.checks} hashes and rates verified")
    if problems or differ:
        raise typer.Exit(1)
