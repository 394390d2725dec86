"""The attacker and judge models a round uses: workspace systems named in `redline.yaml`, built once.

`attacker:` names the system that writes PAIR, TAP and Crescendo prompts and rewrites text for the
translate and paraphrase converters (a playbook step may name another); `judge:` names the system
behind `judge.*` scorers. Each is built at most once per round and closed when the round ends. A step
that needs one of them when none is set is left out of the round with one warning naming the setting.
"""

from __future__ import annotations

from collections.abc import Sequence

from redline.config.settings import Settings
from redline.core.errors import ConfigError
from redline.targets.base import Target

ATTACKER_SETTING = "attacker"
JUDGE_SETTING = "judge"


class HelperModels:
    """Targets that help a round (attacker, judge), built from workspace systems on first use."""

    def __init__(self, settings: Settings | None = None, *, built: dict[str, Target] | None = None) -> None:
        self.settings = settings
        self._built: dict[str, Target] = dict(built or {})
        self._owned: list[Target] = []

    @classmethod
    def of(cls, *, attacker: Target | None = None, judge: Target | None = None) -> HelperModels:
        """Helpers given as targets (tests, embedding code): no workspace needed."""
        built = {}
        if attacker is not None:
            built[f"{ATTACKER_SETTING}:"] = attacker
        if judge is not None:
            built[f"{JUDGE_SETTING}:"] = judge
        return cls(None, built=built)

    def _system(self, name: str, *, role: str) -> Target:
        key = f"system:{name}"
        found = self._built.get(key)
        if found is not None:
            return found
        if self.settings is None:
            raise ConfigError(f"{role} '{name}' cannot be built without a workspace")
        from redline.engine.round import target_from_environment

        config = self.settings.config.system(name).target
        target = target_from_environment(config, name=name)
        self._built[key] = target
        self._owned.append(target)
        return target

    def attacker(self, override: str | None = None) -> Target | None:
        """The attacker model: the step's `override`, else the workspace's `attacker`, else None."""
        name = override or (self.settings.config.attacker if self.settings is not None else None)
        if name:
            return self._system(name, role=ATTACKER_SETTING)
        return self._built.get(f"{ATTACKER_SETTING}:")

    def judge(self, override: str | None = None) -> Target | None:
        """The judge model: `override` (a system a stored spec names), else the workspace's `judge`."""
        name = override or (self.settings.config.judge if self.settings is not None else None)
        if name:
            return self._system(name, role=JUDGE_SETTING)
        return self._built.get(f"{JUDGE_SETTING}:")

    @property
    def owned(self) -> tuple[Target, ...]:
        """The helpers this object built from workspace systems (a round closes them when it ends)."""
        return tuple(self._owned)

    async def aclose(self) -> None:
        """Close the helpers this object built (those given to `of` belong to the caller)."""
        owned, self._owned = self._owned, []
        for target in owned:
            await target.aclose()


def missing_attacker(technique: str) -> str:
    """The one-line message for a loop that needs an attacker model and has none."""
    return (
        f"technique '{technique}' needs an attacker model: set `{ATTACKER_SETTING}: <system>` in "
        "redline.yaml (or `attacker:` on the playbook step)"
    )


def missing_rewriter(converters: Sequence[str]) -> str:
    """The one-line message for a step whose converters rewrite through a model and has no attacker."""
    names = ", ".join(f"'{c}'" for c in converters)
    return (
        f"converter {names} rewrites through an attacker model: set `{ATTACKER_SETTING}: <system>` in "
        "redline.yaml (or `attacker:` on the playbook step)"
    )


def missing_judge(scorers: Sequence[str]) -> str:
    """The one-line message for a step whose every scorer needs a judge model, when none is set."""
    names = ", ".join(f"'{s}'" for s in scorers)
    return f"scorer {names} needs a judge model: set `{JUDGE_SETTING}: <system>` in redline.yaml"
