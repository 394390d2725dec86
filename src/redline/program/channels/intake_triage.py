"""Triage of external submissions: duplicate suggestions, the disclosure clock, accept, duplicate, reject."""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.channels.intake import IntakeStatus, check_intake_transition
from redline.core.errors import ConfigError, NotFoundError, ScoringError, UsageError
from redline.core.ids import new_id
from redline.core.register.findings import DEFAULT_SAMPLES, CaseSource, CaseSpec, Finding, replayable
from redline.core.register.proposals import Embed, centroid, cosine, jaccard, tokens
from redline.core.register.risk import Impact, Likelihood
from redline.core.runs.conversation import Conversation, MessageRole
from redline.program.people.actors import authorize
from redline.program.people.permissions import INTAKE_TRIAGERS
from redline.scorers.masking import Masker
from redline.store.repos import findings as findings_repo
from redline.store.repos import intake as intake_repo
from redline.store.repos import systems as systems_repo
from redline.store.session import Store

if TYPE_CHECKING:
    from redline.scorers.base import Scorer
    from redline.targets.base import Target


# A suggestion for a person to confirm, so the bars sit below the ones that merge evidence automatically;
# a finding scores its best-matching text (title, description or a failing prompt), not their average.
# With all-MiniLM-L6-v2, paraphrased reports of one failure score about 0.4-0.6 and unrelated ones
# below 0.15 (tests/unit/program/test_intake.py).
SUGGEST_EMBEDDING = 0.35
SUGGEST_TOKENS = 0.25


class MatchMethod(StrEnum):
    """How a duplicate was looked for."""

    EMBEDDING = "embedding"
    TOKENS = "tokens"
    NONE = "none"


class IntakeDecision(StrEnum):
    """What triage does with a submission."""

    ACCEPT = "accept"
    DUPLICATE = "duplicate"
    REJECT = "reject"


DECIDED_STATUS: dict[IntakeDecision, IntakeStatus] = {
    IntakeDecision.ACCEPT: IntakeStatus.ACCEPTED,
    IntakeDecision.DUPLICATE: IntakeStatus.DUPLICATE,
    IntakeDecision.REJECT: IntakeStatus.REJECTED,
}
"""The status each triage decision gives a submission (moves checked by `core.channels.intake`)."""


class DuplicateMatch(BaseModel):
    """The existing finding a submission may repeat, and how close it is."""

    model_config = ConfigDict(frozen=True)

    finding_id: str | None = None
    similarity: float | None = None
    method: str = MatchMethod.NONE.value


class QueueEntry(BaseModel):
    """A submission with its disclosure clock, as leads see it."""

    model_config = ConfigDict(frozen=True)

    submission: intake_repo.StoredSubmission
    days_left: int = Field(description="Days until the coordinated-disclosure date (negative: past it).")
    duplicate_title: str | None = Field(default=None, description="Title of the suggested duplicate.")


EMBED_CACHE_SIZE = 20_000
_embed_caches: weakref.WeakKeyDictionary[Embed, OrderedDict[str, list[float]]] = weakref.WeakKeyDictionary()
_embed_lock = threading.Lock()


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _embed(
    embed: Embed, texts: Sequence[str], known: Sequence[str]
) -> tuple[list[list[float]], list[list[float]]]:
    """Vectors of a report's `texts` and of findings' `known` texts, in one call to the model.

    Findings' texts are cached by content hash, per embedding function, so an anonymous report
    embeds only its own few texts, not every finding again (a changed finding text is a new key).
    """
    try:
        with _embed_lock:
            cache = _embed_caches.setdefault(embed, OrderedDict())
    except TypeError:  # an embedding function that cannot be weakly referenced is not cached
        cache = OrderedDict()
    keys = [_text_key(t) for t in known]
    with _embed_lock:
        missing = list(dict.fromkeys(t for t, k in zip(known, keys, strict=True) if k not in cache))
    vectors = [list(v) for v in embed([*texts, *missing])]
    fresh = dict(zip((_text_key(t) for t in missing), vectors[len(texts) :], strict=True))
    with _embed_lock:
        found = [fresh[k] if k in fresh else cache[k] for k in keys]
        for k, v in fresh.items():
            cache[k] = v
        for k in keys:
            cache.move_to_end(k)
        while len(cache) > EMBED_CACHE_SIZE:
            cache.popitem(last=False)
    return vectors[: len(texts)], found


def _nearest(
    texts: Sequence[str], pool: dict[str, list[str]], embed: Embed | None
) -> tuple[str | None, float]:
    """The finding with the text nearest the report: each finding scores its best-matching text."""
    ids = sorted(pool)
    if embed is not None:
        flat = [t for fid in ids for t in pool[fid]]
        report_vectors, pool_vectors = _embed(embed, texts, flat)
        report = centroid(report_vectors)
        rest = iter(pool_vectors)
        scores = {fid: max(cosine(report, next(rest)) for _ in pool[fid]) for fid in ids}
    else:
        words = frozenset().union(*(tokens(t) for t in texts))
        scores = {fid: max(jaccard(words, tokens(t)) for t in pool[fid]) for fid in ids}
    best = max(ids, key=lambda fid: (scores[fid], fid))
    return best, scores[best]


