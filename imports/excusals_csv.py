"""Excusals CSV: absences the committee excused (kind "excusals").

Columns: ``roll_call_source_id, person_id, reason``; ``person_id`` is an external id written
``scheme:id`` (e.g. ``bioguide:A000370``), resolved by the loader.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pandas as pd

from imports.alignments_csv import read_csv_rows
from imports.base import Batch, Parser, RowError, register

REQUIRED = ("roll_call_source_id", "person_id", "reason")


@register
class ExcusalsCsv(Parser):
    name = "excusals_csv"
    kind = "excusals"
    label = "Excusals CSV (roll_call_source_id, person_id as scheme:id, reason)"
    extensions = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        first = head.decode("utf-8", "replace").lstrip("\ufeff").splitlines()[0:1]
        return bool(first) and "roll_call_source_id" in first[0] and "person_id" in first[0]

    def parse(self, path: Path, **options) -> Iterator[Batch]:
        """One batch: table ``excusals`` (line, roll_call_source_id, scheme, value, reason, raw)."""
        _, rows = read_csv_rows(path, REQUIRED)
        records, errors = [], []
        for line, row, raw in rows:
            if not row["roll_call_source_id"]:
                errors.append(RowError(line, "roll_call_source_id", "empty roll call source id", raw))
                continue
            scheme, sep, value = row["person_id"].partition(":")
            if not sep or not scheme.strip() or not value.strip():
                errors.append(RowError(line, "person_id", f"{row['person_id']!r} is not written scheme:id", raw))
                continue
            if not row["reason"]:
                errors.append(RowError(line, "reason", "an excusal needs a reason", raw))
                continue
            records.append({"line": line, "roll_call_source_id": row["roll_call_source_id"],
                            "scheme": scheme.strip().lower(), "value": value.strip(), "reason": row["reason"][:500],
                            "raw": raw})
        table = pd.DataFrame(records, columns=["line", "roll_call_source_id", "scheme", "value", "reason", "raw"])
        yield Batch(tables={"excusals": table}, errors=errors, read=len(rows), progress=1.0)
