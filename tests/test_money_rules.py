"""tracker/money.py rule by rule, on real lines of the FEC bulk and NetFile Form 460 samples
(../shared/realdata) wherever a real line exists; synthetic lines say so."""
from datetime import date

import pandas as pd
import pytest

from tests import money_realdata
from tracker import money
from tracker.vocabulary import DONOR_CLASSES


@pytest.fixture(scope="module")
def real(request):
    from tests.conftest import REALDATA
    committees = money_realdata.committees(REALDATA)
    itcont = money_realdata.itcont(REALDATA)
    itpas2 = money_realdata.itpas2(REALDATA, committees)
    form460 = money_realdata.form460(REALDATA)
    return {"committees": committees, "itcont": itcont, "itpas2": itpas2, "form460": form460,
            "itcont_classes": money.classify(itcont, committees),
            "itpas2_classes": money.classify(itpas2, committees),
            "form460_classes": money.classify(form460, committees)}


def first(real, file, **where):
    frame = real[file]
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    assert mask.any(), f"no real line in {file} with {where}"
    return real[file + "_classes"].loc[mask[mask].index[0]]


@pytest.mark.parametrize("file, where, donor_class, rule, confidence", [
    # FEC committee-to-candidate lines: the giving committee's master row decides.
    ("itpas2", {"donor_committee_id": "C00078451"}, "corporate_pac", "committee.org_tp.C", "confirmed"),
    ("itpas2", {"donor_committee_id": "C00158881"}, "corp_nonstock_pac", "committee.org_tp.W", "confirmed"),
    ("itpas2", {"donor_committee_id": "C00035204"}, "trade_assoc_pac", "committee.org_tp.T", "confirmed"),
    ("itpas2", {"donor_committee_id": "C00326389"}, "cooperative_pac", "committee.org_tp.V", "confirmed"),
    ("itpas2", {"donor_committee_id": "C00325936"}, "membership_pac", "committee.org_tp.M", "confirmed"),
    ("itpas2", {"donor_committee_id": "C00027532"}, "labor_pac", "committee.org_tp.L", "confirmed"),
    ("itpas2", {"donor_committee_id": "C00552851"}, "leadership_pac", "committee.dsgn.D", "confirmed"),
    # FEC individual-contribution lines.
    ("itcont", {"donor_name": "JANOWICZ, PHILIP", "transaction_type": "15C"}, "candidate_self", "transaction.15C",
     "confirmed"),
    ("itcont", {"donor_name": "NOVAKOVIC, PHEBE N"}, "individual", "entity.IND", "confirmed"),
    ("itcont", {"donor_name": "SHADY ACRES DAIRY LP"}, "business_entity", "name.legal_suffix", "probable"),
    ("itcont", {"donor_name": "STILL WATER RANCH L.P."}, "business_entity", "name.legal_suffix", "probable"),
    ("itcont", {"donor_name": "MOONSHINE DAIRY"}, "other_org", "name.no_legal_suffix", "probable"),
    # California Form 460 Schedule A lines (Oakland 2016, Measure JJ).
    ("form460", {"donor_name": "Enterprise Community Investment, Inc."}, "business_entity", "name.legal_suffix",
     "probable"),
    ("form460", {"donor_name": "Unite Here Local 2850"}, "labor_org", "name.labor", "probable"),
    ("form460", {"donor_name": "Youth Uprising"}, "other_org", "name.no_legal_suffix", "probable"),
    ("form460", {"donor_name": "Service Employees International Union Local 1021 Issues PAC"}, "labor_pac",
     "name.labor", "probable"),
    ("form460", {"donor_name": "Skinner for Senate 2016"}, "unknown", "committee.not_found", "review"),
    ("form460", {"donor_name": "California Nurses Association Political Action Committee"}, "nonconnected_pac",
     "entity.SCC", "confirmed"),
    # "Foundation, Inc. dba Voqal USA": the suffix is not the last token, so no business_entity.
    ("form460", {"donor_name": "Instructional Telecommunications Foundation, Inc. dba Voqal USA"}, "other_org",
     "name.no_legal_suffix", "probable"),
])
def test_real_line_classes(real, file, where, donor_class, rule, confidence):
    result = first(real, file, **where)
    assert (result["donor_class"], result["rule"], result["confidence"]) == (donor_class, rule, confidence)
    assert result["evidence"]["rule"] == rule and result["evidence"]["ruleset"] == money.RULESET_VERSION


