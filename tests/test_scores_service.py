"""Stored scores: recompute, explain, options, alignment/excusal imports, exports (SQLite and PostgreSQL)."""
import csv
import io
import json
from datetime import date
from decimal import Decimal

import defusedxml.ElementTree as ET
import pytest

from imports.vote_options import canonical_position
from tests.factories import make_body, make_person, make_program, make_roll_call, make_term
from tracker.extensions import db
from tracker.models import Alignment, AuditEvent, Excusal, Score, VotePosition
from tracker.services import scores
from tracker.services.votes import voter_for


def add_vote(org, roll_call, person, raw):
    db.session.add(VotePosition(organization_id=org.id, roll_call_id=roll_call.id, person_id=person.id,
                                voter=voter_for(org.id, f"id:{person.id}", person.name), raw_label=raw,
                                position=canonical_position(raw)))


def align(org, roll_call, plank, pro="yes", weight=1, status="approved"):
    db.session.add(Alignment(organization_id=org.id, roll_call_id=roll_call.id, plank_id=plank.id,
                             pro_position=pro, weight=weight, status=status))


@pytest.fixture
def council(org):
    """Two council members, six roll calls on plank 1 (one only proposed), one a year earlier."""
    version = make_program(org, planks=2)
    plank1, plank2 = version.planks[0], version.planks[1]
    body = make_body(org)
    ana = make_person(org, "Ana Morales", ids={"local": "hc-1"})
    ben = make_person(org, "=Ben Hacker", ids={"local": "hc-2"})
    make_term(org, ana, body, start_on=date(2020, 1, 1))
    make_term(org, ben, body, start_on=date(2024, 1, 1))
    roll_calls = [make_roll_call(org, body, voted_on=date(2023, 6, 1), source_id="rc-2023-1")]
    roll_calls += [make_roll_call(org, body, voted_on=date(2024, 3, d), source_id=f"rc-2024-{d}",
                                  source_url=f"https://council.example/{d}") for d in range(1, 6)]
    labels = {"Ana Morales": ["Yea", "Yea", "Yea", "Nay", "Not Voting", "Yea"],
              "=Ben Hacker": [None, "Nay", "Nay", "Yea", "Yea", "Yea"]}
    for person in (ana, ben):
        for roll_call, raw in zip(roll_calls, labels[person.name]):
            if raw:
                add_vote(org, roll_call, person, raw)
    for roll_call in roll_calls[:5]:
        align(org, roll_call, plank1)
    align(org, roll_calls[5], plank1, status="proposed")
    align(org, roll_calls[1], plank2, weight=2)
    db.session.commit()
    return {"org": org, "ana": ana, "ben": ben, "roll_calls": roll_calls, "plank1": plank1, "plank2": plank2}


def stored(person, scope="overall", window="lifetime", crucial_only=False):
    return db.session.execute(db.select(Score).filter_by(person_id=person.id, scope=scope, window=window,
                                                         crucial_only=crucial_only)).scalar_one()


def test_recompute_stores_scores(council):
    org, ana, ben = council["org"], council["ana"], council["ben"]
    summary = scores.recompute(org)
    assert summary["people"] == 2 and summary["roll_calls"] == 5
    row = stored(ana)
    # 2023 Yea, 2024 Yea (weight 2: it is also on plank 2) Yea Nay NotVoting (excluded); the proposed
    # alignment is ignored: (1 + 2 + 1) / 5.
    assert (row.agreeing, row.disagreeing, row.excluded, row.score_exact, row.score_display, row.status) == (
        3, 1, 1, Decimal("80.00"), 80, "ok")
    assert row.missed_vote_rate == Decimal("20.00")
    assert row.rule_set == "absence=exclude;against=absent,abstain,not_voting,present;min=4;overall=pooled;v2026.1"
    assert stored(ana, window="year:2024").status == "insufficient_data"
    assert stored(ana, window="year:2023").counted == 1
    # Ben's term starts in 2024: the 2023 roll call does not exist for him.
    assert (stored(ben).agreeing, stored(ben).disagreeing, stored(ben).counted) == (2, 2, 4)
    assert stored(ben).score_exact == Decimal("40.00")
    first = db.session.scalar(db.select(db.func.count(Score.id)))
    scores.recompute(org)
    assert db.session.scalar(db.select(db.func.count(Score.id))) == first


