"""Test data for the scorecards, alignments, API and badge tests (not a test module itself).

`scored_world(org)` builds a council with stored scores the way the scoring core stores them;
`load_house_roll_call(org, path)` reads the real House Clerk roll-call XML (defusedxml) into a
RollCall with every member's recorded position, so pages are tested on real values.
"""
from datetime import date, datetime
from types import SimpleNamespace

from defusedxml import ElementTree

from imports.vote_options import canonical_position
from tests.factories import make_body, make_person, make_program, make_roll_call, make_term
from tracker.extensions import db
from tracker.models import (Alignment, Committee, Contribution, Flag, Pledge, PledgeClause, RollCall,
                            VotePosition)
from tracker.services import scores
from tracker.services.votes import voter_for


def scored_world(org, people: int = 3, with_money: bool = True, plank_titles: list[str] | None = None):
    """A council of `people` officials, 5 approved alignments on 2 planks, and their stored scores.

    Official i votes yes on roll call n unless (n + i) % 3 == 0; roll call 1 weighs 2. So A agrees
    on 3 of 6 points (50), B on 5 of 6 (83.33 -> 83), C on 4 of 6 (66.67 -> 67).
    """
    version = make_program(org, planks=3, titles=plank_titles)
    planks = version.planks
    body = make_body(org, name="Harbor Council")
    persons = [make_person(org, name=f"Official {chr(65 + i)}", ids={"local": f"off-{org.id}-{i}"})
               for i in range(people)]
    for i, person in enumerate(persons):
        make_term(org, person, body, start_on=date(2020, 1, 1), office="Councilmember" if i else "Mayor",
                  district=str(i + 1))
    roll_calls = []
    for n in range(5):
        rc = make_roll_call(org, body, voted_on=date(2024, 2 + n, 1), title=f"Ordinance {n + 1}",
                            source_url=f"https://council.example.gov/votes/{n + 1}", result="Passed",
                            yes_count=2, no_count=1)
        roll_calls.append(rc)
        db.session.add(Alignment(organization_id=org.id, roll_call_id=rc.id, plank_id=planks[n % 2].id,
                                 pro_position="yes", weight=2 if n == 0 else 1, rationale="keeps it",
                                 status="approved"))
        for i, person in enumerate(persons):
            position = "yes" if (n + i) % 3 else "no"
            db.session.add(VotePosition(organization_id=org.id, roll_call_id=rc.id, person_id=person.id,
                                        voter=voter_for(org.id, f"local:{person.id}", person.name),
                                        raw_label=position.capitalize(), position=position))
    db.session.flush()
    db.session.commit()
    scores.recompute(org)  # the scoring core stores the scores the pages read
    if with_money:
        for i, person in enumerate(persons):
            committee = Committee(organization_id=org.id, source="local", committee_id=f"C-{org.id}-{i}",
                                  name=f"{person.name} for Council", person_id=person.id)
            db.session.add(committee)
            for line, (cls, cents) in enumerate([("individual", 25000), ("corporate_pac", 100000 * (i + 1)),
                                                 ("business_entity", 50000)], start=2):
                db.session.add(Contribution(organization_id=org.id, source="test", source_key=f"{i}:{line}",
                                            source_file="form460.csv", source_line=line, tran_id=f"T{i}{line}",
                                            recipient_committee_id=committee.committee_id,
                                            donor_name="=HYPERLINK(\"x\")" if cls == "business_entity" else f"Donor {line}",
                                            amount_cents=cents, received_on=date(2024, 3, line), donor_class=cls))
    db.session.commit()
    return SimpleNamespace(version=version, planks=planks, body=body, people=persons, roll_calls=roll_calls)


def sign_pledge(org, person, version, status="signed"):
    """A pledge with a no_corporate_money clause; returns (pledge, clause)."""
    pledge = Pledge(organization_id=org.id, person_id=person.id, program_version_id=version.id, text="I pledge.",
                    text_sha256="a" * 64, status=status, signed_name=person.name,
                    signed_at=datetime(2024, 1, 15) if status != "pending" else None)
    db.session.add(pledge)
    db.session.flush()
    clause = PledgeClause(organization_id=org.id, pledge_id=pledge.id, kind="no_corporate_money",
                          params={"cure_days": 30})
    db.session.add(clause)
    db.session.commit()
    return pledge, clause


def add_flag(org, person, clause, publication="published", status="violation"):
    contribution = db.session.execute(
        db.select(Contribution).join(Committee, Committee.committee_id == Contribution.recipient_committee_id)
        .where(Committee.person_id == person.id, Contribution.donor_class == "corporate_pac")).scalar_one()
    flag = Flag(organization_id=org.id, pledge_clause_id=clause.id, contribution_id=contribution.id,
                person_id=person.id, status=status, amount_cents=contribution.amount_cents,
                net_cents=contribution.amount_cents, evidence={"rule": "org_tp_c", "source_line": 3},
                publication=publication)
    db.session.add(flag)
    db.session.commit()
    return flag


def load_house_roll_call(org, path):
    """The real House Clerk XML as a RollCall with every recorded position (raw label kept)."""
    tree = ElementTree.parse(path)
    meta = tree.find("vote-metadata")
    body = make_body(org, name="U.S. House of Representatives", kind="lower", seats=435)
    number = meta.findtext("rollcall-num")
    roll_call = RollCall(organization_id=org.id, body_id=body.id,
                         voted_on=datetime.strptime(meta.findtext("action-date"), "%d-%b-%Y").date(),
                         source="house-clerk", source_id=f"house-2025-{number}",
                         source_url=f"https://clerk.house.gov/evs/2025/roll{number}.xml",
                         motion=meta.findtext("legis-num"), title=meta.findtext("vote-desc"),
                         question=meta.findtext("vote-question"), result=meta.findtext("vote-result"))
    db.session.add(roll_call)
    db.session.flush()
    people = {}
    for recorded in tree.iter("recorded-vote"):
        legislator = recorded.find("legislator")
        bioguide = legislator.get("name-id")
        person = make_person(org, name=legislator.get("unaccented-name") or legislator.text, ids={"bioguide": bioguide})
        make_term(org, person, body, start_on=date(2025, 1, 3), office="Representative",
                  district=legislator.get("state"), party=legislator.get("party"))
        people[bioguide] = person
        label = recorded.findtext("vote")
        db.session.add(VotePosition(organization_id=org.id, roll_call_id=roll_call.id, person_id=person.id,
                                    voter=voter_for(org.id, f"bioguide:{bioguide}", legislator.text),
                                    raw_label=label, position=canonical_position(label)))
    db.session.commit()
    return roll_call, people
