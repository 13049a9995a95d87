"""METHOD.md section 7, F01-F17: the corporate-money acceptance cases (pledge signed 2024-01-15,
cure window 30 days). Committee rows come from the real FEC committee master (cm.txt); the
receipt lines are built like real itpas2 / itcont / Form 460 lines, with the case's dates and
amounts."""
from datetime import date, datetime

import pandas as pd
import pytest

from tests import money_realdata
from tracker import money

SIGNED_AT = datetime(2024, 1, 15, 18, 30)
CANDIDATE_COMMITTEE = "C00238907"  # REED COMMITTEE; THE (a real principal campaign committee)
GENERAL_DYNAMICS_PAC = "C00078451"  # ORG_TP C
PETROLEUM_MARKETERS = "C00035204"  # ORG_TP T
SNAKE_RIVER_SUGAR = "C00326389"  # ORG_TP V
MARITIME_OFFICERS = "C00027532"  # ORG_TP L
HOUSE_FREEDOM_FUND = "C00552851"  # CMTE_DSGN D, no ORG_TP
PELOSI_VICTORY_FUND = "C00492421"  # CMTE_DSGN J


@pytest.fixture(scope="module")
def committees():
    from tests.conftest import REALDATA
    return money_realdata.committees(REALDATA)


_line = iter(range(1, 10_000))


def pac_line(donor_committee, dollars, on, **overrides):
    """A committee-to-candidate receipt built like an itpas2 24K line."""
    n = next(_line)
    return {"id": n, "source": "fec-itpas2", "source_file": "itpas2.txt", "source_line": n, "filing_id": "1315991",
            "amendment_indicator": "N", "report_type": "M2", "image_num": f"2019021591455155{n:02d}",
            "transaction_type": "24K", "tran_id": f"7932937{n}", "sub_id": f"40227201916442239{n:02d}",
            "recipient_committee_id": CANDIDATE_COMMITTEE, "donor_name": donor_committee, "donor_entity_type": "PAC",
            "donor_committee_id": donor_committee, "amount_cents": round(dollars * 100), "received_on": on,
            "memo": False, **overrides}


def refund_line(of: dict, dollars, on):
    """The candidate committee's refund (FEC 22Z) of `of`."""
    n = next(_line)
    return {**of, "id": n, "source_line": n, "transaction_type": "22Z", "tran_id": f"SB28.{n}", "sub_id": f"9{n}",
            "amount_cents": round(dollars * 100), "received_on": on}


def person_line(name, dollars, on, entity="IND", employer="", occupation="", **overrides):
    n = next(_line)
    return {"id": n, "source": "fec-itcont", "source_file": "itcont.txt", "source_line": n, "transaction_type": "15",
            "tran_id": f"SA11AI.{n}", "recipient_committee_id": CANDIDATE_COMMITTEE, "donor_name": name,
            "donor_entity_type": entity, "donor_committee_id": "", "employer": employer, "occupation": occupation,
            "amount_cents": round(dollars * 100), "received_on": on, "memo": False, "zip_code": "946121234",
            **overrides}


def ca_line(name, dollars, on, entity="OTH"):
    n = next(_line)
    return {"id": n, "source": "form460", "source_file": "A-Contributions.csv", "source_line": n,
            "filing_id": "001", "tran_id": f"INC{n}", "recipient_committee_id": "1364564", "donor_name": name,
            "donor_entity_type": entity, "donor_committee_id": "", "amount_cents": round(dollars * 100),
            "received_on": on, "memo": False}


def evaluate(kind, rows, committees=None, params=None, lists=None):
    frame = pd.DataFrame(rows).set_index("id", drop=False)
    classified = money.classify(frame, committees, lists)
    return money.evaluate_clause(kind, params, frame, classified, SIGNED_AT).set_index("contribution_id"), classified


def test_f01_corporate_pac_is_a_violation_with_filing_evidence(committees):
    receipt = pac_line(GENERAL_DYNAMICS_PAC, 1000, date(2024, 3, 1))
    flags, classified = evaluate("no_corporate_pac", [receipt], committees)
    flag = flags.loc[receipt["id"]]
    assert flag["status"] == "violation" and flag["net_cents"] == 100_000
    evidence = flag["evidence"]
    committee = evidence["classification"]["committee"]
    assert committee["CMTE_ID"] == GENERAL_DYNAMICS_PAC and committee["ORG_TP"] == "C"
    assert committee["CONNECTED_ORG_NM"] == "GENERAL DYNAMICS CORPORATION"
    assert evidence["filed"]["pdf_url"] == f"https://docquery.fec.gov/cgi-bin/fecimg/?{receipt['image_num']}"
    assert evidence["filed"]["tran_id"] == receipt["tran_id"] and evidence["filed"]["sub_id"] == receipt["sub_id"]
    assert evidence["rule"] == "committee.org_tp.C" and evidence["ruleset"] == money.RULESET_VERSION
    assert evidence["clause"] == {"kind": "no_corporate_pac", "params": {"cure_days": 30, "notice_days": 7}}


