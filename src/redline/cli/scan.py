"""`redline scan`: a quick ad-hoc round against any OpenAI-compatible endpoint, with the default playbooks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.context import state
from redline.cli.round import NoPreflightOpt

if TYPE_CHECKING:
    from redline.catalog.packs import Packs
    from redline.core.profiles import TargetProfile
    from redline.engine.profiling import ProfileChoice
    from redline.settings import TargetConfig

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
    purpose: Annotated[
        str | None,
        typer.Option(
            "--purpose", help="What the application is for; the nearest domain pack is inferred from it."
        ),
    ] = None,
    profile: Annotated[
        Path | None, typer.Option("--profile", help="Profile YAML file (docs/profiles.md).")
    ] = None,
    pack: Annotated[str | None, typer.Option("--pack", help="Domain pack to build the profile on.")] = None,
    no_preflight: NoPreflightOpt = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Scan an endpoint: run the default playbooks ad hoc and print failure rates with 95% intervals.

    Results go to the workspace found from the current folder, or to ./redline-scan, created if needed.
    One small request first checks that the URL answers as an OpenAI-compatible API (--no-preflight
    skips it); a round whose target stops answering is paused (exit 3) and resumed by running again.
    The target profile comes from --profile, --pack or --purpose; with none, three short questions ask
    the target what it is for and the nearest domain pack is inferred from its answers.
    """
    import asyncio

    from redline.cli.output import emit_json, say
    from redline.cli.progress import ProgressBar
    from redline.cli.round import check_target_first, fail_if_paused, print_result
    from redline.core.errors import WorkspaceNotFoundError
    from redline.engine.launch import RoundRequest, prepare_round
    from redline.engine.profiling import ProfileChoice
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
    quiet = st.quiet or json_out
    choice = ProfileChoice(profile, pack, purpose)
    # a prompts file is sent as it is: the target is asked about itself only when probes are built
    chosen = (
        _profile(target, system, settings.workspace, choice, quiet=quiet)
        if prompts is None or choice.given
        else None
    )
    request = RoundRequest(
        system=system,
        prompts=prompts,
        playbooks=tuple(playbook or ()),
        sample_size=sample_size,
        scorers=tuple(scorer or ()),
        concurrency=concurrency,
        profile=chosen,
    )
    prepared = prepare_round(settings, request, target=target)
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


def _profile(
    target: TargetConfig, system: str, workspace: Path, choice: ProfileChoice, *, quiet: bool
) -> TargetProfile:
    """The scan's profile: given, built on a pack, inferred from --purpose, or from the target's answers."""
    import asyncio

    from redline.catalog.packs import GENERAL, load_packs
    from redline.cli.output import say
    from redline.engine.profiling import ask_target, chosen_profile, infer_pack, inferred_profile

    packs = load_packs(workspace)
    profile, line = chosen_profile(choice, packs)
    if profile is None:
        answers = asyncio.run(ask_target(target, name=system))
        if answers:
            inference = infer_pack(answers, packs)
            line = inference.line("the target's answers")
            profile = inferred_profile(inference, packs, purpose="", source="inferred")
        else:
            line = (
                f"profile: the target did not describe itself; using '{GENERAL}'; give --purpose or --profile"
            )
            profile = _general(packs)
    if line and not quiet:
        say(line)
    return profile


def _general(packs: Packs) -> TargetProfile:
    """The general pack as an inferred profile (the target said nothing usable about itself)."""
    from redline.catalog.packs import GENERAL, resolve_profile

    return resolve_profile(TargetProfile(pack=GENERAL, source="inferred"), packs)
