"""Ballots: the committee opens them, members vote, the close counts and applies the results.

The rules are ../shared/BALLOTS.md; every count is made by the pure core ``tracker.ballots``.

- ``create`` builds a ballot from proposals ready for a vote (one yes/no question each, or one
  ranked question with "keep the current text" for competing texts on one plank), an adoption
  question for the draft, and other yes/no questions.
- ``open_due`` opens a scheduled ballot: its electorate (active members at that moment) is frozen.
- ``cast`` records a member's choices (changed in place until the close; one row per member and
  question, also under concurrent requests) and returns a receipt code.
- ``close`` runs once per ballot, whoever calls it first (a conditional UPDATE decides): it counts,
  stores the results, moves every choice to CastBallot (without the member for a secret ballot),
  writes passed proposals into the draft version and adopts a draft whose adoption passed.
- Paper ballots: attendance is the electorate, two tellers' agreeing counts are the result of a
  yes/no question, and ranked paper ballots are uploaded as CSV or BLT.
Nothing shows a count before the close: results are only computed then.
"""
from __future__ import annotations

import io
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Integer, case, func, insert, literal, null, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from tracker import ballots as core
from tracker.extensions import db
from tracker.models import (Ballot, BallotElector, BallotOption, BallotQuestion, BallotVote, CastBallot, Cosponsor,
                            Member, Organization, ProgramVersion, Proposal, ProposalComment, TellerCount)
from tracker.models.base import utcnow
from tracker.services import audit, outbox
from tracker.services.outbox import N_
from tracker.services import program as program_service
from tracker.services import proposals as proposal_service
from tracker.vocabulary import BALLOT_ELECTORATES, YES_NO_CHOICES

SETTINGS_DEFAULTS = {
    "cosponsors_needed": 3,        # co-sponsors before the committee may put a proposal to a ballot
    "quorum": "1/4",               # fraction of the electorate that must cast a ballot
    "proposal_majority": "simple",  # a proposal (yes/no) and the drop rule against "keep the current text"
    "adoption_majority": "two-thirds",  # adopting a new program version
    "ballot_days": 7,              # default length of an online ballot
    "secret": True,                # ballots are secret unless the committee makes one named
    "endorsement_electorate": "committee",  # who decides endorsements: the committee or all members
    "endorsement_majority": "two-thirds",
    "withdrawal_majority": "two-thirds",    # withdrawing an endorsement: always a membership ballot
    "petition_signatures": 5,      # members' signatures before the committee may put a withdrawal to a ballot
    "questionnaire_questions": ["Will you refuse all corporate money, including from corporate PACs?",
                                "Will you run independent of corporate-funded parties?"],
}
NO_ENDORSEMENT = "endorse no one"  # the default option when candidates compete for one seat
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class BallotError(ValueError):
    """The ballot cannot take this step; the message says why, for the member in front of it."""


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

def settings(organization: Organization) -> dict:
    """The organization's ballot settings over the defaults."""
    return {**SETTINGS_DEFAULTS, **(organization.ballot_settings or {})}


def update_settings(organization: Organization, values: dict, actor=None) -> dict:
    """Validate and store ballot settings (audited)."""
    merged = {**settings(organization), **{k: v for k, v in values.items() if k in SETTINGS_DEFAULTS}}
    try:
        core.quorum_needed(100, merged["quorum"])
    except (ValueError, ZeroDivisionError):
        raise BallotError(_("The quorum %(quorum)s is not a fraction between 0 and 1 (e.g. 1/4 or 0.25).",
                            quorum=repr(merged["quorum"]))) from None
    for key in ("proposal_majority", "adoption_majority", "endorsement_majority", "withdrawal_majority"):
        if merged[key] not in core.MAJORITIES:
            raise BallotError(_("A majority is one of %(majorities)s.", majorities=", ".join(core.MAJORITIES)))
    if merged["endorsement_electorate"] not in BALLOT_ELECTORATES:
        raise BallotError(_("Endorsements are decided by the committee or by the members."))
    if not 0 <= int(merged["cosponsors_needed"]) <= 1000 or not 1 <= int(merged["ballot_days"]) <= 90 \
            or not 1 <= int(merged["petition_signatures"]) <= 10_000:
        raise BallotError(_("Co-sponsors needed: 0 to 1000; ballot length: 1 to 90 days; petition signatures: 1 to 10,000."))
    questions = merged["questionnaire_questions"]
    if isinstance(questions, str):
        questions = questions.splitlines()
    questions = [" ".join(q.split()) for q in questions if q and q.strip()]
    if any(len(q) > 500 for q in questions) or len(questions) > 30:
        raise BallotError(_("Keep the questionnaire to 30 questions of at most 500 characters."))
    before = settings(organization)
    organization.ballot_settings = {**merged, "cosponsors_needed": int(merged["cosponsors_needed"]),
                                    "ballot_days": int(merged["ballot_days"]), "secret": bool(merged["secret"]),
                                    "petition_signatures": int(merged["petition_signatures"]),
                                    "questionnaire_questions": questions}
    audit.record(organization.id, "ballot.settings", organization, before=before, after=organization.ballot_settings,
                 member=actor)
    return organization.ballot_settings


# ---------------------------------------------------------------------------------------------
# Creating and opening
# ---------------------------------------------------------------------------------------------

@dataclass
class BallotPlan:
    """What the committee asks: proposal groups (lists of proposal ids), whether to adopt the draft,
    and other yes/no questions."""

    title: str
    opens_at: datetime
    closes_at: datetime
    proposal_groups: list[list[int]] = field(default_factory=list)
    adopt_draft: bool = False
    other_questions: list[str] = field(default_factory=list)
    secret: bool = True
    mode: str = "online"
    description: str = ""
    # Candidacies: a group of one is a yes/no question; several candidates for one seat, one
    # ranked question with "endorse no one". Petitions: a withdrawal question each.
    endorsement_groups: list[list[int]] = field(default_factory=list)
    petition_ids: list[int] = field(default_factory=list)
    electorate: str | None = None  # None: the committee or the members, as the settings say


