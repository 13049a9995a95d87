"""Ballots end to end through the services: open, vote, change a vote, close (with and without
quorum, ties, two-thirds exactly), drafts and adoption, paper ballots, secrecy (BALLOTS.md B06, B13)."""
import hashlib
import json
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text

from tests.factories import (make_body, make_member, make_members, make_org, make_person, make_program,
                             make_proposal, make_roll_call, make_term)
from tracker.extensions import db
from tracker.models import (Alignment, AuditEvent, Ballot, BallotElector, BallotVote, CastBallot, ImmutableVersionError,
                            Plank, ProgramVersion, Proposal)
from tracker.services import ballots, program
from tracker.services.ballots import BallotError, BallotPlan

T0 = datetime(2026, 3, 1, 12, 0)
OPEN, VOTE, AFTER = T0, T0 + timedelta(days=1), T0 + timedelta(days=8)


def plan(**kw) -> BallotPlan:
    return BallotPlan(**{"title": "Convention", "opens_at": OPEN, "closes_at": OPEN + timedelta(days=7), **kw})


@pytest.fixture
def world(org):
    """An adopted 3-plank program, a committee member, and 40 members."""
    version = make_program(org, planks=3)
    committee = make_member(org, role="committee")
    members = make_members(org, 39)
    return version, committee, [committee] + members  # the committee votes too: 40 electors


def yes_no_ballot(org, committee, members, **settings):
    """A ballot with one yes/no question on a new-plank proposal with enough co-sponsors."""
    if settings:
        ballots.update_settings(org, settings)
    proposal = make_proposal(org, members[1], cosponsors=members[2:5], title="Free buses", category="Transit")
    ballot = ballots.create(org, committee, plan(proposal_groups=[[proposal.id]]), now=OPEN)
    db.session.commit()
    return ballot, ballot.questions[0], proposal


def cast_many(ballot, question, members, choices):
    """choices: a list like ["yes"] * 10 + ["no"] * 9, cast by the first len(choices) members."""
    for member, choice in zip(members, choices):
        ballots.cast(ballot, member, {question.id: choice}, now=VOTE)
    db.session.commit()


