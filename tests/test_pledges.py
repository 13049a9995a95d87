"""Pledges end to end: the committee issues one, the candidate signs through a one-time link, the
text's SHA-256 can be checked, and from the signing day the money clauses judge real receipts."""
import hashlib
import html
import re
from datetime import date, datetime, timedelta

import pytest

from tests import money_realdata
from tests.factories import make_endorsed, make_program
from tracker.extensions import db
from tracker.models import AuditEvent, Committee, Flag, Pledge, PledgeClause
from tracker.services import pledges


@pytest.fixture
def version(org):
    return make_program(org)


def test_issue_writes_the_exact_text_its_hash_and_a_hashed_one_time_token(app, org, version):
    person = make_endorsed(org, "Ana Morales")
    pledge, token = pledges.issue(org, person, version, {"no_corporate_money": {"cure_days": 30, "notice_days": 7}},
                                  now=datetime(2026, 3, 1))
    assert pledge.status == "pending" and pledge.signed_at is None
    assert pledge.text.startswith(f"I, Ana Morales, pledge to the members of {org.name}:")
    assert f"program version 1 (SHA-256 {version.text_sha256})" in pledge.text
    assert "returned within" not in pledge.text and "return within 30 days" in pledge.text
    assert pledge.text.endswith("3. Plank 3 [Housing; maximum]\nBody of plank 3\n")  # the version in full
    assert pledge.text_sha256 == hashlib.sha256(pledge.text.encode("utf-8")).hexdigest()
    assert pledge.signing_token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in str(pledge.__dict__)
    assert pledge.token_expires_at == datetime(2026, 3, 31)
    assert sorted(c.kind for c in pledge.clauses) == ["no_corporate_money", "plank_support"]
    with pytest.raises(pledges.PledgeError, match="already has a pending pledge"):
        pledges.issue(org, person, version, {})
    with pytest.raises(ValueError, match="comparator"):
        pledges.issue(org, make_endorsed(org, "Other"), version, {"no_fossil_fuel_money": {"comparator": "ge"}})


def test_only_an_adopted_version_can_be_pledged_to(app, org):
    draft = make_program(org, adopt=False)
    with pytest.raises(pledges.PledgeError, match="not adopted"):
        pledges.issue(org, make_endorsed(org, "X"), draft, {})


def test_the_link_signs_once_and_expires(app, org, version):
    person = make_endorsed(org, "Darnell Brooks")
    pledge, token = pledges.issue(org, person, version, {}, now=datetime(2026, 3, 1), link_days=10)
    with pytest.raises(pledges.PledgeError, match="expired"):
        pledges.sign(token, "Darnell Brooks", now=datetime(2026, 3, 12))
    with pytest.raises(pledges.PledgeError, match="full name"):
        pledges.sign(token, "   ", now=datetime(2026, 3, 5))
    with pytest.raises(pledges.PledgeError, match="not valid"):
        pledges.sign("forged-" + token, "Darnell Brooks", now=datetime(2026, 3, 5))
    pledges.sign(token, "  Darnell   Brooks ", now=datetime(2026, 3, 5))
    assert (pledge.status, pledge.signed_name, pledge.signed_at) == ("signed", "Darnell Brooks", datetime(2026, 3, 5))
    with pytest.raises(pledges.PledgeError, match="already been signed"):
        pledges.sign(token, "Darnell Brooks", now=datetime(2026, 3, 6))
    event = db.session.execute(db.select(AuditEvent).filter_by(action="pledge.signed")).scalar_one()
    assert event.actor_label == "signing link" and event.after["text_sha256"] == pledge.text_sha256


