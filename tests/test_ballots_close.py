"""Closing an online ballot through the service: the stored rankings are read back exactly (ties,
unranked options, ballots that rank nothing) and counted by the core. bench/bench_ballot_close.py
measures the same close with 20,000 electors."""
from datetime import datetime, timedelta

import numpy as np
import pytest

from tests.factories import make_member, make_program
from tracker import ballots as core
from tracker.extensions import db
from tracker.models import BallotVote, CastBallot
from tracker.services import ballots, proposals
from tracker.services import program as program_service

NOW = datetime(2026, 3, 1, 12, 0)


@pytest.mark.parametrize("stored, options, expected", [
    (["1,,2"], 3, [[1, 0, 2]]),
    (["1,1,2", "2,1,1"], 3, [[1, 1, 2], [2, 1, 1]]),  # equal ranks
    (["", None, "1,2,3"], 3, [[0, 0, 0], [0, 0, 0], [1, 2, 3]]),  # nothing ranked
    (["1,2,3", ""], 3, [[1, 2, 3], [0, 0, 0]]),  # nothing ranked on the last line
    ([",,", "1,,"], 3, [[0, 0, 0], [1, 0, 0]]),
    (["10,,2,1,3,4,5,6,7,8,9"], 11, [[10, 0, 2, 1, 3, 4, 5, 6, 7, 8, 9]]),  # two-digit ranks
    (["1", "", None], 1, [[1], [0], [0]]),
    (["1,2"], 3, [[1, 2, 0]]),  # a shorter line: the options after it unranked
    ([], 4, np.zeros((0, 4), dtype=np.int64)),
])
def test_ranks_matrix_reads_the_stored_ranks(stored, options, expected):
    matrix = ballots.ranks_matrix(stored, options)
    assert matrix.dtype == np.int64 and matrix.shape == np.asarray(expected).reshape(-1, options).shape
    assert matrix.tolist() == np.asarray(expected).tolist()


def test_ranks_matrix_refuses_what_is_not_a_rank():
    with pytest.raises(ValueError):
        ballots.ranks_matrix(["1,x,2"], 3)


def test_close_counts_the_rankings_and_answers_cast_online(app, org):
    org.ballot_settings = {"cosponsors_needed": 0, "quorum": "0"}
    committee = make_member(org, role="committee")
    voters = [make_member(org) for _ in range(5)]
    version = make_program(org, planks=2)
    target = version.planks[0]
    competing = [proposals.propose(org, voters[i], kind="amendment", title=target.title, body=f"New text {i}.",
                                   target_plank=target) for i in range(2)]
    single = proposals.propose(org, voters[2], kind="new_plank", title="Public broadband", body="Broadband for all.")
    db.session.commit()
    ballot = ballots.create(org, committee, ballots.BallotPlan(
        title="Convention", opens_at=NOW - timedelta(hours=1), closes_at=NOW + timedelta(days=1),
        proposal_groups=[[p.id for p in competing], [single.id]]), now=NOW)
    db.session.commit()
    ranked, yes_no = ballot.questions
    assert [o.label for o in ranked.options][-1] == core.DEFAULT_OPTION
    # Options: proposal A, proposal B, keep the current text. None is unranked.
    rankings = [[1, 2, None], [1, 1, 2], [2, None, 1], [1, None, None], [None, None, None]]
    answers = ["yes", "yes", "no", "abstain", "yes"]
    for member, ranks, answer in zip(voters, rankings, answers):
        ballots.cast(ballot, member, {ranked.id: ranks, yes_no.id: answer}, now=NOW + timedelta(hours=2))
    db.session.commit()
    assert db.session.execute(db.select(db.func.count()).select_from(BallotVote)).scalar_one() == 9

    assert ballots.close(ballot, now=NOW + timedelta(days=1, minutes=1)) is True
    ranked, yes_no = db.session.get(type(ballot), ballot.id).questions
    expected = core.tally_ranked([o.label for o in ranked.options], [[r or 0 for r in row] for row in rankings[:4]],
                                 default=core.DEFAULT_OPTION)
    assert ranked.result["pairwise"] == expected.as_dict()["pairwise"] and ranked.result["ballots"] == 4
    assert ranked.outcome == "winner" and ranked.result["winner"] == ranked.options[0].label
    assert (yes_no.result["yes"], yes_no.result["no"], yes_no.result["abstain"], yes_no.outcome) == (3, 1, 1, "passed")
    assert db.session.execute(db.select(db.func.count()).select_from(BallotVote)).scalar_one() == 0
    assert db.session.execute(db.select(db.func.count(CastBallot.id), db.func.count(CastBallot.member_id))).one() == (9, 0)
    draft = program_service.draft_version(org.id)
    assert {p.key: p.body for p in draft.planks}[target.key] == "New text 0."
    assert "Public broadband" in [p.title for p in draft.planks]
