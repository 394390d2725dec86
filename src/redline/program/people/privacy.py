"""Personal data in evidence: masked for everyone by default, unmasked one audited item at a time.

Pages, API twins, CLI output and reports show stored prompts and responses with personal data
replaced by labels (`[EMAIL-1]`, `[NAME-2]`; see `scorers.masking`). People whose roles the workspace
clears (`privacy.cleared_roles`, default admin and lead) may ask for the unmasked text of one item;
each such view writes a `pii.unmask` audit event naming who, which item and how (web, api, cli).
A flagged item must be consented to first (the wellbeing rules still hold for cleared people).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from redline.config.settings import Settings
from redline.core.errors import PermissionDeniedError
from redline.core.people.users import Role, User
from redline.program.people.access import is_item, require_read
from redline.program.people.actors import acting_user, require_role
from redline.program.people.content import FAILING, FlaggedContent, manual_flagged, resolve, withheld_subjects
from redline.store import audit
from redline.store.repos import playground as playground_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import wellbeing as wellbeing_repo
from redline.store.session import Store

UNMASK_ACTION = "pii.unmask"
"""The audit action of every unmasked view."""


class Unmasked(BaseModel):
    """The unmasked text of one item, released to a cleared person and recorded in the audit log."""

    model_config = ConfigDict(frozen=True)

    content: FlaggedContent = Field(description="The item's texts, unmasked.")
    viewer: str = Field(description="Who asked to see it.")
    at: datetime = Field(description="When the view was recorded.")
    audit_seq: int = Field(description="Position of the view's event in the audit log.")


def cleared_roles(settings: Settings) -> frozenset[Role]:
    """The roles the workspace clears to see personal data."""
    return frozenset(settings.config.privacy.cleared_roles)


def is_cleared(user: User | None, settings: Settings) -> bool:
    """Whether a person may unmask personal data (their roles meet `privacy.cleared_roles`)."""
    return user is not None and user.active and not user.roles.isdisjoint(cleared_roles(settings))


def _require(user: User, settings: Settings) -> None:
    require_role(user, cleared_roles(settings), action="see personal data unmasked")


def _flagged(store: Store, subject: str) -> bool:
    kind, _, ref = subject.partition(":")
    if kind != "attempt":
        return True  # kept failing prompts and researchers' transcripts are always flagged
    with store.session() as session:
        attempt = rounds_repo.get_attempt(session, ref)
        found = wellbeing_repo.attempt_exchange(session, ref)
        verdicts = set(found[3]) if found else set()
        manual = playground_repo.for_round(session, attempt.round_id)
    return bool(FAILING & verdicts) or (manual is not None and manual_flagged(manual.severity))


def unmask(
    store: Store,
    settings: Settings,
    *,
    user: str,
    subject: str,
    via: str = "web",
) -> Unmasked:
    """The unmasked texts of one item for a cleared person; the view is audited."""
    with store.session() as session:
        who = acting_user(session, user)
        _require(who, settings)
        require_read(session, subject, who)  # clearance adds to the right to read an item, never replaces it
        content = resolve(session, settings, subject)
    if _flagged(store, subject):
        with store.session() as session:
            hidden = withheld_subjects(session, settings, viewer=who.name, subjects=[subject])
        if hidden:
            raise PermissionDeniedError(
                f"{subject} is flagged as possibly harmful: choose 'Show this content' before unmasking it"
            )
    with store.session() as session:
        event = audit.append(
            session, actor=who.name, action=UNMASK_ACTION, subject=subject, payload={"via": via}
        )
    at = datetime.fromisoformat(event.at)
    return Unmasked(content=content, viewer=who.name, at=at, audit_seq=event.seq)


def authorize_unmask(
    store: Store, settings: Settings, *, user: str | None, subjects: Sequence[str], via: str = "cli"
) -> User:
    """Check a person's clearance before a command prints unmasked evidence, auditing each item shown."""
    with store.session() as session:
        who = acting_user(session, user)
        _require(who, settings)
        for subject in subjects:
            if is_item(subject):  # whole reports and bundles are checked by their own audience rules
                require_read(session, subject, who)
        for subject in subjects:
            audit.append(session, actor=who.name, action=UNMASK_ACTION, subject=subject, payload={"via": via})
    return who
