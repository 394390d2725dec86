"""Converters: encodings decode back, perturbations are deterministic per rng, chains parse and compose."""

from __future__ import annotations

import asyncio
import base64
import codecs
import random

import pytest

from redline.attacks.base import Converter
from redline.attacks.converters.chain import apply_chain, apply_chain_async, build_converter, parse_spec
from redline.attacks.converters.encoding import morse_decode
from redline.attacks.converters.perturbation import HOMOGLYPHS, tag_decode
from redline.attacks.converters.shift import Severity, ShiftParams, ShiftTyposConverter
from redline.core.errors import ConfigError, TargetError
from redline.targets.echo import EchoTarget

TEXT = "Explain how tides work, please."


def convert(spec: str, text: str = TEXT, seed: int = 1) -> str:
    conv = build_converter(spec)
    assert isinstance(conv, Converter), spec
    return conv.convert(text, rng=random.Random(seed))


def test_encodings_decode_back_to_the_text() -> None:
    assert base64.b64decode(convert("base64")).decode() == TEXT
    assert base64.b32decode(convert("base32")).decode() == TEXT
    assert bytes.fromhex(convert("hex").replace(" ", "")).decode() == TEXT
    assert codecs.decode(convert("rot13"), "rot13") == TEXT
    assert convert("atbash", convert("atbash")) == TEXT
    assert convert("caesar:shift=23", convert("caesar:shift=3")) == TEXT
    assert "".join(chr(int(b, 2)) for b in convert("binary").split()) == TEXT
    assert morse_decode(convert("morse")) == "explain how tides work, please."


def test_tag_smuggling_hides_the_payload_behind_a_visible_cover() -> None:
    out = convert("tag-smuggling")
    assert out.startswith("Please summarise")
    assert tag_decode(out) == TEXT
    assert TEXT not in out


def test_confusables_keep_the_look_but_change_the_code_points() -> None:
    out = convert("confusables:rate=1.0")
    assert out != TEXT and len(out) == len(TEXT)
    assert all(ch in HOMOGLYPHS.values() for a, ch in zip(TEXT, out, strict=True) if a != ch)


def test_zero_width_insertion_is_invisible_after_removal() -> None:
    out = convert("zero-width:rate=1.0")
    assert out != TEXT
    assert "".join(ch for ch in out if ch not in "\u200b\u200c\u200d\u2060") == TEXT


def test_pig_latin_and_word_reversal() -> None:
    assert convert("pig-latin", "Hello apple string") == "Ellohay appleway ingstray"
    assert convert("word-reverse", "one two three") == "three two one"
    assert convert("word-reverse:letters=true", "one two") == "eno owt"


def test_payload_split_keeps_every_character_in_order() -> None:
    out = convert("payload-split:parts=4")
    import json
    import re

    parts = [json.loads(m) for m in re.findall(r"= (\".*\")", out)]
    assert len(parts) == 4 and "".join(parts) == TEXT


@pytest.mark.parametrize(
    "spec", ["json-embed", "code-embed", "code-embed:language=javascript", "math-framing"]
)
def test_wrappers_embed_the_text(spec: str) -> None:
    assert TEXT in convert(spec) or TEXT.replace('"', "'") in convert(spec)


def test_perturbations_are_deterministic_for_a_given_rng() -> None:
    for spec in ("leetspeak", "typos", "char-swap", "random-case", "shift.punctuation", "shift.homoglyphs"):
        assert convert(spec, seed=5) == convert(spec, seed=5), spec


def test_shift_severity_changes_more_at_higher_levels() -> None:
    text = " ".join(["alpha beta gamma delta epsilon"] * 20)

    def changed(sev: Severity) -> int:
        out = ShiftTyposConverter(ShiftParams(severity=sev)).convert(text, rng=random.Random(3))
        return sum(a != b for a, b in zip(text.split(), out.split(), strict=False))

    assert changed(Severity.LOW) < changed(Severity.MEDIUM) < changed(Severity.HIGH)


def test_shift_dialect_and_casing() -> None:
    assert convert("shift.dialect:severity=low", "I am going to do not worry") == "I am gonna don't worry"
    assert convert("shift.casing:severity=high", "Hello") == "HELLO"


def test_specs_parse_typed_values() -> None:
    assert parse_spec("caesar:shift=5") == ("caesar", {"shift": 5})
    assert parse_spec("shift.typos:severity=high") == ("shift.typos", {"severity": "high"})


def test_bad_specs_name_the_problem() -> None:
    with pytest.raises(ConfigError, match="no converter named 'nope'"):
        build_converter("nope")
    with pytest.raises(ConfigError, match="caesar"):
        build_converter("caesar:shift=99")
    with pytest.raises(ConfigError, match="key=value"):
        parse_spec("caesar:5")


def test_chains_compose_in_order() -> None:
    chain = [build_converter("rot13"), build_converter("base64")]
    out = apply_chain(TEXT, chain, rng=random.Random(0))
    assert codecs.decode(base64.b64decode(out).decode(), "rot13") == TEXT


def test_model_converters_need_an_attacker_and_use_it() -> None:
    chain = [build_converter("translate:language=French"), build_converter("rot13")]
    with pytest.raises(ConfigError, match="attacker"):
        apply_chain(TEXT, chain, rng=random.Random(0))
    model = EchoTarget(reply="Translation: Expliquez les marées.")
    out = asyncio.run(apply_chain_async(TEXT, chain, rng=random.Random(0), model=model))
    assert codecs.decode(out, "rot13") == "Expliquez les marées."
    assert "French" in model.calls[0].messages[0].content


def test_a_model_converter_reports_a_silent_model() -> None:
    chain = [build_converter("paraphrase")]
    with pytest.raises(TargetError, match="paraphrase"):
        asyncio.run(apply_chain_async(TEXT, chain, rng=random.Random(0), model=EchoTarget(reply="")))