def _busy_with_proposals(organization_id: int) -> bool:
    return db.session.execute(
        select(func.count()).select_from(BallotQuestion).join(Ballot, Ballot.id == BallotQuestion.ballot_id)
        .where(Ballot.organization_id == organization_id, Ballot.status != "closed",
               BallotQuestion.subject.in_(("proposal", "competing")))).scalar_one() > 0


def _busy_with_adoption(organization_id: int) -> bool:
    return db.session.execute(
        select(func.count()).select_from(BallotQuestion).join(Ballot, Ballot.id == BallotQuestion.ballot_id)
        .where(Ballot.organization_id == organization_id, Ballot.status != "closed",
               BallotQuestion.subject == "adoption")).scalar_one() > 0


def create(organization: Organization, actor: Member, plan: BallotPlan, now: datetime | None = None) -> Ballot:
    """A new ballot with its questions; opened at once when its opening time has come."""
    now = now or utcnow()
    rules = settings(organization)
    title = (plan.title or "").strip()
    if not title:
        raise BallotError(_("Give the ballot a title members will recognise."))
    if plan.closes_at <= plan.opens_at:
        raise BallotError(_("The ballot must close after it opens."))
    if plan.mode == "online" and plan.closes_at <= now:
        raise BallotError(_("The closing time has already passed."))
    if plan.mode not in ("online", "paper"):
        raise BallotError(_("A ballot is taken online or on paper."))
    other = [q.strip() for q in plan.other_questions if q and q.strip()]
    if not (plan.proposal_groups or plan.adopt_draft or other or plan.endorsement_groups or plan.petition_ids):
        raise BallotError(_("Choose at least one question: proposals, adopting the draft, candidates, a withdrawal "
                            "petition, or a question of your own."))
    electorate = plan.electorate or (rules["endorsement_electorate"] if plan.endorsement_groups else "members")
    if electorate not in BALLOT_ELECTORATES:
        raise BallotError(_("A ballot is decided by the members or by the committee."))
    if electorate == "committee" and (plan.proposal_groups or plan.adopt_draft or plan.petition_ids or other):
        raise BallotError(_("Only endorsements can be decided by the committee alone: put the other questions to "
                            "the members in a ballot of their own."))
    if plan.adopt_draft and plan.proposal_groups:
        raise BallotError(_("Adopt the draft in a ballot of its own, once the proposals written into it are decided."))
    if plan.adopt_draft and _busy_with_proposals(organization.id):
        raise BallotError(_("Proposals are still being voted on: adopt the draft once those ballots have closed."))
    if plan.proposal_groups and _busy_with_adoption(organization.id):
        raise BallotError(_("The draft is being put to an adoption vote: new proposals wait until it has closed."))

    ballot = Ballot(organization_id=organization.id, title=title[:300], description=plan.description or None,
                    mode=plan.mode, secret=bool(plan.secret), electorate=electorate, opens_at=plan.opens_at, closes_at=plan.closes_at,
                    status="scheduled", quorum_fraction=str(rules["quorum"]),
                    created_by_id=actor.id, created_at=now)
    db.session.add(ballot)
    db.session.flush()
    position = 0
    seen: set[int] = set()
    for group_ids in plan.proposal_groups:
        proposals = [db.session.get(Proposal, pid) for pid in group_ids]
        if not proposals or any(p is None or p.organization_id != organization.id for p in proposals):
            raise BallotError(_("A proposal on this ballot does not exist."))
        for proposal in proposals:
            if proposal.status != "open":
                raise BallotError(_("Proposal #%(id)s is %(status)s, not open.", id=proposal.id,
                                   status=proposal.status.replace("_", " ")))
            if proposal.id in seen:
                raise BallotError(_("Proposal #%(id)s is on this ballot twice.", id=proposal.id))
            seen.add(proposal.id)
            if proposal_service.cosponsor_count(proposal) < int(rules["cosponsors_needed"]):
                raise BallotError(_("Proposal #%(id)s has fewer than %(needed)s co-sponsors.", id=proposal.id,
                                   needed=rules["cosponsors_needed"]))
        keys = {p.target_plank_key for p in proposals}
        position += 1
        if len(proposals) == 1:
            proposal = proposals[0]
            question = BallotQuestion(organization_id=organization.id, ballot_id=ballot.id, position=position,
                                      kind="yes_no", subject="proposal", proposal_id=proposal.id,
                                      plank_key=proposal.target_plank_key, majority=rules["proposal_majority"],
                                      text=_proposal_question(proposal))
            db.session.add(question)
        else:
            if len(keys) != 1 or None in keys:
                raise BallotError(_("Only proposals that change the same plank can compete in one ranked question."))
            question = BallotQuestion(organization_id=organization.id, ballot_id=ballot.id, position=position,
                                      kind="ranked", subject="competing", plank_key=keys.pop(),
                                      majority=rules["proposal_majority"],
                                      text=f"Which text for the plank {proposals[0].target_plank.title if proposals[0].target_plank else ''!s}? "
                                           "Rank the options you support.")
            db.session.add(question)
            db.session.flush()
            for index, proposal in enumerate(proposals, start=1):
                db.session.add(BallotOption(organization_id=organization.id, question_id=question.id, position=index,
                                            label=_option_label(proposal), proposal_id=proposal.id))
            db.session.add(BallotOption(organization_id=organization.id, question_id=question.id,
                                        position=len(proposals) + 1, label=core.DEFAULT_OPTION, is_default=True))
        for proposal in proposals:
            proposal.status = "on_ballot"
            outbox.proposal_changed(proposal, N_("is on the ballot “%(ballot)s”", ballot=ballot.title))
    if plan.adopt_draft:
        draft = program_service.draft_version(organization.id)
        if draft is None or not draft.planks:
            raise BallotError(_("There is no draft version to adopt: passed proposals create one."))
        position += 1
        sha = program_service.sha256_text(program_service.version_text(draft))
        db.session.add(BallotQuestion(
            organization_id=organization.id, ballot_id=ballot.id, position=position, kind="yes_no",
            subject="adoption", version_id=draft.id, version_sha256=sha, majority=rules["adoption_majority"],
            text=f"Adopt draft version {draft.number} (SHA-256 {sha}) as our program?"))
    position = _add_endorsement_questions(organization, ballot, plan, rules, position)
    for text in other:
        position += 1
        db.session.add(BallotQuestion(organization_id=organization.id, ballot_id=ballot.id, position=position,
                                      kind="yes_no", subject="other", majority=rules["proposal_majority"],
                                      text=text[:500]))
    db.session.flush()
    db.session.refresh(ballot)
    audit.record(organization.id, "ballot.create", ballot, member=actor,
                 after={"title": ballot.title, "mode": ballot.mode, "secret": ballot.secret,
                        "opens_at": ballot.opens_at.isoformat(), "closes_at": ballot.closes_at.isoformat(),
                        "questions": [q.text for q in ballot.questions]})
    if ballot.mode == "paper":
        # In the room: open now; the electorate is the attendance the committee records.
        ballot.status, ballot.opened_at, ballot.electorate_count, ballot.quorum_needed = "open", now, 0, 0
        outbox.ballot_opened(ballot)
    elif ballot.opens_at <= now:
        _open(ballot, now)
    due_cache().forget()
    return ballot


