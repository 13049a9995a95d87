"""`flask export program` and `flask ballot close-due`."""
import hashlib
import json
from datetime import timedelta

from tests.factories import make_member, make_members, make_program, make_proposal
from tracker.extensions import db
from tracker.models import Ballot
from tracker.models.base import utcnow
from tracker.services import ballots


def test_export_program_json_lets_anyone_recompute_the_hash(runner, org, tmp_path):
    version = make_program(org, planks=3)
    result = runner.invoke(args=["export", "program", "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert set(record) >= {"version", "adopted_at", "planks", "canonical_text", "sha256"}
    assert record["version"] == 1 and len(record["planks"]) == 3
    assert hashlib.sha256(record["canonical_text"].encode("utf-8")).hexdigest() == record["sha256"] == version.text_sha256
    out = tmp_path / "program.md"
    result = runner.invoke(args=["export", "program", "--version", "1", "--format", "markdown", "--out", str(out)])
    assert result.exit_code == 0 and "Wrote 3 planks" in result.output
    assert out.read_text().startswith("# Program version 1") and version.text_sha256 in out.read_text()


def test_export_program_says_when_there_is_nothing(runner, org):
    result = runner.invoke(args=["export", "program"])
    assert result.exit_code == 1 and "has no adopted program version yet" in result.output
    make_program(org, planks=1)
    result = runner.invoke(args=["export", "program", "--version", "7"])
    assert result.exit_code == 1 and "No program version 7" in result.output


def test_close_due_closes_ballots_whose_time_has_passed(runner, org):
    make_program(org, planks=1)
    committee = make_member(org, role="committee")
    others = make_members(org, 4)
    proposal = make_proposal(org, others[0], cosponsors=others[1:4])
    now = utcnow()
    ballot = ballots.create(org, committee, ballots.BallotPlan(
        title="B", opens_at=now - timedelta(days=2), closes_at=now + timedelta(days=1),
        proposal_groups=[[proposal.id]]), now=now - timedelta(days=2))
    db.session.commit()
    result = runner.invoke(args=["ballot", "close-due"])
    assert result.exit_code == 0 and "closed 0" in result.output
    db.session.execute(db.update(Ballot).values(closes_at=now - timedelta(minutes=1)))
    db.session.commit()
    result = runner.invoke(args=["ballot", "close-due"])
    assert result.exit_code == 0 and f"closed 1 ({ballot.id})" in result.output
    assert db.session.get(Ballot, ballot.id).status == "closed"
