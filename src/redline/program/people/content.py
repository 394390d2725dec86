"""Flagged content: which stored texts may be harmful, and their release only to people who consented.

An exchange is flagged when a scorer judged it a failure (the model did what the probe asked); the
failing prompts kept with a finding and researchers' transcripts are always flagged. Flagged text is
withheld from pages until the viewer consents (`program.people.wellbeing.consent`), and from anyone whose
onboarding (`program.people.onboarding`) is not current. Personal data in every text is masked
(`[EMAIL-1]`) for everyone; `program.people.privacy.unmask` releases one item to a cleared person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.catalog.threats import Threat
from redline.core.errors import NotFoundError
from redline.core.register.risk import Impact
from redline.core.runs.actions import ActionTrace
from redline.core.runs.timeline import planted_markers
from redline.scorers.masking import Masker
from redline.store.repos import findings as findings_repo
from redline.store.repos import intake as intake_repo
from redline.store.repos import playground as playground_repo
from redline.store.repos import wellbeing as wellbeing_repo
from redline.store.session import Store

UNCATEGORISED = "uncategorised"
FLAG_SEVERITY = Impact.MODERATE
"""A manual (playground) exchange is flagged when its tester recorded this severity or worse."""
EXTERNAL = "external-report"
FAILING = frozenset({"fail", "partial"})


class ContentPart(BaseModel):
    """One labelled text of an item."""

    model_config = ConfigDict(frozen=True)

    label: str
    text: str


class FlaggedContent(BaseModel):
    """An item that may be harmful: its subject key, harm category and texts."""

    model_config = ConfigDict(frozen=True)

    subject: str = Field(description="'attempt:ID', 'exemplar:FINDING:N' or 'intake:ID'.")
    category: str = Field(description="Harm category, for opt-outs and counts.")
    parts: tuple[ContentPart, ...]
    actions: ActionTrace | None = Field(
        default=None, description="Tool calls made while answering, with their outcomes (agentic targets)."
    )
    markers: tuple[str, ...] = Field(
        default=(), description="Planted strings the action timeline highlights (masked like the texts)."
    )


class Exchange(BaseModel):
    """One stored item as a page shows it: the text, or only its label while withheld."""

    model_config = ConfigDict(frozen=True)

    subject: str
    label: str
    category: str
    flagged: bool
    verdicts: tuple[str, ...] = ()
    content: FlaggedContent | None = Field(default=None, description="None while withheld.")
    masked: int = Field(default=0, description="Pieces of personal data masked in the content.")


def _threats(settings: Settings) -> dict[str, Threat]:
    from redline.program.register.findings import load_threats

    return load_threats(settings)


def category_of(threat_ids: Sequence[str], threats: Mapping[str, Threat]) -> str:
    """The harm category of the first known threat."""
    for tid in threat_ids:
        if tid in threats:
            return threats[tid].harm_category
    return UNCATEGORISED


def resolve(session: Session, settings: Settings, subject: str) -> FlaggedContent:
    """The content a subject key names."""
    kind, _, ref = subject.partition(":")
    if kind == "attempt":
        found = wellbeing_repo.attempt_exchange(session, ref)
        if found is not None:
            prompt, response, threat_ids, _ = found
            parts = (ContentPart(label="prompt", text=prompt), ContentPart(label="response", text=response))
            return FlaggedContent(
                subject=subject, category=category_of(threat_ids, _threats(settings)), parts=parts
            )
    elif kind == "exemplar":
        finding_id, _, index = ref.rpartition(":")
        if finding_id and index.isdigit():
            dossier = findings_repo.dossier(session, finding_id)
            if int(index) < len(dossier.exemplars):
                text = dossier.exemplars[int(index)]
                category = category_of([dossier.finding.threat_id], _threats(settings))
                return FlaggedContent(
                    subject=subject,
                    category=category,
                    parts=(ContentPart(label="failing prompt", text=text),),
                )
    elif kind == "intake":
        sub = intake_repo.get_submission(session, ref)
        text = str(sub.body.get("transcript", ""))
        return FlaggedContent(
            subject=subject, category=EXTERNAL, parts=(ContentPart(label="transcript", text=text),)
        )
    raise NotFoundError(f"no stored content '{subject}'")


def manual_flagged(severity: Impact | None) -> bool:
    """Whether a tester's recorded severity flags a manual conversation's exchanges."""
    return severity is not None and severity >= FLAG_SEVERITY


def _onboarded(session: Session, settings: Settings, viewer: str) -> bool:
    """Whether the viewer's onboarding is current: without it every flagged item stays withheld."""
    from redline.program.people.onboarding import is_onboarded

    return is_onboarded(session, settings, viewer)


