"""Fresh variants of a finding's failing cases: what a fix must also stop before it counts as verified.

A mitigation that only blocks the exact prompts that failed passes a re-run of those prompts. The
variants here ask for the same harm in ways the original round did not send: seeds of the same
threat that the round left out (held-out seeds), rewordings and converter variants of the failing
prompts (the distribution-shift converters: dialect, typos, look-alike letters), and the failing
seeds expanded again under a new random seed. Loop cases (PAIR, TAP, Crescendo, white-box searches)
are not reworded: the loop writes its own prompts, so their variants are held-out seeds and new
random seeds run through the loop again. Everything is deterministic given `seed`.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from redline.attacks.base import expand_in
from redline.attacks.converters.chain import apply_chain
from redline.attacks.planning import derive_seed, sample_seeds
from redline.attacks.seeds.library import SeedLibrary
from redline.core.errors import ConfigError
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import Conversation, Message, MessageRole
from redline.engine import components

REWORDINGS = ("shift.dialect:severity=medium", "shift.typos:severity=medium")
"""Converters that reword a prompt without hiding it: a narrow filter on the exact text misses them."""
CONVERTER_VARIANTS = ("shift.homoglyphs:severity=low",)
"""Converter variants that keep the prompt readable (look-alike letters defeat a filter on the text)."""
FALLBACK_TECHNIQUE = "direct-request"
MAX_BASE = 25  # failing cases a verification rewords at most (sampled deterministically)
MIN_HELD_OUT = 3  # held-out seeds at least (one per failing case otherwise), where the library has them


@dataclass(frozen=True)
class Variants:
    """Fresh cases and how many of each kind."""

    cases: tuple[AttackCase, ...]
    held_out: int = 0
    reworded: int = 0
    converted: int = 0
    reseeded: int = 0

    def counts(self) -> dict[str, int]:
        """Cases of each kind, for the verification record."""
        return {
            "held_out_seeds": self.held_out,
            "paraphrases": self.reworded,
            "converter_variants": self.converted,
            "new_random_seeds": self.reseeded,
        }


def _params(technique: object, case: AttackCase) -> BaseModel | None:
    model = getattr(technique, "Params", None)
    if model is None:
        return None
    try:
        params: BaseModel = model.model_validate(
            {k: v for k, v in case.params.items() if k in model.model_fields}
        )
    except ValueError:
        return None
    return params


def _adopt(case: AttackCase, template: AttackCase, threat_id: str) -> AttackCase:
    """A fresh case counted for the finding's threat and judged as the template case was."""
    threats = (threat_id, *(t for t in case.threat_ids if t != threat_id))
    return case.model_copy(
        update={
            "threat_ids": threats,
            "scorers": template.scorers,
            "params": {**template.params, **case.params},
        }
    )


def _expand(
    name: str, seed: Seed, template: AttackCase, *, rng: random.Random, avoid: Collection[str]
) -> AttackCase | None:
    """The first case the technique makes of `seed` that is not in `avoid` (ids), or None."""
    try:
        technique = components.technique(name)
    except ConfigError:
        return None
    params = _params(technique, template) if name == template.technique else None
    if params is None:
        params = technique.Params()
    try:
        for case in expand_in(technique, seed, params, rng=rng, context=None):
            if case.id not in avoid:
                return case
    except (ConfigError, ValueError):
        return None
    return None


def _technique_for(template: AttackCase, seed_set: str, threat_id: str) -> str:
    """The failing case's technique if registered, else one made for the seed's set, else a plain ask."""
    from redline.attacks.registry import technique_classes

    classes = technique_classes()
    if template.technique in classes:
        return template.technique
    for name, cls in classes.items():
        if getattr(cls, "default_seeds", None) == seed_set and threat_id in getattr(cls, "threats", ()):
            return name
    return FALLBACK_TECHNIQUE


def _reworded(case: AttackCase, converter: str, *, seed: int) -> AttackCase | None:
    """The case with its last user message passed through one converter; None when nothing changed."""
    chain = [components.converter(converter)]
    text = case.conversation.last_user_text
    new = apply_chain(text, chain, rng=random.Random(derive_seed(seed, case.id, converter)))
    if new.strip() == text.strip():
        return None
    msgs = list(case.conversation.messages)
    last = max(i for i, m in enumerate(msgs) if m.role is MessageRole.USER)
    msgs[last] = Message(role=MessageRole.USER, content=new)
    convo = Conversation(messages=tuple(msgs))
    names = (*case.converters, chain[0].name)
    return case.model_copy(
        update={
            "id": AttackCase.make_id(
                case.technique, case.seed_id, {**case.params, "converters": names}, convo
            ),
            "conversation": convo,
            "converters": names,
        }
    )


