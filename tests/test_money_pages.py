"""The public money page of a person, on the real FEC files (SQLite and PostgreSQL)."""
import csv
import io
import json

from tests.factories import make_person
from tracker.extensions import db
from tracker.services import contributions as service

FEC = "fec-bulk"


def hoyer_with_money(org, realdata):
    person = make_person(org, "Steny Hoyer", ids={"fec_candidate": "H2MD05155"}, tracked=True)
    db.session.commit()
    for name in ("cm.txt", "cn.txt", "ccl.txt"):
        service.import_committees(org, realdata / FEC / name)
    service.import_contributions(org, realdata / FEC / "itpas2.txt")
    return person


def test_person_money_page_shows_classes_donors_months_and_is_public(app, client, org, realdata):
    person = hoyer_with_money(org, realdata)
    data = service.person_money(person)
    assert data["total_cents"] > 0
    classes = {row["donor_class"] for row in data["by_class"]}
    assert "corporate_pac" in classes
    assert sum(r["cents"] for r in data["by_class"]) == data["total_cents"]
    assert data["top_donors"][0]["cents"] >= data["top_donors"][-1]["cents"]
    response = client.get(f"/money/people/{person.id}")  # no sign-in
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Money received by Steny Hoyer" in page and "corporate pac" in page
    assert '<caption>Money received by donor class' in page and 'scope="col"' in page
    assert "vendor/plotly.min.js" in page and 'type="application/json" id="class-figure"' in page
    assert "Independent expenditures" in page


def test_person_money_page_in_spanish(app, client, org, realdata):
    from babel.numbers import format_currency
    person = hoyer_with_money(org, realdata)
    total = service.person_money(person)["total_cents"]
    english = client.get(f"/money/people/{person.id}").get_data(as_text=True)
    assert f"Money received by donor class (total ${total / 100:,.2f})" in english and "corporate pac" in english
    client.get("/language/es")
    page = client.get(f"/money/people/{person.id}").get_data(as_text=True)
    assert "<h1>Dinero recibido por Steny Hoyer</h1>" in page and "Principales donantes" in page
    assert f"Dinero recibido por tipo de donante (total {format_currency(total / 100, 'USD', locale='es')})" in page
    assert "PAC corporativo" in page and "Money received" not in page
    classification = client.get("/money/classification").get_data(as_text=True)
    assert "<h1>Cómo se clasificaron las contribuciones</h1>" in classification
    # The downloads keep their English column names whatever the reader's language.
    assert client.get("/money/classification.csv").get_data(as_text=True).startswith("Donor class,")


def test_independent_expenditures_are_kept_apart(app, client, org, realdata):
    # 24E lines about H2PA04135 (House Freedom Fund spending): never in receipts.
    person = make_person(org, "IE target", ids={"fec_candidate": "H2PA04135"})
    db.session.commit()
    service.import_committees(org, realdata / FEC / "cm.txt")
    service.import_contributions(org, realdata / FEC / "itpas2.txt")
    data = service.person_money(person)
    # Its one receipt is a leadership PAC's 24K; the 24E spending is not in it.
    assert data["by_class"] == [{"donor_class": "leadership_pac", "count": 1, "cents": 500_000}]
    # Three 24E lines of C00552851 (House Freedom Fund): $5,339 + $3 + $9.
    assert [(r["support"], r["count"], r["cents"]) for r in data["independent_expenditures"]] == [("for", 3, 535_100)]
    page = client.get(f"/money/people/{person.id}").get_data(as_text=True)
    assert "$5,351.00" in page and "did not receive it" in page


