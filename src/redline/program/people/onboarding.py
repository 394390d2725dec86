"""Tester onboarding: the program's material, each person's consent to its current version, and the gate.

Before anyone opens flagged content, starts a round of playbooks or probes in the playground, they read
the code of conduct, the content warnings of the harm areas they will touch, the problem-framing and
risk-communication guidance and the de-escalation and wellbeing resources, and consent explicitly. The
consent records the version of every section read: a human label and the SHA-256 of the section's
normalised text, so re-wrapping a paragraph changes nothing while a changed word asks again.

The material ships with Redline (`program/data/onboarding/*.yaml`); a workspace overrides a section by
giving one with the same id in its onboarding folder (`wellbeing.onboarding_dir`), or adds new ones.
No role is exempt: leads and admins who open flagged content consent like everyone else.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator
from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.config.yamlio import load_model
from redline.core.catalog.plans import Plan, PlanStatus
from redline.core.catalog.threats import Threat
from redline.core.errors import ConfigError, PermissionDeniedError, UsageError
from redline.core.people.users import Role, User
from redline.program.people.actors import acting_user, authorize
from redline.program.people.permissions import ONBOARDING_LEADS
from redline.store.repos import onboarding as onboarding_repo
from redline.store.repos import plans as plans_repo
from redline.store.repos import users as users_repo
from redline.store.repos.onboarding import OnboardingConsent, SectionVersion
from redline.store.session import Store

INACTIVE_PLANS = frozenset({PlanStatus.REJECTED, PlanStatus.CLOSED})
"""A tester named on a plan in these states is not assigned to it any more."""


def hint(user: str) -> str:
    """Where to complete onboarding, in one line."""
    return f"complete it at /onboarding or with 'redline onboarding consent --as {user}'"


class SectionKind(StrEnum):
    """What a section of the material is for; the order is the reading order."""

    CONDUCT = "conduct"
    WARNING = "warning"
    GUIDANCE = "guidance"
    RESOURCES = "resources"


KIND_ORDER = {kind: i for i, kind in enumerate(SectionKind)}


def normalise(text: str) -> str:
    """The text a content hash is taken of: Unicode NFC, whitespace runs as one space, trimmed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


class Section(BaseModel):
    """One section of the onboarding material, as written in a YAML file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=120, description="Stable section id.")
    kind: SectionKind
    title: str = Field(min_length=1, max_length=300)
    version: str = Field(default="1", min_length=1, max_length=40, description="Human version label.")
    category: str | None = Field(
        default=None, max_length=200, description="Harm category a warning is for (warnings only)."
    )
    body: str = Field(min_length=1, description="The text testers read.")

    @model_validator(mode="after")
    def _warning_has_category(self) -> Section:
        if (self.kind is SectionKind.WARNING) != (self.category is not None):
            raise ValueError("a warning names its harm category, and only a warning does")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def digest(self) -> str:
        """SHA-256 of the normalised title and text."""
        data = normalise(self.title) + "\n" + normalise(self.body)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def stamp(self) -> SectionVersion:
        """This section's version, as a consent records it."""
        return SectionVersion(id=self.id, version=self.version, digest=self.digest)


class MaterialFile(BaseModel):
    """The contents of one onboarding YAML file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Material:
    """The material in force: shipped sections with the workspace's overrides and additions."""

    sections: tuple[Section, ...]
    sources: Mapping[str, str]

    def by_id(self) -> dict[str, Section]:
        """Sections by id."""
        return {s.id: s for s in self.sections}

    def for_areas(self, areas: Collection[str] | None) -> tuple[Section, ...]:
        """What one person reads: all but the warnings, and the warnings of `areas` (all if None)."""
        return tuple(
            s
            for s in self.sections
            if s.kind is not SectionKind.WARNING or areas is None or s.category in areas
        )


def shipped_material_dir() -> Path:
    """Folder of the material that ships with Redline."""
    return Path(str(resources.files("redline.program") / "data" / "onboarding"))


def _read(folder: Path, source: str, into: dict[str, Section], sources: dict[str, str]) -> None:
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.y*ml")):
        for section in load_model(path, MaterialFile).sections:
            if section.id in seen:
                raise ConfigError(
                    f"onboarding section '{section.id}' is also in {seen[section.id]}", file=str(path)
                )
            seen[section.id] = path
            into[section.id] = section
            sources[section.id] = source


def _files(folder: Path) -> tuple[tuple[str, int, int], ...]:
    if not folder.is_dir():
        return ()
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.y*ml")))


_CACHE: dict[tuple[object, ...], Material] = {}


def load_material(settings: Settings) -> Material:
    """The shipped material with the workspace's overrides; re-read only when a file changes."""
    folder = settings.workspace / settings.config.wellbeing.onboarding_dir
    key = (_files(shipped_material_dir()), _files(folder))
    if key not in _CACHE:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = _load_material(folder)
    return _CACHE[key]


