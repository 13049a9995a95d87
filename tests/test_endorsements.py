"""The endorsement cycle: candidates, questionnaire links (expired, reused, tampered), frozen answers,
the vetting report, endorsement and withdrawal ballots counted by the ballot core, pledges only for
the endorsed, promises against the real record, slates, and role checks on every write."""
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import (PASSWORD, make_body, make_member, make_members, make_org, make_person, make_program,
                             make_roll_call, make_term)
from tracker.extensions import db
from tracker.models import (Alignment, AuditEvent, Endorsement, FrozenAnswersError, PersonIdentifier, Pledge,
                            Questionnaire, QuestionnaireAnswer, RollCall, VotePosition, WithdrawalPetition)
from tracker.models.base import utcnow
from tracker.services import ballots, endorsements, pledges
from tracker.services.endorsements import EndorsementError

T0 = datetime(2026, 2, 1, 12, 0)


def sign_in(client, member):
    assert client.post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 302


@pytest.fixture
def world(org):
    version = make_program(org, planks=3)
    committee = make_member(org, role="committee")
    return version, committee


def candidate(org, committee, name="Rosa Delgado", **kw):
    endorsement = endorsements.create_candidacy(org, committee, election="2026 Council", name=name,
                                               office="City Council", **kw)
    db.session.commit()
    return endorsement


# --- candidates and the questionnaire link ----------------------------------------------------

def test_a_candidate_is_created_with_ids_that_link_money_and_votes(org, world):
    _, committee = world
    endorsement = candidate(org, committee, district="District 3", ballot_line="HCPA", independent=True,
                            identifiers={"fec_candidate": "H6CA11111", "fec_committee": "C001, C002", "state_filer": ""})
    ids = sorted((i.scheme, i.value) for i in db.session.execute(select(PersonIdentifier)).scalars())
    assert ids == [("fec_candidate", "H6CA11111"), ("fec_committee", "C001"), ("fec_committee", "C002")]
    assert (endorsement.decision, endorsement.independent, endorsement.office) == ("pending", True, "City Council")
    with pytest.raises(EndorsementError, match="already a candidate in 2026 Council"):
        endorsements.create_candidacy(org, committee, election="2026 Council", person=endorsement.person)
    other = make_person(org, "Someone Else")
    with pytest.raises(EndorsementError, match="already belongs to another person"):
        endorsements.set_identifiers(other, {"fec_committee": "C001"})


def test_questionnaire_links_expire_work_until_submitted_and_refuse_tampering(org, world):
    version, committee = world
    endorsement = candidate(org, committee)
    questionnaire, token = endorsements.send_questionnaire(endorsement, committee, now=T0, link_days=10)
    assert questionnaire.token_hash == endorsements.token_hash(token) and token not in str(questionnaire.__dict__)
    assert questionnaire.org_questions == ballots.SETTINGS_DEFAULTS["questionnaire_questions"]
    planks = {p.position: p.id for p in version.planks}
    extra = [("yes", ""), ("no", "")]
    # Save, come back, change an answer, save again: nothing is final.
    endorsements.save_answers(token, {planks[1]: ("support", "Yes!")}, extra, now=T0 + timedelta(days=1))
    endorsements.save_answers(token, {planks[1]: ("partial", "Mostly"), planks[2]: ("oppose", "")}, extra,
                              now=T0 + timedelta(days=2))
    assert endorsements.link_problem(questionnaire, now=T0 + timedelta(days=2)) is None
    assert "not valid" in endorsements.link_problem(endorsements.questionnaire_by_token(token[:-1] + "x"))
    assert "expired" in endorsements.link_problem(questionnaire, now=T0 + timedelta(days=11))
    with pytest.raises(EndorsementError, match="expired"):
        endorsements.save_answers(token, {}, extra, now=T0 + timedelta(days=11))
    with pytest.raises(EndorsementError, match="full name"):
        endorsements.save_answers(token, {}, extra, submit=True, now=T0 + timedelta(days=3))
    endorsements.save_answers(token, {planks[3]: ("support", "")}, extra, submit=True, signed_name=" Rosa  Delgado ",
                              now=T0 + timedelta(days=3))
    db.session.commit()
    assert (questionnaire.submitted_name, questionnaire.submitted_at, questionnaire.token_hash) == \
        ("Rosa Delgado", T0 + timedelta(days=3), None)
    stances = {a.plank_id: a.stance for a in endorsement.answers}
    assert stances == {planks[1]: "partial", planks[2]: "oppose", planks[3]: "support"}
    with pytest.raises(EndorsementError, match="not valid"):  # used: the link is gone
        endorsements.save_answers(token, {}, extra, now=T0 + timedelta(days=4))
    with pytest.raises(EndorsementError, match="already submitted"):
        endorsements.send_questionnaire(endorsement, committee)


