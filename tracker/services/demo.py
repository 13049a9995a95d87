"""The demo organization: a realistic, deterministic data set built by our own code.

A fictional independent organization in a fictional city with a 7-seat council: an adopted
program, two years of roll calls, alignments, campaign money (individuals, businesses, a
corporate PAC, a union, a refund) and two endorsed candidates with signed pledges.
"""
import random
from datetime import date, datetime, timedelta

from tracker.extensions import db
from imports.vote_options import canonical_position
from tracker.models import (Alignment, AuditEvent, Ballot, Body, Committee, Contribution, Endorsement, ImportRowError, Questionnaire,
                            ImportRun, Member, Organization, Person, PersonIdentifier, Plank, Pledge, PledgeClause,
                            Program, ProgramVersion, QuestionnaireAnswer, RollCall, Term, Voter,
                            VotePosition, Flag)
from tracker.models.base import OrgScoped, utcnow
from tracker.services import ballots, endorsements, flags, pledges, proposals, scores
from tracker.services import program as program_service

DEMO_SLUG = "harbor-city-progressive-alliance"
DEMO_PASSWORD = "demo-password-1"
# When the committee told the flagged candidates (after the last demo receipt, 2024-10-28).
DEMO_NOTICE_AT = datetime(2024, 11, 12, 18, 0)

PLANKS = [
    # (category, tier, title, body)
    ("Housing", "minimum", "Rent stabilization for every rental home",
     "Cap annual rent increases at 60% of inflation, with a rent board elected by tenants."),
    ("Housing", "minimum", "Just-cause eviction protection",
     "No eviction without one of the causes listed in the ordinance; relocation aid when a landlord moves in."),
    ("Housing", "maximum", "Social housing for all who need it",
     "Public, mixed-income, permanently affordable homes built and run by a city housing authority."),
    ("Environment", "minimum", "Tax the refinery's emissions",
     "A per-ton levy on the refinery's local pollution, paid into a fund governed by fence-line neighbors."),
    ("Environment", "maximum", "A just transition off fossil fuels by 2040",
     "A binding plan to close fossil infrastructure with full wage and pension guarantees for its workers."),
    ("Public safety", "minimum", "Fund community crisis response",
     "Send trained unarmed responders to mental-health calls; fund them from the police overtime budget."),
    ("Public safety", "minimum", "Civilian police oversight with subpoena power",
     "An elected commission that can compel records and testimony."),
    ("Labor", "minimum", "A $25 city minimum wage",
     "Phase in a minimum wage of $25 an hour, indexed to inflation, with no sub-minimum for tips."),
    ("Labor", "maximum", "Public ownership of essential services",
     "Bring waste, water and broadband back into public hands, run by workers and users."),
    ("Democracy", "minimum", "Public financing of city elections",
     "Democracy vouchers for every resident; candidates who take them accept a limit on private money."),
    ("Democracy", "minimum", "No corporate money in city elections",
     "Ban contributions from business entities and their PACs to city candidates."),
    ("Transit", "minimum", "Fare-free buses",
     "No fares on city and regional buses inside the city, paid from the general fund."),
    ("Budget", "maximum", "Participatory budgeting of 10% of the budget",
     "Residents decide a tenth of the city's discretionary budget in neighborhood assemblies."),
]

COUNCIL = [
    # name, ideology (1 = always with the program), joins, leaves
    ("Ana Morales", 0.93, date(2022, 12, 6), None),
    ("Darnell Brooks", 0.88, date(2022, 12, 6), None),
    ("Grace Liu", 0.55, date(2020, 12, 1), None),
    ("Thomas Keane", 0.25, date(2020, 12, 1), None),
    ("Priya Raman", 0.70, date(2022, 12, 6), None),
    ("Robert Haines", 0.15, date(2018, 12, 4), date(2024, 12, 2)),
    ("Luis Ortega", 0.35, date(2020, 12, 1), None),
    ("Naomi Fischer", 0.80, date(2024, 12, 3), None),  # won Haines's seat
]

