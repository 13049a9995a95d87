"""The endorsement cycle: candidates, the questionnaire, the vetting report, promises against the
record, and the members' petitions to withdraw support.

- ``create_candidacy`` records a person running for an office (created by the committee, or from a
  person already imported), with the external ids that link them to imported votes and money.
- ``send_questionnaire`` writes the questions (one per plank of the adopted version, then the
  organization's own) and a private link: only its SHA-256 is stored; it expires; the candidate
  can save and return until they submit; submitted answers are frozen (models refuse changes).
- The decision itself is a ballot of the program's machinery (``services.ballots``: questions
  with subject "endorsement" or "withdrawal"), which writes it back here when it closes.
- ``promises`` sets each answer beside the candidate's later votes on roll calls aligned with the
  same plank (by the plank's key, across versions) and marks contradictions: said support, voted
  against.
Every write leaves an AuditEvent; the caller commits.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import money
from tracker.extensions import db
from tracker.models import (Alignment, Contribution, Endorsement, Member, Organization, Person, PersonIdentifier, Plank,
                            Pledge, PetitionSignature, Questionnaire, QuestionnaireAnswer, RollCall, Term, VotePosition,
                            WithdrawalPetition)
from tracker.models.base import utcnow
from tracker.services import audit
from tracker.services import ballots as ballot_service
from tracker.services import program as program_service
from tracker.vocabulary import QUESTIONNAIRE_STANCES

LINK_DAYS = 30
# The identifiers the committee attaches so imported money and votes reach the candidate.
CANDIDATE_ID_SCHEMES = ("fec_candidate", "fec_committee", "state_filer", "bioguide", "legistar", "ocd_person", "local")
EXTRA_ANSWERS = ("yes", "no", "partly", "no_answer")


class EndorsementError(ValueError):
    """The step cannot be taken; the message says why, for the person in front of it."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def election_slug(election: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", (election or "").lower())) or "election"


# ---------------------------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------------------------

def create_candidacy(org: Organization, actor: Member, *, election: str, person: Person | None = None,
                     name: str | None = None, election_on: date | None = None, office: str | None = None,
                     district: str | None = None, ballot_line: str | None = None, independent: bool = False,
                     identifiers: dict[str, str] | None = None, now: datetime | None = None) -> Endorsement:
    """A pending candidacy for ``person`` (one of the organization's people) or a new person ``name``."""
    election = " ".join((election or "").split())
    if not election:
        raise EndorsementError(_("Name the election (e.g. \"2026 Harbor City Council\")."))
    if person is None:
        name = " ".join((name or "").split())
        if not name:
            raise EndorsementError(_("Choose a person or give the candidate's name."))
        last = name.split()[-1]
        person = Person(organization_id=org.id, name=name, sort_name=f"{last}, {name.rsplit(' ', 1)[0]}".strip(", "))
        db.session.add(person)
        db.session.flush()
        audit.record(org.id, "person.create", person, member=actor, after={"name": name})
    elif person.organization_id != org.id:
        raise EndorsementError(_("That person is not one of this organization's."))
    existing = db.session.execute(select(Endorsement).filter_by(person_id=person.id, election=election)).scalar_one_or_none()
    if existing is not None:
        raise EndorsementError(_("%(name)s is already a candidate in %(election)s.", name=person.name, election=election))
    endorsement = Endorsement(organization_id=org.id, person_id=person.id, election=election, election_on=election_on,
                              office=(office or "").strip() or None, district=(district or "").strip() or None,
                              ballot_line=(ballot_line or "").strip() or None, independent=bool(independent),
                              decision="pending", created_by_id=actor.id if actor else None, created_at=now or utcnow())
    db.session.add(endorsement)
    db.session.flush()
    set_identifiers(person, identifiers or {}, actor)
    audit.record(org.id, "endorsement.candidate", endorsement, member=actor,
                 after={"person": person.name, "election": election, "office": endorsement.office,
                        "independent": endorsement.independent})
    return endorsement