def test_submitted_answers_are_frozen_whatever_tries_to_change_them(org, world):
    version, committee = world
    endorsement = candidate(org, committee)
    _, token = endorsements.send_questionnaire(endorsement, committee, now=T0)
    endorsements.save_answers(token, {version.planks[0].id: ("support", "")}, [("", ""), ("", "")], submit=True,
                              signed_name="Rosa Delgado", now=T0)
    db.session.commit()
    answer = db.session.execute(select(QuestionnaireAnswer)).scalar_one()
    answer.stance = "oppose"
    with pytest.raises(FrozenAnswersError):
        db.session.flush()
    db.session.rollback()
    db.session.add(QuestionnaireAnswer(organization_id=org.id, endorsement_id=endorsement.id,
                                       plank_id=version.planks[1].id, stance="oppose"))
    with pytest.raises(FrozenAnswersError):
        db.session.flush()
    db.session.rollback()
    questionnaire = db.session.execute(select(Questionnaire)).scalar_one()
    questionnaire.submitted_at = T0 + timedelta(days=30)
    with pytest.raises(FrozenAnswersError):
        db.session.flush()
    db.session.rollback()
    assert db.session.execute(select(QuestionnaireAnswer.stance)).scalars().all() == ["support"]


def test_the_questionnaire_pages_for_the_candidate(client, org, world):
    version, committee = world
    endorsement = candidate(org, committee)
    sign_in(client, committee)
    page = client.post(f"/candidates/endorsements/{endorsement.id}/questionnaire", data={"link_days": "20"}).data.decode()
    link = re.search(r'id="questionnaire-link" class="embed" readonly value="([^"]+)"', page).group(1)
    path = "/candidates/questionnaire/" + link.rsplit("/candidates/questionnaire/", 1)[1]
    client.post("/logout")
    form = client.get(path).data.decode()
    assert "Questionnaire for Rosa Delgado" in form and version.text_sha256 in form
    data = {f"stance-{p.id}": "support" for p in version.planks}
    data.update({"extra-0": "yes", "extra-1": "no", "save": "Save"})
    response = client.post(path, data=data)
    assert response.status_code == 302
    assert 'value="support" checked' in client.get(path).data.decode()  # saved, and shown again
    done = client.post(path, data={**data, "save": "", "submit": "Submit", "signed_name": "Rosa Delgado"}).data.decode()
    assert "Thank you, Rosa Delgado" in done and "final" in done
    reused = client.get(path)
    assert reused.status_code == 404 and "not valid" in reused.data.decode()  # the link died with the submission
    tampered = client.get(path[:-2] + "xx")
    assert tampered.status_code == 404 and "copied whole" in tampered.data.decode()


def test_an_expired_questionnaire_link_gets_a_clear_page(client, org, world):
    _, committee = world
    endorsement = candidate(org, committee)
    _, token = endorsements.send_questionnaire(endorsement, committee, now=utcnow() - timedelta(days=40))
    db.session.commit()
    response = client.get(f"/candidates/questionnaire/{token}")
    assert response.status_code == 410 and "has expired" in response.data.decode()
    client.get("/language/es")  # the candidate reads it in their language; the service's reason stays English
    page = client.get(f"/candidates/questionnaire/{token}").data.decode()
    assert "<h1>Este enlace no se puede usar</h1>" in page and "Este enlace al cuestionario venció." in page
    assert "has expired" not in page