def suggest_duplicate(session: Session, texts: Sequence[str], *, embed: Embed | None) -> DuplicateMatch:
    """The nearest finding by sentence embeddings, or by token overlap when the model is unavailable."""
    findings = findings_repo.list_findings(session)
    if not findings or not texts:
        return DuplicateMatch()
    kept = findings_repo.exemplars(session, [f.id for f in findings])
    pool = {f.id: [t for t in (f.title, f.description, *kept.get(f.id, [])[:5]) if t] for f in findings}
    if embed is not None:
        try:
            fid, best = _nearest(texts, pool, embed)
            chosen = fid if best >= SUGGEST_EMBEDDING else None
            return DuplicateMatch(finding_id=chosen, similarity=round(best, 4), method=MatchMethod.EMBEDDING)
        except ScoringError:
            pass  # the optional embedding model is missing: fall back to token overlap
    fid, best = _nearest(texts, pool, None)
    chosen = fid if best >= SUGGEST_TOKENS else None
    return DuplicateMatch(finding_id=chosen, similarity=round(best, 4), method=MatchMethod.TOKENS)


def _release_of(session: Session, body: dict[str, object]) -> str | None:
    """The recorded release the researcher names, if there is one (the gate then counts the finding)."""
    try:
        found = systems_repo.find_release(
            session,
            system=str(body.get("affected_system", "")),
            version=str(body.get("affected_version", "")),
        )
    except NotFoundError:
        return None
    return found.id


def _entry(
    session: Session, sub: intake_repo.StoredSubmission, today: date, *, ner: bool = True
) -> QueueEntry:
    title = None
    if sub.duplicate_of:
        found = findings_repo.list_findings(session)
        title = next((f.title for f in found if f.id == sub.duplicate_of), None)
    # Personal data quoted in the report is masked; the reporter's own contact stays, for replies.
    masker = Masker(ner=ner)
    body = {k: v if k in _REPORTER_FIELDS else masker.walk(v) for k, v in sub.body.items()}
    return QueueEntry(
        submission=sub.model_copy(update={"body": body}),
        days_left=(sub.disclosure_due - today).days,
        duplicate_title=title,
    )


_REPORTER_FIELDS = frozenset({"reporter_contact", "credit_name"})


def queue(
    store: Store, *, status: str | None = None, today: date | None = None, ner: bool = True
) -> list[QueueEntry]:
    """The queue, newest first, with each submission's disclosure clock (personal data masked)."""
    day = today or datetime.now(UTC).date()
    with store.session() as session:
        found = intake_repo.list_submissions(session, status=status)
        return [_entry(session, s, day, ner=ner) for s in found]


def entry(store: Store, submission_id: str, *, today: date | None = None, ner: bool = True) -> QueueEntry:
    """One submission with its clock (personal data masked)."""
    day = today or datetime.now(UTC).date()
    with store.session() as session:
        return _entry(session, intake_repo.get_submission(session, submission_id), day, ner=ner)


