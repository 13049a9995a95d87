"""Read the real FEC bulk and NetFile Form 460 samples into money.classify's column shape.

A few lines of pipe/CSV parsing of our own (the production parsers belong to the money-load
branch); used by test_money_rules, test_money_acceptance and test_flags_service."""
from pathlib import Path

import pandas as pd


def _header(path: Path) -> list[str]:
    return path.read_text().strip().split(",")


def fec_table(realdata: Path, name: str, header: str) -> pd.DataFrame:
    """A pipe-delimited FEC bulk file as text columns, with the FEC header and a 1-based `line`."""
    folder = realdata / "fec-bulk"
    frame = pd.read_csv(folder / name, sep="|", header=None, names=_header(folder / header), dtype=str,
                        keep_default_na=False, encoding="latin-1")
    frame["line"] = range(1, len(frame) + 1)
    return frame


def committees(realdata: Path) -> pd.DataFrame:
    """cm.txt as classify's `committees` frame."""
    cm = fec_table(realdata, "cm.txt", "cm_header_file.csv")
    return pd.DataFrame({"committee_id": cm.CMTE_ID, "name": cm.CMTE_NM, "committee_type": cm.CMTE_TP,
                         "designation": cm.CMTE_DSGN, "org_type": cm.ORG_TP, "connected_org": cm.CONNECTED_ORG_NM})


def _common(raw: pd.DataFrame, source: str, source_file: str) -> dict:
    return {"source": source, "source_file": source_file, "source_line": raw.line,
            "transaction_type": raw.TRANSACTION_TP, "amendment_indicator": raw.AMNDT_IND,
            "report_type": raw.RPT_TP, "image_num": raw.IMAGE_NUM, "tran_id": raw.TRAN_ID, "filing_id": raw.FILE_NUM,
            "sub_id": raw.SUB_ID, "memo": raw.MEMO_CD == "X", "memo_text": raw.MEMO_TEXT,
            "amount_cents": raw.TRANSACTION_AMT.astype(int) * 100,
            "received_on": pd.to_datetime(raw.TRANSACTION_DT, format="%m%d%Y", errors="coerce").dt.date}


def itcont(realdata: Path) -> pd.DataFrame:
    """itcont.txt: CMTE_ID is the recipient; for ORG/committee donors OTHER_ID is the donor committee."""
    raw = fec_table(realdata, "itcont.txt", "indiv_header_file.csv")
    return pd.DataFrame({**_common(raw, "fec-itcont", "itcont.txt"), "recipient_committee_id": raw.CMTE_ID,
                         "donor_name": raw.NAME, "donor_entity_type": raw.ENTITY_TP, "donor_committee_id": raw.OTHER_ID,
                         "employer": raw.EMPLOYER, "occupation": raw.OCCUPATION, "zip_code": raw.ZIP_CODE})


def itpas2(realdata: Path, committee_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """itpas2.txt: the filer CMTE_ID gives to OTHER_ID / CAND_ID; NAME is the recipient."""
    raw = fec_table(realdata, "itpas2.txt", "pas2_header_file.csv")
    names = (committee_frame if committee_frame is not None else committees(realdata)).set_index("committee_id")["name"]
    return pd.DataFrame({**_common(raw, "fec-itpas2", "itpas2.txt"), "recipient_committee_id": raw.OTHER_ID,
                         "candidate_id": raw.CAND_ID, "donor_name": raw.CMTE_ID.map(names).fillna(raw.CMTE_ID),
                         "donor_entity_type": "PAC", "donor_committee_id": raw.CMTE_ID, "recipient_name": raw.NAME})


def form460(realdata: Path, name: str = "oakland_2016_measure_jj_A-Contributions.csv") -> pd.DataFrame:
    """A NetFile Schedule A/C CSV; `source_line` counts the header as line 1."""
    raw = pd.read_csv(realdata / "ca-netfile-form460" / name, dtype=str, keep_default_na=False)
    full_name = (raw.Tran_NamL + ", " + raw.Tran_NamF).str.rstrip(", ").where(raw.Tran_NamF != "", raw.Tran_NamL)
    return pd.DataFrame({"source": "form460", "source_file": name, "source_line": range(2, len(raw) + 2),
                         "filing_id": raw.Report_Num, "tran_id": raw.Tran_ID,
                         "recipient_committee_id": raw.Filer_ID, "donor_name": full_name,
                         "donor_entity_type": raw.Entity_Cd, "donor_committee_id": raw.Cmte_ID,
                         "employer": raw.Tran_Emp, "occupation": raw.Tran_Occ, "zip_code": raw.Tran_Zip4,
                         "amount_cents": (raw.Tran_Amt1.astype(float) * 100).round().astype(int),
                         "received_on": pd.to_datetime(raw.Tran_Date).dt.date, "memo": raw.Memo_Code != "",
                         "transaction_type": ""})