def set_identifiers(person: Person, identifiers: dict[str, str], actor=None) -> int:
    """Attach external ids (FEC candidate and committee ids, state filer id...) to a person, so
    imported votes and money reach them. An id another person already has is refused."""
    added = 0
    for scheme, raw in identifiers.items():
        for value in re.split(r"[,\s]+", (raw or "").strip()):
            if not value:
                continue
            if scheme not in CANDIDATE_ID_SCHEMES:
                raise EndorsementError(_("Unknown kind of identifier %(scheme)s.", scheme=repr(scheme)))
            holder = db.session.execute(select(PersonIdentifier).filter_by(
                organization_id=person.organization_id, scheme=scheme, value=value)).scalar_one_or_none()
            if holder is not None:
                if holder.person_id != person.id:
                    raise EndorsementError(_("%(scheme)s %(value)s already belongs to another person.", scheme=scheme, value=value))
                continue
            db.session.add(PersonIdentifier(organization_id=person.organization_id, person_id=person.id, scheme=scheme,
                                            value=value))
            added += 1
    if added:
        db.session.flush()
        audit.record(person.organization_id, "person.identifiers", person, member=actor,
                     after={k: v for k, v in identifiers.items() if v})
        # Money already imported under these ids reaches the person now.
        from tracker.services import contributions, flags
        contributions.link_committees_to_people(person.organization_id)
        flags.evaluate_person(person)
    return added


# ---------------------------------------------------------------------------------------------
# Questionnaire
# ---------------------------------------------------------------------------------------------

def send_questionnaire(endorsement: Endorsement, actor: Member, now: datetime | None = None,
                       link_days: int = LINK_DAYS) -> tuple[Questionnaire, str]:
    """Write the questionnaire (or a new link for one not yet submitted); returns it and the link's
    token, which is shown once and never stored."""
    now = now or utcnow()
    org = db.session.get(Organization, endorsement.organization_id)
    version = program_service.adopted_version(org.id)
    if version is None:
        raise EndorsementError(_("There is no adopted program yet: the questionnaire asks one question per plank."))
    token = secrets.token_urlsafe(32)
    questionnaire = endorsement.questionnaire
    if questionnaire is not None and questionnaire.submitted_at is not None:
        raise EndorsementError(_("The candidate has already submitted this questionnaire; the answers are frozen."))
    if questionnaire is None:
        questionnaire = Questionnaire(organization_id=org.id, endorsement_id=endorsement.id,
                                      program_version_id=version.id,
                                      org_questions=list(ballot_service.settings(org)["questionnaire_questions"]),
                                      sent_at=now)
        db.session.add(questionnaire)
    questionnaire.token_hash = token_hash(token)
    questionnaire.token_expires_at = now + timedelta(days=link_days)
    db.session.flush()
    audit.record(org.id, "questionnaire.sent", questionnaire, member=actor,
                 after={"person": endorsement.person.name, "version": version.number,
                        "link_expires": questionnaire.token_expires_at.isoformat()})
    return questionnaire, token


def questionnaire_by_token(token: str) -> Questionnaire | None:
    if not token:
        return None
    return db.session.execute(select(Questionnaire).where(Questionnaire.token_hash == token_hash(token))).scalar_one_or_none()


def link_problem(questionnaire: Questionnaire | None, now: datetime | None = None) -> str | None:
    """Why a questionnaire link cannot be used (unknown or altered, submitted, expired), or None."""
    now = now or utcnow()
    if questionnaire is None:
        return "This questionnaire link is not valid: check that it was copied whole, or ask the committee for a new one."
    if questionnaire.submitted_at is not None:
        return ("This questionnaire was submitted on "
                f"{questionnaire.submitted_at:%d %B %Y}: the answers are final and the link no longer works.")
    if questionnaire.token_expires_at is not None and questionnaire.token_expires_at < now:
        return "This questionnaire link has expired. Ask the endorsement committee for a new one."
    return None