def test_signing_starts_the_money_clauses_on_a_real_form460_line(app, org, version, realdata):
    """A real Oakland Form 460 business gift ("Enterprise Community Investment, Inc."), dated after
    the signing day: a draft violation flag; the same gift dated before it: pre_pledge."""
    person = make_endorsed(org, "Council Candidate")
    db.session.add(Committee(organization_id=org.id, source="ca", committee_id="1364564", name="Yes on JJ",
                             person_id=person.id))
    from tests.test_flags_service import add_contributions

    real = money_realdata.form460(realdata)
    line = real[real["donor_name"] == "Enterprise Community Investment, Inc."].iloc[[0]].copy()
    before, after = line.copy(), line.copy()
    before["received_on"], after["received_on"] = date(2026, 2, 1), date(2026, 4, 1)
    after["tran_id"], after["source_line"] = "AFTER1", 9999
    add_contributions(org, before)
    add_contributions(org, after)
    _, token = pledges.issue(org, person, version, {"no_corporate_money": {}}, now=datetime(2026, 3, 1))
    pledges.sign(token, "Council Candidate", now=datetime(2026, 3, 2, 10, 0))
    db.session.commit()
    statuses = sorted((f.contribution.received_on, f.status, f.publication)
                      for f in db.session.execute(db.select(Flag)).scalars())
    assert statuses == [(date(2026, 2, 1), "pre_pledge", "draft"), (date(2026, 4, 1), "violation", "draft")]


def test_committee_issues_candidate_signs_public_checks(app, org, version, client, login):
    person = make_endorsed(org, "Ana Morales")
    db.session.commit()
    login("committee")
    form = client.get("/candidates/pledges/new").get_data(as_text=True)
    assert "Issue a pledge" in form and "Ana Morales" in form
    issued = client.post("/candidates/pledges/new", data={
        "person_id": person.id, "version_id": version.id, "no_corporate_money": "y", "no_fossil_fuel_money": "y",
        "cure_days": 30, "notice_days": 7, "threshold": 200, "link_days": 30}).get_data(as_text=True)
    link = re.search(r'value="(http://[^"]+/candidates/sign/[^"]+)"', issued).group(1)
    pledge = db.session.execute(db.select(Pledge)).scalar_one()
    clauses = {c.kind: c.params for c in db.session.execute(db.select(PledgeClause)).scalars()}
    assert clauses["no_fossil_fuel_money"] == {"cure_days": 30, "notice_days": 7, "threshold": 200}
    assert "no_corporate_pac" not in clauses
    client.post("/logout")

    # Not public before it is signed.
    assert client.get(f"/candidates/pledges/{pledge.id}").status_code == 404
    assert f"/candidates/pledges/{pledge.id}" not in client.get("/candidates/pledges/").get_data(as_text=True)

    path = "/candidates/sign/" + link.rsplit("/candidates/sign/", 1)[1]
    page = client.get(path).get_data(as_text=True)
    assert pledge.text_sha256 in page and "no more than $200 per election cycle" in page
    refused = client.post(path, data={"signed_name": "Ana Morales"})
    assert refused.status_code == 200 and "Tick the box to sign." in refused.get_data(as_text=True)
    done = client.post(path, data={"signed_name": "Ana Morales", "agree": "y"}, follow_redirects=True)
    assert "your pledge is signed" in done.get_data(as_text=True)
    assert client.get(path).status_code == 410  # once only

    public = client.get(f"/candidates/pledges/{pledge.id}").get_data(as_text=True)
    assert "signed by <strong>Ana Morales</strong>" in public and pledge.text_sha256 in public
    # The clauses read as sentences, not as parameter names and values.
    assert "Money from company executives is shown as a warning" in public and "include executives" not in public
    assert "Accept no more than $200 per election cycle" in public
    text = client.get(f"/candidates/pledges/{pledge.id}/text.txt").data
    assert hashlib.sha256(text).hexdigest() == pledge.text_sha256
    assert f"/candidates/pledges/{pledge.id}" in client.get("/candidates/pledges/").get_data(as_text=True)


def test_paper_signature_and_withdrawal_by_the_committee(app, org, version, client, login):
    person = make_endorsed(org, "Grace Liu")
    pledge, _ = pledges.issue(org, person, version, {"no_corporate_pac": {}})
    db.session.commit()
    login("committee")
    client.post(f"/candidates/pledges/{pledge.id}/paper", data={"signed_name": "Grace Liu", "signed_on": "2026-02-14"})
    db.session.refresh(pledge)
    assert (pledge.status, pledge.signed_at) == ("signed", datetime(2026, 2, 14, 12, 0))
    refused = client.post(f"/candidates/pledges/{pledge.id}/withdraw", data={}, follow_redirects=True)
    assert "Tick the box to confirm" in refused.get_data(as_text=True)
    client.post(f"/candidates/pledges/{pledge.id}/withdraw", data={"confirm": "y"})
    db.session.refresh(pledge)
    assert pledge.status == "withdrawn"
    actions = [e.action for e in db.session.execute(db.select(AuditEvent).where(AuditEvent.action != "program.adopt")
                                                    .order_by(AuditEvent.id)).scalars()]
    assert actions == ["pledge.issued", "pledge.signed", "pledge.withdrawn"]