def _load_material(folder: Path) -> Material:
    found: dict[str, Section] = {}
    sources: dict[str, str] = {}
    _read(shipped_material_dir(), "shipped", found, sources)
    if folder.is_dir():
        _read(folder, "workspace", found, sources)
    if not any(s.kind is SectionKind.CONDUCT for s in found.values()):
        raise ConfigError("the onboarding material has no code of conduct (a section of kind 'conduct')")
    order = {sid: i for i, sid in enumerate(found)}
    ranked = sorted(found.values(), key=lambda s: (KIND_ORDER[s.kind], order[s.id]))
    return Material(sections=tuple(ranked), sources=dict(sources))


def packet_digest(sections: Collection[Section]) -> str:
    """One hash of everything a person is asked to read, sent back with the consent."""
    data = "\n".join(f"{s.id}:{s.digest}" for s in sections)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class OnboardingState(StrEnum):
    """Where a person stands with onboarding."""

    CURRENT = "current"
    STALE = "stale"
    WITHDRAWN = "withdrawn"
    MISSING = "missing"


class OnboardingStatus(BaseModel):
    """One person's consent against the material in force."""

    model_config = ConfigDict(frozen=True)

    user: str
    roles: tuple[str, ...] = ()
    state: OnboardingState
    consented_at: datetime | None = None
    withdrawn_at: datetime | None = None
    agreed: tuple[SectionVersion, ...] = Field(default=(), description="Versions in the latest consent.")
    required: tuple[SectionVersion, ...] = Field(default=(), description="Current versions to read.")
    changed: tuple[str, ...] = Field(default=(), description="Agreed sections whose text changed since.")
    added: tuple[str, ...] = Field(default=(), description="Sections to read that the consent lacks.")
    areas: tuple[str, ...] | None = Field(
        default=None, description="Harm areas of the plans the person is assigned to; None: unassigned."
    )

    @property
    def current(self) -> bool:
        """Whether the consent covers the material in force."""
        return self.state is OnboardingState.CURRENT

    def reason(self) -> str:
        """Why the consent is not current, in a few words."""
        if self.state is OnboardingState.MISSING:
            return "onboarding is not complete"
        if self.state is OnboardingState.WITHDRAWN:
            return "consent to the onboarding material was withdrawn"
        if self.state is OnboardingState.STALE:
            what = ", ".join((*self.changed, *self.added))
            return f"the onboarding material changed since consent ({what})"
        return "onboarding is complete"


class OnboardingPacket(BaseModel):
    """What one person reads before consenting, with their status."""

    model_config = ConfigDict(frozen=True)

    status: OnboardingStatus
    sections: tuple[Section, ...]
    sources: dict[str, str] = Field(description="Section id -> 'shipped' or 'workspace'.")
    material: str = Field(description="Hash of the sections shown; send it back with the consent.")


class OnboardingRequiredError(PermissionDeniedError):
    """The acting person has no current onboarding consent."""


ThreatsFn = Callable[[], Mapping[str, Threat]]


def _areas(settings: Settings, plans: list[Plan], user: str, threats: ThreatsFn) -> frozenset[str] | None:
    mine = [p for p in plans if user in p.testers and p.status not in INACTIVE_PLANS]
    if not mine:
        return None
    ids = {t for p in mine for t in p.threats}
    books = {b for p in mine for b in p.playbooks}
    if books:
        from redline.catalog.playbooks import load_playbooks

        known = load_playbooks(settings.workspace / "playbooks")
        for name in books:
            try:
                ids |= set(known.get(name).threats)
            except ConfigError:
                continue  # a plan naming a playbook since removed
    catalog = threats()
    areas = frozenset(catalog[t].harm_category for t in ids if t in catalog)
    return areas or None  # a plan with no known threats shows every warning


def _threats_loader(settings: Settings) -> ThreatsFn:
    cached: list[Mapping[str, Threat]] = []

    def load() -> Mapping[str, Threat]:
        if not cached:
            from redline.program.register.findings import load_threats

            cached.append(load_threats(settings))
        return cached[0]

    return load


def evaluate(
    *,
    user: str,
    roles: Collection[Role] = (),
    material: Material,
    areas: frozenset[str] | None,
    consent: OnboardingConsent | None,
) -> OnboardingStatus:
    """A person's standing: the sections they must have read against the versions they agreed to."""
    required = material.for_areas(areas)
    base = OnboardingStatus(
        user=user,
        roles=tuple(sorted(r.value for r in roles)),
        state=OnboardingState.MISSING,
        required=tuple(s.stamp() for s in required),
        areas=tuple(sorted(areas)) if areas is not None else None,
    )
    if consent is None:
        return base
    agreed = consent.digests()
    current = material.by_id()
    changed = tuple(sid for sid, digest in agreed.items() if sid in current and current[sid].digest != digest)
    added = tuple(s.id for s in required if s.id not in agreed)
    if consent.withdrawn_at is not None:
        state = OnboardingState.WITHDRAWN
    elif changed or added:
        state = OnboardingState.STALE
    else:
        state = OnboardingState.CURRENT
    return base.model_copy(
        update={
            "state": state,
            "consented_at": consent.consented_at,
            "withdrawn_at": consent.withdrawn_at,
            "agreed": consent.sections,
            "changed": changed,
            "added": added,
        }
    )