def _add_endorsement_questions(organization, ballot: Ballot, plan: BallotPlan, rules: dict, position: int) -> int:
    """The candidacy and withdrawal questions of a new ballot; returns the last position used."""
    from tracker.models import Endorsement, WithdrawalPetition
    from tracker.services import endorsements as endorsement_service

    seen: set[int] = set()
    for group_ids in plan.endorsement_groups:
        group = [db.session.get(Endorsement, eid) for eid in group_ids]
        if not group or any(e is None or e.organization_id != organization.id for e in group):
            raise BallotError(_("A candidacy on this ballot does not exist."))
        for endorsement in group:
            if endorsement.decision != "pending" or endorsement.id in seen:
                raise BallotError(_("%(name)s is not a pending candidate (or is on this ballot twice).",
                                   name=endorsement.person.name))
            seen.add(endorsement.id)
        position += 1
        where = " ".join(part for part in (group[0].office, f"({group[0].election})") if part)
        if len(group) == 1:
            endorsement = group[0]
            db.session.add(BallotQuestion(
                organization_id=organization.id, ballot_id=ballot.id, position=position, kind="yes_no",
                subject="endorsement", endorsement_id=endorsement.id, majority=rules["endorsement_majority"],
                text=f"Endorse {endorsement.person.name} for {where}?"[:500]))
            continue
        question = BallotQuestion(organization_id=organization.id, ballot_id=ballot.id, position=position, kind="ranked",
                                  subject="endorsement", majority=rules["endorsement_majority"],
                                  text=f"Whom do we endorse for {where}? Rank the candidates you support."[:500])
        db.session.add(question)
        db.session.flush()
        for index, endorsement in enumerate(group, start=1):
            db.session.add(BallotOption(organization_id=organization.id, question_id=question.id, position=index,
                                        label=endorsement.person.name[:300], endorsement_id=endorsement.id))
        db.session.add(BallotOption(organization_id=organization.id, question_id=question.id, position=len(group) + 1,
                                    label=NO_ENDORSEMENT, is_default=True))
    needed = int(rules["petition_signatures"])
    for petition_id in plan.petition_ids:
        petition = db.session.get(WithdrawalPetition, petition_id)
        if petition is None or petition.organization_id != organization.id or petition.status != "open":
            raise BallotError(_("A withdrawal petition on this ballot is not open."))
        if endorsement_service.signature_count(petition) < needed:
            raise BallotError(_("The petition on %(name)s has fewer than %(needed)s signatures.",
                               name=petition.endorsement.person.name, needed=needed))
        position += 1
        endorsement = petition.endorsement
        db.session.add(BallotQuestion(
            organization_id=organization.id, ballot_id=ballot.id, position=position, kind="yes_no", subject="withdrawal",
            endorsement_id=endorsement.id, petition_id=petition.id, majority=rules["withdrawal_majority"],
            text=f"Withdraw our endorsement of {endorsement.person.name} ({endorsement.election})?"[:500]))
        petition.status = "on_ballot"
        outbox.withdrawal_vote(petition, ballot)
    return position


def _proposal_question(proposal: Proposal) -> str:
    if proposal.kind == "new_plank":
        return f"Add the plank {proposal.title!r} (proposal #{proposal.id})?"
    if proposal.kind == "repeal":
        return f"Remove the plank {proposal.title!r} (proposal #{proposal.id})?"
    return f"Adopt the new text of the plank {proposal.title!r} (proposal #{proposal.id})?"


def _option_label(proposal: Proposal) -> str:
    if proposal.kind == "repeal":
        return f"Remove the plank (proposal #{proposal.id})"
    return f"Proposal #{proposal.id}: {proposal.title}"[:300]


