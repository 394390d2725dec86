"""What a round sends: cases from a prompts file or from playbooks' automated steps, their scorers and
multi-turn strategies, each with a description of its source for the spec hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.attacks.base import MultiTurnStrategy, PlanContext
from redline.core.catalog.profiles import TargetProfile
from redline.core.catalog.threats import AutomatedStep
from redline.core.errors import ConfigError
from redline.core.runs.actions import ToolSpec
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation
from redline.engine import components
from redline.engine.loops import CaseLoop
from redline.engine.models import HelperModels
from redline.scorers.base import Scorer
from redline.targets.base import Target

if TYPE_CHECKING:
    from redline.attacks.seeds.library import SeedLibrary

PROMPT_TECHNIQUE = "prompt"
# Playbooks a round or a quick scan runs when none is named: the common single-turn failures.
DEFAULT_PLAYBOOKS = ("jailbreak", "prompt-injection", "system-prompt-leakage")
FALLBACK_SCORERS = ("refusal",)


@dataclass(frozen=True)
class CaseSource:
    """Cases to run (read lazily, once), how many, what they come from, and the scorers they ask for."""

    cases: Iterator[AttackCase]
    total: int | None
    description: dict[str, Any]
    scorer_names: tuple[str, ...] = ()
    strategies: dict[str, MultiTurnStrategy] = field(default_factory=dict)
    loops: dict[str, CaseLoop] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_jsonl(path: Path) -> bool:
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return True
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                return line.lstrip().startswith("{")
    return False


def _prompt_case(path: Path, lineno: int, row: dict[str, Any]) -> AttackCase:
    text = row.get("prompt", row.get("text"))
    if not isinstance(text, str) or not text.strip():
        raise ConfigError("each line needs a non-empty 'prompt' (or 'text')", file=str(path), line=lineno)
    system = row.get("system")
    threats = row.get("threats", ())
    if isinstance(threats, str):
        threats = (threats,)
    conversation = Conversation.of(text, system=system if isinstance(system, str) else None)
    seed_id = str(row.get("id") or f"line-{lineno}")
    return AttackCase(
        id=AttackCase.make_id(PROMPT_TECHNIQUE, seed_id, {}, conversation),
        technique=PROMPT_TECHNIQUE,
        seed_id=seed_id,
        threat_ids=tuple(str(t) for t in threats),
        conversation=conversation,
        objective=str(row.get("objective") or text),
    )


def _prompt_cases(path: Path, *, jsonl: bool) -> Iterator[AttackCase]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if not jsonl:
                yield _prompt_case(path, lineno, {"prompt": line.rstrip("\r\n")})
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"not JSON: {exc.msg}", file=str(path), line=lineno) from None
            if not isinstance(row, dict):
                raise ConfigError("each line must be a JSON object", file=str(path), line=lineno)
            yield _prompt_case(path, lineno, row)


def prompts_file(path: Path) -> CaseSource:
    """Cases from a file of one prompt a line, or JSON Lines (prompt, id, threats, system, objective)."""
    if not path.is_file():
        raise ConfigError(f"prompts file {path} does not exist")
    jsonl = _is_jsonl(path)
    with path.open(encoding="utf-8") as fh:
        total = sum(1 for line in fh if line.strip())
    return CaseSource(
        cases=_prompt_cases(path, jsonl=jsonl),
        total=total,
        description={
            "prompts_file": path.name,
            "sha256": _file_sha256(path),
            "format": "jsonl" if jsonl else "lines",
        },
    )


def playbook_cases(
    names: Sequence[str],
    *,
    workspace: Path | None,
    seed: int,
    sample_size: int | None,
    models: HelperModels | None = None,
    step_scorers: bool = True,
    profile: TargetProfile | None = None,
    scale: float = 1.0,
    tools: Sequence[ToolSpec] = (),
) -> CaseSource:
    """Cases of playbooks' automated steps (technique x seed set x converters); same seed, same cases.

    Attacker loops (PAIR, TAP) run with the attacker model of `models`, and so do converters that
    rewrite through a model (translate, paraphrase: their cases are rewritten here, before the round).
    A step that needs an attacker when none is configured, or whose every scorer needs a judge when
    none is (unless `step_scorers` is False: the run names its own scorers), is left out with one
    warning naming the setting. A step none of whose scorers is installed is left out with one warning
    too. `scale` multiplies each step's own sample size (scan's --depth). `tools` are the tools the
    target is offered (`offered_tools`): agentic techniques plan from them, and the steps marked
    `needs_tools` are left out, with one warning, when there are none.
    """
    from redline.attacks.planning import build_cases, case_scorers
    from redline.attacks.seeds.library import SeedLibrary
    from redline.catalog.playbooks import load_playbooks

    models = models or HelperModels()
    playbooks = load_playbooks(workspace / "playbooks" if workspace else None)
    steps: list[AutomatedStep] = []
    for name in names:
        steps.extend(playbooks.get(name).automated)
    if scale != 1.0:
        steps = [s.model_copy(update={"sample_size": max(1, round(s.sample_size * scale))}) for s in steps]
    if not steps:
        raise ConfigError(f"playbooks {', '.join(names)} have no automated steps to run")
    tool_only = [] if tools else [s for s in steps if s.needs_tools]
    steps = [s for s in steps if s not in tool_only]
    loops, warnings = loops_for(steps, models=models)
    if tool_only:
        from redline.engine.offered_tools import NO_TOOLS

        warnings.insert(0, NO_TOOLS)
    runnable: list[AutomatedStep] = []
    for step in steps:
        if step.technique not in loops and _is_loop(step.technique):
            continue  # its warning is in `warnings`
        unknown = [s for s in step.scorers if not _registered(s)] if step_scorers else []
        if step.scorers and len(unknown) == len(step.scorers):
            warnings.append(
                f"step '{step.technique}' ({step.seeds}) skipped: "
                f"scorer {', '.join(unknown)} is not installed"
            )
            continue
        missing = _missing_helper(step, models, step_scorers=step_scorers)
        if missing is not None:
            warnings.append(f"step '{step.technique}' ({step.seeds}) skipped: {missing}")
            continue
        runnable.append(step)
    warnings = list(dict.fromkeys(warnings))
    if not runnable:
        raise ConfigError("; ".join(warnings) or f"playbooks {', '.join(names)} have nothing to run")
    steps = runnable
    library = SeedLibrary.load(workspace)
    context = PlanContext(profile=profile, tools=tuple(tools))
    cases: Iterator[AttackCase]
    if any(_rewrites(step) for step in steps):
        built = _rewritten(
            steps, seed=seed, sample_size=sample_size, library=library, models=models, context=context
        )
        total, cases = len(built), iter(built)
        named = [s for case in built for s in case.scorers]
    else:
        total, named = 0, []
        for case in build_cases(steps, seed=seed, sample_size=sample_size, library=library, context=context):
            total += 1
            named += case.scorers
        cases = build_cases(steps, seed=seed, sample_size=sample_size, library=library, context=context)
    # the steps' scorers, and any a case names besides them (`also_scored_by`)
    scorers = tuple(dict.fromkeys([*(s for step in steps for s in case_scorers(step, context)), *named]))
    techniques = sorted({step.technique for step in steps} - set(loops))
    return CaseSource(
        cases=cases,
        total=total,
        description={
            "playbooks": list(names),
            "steps": [step.model_dump(mode="json", exclude_none=True) for step in steps],
            "sample_size": sample_size,
        },
        scorer_names=scorers,
        strategies=strategies_for(techniques, steps, models=models),
        loops=loops,
        warnings=tuple(warnings),
    )


def _is_loop(name: str) -> bool:
    return components.is_loop_technique(name)


def _rewrites(step: AutomatedStep) -> list[str]:
    from redline.attacks.planning import step_rewrites

    return step_rewrites(step)


def _registered(scorer: str) -> bool:
    """Whether a scorer name is registered (an entry point of `redline.scorers`)."""
    return components.scorer_registered(scorer)


def _needs_judge(scorer: str) -> bool:
    """Whether a registered scorer cannot be built without a judge model (unknown names: no)."""
    return components.scorer_needs_judge(scorer)


def _missing_helper(step: AutomatedStep, models: HelperModels, *, step_scorers: bool) -> str | None:
    """Why a step cannot run without an attacker or judge model that is not configured; None if it can."""
    from redline.engine.models import missing_judge, missing_rewriter

    rewriting = _rewrites(step)
    if rewriting and models.attacker(step.attacker) is None:
        return missing_rewriter(rewriting)
    if step_scorers and step.scorers and models.judge() is None and all(map(_needs_judge, step.scorers)):
        return missing_judge(step.scorers)
    return None


def _rewritten(
    steps: Sequence[AutomatedStep],
    *,
    seed: int,
    sample_size: int | None,
    library: SeedLibrary,
    models: HelperModels,
    context: PlanContext | None = None,
) -> list[AttackCase]:
    """Every case of the steps, those with model converters rewritten by their attacker now.

    The rewriting runs on an event loop of its own in a worker thread, so a caller that is already
    inside one (the web app) is served the same way as the command line.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from redline.attacks.planning import build_cases_async

    def attacker(step: AutomatedStep) -> Target | None:
        return models.attacker(step.attacker)

    def run() -> list[AttackCase]:
        return asyncio.run(
            build_cases_async(
                steps, seed=seed, sample_size=sample_size, library=library, attacker=attacker, context=context
            )
        )

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="redline-rewrite") as pool:
        return pool.submit(run).result()


