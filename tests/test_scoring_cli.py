"""The scoring commands: recompute, scoring-options, import alignments/excusals, export scores/alignments."""
import csv
import io
import json
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.factories import make_body, make_person, make_program, make_roll_call, make_term
from tests.test_scores_service import add_vote, align
from tracker.extensions import db
from tracker.models import Alignment, AuditEvent, Organization, Person, RollCall, Score, VotePosition

CONTRACT = ["person_name", "person_ids", "scope", "window", "score_exact", "score_display", "status", "agreeing",
            "disagreeing", "missed", "excluded", "rule_set"]


@pytest.fixture
def small(org):
    version = make_program(org, planks=1)
    body = make_body(org)
    person = make_person(org, "Grace Liu", ids={"local": "hc-3"})
    make_term(org, person, body, start_on=date(2020, 1, 1))
    roll_calls = [make_roll_call(org, body, voted_on=date(2024, 4, d), source_id=f"rc-{d}") for d in range(1, 6)]
    for roll_call, raw in zip(roll_calls, ["Yea", "Yea", "Nay", "Yea", "Not Voting"]):
        add_vote(org, roll_call, person, raw)
    for roll_call in roll_calls[:4]:
        align(org, roll_call, version.planks[0])
    db.session.commit()
    return {"org": org, "person": person, "plank": version.planks[0], "roll_calls": roll_calls}


def lifetime(person):
    return db.session.execute(db.select(Score).filter_by(person_id=person.id, scope="overall", window="lifetime",
                                                         crucial_only=False)).scalar_one()


def test_recompute_command(runner, small):
    result = runner.invoke(args=["recompute"])
    assert result.exit_code == 0, result.output
    assert f"{small['org'].slug}: " in result.output and "4 scored roll calls" in result.output
    assert lifetime(small["person"]).score_exact == Decimal("75.00")
    assert runner.invoke(args=["recompute", "--organization", "nope"]).exit_code != 0


