"""The playground: testers converse with a configured target by hand, and record what they find.

Each conversation is one case of an ad-hoc round marked `mode: playground` (manual); each turn is an
attempt with provenance. Guided mode walks a playbook's manual steps. A conversation with an
observation and a severity can be promoted to a candidate finding.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline import __version__
from redline.config.settings import Settings
from redline.core.catalog.threats import ManualStep
from redline.core.errors import ConfigError, NotFoundError, PermissionDeniedError, UsageError
from redline.core.ids import new_id
from redline.core.people.users import User
from redline.core.provenance import Provenance
from redline.core.register.findings import DEFAULT_SAMPLES, CaseSource, CaseSpec, Finding, replayable
from redline.core.register.risk import Impact, Likelihood
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, MessageRole
from redline.core.runs.rounds import Attempt, Round, RoundStatus
from redline.program.people.actors import authorize
from redline.program.people.onboarding import ensure_onboarded, require_onboarded
from redline.program.people.permissions import PLAYGROUND_READERS, PLAYGROUND_USERS
from redline.scorers.masking import Masker
from redline.store.repos import playground as playground_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos.playground import PlaygroundRecord
from redline.store.session import Store
from redline.targets.base import Target

if TYPE_CHECKING:
    from redline.scorers.base import Scorer

TECHNIQUE = "manual"
MANUAL_ACTION = "run manual steps in the playground"
"""What onboarding gates here: a conversation is a playbook's manual steps, guided or not."""


class PlaygroundStatus(StrEnum):
    """Where a conversation stands."""

    OPEN = "open"
    CLOSED = "closed"
    PROMOTED = "promoted"


class Turn(BaseModel):
    """One exchange of a conversation."""

    model_config = ConfigDict(frozen=True)

    turn: int
    prompt: str
    response: str
    error: str | None = None
    latency_ms: float = 0.0
    subject: str = Field(default="", description="'attempt:ID', the key to consent to view it.")
    withheld: bool = Field(default=False, description="Flagged and not consented to by this viewer.")
    masked: bool = Field(default=False, description="Personal data in the prompt or response was masked.")


class PlaygroundView(BaseModel):
    """A conversation with its turns and, in guided mode, the playbook's manual steps."""

    model_config = ConfigDict(frozen=True)

    record: PlaygroundRecord
    turns: tuple[Turn, ...] = ()
    steps: tuple[ManualStep, ...] = Field(default=(), description="The playbook's manual steps, in order.")
    guidance: str = Field(default="", description="The playbook's content warnings and guidance.")
    category: str = Field(default="", description="Harm category of the threats in view.")


def system_target(settings: Settings, system: str) -> Target:
    """The target of a configured system, with secrets from the environment."""
    from redline.engine.round import target_from_environment

    return target_from_environment(settings.config.system(system).target, name=system)


def _latest_release(session: Session, system: str) -> str | None:
    """The newest recorded release of a system, so manual evidence counts for the release under test."""
    try:
        found = systems_repo.list_releases(session, system_id=systems_repo.get_system(session, system).id)
    except NotFoundError:
        return None
    return found[-1].id if found else None


def _may_read(user: User, record: PlaygroundRecord) -> None:
    if user.name != record.tester and user.roles.isdisjoint(PLAYGROUND_READERS):
        raise PermissionDeniedError(f"conversation {record.id} belongs to {record.tester}")


def _owned(store: Store, playground_id: str, user: str | None) -> PlaygroundRecord:
    with store.session() as session:
        who = authorize(session, user, PLAYGROUND_USERS, action="use the playground")
        record = playground_repo.get(session, playground_id)
    if record.tester != who.name:
        raise PermissionDeniedError(f"conversation {playground_id} belongs to {record.tester}")
    if record.status != PlaygroundStatus.OPEN:
        raise UsageError(f"conversation {playground_id} is {record.status}; start a new one")
    return record


