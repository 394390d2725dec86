"""Tester wellbeing: flagged content is shown only on consent, each view counts, and a daily limit holds.

Past `wellbeing.warn_fraction` of the daily limit a person is warned; at the limit further views need
a lead's override. Anyone may opt out of harm categories; those items stay hidden from them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.config.settings import Settings
from redline.core.errors import PermissionDeniedError, UsageError
from redline.core.people.users import Role
from redline.program.people.access import require_read
from redline.program.people.actors import acting_user, authorize
from redline.program.people.content import FlaggedContent, mask_content, resolve
from redline.program.people.onboarding import require_onboarded
from redline.program.people.permissions import WELLBEING_LEADS
from redline.scorers.masking import Masker
from redline.store.repos import users as users_repo
from redline.store.repos import wellbeing as wellbeing_repo
from redline.store.session import Store


class ExposureLevel(StrEnum):
    """Where a person stands against the daily limit."""

    OK = "ok"
    WARN = "warn"
    AT_LIMIT = "at_limit"


class ExposureStatus(BaseModel):
    """One person's views of flagged content today, against the limit."""

    model_config = ConfigDict(frozen=True)

    viewer: str
    day: str = Field(description="UTC day, YYYY-MM-DD.")
    views: int
    limit: int = Field(description="The configured daily limit.")
    extra: int = Field(default=0, description="Extra views a lead granted today.")
    level: ExposureLevel
    opted_out: tuple[str, ...] = ()

    @property
    def allowed(self) -> int:
        """Views allowed today, overrides included."""
        return self.limit + self.extra


class ExposureLimitError(PermissionDeniedError):
    """The daily limit is reached: a lead's override is needed for more."""


class OptedOutError(PermissionDeniedError):
    """The viewer opted out of the item's category."""


class Consent(BaseModel):
    """Content released after consent, and the count after it."""

    model_config = ConfigDict(frozen=True)

    content: FlaggedContent = Field(description="The item's texts, personal data masked.")
    status: ExposureStatus
    counted: bool = Field(description="False when the item was already consented to within the window.")


def _day(now: datetime) -> str:
    return now.astimezone(UTC).date().isoformat()


def _status(store: Store, settings: Settings, viewer: str, now: datetime) -> ExposureStatus:
    cfg = settings.config.wellbeing
    day = _day(now)
    with store.session() as session:
        views = wellbeing_repo.views_on(session, viewer=viewer, day=day)
        extra = wellbeing_repo.extra_on(session, viewer=viewer, day=day)
        opted = tuple(wellbeing_repo.opted_out(session, viewer))
    allowed = cfg.daily_exposure_limit + extra
    if views >= allowed:
        level = ExposureLevel.AT_LIMIT
    elif views >= cfg.warn_fraction * allowed:
        level = ExposureLevel.WARN
    else:
        level = ExposureLevel.OK
    return ExposureStatus(
        viewer=viewer,
        day=day,
        views=views,
        limit=cfg.daily_exposure_limit,
        extra=extra,
        level=level,
        opted_out=opted,
    )


def status(store: Store, settings: Settings, *, viewer: str, now: datetime | None = None) -> ExposureStatus:
    """A person's own counts today."""
    return _status(store, settings, viewer, now or datetime.now(UTC))


def team(store: Store, settings: Settings, *, user: str, now: datetime | None = None) -> list[ExposureStatus]:
    """Everyone's counts today, for leads."""
    when = now or datetime.now(UTC)
    with store.session() as session:
        authorize(session, user, WELLBEING_LEADS, action="see the team's exposure counts")
        names = {u.name for u in users_repo.list_users(session)}
        names |= set(wellbeing_repo.views_by_viewer(session, day=_day(when)))
    return [_status(store, settings, n, when) for n in sorted(names)]


def set_opt_outs(store: Store, *, user: str, categories: Collection[str]) -> list[str]:
    """Replace the categories a person does not want to see."""
    with store.session() as session:
        who = acting_user(session, user)
        cleaned = [c.strip() for c in categories if c.strip()]
        return wellbeing_repo.set_opted_out(session, who.name, cleaned)


def grant_override(
    store: Store,
    settings: Settings,
    *,
    user: str,
    viewer: str,
    extra: int,
    reason: str,
    now: datetime | None = None,
) -> ExposureStatus:
    """A lead lets a person view `extra` more flagged items today; the reason is recorded."""
    when = now or datetime.now(UTC)
    if not 1 <= extra <= 1000:
        raise UsageError("grant between 1 and 1000 extra views")
    if not reason.strip():
        raise UsageError("say why the override is needed")
    with store.session() as session:
        lead = authorize(session, user, WELLBEING_LEADS, action="override the daily exposure limit")
        target = acting_user(session, viewer)
        if target.name == lead.name and Role.ADMIN not in lead.roles:
            raise PermissionDeniedError("a lead may not override their own limit; ask another lead")
        wellbeing_repo.add_override(
            session,
            viewer=target.name,
            day=_day(when),
            extra=extra,
            granted_by=lead.name,
            reason=reason,
            at=when,
        )
    return _status(store, settings, viewer, when)


def consent(
    store: Store, settings: Settings, *, user: str, subject: str, now: datetime | None = None
) -> Consent:
    """Release one flagged item to a person who asked to see it, counting the view against the limit.

    Onboarding comes first: without a current consent to the onboarding material nothing is released.
    """
    when = now or datetime.now(UTC)
    window = timedelta(minutes=settings.config.wellbeing.reveal_minutes)
    with store.session() as session:
        who = acting_user(session, user)
        require_read(session, subject, who)
        require_onboarded(session, settings, who, action="open flagged content")
        content = resolve(session, settings, subject)
        if content.category in wellbeing_repo.opted_out(session, who.name):
            raise OptedOutError(
                f"you opted out of '{content.category}' content; change it on the wellbeing page"
            )
        recent = wellbeing_repo.viewed_since(
            session, viewer=who.name, subjects=[subject], since=when - window
        )
    content = mask_content(content, Masker(ner=settings.config.privacy.ner))[0]
    current = _status(store, settings, who.name, when)
    if recent:
        return Consent(content=content, status=current, counted=False)
    if current.level is ExposureLevel.AT_LIMIT:
        raise ExposureLimitError(
            f"you have viewed {current.views} flagged items today, the daily limit; "
            "a lead can grant an override on the wellbeing page"
        )
    with store.session() as session:
        wellbeing_repo.add_view(
            session, viewer=who.name, subject=subject, category=content.category, day=_day(when), at=when
        )
    return Consent(content=content, status=_status(store, settings, who.name, when), counted=True)


def revealed(
    store: Store, settings: Settings, *, user: str, subjects: Collection[str], now: datetime | None = None
) -> set[str]:
    """Which items the person consented to recently, so a page may show them without asking again."""
    when = now or datetime.now(UTC)
    window = timedelta(minutes=settings.config.wellbeing.reveal_minutes)
    with store.session() as session:
        return wellbeing_repo.viewed_since(session, viewer=user, subjects=subjects, since=when - window)
