"""The read-only JSON API: envelope, pagination, ETags, public data only, and its OpenAPI document."""
import re

import pytest

from tests.factories import make_program
from tests.scorecards_world import load_house_roll_call, scored_world, sign_pledge
from tracker.api.views import ROUTES
from tracker.extensions import db
from tracker.models import Alignment, Organization
from tracker.services import demo


@pytest.fixture
def demo_org(app):
    demo.build()
    db.session.commit()
    return db.session.execute(db.select(Organization).filter_by(slug=demo.DEMO_SLUG)).scalar_one()


def _flask_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_openapi_document_matches_the_routes(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    documented = set(doc["paths"])
    registered = {_flask_to_openapi(rule.rule) for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/api/v1/")}
    assert documented == registered
    for path, item in doc["paths"].items():
        operation = item["get"]
        assert operation["operationId"] and operation["summary"] and "200" in operation["responses"]
        for name in re.findall(r"{(\w+)}", path):
            assert {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}} in operation["parameters"]


def test_every_documented_path_answers_200_on_the_demo(client, demo_org):
    doc = client.get("/api/v1/openapi.json").json
    first_ids = {"{person_id}": client.get("/api/v1/people").json["data"][0]["id"],
                 "{score_id}": client.get("/api/v1/scores").json["data"][0]["id"],
                 "{roll_call_id}": client.get("/api/v1/roll-calls").json["data"][0]["id"]}
    for path in doc["paths"]:
        url = path
        for placeholder, value in first_ids.items():
            url = url.replace(placeholder, str(value))
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=60" and response.headers["ETag"]
        if path != "/api/v1/openapi.json":
            assert set(response.json) == {"data", "meta", "links"}


def test_lists_are_paginated_with_links(client, demo_org):
    first = client.get("/api/v1/roll-calls?per_page=7").json
    assert first["meta"] == {"page": 1, "per_page": 7, "total": 60} and len(first["data"]) == 7
    assert "page=2" in first["links"]["next"] and "prev" not in first["links"]
    last = client.get("/api/v1/roll-calls?per_page=7&page=9").json
    assert len(last["data"]) == 4 and "next" not in last["links"]
    assert client.get("/api/v1/roll-calls?per_page=1000").json["meta"]["per_page"] == 100
    assert client.get("/api/v1/roll-calls?page=abc").status_code == 400


def test_etag_answers_304_when_unchanged(client, demo_org):
    response = client.get("/api/v1/people")
    etag = response.headers["ETag"]
    assert client.get("/api/v1/people", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/api/v1/people", headers={"If-None-Match": '"other"'}).status_code == 200


def test_scores_carry_the_votes_behind_them(client, demo_org):
    scores = client.get("/api/v1/scores?scope=overall&window=lifetime").json["data"]
    assert len(scores) == 16  # 8 officials x (all votes, crucial votes only)
    score = next(s for s in scores if not s["crucial_only"] and s["status"] == "ok")
    assert score["rule_set"].startswith("absence=exclude") and score["details"]["numerator"]
    one = client.get(f"/api/v1/scores/{score['id']}").json["data"]
    votes = one["explanation"]["votes"]
    counted = [v for v in votes if v["outcome"] in ("agree", "disagree", "missed")]
    assert len(counted) == score["counted"] and all(v["source_url"].startswith("https://") for v in votes)
    assert sum(float(v["points"]) for v in counted) == float(score["numerator"])


def test_only_public_data(client, org):
    world = scored_world(org)
    draft = make_program(org, adopt=False)
    db.session.add(Alignment(organization_id=org.id, roll_call_id=world.roll_calls[0].id,
                             plank_id=world.planks[2].id, pro_position="no", rationale="draft", status="proposed"))
    pledge, _ = sign_pledge(org, world.people[0], world.version, status="pending")
    pledge.signing_token_hash = "f" * 64
    sign_pledge(org, world.people[1], world.version)
    db.session.commit()
    versions = client.get("/api/v1/program-versions").json["data"]
    assert [v["id"] for v in versions] == [world.version.id] and draft.id not in [v["id"] for v in versions]
    assert all(p["version_id"] != draft.id for p in client.get("/api/v1/planks").json["data"])
    alignments = client.get("/api/v1/alignments").json["data"]
    assert len(alignments) == 5 and all(a["status"] == "approved" for a in alignments)
    pledges = client.get("/api/v1/pledges").json["data"]
    assert [p["person_id"] for p in pledges] == [world.people[1].id]
    assert "signing_token_hash" not in pledges[0] and "f" * 64 not in client.get("/api/v1/pledges").data.decode()
    body = client.get("/api/v1/people").data.decode()
    assert "password" not in body


def test_contributions_have_class_and_evidence_fields(client, org):
    scored_world(org)
    data = client.get("/api/v1/contributions?donor_class=corporate_pac").json
    assert data["meta"]["total"] == 3
    row = data["data"][0]
    assert row["donor_class"] == "corporate_pac" and row["source_file"] == "form460.csv" and row["source_line"] == 3
    assert "evidence" in row and row["amount_cents"] == 100000


def test_real_roll_call_positions_in_the_api(client, org, realdata):
    roll_call, people = load_house_roll_call(org, realdata / "house-clerk-rollcall-xml" / "roll240_2025.xml")
    data = client.get(f"/api/v1/roll-calls/{roll_call.id}").json["data"]
    assert data["title"] == "SPACE Act" and data["result"] == "Passed" and len(data["positions"]) == 430
    beyer = next(p for p in data["positions"] if p["voter_key"] == "bioguide:B001292")
    assert (beyer["raw_label"], beyer["position"]) == ("Nay", "no")
    person = client.get(f"/api/v1/people/{people['B001292'].id}").json["data"]
    assert person["identifiers"] == ["bioguide:B001292"] and person["links"]["badge"].endswith(".svg")


def test_missing_things_are_json_404(client, org):
    response = client.get("/api/v1/people/999999")
    assert response.status_code == 404 and response.json["error"]["status"] == 404


def test_route_table_is_the_single_source():
    assert len({route.endpoint for route in ROUTES}) == len(ROUTES)
    assert all(route.summary for route in ROUTES)