MOTIONS = [
    ("Rent stabilization ordinance amendments", 0), ("Just-cause eviction update", 1),
    ("Social housing authority feasibility study", 2), ("Refinery emissions levy ballot measure", 3),
    ("Fossil fuel phase-out resolution", 4), ("Crisis response pilot funding", 5),
    ("Police oversight commission charter", 6), ("Minimum wage ordinance", 7),
    ("Municipal broadband study", 8), ("Democracy vouchers ordinance", 9),
    ("Ban on business contributions", 10), ("Fare-free bus pilot", 11),
    ("Participatory budgeting cycle", 12), ("Police overtime budget increase", 5),
    ("Warehouse rezoning near the port", 3), ("Luxury condo tax abatement", 0),
    ("Sale of city land to a private developer", 2), ("Contract with private waste hauler", 8),
]
NEUTRAL = ["Approve consent calendar", "Street naming for a community elder", "Library hours extension",
           "Sister-city agreement", "Park playground renewal", "Traffic calming on Cutting Blvd",
           "Audit committee appointments", "Holiday schedule for city offices"]

FIRST = ["Maria", "James", "Linh", "David", "Fatima", "Carlos", "Emily", "Kwame", "Sofia", "Michael", "Aisha",
         "Jorge", "Hannah", "Wei", "Rosa", "Daniel", "Keisha", "Omar", "Laura", "Tuan", "Beatriz", "Samuel"]
LAST = ["Garcia", "Nguyen", "Johnson", "Smith", "Martinez", "Chen", "Williams", "Lopez", "Brown", "Patel",
        "Davis", "Hernandez", "Kim", "Wilson", "Rodriguez", "Okafor", "Anderson", "Tran", "Jackson", "Silva"]
OCCUPATIONS = [("Teacher", "Harbor City Unified"), ("Nurse", "County Hospital"), ("Retired", "Retired"),
               ("Electrician", "Self-employed"), ("Software Engineer", "Bayline Labs"),
               ("Organizer", "Tenants Together"), ("Bus Driver", "Harbor Transit"),
               ("Chief Executive Officer", "Westshore Refining Company"), ("Vice President", "Pacific Homes LLC"),
               ("Attorney", "Self-employed"), ("Homemaker", "None"), ("Student", "None")]
BUSINESSES = ["Pacific Homes LLC", "Westshore Refining Company", "Bay Logistics, Inc.", "Harborview Developers LP",
              "Golden Gate Towing Co.", "Marina Properties Corp", "Eastbay Cannabis Collective"]


def _clear(org_slug: str) -> Organization | None:
    """Delete everything that belongs to the demo organization except its audit events (append-only:
    the database refuses to delete them) and the organization row they point at, which is returned
    so the rebuild happens inside it. Deleting the demo's members leaves their events' actor_label."""
    org = db.session.execute(db.select(Organization).filter_by(slug=org_slug)).scalar_one_or_none()
    if org is None:
        return None
    # Children before parents, so it works whether or not the database enforces cascades.
    runs = db.select(ImportRun.id).where(ImportRun.organization_id == org.id)
    db.session.execute(db.delete(ImportRowError).where(ImportRowError.import_run_id.in_(runs)))
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: -_depth(m.local_table)):
        model = mapper.class_
        if issubclass(model, OrgScoped) and model is not AuditEvent:
            db.session.execute(db.delete(model).where(model.organization_id == org.id))
    db.session.flush()
    return org


def _depth(table, seen=()) -> int:
    """How many foreign-key hops a table is from the root (used to order deletes)."""
    parents = {fk.column.table for fk in table.foreign_keys if fk.column.table is not table}
    if not parents or table in seen:
        return 0
    return 1 + max(_depth(p, seen + (table,)) for p in parents)