def _seed_of(case: AttackCase, known: dict[str, Seed]) -> Seed:
    found = known.get(case.seed_id)
    if found is not None:
        return found
    text = case.objective or case.conversation.last_user_text
    return Seed(id=case.seed_id, text=text, threats=case.threat_ids)


def _reseeded(
    case: AttackCase, known: dict[str, Seed], *, seed: int, avoid: Collection[str]
) -> AttackCase | None:
    """The failing case's seed expanded again under a new random stream.

    A loop case keeps its objective and gets a new random stream for the loop itself (the attacker's
    sampling, the search's draws); other techniques draw their framing anew.
    """
    fresh = derive_seed(seed, "reseed", case.id)
    if components.runs_as_loop(case.technique):
        params = {**case.params, "reseed": fresh}
        return case.model_copy(
            update={
                "id": AttackCase.make_id(case.technique, case.seed_id, params, case.conversation),
                "rng_seed": fresh,
                "params": params,
            }
        )
    return _expand(case.technique, _seed_of(case, known), case, rng=random.Random(fresh), avoid=avoid)


def fresh_variants(
    cases: Sequence[AttackCase],
    *,
    failing: Collection[str],
    threat_id: str,
    seed: int,
    library: SeedLibrary,
) -> Variants:
    """Fresh cases for a finding on `threat_id`, built from the original round's `cases`.

    `failing` holds the ids of the cases that failed (all of the threat's cases when empty).
    """
    threat_cases = [c for c in cases if threat_id in c.threat_ids]
    base = [c for c in threat_cases if c.id in failing] or threat_cases
    if len(base) > MAX_BASE:
        chosen = {c.id for c in sorted(base, key=lambda c: derive_seed(seed, "base", c.id))[:MAX_BASE]}
        base = [c for c in base if c.id in chosen]
    if not base:
        return Variants(cases=())
    seen = {c.id for c in cases}
    sent = {c.conversation.last_user_text.strip() for c in cases}
    out: list[AttackCase] = []

    def keep(case: AttackCase | None) -> bool:
        if case is None or case.id in seen:
            return False
        if not components.runs_as_loop(case.technique) and case.conversation.last_user_text.strip() in sent:
            return False  # the same prompt again would let a filter on the exact text pass
        seen.add(case.id)
        out.append(case)
        return True

    # held-out seeds: seeds of the threat that the round did not use, with the failing cases' techniques
    used_seeds = {c.seed_id for c in cases}
    known: dict[str, Seed] = {}
    set_of: dict[str, str] = {}
    for name in library.names():
        for s in library.seeds(name):
            known.setdefault(s.id, s)
            set_of.setdefault(s.id, name)
    pool = [s for s in known.values() if threat_id in s.threats and s.id not in used_seeds]
    held_out = 0
    for i, s in enumerate(
        sample_seeds(pool, max(MIN_HELD_OUT, len(base)), seed=seed, salt=f"held-out:{threat_id}")
    ):
        template = base[i % len(base)]
        name = _technique_for(template, set_of[s.id], threat_id)
        made = _expand(name, s, template, rng=random.Random(derive_seed(seed, "held-out", s.id)), avoid=seen)
        held_out += keep(_adopt(made, template, threat_id) if made is not None else None)

    # rewordings and converter variants of the failing prompts (loops write their own prompts)
    reworded = converted = 0
    for case in base:
        if components.runs_as_loop(case.technique):
            continue
        for spec in REWORDINGS:
            reworded += keep(_reworded(case, spec, seed=seed))
        for spec in CONVERTER_VARIANTS:
            converted += keep(_reworded(case, spec, seed=seed))

    # new random seeds: the failing seeds expanded again (a loop gets a new random stream)
    reseeded = 0
    for case in base:
        if not components.technique_known(case.technique):
            continue
        made = _reseeded(case, known, seed=seed, avoid=seen)
        reseeded += keep(_adopt(made, case, threat_id) if made is not None else None)
    return Variants(
        cases=tuple(out), held_out=held_out, reworded=reworded, converted=converted, reseeded=reseeded
    )