def test_real_itpas2_class_counts_match_the_committee_master(real):
    """SOURCES.md: filers by ORG_TP C 211, T 75, L 54, M 47, V 44, none 35, W 9."""
    counts = real["itpas2_classes"]["donor_class"].value_counts()
    assert (counts["corporate_pac"], counts["trade_assoc_pac"], counts["labor_pac"], counts["membership_pac"],
            counts["cooperative_pac"], counts["corp_nonstock_pac"]) == (211, 75, 54, 47, 44, 9)
    no_org_type = counts.drop(["corporate_pac", "trade_assoc_pac", "labor_pac", "membership_pac",
                               "cooperative_pac", "corp_nonstock_pac"]).sum()
    assert no_org_type == 35
    assert set(real["itpas2_classes"]["donor_class"]) <= set(DONOR_CLASSES)


def test_real_committee_evidence_and_lobbyist_tag(real):
    result = first(real, "itpas2", donor_committee_id="C00078451")
    assert result["evidence"]["committee"] == {
        "CMTE_ID": "C00078451", "CMTE_NM": "GENERAL DYNAMICS CORPORATION POLITICAL ACTION COMMITTEE (GDC PAC)",
        "CMTE_TP": "Q", "CMTE_DSGN": "B", "ORG_TP": "C", "CONNECTED_ORG_NM": "GENERAL DYNAMICS CORPORATION"}
    assert result["tags"] == "lobbyist"  # CMTE_DSGN B is kept beside the ORG_TP class


def line_with_committee(real, committee_id, entity="PAC"):
    """Synthetic line (no real donor line exists) from a real committee master row."""
    frame = pd.DataFrame([{"donor_name": committee_id, "donor_entity_type": entity, "donor_committee_id": committee_id,
                           "transaction_type": "15", "amount_cents": 100_000}])
    return money.classify(frame, real["committees"]).iloc[0]


@pytest.mark.parametrize("committee_id, donor_class, rule, tag", [
    ("C00027466", "party", "committee.cmte_tp.Y", ""),             # NRSC
    ("C00508440", "super_pac", "committee.cmte_tp.O", "ie_only"),  # HRC Equality Votes
    ("C00683029", "party", "committee.dsgn.J", "jfc"),             # Keep the Senate Red 2018 (JFC, type Y)
    ("C00238907", "candidate_committee", "committee.cmte_tp.S", ""),  # Reed Committee
])
def test_committee_types_from_real_master_rows(real, committee_id, donor_class, rule, tag):
    result = line_with_committee(real, committee_id)
    assert (result["donor_class"], result["rule"], result["tags"]) == (donor_class, rule, tag)


def test_person_codes_are_never_looked_up_as_committees(real):
    """Real itcont 15E line: OTHER_ID is the conduit committee, not the donor."""
    result = first(real, "itcont", donor_name="DUNHAM, STEPHEN", transaction_type="15E")
    assert result["donor_class"] == "individual" and "committee" not in result["evidence"]


