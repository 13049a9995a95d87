"""Alignments and excusals through the roll-call page: who may do what, audit trail, rescoring."""
import pytest

from tests.factories import make_body, make_person, make_program, make_roll_call, make_term
from tests.scorecards_world import load_house_roll_call
from tracker.extensions import db
from tracker.models import Alignment, AuditEvent, Excusal, VotePosition
from tracker.services import alignments as alignment_service
from tracker.services.votes import voter_for


@pytest.fixture
def rescored(monkeypatch):
    """Records each organization the service asks to recompute (the scoring core is another area)."""
    calls = []
    monkeypatch.setattr(alignment_service, "rescore", lambda org: calls.append(org.id) or True)
    return calls


@pytest.fixture
def roll_call_world(org):
    version = make_program(org, planks=3)
    body = make_body(org)
    person = make_person(org, name="Ana Morales")
    make_term(org, person, body)
    roll_call = make_roll_call(org, body, title="Rent stabilization ordinance", result="Passed")
    db.session.add(VotePosition(organization_id=org.id, roll_call_id=roll_call.id, person_id=person.id,
                                voter=voter_for(org.id, "local:ana", "Ana Morales"), raw_label="Absent",
                                position="absent"))
    db.session.commit()
    return version, roll_call, person


def _propose(client, roll_call, plank, **overrides):
    data = {"propose-plank_id": plank.id, "propose-pro_position": "yes", "propose-weight": 2,
            "propose-rationale": "Stabilizing rents is plank 1."}
    data.update(overrides)
    return client.post(f"/scorecards/roll-calls/{roll_call.id}/alignments", data=data)


def audit_actions(org):
    # Adopting the test's program is audited too; these tests look at what came after.
    return db.session.execute(db.select(AuditEvent.action).filter_by(organization_id=org.id)
                              .where(AuditEvent.action != "program.adopt").order_by(AuditEvent.id)).scalars().all()


def test_member_proposes_and_it_does_not_count_until_approved(client, org, login, roll_call_world, rescored):
    version, roll_call, _ = roll_call_world
    member = login("member")
    response = _propose(client, roll_call, version.planks[0])
    assert response.status_code == 302
    alignment = db.session.execute(db.select(Alignment)).scalar_one()
    assert (alignment.status, alignment.weight, alignment.pro_position, alignment.proposed_by_id) == \
        ("proposed", 2, "yes", member.id)
    assert audit_actions(org) == ["alignment.propose"]
    assert rescored == []  # a proposal changes no score
    # The public does not see the proposal; members do, with its status.
    html = client.get(f"/scorecards/roll-calls/{roll_call.id}").data.decode()
    assert "status-proposed" in html
    client.post("/logout")
    assert "status-proposed" not in client.get(f"/scorecards/roll-calls/{roll_call.id}").data.decode()


def test_proposal_needs_a_rationale_and_a_valid_weight(client, org, login, roll_call_world):
    version, roll_call, _ = roll_call_world
    login("member")
    _propose(client, roll_call, version.planks[0], **{"propose-rationale": ""})
    _propose(client, roll_call, version.planks[0], **{"propose-weight": 0})
    assert db.session.execute(db.select(Alignment)).first() is None
    _propose(client, roll_call, version.planks[0])
    response = _propose(client, roll_call, version.planks[0])  # the same link twice
    assert db.session.execute(db.select(db.func.count()).select_from(Alignment)).scalar_one() == 1
    assert "already linked" in client.get(response.location).data.decode()


def test_anonymous_cannot_propose(client, org, roll_call_world):
    version, roll_call, _ = roll_call_world
    response = _propose(client, roll_call, version.planks[0])
    assert response.status_code == 302 and "/login" in response.location
    assert db.session.execute(db.select(Alignment)).first() is None


@pytest.mark.parametrize("decision, status", [("approve", "approved"), ("reject", "rejected")])
def test_committee_decides_with_audit_and_rescore(client, org, login, roll_call_world, rescored, decision, status):
    version, roll_call, _ = roll_call_world
    login("member")
    _propose(client, roll_call, version.planks[0])
    client.post("/logout")
    committee = login("committee")
    alignment = db.session.execute(db.select(Alignment)).scalar_one()
    response = client.post(f"/scorecards/alignments/{alignment.id}/decide",
                           data={f"decide-{alignment.id}-decision": decision})
    assert response.status_code == 302
    db.session.refresh(alignment)
    assert alignment.status == status and alignment.approved_by_id == committee.id and alignment.decided_at
    assert audit_actions(org) == ["alignment.propose", f"alignment.{decision}"]
    event = db.session.execute(db.select(AuditEvent).filter_by(action=f"alignment.{decision}")).scalar_one()
    assert event.before["status"] == "proposed" and event.after["status"] == status
    assert event.actor_id == committee.id
    assert rescored == [org.id]


