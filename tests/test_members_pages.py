"""What a member sees of the site: where sign-in lands, the navigation by role, the login page's
promises, and the committee's part of "what needs you" (alignments to review)."""
import re

import pytest

from tests.factories import PASSWORD, make_body, make_member, make_program, make_roll_call
from tracker.extensions import db
from tracker.services import alignments as alignment_service


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r">([^<>]+)</a>", nav)


def test_sign_in_lands_on_the_members_own_page_unless_next_is_given(client, org):
    member = make_member(org)
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    assert "What needs you" in client.get(response.headers["Location"]).data.decode()
    client.post("/logout")
    response = client.post("/login?next=/program/", data={"email": member.email, "password": PASSWORD})
    assert response.headers["Location"] == "/program/"


@pytest.mark.parametrize("role, expected", [
    (None, ["Program", "Candidates", "Scorecards"]),
    ("member", ["Program", "Ballots", "Candidates", "Scorecards"]),
    ("committee", ["Program", "Ballots", "Candidates", "Scorecards", "Imports"]),
    ("admin", ["Program", "Ballots", "Candidates", "Scorecards", "Imports", "Admin"]),
])
def test_navigation_shows_only_what_the_visitor_may_use(client, login, role, expected):
    if role:
        login(role)
    assert nav_links(client.get("/program/").data.decode()) == expected


def test_the_login_page_promises_only_what_a_member_can_do(client, org):
    page = client.get("/login").data.decode()
    assert "review imports" not in page  # the committee's work, not every member's
    assert "vote" in page and "Scorecards are public" in page
    assert "forgot" not in page.lower()  # there is no password reset by e-mail


def test_committee_sees_the_alignments_waiting_for_its_decision(client, org, login):
    version = make_program(org, planks=2)
    body = make_body(org)
    waiting = make_roll_call(org, body, title="Rent stabilization ordinance")
    decided = make_roll_call(org, body, title="Parking minimums repeal")
    proposer = make_member(org)
    alignment_service.propose(org, waiting, version.planks[0], "yes", 1, "Plank 1 says so.", proposer)
    other = alignment_service.propose(org, decided, version.planks[1], "no", 1, "Plank 2.", proposer)
    db.session.commit()
    committee = make_member(org, role="committee")
    alignment_service.decide(org, other, "approve", committee)
    db.session.commit()

    login("committee")
    page = client.get("/me").data.decode()
    assert "Alignments to review" in page
    assert f'/scorecards/roll-calls/{waiting.id}#decide-h">Rent stabilization ordinance' in page
    assert version.planks[0].title in page
    assert "Parking minimums repeal" not in page  # approved already


def test_a_plain_member_has_no_alignments_section(client, org, login):
    login("member")
    page = client.get("/me").data.decode()
    assert "What needs you" in page and "Alignments to review" not in page


@pytest.mark.parametrize("url", ["/admin/review", "/admin/people"])
def test_the_committees_pages_sit_under_imports_in_the_navigation(client, login, url):
    login("admin")
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', client.get(url).data.decode(), re.S).group(1)
    assert re.search(r'aria-current="page">Imports</a>', nav) and not re.search(r'aria-current="page">Admin</a>', nav)