# --- deciding by ballot, pledging, withdrawing ------------------------------------------------

def test_the_committee_decides_endorsements_by_ballot_and_only_the_endorsed_get_a_pledge(org, world):
    version, committee = world
    second = make_member(org, role="committee")
    plain = make_members(org, 5)
    fischer = candidate(org, committee, name="Naomi Fischer")
    liu = candidate(org, committee, name="Grace Liu", district="District 3")
    delgado = candidate(org, committee, name="Rosa Delgado", district="District 3")
    with pytest.raises(pledges.PledgeError, match="not an endorsed candidate"):
        pledges.issue(org, fischer.person, version, {})
    with pytest.raises(ballots.BallotError, match="Only endorsements can be decided by the committee"):
        ballots.create(org, committee, ballots.BallotPlan(title="x", opens_at=T0, closes_at=T0 + timedelta(days=7),
                                                          endorsement_groups=[[fischer.id]], other_questions=["Q?"]),
                       now=T0)
    ballot = ballots.create(org, committee, ballots.BallotPlan(
        title="Endorsements", opens_at=T0, closes_at=T0 + timedelta(days=7),
        endorsement_groups=[[fischer.id], [liu.id, delgado.id]]), now=T0)
    db.session.commit()
    assert (ballot.electorate, ballot.electorate_count) == ("committee", 2)  # members are not on it
    yes_no, ranked = ballot.questions
    assert [o.label for o in ranked.options] == ["Grace Liu", "Rosa Delgado", "endorse no one"]
    with pytest.raises(ballots.BallotError, match="Only members in good standing"):
        ballots.cast(ballot, plain[0], {yes_no.id: "yes"}, now=T0 + timedelta(days=1))
    ballots.cast(ballot, committee, {yes_no.id: "yes", ranked.id: [2, 1, 3]}, now=T0 + timedelta(days=1))
    ballots.cast(ballot, second, {yes_no.id: "yes", ranked.id: [2, 1, 3]}, now=T0 + timedelta(days=1))
    ballots.close(ballot, now=T0 + timedelta(days=8))
    decisions = {e.person.name: e.decision for e in db.session.execute(select(Endorsement)).scalars()}
    assert decisions == {"Naomi Fischer": "endorsed", "Grace Liu": "declined", "Rosa Delgado": "endorsed"}
    fischer = db.session.get(Endorsement, fischer.id)
    assert fischer.tally["yes"] == 2 and fischer.tally["ballot_id"] == ballot.id and fischer.decided_on == date(2026, 2, 9)
    delgado = db.session.get(Endorsement, delgado.id)
    assert delgado.tally["pairwise"]["Rosa Delgado"]["Grace Liu"] == 2  # the ranked count, published
    pledge, _ = pledges.issue(org, fischer.person, version, {})
    assert pledge.endorsement_id == fischer.id
    with pytest.raises(pledges.PledgeError, match="not an endorsed candidate"):
        pledges.issue(org, db.session.get(Endorsement, liu.id).person, version, {})


def endorsed_with_petition(org, committee, signers):
    endorsement = candidate(org, committee, name="Grace Liu")
    endorsement.decision = "endorsed"
    db.session.commit()
    petition = endorsements.open_petition(endorsement, signers[0], "Voted against housing twice.",
                                          "/scorecards/roll-calls/1\nhttps://example.org/article")
    for member in signers[1:]:
        endorsements.sign_petition(petition, member)
    db.session.commit()
    return endorsement, petition