def test_committee_edits_weight_and_position(client, org, login, roll_call_world, rescored):
    version, roll_call, _ = roll_call_world
    login("committee")
    _propose(client, roll_call, version.planks[1])
    alignment = db.session.execute(db.select(Alignment)).scalar_one()
    prefix = f"decide-{alignment.id}-"
    client.post(f"/scorecards/alignments/{alignment.id}/decide",
                data={prefix + "decision": "edit", prefix + "pro_position": "no", prefix + "weight": 1,
                      prefix + "rationale": "Voting no keeps it: the ordinance weakens the plank.",
                      prefix + "note": "Read the amendment text"})
    db.session.refresh(alignment)
    assert (alignment.status, alignment.pro_position, alignment.weight) == ("approved", "no", 1)
    event = db.session.execute(db.select(AuditEvent).filter_by(action="alignment.edit")).scalar_one()
    assert event.before["pro_position"] == "yes" and event.after["pro_position"] == "no"
    assert event.note == "Read the amendment text"
    assert rescored == [org.id]


def test_a_member_cannot_decide(client, org, login, roll_call_world):
    version, roll_call, _ = roll_call_world
    login("member")
    _propose(client, roll_call, version.planks[0])
    alignment = db.session.execute(db.select(Alignment)).scalar_one()
    response = client.post(f"/scorecards/alignments/{alignment.id}/decide",
                           data={f"decide-{alignment.id}-decision": "approve"})
    assert response.status_code == 403
    db.session.refresh(alignment)
    assert alignment.status == "proposed"


def test_committee_excuses_an_absence_with_a_reason(client, org, login, roll_call_world, rescored):
    _, roll_call, person = roll_call_world
    login("committee")
    url = f"/scorecards/roll-calls/{roll_call.id}/excusals"
    client.post(url, data={"excuse-person_id": person.id, "excuse-reason": "other", "excuse-detail": ""})
    assert db.session.execute(db.select(Excusal)).first() is None  # "other" needs the details
    client.post(url, data={"excuse-person_id": person.id, "excuse-reason": "medical",
                           "excuse-detail": "surgery, leave granted 2024-02-20"})
    excusal = db.session.execute(db.select(Excusal)).scalar_one()
    assert excusal.reason == "medical: surgery, leave granted 2024-02-20"
    assert "excusal.set" in audit_actions(org) and rescored == [org.id]
    assert "medical: surgery" in client.get(f"/scorecards/roll-calls/{roll_call.id}").data.decode()
    # Withdrawing asks for confirmation first, then records and rescores.
    confirm = client.get(f"/scorecards/excusals/{excusal.id}/remove")
    assert b"Withdraw this excusal?" in confirm.data
    client.post(f"/scorecards/excusals/{excusal.id}/remove")
    assert db.session.execute(db.select(Excusal)).first() is None
    assert audit_actions(org)[-1] == "excusal.remove" and rescored == [org.id, org.id]


def test_member_cannot_excuse(client, org, login, roll_call_world):
    _, roll_call, person = roll_call_world
    login("member")
    response = client.post(f"/scorecards/roll-calls/{roll_call.id}/excusals",
                           data={"excuse-person_id": person.id, "excuse-reason": "family"})
    assert response.status_code == 403 and db.session.execute(db.select(Excusal)).first() is None


def test_excusal_service_requires_a_reason_and_a_recorded_position(app, org, roll_call_world):
    _, roll_call, person = roll_call_world
    with pytest.raises(alignment_service.AlignmentError, match="reason is required"):
        alignment_service.excuse(org, roll_call, person.id, "  ", None)
    stranger = make_person(org)
    with pytest.raises(alignment_service.AlignmentError, match="no recorded position"):
        alignment_service.excuse(org, roll_call, stranger.id, "family", None)