def _open(ballot: Ballot, now: datetime) -> bool:
    """scheduled -> open, once: freeze the electorate (active members now) and the quorum."""
    changed = db.session.execute(update(Ballot).where(Ballot.id == ballot.id, Ballot.status == "scheduled")
                                 .values(status="open", opened_at=now)).rowcount
    if changed != 1:
        return False
    entitled = [Member.organization_id == ballot.organization_id, Member.active.is_(True)]
    if ballot.electorate == "committee":
        entitled.append(Member.role.in_(("committee", "admin")))
    db.session.execute(insert(BallotElector).from_select(
        ["ballot_id", "member_id", "organization_id"],
        select(literal(ballot.id), Member.id, literal(ballot.organization_id)).where(*entitled)))
    electorate = db.session.execute(select(func.count()).select_from(BallotElector)
                                    .where(BallotElector.ballot_id == ballot.id)).scalar_one()
    db.session.execute(update(Ballot).where(Ballot.id == ballot.id).values(
        electorate_count=electorate, quorum_needed=core.quorum_needed(electorate, ballot.quorum_fraction)))
    db.session.refresh(ballot)
    audit.record(ballot.organization_id, "ballot.open", ballot, label="system",
                 after={"electorate": electorate, "quorum": ballot.quorum_needed})
    outbox.ballot_opened(ballot)
    return True


# ---------------------------------------------------------------------------------------------
# Voting
# ---------------------------------------------------------------------------------------------

def new_receipt() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _position in range(12))
    return "-".join(code[i:i + 4] for i in range(0, 12, 4))


def is_elector(ballot: Ballot, member: Member) -> BallotElector | None:
    return db.session.get(BallotElector, (ballot.id, member.id))


def check_can_vote(ballot: Ballot, member: Member, now: datetime, status: str | None = None) -> BallotElector:
    """The member's place on the electorate; BallotError says why they cannot vote."""
    status = status or ballot.status
    if ballot.mode != "online":
        raise BallotError(_("This ballot is taken on paper, in the room."))
    if status == "scheduled" or now < ballot.opens_at:
        raise BallotError(_("This ballot opens on %(when)s UTC.", when=format(ballot.opens_at, "%d %B %Y at %H:%M")))
    if status == "closed" or now >= ballot.closes_at:
        raise BallotError(_("This ballot has closed: votes are no longer accepted."))
    elector = is_elector(ballot, member) if member.organization_id == ballot.organization_id else None
    if elector is None:
        raise BallotError(_("Only members in good standing when the ballot opened (%(opened)s) can vote in it, and you "
                            "were not one of them then.", opened=format(ballot.opened_at or ballot.opens_at, "%d %B %Y")))
    return elector


def _parse_ranks(question: BallotQuestion, ranks) -> str | None:
    """Ranks in option order as stored ("1,,2"), or None when nothing is ranked."""
    values = list(ranks or [])
    if len(values) != len(question.options):
        raise BallotError(_("Rank each option of question %(position)s or leave it blank.", position=question.position))
    cleaned = []
    for value in values:
        if value in (None, "", 0, "0"):
            cleaned.append("")
            continue
        try:
            rank = int(value)
        except (TypeError, ValueError):
            raise BallotError(_("%(value)s is not a rank (1, 2, 3 ...).", value=repr(value))) from None
        if not 1 <= rank <= len(question.options):
            raise BallotError(_("Ranks go from 1 to %(count)s.", count=len(question.options)))
        cleaned.append(str(rank))
    return ",".join(cleaned) if any(cleaned) else None


def cast(ballot: Ballot, member: Member, answers: dict[int, object], now: datetime | None = None) -> str:
    """Record the member's choices: ``{question_id: "yes"|"no"|"abstain"}`` for yes/no questions,
    ``{question_id: [rank per option, None for unranked]}`` for ranked ones. A question left out
    (or left blank) is not voted on. Voting again replaces the earlier choices. Returns the
    receipt code (also stored with the choices, and published with them after the close)."""
    now = now or utcnow()
    open_due(now, ballot_id=ballot.id)
    elector = check_can_vote(ballot, member, now, status=_status_for_voting(ballot))
    rows = []
    receipt = new_receipt()
    for question in ballot.questions:
        answer = answers.get(question.id)
        if question.kind == "yes_no":
            if answer in (None, ""):
                continue
            if answer not in YES_NO_CHOICES:
                raise BallotError(_("Answer question %(position)s with yes, no or abstain.", position=question.position))
            rows.append({"organization_id": ballot.organization_id, "question_id": question.id,
                         "member_id": member.id, "choice": answer, "ranks": None,
                         "receipt": receipt, "cast_at": now})
        else:
            ranks = _parse_ranks(question, answer) if answer is not None else None
            if ranks is None:
                continue
            rows.append({"organization_id": ballot.organization_id, "question_id": question.id,
                         "member_id": member.id, "choice": None, "ranks": ranks,
                         "receipt": receipt, "cast_at": now})
    if not rows:
        raise BallotError(_("You have not answered any question yet."))
    upsert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(BallotVote)
    statement = upsert.on_conflict_do_update(
        index_elements=["question_id", "member_id"],
        set_={"choice": upsert.excluded.choice, "ranks": upsert.excluded.ranks, "receipt": upsert.excluded.receipt,
              "cast_at": upsert.excluded.cast_at})
    db.session.execute(statement, rows)
    # A receipt covers all the member's current choices on the ballot.
    db.session.execute(update(BallotVote).where(BallotVote.member_id == member.id,
                                                BallotVote.question_id.in_([q.id for q in ballot.questions]))
                       .values(receipt=receipt))
    db.session.execute(update(BallotElector).where(BallotElector.ballot_id == ballot.id,
                                                   BallotElector.member_id == member.id).values(voted_at=now))
    # The audit log says that the member voted, never how.
    audit.record(ballot.organization_id, "ballot.vote", ballot, member=member,
                 note="changed their vote" if elector.voted_at else "voted")
    return receipt


def _status_for_voting(ballot: Ballot) -> str:
    """The ballot's status read under a shared row lock (PostgreSQL): a close holding the row
    makes a vote wait, then refuse; a vote holding it makes the close wait and count it.
    SQLite lets one writer in at a time anyway."""
    statement = select(Ballot.status).where(Ballot.id == ballot.id)
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(read=True)
    return db.session.execute(statement).scalar_one()


