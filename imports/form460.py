"""California Form 460 contributions: NetFile exports (Excel workbook, or the same columns as CSV),
Form 497 late-contribution reports and CAL-ACCESS RCPT_CD rows.

- NetFile: one sheet per schedule; `A-Contributions` (monetary) and `C-Contributions`
  (non-monetary, receipt_kind in_kind) are read. Columns: Filer_ID, Report_Num, Rpt_Date,
  Form_Type, Tran_ID, Entity_Cd (IND, COM, OTH, PTY, SCC), Tran_NamL/F, Tran_Emp, Tran_Occ,
  Tran_Date, Tran_Amt1 (this transaction), Cmte_ID (the donor committee's SOS id), Memo_Code.
  CSV copies made from a database may read `00:00:00` in Form_Type; the schedule is then taken
  from the file name (`A-Contributions` / `C-Contributions`).
- A negative Schedule A amount is a returned contribution (receipt_kind refund).
- Identity across amendments: `ca:{Filer_ID}:{Tran_ID}`; the newest report (Rpt_Date, then
  Report_Num = amendment number) wins. CAL-ACCESS: `ca:{FILING_ID}:{TRAN_ID}`, highest AMEND_ID.
- CAL-ACCESS RCPT_CD (the state's dump: tab-separated, unquoted, read a chunk at a time) does not
  name the filer: the recipient is a FILER_ID column when the file has one (joined from
  FILER_FILINGS_CD), else the FILING_ID, and the import notes it. Dates are read as the dump
  writes them (`3/1/2024 12:00:00 AM`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.csv_money import csv_header, read_csv_chunks
from imports.money_common import (whole_numbers, blank_to_none, finish_frame, parse_amount_cents, parse_dates,
                                  receipt_kind_for, sha256_lines)

NETFILE_REQUIRED = {"Filer_ID", "Tran_ID", "Entity_Cd", "Tran_NamL", "Tran_Amt1", "Tran_Date"}
F497_REQUIRED = {"Filer_ID", "Tran_ID", "Entity_Cd", "Enty_NamL", "Amount", "Ctrib_Date"}
CALACCESS_REQUIRED = {"FILING_ID", "AMEND_ID", "TRAN_ID", "ENTITY_CD", "CTRIB_NAML", "AMOUNT", "RCPT_DATE"}
SHEETS = {"A-Contributions": "A", "C-Contributions": "C"}
# A CAL-ACCESS line's report id: CALACCESS_REPORT + FILING_ID + ":" + schedule. The loader reads the
# filing back from it to give a line its filer (RCPT_CD names only the filing).
CALACCESS_REPORT = "cal:"
MEMO_YES = {"X", "Y", "T", "TRUE", "YES"}


def _layout(columns) -> str | None:
    names = set(columns)
    upper = {c.upper() for c in columns}
    if NETFILE_REQUIRED <= names:
        return "netfile"
    if F497_REQUIRED <= names:
        return "f497"
    if CALACCESS_REQUIRED <= upper:
        return "calaccess"
    return None


@register
class Form460(Parser):
    """California Form 460 Schedule A/C (NetFile Excel or CSV, CAL-ACCESS) and Form 497 rows."""

    name = "form460"
    kind = "contributions"
    label = "California Form 460 / 497 contributions (NetFile, CAL-ACCESS)"
    extensions = (".xlsx", ".csv", ".tsv")

    def sniff(self, head: bytes, path: Path) -> bool:
        if head.startswith(b"PK\x03\x04") and path.suffix.lower() in (".xlsx", ".xlsm"):
            return True
        header = csv_header(head)
        if not header and b"\t" in head.split(b"\n", 1)[0]:
            header = head.split(b"\n", 1)[0].decode("latin-1").strip().split("\t")
        return _layout(header) is not None

    def parse(self, path: Path, **options) -> Iterator[Batch]:
        """Yield Batches of {"contributions": DataFrame}; a file with a header and no rows is a
        FormatError saying so (a NetFile 497 export often has no rows)."""
        path = Path(path)
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            yield from self._parse_workbook(path)
            return
        with open(path, "rb") as handle:
            first_line = handle.readline()
        # The CAL-ACCESS dump is tab-separated (whatever the file is called); read in chunks too.
        chunks = read_csv_chunks(path, tabs=first_line.count(b"\t") > first_line.count(b","))
        total = 0
        layout = None
        for frame, lines, raws, progress in chunks:
            layout = _layout(frame.columns)
            if layout is None:
                raise FormatError(path, "not a Form 460/497 layout: expected NetFile columns (Filer_ID, Tran_ID, Entity_Cd, "
                                        "Tran_NamL, Tran_Amt1, Tran_Date) or CAL-ACCESS RCPT_CD columns", line=1)
            total += len(frame)
            schedule = "C" if "c-contributions" in path.name.lower() else None
            out, errors = _normalize(frame, lines, raws, path.name, layout, schedule)
            notes = []
            if layout == "calaccess" and "FILER_ID" not in {str(c).upper() for c in frame.columns} and total == len(frame):
                notes.append("CAL-ACCESS RCPT_CD names no filer: a line's recipient is its filing until "
                             "FILER_FILINGS_CD links the filing to its committee (`flask import committees "
                             "FILER_FILINGS_CD.TSV`, before or after this file)")
            yield Batch(tables={"contributions": out}, errors=errors, read=len(frame), progress=progress, notes=notes)
        if total == 0:
            what = "a Form 497 late-contribution report" if layout == "f497" else "a contribution file"
            raise FormatError(path, f"this is {what} with a header and no rows: there is nothing to import")

    def _parse_workbook(self, path: Path) -> Iterator[Batch]:
        try:
            sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as error:  # openpyxl raises several types for a damaged workbook
            raise FormatError(path, f"cannot be read as an Excel workbook: {error}")
        wanted = [name for name in SHEETS if name in sheets]
        if not wanted:
            raise FormatError(path, "no A-Contributions or C-Contributions sheet in this workbook "
                                    f"(sheets: {', '.join(sheets)})")
        rows = sum(len(sheets[name]) for name in wanted)
        if rows == 0:
            raise FormatError(path, "the A-Contributions and C-Contributions sheets have a header and no rows: nothing to import")
        for done, name in enumerate(wanted, 1):
            # dtype=str still leaves a float NaN in a cell pandas fills in (a row shorter than the
            # header, a blank header cell): every cell is text from here on.
            frame = sheets[name].fillna("").astype(str)
            frame.columns = [str(c).strip() for c in frame.columns]
            if _layout(frame.columns) != "netfile":
                raise FormatError(path, f"sheet {name!r} does not have the NetFile contribution columns", line=1)
            lines = np.arange(2, len(frame) + 2, dtype=np.int64)  # spreadsheet row numbers
            raws = frame.agg(",".join, axis=1).tolist() if len(frame) else []
            out, errors = _normalize(frame, lines, raws, f"{path.name} [{name}]", "netfile", SHEETS[name])
            yield Batch(tables={"contributions": out}, errors=errors, read=len(frame), progress=done / len(wanted))


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name].astype("string").str.strip().fillna("")
    return pd.Series("", index=frame.index, dtype="string")


def _report_ids(frame: pd.DataFrame, filer: pd.Series, schedule: pd.Series, layout: str) -> pd.Series:
    """The report (and schedule) each line was filed on, the same in all its amendments:
    CAL-ACCESS keeps the FILING_ID (AMEND_ID counts the versions); a NetFile Form 460 report is its
    filer and period (From_Date-Thru_Date; Report_Num counts the versions). The schedule is part of
    it because NetFile exports each schedule on its own: the A sheet of an amendment says nothing
    about the C lines. Form 497 late reports cover no period: none (their lines are still replaced
    one by one through their Tran_ID)."""
    if layout == "f497":
        return pd.Series(None, index=frame.index, dtype=object)
    schedule = schedule.astype("string").fillna("").str.upper()
    if layout == "calaccess":
        report = (CALACCESS_REPORT + filer + ":" + schedule).where(filer != "", "")
    else:
        start, end = _col(frame, "From_Date").str.slice(0, 10), _col(frame, "Thru_Date").str.slice(0, 10)
        report = ("460:" + filer + ":" + start + ":" + end + ":" + schedule).where(
            (filer != "") & (start != "") & (end != ""), "")
    return blank_to_none(report)


def _normalize(frame: pd.DataFrame, lines, raws, source_file: str, layout: str, schedule: str | None):
    if layout == "calaccess":
        frame = frame.rename(columns={c: c.upper() for c in frame.columns})
        names = dict(filer="FILING_ID", report="AMEND_ID", rpt_date=None, tran="TRAN_ID", entity="ENTITY_CD",
                     last="CTRIB_NAML", first="CTRIB_NAMF", emp="CTRIB_EMP", occ="CTRIB_OCC", city="CTRIB_CITY",
                     state="CTRIB_ST", zip="CTRIB_ZIP4", date="RCPT_DATE", amount="AMOUNT", cmte="CMTE_ID",
                     memo="MEMO_CODE", form="FORM_TYPE", dscr="TRAN_DSCR")
    elif layout == "f497":
        names = dict(filer="Filer_ID", report="Report_Num", rpt_date="Rpt_Date", tran="Tran_ID", entity="Entity_Cd",
                     last="Enty_NamL", first="Enty_NamF", emp="Ctrib_Emp", occ="Ctrib_Occ", city="Enty_City",
                     state="Enty_ST", zip="Enty_Zip4", date="Ctrib_Date", amount="Amount", cmte="Cmte_ID",
                     memo="Memo_Code", form="Form_Type", dscr=None)
    else:
        names = dict(filer="Filer_ID", report="Report_Num", rpt_date="Rpt_Date", tran="Tran_ID", entity="Entity_Cd",
                     last="Tran_NamL", first="Tran_NamF", emp="Tran_Emp", occ="Tran_Occ", city="Tran_City",
                     state="Tran_State", zip="Tran_Zip4", date="Tran_Date", amount="Tran_Amt1", cmte="Cmte_ID",
                     memo="Memo_Code", form="Form_Type", dscr="Tran_Dscr")
    get = {key: (_col(frame, column) if column else pd.Series("", index=frame.index, dtype="string"))
           for key, column in names.items()}
    lines = np.asarray(lines)
    errors: list[RowError] = []
    cents, amount_errors, amount_ok = parse_amount_cents(get["amount"], lines, names["amount"], raws)
    date_text = get["date"]
    if layout == "calaccess":
        date_text = date_text.str.split(" ", n=1).str[0]  # the dump writes "3/1/2024 12:00:00 AM"
    date_format = "%m/%d/%Y" if layout == "calaccess" and date_text.str.contains("/").any() else None
    dates, date_errors, date_ok = parse_dates(date_text, date_format, lines, names["date"], raws)
    tran_ok = (get["tran"] != "").to_numpy()
    errors += [RowError(int(lines[i]), names["tran"], "transaction id is missing: the row cannot be identified", raws[i])
               for i in np.flatnonzero(~tran_ok)]
    name_ok = (get["last"] != "").to_numpy()
    errors += [RowError(int(lines[i]), names["last"], "contributor name is missing", raws[i]) for i in np.flatnonzero(~name_ok)]
    errors += amount_errors + date_errors
    errors.sort(key=lambda e: e.line or 0)
    ok = amount_ok & date_ok & tran_ok & name_ok

    out = pd.DataFrame(index=frame.index)
    out["source"] = "form460"
    out["source_file"] = source_file
    out["source_line"] = lines
    out["tran_id"] = blank_to_none(get["tran"])
    out["source_key"] = "ca:" + get["filer"] + ":" + get["tran"]
    report_num = whole_numbers(get["report"])
    report_day = whole_numbers(get["rpt_date"].str.slice(0, 10).str.replace("-", ""))
    out["version_rank"] = report_day * 1000 + report_num
    out["filing_id"] = get["filer"] + "/" + get["rpt_date"].str.slice(0, 10) + "/" + get["report"]
    # NetFile's CSV export shifts a time ("00:00:00") into Form_Type on some rows: not a schedule.
    form = get["form"].mask(get["form"].str.contains(":"), "")
    out["report_id"] = _report_ids(frame, get["filer"], form.where(form != "", schedule or "A"), layout)
    out["transaction_type"] = blank_to_none(form)
    # RCPT_CD names the filing, not the filer (FILER_FILINGS_CD links them): a FILER_ID column,
    # when an export joined it in, is the recipient; else the filing stands in for it.
    filer_id = _col(frame, "FILER_ID") if layout == "calaccess" else get["filer"]
    out["recipient_committee_id"] = filer_id.where(filer_id != "", get["filer"])
    out["donor_committee_id"] = blank_to_none(get["cmte"])
    first = get["first"]
    out["donor_name"] = get["last"].where(first == "", get["last"] + ", " + first)
    out["donor_entity_type"] = blank_to_none(get["entity"].str.upper())
    out["employer"] = blank_to_none(get["emp"])
    out["occupation"] = blank_to_none(get["occ"])
    out["city"] = blank_to_none(get["city"])
    out["state"] = blank_to_none(get["state"])
    out["zip_code"] = blank_to_none(get["zip"])
    out["amount_cents"] = cents
    out["received_on"] = dates
    out["memo"] = get["memo"].str.upper().isin(MEMO_YES).to_numpy()
    out["memo_text"] = blank_to_none(get["dscr"]) if names.get("dscr") else None
    in_kind = pd.Series(schedule == "C", index=frame.index) | (get["form"].str.upper() == "C")
    out["receipt_kind"] = receipt_kind_for(pd.Series("", index=frame.index), cents, in_kind)
    out["raw_sha256"] = sha256_lines([r.encode("utf-8") for r in raws])
    return finish_frame(out[ok]), errors
