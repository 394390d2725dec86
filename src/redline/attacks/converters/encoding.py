"""Encodings and classical ciphers: the request is still there, but not in words a filter reads.

Wei et al. 2023 ("Jailbroken: How Does LLM Safety Training Fail?", arXiv:2307.02483) show that
encoded requests exploit mismatched generalisation: capable models decode them, safety training
does not cover them.
"""

from __future__ import annotations

import base64
import codecs
import random
import urllib.parse
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.converters.base import ConverterBase

JAILBROKEN = "Wei et al. 2023, Jailbroken, arXiv:2307.02483"


class Base64Converter(ConverterBase):
    """Encode the text as Base64 (UTF-8)."""

    name = "base64"
    source = JAILBROKEN

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The Base64 text."""
        return base64.b64encode(text.encode("utf-8")).decode("ascii")


class Base32Converter(ConverterBase):
    """Encode the text as Base32 (UTF-8)."""

    name = "base32"
    source = JAILBROKEN

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The Base32 text."""
        return base64.b32encode(text.encode("utf-8")).decode("ascii")


class HexConverter(ConverterBase):
    """Encode the text's UTF-8 bytes as hexadecimal pairs separated by spaces."""

    name = "hex"
    source = JAILBROKEN

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The hexadecimal text."""
        return " ".join(f"{b:02x}" for b in text.encode("utf-8"))


class BinaryConverter(ConverterBase):
    """Encode each character as 8- or 16-bit binary groups separated by spaces."""

    name = "binary"
    source = JAILBROKEN

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The binary text."""
        return " ".join(format(ord(ch), "08b" if ord(ch) < 256 else "016b") for ch in text)


class UrlEncodeConverter(ConverterBase):
    """Percent-encode every character that is not a letter or digit."""

    name = "url-encode"

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The percent-encoded text."""
        return urllib.parse.quote(text, safe="")


class Rot13Converter(ConverterBase):
    """Rotate Latin letters by 13 places (ROT13)."""

    name = "rot13"
    source = JAILBROKEN

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The ROT13 text."""
        return codecs.encode(text, "rot13")


class CaesarParams(BaseModel):
    """Parameters of the Caesar cipher."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shift: int = Field(default=3, ge=1, le=25, description="Places each Latin letter moves forward.")


def _shift_letters(text: str, shift: int) -> str:
    out = []
    for ch in text:
        if "a" <= ch <= "z":
            out.append(chr((ord(ch) - 97 + shift) % 26 + 97))
        elif "A" <= ch <= "Z":
            out.append(chr((ord(ch) - 65 + shift) % 26 + 65))
        else:
            out.append(ch)
    return "".join(out)


class CaesarConverter(ConverterBase):
    """Shift Latin letters by a fixed number of places (Caesar cipher)."""

    name = "caesar"
    source = "Yuan et al. 2024, GPT-4 Is Too Smart To Be Safe (CipherChat), arXiv:2308.06463"
    Params: ClassVar[type[BaseModel]] = CaesarParams

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The shifted text."""
        return _shift_letters(text, self.typed(CaesarParams).shift)


class AtbashConverter(ConverterBase):
    """Mirror the alphabet (a<->z, b<->y, ...): the Atbash cipher."""

    name = "atbash"
    source = "Yuan et al. 2024, CipherChat, arXiv:2308.06463"

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The Atbash text."""
        out = []
        for ch in text:
            if "a" <= ch <= "z":
                out.append(chr(219 - ord(ch)))
            elif "A" <= ch <= "Z":
                out.append(chr(155 - ord(ch)))
            else:
                out.append(ch)
        return "".join(out)


MORSE = {
    "a": ".-", "b": "-...", "c": "-.-.", "d": "-..", "e": ".", "f": "..-.", "g": "--.", "h": "....",
    "i": "..", "j": ".---", "k": "-.-", "l": ".-..", "m": "--", "n": "-.", "o": "---", "p": ".--.",
    "q": "--.-", "r": ".-.", "s": "...", "t": "-", "u": "..-", "v": "...-", "w": ".--", "x": "-..-",
    "y": "-.--", "z": "--..", "0": "-----", "1": ".----", "2": "..---", "3": "...--", "4": "....-",
    "5": ".....", "6": "-....", "7": "--...", "8": "---..", "9": "----.", ".": ".-.-.-", ",": "--..--",
    "?": "..--..", "'": ".----.", "!": "-.-.--", "/": "-..-.", "(": "-.--.", ")": "-.--.-", ":": "---...",
    ";": "-.-.-.", "=": "-...-", "+": ".-.-.", "-": "-....-", '"': ".-..-.", "@": ".--.-.",
}  # fmt: skip


class MorseConverter(ConverterBase):
    """Encode letters, digits and common punctuation as Morse code; words are separated by ' / '."""

    name = "morse"
    source = "Yuan et al. 2024, CipherChat, arXiv:2308.06463"

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The Morse text; characters without a code are dropped."""
        words = []
        for word in text.lower().split():
            codes = [MORSE[ch] for ch in word if ch in MORSE]
            if codes:
                words.append(" ".join(codes))
        return " / ".join(words)


def morse_decode(code: str) -> str:
    """Decode Morse written by `MorseConverter` (for tests and for scorers that read encoded answers)."""
    reverse = {v: k for k, v in MORSE.items()}
    return " ".join("".join(reverse.get(c, "?") for c in word.split()) for word in code.split(" / "))
