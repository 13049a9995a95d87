"""unitedstates/congress data.json: the same House vote as the Clerk's XML, and a Senate vote."""
import json
from datetime import date

import pytest

from imports import REGISTRY, FormatError, detect

H240 = "us-congress-votes-json/119_votes_2025_h240/data.json"
S1 = "us-congress-votes-json/119_votes_2025_s1/data.json"


def parse(path):
    [batch] = list(REGISTRY["congress-json"].parse(path))
    return batch


def test_house_vote_matches_clerk_xml(realdata):
    batch = parse(realdata / H240)
    [roll_call] = batch.tables["roll_calls"].to_dict("records")
    assert roll_call["source_id"] == "us-house-119-1-240"
    assert (roll_call["body"], roll_call["voted_on"], roll_call["motion"]) == (
        "U.S. House of Representatives", date(2025, 9, 8), "H R 3424")
    assert (roll_call["question"], roll_call["result"], roll_call["required_majority"]) == (
        "On Motion to Suspend the Rules and Pass", "Passed", "2/3")
    assert (roll_call["yes_count"], roll_call["no_count"], roll_call["other_count"]) == (397, 1, 32)
    assert roll_call["source_url"] == "https://clerk.house.gov/evs/2025/roll240.xml"

    [xml_batch] = list(REGISTRY["house-xml"].parse(realdata / "house-clerk-rollcall-xml/roll240_2025.xml"))
    from_json = batch.tables["positions"].set_index("voter_key")["position"].sort_index()
    from_xml = xml_batch.tables["positions"].set_index("voter_key")["position"].sort_index()
    assert len(from_json) == 430
    assert from_json.to_dict() == from_xml.to_dict()
    assert xml_batch.tables["roll_calls"].iloc[0]["source_id"] == roll_call["source_id"]
    liccardo = batch.tables["positions"].query("voter_key == 'bioguide:L000607'").iloc[0]
    assert (liccardo["raw_label"], liccardo["position"], liccardo["state"]) == ("Yea", "yes", "CA")


def test_senate_vote_uses_lis_ids(realdata):
    batch = parse(realdata / S1)
    [roll_call] = batch.tables["roll_calls"].to_dict("records")
    assert roll_call["source_id"] == "us-senate-119-1-1"
    assert (roll_call["body"], roll_call["voted_on"], roll_call["motion"], roll_call["required_majority"]) == (
        "U.S. Senate", date(2025, 1, 9), "S. 5", "3/5")
    positions = batch.tables["positions"]
    assert len(positions) == 99
    assert positions["position"].value_counts().to_dict() == {"yes": 84, "no": 9, "not_voting": 6}
    assert positions["voter_scheme"].unique().tolist() == ["lis"]
    baldwin = positions.query("voter_key == 'lis:S354'").iloc[0]
    assert (baldwin["voter_name"], baldwin["raw_label"], baldwin["position"]) == ("Tammy Baldwin", "Yea", "yes")
    booker = positions.iloc[0]
    assert (booker["voter_key"], booker["position"], booker["line"]) == ("lis:S370", "no", 27)


def test_detected(realdata):
    assert detect(realdata / H240, "votes").name == "congress-json"
    assert detect(realdata / S1, "votes").name == "congress-json"


def test_speaker_election_and_vice_president(realdata, tmp_path):
    data = json.loads((realdata / S1).read_text())
    data["votes"]["Thune"] = [data["votes"]["Yea"].pop()]
    data["votes"]["Yea"].append("VP")
    data["type"] = "Election of the Speaker"
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data, indent=2))
    batch = parse(path)
    roll_call = batch.tables["roll_calls"].iloc[0]
    assert roll_call["needs_review"] and "Election of the Speaker" in roll_call["review_note"]
    positions = batch.tables["positions"]
    assert positions.query("raw_label == 'Thune'")["position"].tolist() == ["unknown"]
    vp = positions.query("voter_name == 'Vice President'").iloc[0]
    assert (vp["voter_key"], vp["position"]) == ("name:vice president", "yes")
    assert any('unknown label "Thune"' in note for note in batch.notes)


def test_missing_fields_and_bad_json(tmp_path):
    path = tmp_path / "data.json"
    path.write_text('{"vote_id": "h1-119.2025", "votes": {}}')
    with pytest.raises(FormatError, match="missing required field.*chamber"):
        parse(path)
    path.write_text('{"vote_id": "h1-119.2025",\n "votes": {')
    with pytest.raises(FormatError, match="not valid JSON") as error:
        parse(path)
    assert error.value.line == 2
