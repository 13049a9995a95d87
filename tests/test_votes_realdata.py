"""The vote loader on the real public-record samples (../shared/realdata)."""
from datetime import date

import pytest

from imports import detect
from tests.factories import make_body, make_person, make_term
from tracker.extensions import db
from tracker.models import PersonIdentifier, RollCall, VotePosition, VoterReview
from tracker.services import ingest
from tracker.services.jobs import LOADERS

HOUSE_XML = "house-clerk-rollcall-xml/roll240_2025.xml"
HOUSE_JSON = "us-congress-votes-json/119_votes_2025_h240/data.json"
SENATE_JSON = "us-congress-votes-json/119_votes_2025_s1/data.json"
SENATE_XML = "senate-lis-vote-xml/vote_108_2_00213.xml"
LEGISTAR = "legistar-api-json/sanjose.json"
CURRENT = "congress-legislators/legislators-current.csv"
HISTORICAL = "congress-legislators/legislators-historical-senators-in-vote_108_2_00213.csv"


def run(org, path, kind="votes", **options):
    return ingest.run_import(org, kind, path, LOADERS[kind], ingest.ImportOptions(**options))


def scalar(query):
    return db.session.execute(query).scalar()


def positions_of(source_id):
    return db.session.execute(db.select(VotePosition).join(RollCall).where(RollCall.source_id == source_id)).scalars().all()


@pytest.mark.parametrize("relative, kind, expected", [
    (HOUSE_XML, "votes", "house-xml"), (HOUSE_JSON, "votes", "congress-json"), (SENATE_JSON, "votes", "congress-json"),
    (SENATE_XML, "votes", "senate-xml"), (LEGISTAR, "votes", "legistar"),
    (CURRENT, "people", "congress-legislators-csv"), (HISTORICAL, "people", "congress-legislators-csv"),
    ("congress-legislators/legislators-current-CA-VT.yaml", "people", "congress-legislators-yaml"),
    ("popolo-everypolitician/zimbabwe-senate-ep-popolo-v1.0.json", "people", "popolo"),
])
def test_auto_detection_picks_the_format_of_every_sample(realdata, relative, kind, expected):
    assert detect(realdata / relative, kind).name == expected


def test_roster_then_house_vote_matches_by_bioguide_and_queues_the_two_missing(app, org, realdata):
    roster = run(org, realdata / CURRENT, kind="people")
    assert roster.status == "succeeded", roster.message
    assert roster.read == 537
    assert scalar(db.select(db.func.count()).select_from(PersonIdentifier).filter_by(scheme="bioguide")) == 537

    result = run(org, realdata / HOUSE_XML)
    assert (result.status, result.format, result.imported, result.duplicates) == ("succeeded", "house-xml", 430, 0)
    roll_call = db.session.execute(db.select(RollCall).filter_by(source_id="us-house-119-1-240")).scalar_one()
    assert (roll_call.voted_on, roll_call.body.name) == (date(2025, 9, 8), "U.S. House of Representatives")
    positions = positions_of("us-house-119-1-240")
    assert len(positions) == 430
    assert sum(p.person_id is not None for p in positions) == 428
    assert result.report["unmatched_voters"] == 2
    waiting = db.session.execute(db.select(VoterReview.voter_key).order_by(VoterReview.voter_key)).scalars().all()
    assert waiting == ["bioguide:F000484", "bioguide:P000622"]
    liccardo = next(p for p in positions if p.voter_key == "bioguide:L000607")
    assert liccardo.person.name.endswith("Liccardo")

    # The same vote through the congress JSON: every row a duplicate, nothing new.
    again = run(org, realdata / HOUSE_JSON)
    assert (again.status, again.imported, again.duplicates) == ("succeeded", 0, 430)
    assert scalar(db.select(db.func.count()).select_from(RollCall)) == 1
    assert scalar(db.select(db.func.count()).select_from(VotePosition)) == 430


def test_senate_2004_vote_matches_every_senator_from_two_rosters(app, org, realdata):
    run(org, realdata / CURRENT, kind="people")
    run(org, realdata / HISTORICAL, kind="people")
    result = run(org, realdata / SENATE_XML)
    assert (result.status, result.imported) == ("succeeded", 100)
    positions = positions_of("us-senate-108-2-213")
    assert len(positions) == 100 and all(p.person_id for p in positions)
    assert scalar(db.select(db.func.count()).select_from(VoterReview)) == 0


def test_senate_2025_json_queues_the_two_senators_the_roster_lacks(app, org, realdata):
    run(org, realdata / CURRENT, kind="people")
    result = run(org, realdata / SENATE_JSON)
    assert (result.status, result.imported) == ("succeeded", 99)
    assert sum(p.person_id is not None for p in positions_of("us-senate-119-1-1")) == 97
    assert sorted(db.session.execute(db.select(VoterReview.voter_key)).scalars()) == ["lis:S350", "lis:S421"]


def test_legistar_names_match_council_terms_and_gain_the_legistar_id(app, org, realdata):
    council = make_body(org, name="City Council")
    liccardo = make_person(org, "Sam Liccardo")
    make_term(org, liccardo, council, start_on=date(2015, 1, 1), end_on=date(2022, 12, 31))
    later = make_person(org, "Sam Liccardo Jr")  # seated only after 2017: not a candidate
    make_term(org, later, council, start_on=date(2023, 1, 1))
    db.session.commit()
    result = run(org, realdata / LEGISTAR)
    assert (result.status, result.imported) == ("succeeded", 22)
    assert sorted(rc.source_id for rc in db.session.execute(db.select(RollCall)).scalars()) == ["legistar-32035", "legistar-32040"]
    mine = db.session.execute(db.select(VotePosition).filter_by(person_id=liccardo.id)).scalars().all()
    assert [(p.raw_label, p.position) for p in mine] == [("Yes", "yes"), ("Yes", "yes")]
    assert scalar(db.select(PersonIdentifier.value).filter_by(person_id=liccardo.id, scheme="legistar")) == mine[0].voter_key.split(":")[1]
    assert result.report["unmatched_voters"] == 10
    again = run(org, realdata / LEGISTAR)
    assert (again.imported, again.duplicates) == (0, 22)


@pytest.mark.parametrize("relative, people, with_terms", [
    ("congress-legislators/legislators-current-CA-VT.yaml", None, True),
    ("openstates-people-yaml/ca/legislature", None, True),
    ("openstates-people-yaml/ca/municipalities", None, False),  # roles without a start date: people and ids only
    ("popolo-everypolitician/zimbabwe-senate-ep-popolo-v1.0.json", None, None),
])
def test_rosters_import_and_reimport_is_a_no_op(app, org, realdata, relative, people, with_terms):
    from tracker.models import Person, Term
    path = realdata / relative
    files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
    for file in files:
        result = run(org, file, kind="people")
        assert result.status == "succeeded", (file.name, result.message)
    counts = (scalar(db.select(db.func.count()).select_from(Person)), scalar(db.select(db.func.count()).select_from(Term)),
              scalar(db.select(db.func.count()).select_from(PersonIdentifier)))
    assert counts[0] > 0 and counts[2] > 0
    if with_terms:
        assert counts[1] > 0
    elif with_terms is False:
        assert counts[1] == 0 and result.report["terms_without_start_date"] >= 1
    for file in files:
        again = run(org, file, kind="people")
        assert again.imported == 0 and again.duplicates > 0, file.name
    assert (scalar(db.select(db.func.count()).select_from(Person)), scalar(db.select(db.func.count()).select_from(Term)),
            scalar(db.select(db.func.count()).select_from(PersonIdentifier))) == counts