def test_executive_tag_and_employer_match_on_real_lines(real):
    lists = money.MoneyLists(company_list={"General Dynamics Corporation"})
    frame = real["itcont"]
    classes = money.classify(frame, real["committees"], lists)
    ceo = classes.loc[frame.index[frame["donor_name"] == "NOVAKOVIC, PHEBE N"][0]]
    # Employer as filed is cut short: "GENERAL DYNAMICS CORPORAT".
    assert ceo["tags"] == "executive,employer_match"
    president = classes.loc[frame.index[frame["donor_name"] == "SCRIVENER, RICHARD MR."][0]]
    assert president["tags"] == "executive"
    retired = frame.index[(frame["employer"] == "RETIRED") & (frame["donor_entity_type"] == "IND")][0]
    assert "executive" not in classes.loc[retired, "tags"]
    pac = money.classify(real["itpas2"], real["committees"], lists)
    assert "company_pac" in pac.loc[real["itpas2"].index[real["itpas2"]["donor_committee_id"] == "C00078451"][0], "tags"]


@pytest.mark.parametrize("name, entity, donor_class, rule", [
    ("CORPUZ, MARIA", "IND", "individual", "entity.IND"),
    ("SMITH HOLDINGS L.L.C.", "IND", "review", "conflict.ind_legal_suffix"),
    ("JONES & CO.", "ORG", "business_entity", "name.legal_suffix"),
    ("BAKER AND COMPANY", "ORG", "business_entity", "name.legal_suffix"),
    ("INCORPORATED VILLAGE FUND", "ORG", "other_org", "name.no_legal_suffix"),  # suffix word not last
    ("CORPORATE ACCOUNTABILITY", "ORG", "other_org", "name.no_legal_suffix"),  # CORP inside a word
    ("IBEW LOCAL 595", "OTH", "labor_org", "name.labor"),
    ("OAKLAND AFL-CIO", "OTH", "labor_org", "name.labor"),
    ("FIRST CHURCH OF HARBOR CITY, INC.", "OTH", "review", "name.legal_suffix_ambiguous"),
    ("WIDGETS LLC", "", "business_entity", "name.legal_suffix"),
    ("SOMEBODY", "", "unknown", "none"),
])
def test_name_rules_whole_tokens(name, entity, donor_class, rule):
    result = money.classify(pd.DataFrame([{"donor_name": name, "donor_entity_type": entity}])).iloc[0]
    assert (result["donor_class"], result["rule"]) == (donor_class, rule)


def test_organization_lists_override_the_name_rules():
    lists = money.MoneyLists(known_corporate={"Youth Uprising"}, exceptions={"See Forward Fund, Inc."})
    frame = pd.DataFrame([{"donor_name": "Youth Uprising", "donor_entity_type": "OTH"},
                          {"donor_name": "SEE FORWARD FUND INC", "donor_entity_type": "OTH"}])
    result = money.classify(frame, lists=lists)
    assert result["rule"].tolist() == ["list.known_corporate", "list.exception"]
    assert result["donor_class"].tolist() == ["business_entity", "other_org"]


def test_missing_columns_are_empty_and_nothing_is_guessed():
    result = money.classify(pd.DataFrame({"amount_cents": [100]}))
    assert result.iloc[0][["donor_class", "rule"]].tolist() == ["unknown", "none"]


def test_receipt_kinds_on_real_lines(real):
    itpas2_kinds = money.receipt_kinds(real["itpas2"]).value_counts().to_dict()
    negative_24k = int(((real["itpas2"]["transaction_type"] == "24K") & (real["itpas2"]["amount_cents"] < 0)).sum())
    assert itpas2_kinds["independent_expenditure"] == 18  # 24E: never received by the candidate
    assert itpas2_kinds.get("refund", 0) == negative_24k  # "VOID" lines net the contribution they undo
    itcont_kinds = money.receipt_kinds(real["itcont"])
    assert (itcont_kinds[real["itcont"]["transaction_type"] == "22Y"] == "refund").all()
    assert money.receipt_kind("fec-itpas2", "24Z", 50_000) == "in_kind"
    assert money.receipt_kind("fec-itpas2", "24A", 50_000) == "independent_expenditure"
    assert money.receipt_kind("form460", "", -300_000) == "refund"


