"""The Technique and Converter protocols: turn seeds into attack cases (stage 2)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, NotRequired, Protocol, TypedDict, Unpack, runtime_checkable

from pydantic import BaseModel, ConfigDict

from redline.core.catalog.profiles import TargetProfile
from redline.core.runs.actions import ToolSpec
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import Conversation, MessageRole

if TYPE_CHECKING:
    from redline.attacks.multi_turn.judging import Judge
    from redline.attacks.multi_turn.records import AttackTranscript, Recorder
    from redline.targets.base import Target


class TechniqueKind(StrEnum):
    """How a technique reaches the target; the engine and the docs group techniques by it."""

    SINGLE_TURN = "single-turn"
    MULTI_TURN = "multi-turn"
    ATTACKER_LOOP = "attacker-loop"
    COUNTERFACTUAL = "counterfactual"
    CONFIGURATION = "configuration"
    WHITE_BOX = "white-box"


class PluginKind(StrEnum):
    """What a `redline.attacks` entry point registers."""

    TECHNIQUE = "technique"
    CONVERTER = "converter"


class NoParams(BaseModel):
    """Parameters of a component that takes none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@runtime_checkable
class Converter(Protocol):
    """A deterministic (for a given rng) text transform; converters compose in chains.

    Converters are built with their parameters, `Cls(params)`, and then applied many times.
    """

    name: ClassVar[str]
    threats: ClassVar[tuple[str, ...]]
    source: ClassVar[str]
    Params: ClassVar[type[BaseModel]]

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The converted text."""
        ...


@runtime_checkable
class ModelConverter(Protocol):
    """A converter that asks a model (an attacker `Target`) to rewrite the text: translation, paraphrase."""

    name: ClassVar[str]
    threats: ClassVar[tuple[str, ...]]
    source: ClassVar[str]
    Params: ClassVar[type[BaseModel]]
    needs_model: ClassVar[bool]

    async def aconvert(self, text: str, *, rng: random.Random, model: Target) -> str:
        """The text as rewritten by `model`."""
        ...


@runtime_checkable
class Technique(Protocol):
    """Expands a seed into cases. Metadata lives in class attributes, parameters in a pydantic model."""

    name: ClassVar[str]
    kind: ClassVar[TechniqueKind]
    threats: ClassVar[tuple[str, ...]]
    source: ClassVar[str]
    default_seeds: ClassVar[str]
    Params: ClassVar[type[BaseModel]]

    def expand(self, seed: Seed, params: BaseModel, *, rng: random.Random) -> Iterator[AttackCase]:
        """The cases this technique makes from one seed; same seed and rng state, same cases."""
        ...


@dataclass(frozen=True)
class PlanContext:
    """What planning knows about the round beyond the step: the target's profile (docs/profiles.md)
    and the tools the target is offered (its sandbox, MCP servers or retrieval; docs/agents.md)."""

    profile: TargetProfile | None = None
    tools: tuple[ToolSpec, ...] = ()


@runtime_checkable
class ProfiledTechnique(Technique, Protocol):
    """A technique that builds its cases from the round's context (the target profile) when there is one.

    Planning calls `expand_for` instead of `expand` when the context holds a profile; a technique
    records in each case's params what it took from the profile (`redline.core.runs.case_params.PROFILE`),
    so scorers can judge against it.
    """

    def expand_for(
        self, seed: Seed, params: BaseModel, *, rng: random.Random, context: PlanContext
    ) -> Iterator[AttackCase]:
        """The cases for one seed, fitted to the context."""
        ...


def expand_in(
    technique: Technique, seed: Seed, params: BaseModel, *, rng: random.Random, context: PlanContext | None
) -> Iterator[AttackCase]:
    """A technique's cases for one seed, through `expand_for` when it has one and a profile is known
    (or, for a technique that plans from tools (`uses_tools`), when the target is offered tools)."""
    if context is not None and isinstance(technique, ProfiledTechnique):
        tools = bool(context.tools) and bool(getattr(technique, "uses_tools", False))
        if context.profile is not None or tools:
            return technique.expand_for(seed, params, rng=rng, context=context)
    return technique.expand(seed, params, rng=rng)


@runtime_checkable
class MultiTurnStrategy(Protocol):
    """Drives a conversation turn by turn; the engine stores each turn as an attempt, so it resumes.

    The engine sends `case.conversation` as turn 0, then asks the strategy for the next user message
    given the whole history (the target's answers included); None ends the conversation.
    """

    name: ClassVar[str]

    async def next_message(self, case: AttackCase, history: Conversation, *, turn: int) -> str | None:
        """The next user message for `turn` (>= 1), or None to stop."""
        ...


@runtime_checkable
class RewritingStrategy(MultiTurnStrategy, Protocol):
    """A strategy that may rewrite what the target sees next, not only add to it (Crescendo backtracks)."""

    async def next_request(
        self, case: AttackCase, history: Conversation, *, turn: int
    ) -> Conversation | None:
        """The whole conversation to send for `turn` (>= 1), or None to stop."""
        ...


async def next_request(
    strategy: MultiTurnStrategy, case: AttackCase, history: Conversation, *, turn: int
) -> Conversation | None:
    """What the engine sends for `turn`: the strategy's rewrite, or the history plus its next message."""
    if isinstance(strategy, RewritingStrategy):
        return await strategy.next_request(case, history, turn=turn)
    message = await strategy.next_message(case, history, turn=turn)
    return None if message is None else history.add(MessageRole.USER, message)


@runtime_checkable
class MultiTurnTechnique(Technique, Protocol):
    """A technique whose cases continue past turn 0; it builds the strategy the engine drives."""

    def strategy(
        self, params: BaseModel, *, attacker: Target | None = None, judge: Judge | None = None
    ) -> MultiTurnStrategy:
        """The strategy for this technique's cases; without an attacker it follows its scripted ladder."""
        ...


class LoopInputs(TypedDict):
    """What an attacker loop is run with, besides its case (written once, for every loop's `run`)."""

    target: Target
    attacker: Target | None
    judge: Judge
    params: BaseModel
    recorder: NotRequired[Recorder | None]
    resume: NotRequired[AttackTranscript | None]


@runtime_checkable
class AttackerLoopTechnique(Technique, Protocol):
    """A technique that runs its own loop against the target (PAIR, TAP, Crescendo with backtracking).

    Every turn is handed to `recorder` as it happens, so the engine can store it; passing the stored
    transcript back as `resume` continues an interrupted attack. `multi_turn.kernel.AttackerLoopBase`
    implements `run` once for every loop: a technique writes only its algorithm.
    """

    async def run(self, case: AttackCase, **inputs: Unpack[LoopInputs]) -> AttackTranscript:
        """Attack until success or the budget runs out; the transcript of every turn."""
        ...


# Seed metadata the scorers need to judge a response (known answers, corrections, decision formats),
# copied under params['reference']; `redline.core.runs.case_params` reads it.
REFERENCE_KEYS = (
    "answer",
    "aliases",
    "false_answers",
    "references",
    "correction",
    "truth",
    "expected",
    "choices",
    "favourable",
    "score_range",
    "label",
    "category",
    "target_prefix",
)


class Describes(Protocol):
    """Anything with a technique's name and threats (a technique instance or class)."""

    @property
    def name(self) -> str:
        """Registered name."""
        ...

    @property
    def threats(self) -> tuple[str, ...]:
        """Catalog threats it exercises."""
        ...


def make_case(
    technique: Describes,
    seed: Seed,
    conversation: Conversation,
    *,
    params: BaseModel,
    rng_seed: int | None = None,
    objective: str | None = None,
    turns: int = 1,
    group: str | None = None,
    attributes: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    threats: tuple[str, ...] | None = None,
) -> AttackCase:
    """An attack case with its deterministic id, the technique's threats and the seed's provenance."""
    dumped: dict[str, Any] = params.model_dump(mode="json")
    if extra:
        dumped = {**dumped, **extra}
    reference = {k: seed.metadata[k] for k in REFERENCE_KEYS if k in seed.metadata}
    if reference and "reference" not in dumped:
        dumped["reference"] = reference
    if threats is not None:
        threat_ids = threats
    elif getattr(technique, "threats_from_seed", False) and seed.threats:
        threat_ids = seed.threats  # a baseline exercises what the request is about, nothing more
    else:
        threat_ids = _threats_for(technique.threats, seed.threats)
    return AttackCase(
        id=AttackCase.make_id(technique.name, seed.id, dumped, conversation),
        technique=technique.name,
        seed_id=seed.id,
        threat_ids=threat_ids,
        conversation=conversation,
        objective=seed.text if objective is None else objective,
        params=dumped,
        rng_seed=rng_seed,
        turns=turns,
        group=group,
        attributes=attributes or {},
    )


def _threats_for(technique: tuple[str, ...], seed: tuple[str, ...]) -> tuple[str, ...]:
    """The threats a case exercises: the technique's own plus the seed's (what the request is about)."""
    merged = list(technique)
    merged.extend(t for t in seed if t not in merged)
    return tuple(merged)


def rng_seed_of(rng: random.Random) -> int:
    """A 32-bit seed drawn from `rng`, recorded on cases so a case can be rebuilt alone."""
    return rng.getrandbits(32)