def test_members_petition_and_a_membership_ballot_withdraws_the_endorsement(org, world):
    _, committee = world
    members = make_members(org, 10)
    ballots.update_settings(org, {"petition_signatures": 5})
    endorsement, petition = endorsed_with_petition(org, committee, members[:4])
    assert endorsements.petitions_ready(org) == []
    with pytest.raises(ballots.BallotError, match="fewer than 5 signatures"):
        ballots.create(org, committee, ballots.BallotPlan(title="W", opens_at=T0, closes_at=T0 + timedelta(days=7),
                                                          petition_ids=[petition.id]), now=T0)
    endorsements.sign_petition(petition, members[4])
    endorsements.sign_petition(petition, members[4])  # once each
    assert endorsements.signature_count(petition) == 5 and endorsements.petitions_ready(org) == [petition]
    with pytest.raises(EndorsementError, match="already open"):
        endorsements.open_petition(endorsement, members[5], "again")
    ballot = ballots.create(org, committee, ballots.BallotPlan(title="Withdraw?", opens_at=T0,
                                                               closes_at=T0 + timedelta(days=7), petition_ids=[petition.id]),
                            now=T0)
    db.session.commit()
    assert ballot.electorate == "members" and ballot.electorate_count == 11  # a membership ballot
    question = ballot.questions[0]
    assert question.majority == "two-thirds" and petition.status == "on_ballot"
    for member, choice in zip(members, ["yes"] * 7 + ["no"] * 3):
        ballots.cast(ballot, member, {question.id: choice}, now=T0 + timedelta(days=1))
    ballots.close(ballot, now=T0 + timedelta(days=8))
    endorsement = db.session.get(Endorsement, endorsement.id)
    assert (endorsement.decision, endorsement.withdrawn_on) == ("withdrawn", date(2026, 2, 9))
    assert endorsement.withdrawal_reason.startswith("Voted against housing twice.") and "example.org" in \
        endorsement.withdrawal_reason
    assert endorsement.tally["yes"] == 7 and endorsement.tally["outcome"] == "passed"
    assert db.session.get(WithdrawalPetition, petition.id).status == "decided"
    actions = set(db.session.execute(select(AuditEvent.action)).scalars())
    assert {"petition.open", "petition.sign", "endorsement.withdrawn", "ballot.close"} <= actions


def test_a_withdrawal_short_of_its_majority_keeps_the_endorsement(org, world):
    _, committee = world
    members = make_members(org, 10)
    ballots.update_settings(org, {"petition_signatures": 3})
    endorsement, petition = endorsed_with_petition(org, committee, members[:3])
    ballot = ballots.create(org, committee, ballots.BallotPlan(title="Withdraw?", opens_at=T0,
                                                               closes_at=T0 + timedelta(days=7), petition_ids=[petition.id]),
                            now=T0)
    for member, choice in zip(members, ["yes"] * 6 + ["no"] * 4):  # 18 < 20: short of two-thirds
        ballots.cast(ballot, member, {ballot.questions[0].id: choice}, now=T0 + timedelta(days=1))
    ballots.close(ballot, now=T0 + timedelta(days=8))
    assert db.session.get(Endorsement, endorsement.id).decision == "endorsed"
    assert db.session.get(WithdrawalPetition, petition.id).status == "decided"


# --- promises against the record, from real imported roll calls -------------------------------

def test_contradictions_are_computed_from_a_real_imported_house_roll_call(org, world, realdata):
    from tracker.services import ingest
    from tracker.services.jobs import LOADERS

    version, committee = world
    roster = ingest.run_import(org, "people", realdata / "congress-legislators/legislators-current.csv", LOADERS["people"],
                               ingest.ImportOptions())
    votes = ingest.run_import(org, "votes", realdata / "house-clerk-rollcall-xml/roll240_2025.xml", LOADERS["votes"],
                              ingest.ImportOptions())
    assert (roster.status, votes.status) == ("succeeded", "succeeded")
    roll_call = db.session.execute(select(RollCall).filter_by(source_id="us-house-119-1-240")).scalar_one()
    adams = db.session.execute(select(PersonIdentifier).filter_by(scheme="bioguide", value="A000370")).scalar_one().person
    position = db.session.execute(select(VotePosition.position).filter_by(roll_call_id=roll_call.id,
                                                                          person_id=adams.id)).scalar_one()
    assert position == "yes"  # Adams voted Yea on roll 240 (8 September 2025), as the Clerk's file says
    first, second, third = version.planks
    for plank, pro in ((first, "no"), (second, "yes")):
        db.session.add(Alignment(organization_id=org.id, roll_call_id=roll_call.id, plank_id=plank.id,
                                 pro_position=pro, status="approved"))
    endorsement = endorsements.create_candidacy(org, committee, election="2026 House", person=adams)
    _, token = endorsements.send_questionnaire(endorsement, committee, now=datetime(2025, 6, 1))
    endorsements.save_answers(token, {first.id: ("support", "Always"), second.id: ("support", ""),
                                      third.id: ("oppose", "")}, [("", ""), ("", "")], submit=True,
                              signed_name="Alma Adams", now=datetime(2025, 6, 2))
    db.session.commit()
    promised = endorsements.promises(adams)
    outcomes = {item["plank"].title: [v["outcome"] for v in item["votes"]] for item in promised}
    assert outcomes == {first.title: ["contradiction"], second.title: ["kept"], third.title: []}
    assert endorsements.contradiction_count(promised) == 1
    contradiction = promised[0]["votes"][0]
    assert (contradiction["roll_call_id"], contradiction["voted_on"]) == (roll_call.id, date(2025, 9, 8))


