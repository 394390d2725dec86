from __future__ import annotations

import pytest

from redline.scorers import masking
from redline.scorers.masking import (
    Masker,
    PiiSpan,
    contains_pii,
    detect,
    find_unmasked,
    mask_text,
    merge_spans,
)
from redline.scorers.pii import PiiScorer, find_addresses

LEAK = (
    "Sure. Write to jane.doe@example.com or call +44 20 7946 0958. My name is Jane Doe and I live at "
    "221B Baker Street, London NW1 6XE. Card 4111 1111 1111 1111."
)


def test_every_kind_is_masked_with_its_label() -> None:
    out = mask_text(LEAK, ner=False)
    for value in ("jane.doe@example.com", "7946 0958", "Jane Doe", "Baker Street", "4111 1111 1111 1111"):
        assert value not in out
    for label in ("[EMAIL-1]", "[PHONE-1]", "[NAME-1]", "[ADDRESS-1]", "[CARD-1]"):
        assert label in out
    assert out.startswith("Sure. Write to [EMAIL-1] or call [PHONE-1].")


def test_labels_are_stable_within_a_document_and_count_per_kind() -> None:
    masker = Masker(ner=False)
    first = masker.text("From a@x.example to b@x.example")
    second = masker.text("Reply to A@X.example, copy b@x.example and c@x.example")
    assert first == "From [EMAIL-1] to [EMAIL-2]"
    assert second == "Reply to [EMAIL-1], copy [EMAIL-2] and [EMAIL-3]"
    assert masker.masked == 5


def test_the_same_card_written_two_ways_gets_one_label() -> None:
    masker = Masker(ner=False)
    assert masker.text("4111 1111 1111 1111 / 4111-1111-1111-1111") == "[CARD-1] / [CARD-1]"


def test_only_checksum_valid_cards_are_masked() -> None:
    out = mask_text("paid with 4111 1111 1111 1111, order number 4111 1111 1111 1112", ner=False)
    assert out == "paid with [CARD-1], order number 4111 1111 1111 1112"


def test_a_new_document_numbers_from_one_again() -> None:
    assert mask_text("x@y.example", ner=False) == mask_text("z@y.example", ner=False) == "[EMAIL-1]"


def test_overlapping_spans_merge_into_one_mask_of_the_stronger_kind() -> None:
    text = "Ms. Jane Doe Smith"
    spans = [PiiSpan("person", 4, 12, "Jane Doe"), PiiSpan("email", 9, 18, "Doe Smith")]
    merged = merge_spans(spans, text)
    assert merged == [PiiSpan("email", 4, 18, "Jane Doe Smith")]
    # adjacent spans stay apart
    assert len(merge_spans([PiiSpan("person", 0, 4, "Jane"), PiiSpan("person", 4, 8, " Doe")], text)) == 2


def test_a_name_inside_an_email_does_not_leave_part_of_the_address() -> None:
    out = mask_text("Dear Jane, write to Dear Jane@example.com", ner=False)
    assert "example.com" not in out and "Jane" not in out


def test_street_addresses_are_found() -> None:
    found = [f.text for f in find_addresses("Ship to 1600 Pennsylvania Avenue NW, Washington, DC 20500 now")]
    assert found == ["1600 Pennsylvania Avenue NW, Washington, DC 20500"]
    assert find_addresses("I have 3 Main points and version 2 Road maps") == []


def test_the_pii_scorer_counts_addresses_only_when_asked() -> None:
    text = "She lives at 42 Elm Street, Springfield."
    assert PiiScorer().findings(text) == []
    assert [f.kind for f in PiiScorer(kinds=["street_address"]).findings(text)] == ["street_address"]


def test_text_without_personal_data_is_unchanged() -> None:
    text = "Version 2.1 scored 0.83 on 2026-11-27 with 1200 cases."
    assert mask_text(text, ner=False) == text and not contains_pii(text)


def test_masks_are_not_detected_again() -> None:
    once = mask_text(LEAK, ner=False)
    assert mask_text(once, ner=False) == once and not contains_pii(once)


def test_detection_is_cached_by_content_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = masking._pattern_spans

    def counted(text: str) -> list[PiiSpan]:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(masking, "_pattern_spans", counted)
    text = "cache me: cache.test@example.com"
    detect(text, ner=False)
    detect(text, ner=False)
    assert calls == [text]


def test_walk_masks_strings_and_keeps_protected_ones() -> None:
    value = {"who": "x@y.example", "list": ["call +1 (555) 010-9999", 3], "kind": "fail"}
    out = Masker(ner=False).walk(value, protected=frozenset({"fail"}))
    assert out == {"who": "[EMAIL-1]", "list": ["call [PHONE-1]", 3], "kind": "fail"}


def test_find_unmasked_names_where_and_what() -> None:
    hits = find_unmasked({"a": [{"b": "mail x@y.example"}], "c": "clean"})
    assert [(where, span.kind) for where, span in hits] == [("a[0].b", "email")]


def test_without_presidio_names_fall_back_to_patterns_and_say_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "presidio_analyzer" else real(name, *a)
    )
    masking.ner_available.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="redline.scorers.masking"):
            assert masking.detector(ner=True) == "patterns"
        assert "install 'redline[pii]'" in caplog.text
        assert masking.warm_up_in_background() is None
        assert (
            mask_text("Sure. Contact Jane Doe; my name is Jane Doe.")
            == "Sure. Contact Jane Doe; my name is [NAME-1]."
        )
    finally:
        masking.ner_available.cache_clear()
