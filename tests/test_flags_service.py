"""tracker/services/flags.py on both databases: bulk classification written back, pledges broken
by a corporate PAC receipt and cured by a timely refund, with the audit trail."""
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from tests import money_realdata
from tests.factories import make_person, make_program
from tracker import money
from tracker.extensions import db
from tracker.models import AuditEvent, Committee, Contribution, Flag, Pledge, PledgeClause
from tracker.services import flags as flags_service

SIGNED_AT = datetime(2024, 1, 15, 18, 30)


def add_committees(org, committees: pd.DataFrame, **extra):
    rows = [Committee(organization_id=org.id, source="fec", committee_id=r.committee_id, name=r.name,
                      committee_type=r.committee_type or None, designation=r.designation or None,
                      org_type=r.org_type or None, connected_org=r.connected_org or None,
                      **extra.get(r.committee_id, {}))
            for r in committees.itertuples(index=False)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def add_contributions(org, frame: pd.DataFrame) -> list[Contribution]:
    """Store lines in money_realdata's shape as Contribution rows (as the loader would)."""
    kinds = money.receipt_kinds(frame)
    rows = []
    for (ix, line), kind in zip(frame.iterrows(), kinds):
        rows.append(Contribution(
            organization_id=org.id, source=line["source"], source_key=f"{line['source']}:{line.get('sub_id') or line['tran_id']}:{line['source_line']}",
            source_file=line["source_file"], source_line=int(line["source_line"]), tran_id=line.get("tran_id"),
            sub_id=line.get("sub_id"), filing_id=line.get("filing_id"), image_num=line.get("image_num"),
            amendment_indicator=line.get("amendment_indicator"), transaction_type=line.get("transaction_type"),
            recipient_committee_id=line["recipient_committee_id"], candidate_id=line.get("candidate_id"),
            donor_name=line["donor_name"], donor_entity_type=line.get("donor_entity_type"),
            donor_committee_id=line.get("donor_committee_id") or None, employer=line.get("employer"),
            occupation=line.get("occupation"), amount_cents=int(line["amount_cents"]),
            received_on=line["received_on"], memo=bool(line.get("memo", False)), memo_text=line.get("memo_text"),
            receipt_kind=kind))
    db.session.add_all(rows)
    db.session.flush()
    return rows


def add_pledge(org, person, kind="no_corporate_pac", params=None, signed_at=SIGNED_AT):
    version = make_program(org)
    pledge = Pledge(organization_id=org.id, person_id=person.id, program_version_id=version.id, text="I pledge.",
                    text_sha256="0" * 64, status="signed", signed_name=person.name, signed_at=signed_at)
    db.session.add(pledge)
    db.session.flush()
    db.session.add(PledgeClause(organization_id=org.id, pledge_id=pledge.id, kind=kind, params=params))
    db.session.flush()
    return pledge


TOLD_AT = datetime(2024, 4, 1, 12, 0)


def publish_after_notice(org, person, told_at=TOLD_AT):
    """The committee tells the candidate, the 7-day notice passes, the flags are published."""
    flags_service.notify_person(person, now=told_at)
    return flags_service.publish_due(org, now=told_at + timedelta(days=7))


@pytest.fixture
def real_committees(realdata):
    return money_realdata.committees(realdata)


def itpas2_like(cmte_id, candidate_committee, dollars, on, transaction_type="24K", line=2, **kw):
    """A line shaped exactly like itpas2.txt line 2 (General Dynamics PAC -> Reed), with new date/amount."""
    return {"source": "fec-itpas2", "source_file": "itpas2.txt", "source_line": line, "transaction_type": transaction_type,
            "amendment_indicator": "N", "report_type": "M2", "image_num": "201902159145515517",
            "tran_id": f"7932937{line}", "filing_id": "1315991", "sub_id": f"402272019164422394{line}", "memo": False,
            "memo_text": "", "amount_cents": round(dollars * 100), "received_on": on,
            "recipient_committee_id": candidate_committee, "candidate_id": "S6RI00163",
            "donor_name": "GENERAL DYNAMICS CORPORATION POLITICAL ACTION COMMITTEE (GDC PAC)",
            "donor_entity_type": "PAC", "donor_committee_id": cmte_id, **kw}


def test_classify_contributions_writes_classes_in_bulk(app, org, realdata, real_committees):
    add_committees(org, real_committees)
    lines = money_realdata.itpas2(realdata, real_committees)
    add_contributions(org, lines)
    summary = flags_service.classify_contributions(org)
    assert summary["classified"] == 475
    # cm.txt: filers by ORG_TP C 211, T 75, L 54, M 47, V 44, W 9 (SOURCES.md).
    assert summary["by_class"]["corporate_pac"] == 211 and summary["by_class"]["trade_assoc_pac"] == 75
    assert summary["by_class"]["labor_pac"] == 54 and summary["by_class"]["corp_nonstock_pac"] == 9
    row = db.session.execute(db.select(Contribution).where(Contribution.donor_committee_id == "C00078451")
                             .order_by(Contribution.id)).scalars().first()
    assert (row.donor_class, row.rule, row.confidence) == ("corporate_pac", "committee.org_tp.C", "confirmed")
    assert row.evidence["committee"]["CONNECTED_ORG_NM"] == "GENERAL DYNAMICS CORPORATION"
    assert row.receipt_kind == "refund"  # line 1 is the -$1,000 "VOID" of line 2


def test_pledge_broken_then_cured_by_refund_with_audit(app, org, real_committees):
    add_committees(org, real_committees)
    person = make_person(org, "Jack Reed", ids={"fec_candidate": "S6RI00163"})
    db.session.execute(db.update(Committee).where(Committee.committee_id == "C00238907").values(candidate_id="S6RI00163"))
    pledge = add_pledge(org, person)
    receipt = itpas2_like("C00078451", "C00238907", 1000, date(2024, 3, 1))
    add_contributions(org, pd.DataFrame([receipt]))
    summary = flags_service.evaluate_person(person)
    db.session.commit()
    # A new flag is a draft: the pledge is not publicly broken before the candidate had notice.
    flag = db.session.execute(db.select(Flag)).scalar_one()
    assert flag.publication == "draft" and pledge.status == "signed"
    assert summary["pledges"][0]["violations"] == 1 and summary["pledges"][0]["published_violations"] == 0
    flags_service.notify_person(person, now=TOLD_AT)
    assert (flag.publication, flag.notified_at) == ("notified", TOLD_AT)
    assert flags_service.publish_due(org, now=TOLD_AT + timedelta(days=6, hours=23)) == 0
    assert flags_service.publish_due(org, now=TOLD_AT + timedelta(days=7)) == 1
    db.session.commit()
    assert (flag.publication, flag.published_at) == ("published", TOLD_AT + timedelta(days=7))
    assert pledge.status == "broken"
    assert (flag.status, flag.amount_cents, flag.net_cents) == ("violation", 100_000, 100_000)
    assert flag.evidence["classification"]["committee"]["ORG_TP"] == "C"
    assert flag.evidence["filed"]["pdf_url"].endswith("?201902159145515517")

    # F04: refunded in full 19 days later (FEC 22Z, a refund to a committee).
    refund = itpas2_like("C00078451", "C00238907", 1000, date(2024, 3, 20), transaction_type="22Z", line=7,
                         sub_id="4022720191644229999", tran_id="SB28A.1")
    add_contributions(org, pd.DataFrame([refund]))
    flags_service.evaluate_person(person)
    db.session.commit()
    db.session.refresh(flag)
    assert (flag.status, flag.net_cents) == ("cured", 0)
    assert flag.refunds[0]["amount_cents"] == 100_000 and flag.refunds[0]["date"] == "2024-03-20"
    assert pledge.status == "signed"
    actions = [e.action for e in db.session.execute(db.select(AuditEvent).where(AuditEvent.action != "program.adopt")
                                                    .order_by(AuditEvent.id)).scalars()]
    assert actions == ["flag.violation", "flag.notified", "flag.published", "pledge.broken", "flag.cured",
                       "pledge.signed"]
    assert flag.publication == "published"  # the cure is public too
    cured = db.session.execute(db.select(AuditEvent).filter_by(action="flag.cured")).scalar_one()
    assert "line 7" in cured.note and cured.before["status"] == "violation"

    # Re-evaluating changes nothing.
    again = flags_service.evaluate_person(person)
    assert (again["created"], again["updated"], again["status_changes"]) == (0, 0, 0)


def test_real_itpas2_lines_judged_for_real_candidate(app, org, realdata, real_committees):
    """Every real itpas2 24K line to Steny Hoyer (H2MD05155), pledge signed before the cycle: each
    corporate-PAC (ORG_TP C) receipt is a violation unless voided by a negative line."""
    candidate = "H2MD05155"
    committees = add_committees(org, real_committees)
    person = make_person(org, "Steny Hoyer", ids={"fec_candidate": candidate})
    lines = money_realdata.itpas2(realdata, real_committees)
    mine = lines[lines["candidate_id"] == candidate]
    for committee in committees:
        if committee.committee_id in set(mine["recipient_committee_id"]):
            committee.candidate_id = candidate
    add_contributions(org, mine)
    add_pledge(org, person, signed_at=datetime(2019, 1, 1))
    assert flags_service.evaluate_organization(org)["broken_pledges"] == 0  # drafts only
    flags_service.notify_person(person, now=TOLD_AT)
    # The organization-wide evaluation (after every import) publishes what is past its notice first.
    result = flags_service.evaluate_organization(org, now=TOLD_AT + timedelta(days=8))
    db.session.commit()
    org_tp = real_committees.set_index("committee_id")["org_type"]
    corporate = mine[(mine["donor_committee_id"].map(org_tp) == "C") & (mine["transaction_type"] == "24K")]
    positive = corporate[corporate["amount_cents"] > 0]
    assert len(positive) > 0
    violations = db.session.execute(db.select(Flag).filter_by(status="violation")).scalars().all()
    voided = len(positive) - len(violations)
    assert voided == (corporate["amount_cents"] < 0).sum()
    assert result["broken_pledges"] == 1
    assert {v.contribution.donor_committee_id for v in violations} <= set(corporate["donor_committee_id"])


def test_classify_then_evaluate_form460_business_refund(app, org, realdata):
    """The demo-like CA path: an OTH business gift after signing, returned 16 days later."""
    person = make_person(org, "Council Candidate")
    db.session.add(Committee(organization_id=org.id, source="ca", committee_id="1364564", name="Yes on JJ",
                             person_id=person.id))
    add_pledge(org, person, kind="no_corporate_money", params={"cure_days": 30})
    real = money_realdata.form460(realdata)
    business = real[real["donor_name"] == "Enterprise Community Investment, Inc."].iloc[[0]].copy()
    business["received_on"] = date(2024, 2, 1)
    returned = business.assign(amount_cents=-business["amount_cents"], received_on=date(2024, 2, 17),
                               tran_id="INC999", source_line=999)
    add_contributions(org, pd.concat([business, returned]))
    flags_service.evaluate_person(person)
    flag = db.session.execute(db.select(Flag)).scalar_one()
    assert flag.contribution.donor_class == "business_entity" and flag.contribution.rule == "name.legal_suffix"
    assert (flag.status, flag.net_cents, flag.evidence["days_to_refund"]) == ("cured", 0, 16)


def test_fossil_fuel_clause_uses_its_own_company_list(app, org, realdata):
    """The real itcont line of General Dynamics' CEO (employer filed as "GENERAL DYNAMICS CORPORAT"),
    re-dated after signing; the clause's company list names the company."""
    person = make_person(org, "Candidate")
    itcont = money_realdata.itcont(realdata)
    ceo = itcont[itcont["donor_name"] == "NOVAKOVIC, PHEBE N"].iloc[[0]].copy()
    ceo["received_on"] = date(2024, 3, 1)
    db.session.add(Committee(organization_id=org.id, source="fec", committee_id=ceo["recipient_committee_id"].iloc[0],
                             name="Recipient", person_id=person.id))
    add_pledge(org, person, kind="no_fossil_fuel_money", params={"company_list": ["General Dynamics Corporation"]})
    add_contributions(org, ceo)
    summary = flags_service.evaluate_person(person)
    flag = db.session.execute(db.select(Flag)).scalar_one()
    assert flag.status == "violation" and flag.amount_cents == ceo["amount_cents"].iloc[0]
    assert flag.evidence["clause"]["params"]["company_list"] == ["General Dynamics Corporation"]
    assert summary["pledges"][0]["violations"] == 1 and summary["pledges"][0]["status"] == "signed"  # a draft yet
    # The stored classification has no company list: the tag lives only in the clause's evidence.
    assert "employer_match" not in (flag.contribution.tags or "")
    assert "employer_match" in flag.evidence["classification"]["tags"]


def test_classification_report_counts_real_itcont(app, org, realdata, real_committees):
    add_committees(org, real_committees)
    add_contributions(org, money_realdata.itcont(realdata))
    flags_service.classify_contributions(org)
    report = flags_service.classification_report(org)
    assert report["count"].sum() == 1300
    individual = report[report["rule"] == "entity.IND"].iloc[0]
    assert (individual["donor_class"], individual["count"]) == ("individual", 1227)
    memo_dollars = sum(c.amount_cents for c in db.session.execute(
        db.select(Contribution).where(Contribution.memo.is_(True))).scalars())
    assert report["amount_cents"].sum() - report["cash_cents"].sum() == memo_dollars


def test_a_pledge_broken_for_another_reason_is_not_restored(app, org, real_committees):
    person = make_person(org, "Other Reason")
    db.session.add(Committee(organization_id=org.id, source="fec", committee_id="C00238907", name="Reed",
                             person_id=person.id))
    pledge = add_pledge(org, person)
    pledge.status = "broken"  # e.g. judged on a plank clause by another part of the app
    db.session.flush()
    summary = flags_service.evaluate_person(person)
    assert pledge.status == "broken" and summary["status_changes"] == 0


def test_earmarked_gift_judged_once(app, org):
    """A $150 gift from a listed company's CEO reported twice (conduit memo + recipient 15E) must not
    add up to $300 and cross the $200 fossil-fuel threshold."""
    person = make_person(org, "Earmark Candidate")
    db.session.add(Committee(organization_id=org.id, source="fec", committee_id="C00999999", name="Campaign",
                             person_id=person.id))
    add_pledge(org, person, kind="no_fossil_fuel_money", params={"company_list": ["Exxon Mobil Corporation"]})
    base = {"source": "fec-itcont", "source_file": "itcont.txt", "recipient_committee_id": "C00999999",
            "donor_name": "TILLMAN, REX", "donor_entity_type": "IND", "employer": "EXXON MOBIL CORP",
            "occupation": "CEO", "amount_cents": 15_000, "zip_code": "75039"}
    lines = pd.DataFrame([
        {**base, "source_line": 1, "tran_id": "E1", "transaction_type": "15", "memo": True,
         "memo_text": "EARMARKED FOR EARMARK CANDIDATE", "received_on": date(2024, 3, 1)},
        {**base, "source_line": 2, "tran_id": "E2", "transaction_type": "15E", "memo": False, "memo_text": "",
         "received_on": date(2024, 3, 3)}])
    add_contributions(org, lines)
    flags_service.evaluate_person(person)
    assert db.session.execute(db.select(Flag)).scalars().all() == []


def test_publish_due_command_publishes_what_is_past_its_notice(app, org, runner, real_committees):
    add_committees(org, real_committees)
    person = make_person(org, "Jack Reed")
    db.session.execute(db.update(Committee).where(Committee.committee_id == "C00238907")
                       .values(candidate_id="S6RI00163", person_id=person.id))
    pledge = add_pledge(org, person)
    add_contributions(org, pd.DataFrame([itpas2_like("C00078451", "C00238907", 1000, date(2024, 3, 1))]))
    flags_service.evaluate_person(person)
    flags_service.notify_person(person, now=datetime.now() - timedelta(days=3))
    db.session.commit()
    assert runner.invoke(args=["flags", "publish-due"]).output.strip() == "0 flags published"
    db.session.execute(db.update(Flag).values(notified_at=datetime.now() - timedelta(days=8)))
    db.session.commit()
    result = runner.invoke(args=["flags", "publish-due"])
    assert result.exit_code == 0 and result.output.strip() == "1 flag published"
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == "broken"