def test_recompute_rewrites_the_scores_it_keeps_and_deletes_the_rest(council):
    org, ana = council["org"], council["ana"]
    scores.recompute(org)
    first_computed_at = stored(ana).computed_at
    scores.set_options(org, {"windows": ["lifetime"], "absence_policy": "count_against"})
    assert set(db.session.scalars(db.select(Score.window).distinct())) == {"lifetime"}
    assert stored(ana).score_exact == Decimal("66.67") and stored(ana).computed_at != first_computed_at
    assert stored(ana).rule_set.startswith("absence=count_against;")
    scores.set_options(org, {"windows": ["lifetime", "year", "term"]})
    assert stored(ana, window="year:2023").counted == 1


def test_stored_details_hold_the_division(council):
    org, ana = council["org"], council["ana"]
    scores.recompute(org)
    assert stored(ana).details == {"numerator": "4.00", "denominator": "5.00", "eligible": 5, "averaged_planks": False}
    scores.set_options(org, {"overall_mode": "plank_average", "absence_policy": "half_credit"})
    # Plank 1: (3 + 0.5) / 5 = 70.00; plank 2 has one roll call (too few): the average of one plank.
    averaged = stored(ana)
    assert (averaged.score_exact, averaged.details) == (
        Decimal("70.00"), {"numerator": "70.00", "denominator": "1.00", "eligible": 5, "averaged_planks": True})
    if db.engine.dialect.name == "sqlite":  # stored as the text json.dumps makes
        raw = db.session.execute(db.text("SELECT details FROM score WHERE id = :id"), {"id": averaged.id}).scalar()
        assert raw == json.dumps(averaged.details)


def test_explain_lists_each_vote_and_the_division(council):
    org, ana = council["org"], council["ana"]
    scores.recompute(org)
    box = scores.explain(stored(ana))
    assert box["division"] == "4.00 / 5.00 x 100 = 80.00"
    assert [v["source_id"] for v in box["votes"]] == ["rc-2023-1"] + [f"rc-2024-{d}" for d in range(1, 5)]
    missed = box["votes"][-1]
    assert (missed["raw_label"], missed["position"], missed["outcome"], missed["points"], missed["weight"]) == (
        "Not Voting", "not_voting", "excluded", 0.0, 1)
    assert missed["source_url"] == "https://council.example/4" and missed["plank_ids"] == [council["plank1"].id]
    year = scores.explain(stored(ana, window="year:2024"))
    assert len(year["votes"]) == 4 and year["division"] is None
    assert "too few" in year["message"] and "needs 4" in year["message"]
    plank2 = scores.explain(stored(ana, scope=f"plank:{council['plank2'].id}"))
    assert [v["weight"] for v in plank2["votes"]] == [2]


def test_excusal_never_counts_against(council):
    org, ana = council["org"], council["ana"]
    scores.set_options(org, {"absence_policy": "count_against"})
    assert stored(ana).score_exact == Decimal("66.67")
    db.session.add(Excusal(organization_id=org.id, roll_call_id=council["roll_calls"][4].id, person_id=ana.id,
                           reason="Medical leave"))
    db.session.commit()
    scores.recompute(org)
    assert stored(ana).score_exact == Decimal("80.00")