def build(seed: int = 2026) -> dict:
    """Rebuild the demo organization from scratch; the same seed always gives the same data."""
    rng = random.Random(seed)
    org = _clear(DEMO_SLUG) or Organization(slug=DEMO_SLUG)
    # Every setting as a new organization has it, whatever an earlier run or an admin changed.
    org.name, org.city = "Harbor City Progressive Alliance", "Harbor City"
    org.description = "A member-run independent political organization. We take no corporate money."
    org.scoring_options = org.score_bands = org.ballot_settings = None
    db.session.add(org)
    db.session.flush()
    oid = org.id

    for role in ("admin", "committee", "member"):
        member = Member(organization_id=oid, email=f"{role}@demo.example", name=f"Demo {role.capitalize()}", role=role)
        member.set_password(DEMO_PASSWORD)
        db.session.add(member)
    db.session.flush()

    program = Program(organization_id=oid, title="The People's Program")
    db.session.add(program)
    db.session.flush()
    version = ProgramVersion(organization_id=oid, program_id=program.id, number=1,
                             preamble="Harbor City belongs to the people who live and work here.")
    db.session.add(version)
    db.session.flush()
    planks = []
    for position, (category, tier, title, body) in enumerate(PLANKS, start=1):
        plank = Plank(organization_id=oid, version_id=version.id, position=position, title=title, body=body,
                      category=category, tier=tier, key=f"plank-{position}")
        db.session.add(plank)
        planks.append(plank)
    db.session.flush()
    db.session.refresh(version)
    program_service.adopt(version, adopted_at=datetime(2023, 3, 18, 19, 0))

    council = Body(organization_id=oid, name="Harbor City Council", jurisdiction="Harbor City", seats=7, kind="council")
    db.session.add(council)
    db.session.flush()
    people = []
    for index, (name, lean, joined, left) in enumerate(COUNCIL, start=1):
        last = name.split()[-1]
        person = Person(organization_id=oid, name=name, sort_name=f"{last}, {name.rsplit(' ', 1)[0]}",
                        tracked=True, party="Nonpartisan")
        db.session.add(person)
        db.session.flush()
        db.session.add(PersonIdentifier(organization_id=oid, person_id=person.id, scheme="local", value=f"hc-{index}"))
        db.session.add(Term(organization_id=oid, person_id=person.id, body_id=council.id,
                            office="Councilmember", district=f"District {min(index, 7)}", start_on=joined, end_on=left))
        people.append((person, lean, joined, left))
    db.session.flush()

    roll_calls = _roll_calls(rng, oid, council, people)
    alignments = _alignments(rng, oid, roll_calls, planks)
    contributions = _money(rng, oid, people)
    pledges = _endorsements(oid, people, version, planks)
    # Money rules (tracker/money.py via services/flags.py): classify the demo money, judge the pledges.
    flags.classify_contributions(org)
    flags.evaluate_organization(org, now=DEMO_NOTICE_AT)
    # The committee told each flagged candidate on DEMO_NOTICE_AT; the week of notice is over, so
    # the flags are public and the pledges judged on them (METHOD.md 6.5 step 7).
    flagged = db.session.execute(db.select(Person).where(Person.id.in_(db.select(Flag.person_id)))
                                 .order_by(Person.id)).scalars().all()
    for person in flagged:
        flags.notify_person(person, now=DEMO_NOTICE_AT)
    money_flags = flags.evaluate_organization(org, now=DEMO_NOTICE_AT + timedelta(days=8))
    db.session.commit()
    democracy = _program_democracy(rng, org, planks)
    season = _endorsement_season(org, people)
    # Pages read stored scores, so the demo stores them too.
    scored = scores.recompute(org)
    return {"organization": org.name, "planks": len(planks), "officials": len(people), **democracy, **season,
            "roll_calls": len(roll_calls), "alignments": alignments, "contributions": contributions,
            "signed_pledges": pledges, "broken_pledges": money_flags["broken_pledges"], "scores": scored["scores"]}


