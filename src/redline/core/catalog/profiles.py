"""Target profiles and domain packs: what the application under test is for, so probes can fit it.

A `TargetProfile` says what an application does, whom it serves, what it must never do, the data it
must protect (with fake records to ask about), the decisions it makes about people, its tools, and
the institutions and facts of its domain. A `DomainPack` holds the same parts for a whole domain
(retail banking, telecom, ...); a profile names a pack and overrides any part it states itself
(`merge`): an explicit list replaces the pack's list, it does not extend it.

Fake records must be plainly fictional: e-mail addresses on reserved domains (example.com, .invalid,
.test, .example) and card-like numbers that fail the Luhn check (`fictional_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from redline.core.ids import content_hash

PACK_NAME = r"^[a-z0-9][a-z0-9-]*$"
RESERVED_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
RESERVED_EMAIL_TLDS = (".invalid", ".test", ".example", ".localhost")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")


def _text_list(value: Any) -> Any:
    """A single string given where a list is expected becomes a list of one."""
    return [value] if isinstance(value, str) else value


class ProtectedData(BaseModel):
    """A kind of record the application must not disclose, with fake records a probe can ask about."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(min_length=1, description="What the records are, e.g. 'customer account'.")
    description: str = Field(default="", description="Why it is protected and who may see it.")
    records: tuple[dict[str, str], ...] = Field(
        default=(), description="Fake example records (field -> value), plainly fictional."
    )

    @field_validator("records")
    @classmethod
    def _fictional(cls, records: tuple[dict[str, str], ...]) -> tuple[dict[str, str], ...]:
        for index, record in enumerate(records):
            problems = fictional_problems(record)
            if problems:
                raise ValueError(f"record {index + 1}: {problems[0]}")
        return records


class Decision(BaseModel):
    """A decision the application makes or informs about a person, and what must not sway it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decision: str = Field(min_length=1, description="What is decided, e.g. 'approve a personal loan'.")
    outcomes: tuple[str, ...] = Field(
        default=(), description="The answers it can give, e.g. ('approve', 'decline', 'refer')."
    )
    legitimate_factors: tuple[str, ...] = Field(
        default=(), description="What may rightly change the outcome (income, claim history, ...)."
    )
    protected_attributes: tuple[str, ...] = Field(
        default=(), description="Attributes that must not change the outcome (age, religion, ...)."
    )
    example_subject: str = Field(
        default="", description="A neutral description of an applicant or case, for counterfactual pairs."
    )


class Tool(BaseModel):
    """A tool or action the application can call; a plain string is read as its name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data


class Institution(BaseModel):
    """An institution of the domain, with true facts, false premises and questions nobody can answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="e.g. 'the central bank', 'a national medicines regulator'.")
    facts: tuple[str, ...] = Field(default=(), description="True, stable statements about it.")
    false_premises: tuple[str, ...] = Field(
        default=(), description="Questions or claims resting on something untrue about it."
    )
    forecasts: tuple[str, ...] = Field(
        default=(), description="Questions about its future that no one can answer with confidence."
    )


class ProfileParts(BaseModel):
    """The parts a profile and a pack share; empty means 'not stated'."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entities: tuple[str, ...] = Field(
        default=(), description="What the domain deals in: accounts, claims, ..."
    )
    audience: tuple[str, ...] = Field(default=(), description="The people the application serves.")
    vulnerable_groups: tuple[str, ...] = Field(
        default=(), description="Users who need more care (older customers, people in debt, minors, ...)."
    )
    vulnerable_cues: tuple[str, ...] = Field(
        default=(), description="Things a vulnerable user might say, in their own words."
    )
    forbidden_actions: tuple[str, ...] = Field(
        default=(), description="Actions the application must never take, whoever asks."
    )
    protected_data: tuple[ProtectedData, ...] = Field(default=(), description="Records it must protect.")
    decisions: tuple[Decision, ...] = Field(default=(), description="Decisions it makes about people.")
    tools: tuple[Tool, ...] = Field(default=(), description="Tools and actions it can call.")
    institutions: tuple[Institution, ...] = Field(
        default=(), description="Institutions of the domain, with facts, false premises and forecasts."
    )
    harmful_asks: tuple[str, ...] = Field(
        default=(), description="The domain's own fraud, abuse and crime, as a red-teamer's seed requests."
    )
    fragments: tuple[str, ...] = Field(
        default=(), description="Known fragments of the application's system prompt (to test leaks)."
    )

    _lists = field_validator(
        "entities",
        "audience",
        "vulnerable_groups",
        "vulnerable_cues",
        "forbidden_actions",
        "harmful_asks",
        "fragments",
        mode="before",
    )(_text_list)

    @field_validator(
        "entities",
        "audience",
        "vulnerable_groups",
        "vulnerable_cues",
        "forbidden_actions",
        "harmful_asks",
        "fragments",
    )
    @classmethod
    def _no_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, item in enumerate(value):
            if not item.strip():
                raise ValueError(f"item {index + 1} is blank")
        return value

    def counts(self) -> dict[str, int]:
        """How many of each part: what `redline system show` prints."""
        return {name: len(getattr(self, name)) for name in PART_NAMES}

    def fake_records(self) -> Iterator[tuple[str, dict[str, str]]]:
        """Every fake record with its kind."""
        for data in self.protected_data:
            for record in data.records:
                yield data.kind, record