def test_set_options_audits_and_recomputes(council):
    org, ana = council["org"], council["ana"]
    scores.recompute(org)
    summary = scores.set_options(org, {"absence_policy": "half_credit", "bands": "70:mostly,0:breaks it"})
    assert summary["scores"] > 0
    assert stored(ana).score_exact == Decimal("75.00")  # (4 + 0.5) / 6
    assert scores.band_of(org, stored(ana)) == "mostly"
    event = db.session.execute(db.select(AuditEvent).filter_by(action="scoring.options")).scalar_one()
    assert event.before["options"]["absence_policy"] == "exclude"
    assert event.after["options"]["absence_policy"] == "half_credit"
    assert event.after["bands"][0] == {"min": 70, "label": "mostly"} and event.actor_label == "cli"
    with pytest.raises(scores.OptionsError, match="absence_policy"):
        scores.set_options(org, {"absence_policy": "forgive"})
    with pytest.raises(scores.OptionsError, match="min_counted_votes"):
        scores.set_options(org, {"min_counted_votes": -2})
    assert scores.get_options(org).absence_policy == "half_credit"
    assert scores.set_options(org, {"absence_policy": "half_credit"}) == {}  # no change, no event
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(action="scoring.options")) == 1


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_alignments(council, tmp_path):
    org, plank1, plank2 = council["org"], council["plank1"], council["plank2"]
    path = write(tmp_path, "alignments.csv",
                 "roll_call_source_id,plank,pro_position,weight,rationale\n"
                 f"rc-2024-5,{plank1.id},Yea,2,Advances the plank\n"
                 f"rc-2024-4,{plank2.title},no,1,Hurts it\n"
                 "rc-nope,1,yes,1,\n"
                 "rc-2024-3,No such plank,yes,1,\n"
                 "rc-2024-3,1,maybe,1,\n"
                 "rc-2024-3,1,yes,0,\n")
    result = scores.import_alignments(org, path)
    assert result.status == "succeeded" and (result.imported, result.duplicates) == (2, 0)
    problems = sorted((e.line, e.field) for e in result.errors)
    assert problems == [(4, "roll_call_source_id"), (5, "plank"), (6, "pro_position"), (7, "weight")]
    assert "rc-nope" in next(e.message for e in result.errors if e.line == 4)
    assert result.report["recompute"]["scores"] > 0
    new = db.session.execute(db.select(Alignment).filter_by(roll_call_id=council["roll_calls"][5].id,
                                                            plank_id=plank1.id)).scalar_one()
    assert (new.pro_position, new.weight, new.status) == ("yes", 2, "approved")
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(action="alignment.import")) == 2
    again = scores.import_alignments(org, path)
    assert (again.imported, again.duplicates) == (0, 2)
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(action="alignment.import")) == 2


def test_import_alignments_strict_dry_run_and_forced_plank(council, tmp_path):
    org, plank2 = council["org"], council["plank2"]
    bad = write(tmp_path, "bad.csv", "roll_call_source_id,plank,pro_position,weight,rationale\n"
                                     "rc-2024-5,1,yes,1,\nrc-nope,1,yes,1,\n")
    before = db.session.scalar(db.select(db.func.count(Alignment.id)))
    assert scores.import_alignments(org, bad, strict=True).status == "rejected"
    assert db.session.scalar(db.select(db.func.count(Alignment.id))) == before
    forced = write(tmp_path, "forced.csv", "roll_call_source_id,pro_position,weight,rationale\n"
                                           "rc-2024-5,no,1,x\nrc-2024-3,no,1,y\n")
    assert scores.import_alignments(org, forced, plank_id=str(plank2.id), dry_run=True).status == "dry_run"
    assert db.session.scalar(db.select(db.func.count(Alignment.id))) == before
    result = scores.import_alignments(org, forced, plank_id=str(plank2.id))
    assert result.imported == 2
    assert db.session.scalar(db.select(db.func.count(Alignment.id)).filter_by(plank_id=plank2.id)) == 3


def test_import_excusals(council, tmp_path):
    org, ana = council["org"], council["ana"]
    scores.set_options(org, {"absence_policy": "count_against"})
    path = write(tmp_path, "excusals.csv", "roll_call_source_id,person_id,reason\n"
                                           "rc-2024-4,local:hc-1,Medical leave\n"
                                           "rc-2024-4,local:nobody,x\n"
                                           "rc-2024-4,hc-1,x\n")
    result = scores.import_excusals(org, path)
    assert result.imported == 1
    assert sorted((e.line, e.field) for e in result.errors) == [(3, "person_id"), (4, "person_id")]
    assert stored(ana).score_exact == Decimal("80.00")
    assert scores.import_excusals(org, path).duplicates == 1