def test_forms_need_csrf_tokens(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    from tests.factories import PASSWORD, make_member, make_org
    with app.app_context():
        org = make_org()
        version = make_program(org)
        body = make_body(org)
        roll_call = make_roll_call(org, body)
        member = make_member(org, role="admin")
        plank_id, roll_call_id, email = version.planks[0].id, roll_call.id, member.email
        db.session.commit()
        client = app.test_client()
        login_page = client.get("/login").data.decode()
        token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        response = client.post(f"/scorecards/roll-calls/{roll_call_id}/alignments",
                               data={"propose-plank_id": plank_id, "propose-pro_position": "yes",
                                     "propose-weight": 1, "propose-rationale": "x"})
        assert response.status_code == 400
        page = client.get(f"/scorecards/roll-calls/{roll_call_id}").data.decode()
        assert 'name="csrf_token"' in page and 'name="propose-csrf_token"' in page  # sign-out + proposal
        assert db.session.execute(db.select(Alignment)).first() is None


def test_unreviewed_list_shows_roll_calls_without_a_decision(client, org, login, roll_call_world, rescored):
    version, roll_call, _ = roll_call_world
    decided = make_roll_call(org, roll_call.body, title="Consent calendar")
    db.session.add(Alignment(organization_id=org.id, roll_call_id=decided.id, plank_id=version.planks[0].id,
                             pro_position="yes", rationale="r", status="rejected"))
    db.session.commit()
    assert client.get("/scorecards/roll-calls/unreviewed").status_code == 302  # members only
    login("member")
    html = client.get("/scorecards/roll-calls/unreviewed").data.decode()
    assert "Rent stabilization ordinance" in html and "Consent calendar" not in html


def test_settings_form_sets_bands_and_options_through_the_scores_service(client, org, login):
    login("committee")
    response = client.post("/scorecards/settings", data={
        "bands": "90 keeps the program\n0 breaks it", "absence_policy": "count_against",
        "min_counted_votes": 3, "overall_mode": "pooled"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.score_bands == [{"min": 90, "label": "keeps the program"}, {"min": 0, "label": "breaks it"}]
    assert org.scoring_options["absence_policy"] == "count_against" and org.scoring_options["min_counted_votes"] == 3
    assert "scoring.options" in audit_actions(org)
    bad = client.post("/scorecards/settings", data={"bands": "ninety keeps", "absence_policy": "exclude",
                                                    "min_counted_votes": 4, "overall_mode": "pooled"}).data.decode()
    assert "Line 1" in bad
    bad = client.post("/scorecards/settings", data={"bands": "150 too high", "absence_policy": "exclude",
                                                    "min_counted_votes": 4, "overall_mode": "pooled"}).data.decode()
    assert "Line 1" in bad
    assert "90 keeps the program\n0 breaks it</textarea>" in client.get("/scorecards/settings").data.decode()


def test_member_cannot_change_bands(client, org, login):
    login("member")
    assert client.post("/scorecards/settings", data={"bands": "0-100 x"}).status_code == 403


def test_propose_on_a_real_house_roll_call(client, org, login, realdata, rescored):
    version = make_program(org)
    roll_call, people = load_house_roll_call(org, realdata / "house-clerk-rollcall-xml" / "roll240_2025.xml")
    login("committee")
    _propose(client, roll_call, version.planks[0], **{"propose-pro_position": "no"})
    alignment = db.session.execute(db.select(Alignment)).scalar_one()
    client.post(f"/scorecards/alignments/{alignment.id}/decide", data={f"decide-{alignment.id}-decision": "approve"})
    html = client.get(f"/scorecards/roll-calls/{roll_call.id}").data.decode()
    assert "status-approved" in html and "Plank 1" in html
    # A member who did not vote can be excused; Beyer voted Nay and is on the list too.
    not_voting = db.session.execute(db.select(VotePosition).filter_by(roll_call_id=roll_call.id,
                                                                      position="not_voting")).scalars().first()
    client.post(f"/scorecards/roll-calls/{roll_call.id}/excusals",
                data={"excuse-person_id": not_voting.person_id, "excuse-reason": "disaster"})
    assert db.session.execute(db.select(Excusal)).scalar_one().person_id == not_voting.person_id


def test_index_links_members_to_the_review_list_and_committee_to_settings(client, org, login):
    assert "roll calls to review" not in client.get("/scorecards/").data.decode()
    login("member")
    html = client.get("/scorecards/").data.decode()
    assert 'href="/scorecards/roll-calls/unreviewed"' in html and "/scorecards/settings" not in html
    client.post("/logout")
    login("committee")
    assert 'href="/scorecards/settings"' in client.get("/scorecards/").data.decode()
