"""The endorsement cycle: a candidacy and the committee's decision on it, the questionnaire the
candidate answers, and the members' petitions to withdraw support."""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tracker.models.base import OrgScoped, db, one_of, utcnow
from tracker.vocabulary import ENDORSEMENT_DECISIONS, PETITION_STATUSES, QUESTIONNAIRE_STANCES


class Endorsement(OrgScoped, db.Model):
    """A person running for an office in one election, and the organization's decision on them.

    ``decision`` is pending until a ballot decides it (endorsed or declined); a later withdrawal
    ballot can make it withdrawn. The deciding ballot's tally is kept with it.
    """

    __table_args__ = (
        UniqueConstraint("person_id", "election"),
        one_of("decision", ENDORSEMENT_DECISIONS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    election: Mapped[str] = mapped_column(String(200))  # e.g. "2026 Richmond City Council"
    election_on: Mapped[date | None]
    office: Mapped[str | None] = mapped_column(String(200))  # the office sought
    district: Mapped[str | None] = mapped_column(String(100))
    ballot_line: Mapped[str | None] = mapped_column(String(100))  # party or ballot line
    # Runs independent of corporate-funded parties (the organization's own line, or none).
    independent: Mapped[bool] = mapped_column(default=False)
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    decided_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(String(4000))
    # The deciding ballot's count: {"ballot_id", "question_id", "outcome", ...the published result}.
    tally: Mapped[dict | None] = mapped_column(JSON)
    withdrawn_on: Mapped[date | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person = relationship("Person")
    answers: Mapped[list["QuestionnaireAnswer"]] = relationship(
        back_populates="endorsement", cascade="all, delete-orphan"
    )
    questionnaire: Mapped["Questionnaire | None"] = relationship(back_populates="endorsement", uselist=False)


class Questionnaire(OrgScoped, db.Model):
    """The questionnaire sent to a candidate: one question per plank of an adopted version, plus
    the organization's own questions (frozen when it is sent). The candidate answers through a
    private link (only its hash is stored; it expires) and can save and return until they submit;
    submitted answers are frozen and dated."""

    __table_args__ = (UniqueConstraint("endorsement_id"), UniqueConstraint("token_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    endorsement_id: Mapped[int] = mapped_column(ForeignKey("endorsement.id", ondelete="CASCADE"))
    program_version_id: Mapped[int] = mapped_column(ForeignKey("program_version.id"))
    org_questions: Mapped[list | None] = mapped_column(JSON)      # the organization's questions, as sent
    extra_answers: Mapped[list | None] = mapped_column(JSON)      # [{"answer": "yes|no|...", "comment": ...}]
    token_hash: Mapped[str | None] = mapped_column(String(64))
    token_expires_at: Mapped[datetime | None]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    submitted_name: Mapped[str | None] = mapped_column(String(200))

    endorsement: Mapped[Endorsement] = relationship(back_populates="questionnaire")
    version = relationship("ProgramVersion")


class QuestionnaireAnswer(OrgScoped, db.Model):
    """A candidate's answer on one plank of the questionnaire."""

    __table_args__ = (
        UniqueConstraint("endorsement_id", "plank_id"),
        one_of("stance", QUESTIONNAIRE_STANCES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endorsement_id: Mapped[int] = mapped_column(ForeignKey("endorsement.id", ondelete="CASCADE"))
    plank_id: Mapped[int] = mapped_column(ForeignKey("plank.id", ondelete="CASCADE"))
    stance: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(String(4000))

    endorsement: Mapped[Endorsement] = relationship(back_populates="answers")
    plank = relationship("Plank")


class WithdrawalPetition(OrgScoped, db.Model):
    """Members asking to withdraw an endorsement (a pledge broken, promises contradicted): with
    enough signatures the committee puts it to a membership ballot."""

    __table_args__ = (one_of("status", PETITION_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endorsement_id: Mapped[int] = mapped_column(ForeignKey("endorsement.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)  # links to the record, one per line
    status: Mapped[str] = mapped_column(String(20), default="open")
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    endorsement: Mapped[Endorsement] = relationship()
    opened_by = relationship("Member")
    signatures: Mapped[list["PetitionSignature"]] = relationship(back_populates="petition", cascade="all, delete-orphan")


class PetitionSignature(OrgScoped, db.Model):
    petition_id: Mapped[int] = mapped_column(ForeignKey("withdrawal_petition.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    petition: Mapped[WithdrawalPetition] = relationship(back_populates="signatures")
    member = relationship("Member")


class FrozenAnswersError(ValueError):
    """A submitted questionnaire cannot change."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_submitted_answers(session, flush_context, instances) -> None:
    """Submitted answers are frozen: refused at flush, whatever code path tries to change them."""
    def submitted(endorsement_id) -> bool:
        return endorsement_id is not None and session.execute(db.select(Questionnaire.submitted_at).where(
            Questionnaire.endorsement_id == endorsement_id)).scalar() is not None

    for instance in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(instance, QuestionnaireAnswer):
            changing = instance in session.new or instance in session.deleted or session.is_modified(instance)
            endorsement_id = instance.endorsement.id if instance.endorsement is not None else instance.endorsement_id
            if changing and submitted(endorsement_id):
                raise FrozenAnswersError("These answers were submitted: they are frozen and cannot change.")
        elif isinstance(instance, Questionnaire) and instance not in session.new:
            history = db.inspect(instance).attrs.submitted_at.history
            was_submitted = (history.deleted[0] if history.deleted else instance.submitted_at) is not None
            changed = {attr.key for attr in db.inspect(instance).attrs if attr.history.has_changes()}
            if was_submitted and (instance in session.deleted or changed - {"endorsement"}):
                raise FrozenAnswersError("This questionnaire was submitted: its answers are frozen.")
