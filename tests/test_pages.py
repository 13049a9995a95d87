"""The layout: navigation to every area, landmarks, empty states, error pages."""
import pytest

from tests.factories import make_program

AREAS = ["Program", "Candidates", "Scorecards"]  # what anonymous visitors may use (test_members_pages: by role)


@pytest.mark.parametrize("url", ["/", "/program/", "/candidates/", "/scorecards/", "/login"])
def test_public_pages_have_landmarks_and_navigation(client, org, url):
    html = client.get(url).data.decode()
    assert '<main id="content"' in html and '<nav aria-label="Main">' in html and "<header" in html and "<footer" in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'class="skip-link" href="#content"' in html
    for area in AREAS:
        assert f">{area}</a>" in html
    assert ">Imports</a>" not in html and ">Admin</a>" not in html
    assert "<script" not in html  # readable without JavaScript


def test_home_without_any_organization_explains_how_to_start(client):
    html = client.get("/").data.decode()
    assert "create-admin" in html and "make demo" in html


def test_empty_states(client, org):
    assert b"No program adopted yet" in client.get("/program/").data
    assert b"No endorsements yet" in client.get("/candidates/").data


def test_program_page_lists_adopted_planks_with_hash(client, org):
    version = make_program(org, planks=4)
    html = client.get("/program/").data.decode()
    assert version.text_sha256 in html and "Plank 4" in html and "tag-maximum" in html
    plank = version.planks[0]
    assert b"Body of plank 1" in client.get(f"/program/planks/{plank.id}").data


def test_draft_planks_are_not_public(client, org):
    version = make_program(org, adopt=False)
    assert client.get(f"/program/planks/{version.planks[0].id}").status_code == 404


def test_not_found_page_matches_site(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data and b'<nav aria-label="Main">' in response.data


def test_server_error_page_matches_site(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500 and b"Something went wrong on our side" in response.data


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_templates_autoescape(client, org):
    from tracker.extensions import db
    org.name = "<script>alert(1)</script>"
    db.session.commit()
    html = client.get("/").data.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_the_method_page_shows_the_committed_method(client, org):
    html = client.get("/method").get_data(as_text=True)
    assert '<h3 id="62-vote-score-default-formula">6.2 Vote score (default formula)</h3>' in html
    assert '<h1 id="method-how-tracker-scores-votes-and-classifies-money">' in html
    assert "<table>" in html and "<script" not in html.split("</main>")[0].split("<main")[1]
    assert 'href="/method"' in client.get("/").get_data(as_text=True)  # linked from every page's footer


def test_the_method_page_copy_is_the_specification(realdata):
    """The page shows tracker/docs/METHOD.md; it must be the specification the code follows
    (../shared/METHOD.md, beside the real data), so the published method never drifts from it."""
    from tracker.main.method import METHOD_PATH

    specification = realdata.parent / "METHOD.md"
    assert METHOD_PATH.read_bytes() == specification.read_bytes(), \
        f"copy {specification} to {METHOD_PATH} (the method page shows the copy)"