def _roll_calls(rng, oid, council, people) -> list[tuple[RollCall, int | None]]:
    """About 60 council roll calls over two years; each paired with the plank it bears on (or None)."""
    start = date(2024, 1, 9)
    roll_calls = []
    voters = {person.id: Voter(organization_id=oid, voter_key=f"local:{person.identifiers[0].value}",
                               voter_name=person.name) for person, *_ in people}
    db.session.add_all(voters.values())
    for number in range(60):
        voted_on = start + timedelta(days=12 * number + rng.randint(0, 3))
        if number % 3 == 2:
            title, plank_index, neutral = rng.choice(NEUTRAL), None, True
        else:
            title, plank_index = MOTIONS[number % len(MOTIONS)] if number < 36 else rng.choice(MOTIONS)
            neutral = False
        # Bad-for-the-program motions (abatements, land sales, police overtime) flip who votes yes.
        against_program = any(w in title for w in ("abatement", "Sale of city land", "overtime", "Warehouse", "private waste"))
        roll_call = RollCall(organization_id=oid, body_id=council.id, voted_on=voted_on, source="demo",
                             source_id=f"hc-council-{voted_on.year}-{number + 1:03d}",
                             source_url=f"https://harborcity.example/council/votes/{number + 1}",
                             motion=f"Item {voted_on.year}-{number + 1:03d}", title=title,
                             question="On adoption", required_majority="1/2")
        db.session.add(roll_call)
        db.session.flush()
        yes = no = other = 0
        for person, lean, joined, left in people:
            if voted_on < joined or (left and voted_on > left):
                continue  # not seated: no row, as a real roll would show
            roll = rng.random()
            if roll < 0.05:
                raw = "Absent"
            elif roll < 0.07:
                raw = "Abstain"
            elif roll < 0.08:
                raw = "Recused"
            else:
                if neutral:
                    supports = rng.random() < 0.95
                else:
                    supports = rng.random() < lean
                    if against_program:
                        supports = not supports
                raw = "Yes" if supports else "No"
            position = canonical_position(raw)
            yes += position == "yes"
            no += position == "no"
            other += position not in ("yes", "no")
            db.session.add(VotePosition(organization_id=oid, roll_call_id=roll_call.id, person_id=person.id,
                                        voter=voters[person.id], raw_label=raw, position=position))
        roll_call.yes_count, roll_call.no_count, roll_call.other_count = yes, no, other
        roll_call.result = "Pass" if yes > no else "Fail"
        roll_calls.append((roll_call, plank_index))
    db.session.flush()
    return roll_calls


def _alignments(rng, oid, roll_calls, planks) -> int:
    reviewer = db.session.execute(db.select(Member).filter_by(organization_id=oid, role="committee")).scalar_one()
    proposer = db.session.execute(db.select(Member).filter_by(organization_id=oid, role="member")).scalar_one()
    count = 0
    for roll_call, plank_index in roll_calls:
        if plank_index is None or rng.random() < 0.25:
            continue
        against = any(w in roll_call.title for w in ("abatement", "Sale of city land", "overtime", "Warehouse", "private waste"))
        status = "approved" if rng.random() < 0.9 else "proposed"
        db.session.add(Alignment(
            organization_id=oid, roll_call_id=roll_call.id, plank_id=planks[plank_index].id,
            pro_position="no" if against else "yes", weight=2 if "ordinance" in roll_call.title.lower() else 1,
            rationale=("Voting no keeps the plank: " if against else "Voting yes advances the plank: ") + roll_call.title,
            status=status, proposed_by_id=proposer.id, approved_by_id=reviewer.id if status == "approved" else None,
            decided_at=datetime.combine(roll_call.voted_on, datetime.min.time()) + timedelta(days=3)))
        count += 1
    db.session.flush()
    return count


def _money(rng, oid, people) -> int:
    corporate_pac = Committee(organization_id=oid, source="local", committee_id="PAC-1042",
                              name="Westshore Refining Company Employees PAC", committee_type="Q", designation="U",
                              org_type="C", connected_org="Westshore Refining Company")
    union_pac = Committee(organization_id=oid, source="local", committee_id="PAC-2210",
                          name="Harbor Building Trades Council PAC", committee_type="Q", designation="U",
                          org_type="L", connected_org="Harbor Building Trades Council")
    db.session.add_all([corporate_pac, union_pac])
    count = 0
    campaign_committees = []
    for index, (person, lean, joined, left) in enumerate(people, start=1):
        committee = Committee(organization_id=oid, source="local", committee_id=f"CA-{1400 + index}",
                              name=f"{person.name} for City Council", committee_type="H", designation="P",
                              person_id=person.id)
        db.session.add(committee)
        campaign_committees.append(committee)
        n_rows = 40 + rng.randint(0, 20)
        for line in range(1, n_rows + 1):
            received_on = date(2024, 1, 2) + timedelta(days=rng.randint(0, 300))
            kind = rng.random()
            employer = occupation = None
            donor_committee = None
            if kind < (0.12 if lean < 0.5 else 0.02):
                donor, entity = rng.choice(BUSINESSES), "OTH"
                amount = rng.choice([250, 500, 1000, 2500])
            elif kind < (0.17 if lean < 0.5 else 0.03):
                donor, entity, donor_committee = corporate_pac.name, "COM", corporate_pac.committee_id
                amount = rng.choice([1000, 2500, 5000])
            elif kind < 0.22:
                donor, entity, donor_committee = union_pac.name, "COM", union_pac.committee_id
                amount = rng.choice([500, 1000])
            else:
                donor = f"{rng.choice(LAST)}, {rng.choice(FIRST)}"
                entity = "IND"
                occupation, employer = rng.choice(OCCUPATIONS)
                amount = rng.choice([100, 100, 150, 250, 250, 500, 1000])
            db.session.add(Contribution(
                organization_id=oid, source="demo", source_key=f"{committee.committee_id}:{line}",
                source_file="demo-form460.csv", source_line=line + 1, tran_id=f"T{index:02d}{line:04d}",
                filing_id=f"DEMO-{index}", recipient_committee_id=committee.committee_id, donor_name=donor,
                donor_entity_type=entity, donor_committee_id=donor_committee, employer=employer,
                occupation=occupation, city="Harbor City", state="CA", amount_cents=amount * 100,
                received_on=received_on, receipt_kind="receipt"))
            count += 1
    # A business gift after the pledge, refunded within the cure window (the first endorsed candidate).
    first = campaign_committees[0]
    for line, (amount, day) in enumerate([(500, date(2024, 3, 4)), (-500, date(2024, 3, 20))], start=900):
        db.session.add(Contribution(
            organization_id=oid, source="demo", source_key=f"{first.committee_id}:{line}",
            source_file="demo-form460.csv", source_line=line, tran_id=f"R01{line}", filing_id="DEMO-1",
            recipient_committee_id=first.committee_id, donor_name="Marina Properties Corp", donor_entity_type="OTH",
            city="Harbor City", state="CA", amount_cents=amount * 100, received_on=day,
            receipt_kind="receipt" if amount > 0 else "refund"))
        count += 1
    db.session.flush()
    return count