def test_scoring_options_show_and_set(runner, small):
    shown = runner.invoke(args=["scoring-options", "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.output)["absence_policy"] == "exclude"
    align(small["org"], small["roll_calls"][4], small["plank"])  # the Not Voting roll call is scored too
    db.session.commit()
    changed = runner.invoke(args=["scoring-options", "--absence-policy", "count_against", "--counted-against",
                                  "not_voting,absent", "--min-counted-votes", "5", "--bands", "90:keeps the program,0:breaks it"])
    assert changed.exit_code == 0, changed.output
    assert "absence_policy: count_against" in changed.output and "90: keeps the program" in changed.output
    assert "counted_against: absent, not_voting" in changed.output
    assert lifetime(small["person"]).score_exact == Decimal("60.00")  # 3 / 5 with Not Voting counted
    event = db.session.execute(db.select(AuditEvent).filter_by(action="scoring.options")).scalar_one()
    assert event.actor_label == "cli" and event.after["options"]["min_counted_votes"] == 5
    bad = runner.invoke(args=["scoring-options", "--counted-against", "yes"])
    assert bad.exit_code != 0 and "counted_against" in bad.output
    assert runner.invoke(args=["scoring-options", "--bands", "ninety:x"]).exit_code != 0


def test_import_alignments_command(runner, small, tmp_path):
    path = tmp_path / "alignments.csv"
    path.write_text("roll_call_source_id,plank,pro_position,weight,rationale\n"
                    "rc-5,Plank 1,yes,3,Advances it\nrc-9,Plank 1,yes,1,\n", encoding="utf-8")
    dry = runner.invoke(args=["import", "alignments", str(path), "--dry-run", "--json"])
    assert json.loads(dry.output)["status"] == "dry_run"
    assert db.session.scalar(db.select(db.func.count(Alignment.id))) == 4
    strict = runner.invoke(args=["import", "alignments", str(path), "--strict", "--json"])
    assert strict.exit_code != 0 and json.loads(strict.output)["status"] == "rejected"
    result = runner.invoke(args=["import", "alignments", str(path), "--json"])
    summary = json.loads(result.output)
    assert (summary["imported"], summary["errors"], summary["status"]) == (1, 1, "succeeded")
    assert summary["error_samples"][0] == {"line": 3, "field": "roll_call_source_id",
                                           "message": "unknown roll call source id 'rc-9'"}
    assert summary["report"]["recompute"]["scores"] > 0
    # Not Voting on a weight-3 roll call: still excluded by default.
    assert lifetime(small["person"]).excluded == 1
    forced = tmp_path / "forced.csv"
    forced.write_text("roll_call_source_id,pro_position\nrc-1,no\n", encoding="utf-8")
    plain = runner.invoke(args=["import", "alignments", str(forced), "--plank", str(small["plank"].id)])
    assert plain.exit_code == 0 and "imported 1" in plain.output


def test_import_excusals_command(runner, small, tmp_path):
    runner.invoke(args=["scoring-options", "--absence-policy", "count_against"])
    align(small["org"], small["roll_calls"][4], small["plank"])
    db.session.commit()
    runner.invoke(args=["recompute"])
    assert lifetime(small["person"]).score_exact == Decimal("60.00")
    path = tmp_path / "excusals.csv"
    path.write_text("roll_call_source_id,person_id,reason\nrc-5,local:hc-3,Jury duty\n", encoding="utf-8")
    result = runner.invoke(args=["import", "excusals", str(path)])
    assert result.exit_code == 0 and "imported 1" in result.output, result.output
    assert lifetime(small["person"]).score_exact == Decimal("75.00")


def test_export_commands(runner, small, tmp_path):
    runner.invoke(args=["recompute"])
    out = tmp_path / "scores.csv"
    assert runner.invoke(args=["export", "scores", "--format", "csv", "--out", str(out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0])[:12] == CONTRACT
    assert rows[0]["person_ids"] == "local:hc-3"
    as_json = json.loads(runner.invoke(args=["export", "scores", "--format", "json"]).output)
    assert list(as_json[0])[:12] == CONTRACT
    alignments = runner.invoke(args=["export", "alignments", "--format", "csv"]).output
    assert alignments.splitlines()[0].startswith("roll_call_source_id,plank_id,pro_position,weight,approved")


def _half_up(fraction: Decimal) -> Decimal:
    return fraction.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_demo_scores_can_be_recomputed_from_the_exports(runner, tmp_path):
    """Anyone can redo the demo's lifetime scores from `export alignments` and the vote positions."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    org = db.session.execute(db.select(Organization)).scalar_one()
    assert db.session.scalar(db.select(db.func.count(Score.id)).filter_by(organization_id=org.id)) > 0
    alignments = list(csv.DictReader(io.StringIO(runner.invoke(args=["export", "alignments"]).output)))
    exported = list(csv.DictReader(io.StringIO(runner.invoke(args=["export", "scores"]).output)))
    # The per-person positions as `export votes` publishes them (roll call source id, person, position).
    positions = db.session.execute(
        db.select(RollCall.source_id, Person.name, VotePosition.position)
        .join(RollCall, RollCall.id == VotePosition.roll_call_id).join(Person, Person.id == VotePosition.person_id)).all()
    scored = defaultdict(lambda: {"weight": 0, "pro": set()})
    for row in alignments:
        if row["approved"] == "True":
            entry = scored[row["roll_call_source_id"]]
            entry["weight"] = max(entry["weight"], int(row["weight"]))
            entry["pro"].add(row["pro_position"])
    points, weights = defaultdict(int), defaultdict(int)
    for source_id, name, position in positions:
        entry = scored.get(source_id)
        if entry is None or len(entry["pro"]) != 1 or position not in ("yes", "no"):
            continue  # default rule set: only yes/no on a scored roll call count
        weights[name] += entry["weight"]
        points[name] += entry["weight"] if position in entry["pro"] else 0
    checked = 0
    for row in exported:
        if (row["scope"], row["window"], row["crucial_only"]) == ("overall", "lifetime", "False"):
            expected = _half_up(Decimal(100 * points[row["person_name"]]) / weights[row["person_name"]])
            assert Decimal(row["score_exact"]) == expected, row["person_name"]
            checked += 1
    assert checked == 8
