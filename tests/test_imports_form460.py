"""Form 460 (NetFile Excel and CSV), the generic CSV and the FEC Schedule A CSV parsers."""
from collections import Counter
from datetime import date

import pandas as pd
import pytest

from imports import FormatError, detect, get_parser

CA = "ca-netfile-form460"


def rows(parser, path):
    batches = list(get_parser(parser, "contributions").parse(path))
    return pd.concat([b.tables["contributions"] for b in batches], ignore_index=True), batches


@pytest.mark.parametrize("name", ["efile_BRK_2018.xlsx", "oakland_2016_measure_jj_A-Contributions.csv",
                                  "oakland_2016_measure_jj_C-Contributions.csv", "oakland_2016_measure_jj_497.csv"])
def test_form460_files_are_detected(realdata, name):
    assert detect(realdata / CA / name, "contributions").name == "form460"


def test_netfile_excel_schedules_a_and_c(realdata):
    frame, batches = rows("form460", realdata / CA / "efile_BRK_2018.xlsx")
    a = frame[frame["source_file"].str.endswith("[A-Contributions]")]
    c = frame[frame["source_file"].str.endswith("[C-Contributions]")]
    assert len(a) == 24 and len(c) == 40 and not any(b.errors for b in batches)
    assert Counter(a["donor_entity_type"]) == {"IND": 23, "OTH": 1}
    assert set(a["receipt_kind"]) == {"receipt"} and set(c["receipt_kind"]) == {"in_kind"}
    first = a.iloc[0]
    assert first["source_key"] == "ca:1346274:EHytSg8pnv8J" and first["donor_name"] == "Fichtenkort, Jean"
    assert first["amount_cents"] == 5000 and first["received_on"] == date(2018, 1, 23) and first["source_line"] == 2
    hosting = c.iloc[0]
    assert hosting["amount_cents"] == 2495 and hosting["memo_text"] == "Domain hosting"


def test_oakland_csv_schedule_a_with_its_artifacts(realdata):
    frame, _ = rows("form460", realdata / CA / "oakland_2016_measure_jj_A-Contributions.csv")
    assert len(frame) == 129
    assert Counter(frame["donor_entity_type"]) == {"IND": 98, "OTH": 19, "COM": 11, "SCC": 1}
    assert frame["transaction_type"].isna().all()  # Form_Type reads 00:00:00 in this copy: not a code
    assert set(frame["receipt_kind"]) == {"receipt", "refund"}
    returned = frame[frame["amount_cents"] < 0].iloc[0]
    assert returned["donor_name"] == "Asian Pacific Environmental Network" and returned["amount_cents"] == -300_000
    assert returned["receipt_kind"] == "refund"
    treuhaft = frame.iloc[0]
    assert treuhaft[["donor_name", "employer", "occupation", "amount_cents"]].tolist() == [
        "Treuhaft, Sarah", "Policylink", "Senior Director", 120_000]
    assert treuhaft["filing_id"] == "1385949/2016-10-26/000"


def test_oakland_csv_schedule_c_is_in_kind(realdata):
    frame, _ = rows("form460", realdata / CA / "oakland_2016_measure_jj_C-Contributions.csv")
    assert len(frame) == 41 and set(frame["receipt_kind"]) == {"in_kind"}
    assert frame.iloc[0]["amount_cents"] == 536_300
    seiu = frame[frame["donor_name"].str.startswith("Service Employees")]
    assert sorted(seiu["amount_cents"]) == [145_024, 290_048, 435_074]


def test_header_only_497_says_so(realdata):
    with pytest.raises(FormatError, match="Form 497 late-contribution report with a header and no rows"):
        list(get_parser("form460", "contributions").parse(realdata / CA / "oakland_2016_measure_jj_497.csv"))


GENERIC = """recipient_committee_id,donor_name,donor_type,employer,occupation,amount,date,transaction_id
C00000001,"SMITH, JANE",IND,ACME,ENGINEER,"1,200.50",2024-02-01,T1
C00000001,ACME BUILDERS INC,ORG,,,-250,2024-02-20,T2
C00000001,,IND,,,10,2024-02-21,T3
C00000001,"DOE, JOHN",IND,,,ten,2024-02-22,T4
"""


def test_generic_csv(tmp_path):
    path = tmp_path / "money.csv"
    path.write_text(GENERIC)
    assert detect(path, "contributions").name == "csv"
    frame, batches = rows("csv", path)
    assert frame["amount_cents"].tolist() == [120_050, -25_000]
    assert frame["receipt_kind"].tolist() == ["receipt", "refund"]
    assert frame["source_key"].tolist() == ["csv:C00000001:T1", "csv:C00000001:T2"]
    errors = [(e.line, e.field) for b in batches for e in b.errors]
    assert errors == [(4, "donor_name"), (5, "amount")]


SCHEDULE_A = """committee_id,committee_name,report_year,image_number,line_number,transaction_id,file_number,entity_type,contributor_name,contributor_id,contributor_city,contributor_state,contributor_zip,contributor_employer,contributor_occupation,receipt_type,memo_code,memo_text,contribution_receipt_date,contribution_receipt_amount,candidate_id,amendment_indicator,sub_id
C00401224,ACTBLUE,2024,202401319000000001,SA11AI,SA11AI.1,1700001,IND,"DOE, JANE",,OAKLAND,CA,94612,SELF,WRITER,15E,X,EARMARKED FOR X,2024-01-15,50.00,,N,4012020241000001
C00401224,ACTBLUE,2024,202401319000000001,SA11AI,SA11AI.2,1700001,PAC,SOME PAC,C00123456,DC,DC,20001,,,11,,,2024-01-16T00:00:00,1000,,N,4012020241000002
"""