def withheld_subjects(
    session: Session, settings: Settings, *, viewer: str, subjects: Sequence[str]
) -> set[str]:
    """Of flagged `subjects`, those the viewer has not consented to within the reveal window."""
    window = timedelta(minutes=settings.config.wellbeing.reveal_minutes)
    if not _onboarded(session, settings, viewer):
        return set(subjects)
    seen = wellbeing_repo.viewed_since(
        session, viewer=viewer, subjects=subjects, since=datetime.now(UTC) - window
    )
    return set(subjects) - seen


def mask_content(content: FlaggedContent, masker: Masker) -> tuple[FlaggedContent, int]:
    """An item's texts with personal data masked, and how many pieces were masked."""
    before = masker.masked
    parts = tuple(p.model_copy(update={"text": masker.text(p.text)}) for p in content.parts)
    update: dict[str, Any] = {"parts": parts}
    if content.actions is not None:
        update["actions"] = mask_actions(content.actions, masker)
        update["markers"] = tuple(masker.text(m) for m in content.markers)
    return content.model_copy(update=update), masker.masked - before


def mask_actions(trace: ActionTrace, masker: Masker) -> ActionTrace:
    """A trace with personal data masked in what calls sent and got back (tool names and schemas kept)."""
    steps = []
    for step in trace.steps:
        call, out = step.call, step.outcome
        arguments = masker.walk(call.arguments)
        raw = masker.text(call.raw_arguments) if call.raw_arguments is not None else None
        outcome = out.model_copy(
            update={
                "content": masker.text(out.content),
                "error": masker.text(out.error) if out.error is not None else None,
                "side_effects": tuple(masker.text(e) for e in out.side_effects),
            }
        )
        masked_call = call.model_copy(update={"arguments": arguments, "raw_arguments": raw})
        steps.append(step.model_copy(update={"call": masked_call, "outcome": outcome}))
    return trace.model_copy(update={"steps": tuple(steps)})


def masked_exchanges(items: Sequence[Exchange], settings: Settings) -> list[Exchange]:
    """Items with personal data masked, labels numbered across the list (one page is one document)."""
    masker = Masker(ner=settings.config.privacy.ner)
    out = []
    for e in items:
        if e.content is None:
            out.append(e)
            continue
        content, count = mask_content(e.content, masker)
        out.append(e.model_copy(update={"content": content, "masked": count}))
    return out


def _withhold(
    items: list[Exchange], session: Session, settings: Settings, viewer: str, now: datetime
) -> list[Exchange]:
    window = timedelta(minutes=settings.config.wellbeing.reveal_minutes)
    flagged = [e.subject for e in items if e.flagged]
    seen: set[str] = set()
    if flagged and _onboarded(session, settings, viewer):
        seen = wellbeing_repo.viewed_since(session, viewer=viewer, subjects=flagged, since=now - window)
    return masked_exchanges(
        [e if not e.flagged or e.subject in seen else e.model_copy(update={"content": None}) for e in items],
        settings,
    )


class ExchangePage(BaseModel):
    """One page of a round's exchanges and the cursor of the next page (None on the last)."""

    model_config = ConfigDict(frozen=True)

    items: tuple[Exchange, ...]
    after: str | None = None


def _attempt_page(
    session: Session,
    threats: Mapping[str, Threat],
    round_id: str,
    *,
    cases: set[str] | None,
    limit: int,
    after: str | None = None,
) -> ExchangePage:
    """A page of attempts as exchanges, failures first: only the page's attempts, cases and verdicts are
    read (`rounds.attempt_page`), however many the round holds."""
    from redline.store.repos import rounds as rounds_repo

    rounds_repo.get_round(session, round_id)
    manual = playground_repo.for_round(session, round_id)
    hand_flagged = manual is not None and manual_flagged(manual.severity)
    page = rounds_repo.attempt_page(
        session, round_id, limit=limit, after=after, cases=cases, all_flagged=hand_flagged
    )
    threats_of = rounds_repo.threats_of_cases(session, round_id, {a.case_id for a in page.attempts})
    verdicts = rounds_repo.verdicts_of(session, [a.id for a in page.attempts])
    traced = {a.case_id for a in page.attempts if a.response.actions is not None}
    params = rounds_repo.params_of_cases(session, round_id, traced)
    items = []
    for attempt in page.attempts:
        subject = f"attempt:{attempt.id}"
        category = category_of(threats_of.get(attempt.case_id, []), threats)
        marks = tuple(verdicts.get(attempt.id, ()))
        parts = (
            ContentPart(label="prompt", text=attempt.request.last_user_text),
            ContentPart(label="response", text=attempt.response.text or (attempt.response.error or "")),
        )
        items.append(
            Exchange(
                subject=subject,
                label=f"{attempt.case_id} turn {attempt.turn}",
                category=category,
                flagged=hand_flagged or attempt.id in page.flagged,
                verdicts=marks,
                content=FlaggedContent(
                    subject=subject,
                    category=category,
                    parts=parts,
                    actions=attempt.response.actions,
                    markers=tuple(planted_markers(params.get(attempt.case_id, {}))),
                ),
            )
        )
    return ExchangePage(items=tuple(items), after=page.after)