def _endorsements(oid, people, version, planks) -> int:
    signed = 0
    for person, lean, joined, left in people[:2]:
        endorsement = Endorsement(organization_id=oid, person_id=person.id, election="2024 Harbor City Council",
                                  election_on=date(2024, 11, 5), decision="endorsed", decided_on=date(2024, 1, 10),
                                  office="City Council", ballot_line="Harbor City Progressive Alliance", independent=True)
        db.session.add(endorsement)
        db.session.flush()
        db.session.add(Questionnaire(organization_id=oid, endorsement_id=endorsement.id, program_version_id=version.id,
                                     org_questions=list(ballots.SETTINGS_DEFAULTS["questionnaire_questions"]),
                                     extra_answers=[{"answer": "yes", "comment": ""}, {"answer": "yes", "comment": ""}],
                                     sent_at=datetime(2023, 12, 1), saved_at=datetime(2024, 1, 8),
                                     submitted_at=datetime(2024, 1, 8, 20, 0), submitted_name=person.name))
        for plank in planks:
            db.session.add(QuestionnaireAnswer(organization_id=oid, endorsement_id=endorsement.id, plank_id=plank.id,
                                               stance="support" if plank.tier == "minimum" or lean > 0.9 else "partial"))
        text = (f"I, {person.name}, pledge to support program version {version.number} of the Harbor City "
                f"Progressive Alliance (SHA-256 {version.text_sha256}) and to accept no corporate money.")
        signed_at = datetime(2024, 1, 15, 18, 30)
        pledge = Pledge(organization_id=oid, person_id=person.id, program_version_id=version.id,
                        endorsement_id=endorsement.id, text=text, text_sha256=program_service.sha256_text(text),
                        status="signed", signed_name=person.name, signed_at=signed_at)
        db.session.add(pledge)
        db.session.flush()
        db.session.add(PledgeClause(organization_id=oid, pledge_id=pledge.id, kind="plank_support"))
        db.session.add(PledgeClause(organization_id=oid, pledge_id=pledge.id, kind="no_corporate_money",
                                    params={"cure_days": 30, "include_executives": False}))
        signed += 1
    db.session.flush()
    return signed


# --- The members write the program: the 2025 convention, version 2, and what is open now. ------

MEMBER_NAMES = [f"{first} {last}" for first, last in zip(FIRST * 2, LAST + LAST[::-1])][:36]


