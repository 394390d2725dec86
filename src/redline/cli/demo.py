"""`redline demo`: the whole program on the embedded default, offline, ending with a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.context import state


def demo(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Option("--dir", help="Workspace folder for the demo.")] = Path(
        "demo-workspace"
    ),
    sample_size: Annotated[int, typer.Option(help="Seeds per playbook step (more: tighter intervals).")] = 2,
    json_out: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
) -> None:
    """Plan, approve, attack the bundled SmolLM2 model, file findings, mitigate, verify, gate, report."""
    import os

    from redline.catalog.loader import load_catalog
    from redline.cli.output import emit_json, say, table
    from redline.config.settings import load_settings
    from redline.program.workbench.demo import run_demo
    from redline.program.workspace import open_workspace_store
    from redline.reports.assembly import ReportRequest, build_report
    from redline.reports.model import Audience, ReportFormat
    from redline.reports.render import write_report

    # Offline by construction; model loaders' progress bars only clutter the story.
    for var in ("HF_HUB_OFFLINE", "HF_HUB_DISABLE_PROGRESS_BARS", "TQDM_DISABLE"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    st = state(ctx)
    quiet = st.quiet or json_out
    result = run_demo(folder, sample_size=sample_size, say=(lambda _m: None) if quiet else say)
    settings = load_settings(result.workspace)
    store = open_workspace_store(settings)
    paths: dict[str, str] = {}
    try:
        catalog = load_catalog(settings.workspace / "catalog")
        from redline.program.register.decisions import load_policy

        for audience in (Audience.INTERNAL, Audience.EXTERNAL):
            with store.session() as sess:
                model = build_report(
                    sess,
                    ReportRequest(release="smollm2@2.0", audience=audience),
                    catalog=catalog,
                    program=settings.config.name,
                    matrix=settings.config.risk_matrix,
                    policy=load_policy(settings, "demo"),
                )
            out = settings.workspace / "reports" / f"release-2.0-{audience.value}.html"
            out.parent.mkdir(exist_ok=True)
            paths[audience.value] = str(write_report(model, ReportFormat.HTML, out))
    finally:
        store.dispose()
    if json_out:
        emit_json({**result.__dict__, "workspace": str(result.workspace), "reports": paths})
        return
    for label, rates in result.evidence.items():
        rows = [
            (
                e["threat_id"],
                f"{e['failures']}/{e['n']}",
                f"{e['rate']:.0%}",
                f"{e['low']:.0%}-{e['high']:.0%}",
            )
            for e in rates
        ]
        table(f"Release {label}: failure rates (95% CI)", ["threat", "failed/n", "rate", "95% CI"], rows)
    if result.verifications:
        checks = [
            (v["threat"], v["before"], v["after"], v["fresh"], v["outcome"]) for v in result.verifications
        ]
        columns = ["threat", "1.0", "2.0", "2.0 fresh variants", "outcome"]
        table("Verification of each finding on release 2.0", columns, checks)
    for label, gate in result.gates.items():
        say(f"Gate for release {label}: {gate['outcome'].upper()}")
        for reason in gate["reasons"]:
            say(f"  - {reason}")
        for condition in gate["conditions"]:
            say(f"  condition: {condition}")
    for problem in result.scorer_problems:
        say(f"note: {problem}")
    say(f"Workspace: {result.workspace}")
    say(f"Report (internal): {paths['internal']}")
    say(f"Report (external transparency): {paths['external']}")