def test_fec_schedule_a_csv(tmp_path):
    path = tmp_path / "schedule_a.csv"
    path.write_text(SCHEDULE_A)
    assert detect(path, "contributions").name == "fec-schedule-a"
    frame, batches = rows("fec-schedule-a", path)
    assert not any(b.errors for b in batches)
    assert frame["source_key"].tolist() == ["fec:C00401224:SA11AI.1", "fec:C00401224:SA11AI.2"]
    assert frame["memo"].tolist() == [True, False] and frame["amount_cents"].tolist() == [5000, 100_000]
    assert frame["donor_committee_id"].tolist() == [None, "C00123456"]
    assert frame["received_on"].tolist() == [date(2024, 1, 15), date(2024, 1, 16)]


# CAL-ACCESS RCPT_CD as the state's dump writes it: tab-separated, upper-case header, dates with a
# time, no filer column. No real sample is in ../shared/realdata: these rows follow the dump's layout.
RCPT_CD_HEADER = ("FILING_ID\tAMEND_ID\tLINE_ITEM\tREC_TYPE\tFORM_TYPE\tTRAN_ID\tENTITY_CD\tCTRIB_NAML\tCTRIB_NAMF"
                  "\tCTRIB_NAMT\tCTRIB_NAMS\tCTRIB_CITY\tCTRIB_ST\tCTRIB_ZIP4\tCTRIB_EMP\tCTRIB_OCC\tCTRIB_SELF"
                  "\tTRAN_TYPE\tRCPT_DATE\tDATE_THRU\tAMOUNT\tCUM_YTD\tCUM_OTH\tCTRIB_DSCR\tCMTE_ID\tMEMO_CODE\tMEMO_REFNO\n")


def rcpt_cd_line(amend_id, tran_id, entity, last, first, amount, day, form="A"):
    return (f"2001234\t{amend_id}\t1\tRCPT\t{form}\t{tran_id}\t{entity}\t{last}\t{first}\t\t\tOAKLAND\tCA\t94612"
            f"\t\t\t\t\t{day} 12:00:00 AM\t\t{amount}\t{amount}\t\t\t\t\t\n")


def test_calaccess_rcpt_cd_dump_rows(tmp_path):
    path = tmp_path / "RCPT_CD.TSV"
    path.write_text(RCPT_CD_HEADER + rcpt_cd_line(0, "A1", "IND", "DOE", "JANE", "250.00", "3/1/2024")
                    + rcpt_cd_line(0, "C1", "OTH", "ACME BUILDERS, INC.", "", "75.50", "3/9/2024", form="C"),
                    encoding="latin-1")
    assert detect(path, "contributions").name == "form460"
    frame, batches = rows("form460", path)
    assert not any(b.errors for b in batches) and "names no filer" in batches[0].notes[0]
    assert frame["source_key"].tolist() == ["ca:2001234:A1", "ca:2001234:C1"]
    assert frame["donor_name"].tolist() == ["DOE, JANE", "ACME BUILDERS, INC."]
    assert frame["received_on"].tolist() == [date(2024, 3, 1), date(2024, 3, 9)]
    assert frame["amount_cents"].tolist() == [25_000, 7_550] and frame["receipt_kind"].tolist() == ["receipt", "in_kind"]
    assert frame["recipient_committee_id"].tolist() == ["2001234", "2001234"]
    assert frame["report_id"].tolist() == ["cal:2001234:A", "cal:2001234:C"]
    # A FILER_ID joined in from FILER_FILINGS_CD names the recipient.
    joined = tmp_path / "rcpt_with_filer.tsv"
    joined.write_text(RCPT_CD_HEADER.replace("\n", "\tFILER_ID\n")
                      + rcpt_cd_line(0, "A1", "IND", "DOE", "JANE", "250.00", "3/1/2024").replace("\n", "\t1364564\n"))
    frame, batches = rows("form460", joined)
    assert frame["recipient_committee_id"].tolist() == ["1364564"] and not batches[0].notes


def test_calaccess_dump_streams_in_chunks_with_stray_quotes(tmp_path, monkeypatch):
    """The state's dump is gigabytes: read a chunk at a time (line numbers run on across chunks);
    it is unquoted, so a quote inside a name is part of the name. Tab-separated whatever its name."""
    import imports.csv_money

    monkeypatch.setattr(imports.csv_money, "CSV_CHUNK_ROWS", 2)
    path = tmp_path / "rcpt_cd_2024.txt"
    path.write_text(RCPT_CD_HEADER + rcpt_cd_line(0, "A1", "IND", "DOE", "JANE", "250.00", "3/1/2024")
                    + rcpt_cd_line(0, "A2", "OTH", 'THE "BEST" BAKERY, LLC', "", "99.00", "3/2/2024")
                    + rcpt_cd_line(0, "A3", "IND", "ROE", "RICHARD", "oops", "3/3/2024"), encoding="latin-1")
    assert detect(path, "contributions").name == "form460"
    frame, batches = rows("form460", path)
    assert len(batches) == 2 and [b.read for b in batches] == [2, 1]
    assert frame["donor_name"].tolist() == ["DOE, JANE", 'THE "BEST" BAKERY, LLC']
    assert [(e.line, e.field) for b in batches for e in b.errors] == [(4, "AMOUNT")]
