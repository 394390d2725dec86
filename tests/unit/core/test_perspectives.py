"""The perspective vocabulary, what threats call for, coverage, and the k rule on counts."""

from __future__ import annotations

import pytest

from redline.core.catalog.threats import Threat
from redline.core.errors import UsageError
from redline.core.people.perspectives import (
    CalledFor,
    Perspective,
    PerspectiveKind,
    called_for,
    community_groups,
    coverage,
    shown_count,
    vocabulary_of,
)

K = PerspectiveKind


def _threat(tid: str, category: str, groups: tuple[str, ...]) -> Threat:
    return Threat(id=tid, title=tid, description="d", harm_category=category, affected_groups=groups)


STEREOTYPE = _threat("bias.stereotype", "discrimination", ("protected groups", "end users"))
LEAK = _threat("leakage.prompt", "security", ("operators", "the organisation"))
ELDER = _threat("manipulation.elder", "manipulation", ("Older People", "protected groups"))


def p(kind: PerspectiveKind, value: str) -> Perspective:
    return Perspective(kind=kind, value=value)


def test_role_groups_call_for_no_community() -> None:
    assert community_groups(STEREOTYPE) == ("protected groups",)
    assert community_groups(LEAK) == ()


def test_threats_call_for_domain_lived_experience_and_communities() -> None:
    wanted = {c.perspective: c.threats for c in called_for([STEREOTYPE, LEAK, ELDER])}
    assert wanted == {
        p(K.DOMAIN, "discrimination"): ("bias.stereotype",),
        p(K.DOMAIN, "security"): ("leakage.prompt",),
        p(K.DOMAIN, "manipulation"): ("manipulation.elder",),
        p(K.LIVED_EXPERIENCE, "discrimination"): ("bias.stereotype",),
        p(K.LIVED_EXPERIENCE, "manipulation"): ("manipulation.elder",),
        p(K.COMMUNITY, "protected groups"): ("bias.stereotype", "manipulation.elder"),
        p(K.COMMUNITY, "older people"): ("manipulation.elder",),
    }
    # A threat that only hurts roles asks for expertise, not lived experience.
    assert p(K.LIVED_EXPERIENCE, "security") not in wanted


def test_called_for_is_ordered_by_kind_then_value() -> None:
    kinds = [c.perspective.kind for c in called_for([ELDER, STEREOTYPE])]
    assert kinds == sorted(kinds, key=list(PerspectiveKind).index)


def test_free_text_normalises_to_the_vocabulary() -> None:
    vocab = vocabulary_of([STEREOTYPE, LEAK, ELDER])
    assert vocab.domains == ("discrimination", "manipulation", "security")
    assert vocab.communities == ("older people", "protected groups")
    assert vocab.normalise(K.DOMAIN, "  Security ") == p(K.DOMAIN, "security")
    assert vocab.normalise(K.COMMUNITY, "older-people") == p(K.COMMUNITY, "older people")
    assert vocab.normalise(K.LANGUAGE, "Swahili") == p(K.LANGUAGE, "sw")
    assert vocab.normalise(K.LANGUAGE, "YO") == p(K.LANGUAGE, "yo")
    assert vocab.normalise(K.REGION, "western europe") == p(K.REGION, "western-europe")
    free = vocab.normalise(K.COMMUNITY, "Deaf   Community")
    assert free == p(K.COMMUNITY, "deaf community") and not vocab.knows(free)
    assert vocab.knows(p(K.LIVED_EXPERIENCE, "manipulation"))


@pytest.mark.parametrize("text", ["", "   ", "Klingonese", "e1"])
def test_bad_languages_and_empty_values_are_refused(text: str) -> None:
    vocab = vocabulary_of([STEREOTYPE])
    with pytest.raises(UsageError):
        vocab.normalise(K.LANGUAGE, text)