def my_choices(ballot: Ballot, member: Member) -> dict[int, BallotVote]:
    """The member's current choices on an open ballot, by question id (shown back to them only)."""
    return {vote.question_id: vote for vote in db.session.execute(
        select(BallotVote).where(BallotVote.member_id == member.id,
                                 BallotVote.question_id.in_([q.id for q in ballot.questions]))).scalars()}


def turnout(ballot: Ballot) -> dict:
    """How many of the electorate have voted (never how). For the committee's reminders."""
    voted = db.session.execute(select(func.count()).select_from(BallotElector).where(
        BallotElector.ballot_id == ballot.id, BallotElector.voted_at.is_not(None))).scalar_one()
    return {"electorate": ballot.electorate_count or 0, "voted": voted, "quorum": ballot.quorum_needed or 0}


def roll(ballot: Ballot, voted: bool | None = None) -> list[tuple[Member, datetime | None]]:
    """The electorate with when each voted (None: not yet)."""
    statement = (select(Member, BallotElector.voted_at).join(BallotElector, BallotElector.member_id == Member.id)
                 .where(BallotElector.ballot_id == ballot.id).order_by(Member.name, Member.id))
    if voted is True:
        statement = statement.where(BallotElector.voted_at.is_not(None))
    elif voted is False:
        statement = statement.where(BallotElector.voted_at.is_(None))
    return [(member, at) for member, at in db.session.execute(statement).all()]


# ---------------------------------------------------------------------------------------------
# Closing
# ---------------------------------------------------------------------------------------------

class _DueCache:
    """Per process: the earliest time a ballot opens or closes, so a request needs no query
    before then (refreshed at least every ``ttl`` seconds to hear of other workers' ballots)."""

    ttl = 30.0

    def __init__(self) -> None:
        self.next_due: datetime | None = None
        self.checked = 0.0
        self.lock = threading.Lock()

    def forget(self) -> None:
        self.checked = 0.0

    def due(self, now: datetime) -> bool:
        with self.lock:
            if time.monotonic() - self.checked > self.ttl:
                self.next_due = db.session.execute(select(func.min(
                    case((Ballot.status == "scheduled", Ballot.opens_at), else_=Ballot.closes_at)))
                    .where(Ballot.status != "closed", Ballot.mode == "online")).scalar_one()
                self.checked = time.monotonic()
            return self.next_due is not None and self.next_due <= now


def due_cache() -> _DueCache:
    """This app's cache (one per app, so two apps in one process never share it)."""
    return current_app.extensions.setdefault("tracker_ballots_due", _DueCache())


def run_due_if_any(now: datetime | None = None) -> None:
    """Cheap per request: open and close the ballots whose time has come (the first request
    after a closing time closes the ballot; a cron line ``flask ballot close-due`` does too)."""
    now = now or utcnow()
    cache = due_cache()
    if cache.due(now):
        open_due(now)
        close_due(now)
        cache.forget()


def open_due(now: datetime | None = None, ballot_id: int | None = None) -> int:
    """Open every scheduled online ballot whose opening time has come; returns how many."""
    now = now or utcnow()
    statement = select(Ballot).where(Ballot.status == "scheduled", Ballot.mode == "online", Ballot.opens_at <= now)
    if ballot_id is not None:
        statement = statement.where(Ballot.id == ballot_id)
    opened = 0
    for ballot in db.session.execute(statement).scalars().all():
        opened += _open(ballot, now)
    if opened:
        db.session.commit()
    return opened


def close_due(now: datetime | None = None, ballot_id: int | None = None) -> list[int]:
    """Close every open online ballot whose closing time has passed; returns the ids this call
    closed (a ballot another worker closed first is not counted twice)."""
    now = now or utcnow()
    statement = select(Ballot.id).where(Ballot.status == "open", Ballot.mode == "online", Ballot.closes_at <= now)
    if ballot_id is not None:
        statement = statement.where(Ballot.id == ballot_id)
    due = db.session.execute(statement).scalars().all()
    closed = []
    for bid in due:
        if close(db.session.get(Ballot, bid), now):
            closed.append(bid)
    return closed


def close(ballot: Ballot, now: datetime | None = None, actor=None) -> bool:
    """Count and publish, exactly once: True if this call closed the ballot, False if it was not
    open (already closed by another request or worker). Commits."""
    now = now or utcnow()
    ballot_id, organization_id = ballot.id, ballot.organization_id
    if ballot.mode == "online" and now < ballot.closes_at:
        raise BallotError(_("This ballot is still open: it closes by itself at its closing time."))
    if ballot.mode == "paper":
        missing = [q.position for q in ballot.questions if not _paper_ready(q)]
        if missing:
            raise BallotError(_("Enter the count of every question first (questions %(missing)s are missing).",
                              missing=", ".join(map(str, missing))))
    # End any read transaction first, so the conditional UPDATE starts a fresh one (on SQLite a
    # transaction that has read cannot take the write lock after another writer committed).
    db.session.commit()
    try:
        won = db.session.execute(update(Ballot).where(Ballot.id == ballot_id, Ballot.status == "open")
                                 .values(status="closed", closed_at=now)).rowcount == 1
    except OperationalError:
        db.session.rollback()
        return False
    if not won:
        db.session.rollback()
        return False
    ballot = db.session.get(Ballot, ballot_id)
    db.session.refresh(ballot)
    outcomes = {}
    adopted = None
    for question in ballot.questions:
        _count(ballot, question)
        outcomes[question.position] = question.outcome
    _archive_choices(ballot)
    for question in ballot.questions:
        adopted = _apply(ballot, question, now) or adopted
        decided = [question.proposal] if question.subject == "proposal" else \
            [option.proposal for option in question.options] if question.subject == "competing" else []
        for proposal in decided:
            if proposal is not None:
                outbox.proposal_changed(proposal, _decided(ballot, proposal.status))
    audit.record(organization_id, "ballot.close", ballot, member=actor, label="system",
                 after={"outcomes": outcomes, "electorate": ballot.electorate_count})
    outbox.ballot_closed(ballot)
    db.session.commit()
    due_cache().forget()
    if adopted is not None:
        from tracker.services import scores  # the new version's planks carry the alignments: rescore
        scores.recompute(db.session.get(Organization, organization_id))
    return True