def _status(
    session: Session, settings: Settings, name: str, roles: Collection[Role], material: Material
) -> OnboardingStatus:
    plans = plans_repo.list_plans(session)
    areas = _areas(settings, plans, name, _threats_loader(settings))
    consent = onboarding_repo.latest(session, name)
    return evaluate(user=name, roles=roles, material=material, areas=areas, consent=consent)


def check(session: Session, settings: Settings, user: User) -> OnboardingStatus:
    """A person's standing, inside an open session."""
    return _status(session, settings, user.name, user.roles, load_material(settings))


def is_onboarded(session: Session, settings: Settings, name: str) -> bool:
    """Whether the named person (an account or not) has a current consent."""
    return _status(session, settings, name, (), load_material(settings)).current


def require_onboarded(session: Session, settings: Settings, user: User, *, action: str) -> OnboardingStatus:
    """Raise OnboardingRequiredError unless the consent is current; `action` says what was refused."""
    found = check(session, settings, user)
    if not found.current:
        raise OnboardingRequiredError(f"{user.name} may not {action}: {found.reason()}; {hint(user.name)}")
    return found


def ensure_onboarded(store: Store, settings: Settings, *, user: str | None, action: str) -> OnboardingStatus:
    """Like `require_onboarded`, for a named acting user outside a session."""
    with store.session() as session:
        return require_onboarded(session, settings, acting_user(session, user), action=action)


def packet(store: Store, settings: Settings, *, user: str | None) -> OnboardingPacket:
    """The sections a person reads (warnings of their assigned harm areas, or all) and their status."""
    material = load_material(settings)
    with store.session() as session:
        who = acting_user(session, user)
        found = _status(session, settings, who.name, who.roles, material)
    sections = material.for_areas(found.areas)
    return OnboardingPacket(
        status=found,
        sections=sections,
        sources={s.id: material.sources[s.id] for s in sections},
        material=packet_digest(sections),
    )


def status(store: Store, settings: Settings, *, user: str | None) -> OnboardingStatus:
    """A person's own standing."""
    return packet(store, settings, user=user).status


def consent(
    store: Store,
    settings: Settings,
    *,
    user: str | None,
    agree: bool,
    material: str,
    now: datetime | None = None,
) -> OnboardingStatus:
    """Record explicit consent to the sections shown, with each one's version (audited).

    `material` is the packet hash the person was shown: if the material changed while they read it,
    they are asked to read it again rather than agreeing to text they never saw.
    """
    if not agree:
        raise UsageError("tick the box to confirm you have read the material and consent")
    shown = packet(store, settings, user=user)
    if material != shown.material:
        raise UsageError("the onboarding material changed while you read it; read it again and consent")
    with store.session() as session:
        who = acting_user(session, user)
        onboarding_repo.record_consent(
            session,
            user=who.name,
            sections=[s.stamp() for s in shown.sections],
            at=now or datetime.now(UTC),
        )
    return status(store, settings, user=user)


def withdraw(
    store: Store, settings: Settings, *, user: str | None, reason: str = "", now: datetime | None = None
) -> OnboardingStatus:
    """Withdraw one's consent (audited): flagged content and rounds stay closed until one consents again."""
    with store.session() as session:
        who = acting_user(session, user)
        onboarding_repo.withdraw(
            session, user=who.name, reason=reason.strip()[:2000], at=now or datetime.now(UTC)
        )
    return status(store, settings, user=user)


def team(store: Store, settings: Settings, *, user: str | None) -> list[OnboardingStatus]:
    """Everyone's standing, for leads and admins: who is onboarded, with which versions, who is stale."""
    material = load_material(settings)
    threats = _threats_loader(settings)
    with store.session() as session:
        authorize(session, user, ONBOARDING_LEADS, action="see the team's onboarding")
        people = [
            u for u in users_repo.list_users(session) if u.active and not u.roles <= {Role.EXTERNAL_REVIEWER}
        ]
        plans = plans_repo.list_plans(session)
        consents = onboarding_repo.latest_by_user(session)
    return [
        evaluate(
            user=u.name,
            roles=u.roles,
            material=material,
            areas=_areas(settings, plans, u.name, threats),
            consent=consents.get(u.name),
        )
        for u in people
    ]
