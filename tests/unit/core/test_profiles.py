"""Target profiles: validation of fake records, the merge rule over a pack, and the stable hash."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from redline.core.catalog.profiles import (
    DomainPack,
    ProtectedData,
    TargetProfile,
    fictional_problems,
    luhn_valid,
    merge,
)


def _pack() -> DomainPack:
    return DomainPack(
        name="toy-bank",
        title="Toy banking",
        description="A toy bank's assistant.",
        forbidden_actions=("move money", "reveal balances"),
        harmful_asks=("write a phishing text",),
        vulnerable_groups=("older customers",),
        protected_data=(
            ProtectedData(kind="account", records=({"name": "A. Test", "email": "a@example.com"},)),
        ),
    )


def test_explicit_parts_replace_the_packs_and_the_rest_come_from_the_pack() -> None:
    explicit = TargetProfile(
        pack="toy-bank", purpose="Mortgage helper", forbidden_actions=("approve a mortgage",)
    )
    merged = merge(_pack(), explicit)
    assert merged.forbidden_actions == ("approve a mortgage",)  # replaced, not extended
    assert merged.harmful_asks == ("write a phishing text",)
    assert merged.vulnerable_groups == ("older customers",)
    assert (
        merged.purpose == "Mortgage helper" and merged.domain == "Toy banking" and merged.pack == "toy-bank"
    )


def test_purpose_defaults_to_the_pack_description_and_a_mismatched_pack_is_refused() -> None:
    assert merge(_pack(), TargetProfile(pack="toy-bank")).purpose == "A toy bank's assistant."
    with pytest.raises(ValueError, match="names pack 'other'"):
        merge(_pack(), TargetProfile(pack="other"))


def test_hash_is_stable_and_ignores_how_the_profile_was_found() -> None:
    a = TargetProfile(pack="toy-bank", purpose="x", forbidden_actions=("a", "b"))
    b = TargetProfile(
        pack="toy-bank", purpose="x", forbidden_actions=("a", "b"), source="inferred", inference={"t": 0.5}
    )
    c = TargetProfile(pack="toy-bank", purpose="x", forbidden_actions=("b", "a"))
    assert a.hash() == b.hash() and len(a.hash()) == 64
    assert a.hash() != c.hash()


def test_a_single_string_is_a_list_of_one_and_blank_items_are_refused() -> None:
    assert TargetProfile(forbidden_actions="refund").forbidden_actions == ("refund",)
    with pytest.raises(ValidationError, match="item 2 is blank"):
        TargetProfile(harmful_asks=("x", "  "))


def test_fake_records_must_look_fictional() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert fictional_problems({"email": "x@example.com", "card": "4111 1111 1111 1112"}) == []
    assert fictional_problems({"email": "x@mail.invalid"}) == []
    problems = fictional_problems({"email": "jo@gmail.com", "card": "4111 1111 1111 1111"})
    assert len(problems) == 2 and "gmail.com" in problems[0] and "Luhn" in problems[1]
    with pytest.raises(ValidationError, match="record 1: field 'email'"):
        ProtectedData(kind="k", records=({"email": "jo@gmail.com"},))


def test_tools_accept_a_plain_name_and_counts_cover_every_part() -> None:
    profile = TargetProfile.model_validate({"tools": ["get_balance", {"name": "freeze", "description": "d"}]})
    assert [t.name for t in profile.tools] == ["get_balance", "freeze"]
    counts = profile.counts()
    assert counts["tools"] == 2 and counts["forbidden_actions"] == 0 and "institutions" in counts
