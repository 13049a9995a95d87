"""The donor lists an organization keeps: stored per organization, editable on an admin page and
from the command line, and every change reclassifies contributions and judges pledges again."""
from datetime import date

import pytest

from tests import money_realdata
from tests.factories import make_member, make_person
from tests.test_flags_service import add_contributions, add_pledge
from tracker.extensions import db
from tracker.models import AuditEvent, Committee, Contribution, DonorListEntry, Flag, Pledge
from tracker.services import donor_lists

ENTERPRISE = "Enterprise Community Investment, Inc."


def test_parse_names_one_per_line_keeps_commas_and_skips_blanks_comments_repeats():
    text = "# fossil fuel producers\nExxon Mobil Corporation\n\n  CHEVRON   CORP \nexxon mobil corporation\nSMITH, JANE\n"
    assert donor_lists.parse_names(text) == ["Exxon Mobil Corporation", "CHEVRON CORP", "SMITH, JANE"]
    with pytest.raises(donor_lists.ListError, match="line 2: a name is at most 300"):
        donor_lists.parse_names("ok\n" + "X" * 301, "the list")


def test_read_file_names_the_line_that_is_not_utf8(tmp_path):
    path = tmp_path / "companies.txt"
    path.write_bytes("ACME\nCAF\xc9 CORP\n".encode("latin-1"))
    with pytest.raises(donor_lists.ListError, match=r"companies.txt, line 2: not UTF-8"):
        donor_lists.read_file(path)


@pytest.fixture
def enterprise_gift(org, realdata):
    """A real Form 460 line (Oakland Measure JJ): "Enterprise Community Investment, Inc.", an OTH
    donor the legal-suffix rule classes business_entity, re-dated after the pledge was signed."""
    person = make_person(org, "Council Candidate")
    db.session.add(Committee(organization_id=org.id, source="ca", committee_id="1364564", name="Yes on JJ",
                             person_id=person.id))
    pledge = add_pledge(org, person, kind="no_corporate_money", params={"cure_days": 30})
    real = money_realdata.form460(realdata)
    line = real[real["donor_name"] == ENTERPRISE].iloc[[0]].copy()
    line["received_on"] = date(2024, 2, 1)
    add_contributions(org, line)
    from tests.test_flags_service import publish_after_notice
    from tracker.services import flags
    flags.evaluate_person(person)
    publish_after_notice(org, person)
    db.session.commit()
    return pledge


def test_an_exception_reclassifies_and_restores_the_pledge_then_removal_breaks_it_again(app, org, enterprise_gift):
    pledge = enterprise_gift
    gift = db.session.execute(db.select(Contribution)).scalar_one()
    assert (gift.donor_class, gift.rule, pledge.status) == ("business_entity", "name.legal_suffix", "broken")

    summary = donor_lists.replace(org, "exceptions", [ENTERPRISE.upper()])
    assert (summary["added"], summary["removed"], summary["size"], summary["classified"]) == (1, 0, 1, 1)
    db.session.refresh(gift)
    db.session.refresh(pledge)
    assert (gift.donor_class, gift.rule) == ("other_org", "list.exception")
    assert pledge.status == "signed" and db.session.execute(db.select(Flag)).first() is None
    event = db.session.execute(db.select(AuditEvent).filter_by(action="donor_list.changed")).scalar_one()
    assert event.after == {"list": "exceptions", "size": 1, "added": [ENTERPRISE.upper()], "removed": []}

    assert donor_lists.replace(org, "exceptions", [ENTERPRISE.lower()])["added"] == 0  # same name, any case
    donor_lists.replace(org, "exceptions", [])
    db.session.refresh(gift)
    db.session.refresh(pledge)
    # Flagged again, as a new draft: public (and the pledge broken) only after a new notice.
    flag = db.session.execute(db.select(Flag)).scalar_one()
    assert gift.donor_class == "business_entity" and (flag.status, flag.publication) == ("violation", "draft")
    assert pledge.status == "signed"
    assert donor_lists.load(org.id).exceptions == set()


