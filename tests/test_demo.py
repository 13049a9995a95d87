"""The demo organization builds from scratch, idempotently and deterministically."""
import hashlib

from sqlalchemy import func

from tracker.extensions import db
from tracker.models import (Alignment, Body, Committee, Contribution, Endorsement, Member, Organization,
                            Plank, Pledge, RollCall, Term, Voter, VotePosition)
from tracker.services import demo


def _fingerprint() -> str:
    rows = db.session.execute(
        db.select(RollCall.source_id, RollCall.voted_on, RollCall.title, Voter.voter_name, VotePosition.raw_label)
        .join(VotePosition, VotePosition.roll_call_id == RollCall.id).join(Voter, Voter.id == VotePosition.voter_id)
        .order_by(RollCall.source_id, Voter.voter_key)
    ).all()
    money = db.session.execute(
        db.select(Contribution.source_key, Contribution.donor_name, Contribution.amount_cents, Contribution.received_on)
        .order_by(Contribution.source_key)
    ).all()
    return hashlib.sha256(repr((rows, money)).encode()).hexdigest()


def count(model):
    return db.session.execute(db.select(func.count()).select_from(model)).scalar_one()


def test_demo_is_realistic(app):
    summary = demo.build()
    assert summary["planks"] == 13 and summary["roll_calls"] == 60 and summary["signed_pledges"] == 2
    body = db.session.execute(db.select(Body)).scalar_one()
    assert body.seats == 7
    planks = db.session.execute(db.select(Plank)).scalars().all()
    assert {p.tier for p in planks} == {"minimum", "maximum"} and len({p.category for p in planks}) >= 5
    assert 20 <= count(Alignment) <= 60
    assert 300 <= count(Contribution) <= 600
    donors = {c.donor_entity_type for c in db.session.execute(db.select(Contribution)).scalars()}
    assert {"IND", "OTH", "COM"} <= donors
    corporate = db.session.execute(db.select(Committee).filter_by(org_type="C")).scalar_one()
    assert db.session.execute(db.select(func.count()).where(
        Contribution.donor_committee_id == corporate.committee_id)).scalar_one() > 0
    assert count(Endorsement) == 5  # 2024's two, and the 2026 season's three candidates
    # The money rules judge the demo pledges: one candidate took business money after signing.
    assert sorted(p.status for p in db.session.execute(db.select(Pledge)).scalars()) == ["broken", "signed", "signed"]
    assert summary["broken_pledges"] == 1
    # seats: at most 7 people voting on any roll call (a mid-period replacement)
    per_roll_call = db.session.execute(
        db.select(func.count()).select_from(VotePosition).group_by(VotePosition.roll_call_id)).scalars().all()
    assert max(per_roll_call) == 7
    assert count(Term) == 8
    assert {m.role for m in db.session.execute(db.select(Member)).scalars()} == {"admin", "committee", "member"}


def test_demo_shows_a_living_program_process(app):
    """Two adopted versions with the history between them, a closed convention ballot with a ranked
    question decided by Schulze, one ballot open now and one proposal gathering co-sponsors."""
    from tracker.models import Ballot, BallotQuestion, ProgramVersion, Proposal
    demo.build()
    versions = db.session.execute(db.select(ProgramVersion).order_by(ProgramVersion.number)).scalars().all()
    assert [(v.number, v.status) for v in versions] == [(1, "superseded"), (2, "adopted")]
    assert len(versions[1].planks) == 14
    ranked = db.session.execute(db.select(BallotQuestion).filter_by(kind="ranked", subject="competing")).scalar_one()
    assert ranked.outcome == "winner" and ranked.result["pairwise"] and ranked.result["strongest_paths"]
    statuses = sorted(b.status for b in db.session.execute(db.select(Ballot)).scalars())
    assert statuses == ["closed", "closed", "closed", "closed", "open"]
    assert "open" in [p.status for p in db.session.execute(db.select(Proposal)).scalars()]
    # Alignments followed their planks into version 2, so the scores still have roll calls to count.
    assert db.session.execute(db.select(func.count()).select_from(Alignment).join(Plank, Plank.id == Alignment.plank_id)
                              .where(Plank.version_id == versions[1].id)).scalar_one() == count(Alignment)


def test_demo_rebuilds_idempotently_and_deterministically(app):
    demo.build(seed=7)
    first = _fingerprint()
    counts = [count(m) for m in (Organization, RollCall, VotePosition, Contribution, Pledge, Member)]
    demo.build(seed=7)
    assert _fingerprint() == first
    assert [count(m) for m in (Organization, RollCall, VotePosition, Contribution, Pledge, Member)] == counts
    demo.build(seed=8)
    assert _fingerprint() != first


def test_demo_command_and_home_page(app, runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "roll_calls: 60" in result.output
    html = client.get("/").data.decode()
    assert "Harbor City Progressive Alliance" in html and "<strong>14</strong> planks" in html  # version 2
    assert '<strong class="status-broken">1</strong> broken' in html  # the demo's business gift after signing
    response = client.post("/login", data={"email": "admin@demo.example", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_shows_one_endorsement_season(app):
    """A questionnaire answered, the committee's endorsement ballot (a ranked question for one seat),
    a signed pledge, votes that contradict the answers, and a withdrawal ballot that passed."""
    from tracker.models import BallotQuestion, Questionnaire
    from tracker.services import endorsements
    summary = demo.build()
    season = {e.person.name: e for e in db.session.execute(
        db.select(Endorsement).filter_by(election="2026 Harbor City Council")).scalars()}
    assert {name: e.decision for name, e in season.items()} == {
        "Naomi Fischer": "endorsed", "Grace Liu": "withdrawn", "Rosa Delgado": "declined"}
    assert all(e.questionnaire.submitted_at for e in season.values())
    assert count(Questionnaire) == 5
    committee_question = db.session.execute(db.select(BallotQuestion).filter_by(kind="ranked", subject="endorsement")).scalar_one()
    assert committee_question.ballot.electorate == "committee" and committee_question.result["winner"] == "Grace Liu"
    liu = season["Grace Liu"]
    assert db.session.execute(db.select(Pledge.status).filter_by(person_id=liu.person_id)).scalar_one() == "signed"
    contradictions = endorsements.contradiction_count(endorsements.promises(liu.person))
    assert contradictions == summary["contradictions"] > 0
    assert liu.tally["withdrawal"] and "voted against them" in liu.withdrawal_reason
