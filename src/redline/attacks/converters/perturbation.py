"""Character- and word-level perturbations: look-alike letters, invisible characters, typos, casing."""

from __future__ import annotations

import random
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.converters.base import ConverterBase

LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "g": "9", "b": "8", "l": "1"}

# Latin letters and visually confusable code points from other scripts (Cyrillic, Greek).
HOMOGLYPHS = {
    "a": "\u0430", "c": "\u0441", "e": "\u0435", "i": "\u0456", "j": "\u0458", "o": "\u043e",
    "p": "\u0440", "s": "\u0455", "x": "\u0445", "y": "\u0443", "A": "\u0391", "B": "\u0392",
    "C": "\u0421", "E": "\u0395", "H": "\u0397", "I": "\u0399", "K": "\u039a", "M": "\u039c",
    "N": "\u039d", "O": "\u039f", "P": "\u03a1", "T": "\u03a4", "X": "\u03a7", "Y": "\u03a5",
}  # fmt: skip

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060")

# Neighbours on a QWERTY keyboard, for realistic typos.
KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok",
    "o": "ipl", "p": "ol", "a": "qsz", "s": "adwx", "d": "sfec", "f": "dgrv", "g": "fhtb", "h": "gjyn",
    "j": "hkum", "k": "jli", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb", "b": "vghn",
    "n": "bhjm", "m": "njk",
}  # fmt: skip


class RateParams(BaseModel):
    """Fraction of eligible characters (or words) a perturbation touches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Probability that each eligible unit changes."
    )


class LeetspeakConverter(ConverterBase):
    """Swap letters for look-alike digits (a->4, e->3, ...) so keyword filters miss the words."""

    name = "leetspeak"
    Params: ClassVar[type[BaseModel]] = RateParams

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text with some letters replaced by digits."""
        rate = self.typed(RateParams).rate
        return "".join(LEET[ch.lower()] if ch.lower() in LEET and rng.random() < rate else ch for ch in text)


class ConfusablesConverter(ConverterBase):
    """Replace Latin letters with confusable letters from other scripts (Unicode TR39 confusables)."""

    name = "confusables"
    source = "Unicode Technical Standard #39, Security Mechanisms (confusable detection)"
    Params: ClassVar[type[BaseModel]] = RateParams

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text with some letters swapped for look-alikes."""
        rate = self.typed(RateParams).rate
        return "".join(HOMOGLYPHS[ch] if ch in HOMOGLYPHS and rng.random() < rate else ch for ch in text)


class ZeroWidthConverter(ConverterBase):
    """Insert invisible zero-width characters between letters, splitting words a filter matches."""

    name = "zero-width"
    Params: ClassVar[type[BaseModel]] = RateParams

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text with zero-width characters inserted after some letters."""
        rate = self.typed(RateParams).rate
        out = []
        for ch in text:
            out.append(ch)
            if ch.isalnum() and rng.random() < rate:
                out.append(rng.choice(ZERO_WIDTH))
        return "".join(out)


class TagSmugglingParams(BaseModel):
    """Parameters of Unicode tag smuggling."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cover: str = Field(
        default="Please summarise the text below.",
        description="Visible text shown before the invisible payload; empty for an all-invisible message.",
    )


class TagSmugglingConverter(ConverterBase):
    """Hide the text in invisible Unicode tag characters (U+E0000 block) after a harmless visible cover."""

    name = "tag-smuggling"
    source = "Riley Goodside 2024, invisible prompt injection with Unicode tags (public demonstration)"
    threats = ("jailbreak.obfuscation", "injection.obfuscated")
    Params: ClassVar[type[BaseModel]] = TagSmugglingParams

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The cover text followed by the payload as tag characters."""
        hidden = "".join(chr(0xE0000 + ord(ch)) for ch in text if 0x20 <= ord(ch) < 0x7F)
        return f"{self.typed(TagSmugglingParams).cover}{hidden}"


def tag_decode(text: str) -> str:
    """The ASCII payload hidden in tag characters (for tests and leak scorers)."""
    return "".join(chr(ord(ch) - 0xE0000) for ch in text if 0xE0020 <= ord(ch) < 0xE007F)


