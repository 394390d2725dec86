"""Tester perspectives: a small vocabulary, the perspectives threats call for, and coverage in aggregate.

A perspective is a (kind, value) pair a tester may declare, optionally and with consent: expertise in a
harm domain, a language, a cultural background or region, lived experience of a harm category, or
membership of a community the catalog names as affected. Threats call for perspectives through their
harm category and affected groups; a plan's assigned testers, together, cover them or leave a gap.

Counts are shown only where they cannot single a person out (the k rule, `shown_count`):

* a count of testers holding a perspective is shown only when at least k of the plan's testers hold
  it and at least k do not; otherwise the perspective reads "covered" or "gap" and nothing more;
* the number of testers who declared anything is shown only under the same rule;
* a team smaller than k gets no coverage at all (`TeamCoverage.withheld`): with one tester, "covered"
  and "gap" would read out that person's declaration.

Values are normalised to the vocabulary where they match (case, spacing, hyphens, language names to
codes); other text is kept, cleaned, as a free value that only an identical declaration can match.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.catalog.threats import Threat
from redline.core.errors import UsageError

DEFAULT_MIN_GROUP_SIZE = 2
"""k: the smallest group whose size may be shown (two testers)."""
MAX_VALUE_CHARS = 100
MAX_PERSPECTIVES = 50

CONSENT_VERSION = "1"
CONSENT_STATEMENT = (
    "I choose to declare these perspectives. Redline stores them with my account and shows them to "
    "me alone: no other person, lead or admin sees them. They are used only in aggregate, to show "
    "whether a plan's assigned testers together cover the perspectives its threats call for, and in "
    "reports as 'covered' or 'gap'. A count is shown only when at least k testers hold a perspective "
    "and at least k do not. In a very small team, 'covered' can still hint at what its members "
    "declared. I can change or withdraw my declaration at any time; withdrawing deletes it."
)
"""What a person agrees to when declaring; stored, with its version and time, beside the declaration."""


class PerspectiveKind(StrEnum):
    """The kinds of perspective a tester may bring."""

    DOMAIN = "domain"
    LANGUAGE = "language"
    REGION = "region"
    LIVED_EXPERIENCE = "lived_experience"
    COMMUNITY = "community"

    @property
    def label(self) -> str:
        """How people read the kind."""
        return KIND_LABELS[self]


KIND_LABELS: dict[PerspectiveKind, str] = {
    PerspectiveKind.DOMAIN: "domain expertise",
    PerspectiveKind.LANGUAGE: "language",
    PerspectiveKind.REGION: "cultural background / region",
    PerspectiveKind.LIVED_EXPERIENCE: "lived experience",
    PerspectiveKind.COMMUNITY: "affected community",
}

LANGUAGES: dict[str, str] = {
    "ar": "Arabic",
    "bn": "Bengali",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "ha": "Hausa",
    "hi": "Hindi",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "ms": "Malay",
    "nl": "Dutch",
    "pa": "Punjabi",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sw": "Swahili",
    "ta": "Tamil",
    "th": "Thai",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "yo": "Yoruba",
    "zh": "Chinese",
}
"""ISO 639-1 codes with English names, for the forms; any other two- or three-letter code is accepted."""

REGIONS: dict[str, str] = {
    "northern-africa": "Northern Africa",
    "sub-saharan-africa": "Sub-Saharan Africa",
    "latin-america-caribbean": "Latin America and the Caribbean",
    "northern-america": "Northern America",
    "central-asia": "Central Asia",
    "eastern-asia": "Eastern Asia",
    "south-eastern-asia": "South-eastern Asia",
    "southern-asia": "Southern Asia",
    "western-asia": "Western Asia",
    "eastern-europe": "Eastern Europe",
    "northern-europe": "Northern Europe",
    "southern-europe": "Southern Europe",
    "western-europe": "Western Europe",
    "oceania": "Oceania",
}
"""Cultural background by region: the UN M49 regions, broad on purpose (a narrow one would identify)."""

ROLE_GROUPS = frozenset(
    {
        "approvers",
        "consumers",
        "courts",
        "customers",
        "decision makers",
        "democratic institutions",
        "developers",
        "end users",
        "infrastructure operators",
        "infrastructure owners",
        "operators",
        "organisations",
        "other organisations",
        "other users",
        "regulators",
        "reviewers",
        "testers",
        "the organisation",
        "the public",
        "their users",
        "third parties",
    }
)
"""Affected groups that name a role towards the system, not a community: they call for no perspective."""

_CODE = re.compile(r"^[a-z]{2,3}$")


def _clean(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).strip().lower()


def _key(text: str) -> str:
    return re.sub(r"[\s-]+", " ", _clean(text))


class Perspective(BaseModel):
    """One perspective: a kind and a value from the vocabulary (or a free value, kept as written)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PerspectiveKind = Field(description="What sort of perspective it is.")
    value: str = Field(
        min_length=1, max_length=MAX_VALUE_CHARS, description="A vocabulary value, e.g. 'privacy', 'sw'."
    )

    @property
    def label(self) -> str:
        """A readable name, e.g. 'language: Swahili (sw)'."""
        shown = self.value
        if self.kind is PerspectiveKind.LANGUAGE and self.value in LANGUAGES:
            shown = f"{LANGUAGES[self.value]} ({self.value})"
        elif self.kind is PerspectiveKind.REGION and self.value in REGIONS:
            shown = REGIONS[self.value]
        return f"{self.kind.label}: {shown}"