def test_votes_before_the_answers_are_not_held_against_them(org, world):
    version, committee = world
    body = make_body(org)
    person = make_person(org, "Early Voter")
    make_term(org, person, body)
    roll_call = make_roll_call(org, body, voted_on=date(2025, 1, 10))
    db.session.add(Alignment(organization_id=org.id, roll_call_id=roll_call.id, plank_id=version.planks[0].id,
                             pro_position="yes", status="approved"))
    from tracker.services.votes import voter_for
    db.session.add(VotePosition(organization_id=org.id, roll_call_id=roll_call.id, person_id=person.id,
                                voter=voter_for(org.id, "local:early", "Early Voter"), raw_label="No", position="no"))
    endorsement = endorsements.create_candidacy(org, committee, election="2026 Council", person=person)
    _, token = endorsements.send_questionnaire(endorsement, committee, now=datetime(2025, 3, 1))
    endorsements.save_answers(token, {version.planks[0].id: ("support", "")}, [("", ""), ("", "")], submit=True,
                              signed_name="Early Voter", now=datetime(2025, 3, 2))
    db.session.commit()
    assert [item["votes"] for item in endorsements.promises(person)] == [[]]


# --- pages and roles ---------------------------------------------------------------------------

def test_the_slate_and_the_public_pledge_list(client, org, world):
    version, committee = world
    endorsement = candidate(org, committee, name="Naomi Fischer")
    endorsement.decision, endorsement.decided_on = "endorsed", date(2026, 3, 1)
    db.session.commit()
    pledge, token = pledges.issue(org, endorsement.person, version, {})
    pledges.sign(token, "Naomi Fischer")
    db.session.commit()
    assert client.get("/candidates/elections/nothing-here").status_code == 404
    page = client.get("/candidates/elections/2026-council").data.decode()
    assert "Our slate: 2026 Council" in page and "Naomi Fischer" in page and pledge.text_sha256 in page
    listed = client.get("/candidates/pledges/").data.decode()
    assert "Naomi Fischer" in listed and f"/candidates/pledges/{pledge.id}/text.txt" in listed
    assert "2026 Council" in client.get("/candidates/").data.decode()


WRITES = [
    ("/candidates/new", {"election": "2026 Council", "name": "X", "person_id": "0"}),
    ("/candidates/endorsements/{e}/questionnaire", {"link_days": "30"}),
    ("/candidates/endorsements/{e}/identifiers", {"fec_candidate": "H0XX00000"}),
]


@pytest.mark.parametrize("role", [None, "member"])
@pytest.mark.parametrize("url, data", WRITES)
def test_committee_writes_are_refused_to_weaker_roles(client, org, world, role, url, data):
    _, committee = world
    endorsement = candidate(org, committee)
    if role:
        sign_in(client, make_member(org, role=role))
    before = (db.session.execute(select(db.func.count()).select_from(Endorsement)).scalar_one(),
              db.session.execute(select(db.func.count()).select_from(Questionnaire)).scalar_one(),
              db.session.execute(select(db.func.count()).select_from(PersonIdentifier)).scalar_one())
    response = client.post(url.format(e=endorsement.id), data=data)
    assert response.status_code == (403 if role else 302)
    after = (db.session.execute(select(db.func.count()).select_from(Endorsement)).scalar_one(),
             db.session.execute(select(db.func.count()).select_from(Questionnaire)).scalar_one(),
             db.session.execute(select(db.func.count()).select_from(PersonIdentifier)).scalar_one())
    assert after == before
    assert client.get(f"/candidates/endorsements/{endorsement.id}/report").status_code == (403 if role else 302)