def _count(ballot: Ballot, question: BallotQuestion) -> None:
    quorum = ballot.quorum_needed or 0
    if question.kind == "yes_no":
        if ballot.mode == "paper":
            counts = dict(question.paper_counts)
        else:
            counts = dict(db.session.execute(select(BallotVote.choice, func.count()).where(
                BallotVote.question_id == question.id).group_by(BallotVote.choice)).all())
        result = core.tally_yes_no(int(counts.get("yes", 0)), int(counts.get("no", 0)), int(counts.get("abstain", 0)),
                                   quorum=quorum, majority=question.majority)
        question.result = {**result.as_dict(), "electorate": ballot.electorate_count}
        question.outcome = result.outcome
        return
    labels = [option.label for option in question.options]
    default = next((option.label for option in question.options if option.is_default), None)
    if ballot.mode == "paper":
        rows = db.session.execute(select(CastBallot.ranks, CastBallot.weight).where(
            CastBallot.question_id == question.id)).all()
    else:
        rows = db.session.execute(select(BallotVote.ranks, literal(1)).where(
            BallotVote.question_id == question.id)).all()
    ranks, weights = ranks_matrix([r[0] for r in rows], len(labels)), np.array([r[1] for r in rows], dtype=np.int64)
    result = core.tally_ranked(labels, ranks, weights=weights, default=default, quorum=quorum,
                               majority=question.majority)
    question.result = {**result.as_dict(), "electorate": ballot.electorate_count}
    question.outcome = result.result


def ranks_matrix(stored: list[str | None], options: int) -> np.ndarray:
    """Stored rank strings ("1,,2") as an (n, options) integer matrix, 0 for unranked."""
    if not stored:
        return np.zeros((0, options), dtype=np.int64)
    if None in stored or "" in stored:  # nothing ranked: a line of its own, never a blank one
        stored = [text or "0" + "," * (options - 1) for text in stored]
    # pandas' C parser: 20,000 ballots in about 15 ms, where str.split(expand=True) took 40-100 ms.
    cells = pd.read_csv(io.StringIO("\n".join(stored)), header=None, names=range(options), index_col=False,
                        dtype="Int64", skip_blank_lines=False)
    return cells.fillna(0).to_numpy(dtype=np.int64)


def _archive_choices(ballot: Ballot) -> None:
    """Move the choices of the online ballot to CastBallot, ordered by their content (so row ids
    say nothing of who voted when) and, on a secret ballot, without the member; then delete them."""
    question_ids = [q.id for q in ballot.questions]
    if ballot.mode != "online" or not question_ids:
        return
    member = sql_cast(null(), Integer) if ballot.secret else BallotVote.member_id
    db.session.execute(insert(CastBallot).from_select(
        ["organization_id", "question_id", "member_id", "choice", "ranks", "weight", "receipt", "source"],
        select(literal(ballot.organization_id), BallotVote.question_id, member, BallotVote.choice,
               BallotVote.ranks, literal(1), BallotVote.receipt, literal("online"))
        .where(BallotVote.question_id.in_(question_ids))
        .order_by(BallotVote.question_id, BallotVote.choice, BallotVote.ranks, BallotVote.receipt)))
    db.session.execute(db.delete(BallotVote).where(BallotVote.question_id.in_(question_ids)))


def _apply(ballot: Ballot, question: BallotQuestion, now: datetime):
    """What the outcome changes in the program. Returns the version adopted, if any."""
    organization = db.session.get(Organization, ballot.organization_id)
    if question.subject == "proposal" and question.proposal is not None:
        proposal = question.proposal
        if question.outcome == "passed":
            _write_into_draft(organization, proposal, question, now)
        elif question.outcome == "failed":
            proposal.status, proposal.decided_at = "rejected", now
        else:  # no quorum: nothing changes, it may go to another ballot
            proposal.status = "open"
    elif question.subject == "competing":
        winner = (question.result or {}).get("winner")
        for option in question.options:
            if option.proposal is None:
                continue
            if question.outcome == "winner" and option.label == winner:
                _write_into_draft(organization, option.proposal, question, now)
            elif question.outcome in ("winner", "default"):
                option.proposal.status, option.proposal.decided_at = "rejected", now
            else:  # tie or no quorum: nothing changes; the committee may put the tied texts again
                option.proposal.status = "open"
    elif question.subject == "endorsement":
        _apply_endorsement(question, now)
    elif question.subject == "withdrawal" and question.petition is not None:
        from tracker.services import endorsements as endorsement_service
        petition = question.petition
        if question.outcome == "passed" and petition.endorsement.decision == "endorsed":
            endorsement_service.withdraw_support(petition, question, now)
        if question.outcome in ("passed", "failed"):
            petition.status, petition.decided_at = "decided", now
        else:  # no quorum: the petition stands and may go to another ballot
            petition.status = "open"
    elif question.subject == "adoption" and question.outcome == "passed":
        draft = question.version
        if draft is None or draft.status != "draft" or \
                program_service.sha256_text(program_service.version_text(draft)) != question.version_sha256:
            question.result = {**question.result, "note": "Not adopted: the draft changed after the ballot opened."}
            return None
        return program_service.adopt(draft, adopted_at=now)
    return None