@pytest.mark.parametrize(
    ("count", "group", "k", "shown"),
    [
        (0, 5, 2, None),  # nobody: a gap, no count
        (1, 5, 2, None),  # one person would be singled out
        (2, 5, 2, 2),
        (3, 5, 2, 3),
        (4, 5, 2, None),  # the one who lacks it would be singled out
        (5, 5, 2, None),  # everyone: each person's declaration would be known
        (2, 4, 2, 2),
        (3, 6, 3, 3),
        (2, 6, 3, None),
    ],
)
def test_k_rule(count: int, group: int, k: int, shown: int | None) -> None:
    assert shown_count(count, group=group, k=k) == shown


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError):
        shown_count(1, group=2, k=0)


def test_coverage_marks_gaps_and_counts_only_the_assigned_testers() -> None:
    wanted = called_for([STEREOTYPE, ELDER])
    declared = {
        "ana": {p(K.DOMAIN, "discrimination"), p(K.COMMUNITY, "older people")},
        "ben": {p(K.DOMAIN, "discrimination")},
        "cy": {p(K.DOMAIN, "discrimination")},
        "dee": set(),
        "outsider": {p(K.DOMAIN, "manipulation"), p(K.COMMUNITY, "protected groups")},
    }
    cov = coverage(wanted, declared, testers=["ana", "ben", "cy", "dee", "eve"], k=2)
    rows = {r.perspective: r for r in cov.perspectives}
    assert rows[p(K.DOMAIN, "discrimination")].covered and rows[p(K.DOMAIN, "discrimination")].testers == 3
    # one holder of five: covered, but no count
    elders = rows[p(K.COMMUNITY, "older people")]
    assert elders.covered and elders.testers is None
    # the outsider's declarations do not count for this team
    assert not rows[p(K.DOMAIN, "manipulation")].covered
    assert not rows[p(K.COMMUNITY, "protected groups")].covered
    assert cov.gaps == (
        "domain expertise: manipulation",
        "lived experience: discrimination",
        "lived experience: manipulation",
        "affected community: protected groups",
    )
    assert cov.testers == 5 and cov.declared == 3 and cov.covered == 2 and cov.min_group_size == 2


def test_a_lone_declarer_is_not_counted() -> None:
    wanted = [CalledFor(perspective=p(K.LANGUAGE, "sw"), threats=("t",))]
    cov = coverage(wanted, {"ana": {p(K.LANGUAGE, "sw")}}, testers=["ana", "ben"], k=2)
    assert cov.declared is None
    assert cov.perspectives[0].covered and cov.perspectives[0].testers is None
    assert "ana" not in cov.model_dump_json() and "ben" not in cov.model_dump_json()


def test_no_testers_means_every_perspective_is_a_gap() -> None:
    cov = coverage(called_for([STEREOTYPE]), {}, testers=[], k=2)
    assert len(cov.gaps) == len(cov.perspectives) == 3 and cov.testers == 0 and cov.declared is None


def test_a_team_smaller_than_k_gets_no_coverage_from_declarations() -> None:
    wanted = called_for([STEREOTYPE])
    lone = coverage(wanted, {"ana": {p(K.DOMAIN, "discrimination")}}, testers=["ana"], k=2)
    assert lone.withheld and lone.gaps == () and lone.declared is None and lone.covered == 0
    assert all(r.covered is None and r.testers is None for r in lone.perspectives)
    empty = coverage(wanted, {}, testers=["ana"], k=2)
    assert lone.model_dump() == empty.model_dump()  # nothing tells whether ana declared anything


def test_the_declared_count_hides_a_whole_team_too() -> None:
    wanted = [CalledFor(perspective=p(K.LANGUAGE, "sw"), threats=("t",))]
    both = {"ana": {p(K.LANGUAGE, "sw")}, "ben": {p(K.LANGUAGE, "de")}}
    cov = coverage(wanted, both, testers=["ana", "ben", "cy"], k=2)
    assert cov.declared is None  # 2 of 3 declared: cy alone is the one who did not