def test_members_cannot_issue_or_record(app, org, version, client, login):
    person = make_endorsed(org, "Someone")
    pledge, _ = pledges.issue(org, person, version, {})
    db.session.commit()
    login("member")
    assert client.get("/candidates/pledges/new").status_code == 403
    assert client.post(f"/candidates/pledges/{pledge.id}/paper", data={"signed_name": "X", "signed_on": "2026-01-01"}).status_code == 403
    assert client.post(f"/candidates/pledges/{pledge.id}/withdraw", data={"confirm": "y"}).status_code == 403
    assert client.get(f"/candidates/pledges/{pledge.id}").status_code == 404  # pending: not even for members


def test_the_signing_form_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    from tests.factories import make_org
    with app.app_context():
        org = make_org()
        version = make_program(org)
        _, token = pledges.issue(org, make_endorsed(org, "Naomi Fischer"), version, {})
        db.session.commit()
        client = app.test_client()
        page = client.get(f"/candidates/sign/{token}").data.decode()
        csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        assert client.post(f"/candidates/sign/{token}", data={"signed_name": "Naomi Fischer", "agree": "y"}).status_code == 400
        assert db.session.execute(db.select(Pledge.status)).scalar_one() == "pending"
        client.post(f"/candidates/sign/{token}", data={"signed_name": "Naomi Fischer", "agree": "y", "csrf_token": csrf})
        assert db.session.execute(db.select(Pledge.status)).scalar_one() == "signed"


@pytest.mark.parametrize("kind, params, expected", [
    ("plank_support", None, ["Support every plank of the program version this pledge names."]),
    ("no_corporate_money", {"include_executives": False},
     ["Accept no corporate money: no contribution from a corporation or from a corporate, trade-association or "
      "cooperative PAC, counting from the day of signing.",
      "Money from company executives is shown as a warning, not as a break of the pledge.",
      "within 30 days of receiving it", "published 7 days after"]),
    ("no_corporate_money", {"include_executives": True, "cure_days": 14},
     ["Money from company executives counts as corporate money.", "within 14 days"]),
    ("no_fossil_fuel_money", {"threshold": 500, "comparator": "gte", "aggregation": "per_contribution",
                              "include_employees": True, "company_list": ["Exxon", "Chevron"]},
     ["Accept less than $500 in any one contribution from any PAC, executive or lobbyist",
      "Every employee of a listed company counts", "The list names 2 companies."]),
])
def test_clauses_read_as_sentences(kind, params, expected):
    sentence = pledges.clause_sentence(kind, params)
    assert all(part in sentence for part in expected), sentence
    assert "_" not in sentence and "False" not in sentence and "True" not in sentence


def test_the_pledge_page_reads_in_spanish_but_the_signed_text_stays_as_signed(app, org, version, client):
    person = make_endorsed(org, "Grace Liu")
    pledge, token = pledges.issue(org, person, version, {"no_fossil_fuel_money": {"threshold": 1500}})
    pledges.sign(token, "Grace Liu")
    db.session.commit()
    english = html.unescape(client.get(f"/candidates/pledges/{pledge.id}").get_data(as_text=True))
    assert pledges.clause_sentence("no_fossil_fuel_money", pledge.clauses[-1].params) in english
    assert "no more than $1,500 per election cycle" in english

    client.get("/language/es")
    page = html.unescape(client.get(f"/candidates/pledges/{pledge.id}").get_data(as_text=True))
    assert "<h1>Compromiso de Grace Liu</h1>" in page and ">firmado</span>" in page
    assert "Aceptar no más de 1.500\xa0US$ por ciclo electoral de cualquier PAC" in page  # the money filter's own form
    assert "Una alerta se publica 7 días después de que se le comunica a la candidatura." in page
    assert "Accept no more than" not in page and "Check a copy of this pledge" not in page
    assert pledge.text in page  # the text signed is never translated
