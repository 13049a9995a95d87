"""The first end-to-end path on real files: roster + House roll call in through the importers, an
alignment, a stored score, and the official's public page, API, badge and money page."""
from tests.factories import make_program
from tracker.extensions import db
from tracker.models import Person, PersonIdentifier, RollCall, Score
from tracker.services import ingest, scores
from tracker.services.jobs import LOADERS


def _import(org, path, kind):
    result = ingest.run_import(org, kind, path, LOADERS[kind], ingest.ImportOptions())
    assert result.status == "succeeded", result.summary()
    return result


def test_real_house_vote_reaches_the_public_scorecard(app, client, org, realdata, tmp_path):
    version = make_program(org, planks=2)
    _import(org, realdata / "congress-legislators/legislators-current.csv", "people")
    _import(org, realdata / "house-clerk-rollcall-xml/roll240_2025.xml", "votes")
    roll_call = db.session.execute(db.select(RollCall)).scalar_one()
    assert roll_call.source_id == "us-house-119-1-240"
    alignments = tmp_path / "alignments.csv"
    alignments.write_text("roll_call_source_id,plank,pro_position,weight,rationale\n"
                          f"{roll_call.source_id},{version.planks[0].title},yes,2,The SPACE Act keeps plank 1\n")
    assert scores.import_alignments(org, alignments).status == "succeeded"

    liccardo = db.session.execute(db.select(Person).join(PersonIdentifier).where(
        PersonIdentifier.scheme == "bioguide", PersonIdentifier.value == "L000607")).scalar_one()
    stored = db.session.execute(db.select(Score).where(
        Score.person_id == liccardo.id, Score.scope == "overall", Score.window == "lifetime",
        Score.crucial_only.is_(False))).scalar_one()
    # One counted roll call is fewer than the minimum of 4: no number, a reason instead (METHOD 6.2).
    assert (stored.status, stored.score_exact, stored.agreeing, stored.counted) == ("insufficient_data", None, 1, 1)

    home = client.get("/").get_data(as_text=True)
    assert f"/scorecards/people/{liccardo.id}" in home or "/scorecards/" in home
    page = client.get(f"/scorecards/people/{liccardo.id}").get_data(as_text=True)
    assert "Sam T. Liccardo" in page and "SPACE Act" in page and "(“Yea”)" in page and "Not enough votes to score" in page
    assert "https://clerk.house.gov/evs/2025/roll240.xml" in page  # the source record behind the vote
    api = client.get(f"/api/v1/people/{liccardo.id}").get_json()
    assert "bioguide:L000607" in api["data"]["identifiers"]
    sanders = db.session.execute(db.select(PersonIdentifier.person_id).where(
        PersonIdentifier.scheme == "bioguide", PersonIdentifier.value == "S000033")).scalar_one()
    ids = client.get(f"/api/v1/people/{sanders}").get_json()["data"]["identifiers"]
    assert {"fec_candidate:H8VT01016", "fec_candidate:S4VT00033"} <= set(ids)  # both FEC ids, House and Senate
    badge = client.get(f"/badge/{liccardo.id}.svg")
    assert badge.status_code == 200 and badge.mimetype == "image/svg+xml"
    assert client.get(f"/money/people/{liccardo.id}").status_code == 200
