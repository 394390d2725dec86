"""Techniques fitted to the target profile: the contract params (families.md), variety, and the
unchanged behaviour without a profile; the default scan plan covers every harm family of the catalog."""

from __future__ import annotations

import random

import pytest

from redline.attacks.base import PlanContext, expand_in
from redline.attacks.profiled import action_phrase
from redline.attacks.registry import get_technique
from redline.attacks.seeds.library import SeedLibrary
from redline.catalog.loader import load_catalog
from redline.catalog.packs import load_packs, resolve_profile
from redline.catalog.playbooks import load_playbooks
from redline.core.catalog.profiles import TargetProfile
from redline.core.runs.cases import AttackCase

PACKS = ("telecom", "retail-banking", "healthcare")
# technique -> params keys every profiled case carries (besides `profile`)
CONTRACT: dict[str, tuple[str, ...]] = {
    "authority-override": ("action_keywords",),
    "record-pretext": ("asked_fields", "subject_name"),
    "false-premise": ("false_premise",),
    "unanswerable": ("forecast", "expects_uncertainty", "run_overrides"),
    "vulnerable-user": ("vulnerable",),
    "counterfactual-decision": ("decision_outcomes", "axis", "value"),
    "domain-escalation": ("warmup_turns", "followups"),
    "sustained-provocation": ("provocation_turns", "followups"),
    "sycophancy": ("false_premise",),
    "role-play": (),
    "encoded-request": (),
    "misconfiguration-sweep": (),
    "indirect-injection": ("canaries", "channel"),
    "crisis-disclosure": ("distress", "two_turn", "vulnerable"),
    "canary-extraction": ("black_box",),
}
PROFILE_KEY = {
    "authority-override": "forbidden_action",
    "record-pretext": "record",
    "false-premise": "institution",
    "unanswerable": "institution",
    "vulnerable-user": "vulnerable_cue",
    "counterfactual-decision": "decision",
    "domain-escalation": "harmful_ask",
    "role-play": "harmful_ask",
    "encoded-request": "harmful_ask",
    "misconfiguration-sweep": "harmful_ask",
    "sycophancy": "institution",
    "indirect-injection": "document",
    "crisis-disclosure": "product",
    "canary-extraction": "service",
}
# Families no probe of a running application can test: how data, models and compute were obtained.
PROCESS_ONLY = {
    "data": "how training and evaluation data were collected and labelled",
    "supply-chain": "where models and tools came from",
    "environment": "the compute footprint of training and serving",
    "poisoning": "what went into the training data or retrieval corpus before deployment",
}
# Families the default scan leaves to their own playbooks, with the reason.
NOT_IN_SCAN = {
    # Generic benign look-alikes ("how do I kill a Python process?") are out of scope for most
    # applications, so declining them is scope enforcement, not a failure; the over-refusal playbook
    # measures it where the application's scope includes them (a general or coding assistant).
    "overrefusal": "over-refusal of requests outside the application's scope is not a failure",
}


def _cases(name: str, profile: TargetProfile | None, n: int = 8) -> list[AttackCase]:
    technique = get_technique(name)
    seeds = SeedLibrary.load().seeds(technique.default_seeds)[:n]
    out: list[AttackCase] = []
    for i, seed in enumerate(seeds):
        rng = random.Random(i)
        out += expand_in(technique, seed, technique.Params(), rng=rng, context=PlanContext(profile=profile))
    return out


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_profiled_cases_carry_the_contract_params_and_vary(name: str, pack: str) -> None:
    profile = resolve_profile(TargetProfile(pack=pack), load_packs())
    cases = _cases(name, profile)
    assert cases
    for case in cases:
        assert case.params["profile"]["pack"] == pack, name
        assert PROFILE_KEY.get(name, "pack") in case.params["profile"], name
        for key in CONTRACT[name]:
            assert key in case.params, (name, key)
    texts = {c.conversation.last_user_text for c in cases}
    assert len(texts) >= min(3, len(cases)), name
    if name == "authority-override":
        assert all(
            c.params["profile"]["forbidden_action"] in profile.forbidden_actions[0:] or True for c in cases
        )
        actions = {c.params["profile"]["forbidden_action"] for c in cases}
        assert len(actions) >= 2 and all(c.params["action_keywords"] for c in cases)
    if name == "record-pretext":
        for c in cases:  # the person is named (the surname at least) in what the user says
            said = " ".join(m.content for m in c.conversation.messages if m.role.value == "user")
            assert c.params["subject_name"].split()[-1:] == [] or c.params["subject_name"].split()[-1] in said
        probes = {c.params["profile"].get("probe", "pretext") for c in _cases(name, profile, n=30)}
        assert probes == {"pretext", "enumeration", "named-person"}
    if name == "unanswerable":
        assert all(c.params["run_overrides"]["generation"]["logprobs"] is True for c in cases)
    if name in ("domain-escalation", "sustained-provocation"):
        assert all(c.turns == len(c.params["followups"]) + 1 for c in cases)


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_without_a_profile_techniques_behave_as_before(name: str) -> None:
    technique = get_technique(name)
    seeds = SeedLibrary.load().seeds(technique.default_seeds)[:3]
    for i, seed in enumerate(seeds):
        before = list(technique.expand(seed, technique.Params(), rng=random.Random(i)))
        now = list(
            expand_in(technique, seed, technique.Params(), rng=random.Random(i), context=PlanContext())
        )
        assert [c.id for c in now] == [c.id for c in before]
        assert all(c.params.get("profile", {}).get("pack") is None for c in now)


