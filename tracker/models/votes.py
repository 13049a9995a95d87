"""Roll calls, the recorded positions on them, and the alignments that tie them to planks."""
from datetime import date, datetime

from sqlalchemy import (JSON, CheckConstraint, ForeignKey, Index, PrimaryKeyConstraint, String, Text, UniqueConstraint,
                        text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import OrgScoped, db, one_of, organization_column, utcnow
from tracker.vocabulary import ALIGNMENT_STATUSES, POSITIONS, PRO_POSITIONS


class RollCall(OrgScoped, db.Model):
    """One recorded vote of a body. `source_id` is stable across formats of the same vote."""

    __table_args__ = (
        UniqueConstraint("organization_id", "source_id"),
        CheckConstraint("yes_count IS NULL OR yes_count >= 0", name="yes_nonnegative"),
        CheckConstraint("no_count IS NULL OR no_count >= 0", name="no_nonnegative"),
        Index("ix_roll_call_body_date", "body_id", "voted_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"))
    voted_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(40))  # format it first arrived in
    source_id: Mapped[str] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(500))
    motion: Mapped[str | None] = mapped_column(String(500))  # bill / matter / motion id
    title: Mapped[str | None] = mapped_column(Text)
    question: Mapped[str | None] = mapped_column(String(500))
    required_majority: Mapped[str | None] = mapped_column(String(40))  # "1/2", "2/3", "3/5"
    result: Mapped[str | None] = mapped_column(String(200))
    yes_count: Mapped[int | None]
    no_count: Mapped[int | None]
    other_count: Mapped[int | None]
    needs_review: Mapped[bool] = mapped_column(default=False)  # an unknown label, a vacated vote...
    review_note: Mapped[str | None] = mapped_column(String(1000))
    crucial_override: Mapped[bool | None]  # manual crucial flag; None = computed
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    body = relationship("Body")
    positions: Mapped[list["VotePosition"]] = relationship(back_populates="roll_call", passive_deletes=True)


class Voter(OrgScoped, db.Model):
    """A voter as the sources name them: `voter_key` identifies them within the source
    (`bioguide:A000370`, `name:jones`), `voter_name` is the name first filed under that key (for
    positions stored before this table existed, the first of their names in sort order).

    Positions refer to a voter by its integer id, not by the key and name as text: a million
    positions then take 42 MB of table and person index instead of 83 MB, and insert in 1.1-1.4 s
    instead of 1.6 (measured alone, without foreign key checks). The person stays on each
    position, since one name key may stand for different people at different dates.
    """

    __table_args__ = (UniqueConstraint("organization_id", "voter_key"),)

    organization_id: Mapped[int] = organization_column(index=False)  # the unique key leads with it
    id: Mapped[int] = mapped_column(primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(200))
    voter_name: Mapped[str] = mapped_column(String(200))


class VotePosition(OrgScoped, db.Model):
    """A voter's position on a roll call: the raw label as filed and its canonical position.

    A voter not yet matched to a person is still stored (person_id null, queued for review).
    """

    __table_args__ = (
        # The natural key is the primary key, and on SQLite the table is stored in its order
        # (WITHOUT ROWID): one b-tree instead of a rowid table plus a unique index, which an import
        # (in key order) appends to. Nothing refers to a position by a surrogate id.
        PrimaryKeyConstraint("roll_call_id", "voter_id"),
        one_of("position", POSITIONS),
        Index("ix_vote_position_person", "person_id", "roll_call_id"),
        # The review queue's lookups (a voter's waiting positions). Partial, so the millions of
        # matched positions cost it nothing on insert.
        Index("ix_vote_position_waiting", "voter_id",
              sqlite_where=text("person_id IS NULL"), postgresql_where=text("person_id IS NULL")),
        {"sqlite_with_rowid": False},
    )

    # No index of its own: rows are reached by roll call or person, and a fourth index on a
    # million-row insert cost a fifth of its time. No foreign key either: the roll call's own
    # (cascading) key ties the row to the organization, and on PostgreSQL the redundant check
    # cost 3 of 19 s of a million-row import.
    organization_id: Mapped[int] = organization_column(index=False, foreign_key=False)
    roll_call_id: Mapped[int] = mapped_column(ForeignKey("roll_call.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"))
    raw_label: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(20))
    source_line: Mapped[int | None]

    roll_call: Mapped[RollCall] = relationship(back_populates="positions")
    person = relationship("Person")
    voter: Mapped[Voter] = relationship()

    @property
    def voter_key(self) -> str:
        return self.voter.voter_key

    @property
    def voter_name(self) -> str:
        return self.voter.voter_name


class VoterReview(OrgScoped, db.Model):
    """A voter no person matched (or several did): the committee links or creates the person."""

    __table_args__ = (
        UniqueConstraint("organization_id", "body_id", "voter_key"),
        one_of("status", ("open", "resolved")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(200))
    voter_name: Mapped[str] = mapped_column(String(200))
    external_ids: Mapped[dict | None] = mapped_column(JSON)
    candidate_person_ids: Mapped[list | None] = mapped_column(JSON)  # several matched: who
    reason: Mapped[str] = mapped_column(String(200))  # "no match", "2 people match"
    status: Mapped[str] = mapped_column(String(20), default="open")
    resolved_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alignment(OrgScoped, db.Model):
    """Links a roll call to a plank with the position that keeps the plank.

    Only approved alignments count. A roll call tagged with several planks is still scored once
    in the overall score.
    """

    __table_args__ = (
        UniqueConstraint("roll_call_id", "plank_id"),
        one_of("pro_position", PRO_POSITIONS),
        one_of("status", ALIGNMENT_STATUSES),
        CheckConstraint("weight >= 1", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_call_id: Mapped[int] = mapped_column(ForeignKey("roll_call.id", ondelete="CASCADE"), index=True)
    plank_id: Mapped[int] = mapped_column(ForeignKey("plank.id", ondelete="CASCADE"), index=True)
    pro_position: Mapped[str] = mapped_column(String(10))
    weight: Mapped[int] = mapped_column(default=1)
    rationale: Mapped[str] = mapped_column(Text, default="")
    crucial: Mapped[bool | None]  # manual override; None = computed from the margin
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    roll_call: Mapped[RollCall] = relationship()
    plank = relationship("Plank")


class Excusal(OrgScoped, db.Model):
    """The committee excused a person's absence on a roll call; it never counts against them."""

    __table_args__ = (UniqueConstraint("roll_call_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_call_id: Mapped[int] = mapped_column(ForeignKey("roll_call.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