def loops_for(
    steps: Sequence[AutomatedStep], *, models: HelperModels
) -> tuple[dict[str, CaseLoop], list[str]]:
    """The loops of the steps' loop techniques, and one warning per step left out for want of an attacker.

    A loop is steered by the judge model when the workspace names one, else by the refusal scorer.
    The first step that names a technique decides its attacker. Each loop is built from its spec
    (`components.loop_spec_for`), so what the round stores is what it built.
    """
    loops: dict[str, CaseLoop] = {}
    warnings: list[str] = []
    for step in steps:
        if step.technique in loops or not _is_loop(step.technique):
            continue
        try:
            spec = components.loop_spec_for(step.technique, models=models, attacker=step.attacker)
            loops[step.technique] = components.loop(spec, models=models)
        except ConfigError as exc:
            warnings.append(f"step '{step.technique}' ({step.seeds}) skipped: {exc}")
    return loops, list(dict.fromkeys(warnings))


def strategies_for(
    techniques: Sequence[str], steps: Sequence[AutomatedStep], *, models: HelperModels | None = None
) -> dict[str, MultiTurnStrategy]:
    """The multi-turn strategies of the techniques that drive conversations turn by turn.

    Each gets the attacker model (the first step's `attacker`, else the workspace's) and the judge;
    without an attacker Crescendo follows its scripted ladder. Each is built from its spec
    (`components.strategy_spec_for`), with the first step's parameters.
    """
    models = models or HelperModels()
    out: dict[str, MultiTurnStrategy] = {}
    for name in techniques:
        step = next((s for s in steps if s.technique == name), None)
        spec = components.strategy_spec_for(
            name,
            step.params if step is not None else {},
            models=models,
            attacker=step.attacker if step is not None else None,
        )
        if spec is None:
            continue
        built = components.strategy(spec, models=models)
        if built is not None:
            out[name] = built
    return out


def build_scorers(names: Sequence[str], *, judge: Target | None = None) -> tuple[list[Scorer], list[str]]:
    """Scorers by registered name, and the problems of those that could not be built (e.g. a judge
    with no model configured): the caller decides whether to go on without them.

    Scorers that need a judge model (`judge.*`) are given `judge`, the workspace's judge system. Each
    is built from its spec (`components.scorer_spec_named`: the name, its version, default parameters).
    """
    specs = [components.scorer_spec_named(name) for name in dict.fromkeys(names)]
    return components.scorers_lenient(specs, judge=judge)
