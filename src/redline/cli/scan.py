"""`redline scan`: a quick ad-hoc round against any OpenAI-compatible endpoint, with the default playbooks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from redline.cli.context import state
from redline.cli.round import NoPreflightOpt

SCAN_WORKSPACE = Path("redline-scan")


def scan(
    ctx: typer.Context,
    url: Annotated[str, typer.Option("--url", help="Base URL of the API, e.g. http://127.0.0.1:8000/v1.")],
    model: Annotated[str, typer.Option("--model", help="Model name the API expects.")],
    api_key_env: Annotated[
        str | None, typer.Option("--api-key-env", help="Environment variable holding the API key.")
    ] = None,
    playbook: Annotated[
        list[str] | None,
        typer.Option("--playbook", help="Playbook to run (repeatable; default: a core set)."),
    ] = None,
    prompts: Annotated[
        Path | None, typer.Option("--prompts", help="Prompts file instead of playbooks.")
    ] = None,
    sample_size: Annotated[int, typer.Option(help="Seeds per playbook step.", min=1)] = 10,
    scorer: Annotated[list[str] | None, typer.Option("--scorer", help="Scorer to use (repeatable).")] = None,
    concurrency: Annotated[int, typer.Option(help="Requests in flight.", min=1)] = 8,
    system_prompt: Annotated[str | None, typer.Option(help="System prompt the target runs with.")] = None,
    no_preflight: NoPreflightOpt = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Scan an endpoint: run the default playbooks ad hoc and print failure rates with 95% intervals.

    Results go to the workspace found from the current folder, or to ./redline-scan, created if needed.
    One small request first checks that the URL answers as an OpenAI-compatible API (--no-preflight
    skips it); a round whose target stops answering is paused (exit 3) and resumed by running again.
    """
    import asyncio

    from redline.cli.output import emit_json, say
    from redline.cli.progress import ProgressBar
    from redline.cli.round import check_target_first, fail_if_paused, print_result
    from redline.core.errors import WorkspaceNotFoundError
    from redline.engine.launch import RoundRequest, prepare_round
    from redline.engine.round import run_round
    from redline.program.workspace import init_workspace
    from redline.settings import TargetConfig
    from redline.targets.preflight import Hints

    target = TargetConfig(
        kind="openai-compat", base_url=url, model=model, api_key_env=api_key_env, system_prompt=system_prompt
    )
    system = "scan-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", model).strip("-")
    if not no_preflight:  # before any workspace or round is made
        check_target_first(target, name=system, hints=Hints.scan())
    st = state(ctx)
    try:
        settings = st.settings()
    except WorkspaceNotFoundError:
        st.workspace = init_workspace(SCAN_WORKSPACE, name="redline-scan").settings.workspace
        settings = st.settings()
    request = RoundRequest(
        system=system,
        prompts=prompts,
        playbooks=tuple(playbook or ()),
        sample_size=sample_size,
        scorers=tuple(scorer or ()),
        concurrency=concurrency,
    )
    prepared = prepare_round(settings, request, target=target)
    quiet = st.quiet or json_out
    for warning in () if quiet else prepared.warnings:
        say(f"warning: {warning}")
    with ProgressBar(enabled=not quiet, total=prepared.spec.cases_total, label="scan") as bar:
        result = asyncio.run(run_round(prepared.spec, settings=settings, store=st.store(), events=bar.update))
    if json_out:
        emit_json({**result.model_dump(mode="json"), "workspace": str(settings.workspace)})
    else:
        print_result(result, json_out=False, quiet=st.quiet)
        say(
            f"Full results: workspace {settings.workspace}; "
            f"`redline -w {settings.workspace} round show {result.round_id}`"
        )
    fail_if_paused(result)
