"""Senate LIS roll-call vote XML: the real vote 213 of the 108th Congress, 2nd session."""
from datetime import date

import pytest

from imports import REGISTRY, FormatError, detect

VOTE = "senate-lis-vote-xml/vote_108_2_00213.xml"


def parse(path):
    [batch] = list(REGISTRY["senate-xml"].parse(path))
    return batch


def test_real_vote_213(realdata):
    batch = parse(realdata / VOTE)
    [roll_call] = batch.tables["roll_calls"].to_dict("records")
    assert roll_call == {
        "source_id": "us-senate-108-2-213", "body": "U.S. Senate", "voted_on": date(2004, 11, 17),
        "motion": "S. 2986",
        "title": "A bill to amend title 31 of the United States Code to increase the public debt limit.",
        "question": "On Passage of the Bill", "result": "Bill Passed", "required_majority": "1/2",
        "yes_count": 52, "no_count": 44, "other_count": 4,
        "source_url": "https://www.senate.gov/legislative/LIS/roll_call_votes/vote1082/vote_108_2_00213.xml",
        "needs_review": False, "review_note": None, "line": 1,
    }
    positions = batch.tables["positions"]
    assert len(positions) == 100
    assert positions["position"].value_counts().to_dict() == {"yes": 52, "no": 44, "not_voting": 3, "paired": 1}
    reid = positions[positions["position"] == "paired"].iloc[0].to_dict()
    assert reid == {
        "roll_call_source_id": "us-senate-108-2-213", "voter_key": "lis:S198", "voter_name": "Harry Reid",
        "voter_scheme": "lis", "voter_id": "S198", "raw_label": "Present, Giving Live Pair", "position": "paired",
        "party": "D", "state": "NV", "district": None, "line": 769,
    }
    akaka = positions.iloc[0]
    assert (akaka["voter_key"], akaka["raw_label"], akaka["position"], akaka["line"]) == ("lis:S213", "Nay", "no", 40)
    assert batch.errors == [] and batch.notes == []


def test_detected_as_senate_xml(realdata):
    assert detect(realdata / VOTE, "votes").name == "senate-xml"


def test_unknown_label_flags_roll_call(realdata, tmp_path):
    text = (realdata / VOTE).read_text(encoding="utf-8").replace("<vote_cast>Nay</vote_cast>", "<vote_cast>Hold</vote_cast>", 1)
    path = tmp_path / "vote.xml"
    path.write_text(text, encoding="utf-8")
    batch = parse(path)
    [roll_call] = batch.tables["roll_calls"].to_dict("records")
    assert roll_call["needs_review"] is True and '"Hold"' in roll_call["review_note"]
    assert batch.notes == ['line 40: unknown label "Hold" on roll call us-senate-108-2-213']
    assert batch.tables["positions"].iloc[0]["position"] == "unknown"


def test_truncated(realdata, tmp_path):
    path = tmp_path / "vote.xml"
    path.write_bytes((realdata / VOTE).read_bytes()[:5000])
    with pytest.raises(FormatError, match="not well-formed XML"):
        parse(path)


def test_not_xml(tmp_path):
    path = tmp_path / "vote.xml"
    path.write_text("congress,session\n108,2\n")
    with pytest.raises(FormatError, match="not well-formed XML"):
        parse(path)


def test_member_without_id_or_name_is_a_row_error(realdata, tmp_path):
    text = (realdata / VOTE).read_text(encoding="utf-8")
    text = text.replace("<member_full>Akaka (D-HI)</member_full>\n<last_name>Akaka</last_name>\n<first_name>Daniel</first_name>",
                        "<member_full/>\n<last_name/>\n<first_name/>", 1).replace("<lis_member_id>S213</lis_member_id>", "<lis_member_id/>", 1)
    path = tmp_path / "vote.xml"
    path.write_text(text, encoding="utf-8")
    batch = parse(path)
    assert len(batch.tables["positions"]) == 99
    [error] = batch.errors
    assert (error.line, error.field) == (40, "voter") and "vote.xml" in error.message