def test_export_scores_contract_and_neutralized_cells(council):
    org = council["org"]
    scores.recompute(org)
    text = scores.export_scores(org, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys())[:12] == ["person_name", "person_ids", "scope", "window", "score_exact",
                                         "score_display", "status", "agreeing", "disagreeing", "missed",
                                         "excluded", "rule_set"]
    ben = [r for r in rows if r["person_ids"] == "local:hc-2"]
    assert ben and all(r["person_name"] == "'=Ben Hacker" for r in ben)
    lifetime = next(r for r in rows if r["person_ids"] == "local:hc-1" and r["scope"] == "overall"
                    and r["window"] == "lifetime" and r["crucial_only"] == "False")
    assert (lifetime["score_exact"], lifetime["score_display"], lifetime["agreeing"]) == ("80.00", "80", "3")
    as_json = json.loads(scores.export_scores(org, "json"))
    assert as_json[0]["person_name"] == "=Ben Hacker" or as_json[0]["person_name"] == "Ana Morales"
    assert {r["window"] for r in as_json} >= {"lifetime", "year:2023", "year:2024"}


def test_export_alignments_contract(council):
    text = scores.export_alignments(council["org"], "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys())[:5] == ["roll_call_source_id", "plank_id", "pro_position", "weight", "approved"]
    assert len(rows) == 7 and sum(r["approved"] == "True" for r in rows) == 6


def test_recompute_on_the_real_house_roll_call(org, realdata):
    """Roll 240 of 2025 (H.R. 3424): 397 Yea, 1 Nay, 32 Not Voting, stored as the votes importer would."""
    root = ET.parse(realdata / "house-clerk-rollcall-xml" / "roll240_2025.xml").getroot()
    version = make_program(org, planks=1)
    body = make_body(org, name="U.S. House")
    roll_call = make_roll_call(org, body, voted_on=date(2025, 9, 8), source_id="house-2025-240",
                               yes_count=397, no_count=1, required_majority="2/3")
    for recorded in root.iter("recorded-vote"):
        legislator = recorded.find("legislator")
        person = make_person(org, legislator.text, ids={"bioguide": legislator.get("name-id")})
        add_vote(org, roll_call, person, recorded.find("vote").text)
    align(org, roll_call, version.planks[0])
    db.session.commit()
    scores.set_options(org, {"min_counted_votes": 1, "absence_policy": "count_against"})
    rows = db.session.execute(db.select(Score).filter_by(scope="overall", window="lifetime",
                                                         crucial_only=False)).scalars().all()
    assert len(rows) == 430
    by_value = {}
    for row in rows:
        by_value[row.score_display] = by_value.get(row.score_display, 0) + 1
    assert by_value == {100: 397, 0: 33}  # 1 Nay + 32 Not Voting counted against
    assert sum(row.missed_vote_rate == Decimal("100.00") for row in rows) == 32
    # 2/3 question: crucial only by hand, so no crucial-only scores.
    assert db.session.scalar(db.select(db.func.count(Score.id)).filter_by(crucial_only=True)) == 0


def test_explain_says_when_a_recompute_is_due_and_explains_plank_average(council):
    org, ana = council["org"], council["ana"]
    scores.recompute(org)
    assert scores.explain(stored(ana))["stale"] is False
    db.session.add(VotePosition(organization_id=org.id, roll_call_id=council["roll_calls"][0].id,
                                person_id=council["ben"].id, voter=voter_for(org.id, "late", "Ben"), raw_label="Yea",
                                position="yes"))
    proposed = db.session.execute(db.select(Alignment).filter_by(status="proposed")).scalar_one()
    proposed.status = "approved"  # approved, not yet recomputed
    db.session.commit()
    assert scores.explain(stored(ana))["stale"] is True
    scores.set_options(org, {"overall_mode": "plank_average", "min_counted_votes": 1})
    box = scores.explain(stored(ana))
    # plank 1: Yea Yea Yea Nay (Not Voting left out) Yea = 4 / 5 = 80.00; plank 2: 100.00 -> 180.00 / 2
    assert box["division"] == "180.00 / 2.00 planks = 90.00" and box["stale"] is False


def test_recompute_without_approved_alignments_clears_scores(council):
    org = council["org"]
    assert scores.recompute(org)["scores"] > 0
    for alignment in db.session.execute(db.select(Alignment)).scalars():
        alignment.status = "rejected"
    db.session.commit()
    assert scores.recompute(org) | {"seconds": 0} == {"scores": 0, "people": 0, "roll_calls": 0, "positions": 0,
                                                      "rule_set": scores.get_options(org).rule_set_name(), "seconds": 0}
    assert db.session.scalar(db.select(db.func.count(Score.id))) == 0