def test_f02_trade_association_and_cooperative_pacs(committees):
    trade = pac_line(PETROLEUM_MARKETERS, 5000, date(2024, 3, 1))
    coop = pac_line(SNAKE_RIVER_SUGAR, 2500, date(2024, 3, 2))
    pac_flags, classified = evaluate("no_corporate_pac", [trade, coop], committees)
    assert classified["donor_class"].tolist() == ["trade_assoc_pac", "cooperative_pac"]
    assert pac_flags["status"].tolist() == ["warning", "warning"]
    assert set(pac_flags["reason"]) == {"corporate_adjacent"}
    money_flags, _ = evaluate("no_corporate_money", [trade, coop], committees)
    assert money_flags["status"].tolist() == ["violation", "violation"]
    assert money_flags["net_cents"].tolist() == [500_000, 250_000]


@pytest.mark.parametrize("kind", ["no_corporate_pac", "no_corporate_money"])
def test_f03_labor_and_leadership_pacs_never_violate(committees, kind):
    labor = pac_line(MARITIME_OFFICERS, 5000, date(2024, 3, 1))
    leadership = pac_line(HOUSE_FREEDOM_FUND, 2000, date(2024, 3, 1))
    flags, classified = evaluate(kind, [labor, leadership], committees)
    assert classified["donor_class"].tolist() == ["labor_pac", "leadership_pac"]
    assert classified["rule"].tolist() == ["committee.org_tp.L", "committee.dsgn.D"]
    assert flags.empty


@pytest.mark.parametrize("refund_dollars, refund_on, status, net, days", [
    (1000, date(2024, 3, 20), "cured", 0, 19),        # F04
    (1000, date(2024, 5, 15), "late_cure", 0, 75),    # F05: stays listed
    (400, date(2024, 3, 10), "violation", 60_000, 9),  # F06: partial refund leaves the net
])
def test_f04_f05_f06_refunds(committees, refund_dollars, refund_on, status, net, days):
    receipt = pac_line(GENERAL_DYNAMICS_PAC, 1000, date(2024, 3, 1))
    refund = refund_line(receipt, refund_dollars, refund_on)
    flags, _ = evaluate("no_corporate_pac", [receipt, refund], committees)
    assert list(flags.index) == [receipt["id"]]
    flag = flags.loc[receipt["id"]]
    assert (flag["status"], flag["net_cents"], flag["amount_cents"]) == (status, net, 100_000)
    assert flag["refunds"] == [{"amount_cents": refund_dollars * 100, "date": refund_on.isoformat(),
                                "source_line": str(refund["source_line"]), "contribution_id": refund["id"]}]
    assert flag["evidence"]["days_to_refund"] == days


def test_f07_receipt_before_signing_is_pre_pledge(committees):
    receipt = pac_line(GENERAL_DYNAMICS_PAC, 1000, date(2024, 1, 10))
    flags, _ = evaluate("no_corporate_pac", [receipt], committees)
    assert flags["status"].tolist() == ["pre_pledge"]
    assert "violation" not in set(flags["status"])


def test_f08_amendment_replaces_the_original_report():
    original = pac_line(GENERAL_DYNAMICS_PAC, 1000, date(2024, 3, 1), filing_id="1400001",
                        original_report="1400001", tran_id="T1", sub_id=None, amendment_indicator="N")
    amended = {**original, "id": 9001, "filing_id": "1400057", "amendment_indicator": "A"}
    kept = money.latest_amendments(pd.DataFrame([original, amended]))
    assert kept["amount_cents"].sum() == 100_000 and kept["filing_id"].tolist() == ["1400057"]
    # The amendment no longer lists T1: the line is gone.
    other_line = {**amended, "id": 9002, "tran_id": "T2", "amount_cents": 25_000}
    kept = money.latest_amendments(pd.DataFrame([original, other_line]))
    assert "T1" not in kept["tran_id"].tolist() and kept["amount_cents"].sum() == 25_000


def test_f09_joint_fundraiser_look_through(committees):
    transfer = pac_line(PELOSI_VICTORY_FUND, 3000, date(2024, 3, 1), transaction_type="18G")
    from_corp_pac = pac_line(GENERAL_DYNAMICS_PAC, 500, date(2024, 3, 1), memo=True, transaction_type="18G",
                             memo_text="JFC ATTRIBUTION")
    individuals = person_line("SMITH, JANE", 2500, date(2024, 3, 1), memo=True, memo_text="JFC ATTRIBUTION")
    rows = [transfer, from_corp_pac, individuals]
    flags, classified = evaluate("no_corporate_pac", rows, committees)
    assert classified.loc[transfer["id"], "rule"] == "committee.dsgn.J"
    assert "jfc" in classified.loc[transfer["id"], "tags"]
    assert flags["status"].tolist() == ["violation"]
    assert flags.loc[from_corp_pac["id"], "net_cents"] == 50_000
    assert money.cash_total_cents(pd.DataFrame(rows)) == 300_000  # memos add nothing