@dataclass
class QuestionnaireView:
    """What the candidate's page shows: the planks with any saved answer, and the extra questions."""

    questionnaire: Questionnaire
    planks: list[Plank]
    answers: dict[int, QuestionnaireAnswer] = field(default_factory=dict)
    extra: list[dict] = field(default_factory=list)


def questionnaire_view(questionnaire: Questionnaire) -> QuestionnaireView:
    planks = sorted(questionnaire.version.planks, key=lambda p: p.position)
    answers = {a.plank_id: a for a in questionnaire.endorsement.answers}
    saved = list(questionnaire.extra_answers or [])
    extra = [{"question": q, **(saved[i] if i < len(saved) else {"answer": "", "comment": ""})}
             for i, q in enumerate(questionnaire.org_questions or [])]
    return QuestionnaireView(questionnaire, planks, answers, extra)


def save_answers(token: str, answers: dict[int, tuple[str, str]], extra: list[tuple[str, str]], *,
                 submit: bool = False, signed_name: str = "", now: datetime | None = None) -> Questionnaire:
    """Save the candidate's answers ({plank_id: (stance, comment)}, and (answer, comment) per extra
    question); with ``submit`` they are dated and frozen, and the link stops working."""
    now = now or utcnow()
    questionnaire = questionnaire_by_token(token)
    problem = link_problem(questionnaire, now)
    if problem:
        raise EndorsementError(problem)
    plank_ids = {p.id for p in questionnaire.version.planks}
    current = {a.plank_id: a for a in questionnaire.endorsement.answers}
    for plank_id, (stance, comment) in answers.items():
        if plank_id not in plank_ids:
            raise EndorsementError(_("An answer is for a plank that is not in this questionnaire."))
        stance = stance or "no_answer"
        if stance not in QUESTIONNAIRE_STANCES:
            raise EndorsementError(_("Answer each plank with support, oppose or partly."))
        comment = (comment or "").strip()[:4000] or None
        row = current.get(plank_id)
        if row is None:
            questionnaire.endorsement.answers.append(QuestionnaireAnswer(
                organization_id=questionnaire.organization_id, plank_id=plank_id, stance=stance, comment=comment))
        elif (row.stance, row.comment) != (stance, comment):
            row.stance, row.comment = stance, comment
    questions = questionnaire.org_questions or []
    if len(extra) != len(questions):
        raise EndorsementError(_("Answer each of the organization's questions (or leave them blank)."))
    saved = []
    for answer, comment in extra:
        answer = answer or "no_answer"
        if answer not in EXTRA_ANSWERS:
            raise EndorsementError(_("Answer the organization's questions with yes, no or partly."))
        saved.append({"answer": answer, "comment": (comment or "").strip()[:4000]})
    questionnaire.extra_answers = saved
    questionnaire.saved_at = now
    if submit:
        signed_name = " ".join((signed_name or "").split())
        if not signed_name:
            raise EndorsementError(_("Type your full name to submit your answers."))
        unanswered = len(plank_ids) - sum(1 for a in questionnaire.endorsement.answers if a.stance != "no_answer")
        questionnaire.submitted_at, questionnaire.submitted_name = now, signed_name
        questionnaire.token_hash = None  # the link dies with the submission
        audit.record(questionnaire.organization_id, "questionnaire.submitted", questionnaire, label="questionnaire link",
                     after={"signed_name": signed_name, "unanswered_planks": unanswered})
    else:
        audit.record(questionnaire.organization_id, "questionnaire.saved", questionnaire, label="questionnaire link")
    db.session.flush()
    return questionnaire


# ---------------------------------------------------------------------------------------------
# Promises against the record
# ---------------------------------------------------------------------------------------------

