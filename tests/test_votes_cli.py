"""`flask import votes|people` and `flask export votes` on the real samples."""
import csv
import io
import json

from tracker.extensions import db
from tracker.models import Organization, VotePosition

HOUSE_XML = "house-clerk-rollcall-xml/roll240_2025.xml"
HOUSE_JSON = "us-congress-votes-json/119_votes_2025_h240/data.json"


def test_import_votes_json_prints_only_the_summary_and_detects_the_format(runner, realdata):
    result = runner.invoke(args=["import", "votes", str(realdata / HOUSE_XML), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {k: summary[k] for k in ("format", "read", "imported", "duplicates", "errors", "error_samples")} == \
        {"format": "house-xml", "read": 431, "imported": 430, "duplicates": 0, "errors": 0, "error_samples": []}
    assert "Detected format: house-xml" in result.stderr
    assert db.session.execute(db.select(db.func.count()).select_from(Organization)).scalar() == 1

    again = runner.invoke(args=["import", "votes", str(realdata / HOUSE_JSON), "--json"])
    assert json.loads(again.stdout)["duplicates"] == 430 and json.loads(again.stdout)["imported"] == 0


def test_rejected_file_exits_2_with_the_reason(runner, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    result = runner.invoke(args=["import", "votes", str(path), "--json"])
    assert result.exit_code == 2
    summary = json.loads(result.stdout)
    assert summary["status"] == "rejected" and "empty.csv: the file is empty" in summary["message"]


def test_truncated_xml_is_rejected_and_writes_nothing(runner, realdata, tmp_path):
    text = (realdata / HOUSE_XML).read_bytes()
    path = tmp_path / "roll240_truncated.xml"
    path.write_bytes(text[: len(text) // 2])
    result = runner.invoke(args=["import", "votes", str(path), "--format", "house-xml", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["status"] == "rejected"
    assert db.session.execute(db.select(db.func.count()).select_from(VotePosition)).scalar() == 0


def test_strict_rejects_a_file_with_a_bad_row(runner, tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text("body,date,motion_id,title,result,person,option\nCouncil,2024-01-01,M,T,passed,Ann,Aye\n"
                    "Council,someday,M,T,passed,Bob,Aye\n")
    result = runner.invoke(args=["import", "votes", str(path), "--strict", "--json"])
    assert result.exit_code == 2
    summary = json.loads(result.stdout)
    assert summary["imported"] == 0 and summary["error_samples"] == [
        {"line": 3, "field": "date", "message": "date is not YYYY-MM-DD"}]
    lenient = runner.invoke(args=["import", "votes", str(path), "--json"])
    assert lenient.exit_code == 0 and json.loads(lenient.stdout)["imported"] == 1


def test_export_votes_csv_to_file_and_json_to_stdout(runner, realdata, tmp_path):
    runner.invoke(args=["import", "people", str(realdata / "congress-legislators/legislators-current.csv")])
    runner.invoke(args=["import", "votes", str(realdata / HOUSE_XML)])
    out = tmp_path / "votes.csv"
    result = runner.invoke(args=["export", "votes", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 430
    pelosi = next(r for r in rows if r["voter_key"] == "bioguide:P000197")
    assert (pelosi["roll_call_source_id"], pelosi["date"], pelosi["body"]) == \
        ("us-house-119-1-240", "2025-09-08", "U.S. House of Representatives")
    assert "bioguide:P000197" in pelosi["person_ids"].split(";")
    fine = next(r for r in rows if r["voter_key"] == "bioguide:F000484")
    assert fine["person_ids"] == "" and fine["person_name"] == "Fine"
    as_json = json.loads(runner.invoke(args=["export", "votes", "--format", "json"]).stdout)
    assert len(as_json) == 430 and as_json[0]["roll_call_source_id"] == "us-house-119-1-240"


def test_dry_run_counts_but_writes_nothing_and_people_command_reports(runner, realdata):
    dry = runner.invoke(args=["import", "votes", str(realdata / HOUSE_XML), "--dry-run", "--json"])
    assert dry.exit_code == 0
    assert (json.loads(dry.stdout)["status"], json.loads(dry.stdout)["imported"]) == ("dry_run", 430)
    assert db.session.execute(db.select(db.func.count()).select_from(VotePosition)).scalar() == 0
    people = runner.invoke(args=["import", "people", str(realdata / "congress-legislators/legislators-current.csv")])
    assert people.exit_code == 0 and people.stdout.startswith("succeeded: read 537")
    assert "Detected format: congress-legislators-csv" in people.stderr