def typo(word: str, rng: random.Random) -> str:
    """One realistic typo in a word: a neighbouring key, a dropped, doubled or swapped letter."""
    if len(word) < 2:
        return word
    i = rng.randrange(len(word))
    kind = rng.randrange(4)
    ch = word[i]
    if kind == 0 and ch.lower() in KEYBOARD:
        sub = rng.choice(KEYBOARD[ch.lower()])
        return word[:i] + (sub.upper() if ch.isupper() else sub) + word[i + 1 :]
    if kind == 1 and len(word) > 3:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + ch + word[i:]
    j = min(i + 1, len(word) - 1) if i < len(word) - 1 else i - 1
    a, b = sorted((i, j))
    return word[:a] + word[b] + word[a] + word[b + 1 :]


class TyposConverter(ConverterBase):
    """Introduce realistic typos (neighbouring keys, dropped, doubled or swapped letters) into words."""

    name = "typos"
    source = "Zhu et al. 2023, PromptBench, arXiv:2306.04528 (character-level attacks)"
    Params: ClassVar[type[BaseModel]] = RateParams

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text with typos in some words."""
        rate = self.typed(RateParams).rate
        return " ".join(typo(w, rng) if w.isalpha() and rng.random() < rate else w for w in text.split(" "))


class CharSwapConverter(ConverterBase):
    """Swap two adjacent inner letters of words, keeping first and last letters (still readable)."""

    name = "char-swap"
    source = "Zhu et al. 2023, PromptBench, arXiv:2306.04528"
    Params: ClassVar[type[BaseModel]] = RateParams

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text with inner letters swapped in some words."""
        rate = self.typed(RateParams).rate
        out = []
        for word in text.split(" "):
            if len(word) > 3 and word.isalpha() and rng.random() < rate:
                i = rng.randrange(1, len(word) - 2)
                word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            out.append(word)
        return " ".join(out)


class RandomCaseConverter(ConverterBase):
    """Flip the case of letters at random (rAnDoM cAsInG)."""

    name = "random-case"
    Params: ClassVar[type[BaseModel]] = RateParams

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The text with some letters' case flipped."""
        rate = self.typed(RateParams).rate
        return "".join(ch.swapcase() if ch.isalpha() and rng.random() < rate else ch for ch in text)


class WordReverseParams(BaseModel):
    """Parameters of word reversal."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    letters: bool = Field(
        default=False, description="Reverse the letters inside each word instead of the word order."
    )


class WordReverseConverter(ConverterBase):
    """Reverse the order of the words (or the letters inside each word); the model is asked to undo it."""

    name = "word-reverse"
    Params: ClassVar[type[BaseModel]] = WordReverseParams

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The reversed text."""
        words = text.split()
        if self.typed(WordReverseParams).letters:
            return " ".join(w[::-1] for w in words)
        return " ".join(reversed(words))


class PigLatinConverter(ConverterBase):
    """Rewrite words in Pig Latin (move the leading consonants to the end and add 'ay')."""

    name = "pig-latin"

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The Pig Latin text; punctuation stays where it was."""
        return " ".join(_pig(word) for word in text.split(" "))


def _pig(word: str) -> str:
    core = word.rstrip(".,;:!?\"')")
    tail = word[len(core) :]
    if not core.isalpha():
        return word
    vowels = "aeiouAEIOU"
    if core[0] in vowels:
        out = core + "way"
    else:
        i = next((k for k, ch in enumerate(core) if ch in vowels), len(core))
        out = core[i:] + core[:i].lower() + "ay"
        if core[0].isupper():
            out = out[0].upper() + out[1:].lower()
    return out + tail


class SpacingParams(BaseModel):
    """Parameters of letter spacing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    separator: str = Field(
        default=" ", min_length=1, max_length=3, description="What goes between the letters of a word."
    )


class SpacingConverter(ConverterBase):
    """Spell every word out letter by letter ('r e a d  h e r  t e x t s'), words a wider gap apart.

    A filter matching whole words sees none of them."""

    name = "spacing"
    source = "Wei et al. 2023, Jailbroken, arXiv:2307.02483 (obfuscation of the request's words)"
    Params: ClassVar[type[BaseModel]] = SpacingParams

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The spaced-out text."""
        sep = self.typed(SpacingParams).separator
        gap = "   " if sep == " " else " "
        return gap.join(sep.join(word) for word in text.split())