def promises(person: Person) -> list[dict]:
    """Each submitted answer of the person beside their later votes on roll calls aligned with the
    same plank (matched by the plank's key, so it follows the plank into newer versions).

    One dict per answer: plank, stance, comment, submitted_at, election and ``votes`` (roll_call_id,
    title, voted_on, source_url, position, pro_position, ``outcome``: "kept" when they voted the
    position that keeps the plank, "contradiction" when they had said support and voted against
    it, "against" for other votes against it, "other" for absences and abstentions)."""
    answered = db.session.execute(
        select(QuestionnaireAnswer, Plank, Questionnaire.submitted_at, Endorsement.election)
        .join(Plank, Plank.id == QuestionnaireAnswer.plank_id)
        .join(Endorsement, Endorsement.id == QuestionnaireAnswer.endorsement_id)
        .join(Questionnaire, Questionnaire.endorsement_id == Endorsement.id)
        .where(Endorsement.person_id == person.id, Questionnaire.submitted_at.is_not(None))
        .order_by(Questionnaire.submitted_at, Plank.position)).all()
    if not answered:
        return []
    keys = {plank.key for _answer, plank, _submitted, _election in answered}
    votes = db.session.execute(
        select(Plank.key, RollCall.id, RollCall.title, RollCall.voted_on, RollCall.source_url, Alignment.pro_position,
               VotePosition.position)
        .join(Alignment, Alignment.plank_id == Plank.id).join(RollCall, RollCall.id == Alignment.roll_call_id)
        .join(VotePosition, (VotePosition.roll_call_id == RollCall.id) & (VotePosition.person_id == person.id))
        .where(Plank.organization_id == person.organization_id, Plank.key.in_(keys), Alignment.status == "approved")
        .order_by(RollCall.voted_on, RollCall.id)).all()
    by_key: dict[str, list] = {}
    for key, *vote in votes:
        by_key.setdefault(key, []).append(vote)
    listed = []
    for answer, plank, submitted_at, election in answered:
        later = []
        for roll_call_id, title, voted_on, url, pro, position in by_key.get(plank.key, []):
            if voted_on < submitted_at.date():
                continue
            if position == pro:
                outcome = "kept"
            elif position in ("yes", "no"):
                outcome = "contradiction" if answer.stance == "support" else "against"
            else:
                outcome = "other"
            later.append({"roll_call_id": roll_call_id, "title": title, "voted_on": voted_on, "source_url": url,
                          "position": position, "pro_position": pro, "outcome": outcome})
        listed.append({"plank": plank, "stance": answer.stance, "comment": answer.comment, "submitted_at": submitted_at,
                       "election": election, "votes": later})
    return listed


def contradiction_count(promised: list[dict]) -> int:
    return sum(1 for item in promised for vote in item["votes"] if vote["outcome"] == "contradiction")


def contradiction_counts(person_ids: list[int]) -> dict[int, int]:
    """Contradictions per person, for lists (the slate)."""
    return {pid: contradiction_count(promises(db.session.get(Person, pid))) for pid in set(person_ids)}


# ---------------------------------------------------------------------------------------------
# The vetting report
# ---------------------------------------------------------------------------------------------

def vetting_report(endorsement: Endorsement) -> dict:
    """Everything the committee's one-page report shows, each item with the record behind it."""
    from tracker.scorecards import queries
    from tracker.services import contributions, scores as score_service

    org = db.session.get(Organization, endorsement.organization_id)
    person = queries.person_or_none(org, endorsement.person_id)
    official = queries.official_page(org, person)
    crucial_votes = []
    if official["crucial"] is not None:
        crucial_votes = [v for v in score_service.explain(official["crucial"])["votes"] if v["outcome"] != "excluded"]
    receipts, _joins = contributions.person_receipt_conditions(person)
    corporate = db.session.execute(
        select(Contribution).where(*receipts, Contribution.donor_class.in_(money.CORPORATE_MONEY_CLASSES + ("review",)))
        .order_by(Contribution.received_on, Contribution.id)).scalars().all()
    questionnaire = endorsement.questionnaire
    view = questionnaire_view(questionnaire) if questionnaire is not None else None
    promised = promises(person)
    return {
        "endorsement": endorsement, "person": person, "official": official, "crucial_votes": crucial_votes,
        "money": contributions.person_money(person, per_page=10), "corporate": corporate,
        "questionnaire": questionnaire, "answers": view,
        "pledges": db.session.execute(select(Pledge).where(Pledge.person_id == person.id)
                                      .order_by(Pledge.created_at)).scalars().all(),
        "earlier": db.session.execute(select(Endorsement).where(Endorsement.person_id == person.id,
                                                                Endorsement.id != endorsement.id)
                                      .order_by(Endorsement.election_on)).scalars().all(),
        "terms": db.session.execute(select(Term).where(Term.person_id == person.id).order_by(Term.start_on)).scalars().all(),
        "promises": promised, "contradictions": contradiction_count(promised),
        "identifiers": sorted((i.scheme, i.value) for i in person.identifiers),
    }


