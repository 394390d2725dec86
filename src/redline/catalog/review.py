"""Which threats are due for review: the catalog stays alive only if someone looks at it."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from redline.catalog.loader import Catalog
from redline.core.catalog.threats import ThreatStatus


class ReviewItem(BaseModel):
    """A threat whose review is due."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Threat id.")
    title: str = Field(description="Threat title.")
    owner: str | None = Field(description="Who must review it.")
    review_by: date | None = Field(description="The date it was due; None when it never had one.")
    days_overdue: int | None = Field(
        description="Days past the date (negative: days left); None without a date."
    )


def review_due(catalog: Catalog, *, today: date, within_days: int = 0) -> list[ReviewItem]:
    """Threats in use that are due by `today + within_days` or have no review date; most overdue first."""
    horizon = today + timedelta(days=within_days)
    items = [
        ReviewItem(
            id=t.id,
            title=t.title,
            owner=t.owner,
            review_by=t.review_by,
            days_overdue=(today - t.review_by).days if t.review_by else None,
        )
        for t in catalog.threats()
        if t.status is not ThreatStatus.RETIRED and (t.review_by is None or t.review_by <= horizon)
    ]
    return sorted(items, key=lambda i: (i.review_by is not None, -(i.days_overdue or 0), i.id))