def test_cash_total_skips_memos_and_independent_expenditures(real):
    itcont = real["itcont"]
    expected = itcont.loc[~itcont["memo"] & (itcont["transaction_type"] != "22Y"), "amount_cents"].sum() \
        - itcont.loc[~itcont["memo"] & (itcont["transaction_type"] == "22Y"), "amount_cents"].sum()
    assert money.cash_total_cents(itcont) == expected
    itpas2 = real["itpas2"]
    received = itpas2.loc[(itpas2["transaction_type"] == "24K") & (itpas2["amount_cents"] > 0), "amount_cents"].sum()
    voided = -itpas2.loc[(itpas2["transaction_type"] == "24K") & (itpas2["amount_cents"] < 0), "amount_cents"].sum()
    assert money.cash_total_cents(itpas2) == received - voided


def test_real_ca_refund_matched_to_oldest_receipt(real):
    """Asian Pacific Environmental Network gave $3,000 on 2016-04-15 and 2016-04-27; -$3,000 on 05-10."""
    ca = real["form460"]
    apen = ca[ca["donor_name"] == "Asian Pacific Environmental Network"]
    kinds = money.receipt_kinds(apen)
    matched = money.match_refunds(apen[kinds == "receipt"], apen[kinds == "refund"])
    assert matched["refunded_cents"].tolist() == [300_000, 0]
    assert matched["net_cents"].tolist() == [0, 300_000]
    assert matched.iloc[0]["refunds"][0]["date"] == "2016-05-10"
    assert (matched.iloc[0]["last_refund_on"] - pd.Timestamp("2016-04-15")).days == 25


def test_refund_and_its_void_on_the_same_day_cancel(real):
    """Real itcont: LEMUNYON, GLENN 22Y $500 and 22Y -$500 on 01/18/2019."""
    itcont = real["itcont"]
    lines = itcont[itcont["donor_name"] == "LEMUNYON, GLENN"]
    receipt = lines.iloc[[0]].assign(transaction_type="15", amount_cents=50_000)
    matched = money.match_refunds(receipt, lines)
    assert matched["refunded_cents"].tolist() == [0]


def test_refunds_fill_oldest_receipts_first_and_never_other_donors():
    receipts = pd.DataFrame({"donor_name": ["A", "A", "B"], "recipient_committee_id": ["C1"] * 3,
                             "amount_cents": [100, 200, 500],
                             "received_on": [date(2024, 1, 1), date(2024, 1, 5), date(2024, 1, 1)]})
    refunds = pd.DataFrame({"donor_name": ["A"], "recipient_committee_id": ["C1"], "amount_cents": [-250],
                            "received_on": [date(2024, 2, 1)], "source_line": [17]})
    matched = money.match_refunds(receipts, refunds)
    assert matched["refunded_cents"].tolist() == [100, 150, 0]
    assert matched["net_cents"].tolist() == [0, 50, 500]


def test_amendments_on_real_bulk_lines_and_ca_amend_ids(real):
    doubled = pd.concat([real["itcont"], real["itcont"]], ignore_index=True)
    assert len(money.latest_amendments(doubled)) == len(real["itcont"])  # unique SUB_ID
    ca = pd.DataFrame({"recipient_committee_id": ["1364564"] * 3, "original_report": ["F1"] * 3,
                       "amendment_seq": [0, 1, 1], "tran_id": ["INC1", "INC1", "INC2"], "amount_cents": [100, 150, 70]})
    kept = money.latest_amendments(ca)
    assert kept["amount_cents"].tolist() == [150, 70]


def test_earmark_dedupe_on_a_real_15e_line(real):
    itcont = real["itcont"]
    recipient = itcont[(itcont["donor_name"] == "DUNHAM, STEPHEN") & (itcont["transaction_type"] == "15E")]
    conduit = recipient.assign(memo=True, transaction_type="15", recipient_committee_id="C00544445",
                               memo_text="EARMARKED FOR HOUSE FREEDOM FUND (C00552851)",
                               received_on=recipient["received_on"] - pd.Timedelta(days=3))
    conduit.index = conduit.index + 100_000
    kept = money.dedupe_earmarks(pd.concat([recipient, conduit]))
    assert list(kept.index) == list(recipient.index)
    far_apart = conduit.assign(received_on=recipient["received_on"].values - pd.Timedelta(days=20))
    assert len(money.dedupe_earmarks(pd.concat([recipient, far_apart]))) == 2