def test_person_downloads_and_empty_state(app, client, org, realdata):
    person = hoyer_with_money(org, realdata)
    response = client.get(f"/money/people/{person.id}/contributions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows and {r["candidate_id"] for r in rows} <= {"H2MD05155", ""}
    assert all(r["recipient_committee_id"] == "C00140715" or r["candidate_id"] == "H2MD05155" for r in rows)
    data = json.loads(client.get(f"/money/people/{person.id}/contributions.json").get_data(as_text=True))
    assert len(data) == len(rows)
    assert client.get(f"/money/people/{person.id}/contributions.xml").status_code == 404
    nobody = make_person(org, "No Money")
    db.session.commit()
    page = client.get(f"/money/people/{nobody.id}").get_data(as_text=True)
    assert "No contributions yet" in page
    assert client.get("/money/people/999999").status_code == 404


def test_donor_list_is_paginated(app, client, org, realdata):
    person = hoyer_with_money(org, realdata)
    first = service.person_money(person, donor_page=1, per_page=5)
    assert first["donors"].total > 5 and len(first["donors"].items) == 5 and first["donors"].has_next
    second = service.person_money(person, donor_page=2, per_page=5)
    assert second["donors"].items[0]["name"] != first["donors"].items[0]["name"]
    page = client.get(f"/money/people/{person.id}?page=1").get_data(as_text=True)
    assert f"All donors, largest first (page 1 of {first['donors'].total // 50 + 1})" in page


def test_flagged_receipts_show_their_evidence(app, client, org, realdata, login):
    from datetime import datetime, timedelta

    from sqlalchemy import select

    from tests.factories import make_program
    from tracker.models import Flag, Pledge, PledgeClause

    person = make_person(org, "Steny Hoyer", ids={"fec_candidate": "H2MD05155"}, tracked=True)
    version = make_program(org)
    pledge = Pledge(organization_id=org.id, person_id=person.id, program_version_id=version.id, text="I pledge.",
                    text_sha256="0" * 64, status="signed", signed_name=person.name, signed_at=datetime(2019, 1, 1))
    db.session.add(pledge)
    db.session.flush()
    db.session.add(PledgeClause(organization_id=org.id, pledge_id=pledge.id, kind="no_corporate_pac"))
    db.session.commit()
    for name in ("cm.txt", "cn.txt", "ccl.txt"):
        service.import_committees(org, realdata / FEC / name)
    service.import_contributions(org, realdata / FEC / "itpas2.txt")  # classifies, then evaluates the pledge
    flags = db.session.scalars(select(Flag).where(Flag.person_id == person.id)).all()
    assert flags, "Hoyer took corporate PAC money in early 2019"
    # Drafts: the public page shows none of them, and no committee section.
    page = client.get(f"/money/people/{person.id}").get_data(as_text=True)
    assert "No published flag" in page and "Flags not yet public" not in page
    assert db.session.get(Pledge, pledge.id).status == "signed"

    # The committee sees them, records that the candidate was told; nothing is public before the notice ends.
    login("committee")
    page = client.get(f"/money/people/{person.id}").get_data(as_text=True)
    assert f"{len(flags)} flags waiting" in page and "draft: the candidate has not been told" in page
    told = client.post(f"/money/people/{person.id}/notify", follow_redirects=True).get_data(as_text=True)
    assert f"{len(flags)} flags marked as told to Steny Hoyer" in told and "public from " in told
    early = client.post(f"/money/people/{person.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert "No flag is past its notice period yet." in early
    for flag in flags:  # a week later
        db.session.refresh(flag)
        flag.notified_at -= timedelta(days=7)
    db.session.commit()
    published_now = client.post(f"/money/people/{person.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert f"{len(flags)} flags published." in published_now
    assert db.session.get(Pledge, pledge.id).status == "broken"
    client.post("/logout")

    data = service.person_money(person)
    published = [item for item in data["flags"] if item["flag"].publication == "published"]
    page = client.get(f"/money/people/{person.id}").get_data(as_text=True)
    assert published and len(published) == len(flags)
    item = published[0]
    assert item["contribution"].donor_class == "corporate_pac"
    assert f"line {item['contribution'].source_line}" in page and "Committee row: CMTE_ID" in page
    assert "docquery.fec.gov/cgi-bin/fecimg/?" in page and "No published flag" not in page


def test_only_the_committee_moves_flags_along(app, client, org, login):
    person = make_person(org, "Someone")
    db.session.commit()
    assert client.post(f"/money/people/{person.id}/notify").status_code == 302  # anonymous: to sign-in
    login("member")
    assert client.post(f"/money/people/{person.id}/notify").status_code == 403
    assert client.post(f"/money/people/{person.id}/publish").status_code == 403


def test_classification_report_page_downloads_and_cli(app, client, org, realdata, runner, tmp_path):
    """The report of METHOD 6.5: lines and dollars per donor class and the rule that decided them,
    public, downloadable, and from the command line; the figures are the stored contributions'."""
    from sqlalchemy import func, select

    from tracker.models import Contribution

    assert "No contributions yet" in client.get("/money/classification").get_data(as_text=True)
    hoyer_with_money(org, realdata)
    corporate = select(func.count(), func.sum(Contribution.amount_cents)).where(
        Contribution.donor_class == "corporate_pac", Contribution.rule == "committee.org_tp.C",
        Contribution.superseded.is_(False))
    lines, cents = db.session.execute(corporate).one()
    assert lines > 0
    page = client.get("/money/classification").get_data(as_text=True)
    assert "<caption>By donor class</caption>" in page and "<code>committee.org_tp.C</code>" in page
    assert f"${cents / 100:,.2f}" in page

    rows = list(csv.DictReader(io.StringIO(client.get("/money/classification.csv").get_data(as_text=True))))
    assert list(rows[0]) == ["Donor class", "Rule that decided", "Confidence", "Lines", "Amount ($)",
                             "Cash ($, memo lines left out)"]
    row = next(r for r in rows if r["Rule that decided"] == "committee.org_tp.C")
    assert (row["Donor class"], int(row["Lines"]), float(row["Amount ($)"])) == ("corporate_pac", lines, cents / 100)
    assert sum(int(r["Lines"]) for r in rows) == db.session.scalar(
        select(func.count()).select_from(Contribution).where(Contribution.superseded.is_(False)))
    data = client.get("/money/classification.json").get_json()
    assert data["columns"] == ["donor_class", "rule", "confidence", "lines", "amount", "cash"]

    out = tmp_path / "classes.csv"
    result = runner.invoke(args=["export", "classification", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    exported = list(csv.DictReader(out.open()))
    line = next(r for r in exported if r["rule"] == "committee.org_tp.C")
    assert (int(line["lines"]), line["amount"]) == (lines, f"{cents / 100:.2f}")
    as_json = json.loads(runner.invoke(args=["export", "classification", "--format", "json"]).output)
    assert sum(r["lines"] for r in as_json) == sum(int(r["lines"]) for r in exported)
    # The contributions export writes to standard output too (a deprecated click call used to break it).
    exported = runner.invoke(args=["export", "contributions", "--format", "json"])
    assert exported.exit_code == 0, exported.output
    assert len(json.loads(exported.output)) == sum(r["lines"] for r in as_json)
