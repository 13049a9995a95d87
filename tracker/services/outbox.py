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
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import get_locale, gettext
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


# --- words: an event's title and summary in each reader's language ------------------------------
# An event is written once, in English (title, summary), and with the phrases that make them
# (data["words"]): a message id and its values, so each follower's mail and each feed reads it in
# their language. A value is text, a number, a nested phrase, a list of phrases (joined with "; "),
# or a day/amount {"en": English text, "day": ISO date | "cents": n} written the reader's way.

def N_(msgid: str, **values) -> dict:
    """A phrase to say later in the reader's language (the message id is extracted for translation)."""
    return {"m": msgid, "v": values}


def _say(value, translate: bool):
    if isinstance(value, list):
        return "; ".join(_say(item, translate) for item in value)
    if isinstance(value, dict) and "m" in value:
        message = gettext(value["m"]) if translate else value["m"]
        values = {key: _say(item, translate) for key, item in value["v"].items()}
        return message % values if values else message
    if isinstance(value, dict) and "en" in value:
        english = not translate or (get_locale() is None or get_locale().language == "en")
        if english:
            return value["en"]
        from tracker import i18n
        if "cents" in value:
            return i18n.money(value["cents"])
        text = value["day"]
        return i18n.day(datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text))
    return str(value)


def english(phrase) -> str:
    return _say(phrase, translate=False)


@dataclass
class Words:
    title: str
    summary: str


def event_words(event: OutboxEvent) -> Words:
    """An event's title and summary in the current language (flask_babel's locale: the request's,
    or a follower's under force_locale); events written before phrases were kept read as written."""
    return words_of(event.title, event.summary, event.data)


def words_of(title: str, summary: str, data) -> Words:
    words = data.get("words") if isinstance(data, dict) else None
    if not words:
        return Words(title, summary)
    return Words(_say(words["title"], True)[:300], _say(words["summary"], True))


def record(organization_id: int, kind: str, *, title, summary, path: str,
           subjects: list[tuple[str, str]], data: dict | None = None, occurred_at: datetime | None = None) -> OutboxEvent:
    """Add an event to the session (committed, or rolled back, with the change it reports). The
    title and summary are phrases (N_) or plain text."""
    if not isinstance(title, str) or not isinstance(summary, str):
        data = dict(data or {}, words={"title": title, "summary": summary})
        title, summary = english(title), english(summary)
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

_NOTES = {"money clause violation": N_("money clause violation")}  # services/flags.py MONEY_BROKEN_NOTE


def pledge_broken(pledge: Pledge, note: str = "") -> OutboxEvent:
    """A pledge turned broken: the evidence is the person's published flags (money page)."""
    person = db.session.get(Person, pledge.person_id)
    flags = db.session.execute(select(Flag).where(Flag.person_id == person.id, Flag.publication == "published",
                                                  Flag.status == "violation", Flag.net_cents > 0)
                               .order_by(Flag.id)).scalars().all()
    evidence = [_flag_line(flag) for flag in flags]
    summary = N_("%(name)s's pledge to the program is broken (%(note)s).", name=person.name,
                 note=_NOTES.get(note, note) or N_("see the evidence"))
    if evidence:
        summary = N_("%(broken)s Evidence: %(lines)s", broken=summary, lines=evidence)
    return record(pledge.organization_id, "pledge.broken", title=N_("%(name)s broke the pledge", name=person.name),
                  summary=summary, path=path_for("money_pages.person_money", person_id=person.id),
                  subjects=person_subjects([person.id]),
                  data={"person_id": person.id, "pledge_id": pledge.id, "flags": [f.id for f in flags]})


def pledge_withdrawn(pledge: Pledge, reason: str = "") -> OutboxEvent:
    person = db.session.get(Person, pledge.person_id)
    summary = (N_("%(name)s's pledge was withdrawn: %(reason)s", name=person.name, reason=reason) if reason
               else N_("%(name)s's pledge was withdrawn.", name=person.name))
    return record(pledge.organization_id, "pledge.withdrawn",
                  title=N_("%(name)s's pledge withdrawn", name=person.name),
                  summary=summary, path=path_for("candidates.pledge_page", pledge_id=pledge.id),
                  subjects=person_subjects([person.id]), data={"person_id": person.id, "pledge_id": pledge.id})


def _flag_line(flag: Flag) -> dict:
    filed = (flag.evidence or {}).get("filed") or {}
    where = filed.get("source_file") or filed.get("source") or N_("filing")
    amount = {"en": "${:,.2f}".format(flag.net_cents / 100), "cents": flag.net_cents}
    return N_("%(donor)s %(amount)s on %(date)s (%(file)s line %(line)s)",
              donor=filed.get("donor_name") or N_("a donor"),
              amount=amount,
              date=str(filed.get("received_on")), file=where, line=str(filed.get("source_line")))