def reload(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


# --- yes/no: BALLOTS.md section 2 through the whole path -------------------------------------

def test_b01_quorum_reached_simple_majority_passes_and_the_draft_gets_the_plank(org, world):
    version, committee, members = world
    ballot, question, proposal = yes_no_ballot(org, committee, members, quorum="1/2")
    assert (ballot.status, ballot.electorate_count, ballot.quorum_needed) == ("open", 40, 20)
    cast_many(ballot, question, members, ["yes"] * 10 + ["no"] * 9 + ["abstain"] * 5)
    assert ballots.close(ballot, now=AFTER) is True
    question = reload(type(question), question.id)
    assert question.outcome == "passed"
    assert question.result == {"yes": 10, "no": 9, "abstain": 5, "ballots": 24, "quorum": 20, "majority": "simple",
                               "outcome": "passed", "electorate": 40}
    proposal = reload(Proposal, proposal.id)
    draft = program.draft_version(org.id)
    assert proposal.status == "passed" and proposal.applied_version_id == draft.id
    assert (draft.number, draft.based_on_id) == (2, version.id)
    assert [p.title for p in draft.planks] == [p.title for p in version.planks] + ["Free buses"]


def test_b02_a_tie_fails_and_the_proposal_is_rejected(org, world):
    _, committee, members = world
    ballot, question, proposal = yes_no_ballot(org, committee, members, quorum="0")
    cast_many(ballot, question, members, ["yes"] * 10 + ["no"] * 10)
    ballots.close(ballot, now=AFTER)
    assert reload(type(question), question.id).outcome == "failed"
    assert reload(Proposal, proposal.id).status == "rejected"
    assert program.draft_version(org.id) is None


@pytest.mark.parametrize("yes, no, outcome", [(20, 10, "passed"), (19, 10, "failed")])
def test_b03_b04_two_thirds_exactly(org, world, yes, no, outcome):
    _, committee, members = world
    ballot, question, _ = yes_no_ballot(org, committee, members, quorum="0", proposal_majority="two-thirds")
    cast_many(ballot, question, members, ["yes"] * yes + ["no"] * no)
    ballots.close(ballot, now=AFTER)
    assert reload(type(question), question.id).outcome == outcome


def test_b05_no_quorum_changes_nothing_then_one_more_abstention_passes(org):
    make_program(org, planks=1)
    committee = make_member(org, role="committee")
    members = [committee] + make_members(org, 99)  # electorate 100, quorum 1/4 = 25 ballots
    ballot, question, proposal = yes_no_ballot(org, committee, members, quorum="0.25")
    assert ballot.quorum_needed == 25
    cast_many(ballot, question, members, ["yes"] * 20 + ["abstain"] * 4)
    ballots.close(ballot, now=AFTER)
    assert reload(type(question), question.id).outcome == "no quorum"
    assert reload(Proposal, proposal.id).status == "open"  # nothing changes: it can go to another ballot
    assert program.draft_version(org.id) is None

    again = ballots.create(org, committee, plan(title="Again", opens_at=AFTER, closes_at=AFTER + timedelta(days=7),
                                                proposal_groups=[[proposal.id]]), now=AFTER)
    db.session.commit()
    for member, choice in zip(members, ["yes"] * 20 + ["abstain"] * 5):
        ballots.cast(again, member, {again.questions[0].id: choice}, now=AFTER + timedelta(days=1))
    ballots.close(again, now=AFTER + timedelta(days=8))
    assert reload(type(question), again.questions[0].id).outcome == "passed"


def test_b06_a_member_who_joined_after_the_opening_is_refused(org, world):
    _, committee, members = world
    ballot, question, _ = yes_no_ballot(org, committee, members)
    late = make_member(org)
    with pytest.raises(BallotError, match="Only members in good standing when the ballot opened"):
        ballots.cast(ballot, late, {question.id: "yes"}, now=VOTE)
    lapsed = members[7]
    lapsed.active = False  # lapsing later does not take away a vote the electorate was frozen with
    db.session.commit()
    ballots.cast(ballot, lapsed, {question.id: "yes"}, now=VOTE)


def test_b06_a_member_who_voted_no_then_yes_is_counted_once_as_yes(org, world):
    _, committee, members = world
    ballot, question, _ = yes_no_ballot(org, committee, members, quorum="0")
    first = ballots.cast(ballot, members[0], {question.id: "no"}, now=VOTE)
    second = ballots.cast(ballot, members[0], {question.id: "yes"}, now=VOTE + timedelta(hours=1))
    db.session.commit()
    assert first != second
    rows = db.session.execute(select(BallotVote)).scalars().all()
    assert [(r.member_id, r.choice, r.receipt) for r in rows] == [(members[0].id, "yes", second)]
    ballots.close(ballot, now=AFTER)
    result = reload(type(question), question.id).result
    assert (result["yes"], result["no"], result["ballots"]) == (1, 0, 1)
    assert [r.receipt for r in ballots.find_receipt(reload(Ballot, ballot.id), second)] == [second]
    assert ballots.find_receipt(reload(Ballot, ballot.id), first) == []


def test_votes_before_the_opening_and_after_the_close_are_refused(org, world):
    _, committee, members = world
    proposal = make_proposal(org, members[1], cosponsors=members[2:5])
    ballot = ballots.create(org, committee, plan(opens_at=OPEN + timedelta(days=2), closes_at=OPEN + timedelta(days=9),
                                                 proposal_groups=[[proposal.id]]), now=OPEN)
    db.session.commit()
    assert ballot.status == "scheduled" and ballot.electorate_count is None
    with pytest.raises(BallotError, match="opens on"):
        ballots.cast(ballot, members[0], {ballot.questions[0].id: "yes"}, now=OPEN + timedelta(days=1))
    # The first vote after the opening time opens it (and freezes the electorate then).
    ballots.cast(ballot, members[0], {ballot.questions[0].id: "yes"}, now=OPEN + timedelta(days=3))
    assert reload(Ballot, ballot.id).electorate_count == 40
    with pytest.raises(BallotError, match="has closed"):
        ballots.cast(reload(Ballot, ballot.id), members[1], {ballot.questions[0].id: "yes"}, now=OPEN + timedelta(days=9))


def test_bad_answers_are_refused(org, world):
    _, committee, members = world
    ballot, question, _ = yes_no_ballot(org, committee, members)
    with pytest.raises(BallotError, match="yes, no or abstain"):
        ballots.cast(ballot, members[0], {question.id: "maybe"}, now=VOTE)
    with pytest.raises(BallotError, match="not answered any question"):
        ballots.cast(ballot, members[0], {}, now=VOTE)


# --- ranked: competing texts, ties, drafts ---------------------------------------------------

def ranked_ballot(org, committee, members, version):
    plank = version.planks[0]
    a = make_proposal(org, members[1], kind="amendment", target_plank=plank, body="Text A", cosponsors=members[5:8])
    b = make_proposal(org, members[2], kind="amendment", target_plank=plank, body="Text B", cosponsors=members[5:8])
    ballot = ballots.create(org, committee, plan(proposal_groups=[[a.id, b.id]]), now=OPEN)
    db.session.commit()
    return ballot, ballot.questions[0], a, b


def test_competing_texts_go_to_one_ranked_question_and_the_winner_is_written(org, world):
    version, committee, members = world
    ballot, question, a, b = ranked_ballot(org, committee, members, version)
    assert [o.label for o in question.options][-1] == "keep the current text"
    assert question.kind == "ranked" and [o.is_default for o in question.options] == [False, False, True]
    # 13 A>B>D, 10 B>A>D, 5 B>D>A, 3 D>A>B: B has more first places, but A beats B 16 to 15.
    votes = [[1, 2, 3]] * 13 + [[2, 1, 3]] * 10 + [[3, 1, 2]] * 5 + [[2, 3, 1]] * 3
    for member, ranks in zip(members, votes):
        ballots.cast(ballot, member, {question.id: ranks}, now=VOTE)
    ballots.close(ballot, now=AFTER)
    question = reload(type(question), question.id)
    labels = [o.label for o in question.options]
    assert question.outcome == "winner" and question.result["winner"] == labels[0]
    assert question.result["pairwise"][labels[0]][labels[1]] == 16
    assert question.result["pairwise"][labels[1]][labels[0]] == 15
    assert reload(Proposal, a.id).status == "passed" and reload(Proposal, b.id).status == "rejected"
    assert program.draft_version(org.id).planks[0].body == "Text A"


def test_a_ranked_tie_changes_nothing(org, world):
    version, committee, members = world
    ballots.update_settings(org, {"quorum": "0"})
    ballot, question, a, b = ranked_ballot(org, committee, members, version)
    for member, ranks in zip(members, [[1, 2, 3]] * 2 + [[2, 1, 3]] * 2):
        ballots.cast(ballot, member, {question.id: ranks}, now=VOTE)
    ballots.close(ballot, now=AFTER)
    question = reload(type(question), question.id)
    assert question.outcome == "tie" and question.result["winner"] is None
    assert {reload(Proposal, p.id).status for p in (a, b)} == {"open"}


def test_ranks_are_checked(org, world):
    version, committee, members = world
    ballot, question, *_ = ranked_ballot(org, committee, members, version)
    with pytest.raises(BallotError, match="Ranks go from 1 to 3"):
        ballots.cast(ballot, members[0], {question.id: [1, 4, None]}, now=VOTE)
    with pytest.raises(BallotError, match="Rank each option"):
        ballots.cast(ballot, members[0], {question.id: [1]}, now=VOTE)


# --- adoption: the draft becomes the next immutable version ----------------------------------

def adopt_draft_through_ballots(org, committee, members, version, yes=27, no=13):
    ballot, question, proposal = yes_no_ballot(org, committee, members, quorum="1/4")
    cast_many(ballot, question, members, ["yes"] * 30)
    ballots.close(ballot, now=AFTER)
    draft = program.draft_version(org.id)
    adoption = ballots.create(org, committee, BallotPlan(title="Adopt", opens_at=AFTER, closes_at=AFTER + timedelta(days=7),
                                                         adopt_draft=True), now=AFTER)
    db.session.commit()
    for member, choice in zip(members, ["yes"] * yes + ["no"] * no):
        ballots.cast(adoption, member, {adoption.questions[0].id: choice}, now=AFTER + timedelta(days=1))
    ballots.close(adoption, now=AFTER + timedelta(days=8))
    return draft, adoption


def test_adoption_by_exactly_two_thirds_makes_the_next_version_and_carries_alignments(org, world):
    version, committee, members = world
    body = make_body(org)
    person = make_person(org)
    make_term(org, person, body)
    roll_call = make_roll_call(org, body)
    db.session.add(Alignment(organization_id=org.id, roll_call_id=roll_call.id, plank_id=version.planks[0].id,
                             pro_position="yes", status="approved"))
    db.session.commit()
    draft, adoption = adopt_draft_through_ballots(org, committee, members, version, yes=26, no=13)  # 78 >= 78
    assert reload(type(adoption.questions[0]), adoption.questions[0].id).outcome == "passed"
    new = reload(ProgramVersion, draft.id)
    assert new.status == "adopted" and reload(ProgramVersion, version.id).status == "superseded"
    assert new.text_sha256 == hashlib.sha256(program.version_text(new).encode("utf-8")).hexdigest()
    alignment = db.session.execute(select(Alignment)).scalar_one()
    assert alignment.plank_id == new.planks[0].id and new.planks[0].key == version.planks[0].key
    assert db.session.execute(select(Proposal.status)).scalars().all() == ["adopted"]
    assert "program.adopt" in db.session.execute(select(AuditEvent.action)).scalars().all()


def test_adoption_short_of_two_thirds_leaves_the_draft(org, world):
    version, committee, members = world
    draft, adoption = adopt_draft_through_ballots(org, committee, members, version, yes=25, no=13)  # 75 < 76
    assert reload(ProgramVersion, draft.id).status == "draft"
    assert program.adopted_version(org.id).id == version.id


def test_adoption_and_proposals_never_share_or_overlap_ballots(org, world):
    version, committee, members = world
    ballot, question, proposal = yes_no_ballot(org, committee, members, quorum="0")
    cast_many(ballot, question, members, ["yes"])
    ballots.close(ballot, now=AFTER)
    other = make_proposal(org, members[1], cosponsors=members[2:5])
    with pytest.raises(BallotError, match="in a ballot of its own"):
        ballots.create(org, committee, plan(opens_at=AFTER, closes_at=AFTER + timedelta(days=1), adopt_draft=True,
                                            proposal_groups=[[other.id]]), now=AFTER)
    ballots.create(org, committee, plan(opens_at=AFTER, closes_at=AFTER + timedelta(days=1), adopt_draft=True), now=AFTER)
    with pytest.raises(BallotError, match="new proposals wait"):
        ballots.create(org, committee, plan(opens_at=AFTER, closes_at=AFTER + timedelta(days=1),
                                            proposal_groups=[[other.id]]), now=AFTER)


def test_an_adopted_version_cannot_change_by_any_write(org, world):
    version, _, _ = world
    sha = version.text_sha256
    plank = version.planks[0]
    plank.body = "Rewritten"
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Plank(organization_id=org.id, version_id=version.id, position=9, title="x", body="x",
                         category="x", key="x"))
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(Plank, plank.id))
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()
    version = db.session.get(ProgramVersion, version.id)
    version.text_sha256 = "0" * 64
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(ImmutableVersionError):
        program.apply_proposal(db.session.get(ProgramVersion, version.id), Proposal(kind="new_plank", title="x", body="x"))
    db.session.rollback()
    assert reload(ProgramVersion, version.id).text_sha256 == sha
    assert program.sha256_text(program.version_text(reload(ProgramVersion, version.id))) == sha