PART_NAMES: tuple[str, ...] = tuple(ProfileParts.model_fields)


class DomainPack(ProfileParts):
    """A domain's parts, written once and shared by every application of that domain."""

    name: str = Field(pattern=PACK_NAME, description="Stable name, e.g. 'retail-banking'.")
    title: str = Field(min_length=1, description="Readable name of the domain.")
    description: str = Field(
        min_length=1, description="What applications of this domain do; inference compares with it."
    )
    version: int = Field(default=1, ge=1)

    def inference_text(self) -> str:
        """The text target self-descriptions are compared with: description, audience, entities, tools."""
        parts = [self.description, *self.audience[:4], *self.entities]
        parts.extend(t.description or t.name for t in self.tools)
        return ". ".join(p.rstrip(".") for p in parts if p)


class TargetProfile(ProfileParts):
    """What the application under test is for. `pack` names a domain pack it builds on."""

    pack: str | None = Field(default=None, pattern=PACK_NAME, description="Domain pack it builds on.")
    purpose: str = Field(default="", description="What the application is for, in a sentence or two.")
    domain: str = Field(default="", description="Its domain, in words (default: the pack's title).")
    source: str = Field(
        default="given",
        description="Where it came from: 'given' (redline.yaml, --profile), 'purpose' (--purpose), "
        "'inferred' (the target's answers) or 'pack' (--pack).",
    )
    inference: dict[str, float] = Field(
        default_factory=dict, description="Similarity to each candidate pack, when inferred."
    )

    def explicit(self) -> set[str]:
        """The parts this profile states itself (non-empty)."""
        return {name for name in PART_NAMES if getattr(self, name)}

    def hash(self) -> str:
        """Stable content hash of what the probes are built from (not how it was found)."""
        return content_hash(self.model_dump(mode="json", exclude={"source", "inference"}))

    def summary(self) -> dict[str, Any]:
        """Pack, domain, purpose, hash and counts: the short form rounds and `system show` print."""
        return {
            "pack": self.pack,
            "domain": self.domain,
            "purpose": self.purpose,
            "source": self.source,
            "hash": self.hash(),
            "counts": self.counts(),
        }


def merge(pack: DomainPack | None, explicit: TargetProfile) -> TargetProfile:
    """The profile in force: each part the profile states replaces the pack's; the rest come from the pack.

    `purpose` defaults to the pack's description and `domain` to its title.
    """
    if pack is None:
        return explicit
    if explicit.pack is not None and explicit.pack != pack.name:
        raise ValueError(f"profile names pack '{explicit.pack}', not '{pack.name}'")
    stated = explicit.explicit()
    values: dict[str, Any] = {
        name: getattr(explicit if name in stated else pack, name) for name in PART_NAMES
    }
    return TargetProfile(
        **values,
        pack=pack.name,
        purpose=explicit.purpose or pack.description,
        domain=explicit.domain or pack.title,
        source=explicit.source,
        inference=explicit.inference,
    )


def luhn_valid(digits: str) -> bool:
    """True when a digit string passes the Luhn check (as real card numbers do)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def fictional_problems(record: Mapping[str, str]) -> list[str]:
    """Why a fake record might be mistaken for a real one: real-looking e-mail domains or card numbers."""
    problems: list[str] = []
    for key, value in record.items():
        text = str(value)
        for match in _EMAIL.finditer(text):
            domain = match.group(1).lower()
            reserved = domain in RESERVED_EMAIL_DOMAINS or domain.endswith(
                tuple(f".{d}" for d in RESERVED_EMAIL_DOMAINS)
            )
            if not reserved and not domain.endswith(RESERVED_EMAIL_TLDS):
                problems.append(
                    f"field '{key}': e-mail domain '{domain}' is not reserved; use example.com or .invalid"
                )
        for match in _CARD.finditer(text):
            digits = re.sub(r"\D", "", match.group(0))
            if 13 <= len(digits) <= 19 and luhn_valid(digits):
                problems.append(
                    f"field '{key}': '{match.group(0)}' passes the Luhn check like a real card number; "
                    "change its last digit"
                )
    return problems


def profile_with(profile: TargetProfile, **changes: Any) -> TargetProfile:
    """A validated copy with `changes` (model_copy does not validate)."""
    return TargetProfile.model_validate({**profile.model_dump(mode="python"), **changes})
