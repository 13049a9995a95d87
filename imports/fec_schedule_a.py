"""The FEC website / openFEC API Schedule A export (CSV with `contribution_receipt_amount` ...).

No real sample of this export was found (see ../shared/realdata/SOURCES.md); the columns below are
the openFEC `schedules/schedule_a` field names. Required: committee_id, contributor_name,
contribution_receipt_amount, contribution_receipt_date, sub_id. Identity is the same as the bulk
files': `fec:{committee_id}:{transaction_id}` when transaction_id is given, else `fec-sub:{sub_id}`;
the newest file_number wins.
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

REQUIRED = ["committee_id", "contributor_name", "contribution_receipt_amount", "contribution_receipt_date", "sub_id"]


@register
class FecScheduleA(Parser):
    """FEC Schedule A (itemized receipts) CSV as downloaded from fec.gov or the openFEC API."""

    name = "fec-schedule-a"
    kind = "contributions"
    label = "FEC website/API Schedule A CSV export"
    extensions = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return set(REQUIRED) <= set(csv_header(head))

    def parse(self, path: Path, **options) -> Iterator[Batch]:
        """Yield Batches of {"contributions": DataFrame} from the export's rows."""
        path = Path(path)
        seen = False
        for frame, lines, raws, progress in read_csv_chunks(path):
            missing = [c for c in REQUIRED if c not in frame.columns]
            if missing:
                raise FormatError(path, f"missing column(s) {', '.join(missing)}", line=1)
            seen = True
            out, errors = _normalize(frame, lines, raws, path.name)
            yield Batch(tables={"contributions": out}, errors=errors, read=len(frame), progress=progress)
        if not seen:
            raise FormatError(path, "the file has a header and no rows: there is nothing to import")


def _text(frame, name):
    return frame[name].astype("string").str.strip().fillna("") if name in frame else pd.Series("", index=frame.index, dtype="string")


def _normalize(frame, lines, raws, source_file):
    cents, errors, amount_ok = parse_amount_cents(_text(frame, "contribution_receipt_amount"), lines,
                                                  "contribution_receipt_amount", raws)
    dates, date_errors, date_ok = parse_dates(_text(frame, "contribution_receipt_date"), None, lines,
                                              "contribution_receipt_date", raws)
    errors = errors + date_errors
    committee, tran, sub = _text(frame, "committee_id"), _text(frame, "transaction_id"), _text(frame, "sub_id")
    ident_ok = ((tran != "") | (sub != "")).to_numpy() & (committee != "").to_numpy()
    errors += [RowError(int(lines[i]), "sub_id", "committee_id and sub_id/transaction_id are needed to identify the row", raws[i])
               for i in np.flatnonzero(~ident_ok)]
    errors.sort(key=lambda e: e.line or 0)
    ok = amount_ok & date_ok & ident_ok
    out = pd.DataFrame(index=frame.index)
    out["source"] = "fec-schedule-a"
    out["source_file"] = source_file
    out["source_line"] = lines
    out["tran_id"] = blank_to_none(tran)
    out["sub_id"] = blank_to_none(sub)
    out["source_key"] = np.where((tran != "").to_numpy(), "fec:" + committee + ":" + tran, "fec-sub:" + sub)
    out["filing_id"] = blank_to_none(_text(frame, "file_number"))
    out["version_rank"] = whole_numbers(_text(frame, "file_number"))
    out["amendment_indicator"] = blank_to_none(_text(frame, "amendment_indicator"))
    receipt_type = _text(frame, "receipt_type")
    out["transaction_type"] = blank_to_none(receipt_type)
    out["image_num"] = blank_to_none(_text(frame, "image_number"))
    out["recipient_committee_id"] = committee
    out["candidate_id"] = blank_to_none(_text(frame, "candidate_id"))
    out["donor_name"] = _text(frame, "contributor_name")
    out["donor_entity_type"] = blank_to_none(_text(frame, "entity_type").str.upper())
    out["donor_committee_id"] = blank_to_none(_text(frame, "contributor_id").where(
        _text(frame, "contributor_id").str.match(r"^C\d{8}$"), ""))
    for column, source in (("employer", "contributor_employer"), ("occupation", "contributor_occupation"),
                           ("city", "contributor_city"), ("state", "contributor_state"),
                           ("zip_code", "contributor_zip"), ("memo_text", "memo_text")):
        out[column] = blank_to_none(_text(frame, source))
    out["amount_cents"] = cents
    out["received_on"] = dates
    out["memo"] = (_text(frame, "memo_code").str.upper() == "X").to_numpy()
    out["receipt_kind"] = receipt_kind_for(receipt_type, cents)
    out["raw_sha256"] = sha256_lines([r.encode("utf-8") for r in raws])
    return finish_frame(out[ok]), errors
