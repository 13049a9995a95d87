"""The embeddable badge: score and pledge status as SVG, escaped, cacheable."""
from defusedxml import ElementTree

from tests.factories import make_person, make_term
from tests.scorecards_world import scored_world, sign_pledge
from tracker.extensions import db


def test_badge_shows_score_and_pledge_status(client, org):
    world = scored_world(org)
    sign_pledge(org, world.people[1], world.version)
    response = client.get(f"/badge/{world.people[1].id}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    text = response.data.decode()
    ElementTree.fromstring(text)  # well-formed XML
    assert "83/100" in text and "pledge signed" in text and "Official B" in text
    assert response.headers["Cache-Control"] == "public, max-age=3600"


def test_badge_etag_and_304(client, org):
    world = scored_world(org)
    url = f"/badge/{world.people[0].id}.svg"
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_badge_escapes_names(client, org):
    world = scored_world(org)
    person = make_person(org, name='<script>alert("x")</script> & Co')
    make_term(org, person, world.body)
    db.session.commit()
    text = client.get(f"/badge/{person.id}.svg").data.decode()
    assert "<script>" not in text and "&lt;script&gt;" in text and "&amp; Co" in text
    ElementTree.fromstring(text)
    assert "not scored" in text and "pledge none" in text


def test_badge_of_unknown_person_is_404(client, org):
    assert client.get("/badge/12345.svg").status_code == 404


def test_official_page_offers_the_embed_snippet(client, org):
    world = scored_world(org)
    html = client.get(f"/scorecards/people/{world.people[0].id}").data.decode()
    assert f"&lt;img src=&#34;http://tracker.test/badge/{world.people[0].id}.svg&#34;" in html
    assert f'<img src="/badge/{world.people[0].id}.svg"' in html