def test_lists_belong_to_their_organization(app, org):
    from tests.factories import make_org

    other = make_org(slug="other")
    donor_lists.replace(org, "company_list", ["Exxon Mobil Corporation"])
    assert donor_lists.load(org.id).company_list == {"Exxon Mobil Corporation"}
    assert donor_lists.load(other.id).company_list == set()
    with pytest.raises(donor_lists.ListError, match="unknown list"):
        donor_lists.names(org.id, "enemies")


def test_admin_page_saves_a_list_and_asks_before_removing_names(app, org, client, login, enterprise_gift):
    login("admin")
    page = client.get("/admin/donor-lists")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for label in ("Known corporate donors", "Exceptions", "Company list", "Lobbyist registrants"):
        assert label in html
    saved = client.post("/admin/donor-lists/exceptions", data={"exceptions-names": ENTERPRISE + "\nSierra Club"},
                        follow_redirects=True)
    assert "Exceptions: 2 added, 0 removed; 2 names. 1 contributions reclassified" in saved.get_data(as_text=True)
    assert db.session.get(Pledge, enterprise_gift.id).status == "signed"

    # Removing a name needs a confirmation; nothing changes until it is given.
    asked = client.post("/admin/donor-lists/exceptions", data={"exceptions-names": "Sierra Club"})
    assert asked.status_code == 409
    assert "This change removes 1 name from the list: " + ENTERPRISE in asked.get_data(as_text=True)
    assert len(donor_lists.names(org.id, "exceptions")) == 2
    client.post("/admin/donor-lists/exceptions", data={"exceptions-names": "Sierra Club",
                                                        "exceptions-confirm_removal": "y"})
    assert donor_lists.names(org.id, "exceptions") == ["Sierra Club"]
    db.session.expire_all()
    assert db.session.execute(db.select(Flag.publication)).scalar_one() == "draft"


def test_admin_page_takes_an_uploaded_file_and_refuses_non_utf8(app, org, client, login):
    import io

    login("admin")
    client.post("/admin/donor-lists/company_list", data={
        "company_list-upload": (io.BytesIO(b"Exxon Mobil Corporation\nChevron Corp\n"), "fossil.txt")},
        content_type="multipart/form-data")
    assert donor_lists.names(org.id, "company_list") == ["Chevron Corp", "Exxon Mobil Corporation"]
    bad = client.post("/admin/donor-lists/company_list", data={
        "company_list-upload": (io.BytesIO("CAF\xc9".encode("latin-1")), "latin.txt")},
        content_type="multipart/form-data")
    assert bad.status_code == 400 and "latin.txt, line 1: not UTF-8" in bad.get_data(as_text=True)


def test_only_admins_change_lists(app, org, client, login):
    login("committee")
    assert client.get("/admin/donor-lists").status_code == 403
    assert client.post("/admin/donor-lists/exceptions", data={"exceptions-names": "X"}).status_code == 403
    assert db.session.execute(db.select(DonorListEntry)).first() is None


def test_cli_sets_shows_adds_and_confirms_removals(app, org, runner, tmp_path):
    make_member(org, role="admin")
    first = tmp_path / "corporate.txt"
    first.write_text("Acme Widgets\nGlobex\n", encoding="utf-8")
    result = runner.invoke(args=["donor-list", "set", "known_corporate", str(first)])
    assert result.exit_code == 0, result.output
    assert "known_corporate: 2 added, 0 removed, 2 names" in result.output
    more = tmp_path / "more.txt"
    more.write_text("Initech\n", encoding="utf-8")
    runner.invoke(args=["donor-list", "set", "known_corporate", str(more), "--add"])
    shown = runner.invoke(args=["donor-list", "show", "known_corporate"])
    assert shown.output.splitlines() == ["Acme Widgets", "Globex", "Initech"]
    refused = runner.invoke(args=["donor-list", "set", "known_corporate", str(more)], input="n\n")
    assert refused.exit_code == 1 and "This removes 2 name(s)" in refused.output
    assert len(donor_lists.names(org.id, "known_corporate")) == 3
    done = runner.invoke(args=["donor-list", "set", "known_corporate", str(more), "--yes"])
    assert done.exit_code == 0 and donor_lists.names(org.id, "known_corporate") == ["Initech"]
