"""Rate limits on sign-in and token links, and a failed sign-in that costs the same whether or not
the address has an account. Each test that checks a limit turns limiting on itself."""
import re
import uuid

import pytest

from tests.factories import PASSWORD, make_member, make_org
from tracker.extensions import db
from tracker.services import accounts


def _member_email(app, **kw) -> str:
    with app.app_context():
        return make_member(make_org(), **kw).email


def _wrong(client, email):
    return client.post("/login", data={"email": email, "password": "not the password"})


def test_too_many_failed_sign_ins_get_429_with_retry_after(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per 15 minutes")
    email = _member_email(app)
    client = app.test_client()
    for _ in range(3):
        response = _wrong(client, email)
        assert response.status_code == 200 and b"do not match an active account" in response.data
    response = _wrong(client, email)
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60
    text = response.get_data(as_text=True)
    assert "Too many attempts" in text
    minutes = int(re.search(r"Try again in (\d+) minutes?", text).group(1))
    assert minutes == -(-retry_after // 60)  # the page and the header agree
    # While blocked, even the right password is not checked.
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 429
    assert client.get("/login").status_code == 200  # reading the form is not limited


def test_successful_sign_ins_do_not_count(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per 15 minutes")
    email = _member_email(app)
    client = app.test_client()
    for _ in range(5):
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        client.post("/logout")
    assert _wrong(client, email).status_code == 200


def test_limits_can_be_turned_off(make_app):
    app = make_app(RATELIMIT_ENABLED=False, LOGIN_RATE_LIMIT="1 per 15 minutes")
    email = _member_email(app)
    client = app.test_client()
    assert [_wrong(client, email).status_code for _ in range(4)] == [200] * 4


def test_wrong_current_password_on_the_password_page_is_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per 15 minutes")
    email = _member_email(app)
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    form = {"current": "a guess at it", "password": "a new long password", "confirm": "a new long password"}
    assert [client.post("/account/password", data=form).status_code for _ in range(3)] == [200, 200, 429]


def test_token_links_share_one_limit_for_links_that_open_nothing(make_app):
    app = make_app(RATELIMIT_ENABLED=True, TOKEN_LINK_RATE_LIMIT="3 per hour")
    client = app.test_client()
    statuses = [client.get(f"/candidates/sign/guess-{n}").status_code for n in range(3)]
    assert statuses == [404, 404, 404]
    response = client.post("/candidates/sign/guess-4", data={"signed_name": "X"})
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert "Too many attempts" in response.get_data(as_text=True)


def test_limits_are_counted_in_redis_when_redis_url_is_set(make_app):
    from redis import Redis

    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per 15 minutes", REDIS_URL="redis://127.0.0.1:6379/0")
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    email = _member_email(app)
    # A client address of its own, so no other run shares these counters (they are kept per address).
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    statuses = []
    for _ in range(3):  # three clients stand for three gunicorn workers: the count is shared through Redis
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        statuses.append(_wrong(client, email).status_code)
    assert statuses == [200, 200, 429]
    assert Redis.from_url("redis://127.0.0.1:6379/0").keys(f"*/{address}/accounts.login/*")


@pytest.mark.parametrize("proxies, expected", [(0, [200, 429]), (1, [200, 200])])
def test_clients_behind_a_trusted_proxy_are_counted_apart(make_app, proxies, expected):
    """Behind nginx (TRUSTED_PROXIES=1) the limit counts the X-Forwarded-For address; without it the
    header is ignored (a client could write any address there)."""
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="1 per 15 minutes", TRUSTED_PROXIES=proxies)
    email = _member_email(app)
    client = app.test_client()
    statuses = [client.post("/login", data={"email": email, "password": "wrong"},
                            headers={"X-Forwarded-For": address}).status_code
                for address in ("203.0.113.7", "198.51.100.9")]
    assert statuses == expected


def test_storage_is_memory_without_redis(make_app):
    assert make_app(REDIS_URL=None).config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.fixture
def hash_checks(monkeypatch):
    """Counts the password-hash checks a sign-in makes (counted, never timed)."""
    calls = []
    real = accounts.check_password_hash

    def counting(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return calls


def test_unknown_address_and_wrong_password_both_check_one_hash(client, org, hash_checks):
    member = make_member(org)
    inactive = make_member(org, active=False)
    for email, password in [("nobody@example.org", "whatever it is"), (member.email, "not the password"),
                            (inactive.email, PASSWORD)]:
        hash_checks.clear()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 200 and b"do not match an active account" in response.data
        assert len(hash_checks) == 1, email
    # The stand-in hash for unknown addresses is made the way members' hashes are (same method and cost).
    unknown, real = accounts._unknown_account_hash(), db.session.get(type(member), member.id).password_hash
    assert unknown.split("$")[0] == real.split("$")[0]
    assert accounts.authenticate(member.email, PASSWORD) == member
