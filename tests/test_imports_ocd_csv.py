"""Open States bulk CSV (votes + vote_people + vote_counts + bills), hand-made to the documented layout."""
import shutil
from datetime import date
from pathlib import Path

import pytest

from imports import REGISTRY, FormatError, detect

FIXTURES = Path(__file__).parent / "fixtures" / "ocd_csv"
EVENT_1 = "ocd-vote/1f0c8a55-0000-4000-8000-000000000001"
EVENT_2 = "ocd-vote/1f0c8a55-0000-4000-8000-000000000002"
EVENT_3 = "ocd-vote/1f0c8a55-0000-4000-8000-000000000003"


def parse(path):
    [batch] = list(REGISTRY["ocd-csv"].parse(path))
    return batch


@pytest.mark.parametrize("path", [FIXTURES, FIXTURES / "CA_20252026_votes.csv", FIXTURES / "CA_20252026_vote_people.csv"])
def test_fixture_from_folder_or_any_file(path):
    batch = parse(path)
    roll_calls = batch.tables["roll_calls"].set_index("source_id")
    assert roll_calls.index.tolist() == [EVENT_1, EVENT_2, EVENT_3]
    first = roll_calls.loc[EVENT_1]
    assert (first["body"], first["voted_on"], first["motion"], first["question"], first["result"]) == (
        "California lower", date(2025, 5, 29), "AB 1", "AB 1 Wicks Third Reading", "pass")
    assert first["title"] == "Housing: affordable units (invented for this fixture)"
    assert (first["yes_count"], first["no_count"], first["other_count"], first["line"]) == (3, 1, 2, 2)
    assert first["needs_review"] and '"other"' in first["review_note"]
    # A quoted motion spanning two lines: the next record starts on line 5.
    assert roll_calls.loc[EVENT_2, "question"] == "Motion to adjourn,\nby voice"
    assert roll_calls.loc[EVENT_3, "line"] == 5
    assert roll_calls.loc[EVENT_3, "motion"] == "SB 7"  # from the bills file
    assert not roll_calls.loc[EVENT_3, "needs_review"]

    positions = batch.tables["positions"]
    assert len(positions) == 12
    assert positions.set_index("voter_name")["position"].to_dict() == {
        "Wicks": "yes", "Bonta": "yes", "Alvarez": "yes", "Gallagher": "no", "Lackey": "excused", "Ta": "unknown",
        "Arreguín": "yes", "Grayson": "no", "Niello": "abstain", "Strickland": "absent", "Wiener": "not_voting",
        "Jones": "paired",
    }
    wicks = positions.iloc[0]
    assert (wicks["voter_key"], wicks["voter_scheme"], wicks["line"]) == (
        "ocd_person:ocd-person/8230907e-9ae3-4ae9-b52a-c8464a157f64", "ocd_person", 2)
    wiener = positions.query("voter_name == 'Wiener'").iloc[0]
    assert (wiener["voter_key"], wiener["voter_id"]) == ("name:wiener", None)
    assert batch.notes == [f"roll call {EVENT_2}: no per-person votes (voice vote)",
                           f'line 7: unknown label "other" on roll call {EVENT_1}']
    assert batch.errors == []


def test_detected():
    assert detect(FIXTURES / "CA_20252026_votes.csv", "votes").name == "ocd-csv"
    assert detect(FIXTURES / "CA_20252026_vote_people.csv", "votes").name == "ocd-csv"


def test_missing_sibling_is_named(tmp_path):
    shutil.copy(FIXTURES / "CA_20252026_votes.csv", tmp_path)
    with pytest.raises(FormatError, match="missing sibling file CA_20252026_vote_people.csv"):
        parse(tmp_path / "CA_20252026_votes.csv")
    with pytest.raises(FormatError, match=r"no Open States vote_people file \(\*_vote_people.csv\)"):
        parse(tmp_path)


def test_missing_columns_are_named(tmp_path):
    for name in ("CA_20252026_votes.csv", "CA_20252026_vote_people.csv"):
        shutil.copy(FIXTURES / name, tmp_path)
    people = tmp_path / "CA_20252026_vote_people.csv"
    people.write_text(people.read_text().replace("option,", "choice,", 1))
    with pytest.raises(FormatError, match="missing required column.*option") as error:
        parse(tmp_path)
    assert error.value.line == 1 and error.value.field == "option"


def test_orphan_vote_row_is_a_row_error(tmp_path):
    for name in ("CA_20252026_votes.csv", "CA_20252026_vote_people.csv"):
        shutil.copy(FIXTURES / name, tmp_path)
    people = tmp_path / "CA_20252026_vote_people.csv"
    people.write_text(people.read_text() + "13,ocd-vote/nope,yes,Somebody,,\n")
    batch = parse(tmp_path)
    [error] = batch.errors
    assert (error.line, error.field) == (14, "vote_event_id")
    assert len(batch.tables["positions"]) == 12
