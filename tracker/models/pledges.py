"""Pledges candidates sign: to one exact program version plus money clauses."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import OrgScoped, db, one_of, utcnow
from tracker.vocabulary import PLEDGE_CLAUSE_KINDS, PLEDGE_STATUSES


class Pledge(OrgScoped, db.Model):
    """A person's pledge. `text_sha256` is the SHA-256 of the exact text signed."""

    __table_args__ = (
        one_of("status", PLEDGE_STATUSES),
        CheckConstraint("status = 'pending' OR signed_at IS NOT NULL OR status = 'withdrawn'",
                        name="signed_has_date"),
        UniqueConstraint("signing_token_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    program_version_id: Mapped[int] = mapped_column(ForeignKey("program_version.id"))
    endorsement_id: Mapped[int | None] = mapped_column(ForeignKey("endorsement.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    signed_name: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[datetime | None]
    # Signing link: only the hash of the token is stored; it expires and works once.
    signing_token_hash: Mapped[str | None] = mapped_column(String(64))
    token_expires_at: Mapped[datetime | None]
    token_used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person = relationship("Person")
    clauses: Mapped[list["PledgeClause"]] = relationship(back_populates="pledge", cascade="all, delete-orphan")


class PledgeClause(OrgScoped, db.Model):
    """One clause with its parameters (e.g. cure_days, threshold, include_executives)."""

    __table_args__ = (one_of("kind", PLEDGE_CLAUSE_KINDS), UniqueConstraint("pledge_id", "kind", "plank_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    plank_id: Mapped[int | None] = mapped_column(ForeignKey("plank.id", ondelete="SET NULL"))
    params: Mapped[dict | None] = mapped_column(JSON)

    pledge: Mapped[Pledge] = relationship(back_populates="clauses")
