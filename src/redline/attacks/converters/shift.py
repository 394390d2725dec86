"""The distribution-shift perturbation suite: realistic input noise at three severity levels.

Each converter here models input a deployed system really receives (typos, odd casing, look-alike
characters, informal dialect, messy punctuation). Scoring the same cases with and without a shift
measures robustness, as in PromptBench (Zhu et al. 2023, arXiv:2306.04528) and the robustness
evaluations of HELM (Liang et al. 2022, arXiv:2211.09110).
"""

from __future__ import annotations

import random
import re
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.converters.base import ConverterBase
from redline.attacks.converters.perturbation import HOMOGLYPHS, typo

SHIFT_THREATS: tuple[str, ...] = ("robustness.distribution-shift",)
DIALECT_THREATS: tuple[str, ...] = ("robustness.distribution-shift", "bias.quality-disparity")
SHIFT_SOURCE = "Zhu et al. 2023, PromptBench, arXiv:2306.04528; Liang et al. 2022, HELM, arXiv:2211.09110"


class Severity(StrEnum):
    """How strong a shift is; each converter maps it to its own rate."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


RATES = {Severity.LOW: 0.05, Severity.MEDIUM: 0.15, Severity.HIGH: 0.35}


class ShiftParams(BaseModel):
    """Parameters shared by the distribution-shift converters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    severity: Severity = Field(default=Severity.MEDIUM, description="low, medium or high.")


class _Shift(ConverterBase):
    threats = SHIFT_THREATS
    source = SHIFT_SOURCE
    Params: ClassVar[type[BaseModel]] = ShiftParams

    @property
    def rate(self) -> float:
        """The per-unit probability for this severity."""
        return RATES[self.typed(ShiftParams).severity]


class ShiftTyposConverter(_Shift):
    """Typos in a share of the words that grows with severity (5%, 15%, 35%)."""

    name = "shift.typos"

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text with typos."""
        return " ".join(
            typo(w, rng) if w.isalpha() and rng.random() < self.rate else w for w in text.split(" ")
        )


class ShiftCasingConverter(_Shift):
    """Casing noise: low lowercases everything, medium also flips some words to capitals, high shouts."""

    name = "shift.casing"

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text with its casing changed."""
        severity = self.typed(ShiftParams).severity
        if severity is Severity.HIGH:
            return text.upper()
        words = text.lower().split(" ")
        if severity is Severity.MEDIUM:
            words = [w.upper() if rng.random() < 0.2 else w for w in words]
        return " ".join(words)


class ShiftHomoglyphsConverter(_Shift):
    """Look-alike characters from other scripts in place of some Latin letters."""

    name = "shift.homoglyphs"

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text with some letters swapped for homoglyphs."""
        return "".join(HOMOGLYPHS[c] if c in HOMOGLYPHS and rng.random() < self.rate else c for c in text)


# Informal spoken-English rewrites, from mild to strong; severity picks how many tiers apply.
DIALECT_TIERS: tuple[tuple[tuple[str, str], ...], ...] = (
    ((r"\bgoing to\b", "gonna"), (r"\bwant to\b", "wanna"), (r"\bdo not\b", "don't"), (r"\byou\b", "ya")),
    ((r"\bis not\b", "ain't"), (r"\bare not\b", "ain't"), (r"\bthem\b", "'em"), (r"\bbecause\b", "cos"),
     (r"(\w\w)ing\b", r"\1in'"), (r"\bmy\b", "me")),
    ((r"\bplease\b", "pls"), (r"\bthanks\b", "thx"), (r"\bare\b", "r"), (r"\bto\b", "2"), (r"\bfor\b", "4"),
     (r"\bwhat\b", "wot"), (r"\bthe\b", "da")),
)  # fmt: skip


class ShiftDialectConverter(_Shift):
    """Informal dialect and chat register (gonna, ain't, dropped g's, text-speak at high severity)."""

    name = "shift.dialect"
    threats = DIALECT_THREATS

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text rewritten into a more informal register."""
        tiers = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}[self.typed(ShiftParams).severity]
        out = text
        for tier in DIALECT_TIERS[:tiers]:
            for pattern, repl in tier:
                out = re.sub(pattern, repl, out, flags=re.IGNORECASE)
        return out


class ShiftPunctuationConverter(_Shift):
    """Messy punctuation: dropped marks, doubled marks, and stray commas, more with severity."""

    name = "shift.punctuation"

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text with its punctuation disturbed."""
        out = []
        for ch in text:
            if ch in ".,;:!?'\"":
                roll = rng.random()
                if roll < self.rate:
                    continue
                if roll < 2 * self.rate:
                    out.append(ch * 3)
                    continue
            out.append(ch)
            if ch == " " and rng.random() < self.rate / 2:
                out.append(", ")
        return "".join(out)