# ---------------------------------------------------------------------------------------------
# Withdrawal of support
# ---------------------------------------------------------------------------------------------

def open_petition(endorsement: Endorsement, member: Member, reason: str, evidence: str = "",
                  now: datetime | None = None) -> WithdrawalPetition:
    """A member asks to withdraw an endorsement, with the reason and the evidence (links)."""
    if member.organization_id != endorsement.organization_id or not member.active:
        raise EndorsementError(_("Only active members of this organization can petition."))
    if endorsement.decision != "endorsed":
        raise EndorsementError(_("Only an endorsement in force can be withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise EndorsementError(_("Say why the endorsement should be withdrawn."))
    already = db.session.execute(select(WithdrawalPetition).where(
        WithdrawalPetition.endorsement_id == endorsement.id,
        WithdrawalPetition.status.in_(("open", "on_ballot")))).scalar_one_or_none()
    if already is not None:
        raise EndorsementError(_("A petition on this endorsement is already open: sign that one."))
    petition = WithdrawalPetition(organization_id=endorsement.organization_id, endorsement_id=endorsement.id,
                                  reason=reason[:10_000], evidence=(evidence or "").strip()[:10_000] or None,
                                  opened_by_id=member.id, created_at=now or utcnow())
    db.session.add(petition)
    db.session.flush()
    sign_petition(petition, member, now)
    audit.record(endorsement.organization_id, "petition.open", petition, member=member,
                 after={"endorsement": endorsement.id, "person": endorsement.person.name})
    return petition


def sign_petition(petition: WithdrawalPetition, member: Member, now: datetime | None = None) -> None:
    if member.organization_id != petition.organization_id or not member.active:
        raise EndorsementError(_("Only active members of this organization can sign."))
    if petition.status != "open":
        raise EndorsementError(_("This petition is no longer gathering signatures."))
    if db.session.get(PetitionSignature, (petition.id, member.id)) is None:
        db.session.add(PetitionSignature(organization_id=petition.organization_id, petition_id=petition.id,
                                         member_id=member.id, created_at=now or utcnow()))
        db.session.flush()
        audit.record(petition.organization_id, "petition.sign", petition, member=member)


def signature_count(petition: WithdrawalPetition) -> int:
    return db.session.execute(select(func.count()).select_from(PetitionSignature)
                              .where(PetitionSignature.petition_id == petition.id)).scalar_one()


def petitions_ready(org: Organization) -> list[WithdrawalPetition]:
    """Open petitions with the organization's number of signatures: the committee may put them to a ballot."""
    needed = int(ballot_service.settings(org)["petition_signatures"])
    counts = select(PetitionSignature.petition_id, func.count().label("n")).group_by(PetitionSignature.petition_id).subquery()
    return db.session.execute(select(WithdrawalPetition).join(counts, counts.c.petition_id == WithdrawalPetition.id)
                              .where(WithdrawalPetition.organization_id == org.id, WithdrawalPetition.status == "open",
                                     counts.c.n >= needed).order_by(WithdrawalPetition.id)).scalars().all()


def pending_candidacies(org: Organization) -> list[list[Endorsement]]:
    """Pending candidacies grouped by election and office (candidates for one seat can go to one
    ranked question)."""
    rows = db.session.execute(select(Endorsement).where(Endorsement.organization_id == org.id,
                                                        Endorsement.decision == "pending")
                              .order_by(Endorsement.election, Endorsement.office, Endorsement.id)).scalars().all()
    groups: dict[tuple, list[Endorsement]] = {}
    for endorsement in rows:
        groups.setdefault((endorsement.election, endorsement.office or "", endorsement.district or ""), []).append(endorsement)
    return list(groups.values())


def decide(endorsement: Endorsement, decision: str, question, now: datetime) -> None:
    """Record the outcome of an endorsement ballot on the candidacy (called by the ballot's close)."""
    before = endorsement.decision
    endorsement.decision = decision
    endorsement.decided_on = now.date()
    endorsement.tally = {"ballot_id": question.ballot_id, "question_id": question.id, "outcome": question.outcome,
                         **(question.result or {})}
    audit.record(endorsement.organization_id, "endorsement.decided", endorsement, label="system",
                 before={"decision": before}, after={"decision": decision, "question": question.id})


def withdraw_support(petition: WithdrawalPetition, question, now: datetime) -> None:
    """A passed withdrawal ballot: the endorsement is withdrawn, with the petition's reason."""
    endorsement = petition.endorsement
    endorsement.decision = "withdrawn"
    endorsement.withdrawn_on = now.date()
    endorsement.withdrawal_reason = petition.reason + (f"\n\nEvidence:\n{petition.evidence}" if petition.evidence else "")
    endorsement.tally = {"ballot_id": question.ballot_id, "question_id": question.id, "outcome": question.outcome,
                         "withdrawal": True, **(question.result or {})}
    audit.record(endorsement.organization_id, "endorsement.withdrawn", endorsement, label="system",
                 before={"decision": "endorsed"}, after={"decision": "withdrawn", "question": question.id})


# ---------------------------------------------------------------------------------------------
# Slates (public)
# ---------------------------------------------------------------------------------------------

def elections(org: Organization) -> list[dict]:
    """Each election with endorsed (or withdrawn) candidates, newest first: name, slug, date, count."""
    rows = db.session.execute(select(Endorsement.election, func.max(Endorsement.election_on), func.count())
                              .where(Endorsement.organization_id == org.id,
                                     Endorsement.decision.in_(("endorsed", "withdrawn")))
                              .group_by(Endorsement.election)).all()
    listed = [{"name": name, "slug": election_slug(name), "on": on, "count": n} for name, on, n in rows]
    return sorted(listed, key=lambda e: (e["on"] or date.min, e["name"]), reverse=True)


def slate(org: Organization, slug: str) -> dict | None:
    """The public slate of one election: endorsed and withdrawn candidates with pledge, score,
    questionnaire answers and contradictions."""
    from tracker.scorecards import queries

    chosen = [e for e in elections(org) if e["slug"] == slug]
    if not chosen:
        return None
    election = chosen[0]
    endorsements = db.session.execute(select(Endorsement).where(
        Endorsement.organization_id == org.id, Endorsement.election == election["name"],
        Endorsement.decision.in_(("endorsed", "withdrawn"))).order_by(Endorsement.office, Endorsement.id)).scalars().all()
    people = []
    for endorsement in endorsements:
        person = endorsement.person
        scores = queries.person_scores(person)
        overall = next((s for s in scores if s.scope == "overall" and s.window == "lifetime" and not s.crucial_only), None)
        pledge = db.session.execute(select(Pledge).where(Pledge.person_id == person.id, Pledge.signed_at.is_not(None))
                                    .order_by(Pledge.signed_at.desc()).limit(1)).scalar_one_or_none()
        promised = promises(person)
        questionnaire = endorsement.questionnaire
        answers = questionnaire_view(questionnaire) if questionnaire is not None and questionnaire.submitted_at else None
        people.append({"endorsement": endorsement, "person": person, "overall": overall,
                       "band": queries.band_for(overall.score_exact if overall else None, org.score_bands),
                       "pledge": pledge, "answers": answers, "contradictions": contradiction_count(promised)})
    return {"election": election, "people": people}
