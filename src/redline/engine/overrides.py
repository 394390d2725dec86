"""Per-case run overrides: a case sent with other generation settings or as a mis-configured deployment.

Operator-error sweeps (and the uncertainty probe) put `run_overrides` on their cases. The engine sends
such a case with the overridden `GenerationParams` and, for target options, to a copy of the target
deployed with them (`Reconfigurable.reconfigured`); options the adapter cannot apply are recorded as
not applied. What was applied is stored with the attempt, and the cache key includes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from redline.attacks.configuration import OVERRIDES_KEY, RunOverrides, run_overrides
from redline.core.ids import canonical_json
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import GenerationParams
from redline.targets.base import Reconfigurable, Target

OVERRIDES_RECORD = "run_overrides"


@dataclass(frozen=True)
class Overridden:
    """How one case is sent: its parameters, the target (a reconfigured copy or the round's), and why."""

    overrides: RunOverrides
    params: GenerationParams
    target: Target | None
    applied: tuple[str, ...]
    not_applied: tuple[str, ...]

    def recorded(self) -> dict[str, Any]:
        """What the attempt's provenance carries about the overrides."""
        return {
            OVERRIDES_RECORD: {
                "configuration": self.overrides.configuration.value if self.overrides.configuration else None,
                "generation": self.params.model_dump(mode="json"),
                "target_options": dict(self.overrides.target_options),
                "target_options_applied": list(self.applied),
                "target_options_not_applied": list(self.not_applied),
            }
        }

    def cache_key(self, key: str) -> str:
        """The cache key of a conversation under these overrides."""
        extra = canonical_json(
            {"params": self.params.model_dump(mode="json"), "options": self.overrides.target_options}
        )
        return hashlib.sha256(f"{key}\x1f{extra}".encode()).hexdigest()


@dataclass
class TargetVariants:
    """The round's target and its reconfigured copies, one per distinct set of target options."""

    target: Target | None = None
    _copies: dict[str, tuple[Target, tuple[str, ...]]] = field(default_factory=dict)

    @staticmethod
    def applies(case: AttackCase) -> bool:
        """Whether the case carries run overrides (cheap: no parsing)."""
        return bool(case.params.get(OVERRIDES_KEY))

    def resolve(self, case: AttackCase, params: GenerationParams) -> Overridden | None:
        """How `case` is sent, or None when it carries no overrides."""
        overrides = run_overrides(case)
        if overrides is None:
            return None
        merged = params.model_copy(update=overrides.generation) if overrides.generation else params
        merged = GenerationParams.model_validate(merged.model_dump())
        options = dict(overrides.target_options)
        if not options or self.target is None:
            return Overridden(overrides, merged, None, (), tuple(sorted(options)))
        key = canonical_json(options)
        found = self._copies.get(key)
        if found is None:
            if isinstance(self.target, Reconfigurable):
                found = self.target.reconfigured(options)
            else:
                found = (self.target, ())
            self._copies[key] = found
        derived, applied = found
        not_applied = tuple(sorted(k for k in options if k not in applied))
        return Overridden(overrides, merged, derived if applied else None, applied, not_applied)