def test_the_exported_hash_is_recomputed_from_the_documented_canonical_text(org, world):
    version, _, _ = world
    record = json.loads(program.export_version(version, "json"))
    assert set(record) >= {"version", "adopted_at", "planks", "canonical_text", "sha256"}
    # README: "Program version N", a blank line and the preamble (if any), then per plank a blank
    # line, "position. title [category; tier]" and the body; lines joined by LF, ending with one.
    lines = [f"Program version {record['version']}"]
    if record["preamble"]:
        lines += ["", record["preamble"]]
    for plank in record["planks"]:
        lines += ["", f"{plank['position']}. {plank['title']} [{plank['category']}; {plank['tier']}]", plank["body"]]
    rebuilt = "\n".join(lines) + "\n"
    assert rebuilt == record["canonical_text"]
    assert hashlib.sha256(rebuilt.encode("utf-8")).hexdigest() == record["sha256"] == version.text_sha256


# --- secrecy: BALLOTS.md B13 ------------------------------------------------------------------

def test_b13_secret_choices_cannot_be_joined_to_members_after_the_close(org, world):
    _, committee, members = world
    ballot, question, _ = yes_no_ballot(org, committee, members, quorum="0")
    cast_many(ballot, question, members, ["yes", "no", "yes", "abstain"])
    assert ballots.turnout(ballot)["voted"] == 4 and question.result is None and question.outcome is None
    ballots.close(ballot, now=AFTER)
    assert db.session.execute(select(db.func.count()).select_from(BallotVote)).scalar_one() == 0
    cast_rows = db.session.execute(select(CastBallot).order_by(CastBallot.id)).scalars().all()
    assert [r.member_id for r in cast_rows] == [None] * 4
    assert [r.choice for r in cast_rows] == ["abstain", "no", "yes", "yes"]  # stored in content order, not casting order
    # No column anywhere still ties a member to a choice: only the roll of who voted remains.
    for table in db.metadata.sorted_tables:
        columns = set(table.columns.keys())
        if "choice" in columns or "ranks" in columns:
            rows = db.session.execute(select(table)).mappings().all()
            assert all(row.get("member_id") is None for row in rows), table.name
    voted = {m.id for m, at in ballots.roll(reload(Ballot, ballot.id), voted=True)}
    assert voted == {m.id for m in members[:4]}
    events = db.session.execute(select(AuditEvent).filter_by(action="ballot.vote")).scalars().all()
    assert len(events) == 4 and not any("yes" in json.dumps([e.before, e.after, e.note]) for e in events)