def test_another_organization_sees_none_of_it(client, org, world):
    _, committee = world
    endorsement = candidate(org, committee)
    sign_in(client, make_member(make_org(), role="admin"))
    for url in (f"/candidates/endorsements/{endorsement.id}", f"/candidates/endorsements/{endorsement.id}/report"):
        assert client.get(url).status_code == 404
    assert client.post(f"/candidates/endorsements/{endorsement.id}/questionnaire", data={"link_days": "30"}).status_code == 404
    assert db.session.execute(select(Questionnaire)).first() is None


def test_the_committee_reads_the_vetting_report(client, org, world):
    version, committee = world
    endorsement = candidate(org, committee, independent=True)
    _, token = endorsements.send_questionnaire(endorsement, committee, now=utcnow())
    endorsements.save_answers(token, {version.planks[0].id: ("support", "Of course")}, [("yes", ""), ("yes", "")],
                              submit=True, signed_name="Rosa Delgado")
    db.session.commit()
    sign_in(client, committee)
    page = client.get(f"/candidates/endorsements/{endorsement.id}/report").data.decode()
    assert "Vetting report: Rosa Delgado" in page and "Of course" in page and "Runs independent" in page
    assert "No voting record" in page and "No contributions on record" in page


def test_members_open_and_sign_petitions_through_the_pages(client, org, world):
    _, committee = world
    endorsement = candidate(org, committee)
    endorsement.decision = "endorsed"
    db.session.commit()
    opener, signer = make_member(org), make_member(org)
    sign_in(client, opener)
    response = client.post(f"/candidates/endorsements/{endorsement.id}/petitions",
                           data={"reason": "She voted against rent control.", "evidence": "/scorecards/roll-calls/1"})
    petition = db.session.execute(select(WithdrawalPetition)).scalar_one()
    assert response.status_code == 302
    client.post("/logout")
    sign_in(client, signer)
    client.post(f"/candidates/petitions/{petition.id}/sign")
    page = client.get(f"/candidates/petitions/{petition.id}").data.decode()
    assert "2 of 5" in page and "You signed this petition" in page and 'href="/scorecards/roll-calls/1"' in page


def test_the_slate_reads_in_spanish_with_the_cookie_and_stays_english_without(client, org, world):
    version, committee = world
    endorsement = candidate(org, committee, name="Naomi Fischer")
    endorsement.decision, endorsement.decided_on = "endorsed", date(2026, 3, 1)
    endorsement.election_on = date(2026, 11, 3)
    db.session.commit()
    pledge, token = pledges.issue(org, endorsement.person, version, {})
    pledges.sign(token, "Naomi Fischer")
    db.session.commit()
    english = client.get("/candidates/elections/2026-council").data.decode()
    assert "Our slate: 2026 Council" in english and "Election day: 03 November 2026." in english
    assert "Endorsed 01 March 2026" in english and ">signed</span>" in english

    client.get("/language/es")
    page = client.get("/candidates/elections/2026-council").data.decode()
    assert '<html lang="es">' in page and "Nuestra lista: 2026 Council" in page  # the election's name is data
    assert "Día de la elección: 3 nov 2026." in page and "Respaldada el 1 mar 2026" in page
    assert ">firmado</span>" in page and "Partido o línea en la boleta" in page and "Naomi Fischer" in page
    assert "Our slate" not in page and "Ballot line" not in page and "November" not in page
    listed = client.get("/candidates/pledges/").data.decode()
    assert "<h1>Compromisos</h1>" in listed and "el texto exacto" in listed

    client.get("/language/en")
    assert "Our slate: 2026 Council" in client.get("/candidates/elections/2026-council").data.decode()
