"""The ballot pages: members vote with plain forms (no JavaScript), the committee opens and runs
ballots, results appear only after the close, roles are checked on every write."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, make_member, make_members, make_org, make_program, make_proposal
from tracker.extensions import db
from tracker.models import Ballot, BallotVote, CastBallot, Organization
from tracker.models.base import utcnow
from tracker.services import ballots


def sign_in(client, member):
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def running(org):
    """An open online ballot (yes/no on a proposal, ranked between two texts) and its people."""
    version = make_program(org, planks=2)
    committee = make_member(org, role="committee")
    voter = make_member(org)
    others = make_members(org, 6)
    plank = version.planks[0]
    single = make_proposal(org, others[0], cosponsors=others[1:4], title="Free buses")
    a = make_proposal(org, others[0], kind="amendment", target_plank=plank, body="Text A", cosponsors=others[1:4])
    b = make_proposal(org, others[1], kind="amendment", target_plank=plank, body="Text B", cosponsors=others[2:5])
    now = utcnow()
    ballot = ballots.create(org, committee, ballots.BallotPlan(
        title="Spring ballot", opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=3),
        proposal_groups=[[single.id], [a.id, b.id]]), now=now)
    db.session.commit()
    return {"ballot": ballot, "committee": committee, "voter": voter, "others": others}


def vote_form(ballot, yes_no="yes", ranks=(1, 2, None)):
    ranked = next(q for q in ballot.questions if q.kind == "ranked")
    single = next(q for q in ballot.questions if q.kind == "yes_no")
    data = {f"q{single.id}": yes_no}
    for option, rank in zip(ranked.options, ranks):
        data[f"q{ranked.id}_o{option.id}"] = "" if rank is None else str(rank)
    return data


def test_a_member_votes_with_a_plain_form_changes_the_vote_and_sees_a_receipt(client, running):
    ballot, voter = running["ballot"], running["voter"]
    sign_in(client, voter)
    page = client.get(f"/ballots/{ballot.id}").data.decode()
    assert "Cast my vote" in page and 'type="radio"' in page and "<select" in page
    assert "<script" not in page  # the whole path works without JavaScript
    response = client.post(f"/ballots/{ballot.id}/vote", data=vote_form(ballot, "no"))
    first = re.search(r'id="receipt">([A-Z0-9-]+)<', response.data.decode()).group(1)
    assert response.status_code == 200 and "Your vote is recorded" in response.data.decode()
    page = client.get(f"/ballots/{ballot.id}").data.decode()
    assert "Change my vote" in page and 'value="no" checked' in page
    response = client.post(f"/ballots/{ballot.id}/vote", data=vote_form(ballot, "yes", (2, 1, None)))
    second = re.search(r'id="receipt">([A-Z0-9-]+)<', response.data.decode()).group(1)
    assert first != second
    rows = db.session.execute(select(BallotVote).filter_by(member_id=voter.id)).scalars().all()
    assert sorted((r.choice or "", r.ranks or "") for r in rows) == [("", "2,1,"), ("yes", "")]


def test_results_are_invisible_before_the_close_by_any_route(client, running, org):
    ballot, committee = running["ballot"], running["committee"]
    admin = make_member(org, role="admin")
    for member in [running["voter"], *running["others"]]:
        ballots.cast(ballot, member, vote_form_answers(ballot, "yes"), now=utcnow())
    db.session.commit()
    sign_in(client, admin)
    urls = ["/ballots/", f"/ballots/{ballot.id}", f"/ballots/{ballot.id}/ballots.csv", f"/ballots/{ballot.id}/ballots.json",
            f"/ballots/{ballot.id}/receipt?code=X", "/me", "/program/", "/program/proposals/?show=ballot",
            "/api/v1/openapi.json", "/admin/audit"]
    for url in urls:
        response = client.get(url)
        body = response.data.decode()
        assert response.status_code in (200, 404), url
        assert "Results:" not in body and "outcome-" not in body and '"result"' not in body, url
        assert not re.search(r"\b7 yes\b|yes\D{0,20}\b7\b", body), url
    page = client.get(f"/ballots/{ballot.id}").data.decode()
    assert "7 of 8 members have voted" in page  # turnout (who voted), never how


def vote_form_answers(ballot, choice):
    single = next(q for q in ballot.questions if q.kind == "yes_no")
    return {single.id: choice}


def test_after_the_close_the_first_request_publishes_results(client, running):
    ballot, voter = running["ballot"], running["voter"]
    ballots.cast(ballot, voter, vote_form_answers(ballot, "yes"), now=utcnow())
    db.session.execute(db.update(Ballot).where(Ballot.id == ballot.id)
                       .values(opens_at=utcnow() - timedelta(days=5), closes_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    sign_in(client, voter)
    ballots.due_cache().forget()
    client.get("/")  # any page: the first request after the closing time closes it
    assert db.session.execute(select(Ballot.status).where(Ballot.id == ballot.id)).scalar_one() == "closed"
    page = client.get(f"/ballots/{ballot.id}").data.decode()
    assert "Results: Spring ballot" in page and "d[X, Y]" in page
    csv_text = client.get(f"/ballots/{ballot.id}/ballots.csv").data.decode()
    assert csv_text.splitlines()[0] == "question,choice,weight,receipt,source,member"
    assert ",yes,1," in csv_text and voter.name not in csv_text  # secret: no names
    receipt = db.session.execute(select(CastBallot.receipt)).scalars().first()
    assert "was counted" in client.get(f"/ballots/{ballot.id}/receipt?code={receipt.lower()}").data.decode()


def test_a_member_who_joined_after_the_opening_is_told_why_they_cannot_vote(client, running, org):
    late = make_member(org)
    sign_in(client, late)
    page = client.get(f"/ballots/{running['ballot'].id}").data.decode()
    assert "Only members in good standing when the ballot opened" in page and "Cast my vote" not in page
    client.post(f"/ballots/{running['ballot'].id}/vote", data=vote_form(running["ballot"]))
    assert db.session.execute(select(BallotVote)).first() is None


def test_the_committee_opens_a_ballot_from_ready_proposals(client, org):
    version = make_program(org, planks=1)
    committee = make_member(org, role="committee")
    others = make_members(org, 4)
    proposal = make_proposal(org, others[0], cosponsors=others[1:4])
    sign_in(client, committee)
    page = client.get("/ballots/new").data.decode()
    assert f"#{proposal.id} {proposal.title}" in page
    now = utcnow().replace(second=0, microsecond=0)
    response = client.post("/ballots/new", data={
        "title": "June ballot", "mode": "online", "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "secret": "y", "group": ["0"],
        "other_questions": "Hold the convention in May?\n"})
    assert response.status_code == 302
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert ballot.status == "open" and [q.subject for q in ballot.questions] == ["proposal", "other"]
    assert version


@pytest.mark.parametrize("role, expected", [(None, 302), ("member", 403), ("committee", 302)])
def test_only_the_committee_opens_ballots(client, org, role, expected):
    make_program(org, planks=1)
    if role:
        sign_in(client, make_member(org, role=role))
    now = utcnow()
    response = client.post("/ballots/new", data={
        "title": "x", "mode": "online", "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "other_questions": "Q?"})
    assert response.status_code == expected
    assert (db.session.execute(select(Ballot)).first() is not None) == (role == "committee")


@pytest.mark.parametrize("role", [None, "member"])
def test_paper_ballot_writes_need_the_committee(client, org, role):
    make_program(org, planks=1)
    committee = make_member(org, role="committee")
    ballot = ballots.create(org, committee, ballots.BallotPlan(
        title="In the room", opens_at=utcnow(), closes_at=utcnow() + timedelta(hours=3), mode="paper",
        other_questions=["Q?"]), now=utcnow())
    db.session.commit()
    if role:
        sign_in(client, make_member(org, role=role))
    question = ballot.questions[0]
    for url, data in [(f"/ballots/{ballot.id}/attendance", {"present": [str(committee.id)]}),
                      (f"/ballots/{ballot.id}/questions/{question.id}/count", {"yes": "1", "no": "0", "abstain": "0"}),
                      (f"/ballots/{ballot.id}/close", {"confirm": "y"})]:
        assert client.post(url, data=data).status_code in (302, 403)
    ballot = db.session.get(Ballot, ballot.id)
    assert (ballot.electorate_count, ballot.status) == (0, "open")


def test_another_organizations_ballot_is_not_found(client, running):
    stranger = make_member(make_org(), role="admin")
    sign_in(client, stranger)
    ballot = running["ballot"]
    assert client.get(f"/ballots/{ballot.id}").status_code == 404
    assert client.post(f"/ballots/{ballot.id}/vote", data=vote_form(ballot)).status_code == 404
    assert db.session.execute(select(BallotVote)).first() is None


def test_only_admins_change_ballot_settings(client, org):
    sign_in(client, make_member(org, role="committee"))
    assert client.post("/ballots/settings", data={"cosponsors_needed": "1"}).status_code == 403
    client.post("/logout")
    sign_in(client, make_member(org, role="admin"))
    response = client.post("/ballots/settings", data={"cosponsors_needed": "2", "quorum": "1/3",
                                                      "proposal_majority": "simple",
                                                      "adoption_majority": "three-quarters", "ballot_days": "10"})
    assert response.status_code == 302
    settings = db.session.get(Organization, org.id).ballot_settings
    assert (settings["cosponsors_needed"], settings["quorum"], settings["adoption_majority"], settings["secret"]) == \
        (2, "1/3", "three-quarters", False)
    response = client.post("/ballots/settings", data={"cosponsors_needed": "2", "quorum": "3/2",
                                                      "proposal_majority": "simple",
                                                      "adoption_majority": "simple", "ballot_days": "10"})
    assert "is not a fraction between 0 and 1" in response.data.decode()


def test_a_members_page_shows_what_needs_them(client, running, org):
    voter = running["voter"]
    others = running["others"]
    short = make_proposal(org, others[0], cosponsors=others[1:2], title="Needs backers")
    from tracker.services import proposals
    proposals.comment(short, voter, "I like it")
    db.session.commit()
    sign_in(client, voter)
    page = client.get("/me").data.decode()
    assert "Spring ballot" in page and "Needs backers" in page and "1 of 3 co-sponsors" in page
    assert "1 message" in page
    client.post(f"/ballots/{running['ballot'].id}/vote", data=vote_form(running["ballot"]))
    assert "Spring ballot" not in client.get("/me").data.decode()


def test_a_paper_ballot_through_the_committees_pages(client, org):
    make_program(org, planks=1)
    committee, teller = make_member(org, role="committee"), make_member(org, role="committee")
    present = make_members(org, 6)
    sign_in(client, committee)
    now = utcnow().replace(second=0, microsecond=0)
    client.post("/ballots/new", data={"title": "General assembly", "mode": "paper", "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
                                      "closes_at": (now + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
                                      "other_questions": "Hold the convention in May?"})
    ballot = db.session.execute(select(Ballot)).scalar_one()
    question = ballot.questions[0]
    page = client.get(f"/ballots/{ballot.id}").data.decode()
    assert "Who is present" in page and "Cast my vote" not in page
    client.post(f"/ballots/{ballot.id}/attendance", data={"present": [str(m.id) for m in present]})
    client.post(f"/ballots/{ballot.id}/questions/{question.id}/count", data={"yes": "4", "no": "1", "abstain": "1"})
    refused = client.post(f"/ballots/{ballot.id}/close", data={"confirm": "y"}, follow_redirects=True).data.decode()
    assert "Enter the count of every question first" in refused
    client.post("/logout")
    sign_in(client, teller)
    agreed = client.post(f"/ballots/{ballot.id}/questions/{question.id}/count",
                         data={"yes": "4", "no": "1", "abstain": "1"}, follow_redirects=True).data.decode()
    assert "Both tellers agree" in agreed
    client.post(f"/ballots/{ballot.id}/close", data={"confirm": "y"})
    results = client.get(f"/ballots/{ballot.id}").data.decode()
    assert "Results: General assembly" in results and "6 members present, counted by two tellers" in results
    assert "Passed" in results


def test_a_ballot_page_and_its_receipt_read_in_spanish(client, running):
    ballot, voter = running["ballot"], running["voter"]
    sign_in(client, voter)
    client.get("/language/es")
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert '<html lang="es">' in page and "Emitir mi voto" in page and "Sí o no · mayoría simple" in page
    assert "> Sí</label>" in page and "> Abstención</label>" in page and '<option value="">sin posición</option>' in page
    assert "Los resultados se publican al cierre, no antes." in page and "Cast my vote" not in page
    # dates as Spanish writes them ("10 dic 2026, 14:05"), not English month names
    assert re.search(r"Cierra el <strong>\d{1,2} [a-z]{3,4}\.? \d{4}, \d{1,2}:\d{2} UTC</strong>", page), page
    receipt = client.post(f"/ballots/{ballot.id}/vote", data=vote_form(ballot, "abstain")).get_data(as_text=True)
    assert "<h1>Tu voto quedó registrado</h1>" in receipt and "<strong>abstención</strong>" in receipt
    listing = client.get("/ballots/").get_data(as_text=True)
    assert "<h2>Abiertas y próximas</h2>" in listing and ">abierta</span>" in listing and "2 preguntas" in listing
    client.get("/language/en")
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert "Change my vote" in page and "Yes or no · simple majority" in page and "> Abstain</label>" in page


def test_a_refused_vote_is_explained_in_spanish(client, running, org):
    late = make_member(org)
    sign_in(client, late)
    client.get("/language/es")
    page = client.get(f"/ballots/{running['ballot'].id}").get_data(as_text=True)
    assert "Solo pueden votar los miembros que estaban al día cuando se abrió la votación (" in page
    assert "Only members in good standing" not in page
    client.get("/language/en")
    page = client.get(f"/ballots/{running['ballot'].id}").get_data(as_text=True)
    assert "Only members in good standing when the ballot opened (" in page
