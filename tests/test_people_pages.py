"""The committee edits a person and attaches the ids their filings carry; money already imported
under an attached committee id then shows on the person's money page."""
from datetime import date

from tests.factories import make_body, make_person, make_term
from tracker.extensions import db
from tracker.models import AuditEvent, Committee, Person, PersonIdentifier
from tracker.services import contributions

FEC = "fec-bulk"


def test_committee_edits_name_party_district_and_follows(client, login, org):
    body = make_body(org, name="Harbor City Council")
    person = make_person(org, name="Ana Morales")
    make_term(org, person, body, start_on=date(2022, 1, 1), district="District 2")
    db.session.commit()
    committee = login("committee")
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert 'value="Ana Morales"' in page and 'value="District 2"' in page
    response = client.post(f"/admin/people/{person.id}", data={
        "name": "Ana María Morales", "sort_name": "", "party": "Working Families", "tracked": "y",
        "office": "Council Member", "district": "District 3"})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert (person.name, person.sort_name, person.party, person.tracked) == (
        "Ana María Morales", "Morales, Ana María", "Working Families", True)
    assert (person.terms[0].office, person.terms[0].district) == ("Council Member", "District 3")
    event = db.session.execute(db.select(AuditEvent).filter_by(action="person.edit")).scalar_one()
    assert event.actor_id == committee.id and event.before["district"] == "District 2"
    assert event.after["district"] == "District 3"


def test_a_blank_name_is_refused_and_nothing_changes(client, login, org):
    person = make_person(org, name="Ana Morales")
    db.session.commit()
    login("committee")
    response = client.post(f"/admin/people/{person.id}", data={"name": " ", "party": "X"})
    assert response.status_code == 200
    db.session.expire_all()
    assert (db.session.get(Person, person.id).name, db.session.get(Person, person.id).party) == ("Ana Morales", None)


def test_attaching_a_committee_id_shows_money_already_imported(client, login, org, realdata):
    result = contributions.import_contributions(org, realdata / FEC / "itcont.txt")
    assert result.imported == 1300
    janowicz = make_person(org, name="Phil Janowicz")
    db.session.commit()
    before = client.get(f"/money/people/{janowicz.id}").get_data(as_text=True)
    assert "No contributions yet" in before and "JANOWICZ, PHILIP" not in before

    login("committee")
    response = client.post(f"/admin/people/{janowicz.id}/ids",
                           data={"id-scheme": "fec_committee", "id-value": " c00638478 "})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(db.select(PersonIdentifier.value).filter_by(person_id=janowicz.id)).all() == ["C00638478"]
    after = client.get(f"/money/people/{janowicz.id}").get_data(as_text=True)
    # itcont.txt: four candidate loans turned contributions by JANOWICZ, PHILIP and one -$50 line.
    assert "No contributions yet" not in after
    assert "JANOWICZ, PHILIP" in after and "STEVENS, RICHARD" in after
    assert "$177,816.00" in after
    assert db.session.execute(db.select(AuditEvent).filter_by(action="person.add_identifier")).scalar_one().after == {
        "scheme": "fec_committee", "value": "C00638478"}

    identifier = db.session.execute(db.select(PersonIdentifier).filter_by(person_id=janowicz.id)).scalar_one()
    client.post(f"/admin/people/{janowicz.id}/ids/remove", data={"identifier_id": identifier.id})
    assert "No contributions yet" in client.get(f"/money/people/{janowicz.id}").get_data(as_text=True)


def test_attaching_links_imported_committee_rows(client, login, org, realdata):
    contributions.import_committees(org, realdata / FEC / "cm.txt")
    janowicz = make_person(org, name="Phil Janowicz")
    db.session.commit()
    login("committee")
    client.post(f"/admin/people/{janowicz.id}/ids", data={"id-scheme": "fec_committee", "id-value": "C00638478"})
    db.session.expire_all()
    committee = db.session.execute(db.select(Committee).filter_by(committee_id="C00638478")).scalar_one()
    assert committee.name == "FRIENDS OF PHIL JANOWICZ" and committee.person_id == janowicz.id


def test_malformed_or_taken_ids_are_refused(client, login, org):
    ana, ben = make_person(org, name="Ana"), make_person(org, name="Ben", ids={"fec_committee": "C00000001"})
    db.session.commit()
    login("committee")
    response = client.post(f"/admin/people/{ana.id}/ids", data={"id-scheme": "fec_committee", "id-value": "12345"})
    assert response.status_code == 302
    assert "is not a FEC committee id" in client.get(f"/admin/people/{ana.id}").get_data(as_text=True)
    client.post(f"/admin/people/{ana.id}/ids", data={"id-scheme": "fec_committee", "id-value": "C00000001"})
    assert "C00000001 already belongs to Ben" in client.get(f"/admin/people/{ana.id}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(db.select(PersonIdentifier).filter_by(person_id=ana.id)).all() == []


def test_scorecard_offers_the_edit_page_to_the_committee_only(client, login, org):
    person = make_person(org, name="Ana Morales")
    db.session.commit()
    assert "/admin/people/" not in client.get(f"/scorecards/people/{person.id}").get_data(as_text=True)
    login("committee")
    assert f"/admin/people/{person.id}" in client.get(f"/scorecards/people/{person.id}").get_data(as_text=True)
