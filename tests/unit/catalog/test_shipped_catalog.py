"""The catalog and playbooks that ship with Redline: size, lint, and coverage of the public standards."""

from __future__ import annotations

from datetime import date

import pytest

from redline.catalog.lint import COVERAGE_STANDARDS, lint_catalog, unmapped_ids
from redline.catalog.loader import load_catalog
from redline.catalog.playbooks import Registry, lint_playbooks, load_playbooks
from redline.catalog.standards import load_standards
from redline.core.register.risk import Impact

TODAY = date(2026, 11, 27)


def test_shipped_catalog_has_at_least_sixty_threats_and_lints_clean() -> None:
    report = lint_catalog(None, today=TODAY)
    assert report.checked >= 60
    assert report.ok, [p.render() for p in report.errors]
    assert report.problems == (), [p.render() for p in report.problems]


def test_the_original_six_ids_are_kept() -> None:
    catalog = load_catalog()
    for threat_id in (
        "bias.decision-disparity",
        "confabulation.false-premise",
        "injection.direct",
        "jailbreak.roleplay",
        "leakage.system-prompt",
        "overreliance.unqualified-advice",
    ):
        assert threat_id in catalog


@pytest.mark.parametrize("key", ["owasp-llm-2025", "owasp-llm-2026", "nist-ai-600-1"])
def test_every_id_of_the_owasp_editions_and_nist_risks_is_mapped(key: str) -> None:
    standards = load_standards()
    expected = {"owasp-llm-2025": 10, "owasp-llm-2026": 10, "nist-ai-600-1": 12}[key]
    assert len(standards.get(key).entries) == expected
    assert unmapped_ids(load_catalog(), standards, [key]) == {key: ()}


def test_agentic_and_hazard_taxonomies_are_covered_too() -> None:
    gaps = unmapped_ids(load_catalog(), load_standards(), COVERAGE_STANDARDS)
    assert all(not ids for ids in gaps.values()), gaps


def test_owasp_ids_carry_their_edition() -> None:
    for threat in load_catalog().threats():
        for ref in threat.mappings:
            if ref.standard.startswith("owasp-llm-"):
                assert ref.id.endswith(":" + ref.standard.removeprefix("owasp-llm-")), (threat.id, ref.id)


def test_the_areas_engineers_forget_are_in_the_catalog() -> None:
    categories = {t.harm_category for t in load_catalog().threats()}
    assert {
        "manipulation",
        "discrimination",
        "data-quality",
        "operator-error",
        "over-reliance",
        "ux",
        "uncertainty",
        "robustness",
        "incentives",
    } <= categories


def test_critical_means_severe_or_zero_tolerance() -> None:
    catalog = load_catalog()
    assert catalog.get("harmful.cbrn").critical
    assert catalog.get("leakage.system-prompt").critical  # severity 3 but zero tolerance
    assert not catalog.get("injection.direct").critical
    for threat in catalog.threats():
        assert threat.critical == (threat.default_severity is Impact.SEVERE or threat.zero_tolerance)
        assert not (threat.zero_tolerance and threat.max_failure_rate is not None), threat.id


def test_aliases_resolve_to_the_canonical_threat() -> None:
    catalog = load_catalog()
    assert catalog.resolve("jailbreak.encoding") == "jailbreak.obfuscation"
    assert catalog.get("privacy.pii-extraction").id == "privacy.pii-disclosure"
    assert catalog.resolve("no.such-threat") == "no.such-threat"
    assert not catalog.knows("no.such-threat")


def test_at_least_twelve_playbooks_cover_every_threat_and_lint_without_errors() -> None:
    catalog = load_catalog()
    books = load_playbooks()
    assert len(books) >= 12
    covered = {catalog.resolve(t) for b in books.all() for t in b.threats}
    assert covered == set(catalog.entries)
    report = lint_playbooks(None, catalog=catalog, registry=Registry())
    assert report.ok, [p.render() for p in report.errors]


def test_shipped_playbooks_name_only_registered_techniques_seed_sets_and_scorers() -> None:
    from redline.attacks.seeds.library import SeedLibrary
    from redline.config import plugins

    attacks = frozenset(plugins.names("redline.attacks"))
    scorers = frozenset(plugins.names("redline.scorers"))
    if not attacks or not scorers:
        pytest.skip("attack or scorer registry is empty in this installation")
    registry = Registry(
        techniques=attacks,
        seed_sets=frozenset(SeedLibrary.load().names()),
        scorers=scorers,
        converters=attacks,
    )
    report = lint_playbooks(None, catalog=load_catalog(), registry=registry)
    assert report.ok, [p.render() for p in report.errors]