def triage(
    store: Store,
    settings: Settings,
    *,
    submission_id: str,
    decision: IntakeDecision,
    user: str | None,
    note: str = "",
    threat_id: str | None = None,
    likelihood: Likelihood = Likelihood.POSSIBLE,
    impact: Impact = Impact.MODERATE,
    duplicate_of: str | None = None,
    scorer: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    system: str | None = None,
    prompts: Sequence[str] = (),
    target: Target | None = None,
    scorers: Sequence[Scorer] | None = None,
    reporter_note: str = "",
) -> QueueEntry:
    """Accept a submission as a candidate finding, mark it a duplicate of one, or reject it (audited).

    An accepted report becomes a finding through `open_finding` (a critical one escalates) with a
    reproducible case: `prompts` (default: the user turns of the report's transcript) sent to `system`
    (default: the affected system, when it is configured), judged by `scorer` or, with none, re-checked
    by a reviewer. The case is sent to the system at once for the failing release's baseline.
    `reporter_note` is what the reporter reads on their status page (`note` stays internal).
    """
    from redline.program.register.escalations import announce
    from redline.program.register.findings import load_threats, open_finding
    from redline.program.register.verify_cases import check_scorer, record_baseline

    today = datetime.now(UTC).date()
    opened = None
    case: CaseSpec | None = None
    if decision is IntakeDecision.ACCEPT:
        if scorer:
            check_scorer(scorer)
        with store.session() as session:
            body = intake_repo.get_submission(session, submission_id).body
        case = _case_of(settings, body, system=system, prompts=prompts, scorer=scorer, samples=samples)
    with store.session() as session:
        who = authorize(session, user, INTAKE_TRIAGERS, action="triage external reports")
        triager = who.name
        sub = intake_repo.get_submission(session, submission_id)
        check_intake_transition(submission_id, IntakeStatus(sub.status), DECIDED_STATUS[decision])
        if decision is IntakeDecision.REJECT:
            if not note.strip():
                raise UsageError("say why the report is rejected (the reporter reads only the reporter note)")
            done = intake_repo.decide(
                session, submission_id, status=IntakeStatus.REJECTED.value, actor=who.name, note=note
            )
        elif decision is IntakeDecision.DUPLICATE:
            repeated = duplicate_of or sub.duplicate_of
            if not repeated:
                raise UsageError("name the finding this report duplicates")
            findings_repo.comment(
                session,
                repeated,
                f"External report {submission_id} describes this finding again.",
                actor=who.name,
            )
            done = intake_repo.decide(
                session,
                submission_id,
                status=IntakeStatus.DUPLICATE.value,
                actor=who.name,
                note=note,
                duplicate_of=repeated,
            )
        else:
            threats = load_threats(settings)
            if not threat_id or threat_id not in threats:
                raise ConfigError(f"choose a catalog threat for the finding (got '{threat_id or ''}')")
            risk = settings.config.risk_matrix.level(likelihood, impact)
            body = sub.body
            finding = Finding(
                id=new_id("fnd"),
                release_id=_release_of(session, body),
                title=f"External report: {sub.title}"[:500],
                threat_id=threat_id,
                likelihood=likelihood,
                impact=impact,
                risk=risk,
                due=settings.config.triage.sla_days.due_for(risk, opened=today),
                description=f"Reported by an outside researcher ({submission_id}). {body.get('impact', '')}",
            )
            texts = [t for t in (sub.title, str(body.get("transcript", ""))[:2000]) if t]
            opened = open_finding(
                session,
                settings,
                finding,
                actor=who.name,
                source=CaseSource.INTAKE.value,
                reason=f"external report {submission_id}",
                exemplars=texts,
                case=case,
            )
            done = intake_repo.decide(
                session,
                submission_id,
                status=IntakeStatus.ACCEPTED.value,
                actor=who.name,
                note=note,
                finding_id=opened.finding.id,
            )
        if reporter_note.strip():
            done = intake_repo.reply(
                session, submission_id, note=reporter_note.strip(), actor=who.name, at=datetime.now(UTC)
            )
        entry = _entry(session, done, today, ner=settings.config.privacy.ner)
    if opened is not None:
        announce(store, settings, [opened.escalation] if opened.escalation else [])
        if case is not None:
            record_baseline(
                store,
                settings,
                finding_id=opened.finding.id,
                actor=triager,
                target=target,
                scorer=scorers[0] if scorers else None,
            )
    return entry


def reply(store: Store, settings: Settings, *, submission_id: str, user: str | None, note: str) -> QueueEntry:
    """Write to the reporter: the words their status page shows (a received report then reads as being
    triaged); audited."""
    text = note.strip()
    if not text:
        raise UsageError("write what the reporter should read")
    with store.session() as session:
        who = authorize(session, user, INTAKE_TRIAGERS, action="reply to external reporters")
        done = intake_repo.reply(session, submission_id, note=text, actor=who.name, at=datetime.now(UTC))
        return _entry(session, done, datetime.now(UTC).date(), ner=settings.config.privacy.ner)


_SPEAKERS = {
    "user": MessageRole.USER,
    "human": MessageRole.USER,
    "me": MessageRole.USER,
    "prompt": MessageRole.USER,
    "assistant": MessageRole.ASSISTANT,
    "ai": MessageRole.ASSISTANT,
    "model": MessageRole.ASSISTANT,
    "bot": MessageRole.ASSISTANT,
    "answer": MessageRole.ASSISTANT,
}


def transcript_conversation(text: str) -> Conversation:
    """A researcher's transcript as a conversation: lines starting 'user:' or 'assistant:' (or 'human:',
    'ai:', 'model:', 'bot:') open turns, other lines continue the turn above; text with no speaker at
    all is one user message."""
    turns: list[tuple[MessageRole, list[str]]] = []
    for line in text.splitlines():
        head, sep, rest = line.partition(":")
        role = _SPEAKERS.get(head.strip().lower()) if sep else None
        if role is not None:
            turns.append((role, [rest.strip()]))
        elif turns:
            turns[-1][1].append(line)
    if not turns:
        return Conversation.of(text.strip()) if text.strip() else Conversation()
    conversation = Conversation()
    for role, lines in turns:
        conversation = conversation.add(role, "\n".join(lines).strip())
    return conversation


def _case_of(
    settings: Settings,
    body: dict[str, object],
    *,
    system: str | None,
    prompts: Sequence[str],
    scorer: str | None,
    samples: int,
) -> CaseSpec | None:
    """The reproducible case of an accepted report, or None when no configured system can be reached."""
    configured = {s.name for s in settings.config.systems}
    named = system or str(body.get("affected_system", ""))
    if named not in configured:
        if system:
            raise ConfigError(f"system '{system}' is not configured in redline.yaml", field="system")
        return None
    if prompts:
        conversation = Conversation()
        for prompt in prompts:
            conversation = conversation.add(MessageRole.USER, prompt)
    else:
        conversation = replayable(transcript_conversation(str(body.get("transcript", ""))))
    if not conversation.messages:
        raise UsageError("the report has no transcript to send again: give the prompts to reproduce it")
    return CaseSpec(conversations=(conversation,), scorer=scorer or None, samples=samples, system=named)
