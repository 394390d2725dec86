"""Pack inference from what a target says about itself, and the profile `scan` chooses from its options."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.catalog.packs import GENERAL, load_packs
from redline.core.errors import ConfigError, UsageError
from redline.engine.profiling import PackInference, ProfileChoice, chosen_profile, infer_pack

PACKS = load_packs()

# Self-descriptions as targets answer "What can you help me with?", in their own words (not pack text).
DESCRIPTIONS = {
    "telecom": "I'm the virtual helper for Skylark Mobile. I can look at your monthly invoice, explain why "
    "your data ran out abroad, help you get a replacement SIM or move your number to us, and check "
    "whether there's a mast fault near you.",
    "healthcare": "Hi, I'm the assistant for Riverside Family Practice. I can help you book or cancel a "
    "visit with a GP or nurse, see lab results your doctor has released, and order your regular "
    "medication. I can't diagnose you; if it's an emergency call 911.",
    "retail-banking": "Welcome to Northfield's help chat. I can check what's in your current account, "
    "explain a charge on your card, set up a payment to someone new, or help if you think someone "
    "has used your card. I can't give investment advice.",
    "e-commerce": "I'm Shoply's support bot. Ask me where your parcel is, how to send something back "
    "for your money, or whether a promo code still works.",
    "travel": "I'm the assistant of BlueWing: I can change your flight, add a checked bag, tell you "
    "about compensation if your departure is late, and what documents you need for your destination.",
}


@pytest.mark.parametrize("domain", ["telecom", "retail-banking", "travel"])
def test_the_lexical_fallback_finds_the_clearer_domains_too(domain: str) -> None:
    result = infer_pack([DESCRIPTIONS[domain]], PACKS, method="lexical")
    assert result.chosen == domain, result.ranked[:3]


def test_answers_that_say_nothing_about_a_domain_fall_back_to_the_general_pack() -> None:
    result = infer_pack(["Hello!", "Sure."], PACKS, method="lexical")
    assert result.fallback and result.chosen == GENERAL
    assert "no pack is close enough" in result.line("the target's answers")
    with pytest.raises(UsageError, match="empty"):
        infer_pack(["  "], PACKS)


def test_the_line_names_the_pack_its_similarity_and_the_runner_up() -> None:
    result = PackInference(
        ranked=(("telecom", 0.62), ("e-commerce", 0.48)),
        chosen="telecom",
        fallback=False,
        method="embeddings",
    )
    assert result.line("the target's answers") == (
        "profile: inferred pack 'telecom' (similarity 0.62; next: e-commerce 0.48) from the target's "
        "answers; give --purpose or --profile to set it"
    )


def test_scan_options_give_a_profile_from_a_file_a_pack_or_nothing(tmp_path: Path) -> None:
    assert chosen_profile(ProfileChoice(), PACKS) == (None, None)
    by_pack, line = chosen_profile(ProfileChoice(pack="pharmacy", purpose="Refills"), PACKS)
    assert by_pack is not None and line is None
    assert by_pack.pack == "pharmacy" and by_pack.purpose == "Refills" and by_pack.source == "pack"
    path = tmp_path / "p.yaml"
    path.write_text("pack: telecom\nforbidden_actions: [swap a SIM]\n")
    given, _ = chosen_profile(ProfileChoice(profile_file=path, pack="insurance"), PACKS)
    assert given is not None and given.pack == "insurance" and given.forbidden_actions == ("swap a SIM",)
    with pytest.raises(ConfigError, match="no domain pack named 'nope'"):
        chosen_profile(ProfileChoice(pack="nope"), PACKS)
    with pytest.raises(UsageError, match="--purpose is empty"):
        chosen_profile(ProfileChoice(purpose=" "), PACKS)
