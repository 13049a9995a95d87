"""The program members write together: versions, planks, proposals, amendments and ballots."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tracker.models.base import OrgScoped, db, one_of, organization_column, utcnow
from tracker.vocabulary import (BALLOT_ELECTORATES, BALLOT_MODES, BALLOT_OUTCOMES, BALLOT_QUESTION_KINDS, BALLOT_STATUSES,
                                BALLOT_SUBJECTS, PLANK_TIERS, PROGRAM_VERSION_STATUSES, PROPOSAL_KINDS,
                                PROPOSAL_STATUSES, YES_NO_CHOICES)


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
    # The adopted version this one was drafted from (the question that adopted it points here).
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("program_version.id", ondelete="SET NULL"))

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
    """A member's proposal: a new plank, a new text for a plank (an amendment), or its removal.

    ``version_id`` is the adopted version it was written against (None before the first one);
    ``target_plank_key`` names the plank it changes, so competing proposals for one plank are
    grouped into one ranked question. ``line_from``/``line_to`` anchor an amendment to the printed
    lines of the plank, as conventions do.
    """

    __table_args__ = (
        one_of("kind", PROPOSAL_KINDS), one_of("status", PROPOSAL_STATUSES),
        CheckConstraint("kind = 'new_plank' OR target_plank_key IS NOT NULL", name="change_names_a_plank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("program_version.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    target_plank_id: Mapped[int | None] = mapped_column(ForeignKey("plank.id", ondelete="SET NULL"))
    target_plank_key: Mapped[str | None] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100))
    tier: Mapped[str | None] = mapped_column(String(10))
    line_from: Mapped[int | None]
    line_to: Mapped[int | None]
    rationale: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    # The draft version a passed proposal was written into.
    applied_version_id: Mapped[int | None] = mapped_column(ForeignKey("program_version.id", ondelete="SET NULL"))

    proposed_by = relationship("Member", foreign_keys=[proposed_by_id])
    target_plank = relationship("Plank", foreign_keys=[target_plank_id])
    version = relationship("ProgramVersion", foreign_keys=[version_id])
    applied_version = relationship("ProgramVersion", foreign_keys=[applied_version_id])
    cosponsors: Mapped[list["Cosponsor"]] = relationship(back_populates="proposal", cascade="all, delete-orphan")
    comments: Mapped[list["ProposalComment"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalComment.id")


class Cosponsor(OrgScoped, db.Model):
    """A member who backs a proposal (enough of them and the committee may put it to a ballot)."""

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="cosponsors")
    member = relationship("Member")


class ProposalComment(OrgScoped, db.Model):
    """One message in a proposal's discussion (Markdown source; rendered sanitised)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_comment.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="comments")
    member = relationship("Member")


class Ballot(OrgScoped, db.Model):
    """A vote of the members: one or more questions, open from ``opens_at`` to ``closes_at``.

    The electorate is frozen when it opens (BallotElector rows); nobody sees a count before it
    closes; at the close results are computed once and, for a secret ballot, every choice is
    moved to CastBallot without its member. A paper ballot is counted by tellers in the room.
    """

    __table_args__ = (
        one_of("status", BALLOT_STATUSES), one_of("mode", BALLOT_MODES), one_of("electorate", BALLOT_ELECTORATES),
        CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
        Index("ix_ballot_due", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(10), default="online")
    # "members": every member in good standing; "committee": the endorsement committee (and admins).
    electorate: Mapped[str] = mapped_column(String(20), default="members")
    secret: Mapped[bool] = mapped_column(default=True)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    quorum_fraction: Mapped[str] = mapped_column(String(20), default="0")
    electorate_count: Mapped[int | None]
    quorum_needed: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    questions: Mapped[list["BallotQuestion"]] = relationship(
        back_populates="ballot", cascade="all, delete-orphan", order_by="BallotQuestion.position")


class BallotQuestion(OrgScoped, db.Model):
    """One question of a ballot: yes/no (a proposal, adopting a version) or ranked (competing texts).

    ``outcome`` and ``result`` (the published count: for ranked questions d, p, dropped, ranking)
    stay empty until the ballot closes.
    """

    __table_args__ = (
        UniqueConstraint("ballot_id", "position"),
        one_of("kind", BALLOT_QUESTION_KINDS), one_of("subject", BALLOT_SUBJECTS),
        one_of("outcome", BALLOT_OUTCOMES, nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    majority: Mapped[str] = mapped_column(String(20), default="simple")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("program_version.id", ondelete="SET NULL"))
    plank_key: Mapped[str | None] = mapped_column(String(80))
    endorsement_id: Mapped[int | None] = mapped_column(ForeignKey("endorsement.id", ondelete="SET NULL"))
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("withdrawal_petition.id", ondelete="SET NULL"))
    # For an adoption question: the draft's SHA-256 when the ballot was made (what members vote on).
    version_sha256: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(20))
    result: Mapped[dict | None] = mapped_column(JSON)
    # Paper yes/no counts, set when two tellers' entries agree.
    paper_counts: Mapped[dict | None] = mapped_column(JSON)

    ballot: Mapped[Ballot] = relationship(back_populates="questions")
    options: Mapped[list["BallotOption"]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="BallotOption.position")
    proposal = relationship("Proposal", foreign_keys=[proposal_id])
    version = relationship("ProgramVersion", foreign_keys=[version_id])
    endorsement = relationship("Endorsement", foreign_keys=[endorsement_id])
    petition = relationship("WithdrawalPetition", foreign_keys=[petition_id])


