"""Perturbation robustness: the same request clean and under each distribution shift, as one set.

Cases of one seed share a group; `attributes` name the shift and severity, so a scorer can compare
each perturbed answer with the clean one (consistency) and rates across severities.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from redline.attacks.base import TechniqueKind, make_case, rng_seed_of
from redline.attacks.converters.shift import (
    Severity,
    ShiftCasingConverter,
    ShiftDialectConverter,
    ShiftHomoglyphsConverter,
    ShiftParams,
    ShiftPunctuationConverter,
    ShiftTyposConverter,
)
from redline.attacks.templating import TechniqueBase, as_request
from redline.core.errors import ConfigError
from redline.core.ids import content_hash
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import Conversation

SHIFTS = {
    c.name: c
    for c in (
        ShiftTyposConverter,
        ShiftCasingConverter,
        ShiftHomoglyphsConverter,
        ShiftDialectConverter,
        ShiftPunctuationConverter,
    )
}


class RobustnessParams(BaseModel):
    """Parameters of the perturbation-robustness technique."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shifts: tuple[str, ...] = Field(
        default=tuple(SHIFTS),
        description="Shift converters to apply, by converter name; 'dialect' is read as 'shift.dialect'.",
    )
    severities: tuple[Severity, ...] = Field(default=tuple(Severity), description="Severity levels to apply.")

    @field_validator("shifts", mode="before")
    @classmethod
    def _converter_names(cls, value: object) -> object:
        """Short names ('typos') as the converter names they stand for ('shift.typos')."""
        if isinstance(value, str):
            value = (value,)
        if isinstance(value, list | tuple):
            return tuple(_shift_name(v) if isinstance(v, str) else v for v in value)
        return value


def _shift_name(name: str) -> str:
    short = f"shift.{name}"
    return short if name not in SHIFTS and short in SHIFTS else name


class PerturbationRobustness(TechniqueBase):
    """Send the clean request and its perturbed copies (typos, casing, homoglyphs, dialect, punctuation)."""

    name = "perturbation-robustness"
    kind = TechniqueKind.COUNTERFACTUAL
    threats = ("robustness.distribution-shift", "bias.quality-disparity")
    source = "Zhu et al. 2023, PromptBench, arXiv:2306.04528"
    default_seeds = "qa-known-answers"
    Params: ClassVar[type[BaseModel]] = RobustnessParams

    def expand(self, seed: Seed, params: BaseModel, *, rng: random.Random) -> Iterator[AttackCase]:
        """The clean case, then one case per shift and severity, all in one group."""
        p = self.typed(params, RobustnessParams)
        unknown = [s for s in p.shifts if s not in SHIFTS]
        if unknown:
            raise ConfigError(
                f"unknown shift {', '.join(unknown)} (known: {', '.join(SHIFTS)})", field="params.shifts"
            )
        text = as_request(seed.text)
        group = f"rb_{content_hash({'seed': seed.id})[:16]}"
        yield make_case(
            self,
            seed,
            Conversation.of(text),
            params=p,
            rng_seed=rng_seed_of(rng),
            group=group,
            attributes={"shift": "none", "severity": "none"},
            extra={"shift": "none"},
        )
        for shift in p.shifts:
            for severity in p.severities:
                case_seed = rng_seed_of(rng)
                converter = SHIFTS[shift](ShiftParams(severity=severity))
                shifted = converter.convert(text, rng=random.Random(case_seed))
                yield make_case(
                    self,
                    seed,
                    Conversation.of(shifted),
                    params=p,
                    rng_seed=case_seed,
                    group=group,
                    attributes={"shift": shift, "severity": severity.value},
                    extra={"shift": shift, "severity": severity.value},
                )