def corporate_money_flagged(flag: Flag) -> OutboxEvent:
    """A flag (a violation of a money clause) is published: public from now on."""
    person = db.session.get(Person, flag.person_id)
    return record(flag.organization_id, "flag.corporate_money",
                  title=N_("Corporate money flagged: %(name)s", name=person.name),
                  summary=N_("A contribution to %(name)s is flagged as corporate money: %(line)s.", name=person.name,
                             line=_flag_line(flag)),
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
    what = (roll_call.title or roll_call.question or roll_call.motion
            or N_("roll call %(id)s", id=str(roll_call.source_id)))
    lines = [f"{name}: {position}" for _, name, position in rows]
    voted_on = {"en": roll_call.voted_on.strftime("%d %b %Y"), "day": roll_call.voted_on.isoformat()}
    summary = N_("Vote of %(date)s on %(what)s, scored on the plank %(plank)s (the plank's side: %(side)s).",
                 date=voted_on, what=what, plank=repr(plank.title), side=_word(pro_position))
    if lines:
        summary = N_("%(vote)s How they voted: %(lines)s", vote=summary, lines="; ".join(lines))
    return record(roll_call.organization_id, "roll_call.aligned",
                  title=N_("Scored on %(plank)s: %(what)s", plank=plank.title, what=what),
                  summary=summary, path=path_for("scorecards.roll_call", roll_call_id=roll_call.id),
                  subjects=[("plank", plank.key)] + person_subjects(p for p, _, _ in rows),
                  data={"roll_call_id": roll_call.id, "plank_key": plank.key, "pro_position": pro_position,
                        "votes": votes})


def _word(text: str) -> dict:
    """A word another module marks for translation (a score band, a vote position): read in the
    reader's language when the catalogue has it, else as written."""
    return {"m": text, "v": {}}


def score_band_crossed(organization_id: int, person_id: int, name: str, before: str, after: str,
                       score: float | None) -> OutboxEvent:
    shown = f" ({score:.0f})" if score is not None else ""
    return record(organization_id, "score.band", title=N_("%(name)s: now “%(band)s”", name=name, band=_word(after)),
                  summary=N_("%(name)s's score%(score)s moved from “%(before)s” to “%(after)s”.", name=name,
                             score=shown, before=_word(before), after=_word(after)),
                  path=path_for("scorecards.official", person_id=person_id), subjects=person_subjects([person_id]),
                  data={"person_id": person_id, "before": before, "after": after})


# --- members' events ------------------------------------------------------------------------------

def ballot_opened(ballot: Ballot) -> OutboxEvent:
    closes = {"en": ballot.closes_at.strftime("%d %b %Y %H:%M"), "day": ballot.closes_at.isoformat()}
    return record(ballot.organization_id, "ballot.opened", title=N_("Ballot open: %(title)s", title=ballot.title),
                  summary=N_("The ballot “%(title)s” is open until %(when)s UTC.", title=ballot.title, when=closes),
                  path=path_for("voting.ballot", ballot_id=ballot.id), subjects=[("members", "")],
                  data={"ballot_id": ballot.id})


def ballot_closed(ballot: Ballot) -> OutboxEvent:
    outcomes = "; ".join(f"{q.text} {q.outcome or ''}".strip() for q in ballot.questions)
    summary = (N_("The ballot “%(title)s” has closed. %(outcomes)s", title=ballot.title, outcomes=outcomes)
               if outcomes else N_("The ballot “%(title)s” has closed.", title=ballot.title))
    return record(ballot.organization_id, "ballot.closed", title=N_("Ballot closed: %(title)s", title=ballot.title),
                  summary=summary, path=path_for("voting.ballot", ballot_id=ballot.id), subjects=[("members", "")],
                  data={"ballot_id": ballot.id})


def proposal_changed(proposal: Proposal, what) -> OutboxEvent:
    """To the proposal's author and co-sponsors (their own addresses). ``what`` is a phrase (N_)
    from the service that changed the proposal, or English text."""
    member_ids = set(db.session.execute(select(Cosponsor.member_id).where(Cosponsor.proposal_id == proposal.id))
                     .scalars())
    if proposal.proposed_by_id:
        member_ids.add(proposal.proposed_by_id)
    return record(proposal.organization_id, "proposal.changed",
                  title=N_("Proposal #%(id)s: %(what)s", id=str(proposal.id), what=what),
                  summary=N_("Proposal #%(id)s “%(title)s” %(what)s.", id=str(proposal.id), title=proposal.title,
                             what=what),
                  path=path_for("program.proposal", proposal_id=proposal.id),
                  subjects=[("member", str(m)) for m in sorted(member_ids)],
                  data={"proposal_id": proposal.id, "status": proposal.status})


def withdrawal_vote(petition: WithdrawalPetition, ballot: Ballot) -> OutboxEvent:
    endorsement = petition.endorsement
    name = endorsement.person.name
    return record(petition.organization_id, "endorsement.withdrawal_vote",
                  title=N_("Withdrawal vote: %(name)s", name=name),
                  summary=N_("Members vote on withdrawing the endorsement of %(name)s (%(election)s) in the "
                             "ballot “%(ballot)s”.", name=name, election=endorsement.election, ballot=ballot.title),
                  path=path_for("candidates.petition", petition_id=petition.id), subjects=[("members", "")],
                  data={"petition_id": petition.id, "ballot_id": ballot.id})
