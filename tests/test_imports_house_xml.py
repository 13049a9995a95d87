"""House Clerk roll-call XML: the real roll 240 of 2025, special votes, and bad files."""
from datetime import date

import pytest

from imports import REGISTRY, FormatError, detect

ROLL = "house-clerk-rollcall-xml/roll240_2025.xml"


def parse(path):
    batches = list(REGISTRY["house-xml"].parse(path))
    assert len(batches) == 1
    return batches[0]


def test_real_roll_call_240(realdata):
    batch = parse(realdata / ROLL)
    [roll_call] = batch.tables["roll_calls"].to_dict("records")
    assert roll_call == {
        "source_id": "us-house-119-1-240", "body": "U.S. House of Representatives",
        "voted_on": date(2025, 9, 8), "motion": "H R 3424", "title": "SPACE Act",
        "question": "On Motion to Suspend the Rules and Pass", "result": "Passed",
        "required_majority": "2/3", "yes_count": 397, "no_count": 1, "other_count": 32,
        "source_url": "https://clerk.house.gov/evs/2025/roll240.xml", "needs_review": False,
        "review_note": None, "line": 4,
    }
    positions = batch.tables["positions"]
    assert len(positions) == 430
    assert positions["position"].value_counts().to_dict() == {"yes": 397, "not_voting": 32, "no": 1}
    assert positions["raw_label"].value_counts().to_dict() == {"Yea": 397, "Not Voting": 32, "Nay": 1}
    assert positions["voter_key"].is_unique
    liccardo = positions[positions["voter_id"] == "L000607"].iloc[0].to_dict()
    assert liccardo == {
        "roll_call_source_id": "us-house-119-1-240", "voter_key": "bioguide:L000607", "voter_name": "Liccardo",
        "voter_scheme": "bioguide", "voter_id": "L000607", "raw_label": "Yea", "position": "yes",
        "party": "D", "state": "CA", "district": None, "line": 291,
    }
    beyer = positions[positions["position"] == "no"].iloc[0]
    assert (beyer["voter_key"], beyer["raw_label"]) == ("bioguide:B001292", "Nay")
    # Accented names come through as filed.
    assert "Barragán" in set(positions["voter_name"])
    assert batch.notes == [] and batch.errors == []


def test_detected_as_house_xml(realdata):
    assert detect(realdata / ROLL, "votes").name == "house-xml"


def _edited(realdata, tmp_path, replacements, name="roll.xml"):
    text = (realdata / ROLL).read_text(encoding="utf-8")
    for old, new, count in replacements:
        assert old in text
        text = text.replace(old, new, count)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_speaker_election_candidate_names_are_unknown(realdata, tmp_path):
    path = _edited(realdata, tmp_path, [
        ("<vote-question>On Motion to Suspend the Rules and Pass</vote-question>",
         "<vote-question>Election of the Speaker</vote-question>", 1),
        ("<vote-type>2/3 YEA-AND-NAY</vote-type>", "<vote-type>ELECTION</vote-type>", 1),
        ("<vote>Yea</vote>", "<vote>Johnson (LA)</vote>", 3),
        ("<vote>Nay</vote>", "<vote>Jeffries</vote>", 1),
    ])
    batch = parse(path)
    [roll_call] = batch.tables["roll_calls"].to_dict("records")
    assert roll_call["needs_review"] is True
    assert "Election of the Speaker" in roll_call["review_note"]
    assert '"Johnson (LA)"' in roll_call["review_note"] and '"Jeffries"' in roll_call["review_note"]
    assert roll_call["required_majority"] is None
    positions = batch.tables["positions"]
    unknown = positions[positions["position"] == "unknown"]
    assert sorted(unknown["raw_label"]) == ["Jeffries", "Johnson (LA)", "Johnson (LA)", "Johnson (LA)"]
    assert 'line 57: unknown label "Johnson (LA)" on roll call us-house-119-1-240' in batch.notes
    assert (positions["position"] == "abstain").sum() == 0  # never guessed


def test_vacated_vote_needs_review(realdata, tmp_path):
    path = _edited(realdata, tmp_path, [
        ("<vote-desc>SPACE Act</vote-desc>",
         "<vote-desc>This vote was vacated by unanimous consent on 9-Sep-2025.</vote-desc>", 1),
    ])
    [roll_call] = parse(path).tables["roll_calls"].to_dict("records")
    assert roll_call["needs_review"] is True
    assert "vacated" in roll_call["review_note"]


def test_truncated_file_names_line(realdata, tmp_path):
    data = (realdata / ROLL).read_bytes()
    path = tmp_path / "roll240.xml"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError) as error:
        parse(path)
    assert "roll240.xml" in str(error.value) and "truncated" in str(error.value)
    assert error.value.line is not None and error.value.line > 200


def test_billion_laughs_is_refused(tmp_path):
    path = tmp_path / "laughs.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rollcall-vote [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
        "<rollcall-vote><vote-metadata><vote-desc>&lol3;</vote-desc></vote-metadata></rollcall-vote>\n")
    with pytest.raises(FormatError, match="refused unsafe XML"):
        parse(path)


def test_external_entity_is_refused(tmp_path):
    path = tmp_path / "xxe.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE rollcall-vote [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                    "<rollcall-vote><vote-metadata><vote-desc>&x;</vote-desc></vote-metadata></rollcall-vote>\n")
    with pytest.raises(FormatError, match="refused unsafe XML"):
        parse(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xml"
    path.write_bytes(b"  \n")
    with pytest.raises(FormatError, match="empty"):
        parse(path)
    with pytest.raises(FormatError, match="empty"):
        detect(path, "votes")


def test_wrong_root_element(realdata, tmp_path):
    with pytest.raises(FormatError, match=r"root element is <roll_call_vote>, expected <rollcall-vote>"):
        parse(realdata / "senate-lis-vote-xml/vote_108_2_00213.xml")


def test_wrong_encoding_names_offset_and_line(realdata, tmp_path):
    # The Clerk's file re-saved as Latin-1 while still declaring UTF-8.
    text = (realdata / ROLL).read_text(encoding="utf-8").replace("“", '"').replace("”", '"')
    path = tmp_path / "latin1.xml"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(FormatError) as error:
        parse(path)
    message = str(error.value)
    assert "UTF-8" in message and "offset" in message and "0xe1" in message  # the á of Barragán
    assert error.value.line == next(i for i, l in enumerate(text.splitlines(), 1) if "Barragán" in l)


def test_missing_roll_call_number(realdata, tmp_path):
    path = _edited(realdata, tmp_path, [("<rollcall-num>240</rollcall-num>", "<rollcall-num></rollcall-num>", 1)])
    with pytest.raises(FormatError, match="rollcall-num"):
        parse(path)
