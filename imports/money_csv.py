"""The generic contributions CSV (documented in the README, "Importing money").

Required columns: recipient_committee_id, donor_name, amount, date, transaction_id.
Optional: donor_type (IND, ORG, COM, PAC, PTY, CAN, OTH; as FEC/Form 460 entity codes),
donor_committee_id, employer, occupation, city, state, zip_code, memo (true/false, yes/no, X),
memo_text, candidate_id, in_kind (true/false), amendment (a number: a higher one replaces a lower
one with the same recipient_committee_id + transaction_id), report (the report a line was filed
on: a line that a higher amendment of the same report no longer lists stops counting). Amounts in
dollars ("1,200.50" allowed), dates ISO YYYY-MM-DD (or MM/DD/YYYY). Identity:
`csv:{recipient}:{transaction_id}`.
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

REQUIRED = ["recipient_committee_id", "donor_name", "amount", "date", "transaction_id"]
TRUE = {"TRUE", "T", "YES", "Y", "X", "1"}


@register
class MoneyCsv(Parser):
    """The documented generic contributions CSV."""

    name = "csv"
    kind = "contributions"
    label = "Generic contributions CSV (see README)"
    extensions = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return set(REQUIRED) <= {c.lower() for c in csv_header(head)}

    def parse(self, path: Path, **options) -> Iterator[Batch]:
        """Yield Batches of {"contributions": DataFrame}; bad rows (missing id/name, bad amount or
        date) are RowErrors naming line and column."""
        path = Path(path)
        seen = False
        for frame, lines, raws, progress in read_csv_chunks(path):
            frame.columns = [c.lower() for c in frame.columns]
            missing = [c for c in REQUIRED if c not in frame.columns]
            if missing:
                raise FormatError(path, f"missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}", line=1)
            seen = True
            yield Batch(tables={"contributions": _normalize(frame, lines, raws, path.name)[0]},
                        errors=_normalize.errors, read=len(frame), progress=progress)
        if not seen:
            raise FormatError(path, "the file has a header and no rows: there is nothing to import")


def _text(frame, name):
    return frame[name].astype("string").str.strip().fillna("") if name in frame else pd.Series("", index=frame.index, dtype="string")


def _normalize(frame, lines, raws, source_file):
    errors: list[RowError] = []
    cents, amount_errors, amount_ok = parse_amount_cents(_text(frame, "amount"), lines, "amount", raws)
    date_text = _text(frame, "date")
    fmt = "%m/%d/%Y" if date_text.str.contains("/").any() else None
    dates, date_errors, date_ok = parse_dates(date_text, fmt, lines, "date", raws, required=True)
    for column in ("recipient_committee_id", "transaction_id", "donor_name"):
        present = (_text(frame, column) != "").to_numpy()
        errors += [RowError(int(lines[i]), column, f"{column} is missing", raws[i]) for i in np.flatnonzero(~present)]
        amount_ok = amount_ok & present
    errors += amount_errors + date_errors
    errors.sort(key=lambda e: e.line or 0)
    ok = amount_ok & date_ok
    recipient, tran = _text(frame, "recipient_committee_id"), _text(frame, "transaction_id")
    out = pd.DataFrame(index=frame.index)
    out["source"] = "csv"
    out["source_file"] = source_file
    out["source_line"] = lines
    out["tran_id"] = blank_to_none(tran)
    out["source_key"] = "csv:" + recipient + ":" + tran
    out["filing_id"] = blank_to_none(_text(frame, "amendment"))
    out["version_rank"] = whole_numbers(_text(frame, "amendment"))
    report = _text(frame, "report")
    out["report_id"] = blank_to_none(("csv:" + recipient + ":" + report).where(report != "", ""))
    out["recipient_committee_id"] = recipient
    out["candidate_id"] = blank_to_none(_text(frame, "candidate_id"))
    out["donor_name"] = _text(frame, "donor_name")
    out["donor_entity_type"] = blank_to_none(_text(frame, "donor_type").str.upper())
    out["donor_committee_id"] = blank_to_none(_text(frame, "donor_committee_id"))
    for column in ("employer", "occupation", "city", "state", "zip_code", "memo_text"):
        out[column] = blank_to_none(_text(frame, column))
    out["amount_cents"] = cents
    out["received_on"] = dates
    out["memo"] = _text(frame, "memo").str.upper().isin(TRUE).to_numpy()
    in_kind = _text(frame, "in_kind").str.upper().isin(TRUE)
    out["receipt_kind"] = receipt_kind_for(pd.Series("", index=frame.index), cents, in_kind)
    out["raw_sha256"] = sha256_lines([r.encode("utf-8") for r in raws])
    _normalize.errors = errors
    return finish_frame(out[ok]), errors