def _apply_endorsement(question: BallotQuestion, now: datetime) -> None:
    """Endorsed or declined as the count says; no quorum or a tie leaves candidacies pending."""
    from tracker.services import endorsements as endorsement_service

    if question.kind == "yes_no":
        if question.endorsement is not None and question.outcome in ("passed", "failed"):
            endorsement_service.decide(question.endorsement, "endorsed" if question.outcome == "passed" else "declined",
                                       question, now)
        return
    if question.outcome not in ("winner", "default"):
        return
    winner = (question.result or {}).get("winner")
    for option in question.options:
        if option.endorsement is not None:
            won = question.outcome == "winner" and option.label == winner
            endorsement_service.decide(option.endorsement, "endorsed" if won else "declined", question, now)


def _write_into_draft(organization: Organization, proposal: Proposal, question: BallotQuestion, now: datetime) -> None:
    draft = program_service.ensure_draft(organization, now=now)
    try:
        program_service.apply_proposal(draft, proposal)
    except program_service.ProgramError as error:
        proposal.status = "rejected"
        question.result = {**question.result, "note": str(error)}
    proposal.decided_at = now


# ---------------------------------------------------------------------------------------------
# Paper ballots
# ---------------------------------------------------------------------------------------------

def _paper_ready(question: BallotQuestion) -> bool:
    if question.kind == "yes_no":
        return question.paper_counts is not None
    return db.session.execute(select(func.count()).select_from(CastBallot).where(
        CastBallot.question_id == question.id)).scalar_one() > 0


def _check_paper_open(ballot: Ballot) -> None:
    if ballot.mode != "paper":
        raise BallotError(_("This ballot is taken online."))
    if ballot.status != "open":
        raise BallotError(_("This ballot has closed."))


def record_attendance(ballot: Ballot, member_ids: list[int], actor: Member) -> int:
    """The members present: the electorate and quorum base of a paper ballot."""
    _check_paper_open(ballot)
    counted = db.session.execute(select(func.count()).select_from(TellerCount).join(
        BallotQuestion, BallotQuestion.id == TellerCount.question_id).where(BallotQuestion.ballot_id == ballot.id)).scalar_one()
    if counted:
        raise BallotError(_("Tellers have started counting: the attendance can no longer change."))
    valid = set(db.session.execute(select(Member.id).where(Member.organization_id == ballot.organization_id,
                                                           Member.active.is_(True), Member.id.in_(member_ids or [-1])))
                .scalars())
    db.session.execute(db.delete(BallotElector).where(BallotElector.ballot_id == ballot.id))
    if valid:
        db.session.execute(insert(BallotElector), [{"ballot_id": ballot.id, "member_id": mid,
                                                    "organization_id": ballot.organization_id} for mid in sorted(valid)])
    ballot.electorate_count = len(valid)
    ballot.quorum_needed = core.quorum_needed(len(valid), ballot.quorum_fraction)
    audit.record(ballot.organization_id, "ballot.attendance", ballot, member=actor, after={"present": len(valid)})
    return len(valid)


def enter_teller_count(question: BallotQuestion, teller: Member, yes: int, no: int, abstain: int,
                       now: datetime | None = None) -> str:
    """One teller's count of a paper yes/no question. Returns ``waiting`` (the other teller has
    not entered theirs), ``agreed`` (two tellers entered the same counts: recorded) or
    ``disagree`` (they differ: recount and enter again)."""
    ballot = question.ballot
    _check_paper_open(ballot)
    if question.kind != "yes_no":
        raise BallotError(_("Ranked paper ballots are entered as a file."))
    counts = [int(yes), int(no), int(abstain)]
    if min(counts) < 0:
        raise BallotError(_("Counts cannot be negative."))
    if sum(counts) > (ballot.electorate_count or 0):
        raise BallotError(_("%(count)s ballots but only %(present)s members were recorded present: record the "
                            "attendance first, or recount.", count=sum(counts), present=ballot.electorate_count or 0))
    row = db.session.execute(select(TellerCount).filter_by(question_id=question.id, teller_id=teller.id)).scalar_one_or_none()
    if row is None:
        row = TellerCount(organization_id=ballot.organization_id, question_id=question.id, teller_id=teller.id,
                          yes=counts[0], no=counts[1], abstain=counts[2], entered_at=now or utcnow())
        db.session.add(row)
    else:
        row.yes, row.no, row.abstain, row.entered_at = counts[0], counts[1], counts[2], now or utcnow()
    db.session.flush()
    entries = db.session.execute(select(TellerCount).filter_by(question_id=question.id)).scalars().all()
    audit.record(ballot.organization_id, "ballot.teller_count", question, member=teller,
                 after={"yes": counts[0], "no": counts[1], "abstain": counts[2]})
    others = [e for e in entries if e.teller_id != teller.id]
    if not others:
        question.paper_counts = None
        return "waiting"
    if any([e.yes, e.no, e.abstain] == counts for e in others):
        question.paper_counts = {"yes": counts[0], "no": counts[1], "abstain": counts[2]}
        return "agreed"
    question.paper_counts = None
    return "disagree"


def upload_paper_ballots(question: BallotQuestion, text: str, filename: str, fmt: str | None, actor: Member) -> int:
    """Ranked paper ballots from a CSV or BLT file (``tracker.ballots`` reads both); the file's
    options must be the question's. Replaces an earlier upload. Returns the number of ballots."""
    ballot = question.ballot
    _check_paper_open(ballot)
    if question.kind != "ranked":
        raise BallotError(_("Yes/no paper ballots are counted by two tellers."))
    try:
        options, ranks, weights = core.read_ballot_file(text, filename, fmt)[:3]
    except core.BallotFileError as error:
        raise BallotError(str(error)) from None
    labels = [option.label for option in question.options]
    if sorted(options) != sorted(labels):
        raise BallotError(_("%(file)s: the file's options (%(options)s) are not this question's (%(labels)s).",
                            file=filename, options="; ".join(options), labels="; ".join(labels)))
    total = int(np.asarray(weights).sum())
    if total > (ballot.electorate_count or 0):
        raise BallotError(_("%(file)s holds %(total)s ballots but only %(present)s members were recorded present.",
                            file=filename, total=total, present=ballot.electorate_count or 0))
    order = [options.index(label) for label in labels]
    ranks = np.asarray(ranks)[:, order]
    db.session.execute(db.delete(CastBallot).where(CastBallot.question_id == question.id))
    rows = [{"organization_id": ballot.organization_id, "question_id": question.id, "member_id": None,
             "choice": None, "ranks": ",".join(str(int(r)) if r else "" for r in row), "weight": int(w),
             "receipt": None, "source": "paper"} for row, w in zip(ranks.tolist(), np.asarray(weights).tolist())]
    if rows:
        db.session.execute(insert(CastBallot), rows)
    audit.record(ballot.organization_id, "ballot.paper_upload", question, member=actor,
                 after={"file": filename, "ballots": total})
    return total