def start(
    store: Store,
    settings: Settings,
    *,
    user: str | None,
    system: str,
    playbook: str | None = None,
    threat_ids: tuple[str, ...] = (),
) -> PlaygroundView:
    """Open a conversation with a configured system, in an ad-hoc round marked manual (audited)."""
    from redline.catalog.playbooks import load_playbooks
    from redline.engine.round import package_versions
    from redline.program.register.findings import load_threats

    settings.config.system(system)
    threats = load_threats(settings)
    chosen = tuple(dict.fromkeys(threat_ids))
    if playbook:
        book = load_playbooks(settings.workspace / "playbooks").get(playbook)
        chosen = chosen or book.threats
    unknown = [t for t in chosen if t not in threats]
    if unknown:
        raise ConfigError(f"threats not in the catalog: {', '.join(unknown)}", field="threats")
    pg_id, round_id = new_id("pg"), new_id("rnd")
    seed_id = f"playground:{pg_id}"
    case = AttackCase(
        id=AttackCase.make_id(TECHNIQUE, seed_id, {}, Conversation()),
        technique=TECHNIQUE,
        seed_id=seed_id,
        threat_ids=chosen,
        conversation=Conversation(),
        turns=0,
    )
    with store.session() as session:
        who = authorize(session, user, PLAYGROUND_USERS, action="use the playground")
        require_onboarded(session, settings, who, action=MANUAL_ACTION)
        config = {
            "mode": "playground",
            "manual": True,
            "tester": who.name,
            "system": system,
            "playbook": playbook,
        }
        rnd = Round(
            id=round_id,
            release_id=_latest_release(session, system),
            adhoc=True,
            status=RoundStatus.RUNNING,
            config=config,
            versions=package_versions(),
            started_at=datetime.now(UTC),
        )
        rounds_repo.create_round(session, rnd, actor=who.name)
        rounds_repo.add_cases(session, round_id, [case])
        record = PlaygroundRecord(
            id=pg_id,
            round_id=round_id,
            case_id=case.id,
            tester=who.name,
            system=system,
            playbook=playbook,
            threat_ids=chosen,
        )
        playground_repo.add(session, record, actor=who.name)
    return view(store, settings, playground_id=pg_id, user=who.name)


def _turn(turn: Turn, masker: Masker | None) -> Turn:
    """A turn with personal data masked (unchanged when `masker` is None)."""
    if masker is None:
        return turn
    before = masker.masked
    prompt, response = masker.text(turn.prompt), masker.text(turn.response)
    return turn.model_copy(update={"prompt": prompt, "response": response, "masked": masker.masked > before})


def view(
    store: Store, settings: Settings, *, playground_id: str, user: str | None, mask: bool = True
) -> PlaygroundView:
    """A conversation: its owner, leads and admins may read it; others than the tester see flagged turns
    (severity moderate or worse) only after consenting, as anywhere else. Personal data is masked
    unless `mask` is False (only for replaying the conversation to the target, never for display)."""
    from redline.catalog.playbooks import load_playbooks
    from redline.program.people.content import category_of, manual_flagged, withheld_subjects
    from redline.program.register.findings import load_threats

    with store.session() as session:
        who = authorize(session, user, PLAYGROUND_USERS, action="use the playground")
        record = playground_repo.get(session, playground_id)
        _may_read(who, record)
        attempts = sorted(
            rounds_repo.list_attempts(session, record.round_id, case_id=record.case_id), key=lambda a: a.turn
        )
        hidden: set[str] = set()
        if who.name != record.tester and manual_flagged(record.severity):
            hidden = withheld_subjects(
                session, settings, viewer=who.name, subjects=[f"attempt:{a.id}" for a in attempts]
            )
    masker = Masker(ner=settings.config.privacy.ner) if mask else None
    turns = tuple(
        _turn(
            Turn(
                turn=a.turn,
                prompt="" if f"attempt:{a.id}" in hidden else a.request.last_user_text,
                response="" if f"attempt:{a.id}" in hidden else a.response.text,
                error=a.response.error.value if a.response.error else None,
                latency_ms=a.response.latency_ms,
                subject=f"attempt:{a.id}",
                withheld=f"attempt:{a.id}" in hidden,
            ),
            masker,
        )
        for a in attempts
    )
    steps: tuple[ManualStep, ...] = ()
    guidance = ""
    if record.playbook:
        book = load_playbooks(settings.workspace / "playbooks").get(record.playbook)
        steps, guidance = book.manual, book.guidance
        if book.content_warnings:
            guidance = f"Content warning: {'; '.join(book.content_warnings)}. {guidance}".strip()
    category = category_of(record.threat_ids, load_threats(settings))
    return PlaygroundView(record=record, turns=turns, steps=steps, guidance=guidance, category=category)