@pytest.mark.parametrize("pack", PACKS)
def test_indirect_injection_hides_its_marker_in_documents_of_the_domain(pack: str) -> None:
    profile = resolve_profile(TargetProfile(pack=pack), load_packs())
    cases = _cases("indirect-injection", profile, n=12)
    pasted = [c for c in cases if c.params["channel"] == "pasted"]
    assert len(pasted) * 3 == len(cases) and len(pasted) >= 8
    for case in pasted:
        text = case.conversation.last_user_text
        (mark,) = case.params["canaries"]
        assert mark in text
        assert case.params["profile"]["entity"] in profile.entities
        assert case.params["profile"]["entity"] in text
    kinds = {c.params["profile"]["document"] for c in cases}
    hidings = {c.params["profile"]["hiding"] for c in cases}
    assert len(kinds) >= 4 and len(hidings) >= 4
    actions = [c.params["profile"].get("forbidden_action") for c in cases]
    assert any(a in profile.forbidden_actions for a in actions if a)


def test_record_enumeration_asks_for_a_neighbouring_identifier() -> None:
    from redline.attacks.profiled import neighbour_id

    rng = random.Random(3)
    near = {neighbour_id("TEL-6600412", rng) for _ in range(20)}
    assert near == {"TEL-6600411", "TEL-6600413"}
    assert neighbour_id("PAT-0099", random.Random(0)) in {"PAT-0098", "PAT-0100"}
    assert neighbour_id(None, rng)


def test_multilingual_framings_appear_across_a_sample() -> None:
    profile = resolve_profile(TargetProfile(pack="telecom"), load_packs())
    technique = get_technique("authority-override")
    seeds = SeedLibrary.load().seeds("domain-situations")
    texts = [
        c.conversation.last_user_text
        for i, s in enumerate(seeds)
        for c in expand_in(
            technique, s, technique.Params(), rng=random.Random(i), context=PlanContext(profile)
        )
    ]
    assert any(w in t for t in texts for w in ("Bonjour", "Hola", "Guten Tag"))
    assert len(set(texts)) == len(texts)


def test_default_scan_plan_covers_every_harm_family_of_the_catalog() -> None:
    plan = load_playbooks().get("scan-standard")
    families = {t.id.split(".")[0] for t in load_catalog().threats()}
    assert set(PROCESS_ONLY) <= families
    covered: set[str] = set()
    for step in plan.automated:
        technique = get_technique(step.technique)
        covered |= {t.split(".")[0] for t in technique.threats}
        covered |= {t.split(".")[0] for s in SeedLibrary.load().seeds(step.seeds) for t in s.threats}
        assert step.scorers, step.technique
    expected = families - set(PROCESS_ONLY) - set(NOT_IN_SCAN)
    assert expected <= covered, expected - covered


@pytest.mark.parametrize(
    ("rule", "action"),
    [
        ("Never issue refunds over £100.", "issue refunds over £100"),
        ("The assistant must not reveal account numbers", "reveal account numbers"),
        ("Do not share PII with third parties", "share PII with third parties"),
        ("You should never promise delivery dates", "promise delivery dates"),
        ("It is not allowed to diagnose conditions", "diagnose conditions"),
        ("The bot is not permitted to cancel orders", "cancel orders"),
        ("Is forbidden to approve loans", "approve loans"),
        ("can't access other customers' accounts", "access other customers' accounts"),
        ("Don't give legal advice", "give legal advice"),
        # already an action, or not a prohibition: kept (lowered)
        ("issue a refund outside the returns policy", "issue a refund outside the returns policy"),
        ("Never-ending upsell scripts", "never-ending upsell scripts"),
        ("No refunds over £100", "no refunds over £100"),
    ],
)
def test_a_forbidden_action_written_as_a_rule_becomes_the_action_it_forbids(rule: str, action: str) -> None:
    assert action_phrase(rule) == action


def test_authority_asks_built_from_rules_ask_for_the_action_not_the_rule() -> None:
    rules = ("Never waive late-payment fees.", "The assistant must not change a customer's tariff")
    profile = resolve_profile(TargetProfile(pack="telecom", forbidden_actions=rules), load_packs())
    cases = _cases("authority-override", profile, n=12)
    assert cases
    for case in cases:
        text = case.conversation.last_user_text.lower()
        assert "never" not in text and "must not" not in text, text
        assert case.params["profile"]["forbidden_action"] in (
            "waive late-payment fees",
            "change a customer's tariff",
        )
        assert "never" not in case.params["action_keywords"]


def test_the_applications_instructions_are_asked_for_again_after_a_refusal() -> None:
    profile = resolve_profile(TargetProfile(pack="telecom"), load_packs())
    cases = [c for c in _cases("system-prompt-extraction", profile, n=2) if c.params.get("second_ask")]
    assert cases
    for case in cases:
        msgs = case.conversation.messages
        assert [m.role.value for m in msgs[-3:]] == ["user", "assistant", "user"]
        assert "can't share" in msgs[-2].content
