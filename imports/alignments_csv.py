"""Alignments CSV: which side of a roll call keeps a plank (kind "alignments").

Columns: ``roll_call_source_id, plank, pro_position, weight, rationale``. ``plank`` is a plank id
or its exact title (resolved by the loader against the adopted program); it may be left out when
the import names one plank for every row (``plank_id`` option). ``pro_position`` is yes or no
(any label that maps to them, e.g. Yea, Nay, Aye); ``weight`` a whole number of 1 or more
(blank = 1).
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

import pandas as pd

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.vote_options import canonical_position

REQUIRED = ("roll_call_source_id", "pro_position")


def read_csv_rows(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, dict, str]]]:
    """Header and (line number, row, raw text) of a UTF-8 CSV; FormatError when it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(path, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    lines = text.splitlines()
    if not text.strip():
        raise FormatError(path, "the file is empty")
    reader = csv.DictReader(lines)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        raise FormatError(path, f"not a well-formed CSV file: {error}", line=1) from None
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        raise FormatError(path, f"missing column(s) {', '.join(missing)}; found {', '.join(header)}", line=1)
    rows = []
    try:
        for row in reader:
            line = reader.line_num
            raw = lines[line - 1] if 0 < line <= len(lines) else None
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue  # blank line
            rows.append((line, {k: (v or "").strip() for k, v in row.items() if k is not None}, raw))
    except csv.Error as error:  # e.g. a field over the csv module's 128 KB limit
        # line_num counts the lines handed over before the one that failed
        raise FormatError(path, f"not a well-formed CSV file: {error}", line=reader.line_num + 1) from None
    return header, rows


@register
class AlignmentsCsv(Parser):
    name = "alignments_csv"
    kind = "alignments"
    label = "Alignments CSV (roll_call_source_id, plank, pro_position, weight, rationale)"
    extensions = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        first = head.decode("utf-8", "replace").lstrip("\ufeff").splitlines()[0:1]
        return bool(first) and "roll_call_source_id" in first[0] and "pro_position" in first[0]

    def parse(self, path: Path, plank_id=None, **options) -> Iterator[Batch]:
        """One batch: table ``alignments`` (line, roll_call_source_id, plank, pro_position, weight,
        rationale, raw); bad rows become RowErrors naming line and field."""
        header, rows = read_csv_rows(path, REQUIRED)
        if plank_id in (None, "") and "plank" not in header:
            raise FormatError(path, "missing column plank (or give one plank for every row)", line=1)
        records, errors = [], []
        for line, row, raw in rows:
            if not row.get("roll_call_source_id"):
                errors.append(RowError(line, "roll_call_source_id", "empty roll call source id", raw))
                continue
            if plank_id in (None, "") and not row.get("plank"):
                errors.append(RowError(line, "plank", "empty plank", raw))
                continue
            pro = canonical_position(row.get("pro_position"))
            if pro not in ("yes", "no"):
                errors.append(RowError(line, "pro_position", f"{row.get('pro_position')!r} is not yes or no", raw))
                continue
            weight_text = row.get("weight") or "1"
            try:
                weight = int(weight_text)
            except ValueError:
                errors.append(RowError(line, "weight", f"{weight_text!r} is not a whole number", raw))
                continue
            if weight < 1:
                errors.append(RowError(line, "weight", f"weight {weight} is below 1", raw))
                continue
            records.append({"line": line, "roll_call_source_id": row["roll_call_source_id"],
                            "plank": row.get("plank", ""), "pro_position": pro, "weight": weight,
                            "rationale": row.get("rationale", ""), "raw": raw})
        table = pd.DataFrame(records, columns=["line", "roll_call_source_id", "plank", "pro_position", "weight",
                                               "rationale", "raw"])
        yield Batch(tables={"alignments": table}, errors=errors, read=len(rows), progress=1.0)
