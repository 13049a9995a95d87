"""`flask ballot tally`: a file of paper ballots counted by the ballot core."""
import json

import pytest

from tests.test_ballots import B07_BLT, B07_D, B07_OPTIONS, B07_P, b07_csv, table
from tracker.ballots import DEFAULT_OPTION


@pytest.fixture
def b07_files(tmp_path):
    blt = tmp_path / "b07.blt"
    blt.write_text(B07_BLT, encoding="utf-8")
    csv = tmp_path / "b07.csv"
    csv.write_text(b07_csv(), encoding="utf-8")
    return blt, csv


def tally(runner, *args):
    return runner.invoke(args=["ballot", "tally", *map(str, args)])


def test_tally_json_gives_the_b07_result_from_blt_and_csv(runner, b07_files):
    outputs = []
    for path in b07_files:
        result = tally(runner, path, "--json")
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        outputs.append(json.loads(result.stdout))  # exactly one JSON object
    data = outputs[0]
    assert outputs[1] == data
    assert data["options"] == B07_OPTIONS and data["ballots"] == 45
    assert data["pairwise"] == table(B07_OPTIONS, B07_D)
    assert data["strongest_paths"] == table(B07_OPTIONS, B07_P)
    assert (data["winners"], data["ranking"], data["result"], data["winner"], data["dropped"]) == \
        (["E"], ["E", "A", "C", "B", "D"], "winner", "E", [])


def test_tally_readable_summary(runner, b07_files):
    result = tally(runner, b07_files[0])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "45 ballots; quorum 0; majority simple; no default option."
    assert "     1   -  20  26  30  22" in lines  # row A of d
    assert "     5  25  28  28  31   -" in lines  # row E of p
    assert "Dropped: none" in lines
    assert "Winners: E" in lines and "Ranking: 1. E, 2. A, 3. C, 4. B, 5. D" in lines
    assert lines[-1] == "Result: winner 'E'"


def test_tally_default_majority_and_format_options(runner, tmp_path):
    path = tmp_path / "plank-3.txt"  # no extension to go by: the format is given
    path.write_text(f"A,{DEFAULT_OPTION}\n" + "1,2\n" * 5 + "2,1\n" * 3, encoding="utf-8")
    short = tally(runner, path, "--format", "csv", "--default", DEFAULT_OPTION, "--majority", "two-thirds", "--json")
    assert short.exit_code == 0, short.output
    data = json.loads(short.stdout)
    assert (data["result"], data["winner"], data["default"], data["majority"]) == \
        ("default", DEFAULT_OPTION, DEFAULT_OPTION, "two-thirds")
    assert data["dropped"] == [{"option": "A", "reason": "ranked above 'keep the current text' on 5 ballots, below it "
                                                         "on 3: needs at least two-thirds (twice as many above it as below)"}]
    simple = tally(runner, path, "--format", "csv", "--default", DEFAULT_OPTION)
    assert simple.exit_code == 0 and simple.stdout.splitlines()[-1] == "Result: winner 'A'"
    dropped = tally(runner, path, "--format", "csv", "--default", DEFAULT_OPTION, "--majority", "three-quarters")
    assert "A: ranked above 'keep the current text' on 5 ballots, below it on 3" in dropped.stdout
    assert dropped.stdout.splitlines()[-1] == "Result: default 'keep the current text' (nothing changes)"


def test_tally_no_quorum_and_tie(runner, tmp_path):
    path = tmp_path / "seat.csv"
    path.write_text("A,B,weight\n1,2,2\n2,1,2\n", encoding="utf-8")
    short = tally(runner, path, "--quorum", "5", "--json")
    data = json.loads(short.stdout)
    assert (data["result"], data["winner"], data["ballots"], data["pairwise"]) == \
        ("no quorum", None, 4, {"A": {"B": 2}, "B": {"A": 2}})
    assert tally(runner, path, "--quorum", "5").stdout.splitlines()[-1] == \
        "Result: no quorum (4 ballots, 5 needed); nothing is decided."
    tied = tally(runner, path, "--quorum", "4")
    assert tied.exit_code == 0 and tied.stdout.splitlines()[-1] == "Result: tie between 'A', 'B' (nothing changes)"


def test_tally_bad_file_exits_2_with_the_error_on_stderr_only(runner, tmp_path):
    path = tmp_path / "tellers.csv"
    path.write_text("A,B,C\n1,2,3\n1,x,3\n", encoding="utf-8")
    for extra in ([], ["--json"]):
        result = tally(runner, path, *extra)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.strip() == "tellers.csv, line 3, field 'B': rank 'x' is not a whole number"
    blt = tmp_path / "count.blt"
    blt.write_text("3 2\n1 1 0\n0\n", encoding="utf-8")
    result = tally(runner, blt, "--json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("count.blt, line 1, field 'seats': ")
    wrong_format = tally(runner, path, "--format", "blt")
    assert wrong_format.exit_code == 2 and wrong_format.stderr.startswith("tellers.csv, line 1, field 'options': ")


def test_tally_default_must_be_one_of_the_options(runner, b07_files):
    result = tally(runner, b07_files[1], "--default", "keep the current text", "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "'keep the current text' is not one of the file's options: 'A', 'B', 'C', 'D', 'E'" in result.stderr


@pytest.mark.parametrize("args", [["--quorum", "-1"], ["--majority", "half"], ["--format", "xlsx"]])
def test_tally_refuses_bad_options(runner, b07_files, args):
    result = tally(runner, b07_files[0], *args)
    assert result.exit_code == 2 and result.stdout == ""


def test_tally_missing_file(runner, tmp_path):
    result = tally(runner, tmp_path / "nowhere.csv")
    assert result.exit_code == 2 and result.stdout == "" and "does not exist" in result.stderr
