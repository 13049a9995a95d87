"""The program members write together: versions, planks, proposals, amendments and ballots."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import OrgScoped, db, one_of, utcnow
from tracker.vocabulary import (BALLOT_STATUSES, PLANK_TIERS, PROGRAM_VERSION_STATUSES,
                                PROPOSAL_KINDS, PROPOSAL_STATUSES)


class Program(OrgScoped, db.Model):
    """The organization's platform; its content lives in numbered versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list["ProgramVersion"]] = relationship(
        back_populates="program", order_by="ProgramVersion.number"
    )


class ProgramVersion(OrgScoped, db.Model):
    """A numbered version; once adopted it is immutable and its text hash is fixed."""

    __table_args__ = (
        UniqueConstraint("program_id", "number"),
        one_of("status", PROGRAM_VERSION_STATUSES),
        CheckConstraint("status = 'draft' OR text_sha256 IS NOT NULL", name="adopted_has_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="draft")
    preamble: Mapped[str | None] = mapped_column(Text)
    adopted_on: Mapped[datetime | None]
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    program: Mapped[Program] = relationship(back_populates="versions")
    planks: Mapped[list["Plank"]] = relationship(back_populates="version", order_by="Plank.position")


class Plank(OrgScoped, db.Model):
    """One demand of the program: minimum (near-term) or maximum (transformative)."""

    __table_args__ = (
        UniqueConstraint("version_id", "position"),
        one_of("tier", PLANK_TIERS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("program_version.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(100))
    tier: Mapped[str] = mapped_column(String(10), default="minimum")
    # The same plank carried across versions keeps a stable key so scores follow it.
    key: Mapped[str] = mapped_column(String(80))

    version: Mapped[ProgramVersion] = relationship(back_populates="planks")


class Proposal(OrgScoped, db.Model):
    """A member's proposal: a new plank, an amendment of a plank's text, or a repeal."""

    __table_args__ = (one_of("kind", PROPOSAL_KINDS), one_of("status", PROPOSAL_STATUSES))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("program_version.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    target_plank_id: Mapped[int | None] = mapped_column(ForeignKey("plank.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100))
    tier: Mapped[str | None] = mapped_column(String(10))
    rationale: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Amendment(OrgScoped, db.Model):
    """A change to a proposal's text offered during debate (amendments to proposals)."""

    __table_args__ = (one_of("status", PROPOSAL_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    new_body: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ballot(OrgScoped, db.Model):
    """A question members vote on (adopt a proposal, an amendment, a version, an endorsement)."""

    __table_args__ = (
        one_of("status", BALLOT_STATUSES),
        CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
        CheckConstraint("threshold > 0 AND threshold <= 1", name="threshold_fraction"),
        CheckConstraint("quorum >= 0", name="quorum_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(500))
    options: Mapped[str] = mapped_column(String(500), default="yes|no|abstain")  # '|'-separated
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id", ondelete="SET NULL"))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    quorum: Mapped[int] = mapped_column(default=0)
    threshold: Mapped[float] = mapped_column(default=0.5)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BallotVote(OrgScoped, db.Model):
    """One member's vote on one ballot (the unique constraint enforces one each)."""

    __table_args__ = (UniqueConstraint("ballot_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(100))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)
