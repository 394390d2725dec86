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
    from redline.config.settings import TargetConfig
    from redline.core.catalog.profiles import TargetProfile
    from redline.engine.profiling import ProfileChoice
    from redline.program.register.scan_findings import ScanFinding

SCAN_WORKSPACE = Path("redline-scan")
# The built-in plan scan runs without --playbook, and how --depth scales its sample sizes.
DEFAULT_PLAN = "scan-standard"
DEPTHS: dict[str, float] = {"quick": 0.4, "standard": 1.0, "deep": 3.0}


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
    sample_size: Annotated[
        int | None,
        typer.Option(
            help="Seeds per playbook step (default: 10 with --playbook, the plan's own without).", min=1
        ),
    ] = None,
    depth: Annotated[
        str,
        typer.Option(
            "--depth",
            help="Size of the default scan plan (no --playbook): quick, standard (about 5 minutes at "
            "concurrency 8 against a 50 ms endpoint) or deep.",
        ),
    ] = "standard",
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
    tools: Annotated[
        Path | None,
        typer.Option("--tools", help="Sandbox YAML of fake tools offered to the model (docs/agents.md)."),
    ] = None,
    no_preflight: NoPreflightOpt = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Scan an endpoint: every harm family of the catalog, fitted to the target's profile, ranked findings.

    With no --playbook the built-in plan `scan-standard` runs: for each harm family its technique(s),
    sample sizes scaled by --depth, and the family's offline scorer (a step whose scorer is not
    installed, or that only a judge can score when none is configured, is skipped with one line).

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
    from redline.config.settings import TargetConfig
    from redline.core.errors import UsageError, WorkspaceNotFoundError
    from redline.engine.launch import RoundRequest, prepare_round
    from redline.engine.profiling import ProfileChoice
    from redline.engine.round import run_round
    from redline.program.workspace import init_workspace
    from redline.targets.preflight import Hints

    if depth not in DEPTHS:
        raise UsageError(f"--depth must be one of {', '.join(DEPTHS)}, not '{depth}'")
    default_plan = not playbook and prompts is None
    options = {"tools": {"sandbox": str(tools.resolve())}} if tools is not None else {}
    target = TargetConfig(
        kind="openai-compat",
        base_url=url,
        model=model,
        api_key_env=api_key_env,
        system_prompt=system_prompt,
        options=options,
    )
    if tools is not None:  # a sandbox error is one line naming the file and field, before anything runs
        from redline.targets.sandbox import load_sandbox

        load_sandbox(tools)
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
        playbooks=tuple(playbook or ((DEFAULT_PLAN,) if default_plan else ())),
        sample_size=sample_size if sample_size is not None or default_plan else 10,
        sample_scale=DEPTHS[depth] if default_plan and sample_size is None else 1.0,
        scorers=tuple(scorer or ()),
        concurrency=concurrency,
        profile=chosen,
    )
    prepared = prepare_round(settings, request, target=target)
    for warning in () if quiet else prepared.warnings:
        say(f"warning: {warning}")
    with ProgressBar(enabled=not quiet, total=prepared.spec.cases_total, label="scan") as bar:
        result = asyncio.run(run_round(prepared.spec, settings=settings, store=st.store(), events=bar.update))
    from redline.program.register.scan_findings import ranked_findings

    findings = ranked_findings(st.store(), settings, result.round_id)
    if json_out:
        emit_json(
            {
                **result.model_dump(mode="json"),
                "findings": [f.model_dump(mode="json") for f in findings],
                "workspace": str(settings.workspace),
                "warnings": list(prepared.warnings),
            }
        )
    else:
        if not st.quiet:
            print_findings(findings)
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


def print_findings(findings: list[ScanFinding]) -> None:
    """The ranked findings, each with the exchange that shows it and the scorer's rationale."""
    from redline.cli.output import say

    if not findings:
        say("Findings: none (no scored answer failed).")
        return
    say(f"Findings ({len(findings)}), worst first (severity x lower bound of the failure rate):")
    for f in findings:
        say(
            f"\n#{f.rank} {f.family}: {f.technique} judged by {f.scorer}; threats {', '.join(f.threats)}; "
            f"severity {f.severity}"
        )
        say(f"  failure rate {f.rate:.0%} [95% CI {f.low:.0%}-{f.high:.0%}], {f.failures}/{f.n} (n={f.n})")
        say(f"  case {f.case_id}:")
        for m in f.messages:
            say(f"    {m.role}: {m.content}")
        say(f"    reply: {f.reply}")
        say(f"  why: {f.rationale or '(the scorer gave no rationale)'}")
    say("")
