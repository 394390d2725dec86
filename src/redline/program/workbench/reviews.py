"""The human review queue: leads sample a round's attempts, reviewers relabel them blind to the scorers.

A sample is stratified by the checked verdict (flagged and passed answers both), seeded, and queued in
a shuffled order, so an item's place says nothing about its verdict. A reviewer is shown the exchange
with personal data masked and never a verdict, rationale or flag before labelling: every item looks
alike. Showing an item counts as a view of possibly harmful content (wellbeing) and needs current
onboarding. The round's review summary (agreement, kappa, corrected rates) is `store.repos.reviews`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.config.settings import Settings
from redline.core.analysis.review import (
    OVERALL,
    LabelRecord,
    ReviewItem,
    ReviewLabel,
    ReviewSummary,
    majority,
)
from redline.core.analysis.review import stratified_sample as draw
from redline.core.errors import UsageError
from redline.program.people.access import require_round, round_owner
from redline.program.people.actors import acting_user, authorize
from redline.program.people.content import ContentPart, FlaggedContent, mask_content, resolve
from redline.program.people.onboarding import require_onboarded
from redline.program.people.permissions import REVIEW_SAMPLERS, REVIEWERS
from redline.scorers.masking import Masker
from redline.store.repos import reviews as reviews_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import wellbeing as wellbeing_repo
from redline.store.session import Store

MAX_SAMPLE = 1000
MAX_NOTE = 2000


class ReviewTask(BaseModel):
    """One item as a reviewer sees it: the exchange (masked), and nothing a scorer said."""

    model_config = ConfigDict(frozen=True)

    item_id: str
    round_id: str
    category: str = Field(description="Harm category of the threats the case exercises.")
    parts: tuple[ContentPart, ...]
    masked: int = Field(description="Pieces of personal data masked.")
    remaining: int = Field(description="Items left for this reviewer, this one included.")


class Labelled(BaseModel):
    """A label as recorded; the scorers' verdicts are shown only now that the label is in."""

    model_config = ConfigDict(frozen=True)

    label: LabelRecord
    verdicts: dict[str, str] = Field(description="Each scorer's verdict on the item: fail or pass.")


def sample(
    store: Store,
    *,
    user: str | None,
    round_id: str,
    n: int,
    scorer: str = OVERALL,
    wanted: int = 2,
    seed: int | None = None,
) -> list[ReviewItem]:
    """Queue up to `n` more attempts of a round, split between the checked verdict's fail and pass."""
    if not 1 <= n <= MAX_SAMPLE:
        raise UsageError(f"--n must be between 1 and {MAX_SAMPLE}")
    if not 1 <= wanted <= 10:
        raise UsageError("--per-item must be between 1 and 10")
    with store.session() as session:
        who = authorize(session, user, REVIEW_SAMPLERS, action="sample a round for review")
        rnd = require_round(session, round_id, who)
        verdicts = reviews_repo.attempt_verdicts(session, round_id)
        strata: dict[str, list[str]] = {"fail": [], "pass": []}
        for attempt_id, found in verdicts.items():
            if scorer in found:
                strata["fail" if found[scorer] else "pass"].append(attempt_id)
        if not strata["fail"] and not strata["pass"]:
            raise UsageError(f"round {round_id} has no attempt with a verdict from '{scorer}' to review")
        queued = reviews_repo.queued_attempts(session, round_id, scorer)
        used = seed if seed is not None else rnd.seed + len(queued)
        picks = draw(strata, n, seed=used, exclude=queued)
        if not picks:
            raise UsageError(f"every attempt of round {round_id} with a '{scorer}' verdict is already queued")
        return reviews_repo.add_items(
            session, round_id=round_id, scorer=scorer, picks=picks, wanted=wanted, seed=used, actor=who.name
        )


def next_task(
    store: Store,
    settings: Settings,
    *,
    user: str | None,
    round_id: str | None = None,
    now: datetime | None = None,
) -> ReviewTask | None:
    """The reviewer's next item, masked and blind; None when nothing is left for them."""
    when = now or datetime.now(UTC)
    with store.session() as session:
        who = authorize(session, user, REVIEWERS, action="review")
        require_onboarded(session, settings, who, action="review exchanges")
        if round_id is not None:
            require_round(session, round_id, who)
        opted_out = set(wellbeing_repo.opted_out(session, who.name))
        items = reviews_repo.open_items(session, reviewer=who.name, round_id=round_id)
        for position, item in enumerate(items):
            content = resolve(session, settings, f"attempt:{item.attempt_id}")
            if content.category in opted_out:
                continue
            return _show(session, settings, who.name, item, content, when, remaining=len(items) - position)
    return None


def task(
    store: Store, settings: Settings, *, user: str | None, item_id: str, now: datetime | None = None
) -> ReviewTask:
    """One named item for the reviewer (the web's labelling page), blind like `next_task`."""
    when = now or datetime.now(UTC)
    with store.session() as session:
        who = authorize(session, user, REVIEWERS, action="review")
        require_onboarded(session, settings, who, action="review exchanges")
        item = reviews_repo.get_item(session, item_id)
        require_round(session, item.round_id, who)
        open_ids = [i.id for i in reviews_repo.open_items(session, reviewer=who.name, round_id=item.round_id)]
        if item_id not in open_ids:
            raise UsageError(
                f"review item '{item_id}' is not open for {who.name}: already labelled or complete"
            )
        content = resolve(session, settings, f"attempt:{item.attempt_id}")
        return _show(session, settings, who.name, item, content, when, remaining=len(open_ids))


