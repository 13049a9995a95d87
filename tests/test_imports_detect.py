"""--format auto: every real sample and fixture is recognized as its own format."""
from pathlib import Path

import pytest

from imports import FormatError, detect

FIXTURES = Path(__file__).parent / "fixtures"

REAL_VOTES = {
    "house-clerk-rollcall-xml/roll240_2025.xml": "house-xml",
    "senate-lis-vote-xml/vote_108_2_00213.xml": "senate-xml",
    "us-congress-votes-json/119_votes_2025_h240/data.json": "congress-json",
    "us-congress-votes-json/119_votes_2025_s1/data.json": "congress-json",
    "legistar-api-json/sanjose.json": "legistar",
}
REAL_PEOPLE = {
    "congress-legislators/legislators-current.csv": "congress-legislators-csv",
    "congress-legislators/legislators-historical-senators-in-vote_108_2_00213.csv": "congress-legislators-csv",
    "congress-legislators/legislators-current-CA-VT.yaml": "congress-legislators-yaml",
    "openstates-people-yaml/ca": "openstates-yaml",
    "openstates-people-yaml/ca/municipalities/Matt-Mahan-bc1523dd-3485-408d-9918-27def331b652.yml": "openstates-yaml",
    "popolo-everypolitician/zimbabwe-senate-ep-popolo-v1.0.json": "popolo",
}
FIXTURE_VOTES = {
    "ocd_csv": "ocd-csv",
    "ocd_csv/CA_20252026_votes.csv": "ocd-csv",
    "ocd_json/vote_event_5b3f1c2e-scraped.json": "ocd-json",
    "ocd_json/api_v3_bill_with_votes.json": "ocd-json",
    "voteview": "voteview",
    "voteview/H119_votes.csv": "voteview",
    "legistar/nyc_style_labels.json": "legistar",
}


@pytest.mark.parametrize("relative, expected", REAL_VOTES.items())
def test_real_vote_samples(realdata, relative, expected):
    assert detect(realdata / relative, "votes").name == expected


@pytest.mark.parametrize("relative, expected", REAL_PEOPLE.items())
def test_real_people_samples(realdata, relative, expected):
    assert detect(realdata / relative, "people").name == expected


@pytest.mark.parametrize("relative, expected", FIXTURE_VOTES.items())
def test_fixtures(relative, expected):
    assert detect(FIXTURES / relative, "votes").name == expected


def test_vote_files_are_not_people_and_back(realdata):
    with pytest.raises(FormatError, match="not a people format we recognize"):
        detect(realdata / "house-clerk-rollcall-xml/roll240_2025.xml", "people")
    with pytest.raises(FormatError, match="not a votes format we recognize"):
        detect(realdata / "popolo-everypolitician/zimbabwe-senate-ep-popolo-v1.0.json", "votes")


def test_unrecognized_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(FormatError, match="no file in this folder"):
        detect(tmp_path, "votes")