def conversations(store: Store, *, user: str | None) -> list[PlaygroundRecord]:
    """A tester's own conversations; leads and admins see everyone's."""
    with store.session() as session:
        who = authorize(session, user, PLAYGROUND_USERS, action="use the playground")
        everyone = not who.roles.isdisjoint(PLAYGROUND_READERS)
        return playground_repo.list_records(session, tester=None if everyone else who.name)


async def send(
    store: Store, settings: Settings, *, playground_id: str, user: str | None, text: str, target: Target
) -> Turn:
    """Send the tester's message with the conversation so far; the turn is stored as an attempt."""
    if not text.strip():
        raise UsageError("type a message to send")
    record = await asyncio.to_thread(_owned, store, playground_id, user)
    await asyncio.to_thread(partial(ensure_onboarded, store, settings, user=user, action=MANUAL_ACTION))
    current = await asyncio.to_thread(
        partial(view, store, settings, playground_id=playground_id, user=user, mask=False)
    )
    conversation = Conversation()
    for turn in current.turns:
        conversation = conversation.add(MessageRole.USER, turn.prompt).add(
            MessageRole.ASSISTANT, turn.response
        )
    conversation = conversation.add(MessageRole.USER, text)
    response = await target.send(conversation)
    index = len(current.turns)
    params = {
        "tester": record.tester,
        "system": record.system,
        "playbook": record.playbook,
        "step": record.step,
    }
    provenance = Provenance(
        component="playground", version=__version__, params=params, model=target.identity()
    ).with_hash_of({"request": conversation.model_dump(mode="json"), "response": response.text})
    attempt = Attempt(
        id=new_id("att"),
        round_id=record.round_id,
        case_id=record.case_id,
        turn=index,
        request=conversation,
        response=response,
        provenance=provenance,
        created_at=datetime.now(UTC),
    )

    def store_turn() -> None:
        with store.session() as session:
            rounds_repo.add_attempts(session, [attempt])
            playground_repo.note_turn(
                session, playground_id, attempt_id=attempt.id, turn=index, actor=record.tester
            )

    await asyncio.to_thread(store_turn)
    error = response.error.value if response.error else None
    turn = Turn(
        turn=index,
        prompt=text,
        response=response.text,
        error=error,
        latency_ms=response.latency_ms,
        subject=f"attempt:{attempt.id}",
    )
    return _turn(turn, Masker(ner=settings.config.privacy.ner))


def record_notes(
    store: Store,
    *,
    playground_id: str,
    user: str | None,
    hypothesis: str,
    method: str,
    observation: str,
    severity: Impact | None,
) -> PlaygroundRecord:
    """Record the tester's hypothesis, method, observation and severity (audited)."""
    record = _owned(store, playground_id, user)
    with store.session() as session:
        return playground_repo.update(
            session,
            playground_id,
            actor=record.tester,
            action="record",
            hypothesis=hypothesis.strip(),
            method=method.strip(),
            observation=observation.strip(),
            severity=severity,
        )


def goto_step(
    store: Store, settings: Settings, *, playground_id: str, user: str | None, step: int
) -> PlaygroundView:
    """Move to another manual step of the guiding playbook (audited)."""
    record = _owned(store, playground_id, user)
    ensure_onboarded(store, settings, user=user, action=MANUAL_ACTION)
    steps = view(store, settings, playground_id=playground_id, user=user).steps
    if not steps:
        raise UsageError("this conversation follows no playbook")
    if not 0 <= step < len(steps):
        raise UsageError(f"the playbook has steps 1 to {len(steps)}")
    with store.session() as session:
        playground_repo.update(session, playground_id, actor=record.tester, action="step", step=step)
    return view(store, settings, playground_id=playground_id, user=user)


