"""Legistar Web API JSON: the real San José sample, NYC-style labels, and the plain API shapes."""
import json
from datetime import date
from pathlib import Path

import pytest

from imports import REGISTRY, FormatError, detect

SAMPLE = "legistar-api-json/sanjose.json"
NYC = Path(__file__).parent / "fixtures" / "legistar" / "nyc_style_labels.json"


def parse(path, **options):
    [batch] = list(REGISTRY["legistar"].parse(path, **options))
    return batch


def test_san_jose_sample(realdata):
    batch = parse(realdata / SAMPLE)
    roll_calls = batch.tables["roll_calls"]
    assert roll_calls["source_id"].tolist() == ["legistar-32035", "legistar-32040"]
    first = roll_calls.iloc[0].to_dict()
    assert first == {
        "source_id": "legistar-32035", "body": "City Council", "voted_on": date(2017, 9, 12),
        "motion": "17-069", "title": "ORDINANCE NO. 29987", "question": "Adopted", "result": "Pass",
        "required_majority": None, "yes_count": 11, "no_count": 0, "other_count": 0,
        "source_url": "https://sanjose.legistar.com/MeetingDetail.aspx?LEGID=1080&GID=317&G=920296E4-80BE-4CA2-A78F-32C5EFCF78AF",
        "needs_review": False, "review_note": None, "line": 538,
    }
    second = roll_calls.iloc[1]
    assert (second["motion"], second["result"], second["yes_count"]) == ("17-060", None, 11)
    positions = batch.tables["positions"]
    assert len(positions) == 22
    assert positions["raw_label"].unique().tolist() == ["Yes"]
    assert positions["position"].unique().tolist() == ["yes"]
    assert positions.groupby("roll_call_source_id").size().to_dict() == {"legistar-32035": 11, "legistar-32040": 11}
    liccardo = positions.iloc[0].to_dict()
    assert liccardo == {
        "roll_call_source_id": "legistar-32035", "voter_key": "legistar:211", "voter_name": "Sam Liccardo",
        "voter_scheme": "legistar", "voter_id": "211", "raw_label": "Yes", "position": "yes",
        "party": None, "state": None, "district": None, "line": 575,
    }
    assert batch.read == 41 + 22 and batch.errors == [] and batch.notes == []


def test_detected_as_legistar(realdata):
    assert detect(realdata / SAMPLE, "votes").name == "legistar"
    assert detect(NYC, "votes").name == "legistar"


def test_nyc_labels_and_unknown_hold():
    batch = parse(NYC)
    positions = batch.tables["positions"].set_index("raw_label")["position"]
    assert positions.to_dict() == {
        "Affirmative": "yes", "Negative": "no", "Excused": "excused", "Conflict": "absent",
        "Abstain": "abstain", "Absent": "absent", "Medical": "excused", "Non-voting": "not_voting",
        "Present": "present", "Hold": "unknown",
    }
    [roll_call] = batch.tables["roll_calls"].to_dict("records")
    assert roll_call["needs_review"] is True
    assert roll_call["review_note"] == 'unrecognised vote label(s) "Hold": recorded as unknown, never guessed'
    assert (roll_call["yes_count"], roll_call["no_count"], roll_call["other_count"]) == (2, 1, 8)
    hold_line = next(i for i, l in enumerate(NYC.read_text().splitlines(), 1) if '"VoteValueName": "Hold"' in l)
    hold = batch.tables["positions"].query("raw_label == 'Hold'").iloc[0]
    assert hold["line"] <= hold_line < hold["line"] + 12
    assert batch.notes == [f'line {hold["line"]}: unknown label "Hold" on roll call legistar-32035']


def _sample_items(realdata):
    return json.loads((realdata / SAMPLE).read_text())[0]["items"]


def test_plain_list_of_event_items_with_event_item_votes(realdata, tmp_path):
    items = []
    for item in _sample_items(realdata):
        item = {k: v for k, v in item.items() if k != "Votes"} | {"EventItemVotes": item.get("Votes") or []}
        items.append(item)
    path = tmp_path / "eventitems.json"
    path.write_text(json.dumps(items))
    batch = parse(path)
    assert batch.tables["roll_calls"]["source_id"].tolist() == ["legistar-32035", "legistar-32040"]
    assert len(batch.tables["positions"]) == 22
    assert batch.tables["positions"]["line"].unique().tolist() == [1]  # one-line JSON


def test_plain_list_of_votes(realdata, tmp_path):
    votes = [v for item in _sample_items(realdata) for v in item.get("Votes") or []]
    path = tmp_path / "votes.json"
    path.write_text(json.dumps(votes, indent=1))
    batch = parse(path, base_url="https://webapi.legistar.com/v1/sanjose")
    roll_calls = batch.tables["roll_calls"]
    assert roll_calls["source_id"].tolist() == ["legistar-32035", "legistar-32040"]
    assert roll_calls.iloc[0]["source_url"] == "https://webapi.legistar.com/v1/sanjose/eventitems/32035/votes"
    assert batch.tables["positions"]["voter_key"].tolist()[:2] == ["legistar:211", "legistar:212"]


def test_passed_item_without_votes_is_a_voice_vote(realdata, tmp_path):
    events = json.loads((realdata / SAMPLE).read_text())
    for item in events[0]["items"]:
        if item["EventItemId"] == 32035:
            item["Votes"] = []
    path = tmp_path / "voice.json"
    path.write_text(json.dumps(events))
    batch = parse(path)
    assert batch.tables["roll_calls"]["source_id"].tolist() == ["legistar-32035", "legistar-32040"]
    assert set(batch.tables["positions"]["roll_call_source_id"]) == {"legistar-32040"}
    assert batch.notes == ["roll call legistar-32035: item 2.2(a) was Pass without per-person votes "
                           "(voice vote or unanimous consent)"]


def test_vote_without_value_is_a_row_error(realdata, tmp_path):
    events = json.loads((realdata / SAMPLE).read_text())
    item = next(i for i in events[0]["items"] if i["EventItemId"] == 32040)
    item["Votes"][3]["VoteValueName"] = None
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(events, indent=2))
    batch = parse(path)
    assert len(batch.tables["positions"]) == 21
    [error] = batch.errors
    assert error.field == "VoteValueName" and "legistar-32040" in error.message and error.line > 0


@pytest.mark.parametrize("content, message", [
    ("", "empty"),
    ("[]", "no Legistar events"),
    ('{"MatterId": 1}', "not Legistar JSON"),
    ('[{"EventId": 1, "items": [', "not valid JSON"),
])
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(FormatError, match=message):
        parse(path)


def test_wrong_encoding(realdata, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('[{"EventId": 1, "EventBodyName": "Conseil Municipal de Montréal", "items": []}]'.encode("latin-1"))
    with pytest.raises(FormatError, match=r"cannot be decoded as UTF-8: byte 0xe9 at offset 60") as error:
        parse(path)
    assert error.value.line == 1