def test_f10_earmark_counted_once():
    conduit_memo = person_line("DOE, JOHN", 50, date(2024, 3, 1), memo=True, transaction_type="15",
                               recipient_committee_id="C00401224", memo_text="EARMARKED FOR REED COMMITTEE")
    recipient = person_line("DOE, JOHN", 50, date(2024, 3, 3), transaction_type="15E")
    kept = money.dedupe_earmarks(pd.DataFrame([conduit_memo, recipient]).set_index("id", drop=False))
    assert kept["id"].tolist() == [recipient["id"]]
    assert kept["amount_cents"].sum() == 5000


def test_f11_ca_business_entity():
    acme = ca_line("ACME BUILDERS, INC.", 250, date(2024, 3, 1))
    money_flags, classified = evaluate("no_corporate_money", [acme])
    assert classified.iloc[0][["donor_class", "confidence", "rule"]].tolist() == [
        "business_entity", "probable", "name.legal_suffix"]
    assert classified.iloc[0]["evidence"]["tokens"]["legal_suffix"] == "INC"
    assert money_flags["status"].tolist() == ["violation"]
    pac_flags, _ = evaluate("no_corporate_pac", [acme])
    assert pac_flags["status"].tolist() == ["warning"]


def test_f12_ca_other_organizations():
    rows = [ca_line("SIERRA CLUB", 250, date(2024, 3, 1)), ca_line("UNITE HERE LOCAL 11", 250, date(2024, 3, 1)),
            ca_line("PARENTS ASSOCIATION, INC.", 250, date(2024, 3, 1))]
    flags, classified = evaluate("no_corporate_money", rows)
    assert classified["donor_class"].tolist() == ["other_org", "labor_org", "review"]
    assert list(flags.index) == [rows[2]["id"]]
    assert flags["status"].tolist() == ["under_review"]


def test_f13_individual_names_match_whole_tokens_only():
    rows = [person_line("CORPUZ, MARIA", 500, date(2024, 3, 1)),
            person_line("SMITH HOLDINGS LLC", 500, date(2024, 3, 1))]
    flags, classified = evaluate("no_corporate_money", rows)
    assert classified["donor_class"].tolist() == ["individual", "review"]
    assert classified["rule"].tolist() == ["entity.IND", "conflict.ind_legal_suffix"]
    assert flags["status"].tolist() == ["under_review"]


def test_f14_ca_negative_receipt_cures():
    gift = ca_line("ACME BUILDERS, INC.", 250, date(2024, 2, 1))
    returned = ca_line("ACME BUILDERS, INC.", -250, date(2024, 2, 20))
    flags, _ = evaluate("no_corporate_money", [gift, returned])
    assert list(flags.index) == [gift["id"]]
    assert flags.loc[gift["id"], ["status", "net_cents"]].tolist() == ["cured", 0]
    assert flags.loc[gift["id"], "evidence"]["days_to_refund"] == 19


EXXON = money.MoneyLists(company_list={"EXXON MOBIL CORPORATION"})


def test_f15_fossil_fuel_aggregate_over_200():
    first = person_line("TILLMAN, REX", 150, date(2024, 2, 1), employer="EXXON MOBIL CORP", occupation="CEO")
    second = person_line("TILLMAN, REX", 100, date(2024, 4, 1), employer="EXXON MOBIL CORP", occupation="CEO")
    flags, classified = evaluate("no_fossil_fuel_money", [first, second], lists=EXXON)
    assert set(classified["tags"]) == {"executive,employer_match"}
    assert list(flags.index) == [second["id"]]  # anchored where the aggregate first exceeds $200
    assert flags.loc[second["id"], ["status", "amount_cents", "net_cents"]].tolist() == ["violation", 25_000, 25_000]
    assert flags.loc[second["id"], "evidence"]["aggregate_of"] == [first["id"], second["id"]]
    per_line, _ = evaluate("no_fossil_fuel_money", [first, second], lists=EXXON,
                           params={"aggregation": "per_contribution"})
    assert per_line.empty