def test_class_report_counts_and_dollars_on_real_itcont(real):
    joined = real["itcont_classes"].join(real["itcont"][["amount_cents", "memo"]])
    report = money.class_report(joined)
    assert report["count"].sum() == len(real["itcont"]) == 1300
    assert report["amount_cents"].sum() == real["itcont"]["amount_cents"].sum()
    individual = report[(report["donor_class"] == "individual") & (report["rule"] == "entity.IND")].iloc[0]
    assert individual["count"] == 1227  # SOURCES.md: ENTITY_TP IND 1,227
    assert list(report.columns) == ["donor_class", "rule", "confidence", "count", "amount_cents", "cash_cents"]


def test_clause_parameters_are_validated():
    with pytest.raises(ValueError, match="comparator"):
        money.clause_params("no_fossil_fuel_money", {"comparator": "ge"})
    with pytest.raises(ValueError, match="unknown money clause"):
        money.clause_params("plank_support", None)


def test_an_executive_flag_says_why_in_words_with_the_employer_and_title_as_filed(real):
    """A real FEC line: an individual (entity IND) filed as SENIOR VICE PRESIDENT at NEW YORK LIFE
    INSURANCE COMPANY is flagged under no_corporate_money as an executive; the reason quotes both."""
    line = real["itcont"].loc[[36]]
    flagged = money.evaluate_clause("no_corporate_money", {}, line, real["itcont_classes"].loc[[36]], date(2019, 1, 1))
    assert flagged["status"].tolist() == ["warning"] and flagged["rule"].tolist() == ["entity.IND"]
    reason = money.flag_reason(flagged["evidence"].iloc[0])
    assert reason == ("The donor is a company executive, by the title filed: SENIOR VICE PRESIDENT at NEW YORK "
                      "LIFE INSURANCE COMPANY. Rule: the filing lists the donor with entity code IND.")
    assert "entity.IND" not in reason


@pytest.mark.parametrize("rule, words", [
    ("committee.org_tp.C", "the donor committee's registration gives organization type C"),
    ("name.legal_suffix", "the donor's name ends with a company suffix such as INC, LLC or CORP"),
    ("list.known_corporate", "the donor is on the organization's list of known corporations"),
    ("transaction.15C", "the filing lists the line as transaction type 15C"),
    ("made.up", "made.up"),
    (None, "no rule has classified this receipt yet"),
])
def test_every_rule_id_reads_as_words(rule, words):
    assert money.rule_words(rule) == words


def test_a_corporate_pac_flag_names_the_class_and_the_rule():
    reason = money.flag_reason({"reason": "corporate_pac", "rule": "committee.org_tp.C"})
    assert reason == ("The donor is a corporate PAC, a political action committee connected to a corporation. "
                      "Rule: the donor committee's registration gives organization type C.")
    # Evidence without a reason (an older flag): the contribution's own class and rule speak.
    assert money.flag_reason({}, {"donor_class": "business_entity", "rule": "name.legal_suffix"}).startswith(
        "The donor is a business. Rule: the donor's name ends")


def test_an_individual_under_review_is_quoted_as_filed():
    reason = money.flag_reason({"reason": "classification_review", "rule": "conflict.ind_legal_suffix",
                                "classification": {"donor_class": "review"},
                                "filed": {"employer": "SELF", "occupation": "OWNER"}})
    assert reason == ("This receipt has a donor whose class is not settled yet; a person must check it before it "
                      "can count. Filed as OWNER at SELF. Rule: the filing lists the donor as an individual, but "
                      "the name ends like a company's, so a person must check.")
