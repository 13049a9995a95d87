"""The constraints that keep data honest hold on every database we support."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from tests.factories import make_body, make_member, make_person, make_program, make_roll_call
from tracker.extensions import db
from tracker.models import (Alignment, Ballot, BallotQuestion, BallotVote, Contribution, Member, PersonIdentifier,
                            ProgramVersion, RollCall, Score, VotePosition)
from tracker.services.votes import voter_for


def _fails(row):
    """Adding ``row`` violates a constraint (setup is committed first, so only ``row`` is at fault)."""
    db.session.commit()
    db.session.add(row)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_one_ballot_vote_per_member_per_question(org):
    member = make_member(org)
    now = datetime(2025, 1, 1)
    ballot = Ballot(organization_id=org.id, title="Adopt?", opens_at=now, closes_at=now + timedelta(days=7))
    db.session.add(ballot)
    db.session.flush()
    question = BallotQuestion(organization_id=org.id, ballot_id=ballot.id, position=1, kind="yes_no",
                              subject="other", text="Adopt?")
    db.session.add(question)
    db.session.flush()
    db.session.add(BallotVote(organization_id=org.id, question_id=question.id, member_id=member.id, choice="yes",
                              receipt="R1"))
    db.session.flush()
    _fails(BallotVote(organization_id=org.id, question_id=question.id, member_id=member.id, choice="no", receipt="R2"))
    _fails(BallotVote(organization_id=org.id, question_id=question.id, member_id=make_member(org).id, choice="maybe",
                      receipt="R3"))


def test_ballot_must_close_after_it_opens(org):
    now = datetime(2025, 1, 1)
    _fails(Ballot(organization_id=org.id, title="Adopt?", opens_at=now, closes_at=now))


def test_roll_call_source_id_unique_per_organization(org):
    body = make_body(org)
    make_roll_call(org, body, source_id="house-2025-240")
    _fails(RollCall(organization_id=org.id, body_id=body.id, voted_on=date(2025, 9, 8), source="x",
                    source_id="house-2025-240"))


def test_one_position_per_voter_per_roll_call_and_positions_from_vocabulary(org):
    body = make_body(org)
    roll_call = make_roll_call(org, body)
    db.session.add(VotePosition(organization_id=org.id, roll_call_id=roll_call.id,
                                voter=voter_for(org.id, "bioguide:A1", "A"), raw_label="Yea", position="yes"))
    db.session.flush()
    _fails(VotePosition(organization_id=org.id, roll_call_id=roll_call.id, voter=voter_for(org.id, "bioguide:A1", "A"),
                        raw_label="Nay", position="no"))
    _fails(VotePosition(organization_id=org.id, roll_call_id=roll_call.id, voter=voter_for(org.id, "bioguide:B2", "B"),
                        raw_label="Yea", position="maybe"))


def test_external_ids_unique_per_scheme(org):
    a = make_person(org, ids={"bioguide": "L000607"})
    make_person(org, ids={"lis": "S123"})
    _fails(PersonIdentifier(organization_id=org.id, person_id=a.id, scheme="bioguide", value="L000607"))


def test_contribution_amount_required_and_classes_checked(org):
    base = dict(organization_id=org.id, source="csv", source_file="f.csv", recipient_committee_id="C1",
                donor_name="X")
    _fails(Contribution(source_key="1", amount_cents=None, **base))
    _fails(Contribution(source_key="2", amount_cents=100, donor_class="evil_corp", **base))
    _fails(Contribution(source_key="3", amount_cents=100, receipt_kind="gift", **base))
    db.session.add(Contribution(source_key="4", amount_cents=100, donor_class="corporate_pac", **base))
    db.session.flush()
    _fails(Contribution(source_key="4", amount_cents=200, **base))


def test_alignment_position_weight_and_uniqueness(org):
    version = make_program(org)
    roll_call = make_roll_call(org, make_body(org))
    plank = version.planks[0]
    kw = dict(organization_id=org.id, roll_call_id=roll_call.id, plank_id=plank.id)
    _fails(Alignment(pro_position="maybe", **kw))
    _fails(Alignment(pro_position="yes", weight=0, **kw))
    db.session.add(Alignment(pro_position="yes", **kw))
    db.session.flush()
    _fails(Alignment(pro_position="no", **kw))


def test_adopted_version_must_carry_its_hash_and_roles_are_checked(org):
    _fails(ProgramVersion(organization_id=org.id, program_id=make_program(org).program_id, number=2,
                          status="adopted", text_sha256=None))
    _fails(Member(organization_id=org.id, email="x@example.org", name="x", password_hash="h", role="king"))


def test_score_status_checked(org):
    person = make_person(org)
    _fails(Score(organization_id=org.id, person_id=person.id, scope="overall", window="lifetime",
                 status="great", rule_set="default"))


def test_every_org_table_carries_organization_id():
    """Rows of an organization can be found and removed by organization_id (network-ready)."""
    exempt = {"organization", "import_row_error", "import_progress"}  # the root, and children of import_run
    for table in db.metadata.sorted_tables:
        if table.name not in exempt:
            assert "organization_id" in table.columns, table.name


def test_vocabulary_checks_avoid_in_lists(org):
    """SQLite re-builds an IN list for every row it checks (4x slower bulk inserts), so the
    vocabulary checks are equality chains, and they still accept NULL only where allowed."""
    from sqlalchemy import CheckConstraint

    checks = [c for t in db.metadata.sorted_tables for c in t.constraints if isinstance(c, CheckConstraint)]
    assert len(checks) > 20
    assert not [str(c.sqltext) for c in checks if " IN (" in str(c.sqltext).upper()]
    base = dict(organization_id=org.id, source="csv", source_file="f.csv", recipient_committee_id="C1",
                donor_name="X", amount_cents=100)
    db.session.add(Contribution(source_key="null-class", donor_class=None, confidence=None, **base))
    db.session.flush()
    _fails(Contribution(source_key="bad-confidence", confidence="sure", **base))