def test_f16_fossil_fuel_thresholds_employees_and_placeholders():
    ceo = [person_line("TILLMAN, REX", 150, date(2024, 2, 1), employer="EXXON MOBIL CORP", occupation="CEO"),
           person_line("TILLMAN, REX", 50, date(2024, 4, 1), employer="EXXON MOBIL CORP", occupation="CEO")]
    flags, _ = evaluate("no_fossil_fuel_money", ceo, lists=EXXON)
    assert flags.empty  # exactly $200 is not over $200
    engineer = person_line("LEE, ANN", 1000, date(2024, 3, 1), employer="EXXON MOBIL CORPORATION",
                           occupation="ENGINEER")
    flags, _ = evaluate("no_fossil_fuel_money", [engineer], lists=EXXON)
    assert flags.empty
    flags, _ = evaluate("no_fossil_fuel_money", [engineer], lists=EXXON,
                        params={"include_employees": True, "comparator": "gte"})
    assert flags["status"].tolist() == ["violation"]
    retired = person_line("OLD, BOSS", 500, date(2024, 3, 1), employer="RETIRED", occupation="CEO")
    flags, classified = evaluate("no_fossil_fuel_money", [retired], lists=EXXON)
    assert flags.empty and "executive" not in classified.iloc[0]["tags"]
    gte_ceo, _ = evaluate("no_fossil_fuel_money", ceo, lists=EXXON, params={"comparator": "gte"})
    assert gte_ceo["status"].tolist() == ["violation"]


@pytest.mark.parametrize("helper, dollars, expected", [
    (money.itemized_fed, 200.00, False), (money.itemized_fed, 200.01, True),
    (money.itemized_ca, 100.00, True), (money.itemized_ca, 99.99, False),
])
def test_f17_itemization_thresholds(helper, dollars, expected):
    assert helper(dollars) is expected


# --- Beyond the table: transaction types and options the issue names --------------------------

def test_independent_expenditures_never_enter_pledge_checks(committees):
    """24E/24A are spent for or against the candidate, not received: never flagged."""
    spent_for = pac_line(GENERAL_DYNAMICS_PAC, 5000, date(2024, 3, 1), transaction_type="24E")
    spent_against = pac_line(GENERAL_DYNAMICS_PAC, 5000, date(2024, 3, 1), transaction_type="24A")
    flags, _ = evaluate("no_corporate_pac", [spent_for, spent_against], committees)
    assert flags.empty
    assert money.cash_total_cents(pd.DataFrame([spent_for, spent_against])) == 0


def test_in_kind_contribution_from_a_corporate_pac_is_a_violation(committees):
    in_kind = pac_line(GENERAL_DYNAMICS_PAC, 750, date(2024, 3, 1), transaction_type="24Z")
    flags, _ = evaluate("no_corporate_pac", [in_kind], committees)
    assert flags["status"].tolist() == ["violation"] and flags["net_cents"].tolist() == [75_000]


def test_before_signing_only_would_be_violations_are_listed(committees):
    rows = [pac_line(PETROLEUM_MARKETERS, 5000, date(2024, 1, 2)),   # warning class, before signing
            pac_line(GENERAL_DYNAMICS_PAC, 1000, date(2024, 1, 14)),  # violation class, before signing
            pac_line(GENERAL_DYNAMICS_PAC, 1000, date(2024, 1, 15))]  # the signing day counts
    flags, _ = evaluate("no_corporate_pac", rows, committees)
    assert flags.loc[rows[1]["id"], "status"] == "pre_pledge"
    assert flags.loc[rows[2]["id"], "status"] == "violation"
    assert rows[0]["id"] not in flags.index


def test_executives_are_warnings_unless_the_clause_includes_them():
    ceo = person_line("NOVAKOVIC, PHEBE N", 2700, date(2024, 3, 1), employer="GENERAL DYNAMICS CORPORAT",
                      occupation="CHAIRMAN & CEO")
    flags, _ = evaluate("no_corporate_money", [ceo])
    assert flags[["status", "reason"]].values.tolist() == [["warning", "executive"]]
    flags, _ = evaluate("no_corporate_money", [ceo], params={"include_executives": True})
    assert flags["status"].tolist() == ["violation"]


def test_fossil_fuel_pac_of_a_listed_company_and_refund_below_threshold(committees):
    lists = money.MoneyLists(company_list={"General Dynamics Corporation"})  # stands in for a listed company
    pac = pac_line(GENERAL_DYNAMICS_PAC, 1000, date(2024, 3, 1))
    refund = refund_line(pac, 900, date(2024, 3, 15))
    flags, _ = evaluate("no_fossil_fuel_money", [pac], committees, lists=lists)
    assert flags[["status", "reason", "net_cents"]].values.tolist() == [["violation", "company_pac", 100_000]]
    flags, _ = evaluate("no_fossil_fuel_money", [pac, refund], committees, lists=lists)
    assert flags[["status", "net_cents"]].values.tolist() == [["cured", 10_000]]  # $100 left: not over $200