def test_a_named_ballot_publishes_each_members_choice(org, world):
    _, committee, members = world
    proposal = make_proposal(org, members[1], cosponsors=members[2:5])
    ballot = ballots.create(org, committee, plan(proposal_groups=[[proposal.id]], secret=False), now=OPEN)
    db.session.commit()
    cast_many(ballot, ballot.questions[0], members, ["yes", "no"])
    ballots.close(ballot, now=AFTER)
    rows = ballots.cast_ballots(reload(Ballot, ballot.id).questions[0])
    assert sorted((r.member_id, r.choice) for r in rows) == sorted([(members[0].id, "yes"), (members[1].id, "no")])


# --- closing exactly once ---------------------------------------------------------------------

def test_a_ballot_closes_once_whoever_calls(org, world):
    _, committee, members = world
    ballot, question, proposal = yes_no_ballot(org, committee, members, quorum="0")
    cast_many(ballot, question, members, ["yes"])
    with pytest.raises(BallotError, match="still open"):
        ballots.close(ballot, now=VOTE)
    assert ballots.close_due(now=AFTER) == [ballot.id]
    assert ballots.close_due(now=AFTER) == []
    assert ballots.close(reload(Ballot, ballot.id), now=AFTER) is False
    closes = db.session.execute(select(AuditEvent).filter_by(action="ballot.close")).scalars().all()
    assert len(closes) == 1
    assert len(reload(ProgramVersion, program.draft_version(org.id).id).planks) == 4  # applied once