def close(store: Store, *, playground_id: str, user: str | None) -> PlaygroundRecord:
    """End a conversation without a finding; its round completes."""
    record = _owned(store, playground_id, user)
    with store.session() as session:
        rounds_repo.set_status(session, record.round_id, RoundStatus.COMPLETED, actor=record.tester)
        return playground_repo.update(
            session, playground_id, actor=record.tester, action="close", status=PlaygroundStatus.CLOSED.value
        )


def promote(
    store: Store,
    settings: Settings,
    *,
    playground_id: str,
    user: str | None,
    title: str,
    likelihood: Likelihood = Likelihood.POSSIBLE,
    threat_id: str | None = None,
    scorer: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    target: Target | None = None,
    scorers: Sequence[Scorer] | None = None,
) -> Finding:
    """Turn a conversation with an observation and a severity into a candidate finding (audited).

    The conversation becomes the finding's reproducible case: its messages are sent `samples` times to
    the system (the failing release's baseline) and judged by `scorer`, or, with no scorer, queued for
    a reviewer to re-check the tester's verdict. A critical finding escalates through `open_finding`.
    """
    from redline.program.register.escalations import announce
    from redline.program.register.findings import load_threats, open_finding
    from redline.program.register.verify_cases import check_scorer, record_baseline

    record = _owned(store, playground_id, user)
    current = view(store, settings, playground_id=playground_id, user=user, mask=False)
    if not current.turns:
        raise UsageError("send at least one message before promoting the conversation")
    if not record.observation or record.severity is None:
        raise UsageError("record an observation and a severity before promoting the conversation")
    threat = threat_id or (record.threat_ids[0] if record.threat_ids else None)
    if threat is None:
        raise UsageError("choose the catalog threat the finding is about")
    if threat not in load_threats(settings):
        raise ConfigError(f"threat '{threat}' is not in the catalog", field="threat_id")
    if not title.strip():
        raise UsageError("give the finding a title")
    if scorer:
        check_scorer(scorer)
    conversation = Conversation()
    for turn in current.turns:
        conversation = conversation.add(MessageRole.USER, turn.prompt).add(
            MessageRole.ASSISTANT, turn.response
        )
    case = CaseSpec(
        conversations=(replayable(conversation),),
        scorer=scorer or None,
        samples=samples,
        system=record.system,
    )
    sent_to = target if target is not None else system_target(settings, record.system)
    impact = Impact(record.severity)
    risk = settings.config.risk_matrix.level(likelihood, impact)
    today = datetime.now(UTC).date()
    finding = Finding(
        id=new_id("fnd"),
        title=title.strip()[:500],
        threat_id=threat,
        likelihood=likelihood,
        impact=impact,
        risk=risk,
        round_id=record.round_id,
        due=settings.config.triage.sla_days.due_for(risk, opened=today),
        description="\n".join(
            (
                f"Hypothesis: {record.hypothesis}",
                f"Method: {record.method}",
                f"Observation: {record.observation}",
            )
        ),
    )
    with store.session() as session:
        finding = finding.model_copy(
            update={"release_id": rounds_repo.get_round(session, record.round_id).release_id}
        )
        opened = open_finding(
            session,
            settings,
            finding,
            actor=record.tester,
            source=CaseSource.PLAYGROUND.value,
            reason=f"manual probe in playground conversation {playground_id} by {record.tester}",
            exemplars=[t.prompt for t in current.turns][:20],
            case=case,
        )
        rounds_repo.set_status(session, record.round_id, RoundStatus.COMPLETED, actor=record.tester)
        playground_repo.update(
            session,
            playground_id,
            actor=record.tester,
            action="promote",
            status=PlaygroundStatus.PROMOTED.value,
            finding_id=opened.finding.id,
        )
    announce(store, settings, [opened.escalation] if opened.escalation else [])
    record_baseline(
        store,
        settings,
        finding_id=opened.finding.id,
        actor=record.tester,
        target=sent_to,
        scorer=scorers[0] if scorers else None,
        close=target is None,  # built here for the baseline
    )
    return opened.finding
