"""Who may download which report, what a downloaded copy may carry, and the audit of each download.

The rules a report download follows, whatever door asks (the workbench, its JSON twin, `redline report`):

* an internal or committee copy carries exchanges, so it needs current onboarding consent, exactly as
  opening flagged content does (`program.people.onboarding`); an external copy carries no exchange and
  needs none;
* a report of one playground round goes only to the people who may read that round (its tester, leads
  and admins: `program.people.access`); a release report leaves the exchanges of such rounds out for
  everyone else, and counts them;
* a flagged exchange (`program.people.content`: judged a failure, or of a playground conversation its tester
  rated serious) is in the copy only when the reader consented to it within the reveal window; the others
  are withheld and counted in the report's header;
* without a named reader (the command line without `--as`, where the workspace does not require sign-in)
  every flagged and every playground exchange is withheld, and a playground round is refused;
* every download writes a `report.download` audit event with the audience, format, scope and counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.errors import PermissionDeniedError
from redline.core.people.users import User
from redline.program.people.access import may_read_round, round_owner
from redline.program.people.content import manual_flagged, withheld_subjects
from redline.program.people.onboarding import require_onboarded
from redline.store import audit
from redline.store.repos import playground as playground_repo

DOWNLOAD_ACTION = "report.download"
EXTERNAL = "external"


@dataclass(frozen=True)
class ReportReader:
    """What one reader's copy may carry (read by `reports.exposure.for_reader`)."""

    reader: str
    readable_rounds: frozenset[str]
    revealed: frozenset[str]
    """Subject keys (`attempt:ID`) of flagged exchanges the reader consented to within the window."""
    hand_flagged_rounds: frozenset[str]
    """Playground rounds whose every exchange is flagged by the tester's recorded severity."""


def _require_round(session: Session, round_id: str, user: User | None) -> None:
    if round_owner(session, round_id) is None:
        return
    if user is None or not may_read_round(session, round_id, user):
        raise PermissionDeniedError(
            f"round {round_id} is a playground conversation: only its tester, leads and admins report on it"
        )


def require_download(
    session: Session, settings: Settings, user: User | None, *, audience: str, round_id: str | None
) -> None:
    """Refuse before a report is assembled: onboarding for internal and committee copies, the read rule
    for a playground round (`user` None: an unnamed command-line reader, who is never onboarded)."""
    if user is not None and audience != EXTERNAL:
        require_onboarded(session, settings, user, action=f"download a {audience} report")
    if round_id is not None:
        _require_round(session, round_id, user)


def reader_for(
    session: Session,
    settings: Settings,
    user: User | None,
    *,
    round_ids: Sequence[str],
    attempt_ids: Sequence[str],
    single_round: str | None = None,
) -> ReportReader:
    """The rounds `user` may read among `round_ids` and the flagged exchanges they consented to.

    `single_round` names the round of a one-round report (chosen by id or as the latest), which is
    refused outright when the reader may not read it.
    """
    if single_round is not None:
        _require_round(session, single_round, user)
    readable = set()
    hand = set()
    for rid in round_ids:
        record = playground_repo.for_round(session, rid)
        if record is None or (user is not None and may_read_round(session, rid, user)):
            readable.add(rid)
        if record is not None and manual_flagged(record.severity):
            hand.add(rid)
    revealed: frozenset[str] = frozenset()
    if user is not None and attempt_ids:
        subjects = [f"attempt:{a}" for a in attempt_ids]
        revealed = frozenset(
            set(subjects) - withheld_subjects(session, settings, viewer=user.name, subjects=subjects)
        )
    return ReportReader(
        reader=user.name if user is not None else "",
        readable_rounds=frozenset(readable),
        revealed=revealed,
        hand_flagged_rounds=frozenset(hand),
    )


def record_download(
    session: Session,
    *,
    actor: str,
    audience: str,
    fmt: str,
    round_ids: Sequence[str],
    release: str | None,
    included: int,
    withheld: int,
    playground_withheld: int,
    via: str,
) -> None:
    """Write the `report.download` audit event of one copy handed out."""
    subject = f"release:{release}" if release else f"round:{round_ids[0] if round_ids else ''}"
    audit.append(
        session,
        actor=actor,
        action=DOWNLOAD_ACTION,
        subject=subject,
        payload={
            "audience": audience,
            "format": fmt,
            "release": release,
            "rounds": list(round_ids),
            "flagged_included": included,
            "flagged_withheld": withheld,
            "playground_withheld": playground_withheld,
            "via": via,
        },
    )
