"""The outbox: services write what followers are told about here, in the transaction of the change.

Each writer adds an OutboxEvent and its subjects (the follow targets it concerns) to the session;
nothing is committed here, so a change that rolls back takes its event with it, and a change that
commits cannot lose its event. services/notifications.py fans events out and sends them later.

Subjects: ("organization", ""), ("person", "<id>"), ("plank", "<plank key>"), ("election",
"<slug>") are public (and feed the Atom feeds); ("members", "") and ("member", "<member id>") are
for members' addresses only.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import (Ballot, Cosponsor, Endorsement, Flag, OutboxEvent, OutboxSubject, Person, Plank, Pledge,
                            Proposal, RollCall, VotePosition, WithdrawalPetition)
from tracker.models.base import utcnow

EVENT_KINDS = ("pledge.broken", "pledge.withdrawn", "flag.corporate_money", "roll_call.aligned", "score.band",
               "ballot.opened", "ballot.closed", "proposal.changed", "endorsement.withdrawal_vote")
MEMBERS_ONLY_KINDS = ("ballot.opened", "ballot.closed", "proposal.changed", "endorsement.withdrawal_vote")


def path_for(endpoint: str, **values) -> str:
    """The site path of a page, without a request (events are also written by commands and workers)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def election_slug(election: str) -> str:
    # The same slug as services/endorsements.election_slug (not imported: that module imports this one).
    return "-".join(re.findall(r"[a-z0-9]+", (election or "").lower())) or "election"


def person_subjects(person_ids) -> list[tuple[str, str]]:
    """A person's subjects: the person, and each election whose slate they are on (endorsed, or
    endorsed then withdrawn: what the slate page shows)."""
    person_ids = sorted({int(p) for p in person_ids if p is not None})
    subjects = [("person", str(p)) for p in person_ids]
    if person_ids:
        elections = db.session.execute(select(Endorsement.election).where(
            Endorsement.person_id.in_(person_ids), Endorsement.decision.in_(("endorsed", "withdrawn")))
            .distinct()).scalars()
        subjects += sorted({("election", election_slug(e)) for e in elections})
    return subjects


def record(organization_id: int, kind: str, *, title: str, summary: str, path: str,
           subjects: list[tuple[str, str]], data: dict | None = None, occurred_at: datetime | None = None) -> OutboxEvent:
    """Add an event to the session (committed, or rolled back, with the change it reports)."""
    members_only = kind in MEMBERS_ONLY_KINDS
    if not members_only:
        subjects = [("organization", "")] + list(subjects)
    event = OutboxEvent(organization_id=organization_id, kind=kind, title=title[:300], summary=summary, path=path,
                        data=data, members_only=members_only, occurred_at=occurred_at or utcnow())
    for subject_kind, key in dict.fromkeys(subjects):  # in order, once each
        event.subjects.append(OutboxSubject(organization_id=organization_id, kind=subject_kind, key=str(key)))
    db.session.add(event)
    return event


# --- public events --------------------------------------------------------------------------------

def pledge_broken(pledge: Pledge, note: str = "") -> OutboxEvent:
    """A pledge turned broken: the evidence is the person's published flags (money page)."""
    person = db.session.get(Person, pledge.person_id)
    flags = db.session.execute(select(Flag).where(Flag.person_id == person.id, Flag.publication == "published",
                                                  Flag.status == "violation", Flag.net_cents > 0)
                               .order_by(Flag.id)).scalars().all()
    evidence = [_flag_line(flag) for flag in flags]
    summary = f"{person.name}'s pledge to the program is broken ({note or 'see the evidence'})."
    if evidence:
        summary += " Evidence: " + "; ".join(evidence)
    return record(pledge.organization_id, "pledge.broken", title=f"{person.name} broke the pledge",
                  summary=summary, path=path_for("money_pages.person_money", person_id=person.id),
                  subjects=person_subjects([person.id]),
                  data={"person_id": person.id, "pledge_id": pledge.id, "flags": [f.id for f in flags]})


def pledge_withdrawn(pledge: Pledge, reason: str = "") -> OutboxEvent:
    person = db.session.get(Person, pledge.person_id)
    summary = f"{person.name}'s pledge was withdrawn" + (f": {reason}" if reason else ".")
    return record(pledge.organization_id, "pledge.withdrawn", title=f"{person.name}'s pledge withdrawn",
                  summary=summary, path=path_for("candidates.pledge_page", pledge_id=pledge.id),
                  subjects=person_subjects([person.id]), data={"person_id": person.id, "pledge_id": pledge.id})


def _flag_line(flag: Flag) -> str:
    filed = (flag.evidence or {}).get("filed") or {}
    where = filed.get("source_file") or filed.get("source") or "filing"
    return (f"{filed.get('donor_name') or 'a donor'} ${flag.net_cents / 100:,.2f} on {filed.get('received_on')} "
            f"({where} line {filed.get('source_line')})")