def _threads(app, target, count=2):
    """Run ``target()`` in ``count`` threads, each in its own app context (its own session and
    connection), released together; returns their results."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(target())
            except Exception as error:  # reported to the test below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_workers_closing_at_once_count_once(app, org, world):
    _, committee, members = world
    ballot, question, proposal = yes_no_ballot(org, committee, members, quorum="0")
    cast_many(ballot, question, members, ["yes"] * 3)
    ballot_id = ballot.id
    db.session.remove()
    results = _threads(app, lambda: ballots.close(db.session.get(Ballot, ballot_id), now=AFTER), count=2)
    assert sorted(results) == [False, True]
    assert len(db.session.execute(select(AuditEvent).filter_by(action="ballot.close")).scalars().all()) == 1
    assert db.session.execute(select(db.func.count()).select_from(CastBallot)).scalar_one() == 3


def test_two_concurrent_votes_of_one_member_leave_one_vote(app, org, world):
    _, committee, members = world
    ballot, question, _ = yes_no_ballot(org, committee, members, quorum="0")
    ballot_id, question_id, member_id = ballot.id, question.id, members[0].id
    db.session.remove()
    choices = iter(["yes", "no"])
    lock = threading.Lock()

    def vote():
        with lock:
            choice = next(choices)
        from tracker.models import Member
        receipt = ballots.cast(db.session.get(Ballot, ballot_id), db.session.get(Member, member_id),
                               {question_id: choice}, now=VOTE)
        db.session.commit()
        return receipt

    _threads(app, vote, count=2)
    rows = db.session.execute(select(BallotVote).filter_by(member_id=member_id)).scalars().all()
    assert len(rows) == 1 and rows[0].choice in ("yes", "no")
    elector = db.session.get(BallotElector, (ballot_id, member_id))
    assert elector.voted_at == VOTE


# --- paper ballots in the room ----------------------------------------------------------------

def test_a_paper_ballot_is_counted_by_two_agreeing_tellers(org, world):
    version, committee, members = world
    teller_two = make_member(org, role="committee")
    proposal = make_proposal(org, members[1], cosponsors=members[2:5])
    plank = version.planks[1]
    a = make_proposal(org, members[1], kind="amendment", target_plank=plank, body="Paper A", cosponsors=members[5:8])
    b = make_proposal(org, members[2], kind="amendment", target_plank=plank, body="Paper B", cosponsors=members[5:8])
    ballot = ballots.create(org, committee, plan(mode="paper", proposal_groups=[[proposal.id], [a.id, b.id]]), now=OPEN)
    db.session.commit()
    yes_no, ranked = ballot.questions
    assert ballot.status == "open" and ballot.electorate_count == 0
    assert ballots.record_attendance(ballot, [m.id for m in members[:30]], committee) == 30
    assert ballot.quorum_needed == 8  # ceil(30 / 4)
    with pytest.raises(BallotError, match="only 30 members were recorded present"):
        ballots.enter_teller_count(yes_no, committee, 20, 10, 1)
    assert ballots.enter_teller_count(yes_no, committee, 20, 8, 2) == "waiting"
    assert ballots.enter_teller_count(yes_no, teller_two, 20, 9, 1) == "disagree"
    assert yes_no.paper_counts is None
    with pytest.raises(BallotError, match="Enter the count of every question"):
        ballots.close_paper(ballot, committee, now=VOTE)
    assert ballots.enter_teller_count(yes_no, teller_two, 20, 8, 2) == "agreed"
    with pytest.raises(BallotError, match="can no longer change"):
        ballots.record_attendance(ballot, [m.id for m in members], committee)
    labels = [o.label for o in ranked.options]
    csv_text = ",".join(f'"{label}"' for label in labels) + ",weight\n1,2,3,12\n2,1,3,10\n,,1,4\n"
    with pytest.raises(BallotError, match="not this question's"):
        ballots.upload_paper_ballots(ranked, "A,B,C\n1,2,3\n", "hall.csv", None, committee)
    assert ballots.upload_paper_ballots(ranked, csv_text, "hall.csv", None, committee) == 26
    assert ballots.close_paper(ballot, committee, now=VOTE) is True
    yes_no, ranked = reload(Ballot, ballot.id).questions
    assert (yes_no.outcome, yes_no.result["yes"], yes_no.result["no"]) == ("passed", 20, 8)
    assert ranked.outcome == "winner" and ranked.result["winner"] == labels[0] and ranked.result["ballots"] == 26
    draft = program.draft_version(org.id)
    assert [p.body for p in draft.planks if p.key == plank.key] == ["Paper A"]
