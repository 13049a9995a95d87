"""Sign-ins: the remember-me cookie's attributes, a new token per sign-in, and revocation on sign-out
and on a password change (a cookie copied before then opens nothing)."""
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from types import SimpleNamespace

import pytest

from tests.factories import PASSWORD, make_member, make_org
from tracker.extensions import db
from tracker.models import AuditEvent, Member, MemberSession

HOST = "tracker.test"  # SERVER_NAME of the test apps
MEMBER_PAGE = "/scorecards/roll-calls/unreviewed"  # any page for members only
REMEMBER = "remember_token"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def app(make_app):
    """An app whose requests each get their own app context (as in production): the `app` fixture
    of conftest keeps one context open, and Flask-Login would reuse the member loaded by an earlier
    request from `g` instead of reading the cookie again."""
    return make_app()


@pytest.fixture
def member(app):
    with app.app_context():
        member = make_member(make_org())
        return SimpleNamespace(id=member.id, email=member.email)


@pytest.fixture
def client(app):
    return app.test_client()


def sign_in(client, member, remember=True, password=PASSWORD):
    response = client.post("/login", data={"email": member.email, "password": password,
                                           "remember": "y" if remember else ""})
    assert response.status_code == 302, response.data
    return response


def set_cookie_line(response, name: str) -> str:
    lines = [line for line in response.headers.getlist("Set-Cookie") if line.startswith(name + "=")]
    assert len(lines) == 1, response.headers.getlist("Set-Cookie")
    return lines[0]


def attributes(line: str) -> dict:
    parts = [part.strip() for part in line.split(";")]
    found = {"value": parts[0].split("=", 1)[1]}
    for part in parts[1:]:
        key, _, value = part.partition("=")
        found[key.lower()] = value or True
    return found


def client_with_only(app, name: str, value: str):
    """A new browser that carries nothing but this one cookie (as a thief who copied it would)."""
    fresh = app.test_client()
    fresh.set_cookie(name, value, domain=HOST)
    return fresh


def test_remember_cookie_is_http_only_same_site_lax_and_lives_30_days(client, member):
    response = sign_in(client, member)
    cookie = attributes(set_cookie_line(response, REMEMBER))
    assert cookie.get("httponly") is True and cookie.get("samesite") == "Lax"
    assert "secure" not in cookie  # plain HTTP unless SESSION_COOKIE_SECURE=1
    expires = parsedate_to_datetime(cookie["expires"])
    assert abs(expires - (datetime.now(timezone.utc) + timedelta(days=30))) < timedelta(minutes=2)


def test_remember_cookie_is_secure_and_shorter_when_configured(make_app, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    monkeypatch.setenv("REMEMBER_COOKIE_DAYS", "7")
    app = make_app()
    with app.app_context():
        email = make_member(make_org()).email
    response = app.test_client().post("/login", data={"email": email, "password": PASSWORD, "remember": "y"})
    cookie = attributes(set_cookie_line(response, REMEMBER))
    assert cookie.get("secure") is True and cookie.get("samesite") == "Lax"
    assert attributes(set_cookie_line(response, "session")).get("secure") is True
    expires = parsedate_to_datetime(cookie["expires"])
    assert abs(expires - (datetime.now(timezone.utc) + timedelta(days=7))) < timedelta(minutes=2)


def test_each_sign_in_gets_a_new_cookie_value(app, member):
    first = attributes(set_cookie_line(sign_in(app.test_client(), member), REMEMBER))["value"]
    second = attributes(set_cookie_line(sign_in(app.test_client(), member), REMEMBER))["value"]
    assert first != second
    assert str(member.id) not in (first.split("|")[0], second.split("|")[0])  # no guessable member id
    # Two devices signed in at once: each keeps working (a sign-in elsewhere signs no one out).
    assert client_with_only(app, REMEMBER, first).get(MEMBER_PAGE).status_code == 200
    assert client_with_only(app, REMEMBER, second).get(MEMBER_PAGE).status_code == 200


def test_signing_in_again_on_a_device_ends_its_previous_sign_in(app, client, member):
    first = attributes(set_cookie_line(sign_in(client, member), REMEMBER))["value"]
    sign_in(client, member)
    response = client_with_only(app, REMEMBER, first).get(MEMBER_PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(MemberSession)).scalar() == 1


def test_remember_cookie_opens_member_pages_until_sign_out(app, client, member):
    stolen = attributes(set_cookie_line(sign_in(client, member), REMEMBER))["value"]
    session_cookie = client.get_cookie("session", domain=HOST).value
    assert client_with_only(app, REMEMBER, stolen).get(MEMBER_PAGE).status_code == 200  # it works before...
    response = client.post("/logout")
    assert response.status_code == 302
    assert attributes(set_cookie_line(response, REMEMBER))["value"] == ""  # cleared in this browser
    # ...and a copy taken before signing out opens nothing afterwards, nor does the old session cookie.
    response = client_with_only(app, REMEMBER, stolen).get(MEMBER_PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client_with_only(app, "session", session_cookie).get(MEMBER_PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_revokes_every_earlier_sign_in(app, client, member):
    other_device = attributes(set_cookie_line(sign_in(app.test_client(), member), REMEMBER))["value"]
    this_device = attributes(set_cookie_line(sign_in(client, member), REMEMBER))["value"]
    assert client_with_only(app, REMEMBER, other_device).get(MEMBER_PAGE).status_code == 200
    response = client.post("/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                      "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    renewed = attributes(set_cookie_line(response, REMEMBER))["value"]
    for old in (other_device, this_device):
        response = client_with_only(app, REMEMBER, old).get(MEMBER_PAGE)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(MEMBER_PAGE).status_code == 200  # the device that changed it stays signed in
    assert client_with_only(app, REMEMBER, renewed).get(MEMBER_PAGE).status_code == 200
    with app.app_context():
        stored = db.session.get(Member, member.id)
        assert stored.check_password(NEW_PASSWORD) and not stored.check_password(PASSWORD)
        assert db.session.execute(db.select(db.func.count()).select_from(MemberSession)).scalar() == 1
        event = db.session.execute(db.select(AuditEvent).filter_by(action="member.password")).scalar_one()
        assert event.actor_id == member.id and event.before is None and event.after is None  # no hash logged


def test_password_change_needs_the_current_password(app, client, member):
    other_device = attributes(set_cookie_line(sign_in(app.test_client(), member), REMEMBER))["value"]
    sign_in(client, member)
    page = client.get("/account/password")
    assert page.status_code == 200 and b"Current password" in page.data
    response = client.post("/account/password", data={"current": "not my password", "password": NEW_PASSWORD,
                                                      "confirm": NEW_PASSWORD})
    assert response.status_code == 200 and b"The current password is not right." in response.data
    response = client.post("/account/password", data={"current": PASSWORD, "password": "short", "confirm": "short"})
    assert response.status_code == 200 and b"at least 10" in response.data
    with app.app_context():
        assert db.session.get(Member, member.id).check_password(PASSWORD)
    assert client_with_only(app, REMEMBER, other_device).get(MEMBER_PAGE).status_code == 200


def test_password_page_is_for_signed_in_members(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_expired_sign_in_opens_nothing(app, client, member):
    token = attributes(set_cookie_line(sign_in(client, member), REMEMBER))["value"]
    with app.app_context():
        row = db.session.execute(db.select(MemberSession)).scalar_one()
        row.expires_at = datetime(2000, 1, 1)
        db.session.commit()
    response = client_with_only(app, REMEMBER, token).get(MEMBER_PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    sign_in(app.test_client(), member)  # a new sign-in clears the member's expired rows
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(MemberSession)).scalar() == 1