def corporate_money_flagged(flag: Flag) -> OutboxEvent:
    """A flag (a violation of a money clause) is published: public from now on."""
    person = db.session.get(Person, flag.person_id)
    return record(flag.organization_id, "flag.corporate_money",
                  title=f"Corporate money flagged: {person.name}",
                  summary=f"A contribution to {person.name} is flagged as corporate money: {_flag_line(flag)}.",
                  path=path_for("money_pages.person_money", person_id=person.id),
                  subjects=person_subjects([person.id]),
                  data={"person_id": person.id, "flag_id": flag.id, "net_cents": flag.net_cents})


def roll_call_aligned(roll_call: RollCall, plank: Plank, pro_position: str) -> OutboxEvent:
    """A roll call now counts on a plank: how each official voted on it."""
    rows = db.session.execute(select(VotePosition.person_id, Person.name, VotePosition.position)
                              .join(Person, Person.id == VotePosition.person_id)
                              .where(VotePosition.roll_call_id == roll_call.id)
                              .order_by(Person.sort_name)).all()
    votes = {str(person_id): position for person_id, _, position in rows}
    what = roll_call.title or roll_call.question or roll_call.motion or f"roll call {roll_call.source_id}"
    lines = [f"{name}: {position}" for _, name, position in rows]
    summary = (f"Vote of {roll_call.voted_on:%d %b %Y} on {what}, scored on the plank {plank.title!r} "
               f"(the plank's side: {pro_position}). " + ("How they voted: " + "; ".join(lines) if lines else ""))
    return record(roll_call.organization_id, "roll_call.aligned", title=f"Scored on {plank.title}: {what}"[:300],
                  summary=summary.strip(), path=path_for("scorecards.roll_call", roll_call_id=roll_call.id),
                  subjects=[("plank", plank.key)] + person_subjects(p for p, _, _ in rows),
                  data={"roll_call_id": roll_call.id, "plank_key": plank.key, "pro_position": pro_position,
                        "votes": votes})


def score_band_crossed(organization_id: int, person_id: int, name: str, before: str, after: str,
                       score: float | None) -> OutboxEvent:
    shown = f" ({score:.0f})" if score is not None else ""
    return record(organization_id, "score.band", title=f"{name}: now “{after}”",
                  summary=f"{name}'s score{shown} moved from “{before}” to “{after}”.",
                  path=path_for("scorecards.official", person_id=person_id), subjects=person_subjects([person_id]),
                  data={"person_id": person_id, "before": before, "after": after})


# --- members' events ------------------------------------------------------------------------------

def ballot_opened(ballot: Ballot) -> OutboxEvent:
    return record(ballot.organization_id, "ballot.opened", title=f"Ballot open: {ballot.title}",
                  summary=f"The ballot “{ballot.title}” is open until {ballot.closes_at:%d %b %Y %H:%M} UTC.",
                  path=path_for("voting.ballot", ballot_id=ballot.id), subjects=[("members", "")],
                  data={"ballot_id": ballot.id})


def ballot_closed(ballot: Ballot) -> OutboxEvent:
    outcomes = "; ".join(f"{q.text} {q.outcome or ''}".strip() for q in ballot.questions)
    return record(ballot.organization_id, "ballot.closed", title=f"Ballot closed: {ballot.title}",
                  summary=f"The ballot “{ballot.title}” has closed. {outcomes}".strip(),
                  path=path_for("voting.ballot", ballot_id=ballot.id), subjects=[("members", "")],
                  data={"ballot_id": ballot.id})


def proposal_changed(proposal: Proposal, what: str) -> OutboxEvent:
    """To the proposal's author and co-sponsors (their own addresses)."""
    member_ids = set(db.session.execute(select(Cosponsor.member_id).where(Cosponsor.proposal_id == proposal.id))
                     .scalars())
    if proposal.proposed_by_id:
        member_ids.add(proposal.proposed_by_id)
    return record(proposal.organization_id, "proposal.changed", title=f"Proposal #{proposal.id}: {what}",
                  summary=f"Proposal #{proposal.id} “{proposal.title}” {what}.",
                  path=path_for("program.proposal", proposal_id=proposal.id),
                  subjects=[("member", str(m)) for m in sorted(member_ids)],
                  data={"proposal_id": proposal.id, "status": proposal.status})


def withdrawal_vote(petition: WithdrawalPetition, ballot: Ballot) -> OutboxEvent:
    endorsement = petition.endorsement
    name = endorsement.person.name
    return record(petition.organization_id, "endorsement.withdrawal_vote",
                  title=f"Withdrawal vote: {name}",
                  summary=f"Members vote on withdrawing the endorsement of {name} ({endorsement.election}) in the "
                          f"ballot “{ballot.title}”.",
                  path=path_for("candidates.petition", petition_id=petition.id), subjects=[("members", "")],
                  data={"petition_id": petition.id, "ballot_id": ballot.id})