class BallotOption(OrgScoped, db.Model):
    """An option of a ranked question: a competing proposal or candidate, or the default ("keep
    the current text", "endorse no one")."""

    __table_args__ = (UniqueConstraint("question_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("ballot_question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(300))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"))
    endorsement_id: Mapped[int | None] = mapped_column(ForeignKey("endorsement.id", ondelete="SET NULL"))
    is_default: Mapped[bool] = mapped_column(default=False)

    question: Mapped[BallotQuestion] = relationship(back_populates="options")
    proposal = relationship("Proposal")
    endorsement = relationship("Endorsement")


class BallotElector(db.Model):
    """A member entitled to vote on a ballot, frozen when it opens (for a paper ballot: present in
    the room). ``voted_at`` is the roll of who voted, kept after a secret ballot forgets how."""

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True, index=True)
    # The ballot's organization (its own foreign key already ties the row to it).
    organization_id: Mapped[int] = organization_column(index=False, foreign_key=False)
    voted_at: Mapped[datetime | None]

    member = relationship("Member")


class BallotVote(db.Model):
    """A member's current choice on one question while the ballot is open (changed in place until
    the close, which moves it to CastBallot). ``ranks`` holds one rank per option position,
    comma-separated, empty for unranked ("1,,2")."""

    __table_args__ = (
        UniqueConstraint("question_id", "member_id"),
        one_of("choice", YES_NO_CHOICES, nullable=True),
        CheckConstraint("choice IS NOT NULL OR ranks IS NOT NULL", name="vote_has_a_choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = organization_column(index=False, foreign_key=False)
    question_id: Mapped[int] = mapped_column(ForeignKey("ballot_question.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    choice: Mapped[str | None] = mapped_column(String(10))
    ranks: Mapped[str | None] = mapped_column(String(200))
    receipt: Mapped[str] = mapped_column(String(24))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)


class CastBallot(db.Model):
    """A counted ballot after the close: the choice, its receipt code and (named ballots only) the
    member. Rows of a secret ballot carry no member and are stored in the order of their content,
    so nothing joins them to a member. Paper ranked ballots land here too, with their weight."""

    __table_args__ = (one_of("choice", YES_NO_CHOICES, nullable=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = organization_column(foreign_key=False)
    question_id: Mapped[int] = mapped_column(ForeignKey("ballot_question.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    choice: Mapped[str | None] = mapped_column(String(10))
    ranks: Mapped[str | None] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(default=1)
    receipt: Mapped[str | None] = mapped_column(String(24))
    source: Mapped[str] = mapped_column(String(10), default="online")

    member = relationship("Member")


class TellerCount(OrgScoped, db.Model):
    """One teller's count of a paper yes/no question; recorded as the result only when two
    different tellers agree."""

    __table_args__ = (UniqueConstraint("question_id", "teller_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("ballot_question.id", ondelete="CASCADE"), index=True)
    teller_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    yes: Mapped[int]
    no: Mapped[int]
    abstain: Mapped[int]
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)

    teller = relationship("Member")


# --- Adopted versions are immutable: refused at flush, whatever code path tries. -------------

class ImmutableVersionError(ValueError):
    """An adopted (or superseded) program version, or one of its planks, cannot change."""


def _committed(instance, name):
    history = db.inspect(instance).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(instance, name)


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_adopted_versions(session, flush_context, instances) -> None:
    def frozen_version(version_id) -> ProgramVersion | None:
        version = session.get(ProgramVersion, version_id) if version_id is not None else None
        return version if version is not None and _committed(version, "status") != "draft" else None

    for instance in list(session.dirty) + list(session.deleted):
        deleted = instance in session.deleted
        if isinstance(instance, ProgramVersion) and _committed(instance, "status") != "draft":
            changed = {attr.key for attr in db.inspect(instance).attrs if attr.history.has_changes()}
            # The one change allowed: a newer adoption supersedes it.
            if deleted or not (changed - {"planks", "program"} <= {"status"} and instance.status == "superseded"):
                raise ImmutableVersionError(
                    f"Program version {instance.number} is adopted: it cannot be changed or deleted.")
        elif isinstance(instance, Plank) and (deleted or session.is_modified(instance, include_collections=False)):
            version = frozen_version(_committed(instance, "version_id"))
            if version is not None:
                raise ImmutableVersionError(
                    f"Plank {instance.position} belongs to adopted program version {version.number}: it cannot change.")
    for instance in session.new:
        if isinstance(instance, Plank):
            version = frozen_version(instance.version.id if instance.version is not None else instance.version_id)
            if version is not None:
                raise ImmutableVersionError(
                    f"Program version {version.number} is adopted: no plank can be added to it.")
