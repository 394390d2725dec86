"""The case-params contract: what techniques write and scorers read, legacy names included."""

from __future__ import annotations

from redline.core.case_params import (
    expects_refusal,
    false_answers,
    known_answers,
    planted,
    planted_strings,
    references,
)


def test_planted_strings_come_from_canaries_and_the_legacy_names() -> None:
    assert planted("ZEBRA-1234", "") == {"canaries": ["ZEBRA-1234"]}
    assert planted_strings(planted("ZEBRA-1234")) == ["ZEBRA-1234"]
    assert planted_strings({"marker": "QUILL-5555"}) == ["QUILL-5555"]
    assert planted_strings({"canary": "RL-ABCDEF1234", "canaries": ["RL-ABCDEF1234", "X-2"]}) == [
        "RL-ABCDEF1234",
        "X-2",
    ]
    assert planted_strings({}) == [] and planted_strings({"canaries": None}) == []


def test_known_answers_come_from_the_case_or_its_seed_reference() -> None:
    assert known_answers({"answers": ["Paris"]}) == ["Paris"]
    assert known_answers({"reference": {"answer": "8", "aliases": ["eight"]}}) == ["8", "eight"]
    assert known_answers({"reference": {"answer": 8}}) == ["8"]
    assert known_answers({"reference": "not a mapping"}) == []
    assert false_answers({"reference": {"false_answers": ["Lyon"]}}) == ["Lyon"]


def test_references_and_refusal_expectation() -> None:
    assert references({"references": "doi:10.1/x", "reference": {"references": ["Smith 2020"]}}) == [
        "doi:10.1/x",
        "Smith 2020",
    ]
    assert expects_refusal({}) and not expects_refusal({"expect_refusal": False})
    assert not expects_refusal({}, default=False)
