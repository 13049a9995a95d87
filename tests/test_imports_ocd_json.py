"""Open Civic Data vote_event JSON: scraper output and API v3 bill-with-votes shapes."""
from datetime import date
from pathlib import Path

import pytest

from imports import REGISTRY, FormatError, detect

FIXTURES = Path(__file__).parent / "fixtures" / "ocd_json"


def parse(path):
    [batch] = list(REGISTRY["ocd-json"].parse(path))
    return batch


def test_scraped_vote_event():
    batch = parse(FIXTURES / "vote_event_5b3f1c2e-scraped.json")
    [roll_call] = batch.tables["roll_calls"].to_dict("records")
    assert roll_call == {
        "source_id": "ocd-vote/5b3f1c2e-0000-4000-8000-000000000001", "body": "lower", "voted_on": date(2025, 5, 29),
        "motion": "AB 1", "title": None, "question": "Third Reading", "result": "pass", "required_majority": None,
        "yes_count": 2, "no_count": 1, "other_count": 1,
        "source_url": "https://leginfo.legislature.ca.gov/faces/billVotesClient.xhtml?bill_id=202520260AB1",
        "needs_review": False, "review_note": None, "line": 4,
    }
    positions = batch.tables["positions"]
    assert positions[["voter_key", "raw_label", "position", "line"]].values.tolist() == [
        ["ocd_person:ocd-person/8230907e-9ae3-4ae9-b52a-c8464a157f64", "yes", "yes", 14],
        ["name:bonta", "yes", "yes", 15],
        ["name:gallagher", "no", "no", 16],
        ["name:lackey", "not voting", "not_voting", 17],
    ]


def test_api_bill_with_votes_other_and_voice_vote():
    batch = parse(FIXTURES / "api_v3_bill_with_votes.json")
    roll_calls = batch.tables["roll_calls"].set_index("source_id")
    b1, b2 = "ocd-vote/aaaa0000-0000-4000-8000-0000000000b1", "ocd-vote/aaaa0000-0000-4000-8000-0000000000b2"
    assert roll_calls.index.tolist() == [b1, b2]
    assert (roll_calls.loc[b1, "body"], roll_calls.loc[b1, "motion"], roll_calls.loc[b1, "yes_count"]) == ("Senate", "SB 7", 1)
    assert roll_calls.loc[b1, "needs_review"] and '"other"' in roll_calls.loc[b1, "review_note"]
    positions = batch.tables["positions"]
    assert positions["voter_key"].tolist() == ["ocd_person:ocd-person/83a64401-d95d-42c5-8cfc-03bd29e4adc8", "name:grayson"]
    assert positions["position"].tolist() == ["yes", "unknown"]
    assert batch.notes == [f"roll call {b2}: no per-person votes (voice vote)",
                           f'line 17: unknown label "other" on roll call {b1}']


def test_detected():
    for name in ("vote_event_5b3f1c2e-scraped.json", "api_v3_bill_with_votes.json"):
        assert detect(FIXTURES / name, "votes").name == "ocd-json"


def test_not_a_vote_event(tmp_path):
    path = tmp_path / "bill.json"
    path.write_text('{"id": "ocd-bill/1", "identifier": "AB 1"}')
    with pytest.raises(FormatError, match="no Open Civic Data vote events"):
        parse(path)