def _show(
    session: Session,
    settings: Settings,
    viewer: str,
    item: ReviewItem,
    content: FlaggedContent,
    when: datetime,
    *,
    remaining: int,
) -> ReviewTask:
    subject = content.subject
    window = timedelta(minutes=settings.config.wellbeing.reveal_minutes)
    # Every item counts as a view alike, flagged or not: the count must not reveal the verdict.
    if not wellbeing_repo.viewed_since(session, viewer=viewer, subjects=[subject], since=when - window):
        wellbeing_repo.add_view(
            session,
            viewer=viewer,
            subject=subject,
            category=content.category,
            day=when.astimezone(UTC).date().isoformat(),
            at=when,
        )
    shown, masked = mask_content(content, Masker(ner=settings.config.privacy.ner))
    return ReviewTask(
        item_id=item.id,
        round_id=item.round_id,
        category=content.category,
        parts=shown.parts,
        masked=masked,
        remaining=remaining,
    )


def label(store: Store, *, user: str | None, item_id: str, label: ReviewLabel, note: str = "") -> Labelled:
    """Record the reviewer's label; only then are the scorers' verdicts on the item returned."""
    if len(note) > MAX_NOTE:
        raise UsageError(f"the note is longer than {MAX_NOTE} characters")
    with store.session() as session:
        who = authorize(session, user, REVIEWERS, action="review")
        item = reviews_repo.get_item(session, item_id)
        require_round(session, item.round_id, who)
        open_ids = {i.id for i in reviews_repo.open_items(session, reviewer=who.name, round_id=item.round_id)}
        if item_id not in open_ids:
            raise UsageError(
                f"review item '{item_id}' is not open for {who.name}: already labelled or complete"
            )
        record = reviews_repo.add_label(session, item_id=item_id, reviewer=who.name, label=label, note=note)
        found = reviews_repo.attempt_verdicts(session, item.round_id).get(item.attempt_id, {})
    return Labelled(label=record, verdicts={k: "fail" if v else "pass" for k, v in sorted(found.items())})


def summary(store: Store, *, user: str | None, round_id: str) -> ReviewSummary | None:
    """A round's review: progress, agreement between reviewers and with each scorer, corrected rates.

    Like `round show`: anyone who may read the round; a playground round needs its reader named.
    """
    with store.session() as session:
        if user is not None or round_owner(session, round_id) is not None:
            require_round(session, round_id, acting_user(session, user))
        else:
            rounds_repo.get_round(session, round_id)
        return reviews_repo.review_summary(session, round_id)


def rounds_under_review(store: Store, *, user: str | None) -> list[tuple[str, int, int]]:
    """(round id, items, items still open for this reviewer) of each round with a review queue."""
    with store.session() as session:
        who = acting_user(session, user)
        out = []
        for round_id in reviews_repo.reviewed_rounds(session):
            items = reviews_repo.list_items(session, round_id)
            mine = reviews_repo.open_items(session, reviewer=who.name, round_id=round_id)
            out.append((round_id, len(items), len(mine)))
        return out


def disagreements(store: Store, *, user: str | None, round_id: str) -> list[dict[str, object]]:
    """Reviewed items where the reviewers' majority disagrees with a scorer, as validation-set rows."""
    with store.session() as session:
        authorize(session, user, REVIEW_SAMPLERS, action="export review disagreements")
        rounds_repo.get_round(session, round_id)
        labels: dict[str, list[LabelRecord]] = {}
        for rec in reviews_repo.list_labels(session, round_id):
            labels.setdefault(rec.item_id, []).append(rec)
        verdicts = reviews_repo.attempt_verdicts(session, round_id)
        rows: list[dict[str, object]] = []
        for item in reviews_repo.list_items(session, round_id):
            truth = majority(r.label for r in labels.get(item.id, []))
            if truth is None:
                continue
            found = verdicts.get(item.attempt_id, {})
            wrong = sorted(s for s, flagged in found.items() if s != OVERALL and flagged != truth)
            if not wrong:
                continue
            exchange = wellbeing_repo.attempt_exchange(session, item.attempt_id)
            prompt, response = (exchange[0], exchange[1]) if exchange else ("", "")
            notes = "; ".join(f"{r.reviewer}: {r.note}" for r in labels[item.id] if r.note)
            rows.append(
                {
                    "id": f"review-{item.id}",
                    "label": "fail" if truth else "pass",
                    "prompt": prompt,
                    "response": response,
                    "scorers": wrong,
                    "note": notes,
                }
            )
        return rows


def export(store: Store, *, user: str | None, round_id: str, path: Path) -> int:
    """Write the disagreements of a round's review to a YAML file in the validation-set layout."""
    import yaml

    rows = disagreements(store, user=user, round_id=round_id)
    body = {
        "scorer": sorted({s for r in rows for s in _strings(r["scorers"])}),
        "source": f"human review of round {round_id}: reviewers' majority where it disagreed with a scorer",
        "licence": "workspace-internal; review before adding to a shipped set",
        "labels": "fail when the reviewers' majority judged that the model failed; pass when it held",
        "rows": rows,
    }
    path.write_text(yaml.safe_dump(body, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return len(rows)


def _strings(value: object) -> Sequence[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
