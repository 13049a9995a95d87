"""Voteview CSV (votes + rollcalls + members): fixture to the documented layout, and speed."""
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imports import REGISTRY, FormatError, detect

FIXTURES = Path(__file__).parent / "fixtures" / "voteview"


def parse(path):
    [batch] = list(REGISTRY["voteview"].parse(path))
    return batch


@pytest.mark.parametrize("name", ["H119_votes.csv", "H119_rollcalls.csv", "H119_members.csv", None])
def test_fixture(name):
    batch = parse(FIXTURES / name if name else FIXTURES)
    roll_calls = batch.tables["roll_calls"].set_index("source_id")
    assert roll_calls.index.tolist() == ["voteview-house-119-240", "voteview-house-119-241"]
    r240 = roll_calls.loc["voteview-house-119-240"]
    assert (r240["body"], r240["voted_on"], r240["motion"], r240["question"], r240["result"]) == (
        "U.S. House of Representatives", date(2025, 9, 8), "HR3424", "On Motion to Suspend the Rules and Pass", "Passed")
    assert (r240["yes_count"], r240["no_count"], r240["required_majority"], r240["needs_review"]) == (397, 1, "2/3", False)
    assert roll_calls.loc["voteview-house-119-241", "needs_review"]
    positions = batch.tables["positions"]
    assert len(positions) == 8  # the cast code 0 row is left out
    assert positions[["roll_call_source_id", "voter_key", "raw_label", "position"]].values.tolist() == [
        ["voteview-house-119-240", "icpsr:29940", "1", "yes"],
        ["voteview-house-119-240", "icpsr:21554", "6", "no"],
        ["voteview-house-119-240", "icpsr:20709", "9", "not_voting"],
        ["voteview-house-119-240", "icpsr:21545", "1", "yes"],
        ["voteview-house-119-241", "icpsr:29940", "2", "yes"],
        ["voteview-house-119-241", "icpsr:21554", "5", "no"],
        ["voteview-house-119-241", "icpsr:20709", "7", "present"],
        ["voteview-house-119-241", "icpsr:21545", "12", "unknown"],
    ]
    beyer = positions.iloc[1].to_dict()
    assert (beyer["voter_name"], beyer["party"], beyer["state"], beyer["district"], beyer["line"]) == (
        "BEYER, Donald Sternoff Jr.", "Democrat", "VA", "8", 3)
    assert batch.notes == ["1 row(s) with cast code 0 (not a member at the time) left out",
                           'line 9: unknown label "12" on roll call voteview-house-119-241']


def test_detected():
    for name in ("H119_votes.csv", "H119_rollcalls.csv", "H119_members.csv"):
        assert detect(FIXTURES / name, "votes").name == "voteview"


def test_missing_sibling(tmp_path):
    shutil.copy(FIXTURES / "H119_votes.csv", tmp_path)
    shutil.copy(FIXTURES / "H119_rollcalls.csv", tmp_path)
    with pytest.raises(FormatError, match=r"missing sibling file H119_members.csv \(Voteview members\)"):
        parse(tmp_path / "H119_votes.csv")


def test_wrong_columns(tmp_path):
    for name in ("H119_votes.csv", "H119_rollcalls.csv", "H119_members.csv"):
        shutil.copy(FIXTURES / name, tmp_path)
    votes = tmp_path / "H119_votes.csv"
    votes.write_text(votes.read_text().replace("cast_code", "vote", 1))
    with pytest.raises(FormatError, match="Voteview votes file is missing required column.*cast_code"):
        parse(tmp_path)


def test_many_rows_line_numbers_and_positions(tmp_path):
    """Column-wise build on a generated file (speed is measured in bench/bench_parse_voteview.py)."""
    rolls, members = 200, 100
    codes = np.tile([1, 6, 9, 7, 0], rolls * members // 5)
    icpsr = np.arange(10000, 10000 + members)
    pd.DataFrame({
        "congress": 118, "chamber": "Senate", "rollnumber": np.repeat(np.arange(1, rolls + 1), members),
        "icpsr": np.tile(icpsr, rolls), "cast_code": codes, "prob": 99.0,
    }).to_csv(tmp_path / "S118_votes.csv", index=False)
    pd.DataFrame({"congress": 118, "chamber": "Senate", "rollnumber": np.arange(1, rolls + 1),
                  "date": "2023-03-01", "vote_question": "On Passage"}).to_csv(tmp_path / "S118_rollcalls.csv", index=False)
    pd.DataFrame({"congress": 118, "chamber": "Senate", "icpsr": icpsr, "state_abbrev": "VT", "district_code": 0,
                  "party_code": 328, "bioname": [f"MEMBER, {i}" for i in icpsr]}).to_csv(tmp_path / "S118_members.csv", index=False)
    batch = parse(tmp_path)
    positions = batch.tables["positions"]
    assert len(positions) == 16_000 and len(batch.tables["roll_calls"]) == rolls
    assert positions["position"].value_counts().to_dict() == {"yes": 4000, "no": 4000, "not_voting": 4000, "present": 4000}
    last = positions.iloc[-1].to_dict()
    assert (last["roll_call_source_id"], last["voter_key"], last["voter_name"], last["party"], last["line"]) == (
        "voteview-senate-118-200", "icpsr:10098", "MEMBER, 10098", "Independent", 20_000)
    assert batch.notes == ["4000 row(s) with cast code 0 (not a member at the time) left out"]


def test_bad_rows_blank_codes_and_orphans(tmp_path):
    for name in ("H119_rollcalls.csv", "H119_members.csv"):
        shutil.copy(FIXTURES / name, tmp_path)
    (tmp_path / "H119_votes.csv").write_text(
        "congress,chamber,rollnumber,icpsr,cast_code,prob\n"
        "119,House,240,29940,1,99\n"
        "119,House,240,abc,6,99\n"       # line 3: non-numeric icpsr
        "119,House,240,21554,,\n"        # line 4: blank cast code -> unknown
        "119,House,999,20709,1,\n"       # line 5: roll call not in rollcalls file
        "119,Hose,240,21545,1,\n")       # line 6: unknown chamber
    batch = parse(tmp_path)
    assert [(e.line, e.field) for e in batch.errors] == [
        (3, "congress/chamber/rollnumber/icpsr"), (6, "congress/chamber/rollnumber/icpsr"), (5, "rollnumber")]
    positions = batch.tables["positions"]
    assert positions[["voter_key", "raw_label", "position", "line"]].values.tolist() == [
        ["icpsr:29940", "1", "yes", 2], ["icpsr:21554", "", "unknown", 4]]
    assert batch.tables["roll_calls"].set_index("source_id").loc["voteview-house-119-240", "needs_review"]


def test_bad_rollcall_row(tmp_path):
    for name in ("H119_votes.csv", "H119_members.csv"):
        shutil.copy(FIXTURES / name, tmp_path)
    rollcalls = (FIXTURES / "H119_rollcalls.csv").read_text().splitlines()
    rollcalls.insert(1, "119,House,abc,2025-09-01,1,,,,,,,,,,,,,,")
    (tmp_path / "H119_rollcalls.csv").write_text("\n".join(rollcalls) + "\n")
    batch = parse(tmp_path)
    assert [(e.line, e.field) for e in batch.errors] == [(2, "congress/chamber/rollnumber")]
    assert batch.tables["roll_calls"][["source_id", "line"]].values.tolist() == [
        ["voteview-house-119-240", 3], ["voteview-house-119-241", 4]]
    assert len(batch.tables["positions"]) == 8