def _order(p: Perspective) -> tuple[int, str]:
    return list(PerspectiveKind).index(p.kind), p.value


@dataclass(frozen=True)
class Vocabulary:
    """The values each kind offers: harm categories and affected groups come from the catalog."""

    domains: tuple[str, ...]
    communities: tuple[str, ...]
    languages: tuple[str, ...] = tuple(LANGUAGES)
    regions: tuple[str, ...] = tuple(REGIONS)

    def values(self, kind: PerspectiveKind) -> tuple[str, ...]:
        """The vocabulary of one kind (lived experience uses the harm categories)."""
        if kind in (PerspectiveKind.DOMAIN, PerspectiveKind.LIVED_EXPERIENCE):
            return self.domains
        if kind is PerspectiveKind.COMMUNITY:
            return self.communities
        if kind is PerspectiveKind.LANGUAGE:
            return self.languages
        return self.regions

    def knows(self, perspective: Perspective) -> bool:
        """Whether the value is in the vocabulary (not a free value)."""
        return perspective.value in self.values(perspective.kind)

    def normalise(self, kind: PerspectiveKind, text: str) -> Perspective:
        """The vocabulary value that `text` names, or the cleaned text as a free value.

        Languages must resolve to a code: a known name ('Swahili') or a two- or three-letter code.
        """
        cleaned = _clean(text)
        if not cleaned:
            raise UsageError(f"an empty {kind.label} cannot be declared")
        if len(cleaned) > MAX_VALUE_CHARS:
            raise UsageError(f"keep each value under {MAX_VALUE_CHARS} characters")
        if kind is PerspectiveKind.LANGUAGE:
            by_name = {name.lower(): code for code, name in LANGUAGES.items()}
            code = by_name.get(cleaned, cleaned)
            if not _CODE.match(code):
                raise UsageError(f"'{text}' is not a language code; give an ISO 639 code such as 'sw'")
            return Perspective(kind=kind, value=code)
        names = REGIONS if kind is PerspectiveKind.REGION else {}
        for value in self.values(kind):
            if _key(value) == _key(cleaned) or _key(names.get(value, "")) == _key(cleaned):
                return Perspective(kind=kind, value=value)
        return Perspective(kind=kind, value=cleaned)


def community_groups(threat: Threat) -> tuple[str, ...]:
    """The threat's affected groups that are communities (roles like 'operators' left out)."""
    groups = (_clean(g) for g in threat.affected_groups)
    return tuple(dict.fromkeys(g for g in groups if g and g not in ROLE_GROUPS))


def vocabulary_of(threats: Iterable[Threat]) -> Vocabulary:
    """The vocabulary offered by a catalog: its harm categories and community groups."""
    listed = list(threats)
    domains = sorted({_clean(t.harm_category) for t in listed})
    communities = sorted({g for t in listed for g in community_groups(t)})
    return Vocabulary(domains=tuple(domains), communities=tuple(communities))