def _program_democracy(rng, org, planks) -> dict:
    """Proposals, discussion and ballots that took version 1 to version 2 (a ranked question
    decided by Schulze, a new plank, a failed repeal, then the adoption vote), one ballot open now
    and one proposal still gathering co-sponsors."""
    oid = org.id
    committee = db.session.execute(db.select(Member).filter_by(organization_id=oid, role="committee")).scalar_one()
    demo_member = db.session.execute(db.select(Member).filter_by(organization_id=oid, role="member")).scalar_one()
    shared_hash = demo_member.password_hash  # one hash for every extra demo account: building stays fast
    members = []
    for index, name in enumerate(MEMBER_NAMES, start=1):
        member = Member(organization_id=oid, email=f"member{index:02d}@demo.example", name=name, role="member",
                        password_hash=shared_hash, created_at=datetime(2022, 6, 1) + timedelta(days=index))
        db.session.add(member)
        members.append(member)
    db.session.flush()
    by_title = {plank.title: plank for plank in planks}
    at = datetime(2025, 1, 8, 19, 0)

    wage = by_title["A $25 city minimum wage"]
    thirty = proposals.propose(
        org, members[0], kind="amendment", target_plank=wage, title="A $30 city minimum wage by 2028",
        body="Phase in a minimum wage of $30 an hour by 2028, indexed to inflation, with no sub-minimum for tips.",
        rationale="Rents rose **18%** since we adopted $25. A living wage in Harbor City is now above $29 "
                  "(county living-wage study, 2024).", now=at)
    phased = proposals.propose(
        org, members[1], kind="amendment", target_plank=wage, title="A $28 minimum wage, phased for small shops",
        body="Phase in a minimum wage of $28 an hour, indexed to inflation, with two more years for employers of "
             "fewer than ten workers, and no sub-minimum for tips.",
        rationale="Same direction, but the corner stores on 23rd Street asked us for time.", now=at + timedelta(days=1))
    counsel = proposals.propose(
        org, members[2], kind="new_plank", title="Right to counsel for tenants", category="Housing", tier="minimum",
        body="Every tenant facing eviction gets a free lawyer, paid by the city and chosen by the tenant.",
        rationale="Where tenants have lawyers, most evictions are stopped or settled.", now=at + timedelta(days=2))
    budgeting = by_title["Participatory budgeting of 10% of the budget"]
    repeal = proposals.propose(
        org, members[3], kind="repeal", target_plank=budgeting,
        rationale="Assemblies drew few residents in 2024; let us fix the process before we demand more.",
        now=at + timedelta(days=3))
    for proposal, backers in ((thirty, members[4:9]), (phased, members[9:13]), (counsel, members[13:19]),
                              (repeal, members[19:22])):
        for offset, member in enumerate(backers):
            proposals.cosponsor(proposal, member, now=at + timedelta(days=4, hours=offset))
    first = proposals.comment(thirty, members[5], "I back this. Our own survey found that **most members** work "
                              "jobs paying under $27.", now=at + timedelta(days=5))
    proposals.comment(thirty, members[1], "Agreed on the goal. See my proposal #{} for a phase-in that small shops "
                      "can live with.".format(phased.id), parent=first, now=at + timedelta(days=5, hours=3))
    proposals.comment(repeal, members[6], "Fix the assemblies, keep the demand:\n\n- childcare at every assembly\n"
                      "- translation into Spanish and Tagalog", now=at + timedelta(days=6))
    db.session.commit()

    def vote_all(ballot, plan, when):
        """plan: [(count, {question position: answer})] cast by the members in order."""
        by_position = {question.position: question for question in ballot.questions}
        voters = iter(members + [demo_member])
        for count, answers in plan:
            for _ in range(count):
                ballots.cast(ballot, next(voters), {by_position[pos].id: answer for pos, answer in answers.items()},
                             now=when)
        db.session.commit()

    convention = ballots.create(org, committee, ballots.BallotPlan(
        title="2025 program convention", description="Three changes to the program, decided at our January convention.",
        opens_at=datetime(2025, 1, 25, 18, 0), closes_at=datetime(2025, 2, 8, 18, 0),
        proposal_groups=[[thirty.id, phased.id], [counsel.id], [repeal.id]]), now=datetime(2025, 1, 25, 18, 0))
    db.session.commit()
    # Ranked: A = $30, B = $28 phased, D = keep. More members put B first (15 against 13), but more
    # prefer A over B (16 against 15): Schulze chooses A, as the published d and p show.
    yes_no = lambda c: {2: c[0], 3: c[1]}  # noqa: E731
    vote_all(convention, [
        (13, {1: [1, 2, 3], **yes_no(("yes", "no"))}),
        (10, {1: [2, 1, 3], **yes_no(("yes", "no"))}),
        (5, {1: [3, 1, 2], **yes_no(("no", "yes"))}),
        (3, {1: [2, 3, 1], **yes_no(("abstain", "abstain"))}),
    ], datetime(2025, 2, 1, 12, 0))
    ballots.close(convention, now=datetime(2025, 2, 8, 18, 0))
    draft = program_service.draft_version(oid)

    adoption = ballots.create(org, committee, ballots.BallotPlan(
        title=f"Adopt program version {draft.number}", opens_at=datetime(2025, 2, 15, 18, 0),
        closes_at=datetime(2025, 3, 1, 18, 0), adopt_draft=True), now=datetime(2025, 2, 15, 18, 0))
    db.session.commit()
    vote_all(adoption, [(26, {1: "yes"}), (4, {1: "no"}), (1, {1: "abstain"})], datetime(2025, 2, 20, 12, 0))
    ballots.close(adoption, now=datetime(2025, 3, 1, 18, 0))

    # Now: one ballot open (it closes in a week from when the demo is built), one proposal short of co-sponsors.
    now = utcnow().replace(second=0, microsecond=0)
    bank = proposals.propose(
        org, members[7], kind="new_plank", title="A public bank for Harbor City", category="Budget", tier="maximum",
        body="Keep the city's money in a public bank that lends to housing co-operatives and small businesses.",
        rationale="The city pays two private banks $3 million a year in fees.", now=now - timedelta(days=9))
    for offset, member in enumerate(members[20:24]):
        proposals.cosponsor(bank, member, now=now - timedelta(days=8, hours=-offset))
    db.session.commit()
    open_ballot = ballots.create(org, committee, ballots.BallotPlan(
        title="Add a public bank to the program", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=6),
        proposal_groups=[[bank.id]]), now=now - timedelta(days=1))
    db.session.commit()
    vote_all(open_ballot, [(9, {1: "yes"}), (3, {1: "no"})], now - timedelta(hours=20))
    coops = proposals.propose(
        org, members[10], kind="new_plank", title="A fund for tenant-owned housing co-operatives", category="Housing",
        tier="maximum", body="Seed tenant buy-outs with a revolving city fund, repaid at cost.",
        rationale="Tenants of three buildings on Macdonald Ave asked us to carry this.", now=now - timedelta(days=2))
    proposals.cosponsor(coops, members[11], now=now - timedelta(days=1))
    db.session.commit()
    return {"members": len(members) + 3, "program_versions": 2}


