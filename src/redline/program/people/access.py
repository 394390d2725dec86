"""Who may read one stored item: the single read rule behind consent, unmasking and the round pages.

Every flagged text has a subject key (`program.people.content.resolve`); what it belongs to decides who may
read it, whatever door asks (reveal with consent, unmask, round page, API twin, CLI):

* a round's exchange (`attempt:ID`) and a finding's kept prompt (`exemplar:FINDING:N`): internal roles;
* an exchange of a playground conversation: the tester who held it, and the playground readers
  (leads and admins), exactly as `/playground/{id}` allows;
* a researcher's transcript (`intake:ID`): the intake triagers.

A deactivated account reads nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError, PermissionDeniedError
from redline.core.people.users import Role, User
from redline.core.runs.rounds import Round
from redline.program.people.permissions import INTAKE_TRIAGERS, INTERNAL_READERS, PLAYGROUND_READERS
from redline.store.repos import playground as playground_repo
from redline.store.repos import rounds as rounds_repo

ITEM_KINDS = frozenset({"attempt", "exemplar", "intake"})
"""Subject kinds that name one stored item (`program.people.content.resolve`)."""


def _holds(user: User, roles: frozenset[Role]) -> bool:
    return user.active and not user.roles.isdisjoint(roles)


def round_owner(session: Session, round_id: str) -> str | None:
    """The tester whose playground conversation a round holds; None for a round of playbooks."""
    record = playground_repo.for_round(session, round_id)
    return record.tester if record is not None else None


def may_read_round(session: Session, round_id: str, user: User) -> bool:
    """Whether `user` may read a round and its exchanges (playground rounds: their tester and readers)."""
    owner = round_owner(session, round_id)
    if owner is None:
        return _holds(user, INTERNAL_READERS)
    return user.active and (user.name == owner or _holds(user, PLAYGROUND_READERS))


def is_item(subject: str) -> bool:
    """Whether a subject key names one stored item (rather than a whole report or bundle)."""
    return subject.partition(":")[0] in ITEM_KINDS


def may_read(session: Session, subject: str, user: User) -> bool:
    """Whether `user` may read the item a subject key names (see the module text for the rule)."""
    kind, _, ref = subject.partition(":")
    if kind == "attempt":
        attempt = rounds_repo.get_attempt(session, ref)  # an unknown item is not found, not forbidden
        return may_read_round(session, attempt.round_id, user)
    if kind == "exemplar":
        return _holds(user, INTERNAL_READERS)
    if kind == "intake":
        return _holds(user, INTAKE_TRIAGERS)
    raise NotFoundError(f"no stored item is named {subject!r}")


def require_read(session: Session, subject: str, user: User) -> None:
    """Refuse, in one line naming the item, unless `user` may read it."""
    if not may_read(session, subject, user):
        raise PermissionDeniedError(f"{user.name} may not read {subject}")


def require_round(session: Session, round_id: str, user: User) -> Round:
    """The round, if `user` may read it; otherwise a refusal naming the round."""
    rnd = rounds_repo.get_round(session, round_id)
    if not may_read_round(session, round_id, user):
        raise PermissionDeniedError(f"round {round_id} is a playground conversation of another tester")
    return rnd


def readable_rounds(session: Session, rounds: list[Round], user: User | None) -> list[Round]:
    """Of `rounds`, those `user` may read (None: an unnamed CLI reader sees no playground round)."""
    owners = {r.round_id: r.tester for r in playground_repo.list_records(session, limit=100_000)}
    out = []
    for rnd in rounds:
        owner = owners.get(rnd.id)
        if owner is None:
            if user is None or _holds(user, INTERNAL_READERS):
                out.append(rnd)
        elif user is not None and user.active and (user.name == owner or _holds(user, PLAYGROUND_READERS)):
            out.append(rnd)
    return out
