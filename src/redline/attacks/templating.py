"""Technique building blocks: a base class with typed parameters, and techniques made of named templates."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.base import NoParams, TechniqueKind, make_case, rng_seed_of
from redline.core.errors import ConfigError
from redline.core.runs.case_params import planted
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import Conversation, Message, MessageRole

P = TypeVar("P", bound=BaseModel)

# Template slots whose values are planted in the case; an answer that repeats one proves the failure.
PLANTED_SLOTS = ("marker", "canary")
MARKER_WORDS = ("ZEBRA", "QUILL", "MAPLE", "COMET", "FJORD", "TULIP", "EMBER", "CEDAR", "ORBIT", "PRISM")


class TechniqueBase:
    """Shared plumbing of the built-in techniques: metadata defaults and typed parameters."""

    name: ClassVar[str]
    kind: ClassVar[TechniqueKind] = TechniqueKind.SINGLE_TURN
    threats: ClassVar[tuple[str, ...]] = ()
    source: ClassVar[str] = "redline"
    default_seeds: ClassVar[str] = "harmful-behaviours"
    threats_from_seed: ClassVar[bool] = False
    Params: ClassVar[type[BaseModel]] = NoParams

    @staticmethod
    def typed(params: BaseModel, kind: type[P]) -> P:
        """`params` as the technique's own model (validated again if another model was passed)."""
        if isinstance(params, kind):
            return params
        return kind.model_validate(params.model_dump())

    def expand(self, seed: Seed, params: BaseModel, *, rng: random.Random) -> Iterator[AttackCase]:
        """The cases this technique makes from one seed."""
        raise NotImplementedError


def marker(rng: random.Random) -> str:
    """A case-specific token an injected instruction asks for; seeing it proves the model obeyed."""
    return f"{rng.choice(MARKER_WORDS)}-{rng.randrange(1000, 10000)}"


def canary(rng: random.Random) -> str:
    """A random secret planted in a system prompt; seeing it in an answer proves a leak."""
    return "RL-" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(10))


@dataclass(frozen=True)
class Variant:
    """One wording of a template technique: messages in order, each a template with `{slots}`."""

    user: str
    system: str | None = None
    before: tuple[tuple[MessageRole, str], ...] = ()
    note: str = ""


class TemplateParams(BaseModel):
    """Parameters of a template technique."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    variants: tuple[str, ...] = Field(default=(), description="Variant names to use; all when empty.")
    system_prompt: str | None = Field(
        default=None, description="System prompt of the application under test, placed first."
    )


def as_request(objective: str) -> str:
    """Turn a tester-phrased objective ("Get the model to explain X.") into the ask ("Explain X.")."""
    text = objective.strip()
    for lead in ("Get the model to ", "Make the model ", "Have the model "):
        if text.lower().startswith(lead.lower()):
            rest = text[len(lead) :]
            return rest[:1].upper() + rest[1:]
    return text


def render(template: str, slots: Mapping[str, str]) -> str:
    """Fill `{slot}` placeholders; a missing slot is a bug in the technique, named in the error."""
    try:
        return template.format_map(dict(slots))
    except KeyError as exc:
        raise ConfigError(f"template needs slot {exc} which the technique did not provide") from None


class TemplateTechnique(TechniqueBase):
    """A technique defined by named wordings; each seed gives one case per selected variant."""

    variants: ClassVar[dict[str, Variant]]
    Params: ClassVar[type[BaseModel]] = TemplateParams

    def slots(self, seed: Seed, params: TemplateParams, rng: random.Random) -> dict[str, str]:
        """Values for the template slots: `objective` is the seed text, `request` the direct ask."""
        return {"objective": seed.text, "request": as_request(seed.text)}

    def objective(self, seed: Seed, slots: Mapping[str, str]) -> str:
        """What the attacker wants from this case; the seed text unless a technique says otherwise."""
        return seed.text

    def recorded(self, slots: Mapping[str, str]) -> dict[str, Any]:
        """Slot values the scorers need, in the case params: planted markers and canaries as
        `canaries` (see `redline.core.runs.case_params`), and the `expected` answer."""
        out: dict[str, Any] = {k: v for k, v in slots.items() if k == "expected"}
        secrets = [slots[k] for k in PLANTED_SLOTS if slots.get(k)]
        if secrets:
            out.update(planted(*secrets))
        return out

    def selected(self, params: TemplateParams) -> list[str]:
        """Variant names to expand, validated against the known ones."""
        names = list(params.variants) or list(self.variants)
        unknown = [n for n in names if n not in self.variants]
        if unknown:
            raise ConfigError(
                f"technique '{self.name}' has no variant {', '.join(unknown)} "
                f"(known: {', '.join(self.variants)})",
                field="params.variants",
            )
        return names

    def conversation(
        self, variant: Variant, slots: Mapping[str, str], params: TemplateParams
    ) -> Conversation:
        """The messages of one variant."""
        msgs: list[Message] = []
        parts = [params.system_prompt, render(variant.system, slots) if variant.system is not None else None]
        system = "\n\n".join(p for p in parts if p)
        if system:
            msgs.append(Message(role=MessageRole.SYSTEM, content=system))
        for role, text in variant.before:
            msgs.append(Message(role=role, content=render(text, slots)))
        msgs.append(Message(role=MessageRole.USER, content=render(variant.user, slots)))
        return Conversation(messages=tuple(msgs))

    def expand(self, seed: Seed, params: BaseModel, *, rng: random.Random) -> Iterator[AttackCase]:
        """One case per selected variant."""
        p = self.typed(params, self.Params)
        assert isinstance(p, TemplateParams)
        for name in self.selected(p):
            case_seed = rng_seed_of(rng)
            slots = self.slots(seed, p, random.Random(case_seed))
            yield make_case(
                self,
                seed,
                self.conversation(self.variants[name], slots, p),
                params=p,
                rng_seed=case_seed,
                objective=self.objective(seed, slots),
                extra={"variant": name, **self.recorded(slots)},
            )
