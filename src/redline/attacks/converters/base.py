"""What every built-in converter shares: its parameters, validated once when it is built."""

from __future__ import annotations

import random
from typing import ClassVar, TypeVar

from pydantic import BaseModel

from redline.attacks.base import NoParams

P = TypeVar("P", bound=BaseModel)

OBFUSCATION = ("jailbreak.obfuscation",)


class ConverterBase:
    """A converter built with its parameters: `Cls(params)`; subclasses implement `convert`."""

    name: ClassVar[str]
    threats: ClassVar[tuple[str, ...]] = OBFUSCATION
    source: ClassVar[str] = "redline"
    Params: ClassVar[type[BaseModel]] = NoParams

    def __init__(self, params: BaseModel | None = None) -> None:
        if params is None:
            self.params: BaseModel = self.Params()
        elif isinstance(params, self.Params):
            self.params = params
        else:
            self.params = self.Params.model_validate(params.model_dump())

    def typed(self, kind: type[P]) -> P:
        """The parameters as the subclass's own model."""
        if not isinstance(self.params, kind):  # pragma: no cover - guarded by __init__
            raise TypeError(f"{self.name} expects {kind.__name__} parameters")
        return self.params

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The converted text."""
        raise NotImplementedError