def _attempt_items(
    session: Session, threats: Mapping[str, Threat], round_id: str, *, cases: set[str] | None, limit: int
) -> list[Exchange]:
    return list(_attempt_page(session, threats, round_id, cases=cases, limit=limit).items)


def round_exchange_page(
    store: Store,
    settings: Settings,
    *,
    round_id: str,
    viewer: str,
    limit: int = 50,
    after: str | None = None,
    now: datetime | None = None,
) -> ExchangePage:
    """One page of a round's exchanges, failures first, flagged ones withheld unless the viewer consented;
    `after` is the previous page's cursor."""
    threats = _threats(settings)
    with store.session() as session:
        page = _attempt_page(session, threats, round_id, cases=None, limit=limit, after=after)
        items = _withhold(list(page.items), session, settings, viewer, now or datetime.now(UTC))
        return ExchangePage(items=tuple(items), after=page.after)


def round_exchanges(
    store: Store,
    settings: Settings,
    *,
    round_id: str,
    viewer: str,
    limit: int = 50,
    now: datetime | None = None,
) -> list[Exchange]:
    """A round's first `limit` exchanges, failures first, flagged ones withheld unless consented to."""
    page = round_exchange_page(store, settings, round_id=round_id, viewer=viewer, limit=limit, now=now)
    return list(page.items)


def finding_exchanges(
    store: Store,
    settings: Settings,
    *,
    finding_id: str,
    viewer: str,
    limit: int = 20,
    now: datetime | None = None,
) -> list[Exchange]:
    """The failing exchanges behind a finding's evidence, withheld unless the viewer consented."""
    threats = _threats(settings)
    with store.session() as session:
        dossier = findings_repo.dossier(session, finding_id)
        items: list[Exchange] = []
        for record in dossier.evidence:
            if record.source != "round" or not record.failing_cases or len(items) >= limit:
                continue
            try:
                items += _attempt_items(
                    session,
                    threats,
                    record.round_id,
                    cases=set(record.failing_cases),
                    limit=limit - len(items),
                )
            except NotFoundError:
                continue  # evidence from a round that was since removed
        return _withhold(items, session, settings, viewer, now or datetime.now(UTC))


def finding_exemplars(
    store: Store, settings: Settings, *, finding_id: str, viewer: str, now: datetime | None = None
) -> list[Exchange]:
    """The failing prompts kept with a finding, withheld unless the viewer consented."""
    with store.session() as session:
        dossier = findings_repo.dossier(session, finding_id)
        category = category_of([dossier.finding.threat_id], _threats(settings))
        items = []
        for i, text in enumerate(dossier.exemplars):
            subject = f"exemplar:{finding_id}:{i}"
            part = ContentPart(label="failing prompt", text=text)
            items.append(
                Exchange(
                    subject=subject,
                    label=f"failing case {i + 1}",
                    category=category,
                    flagged=True,
                    content=FlaggedContent(subject=subject, category=category, parts=(part,)),
                )
            )
        return _withhold(items, session, settings, viewer, now or datetime.now(UTC))


def intake_transcript(
    store: Store, settings: Settings, *, submission_id: str, viewer: str, now: datetime | None = None
) -> Exchange:
    """A researcher's transcript, withheld unless the viewer consented."""
    with store.session() as session:
        content = resolve(session, settings, f"intake:{submission_id}")
        item = Exchange(
            subject=content.subject, label="transcript", category=EXTERNAL, flagged=True, content=content
        )
        return _withhold([item], session, settings, viewer, now or datetime.now(UTC))[0]
