"""Stored scores: recomputed when inputs change; pages read them, never compute them."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import OrgScoped, db, one_of, utcnow
from tracker.vocabulary import SCORE_STATUSES


class Score(OrgScoped, db.Model):
    """A person's score for one scope (overall or a plank) over one window."""

    __table_args__ = (
        UniqueConstraint("person_id", "scope", "window", "crucial_only"),
        one_of("status", SCORE_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(40))  # "overall" or "plank:<id>"
    plank_id: Mapped[int | None] = mapped_column(ForeignKey("plank.id", ondelete="CASCADE"))
    window: Mapped[str] = mapped_column(String(40))  # "lifetime", "year:2024", "term:<id>"
    crucial_only: Mapped[bool] = mapped_column(default=False)
    score_exact: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    score_display: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(30))
    agreeing: Mapped[int] = mapped_column(default=0)
    disagreeing: Mapped[int] = mapped_column(default=0)
    missed: Mapped[int] = mapped_column(default=0)
    excluded: Mapped[int] = mapped_column(default=0)
    counted: Mapped[int] = mapped_column(default=0)
    numerator: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    denominator: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    missed_vote_rate: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    rule_set: Mapped[str] = mapped_column(String(300))
    details: Mapped[dict | None] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