# --- One election season: questionnaires, a vetting report, the committee's endorsement ballot,
# --- a signed pledge, votes that contradict promises, and the members' withdrawal ballot. -----

def _endorsement_season(org, people) -> dict:
    oid = org.id
    committee = db.session.execute(db.select(Member).filter_by(organization_id=oid, role="committee")).scalar_one()
    members = db.session.execute(db.select(Member).filter_by(organization_id=oid, role="member")
                                 .where(Member.email.like("member%@demo.example")).order_by(Member.email)).scalars().all()
    for member in members[30:33]:  # a five-person endorsement committee with committee@ and admin@
        member.role = "committee"
    db.session.commit()
    by_name = {person.name: person for person, *_ in people}
    election, election_on = "2026 Harbor City Council", date(2026, 11, 3)
    fischer = endorsements.create_candidacy(
        org, committee, election=election, election_on=election_on, person=by_name["Naomi Fischer"],
        office="City Council", district="District 7", ballot_line="Harbor City Progressive Alliance", independent=True,
        now=datetime(2025, 3, 3, 18, 0))
    liu = endorsements.create_candidacy(
        org, committee, election=election, election_on=election_on, person=by_name["Grace Liu"], office="City Council",
        district="District 3", ballot_line="Democratic Party", now=datetime(2025, 3, 3, 18, 0))
    delgado = endorsements.create_candidacy(
        org, committee, election=election, election_on=election_on, name="Rosa Delgado", office="City Council",
        district="District 3", ballot_line="Harbor City Progressive Alliance", independent=True,
        identifiers={"state_filer": "1479001"}, now=datetime(2025, 3, 3, 18, 0))
    db.session.commit()
    stances = {fischer: lambda plank: "partial" if plank.tier == "maximum" and plank.position % 2 else "support",
               liu: lambda plank: "support" if plank.tier == "minimum" else ("partial" if plank.position % 2 else "oppose"),
               delgado: lambda plank: "support"}
    for candidacy, stance in stances.items():
        questionnaire, token = endorsements.send_questionnaire(candidacy, committee, now=datetime(2025, 3, 10, 9, 0))
        answers = {plank.id: (stance(plank), "") for plank in questionnaire.version.planks}
        first_half = dict(list(answers.items())[:5])
        endorsements.save_answers(token, first_half, [("", ""), ("", "")], now=datetime(2025, 3, 14, 21, 0))
        independent = "yes" if candidacy.independent else "no"
        endorsements.save_answers(token, answers, [("yes", ""), (independent, "")], submit=True,
                                  signed_name=candidacy.person.name, now=datetime(2025, 3, 20, 20, 0))
        db.session.commit()

    # The committee decides (its own electorate): Fischer yes/no; District 3 ranked between Liu and Delgado.
    decision = ballots.create(org, committee, ballots.BallotPlan(
        title="Endorsements for the 2026 council election", opens_at=datetime(2025, 4, 1, 18, 0),
        closes_at=datetime(2025, 4, 8, 18, 0), secret=False, electorate="committee",
        endorsement_groups=[[fischer.id], [liu.id, delgado.id]]), now=datetime(2025, 4, 1, 18, 0))
    db.session.commit()
    electors = [member for member, _ in ballots.roll(decision)]
    yes_no, ranked = decision.questions
    rankings = [[1, 2, 3], [1, 2, 3], [1, 2, 3], [2, 1, 3], [2, 1, 3]]  # incumbency wins District 3, 3 to 2
    for elector, ranks in zip(electors, rankings):
        ballots.cast(decision, elector, {yes_no.id: "yes", ranked.id: ranks}, now=datetime(2025, 4, 3, 12, 0))
    db.session.commit()
    ballots.close(decision, now=datetime(2025, 4, 8, 18, 0))

    # Only an endorsed candidate is sent the pledge: Liu signs hers (Fischer's is for the committee to issue).
    version = program_service.adopted_version(oid)
    _, token = pledges.issue(org, db.session.get(Person, liu.person_id), version,
                             {"no_corporate_money": {"cure_days": 30, "notice_days": 7}}, actor=committee,
                             now=datetime(2025, 4, 10, 9, 0))
    pledges.sign(token, "Grace Liu", now=datetime(2025, 4, 15, 19, 30))
    db.session.commit()

    # Her later votes contradict answers; members petition, and the membership withdraws support.
    promised = endorsements.promises(db.session.get(Person, liu.person_id))
    broken = [vote for item in promised for vote in item["votes"] if vote["outcome"] == "contradiction"]
    evidence = "\n".join(f"/scorecards/roll-calls/{vote['roll_call_id']}" for vote in broken[:5])
    petition = endorsements.open_petition(
        db.session.get(Endorsement, liu.id), members[5],
        f"Grace Liu told us she supports our housing and labor planks, then voted against them {len(broken)} times "
        "since April (the roll calls are listed as evidence).", evidence, now=datetime(2025, 9, 15, 20, 0))
    for member in members[6:12]:
        endorsements.sign_petition(petition, member, now=datetime(2025, 9, 20, 12, 0))
    db.session.commit()
    withdrawal = ballots.create(org, committee, ballots.BallotPlan(
        title="Withdraw the endorsement of Grace Liu?", opens_at=datetime(2025, 10, 1, 18, 0),
        closes_at=datetime(2025, 10, 15, 18, 0), petition_ids=[petition.id]), now=datetime(2025, 10, 1, 18, 0))
    db.session.commit()
    question = withdrawal.questions[0]
    for member, choice in zip(members, ["yes"] * 24 + ["no"] * 6 + ["abstain"] * 2):
        ballots.cast(withdrawal, member, {question.id: choice}, now=datetime(2025, 10, 5, 12, 0))
    db.session.commit()
    ballots.close(withdrawal, now=datetime(2025, 10, 15, 18, 0))
    ballots_held = db.session.execute(db.select(db.func.count()).select_from(Ballot)
                                      .where(Ballot.organization_id == oid)).scalar_one()
    return {"candidates": 3, "contradictions": len(broken), "ballots": ballots_held}