class CalledFor(BaseModel):
    """A perspective that one or more of a plan's threats call for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    perspective: Perspective
    threats: tuple[str, ...] = Field(description="Ids of the threats that call for it.")


def called_for(threats: Iterable[Threat]) -> list[CalledFor]:
    """What the threats call for: expertise in each harm category; for threats that hurt communities,
    membership of each affected community and lived experience of the harm category."""
    wanted: dict[Perspective, list[str]] = {}

    def want(kind: PerspectiveKind, value: str, threat_id: str) -> None:
        ids = wanted.setdefault(Perspective(kind=kind, value=value), [])
        if threat_id not in ids:
            ids.append(threat_id)

    for threat in threats:
        category = _clean(threat.harm_category)
        want(PerspectiveKind.DOMAIN, category, threat.id)
        groups = community_groups(threat)
        if groups:
            want(PerspectiveKind.LIVED_EXPERIENCE, category, threat.id)
        for group in groups:
            want(PerspectiveKind.COMMUNITY, group, threat.id)
    ordered = sorted(wanted, key=_order)
    return [CalledFor(perspective=p, threats=tuple(wanted[p])) for p in ordered]


def shown_count(count: int, *, group: int, k: int = DEFAULT_MIN_GROUP_SIZE) -> int | None:
    """`count` of `group` people hold something: the count if at least k do and k do not, else None."""
    if k < 1:
        raise ValueError("the minimum group size is at least 1")
    if count >= k and group - count >= k:
        return count
    return None


class PerspectiveCoverage(BaseModel):
    """Whether the assigned testers, together, cover one called-for perspective."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    perspective: Perspective
    label: str = Field(description="Readable name of the perspective.")
    threats: tuple[str, ...] = Field(description="Threats that call for it.")
    covered: bool | None = Field(
        description="At least one assigned tester declared it; None when the team is smaller than k."
    )
    testers: int | None = Field(
        default=None, description="Assigned testers who declared it; absent where it could single one out."
    )


class TeamCoverage(BaseModel):
    """Called-for perspectives of a set of threats against a set of testers, in aggregate only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    perspectives: tuple[PerspectiveCoverage, ...] = Field(default=(), description="Each called-for one.")
    gaps: tuple[str, ...] = Field(default=(), description="Labels of the perspectives nobody covers.")
    testers: int = Field(ge=0, description="Assigned testers.")
    declared: int | None = Field(
        default=None, description="Assigned testers who declared anything; absent where the k rule hides it."
    )
    min_group_size: int = Field(ge=1, description="k: smallest group whose size is shown.")
    withheld: bool = Field(
        default=False, description="The team is smaller than k: nothing derived from declarations is shown."
    )

    @property
    def covered(self) -> int:
        """How many called-for perspectives are covered."""
        return sum(1 for p in self.perspectives if p.covered)


def coverage(
    wanted: Sequence[CalledFor],
    declarations: Mapping[str, Collection[Perspective]],
    *,
    testers: Sequence[str],
    k: int = DEFAULT_MIN_GROUP_SIZE,
) -> TeamCoverage:
    """Which called-for perspectives the testers cover; `declarations` maps a person to what they declared.

    Only the testers' own declarations count; counts obey the k rule (`shown_count`), and a team of
    fewer than k testers gets no answer derived from declarations (`withheld`).
    """
    team = list(dict.fromkeys(testers))
    if 0 < len(team) < k:  # refused: any answer would be about one of very few people
        rows = [
            PerspectiveCoverage(
                perspective=item.perspective, label=item.perspective.label, threats=item.threats, covered=None
            )
            for item in wanted
        ]
        return TeamCoverage(perspectives=tuple(rows), testers=len(team), min_group_size=k, withheld=True)
    held = {name: set(declarations.get(name, ())) for name in team}
    rows = []
    for item in wanted:
        count = sum(1 for name in team if item.perspective in held[name])
        rows.append(
            PerspectiveCoverage(
                perspective=item.perspective,
                label=item.perspective.label,
                threats=item.threats,
                covered=count > 0,
                testers=shown_count(count, group=len(team), k=k),
            )
        )
    declared = sum(1 for name in team if held[name])
    return TeamCoverage(
        perspectives=tuple(rows),
        gaps=tuple(r.label for r in rows if not r.covered),
        testers=len(team),
        declared=shown_count(declared, group=len(team), k=k),
        min_group_size=k,
    )


class Declaration(BaseModel):
    """One person's declared perspectives, with the consent they gave and when."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user: str = Field(description="Whose declaration it is.")
    perspectives: tuple[Perspective, ...] = Field(max_length=MAX_PERSPECTIVES)
    consent_version: str = Field(description="Version of the consent statement agreed to.")
    consent_statement: str = Field(description="The consent statement as agreed to.")
    consented_at: datetime = Field(description="When consent was given (with this declaration).")
    updated_at: datetime = Field(description="When the declaration last changed.")


def sorted_perspectives(perspectives: Iterable[Perspective]) -> tuple[Perspective, ...]:
    """Distinct perspectives in kind order, then by value."""
    return tuple(sorted(set(perspectives), key=_order))
