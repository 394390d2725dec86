"""Build a round's cases from automated playbook steps: technique x seed set x converters x sample size.

Deterministic: the same steps, seed sets and `seed` give the same cases with the same ids, in the same
order. Each seed gets its own random stream derived from (seed, step, technique, seed id), so drawing
a larger sample adds cases without changing the ones already drawn.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from redline.attacks.base import PlanContext, ProfiledTechnique, Technique, expand_in
from redline.attacks.converters.chain import (
    AnyConverter,
    apply_chain,
    apply_chain_async,
    build_converter,
    needs_model,
)
from redline.attacks.registry import get_technique
from redline.attacks.seeds.library import SeedLibrary
from redline.core.catalog.threats import AutomatedStep
from redline.core.errors import ConfigError
from redline.core.ids import content_hash
from redline.core.runs import case_params as cp
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import Conversation, Message, MessageRole
from redline.targets.base import Target


def derive_seed(*parts: object) -> int:
    """A 32-bit seed from any JSON-able parts."""
    return int(content_hash(list(parts))[:8], 16)


def sample_seeds(seeds: Sequence[Seed], n: int, *, seed: int, salt: str) -> list[Seed]:
    """`n` seeds drawn without replacement, kept in their set order; all of them when n >= len."""
    if n >= len(seeds):
        return list(seeds)
    ranked = sorted(seeds, key=lambda s: derive_seed(seed, salt, s.id))
    chosen = {s.id for s in ranked[:n]}
    return [s for s in seeds if s.id in chosen]


def _params(technique: Technique, step: AutomatedStep, index: int) -> BaseModel:
    try:
        return technique.Params.model_validate(step.params)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = "params." + ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"step {index + 1} ({step.technique}): {err['msg']}", field=field) from None


def _convert_case(case: AttackCase, text: str, chain: Sequence[AnyConverter]) -> AttackCase:
    """The case with its last user message replaced by the converted text."""
    msgs = list(case.conversation.messages)
    last = max(i for i, m in enumerate(msgs) if m.role is MessageRole.USER)
    msgs[last] = Message(role=MessageRole.USER, content=text)
    convo = Conversation(messages=tuple(msgs))
    names = tuple(c.name for c in chain)
    return case.model_copy(
        update={
            "id": AttackCase.make_id(
                case.technique, case.seed_id, {**case.params, "converters": names}, convo
            ),
            "conversation": convo,
            "converters": (*case.converters, *names),
        }
    )


def _plan(
    steps: Sequence[AutomatedStep],
    *,
    seed: int,
    sample_size: int | None,
    library: SeedLibrary,
    context: PlanContext | None = None,
) -> Iterator[tuple[AutomatedStep, Sequence[AnyConverter], random.Random, AttackCase]]:
    for index, step in enumerate(steps):
        technique = get_technique(step.technique)
        params = _params(technique, step, index)
        chain = [build_converter(spec) for spec in step.converters]
        n = step.sample_size if sample_size is None else sample_size
        pool = library.seeds(step.seeds)
        seen: set[str] = set()
        for draw, size in enumerate(_draws(technique, pool, n, context)):
            for s in sample_seeds(pool, size, seed=seed, salt=f"{index}:{step.technique}:{step.seeds}"):
                # the first draw keeps the seed-only stream, so rounds without a profile are unchanged
                parts: tuple[object, ...] = (seed, index, step.technique, s.id) + ((draw,) if draw else ())
                rng = random.Random(derive_seed(*parts))
                for case in expand_in(technique, s, params, rng=rng, context=context):
                    if case.id in seen:  # another draw of the same seed can land on the same framing
                        continue
                    seen.add(case.id)
                    scorers = case_scorers(step, context, case)
                    yield step, chain, rng, case.model_copy(update={"scorers": scorers})


ACTION_POLICY = "action.policy"
"""Judges what an agent did on every exchange of a target that is offered tools (`case_scorers`)."""


def case_scorers(
    step: AutomatedStep, context: PlanContext | None, case: AttackCase | None = None
) -> tuple[str, ...]:
    """The step's scorers, and `action.policy` on every case when the target is offered tools: a call
    made without the user's yes, a change on a question, a tool that was not offered are faults
    whatever request led to them (a question about a debt answered with an unconfirmed refund). A case
    that needs another scorer names it (`also_scored_by`: a rights question is judged by
    `confabulation.hedging` too)."""
    scorers = tuple(step.scorers)
    if context is not None and context.tools and scorers and ACTION_POLICY not in scorers:
        scorers += (ACTION_POLICY,)
    if scorers and case is not None:
        also = case.params.get(cp.ALSO_SCORED_BY) or ()
        scorers += tuple(str(s) for s in also if isinstance(s, str) and str(s) not in scorers)
    return scorers


def _draws(technique: Technique, pool: Sequence[Seed], n: int, context: PlanContext | None) -> list[int]:
    """How many seeds each pass over the set takes.

    One pass (at most the whole set) as a rule. A technique that builds its cases from the target
    profile uses a seed only as a slot for its own framings and the profile's parts, so a sample
    larger than the set takes further passes, each with its own random stream: more framings,
    records, premises and asks, not the same cases again. So does a technique that plans from the
    tools the target is offered (`uses_tools`): more tools, arguments and plantings.
    """
    if not pool or n <= len(pool) or context is None:
        return [n]
    from_tools = bool(context.tools) and bool(getattr(technique, "uses_tools", False))
    if context.profile is None and not from_tools:
        return [n]
    if not isinstance(technique, ProfiledTechnique):
        return [n]
    full, rest = divmod(n, len(pool))
    return [len(pool)] * full + ([rest] if rest else [])


def build_cases(
    steps: Sequence[AutomatedStep],
    *,
    seed: int,
    sample_size: int | None = None,
    library: SeedLibrary | None = None,
    workspace: Path | None = None,
    context: PlanContext | None = None,
) -> Iterator[AttackCase]:
    """The cases of a round's automated steps; `sample_size` overrides each step's own.

    `context` carries the target profile to techniques that use one (`ProfiledTechnique`).
    """
    lib = library or SeedLibrary.load(workspace)
    for _, chain, rng, case in _plan(steps, seed=seed, sample_size=sample_size, library=lib, context=context):
        if not chain:
            yield case
            continue
        yield _convert_case(case, apply_chain(case.conversation.last_user_text, chain, rng=rng), chain)


async def build_cases_async(
    steps: Sequence[AutomatedStep],
    *,
    seed: int,
    sample_size: int | None = None,
    library: SeedLibrary | None = None,
    workspace: Path | None = None,
    attacker: Target | Callable[[AutomatedStep], Target | None] | None = None,
    context: PlanContext | None = None,
) -> list[AttackCase]:
    """Like `build_cases`, for chains with model converters (translation, paraphrase) run by `attacker`
    (a target, or a function giving each step's)."""
    lib = library or SeedLibrary.load(workspace)
    out = []
    for step, chain, rng, case in _plan(
        steps, seed=seed, sample_size=sample_size, library=lib, context=context
    ):
        if not chain:
            out.append(case)
            continue
        model = attacker(step) if callable(attacker) else attacker
        text = await apply_chain_async(case.conversation.last_user_text, chain, rng=rng, model=model)
        out.append(_convert_case(case, text, chain))
    return out


def step_rewrites(step: AutomatedStep) -> list[str]:
    """The converters of a step that rewrite through a model (they need an attacker target)."""
    return [c.name for c in (build_converter(spec) for spec in step.converters) if needs_model([c])]