def paper_ballot_count(question: BallotQuestion) -> int:
    """How many paper ballots (weights summed) were uploaded for a ranked question."""
    return int(db.session.execute(select(func.coalesce(func.sum(CastBallot.weight), 0)).where(
        CastBallot.question_id == question.id, CastBallot.source == "paper")).scalar_one())


def teller_counts(ballot: Ballot) -> dict[int, list[TellerCount]]:
    """The tellers' entries per question (for the committee's page)."""
    rows = db.session.execute(select(TellerCount).join(BallotQuestion, BallotQuestion.id == TellerCount.question_id)
                              .where(BallotQuestion.ballot_id == ballot.id).order_by(TellerCount.entered_at)).scalars()
    entries: dict[int, list[TellerCount]] = {}
    for row in rows:
        entries.setdefault(row.question_id, []).append(row)
    return entries


def close_paper(ballot: Ballot, actor: Member, now: datetime | None = None) -> bool:
    """The committee closes a paper ballot once every question is counted."""
    _check_paper_open(ballot)
    return close(ballot, now, actor=actor)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def cast_ballots(question: BallotQuestion) -> list[CastBallot]:
    """The counted ballots of a closed question (named ballots carry the member)."""
    if question.ballot.status != "closed":
        return []
    return db.session.execute(select(CastBallot).where(CastBallot.question_id == question.id)
                              .order_by(CastBallot.id)).scalars().all()


def find_receipt(ballot: Ballot, receipt: str) -> list[CastBallot]:
    """After the close, the counted choices carrying this receipt code (any member can check theirs)."""
    if ballot.status != "closed":
        return []
    code = (receipt or "").strip().upper()
    return db.session.execute(select(CastBallot).where(
        CastBallot.question_id.in_([q.id for q in ballot.questions]), CastBallot.receipt == code)
        .order_by(CastBallot.question_id)).scalars().all()


def needs(member: Member, now: datetime | None = None) -> dict:
    """What needs this member: open ballots they have not voted in, proposals short of
    co-sponsors (not theirs, not already backed), and the discussions they took part in."""
    now = now or utcnow()
    org = member.organization
    needed = int(settings(org)["cosponsors_needed"])
    to_vote = db.session.execute(
        select(Ballot).join(BallotElector, BallotElector.ballot_id == Ballot.id)
        .where(BallotElector.member_id == member.id, BallotElector.voted_at.is_(None), Ballot.status == "open",
               Ballot.mode == "online", Ballot.closes_at > now)
        .order_by(Ballot.closes_at)).scalars().all()
    counts = select(Cosponsor.proposal_id, func.count().label("n")).group_by(Cosponsor.proposal_id).subquery()
    mine = select(Cosponsor.proposal_id).where(Cosponsor.member_id == member.id)
    short = db.session.execute(
        select(Proposal, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.proposal_id == Proposal.id)
        .where(Proposal.organization_id == org.id, Proposal.status == "open",
               func.coalesce(counts.c.n, 0) < needed, Proposal.proposed_by_id != member.id,
               Proposal.id.not_in(mine))
        .order_by(Proposal.created_at.desc()).limit(20)).all()
    took_part = (select(ProposalComment.proposal_id).where(ProposalComment.member_id == member.id)
                 .union(select(Proposal.id).where(Proposal.proposed_by_id == member.id)))
    last_reply = (select(ProposalComment.proposal_id, func.max(ProposalComment.created_at).label("at"),
                         func.count().label("messages"))
                  .group_by(ProposalComment.proposal_id).subquery())
    threads = db.session.execute(
        select(Proposal, last_reply.c.at, func.coalesce(last_reply.c.messages, 0))
        .outerjoin(last_reply, last_reply.c.proposal_id == Proposal.id)
        .where(Proposal.organization_id == org.id, Proposal.id.in_(took_part))
        .order_by(func.coalesce(last_reply.c.at, Proposal.created_at).desc()).limit(20)).all()
    return {"to_vote": to_vote, "short_of_cosponsors": short, "needed": needed, "threads": threads}


def voting_window_default(organization: Organization, now: datetime | None = None) -> tuple[datetime, datetime]:
    now = (now or utcnow()).replace(second=0, microsecond=0)
    return now, now + timedelta(days=int(settings(organization)["ballot_days"]))


def current_draft(organization: Organization) -> ProgramVersion | None:
    return program_service.draft_version(organization.id)


def _decided(ballot: Ballot, status: str) -> dict:
    """What a closed ballot did to a proposal, as a phrase its followers read in their language."""
    if status == "open":
        return N_("was decided in the ballot “%(ballot)s”: back to open", ballot=ballot.title)
    if status == "passed":
        return N_("was decided in the ballot “%(ballot)s”: passed", ballot=ballot.title)
    if status == "adopted":
        return N_("was decided in the ballot “%(ballot)s”: adopted", ballot=ballot.title)
    if status == "rejected":
        return N_("was decided in the ballot “%(ballot)s”: rejected", ballot=ballot.title)
    return N_("was decided in the ballot “%(ballot)s”: %(outcome)s", ballot=ballot.title,
              outcome=status.replace("_", " "))
