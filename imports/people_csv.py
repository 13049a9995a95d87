"""Generic people CSV (format ``csv``, kind people): one row per person per term.

Columns: ``name, scheme, id, body, office, district, party, start, end``. ``scheme``/``id`` give one
external id (``bioguide``/``A000370``); a person with several terms has several rows with the same
id. ``start``/``end`` are YYYY-MM-DD (``end`` blank = still serving); a row without ``body`` only
records the person and id.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pandas as pd

from imports.names import name_key
from imports.base import Batch, Parser, RowError, register
from imports.csv_common import header_of, read_chunks, row_errors

REQUIRED = ("name", "scheme", "id", "body", "office", "district", "party", "start", "end")


@register
class PeopleCsvParser(Parser):
    name = "csv"
    kind = "people"
    label = "Generic people CSV (name, scheme, id, body, office, district, party, start, end)"
    extensions = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return set(REQUIRED) <= set(header_of(head))

    def parse(self, path: Path, **options) -> Iterator[Batch]:
        """Yield people, identifiers and terms; rows with no name, a bad date, or an id
        without a scheme become RowErrors."""
        for chunk, progress, malformed in read_chunks(path, REQUIRED):
            batch = self._batch(chunk, progress)
            batch.errors[:0] = malformed
            batch.read += len(malformed)
            yield batch

    def _batch(self, chunk: pd.DataFrame, progress: float) -> Batch:
        read = len(chunk)
        raw_columns = [c for c in chunk.columns if c != "line"]
        errors: list[RowError] = []
        for column in raw_columns:
            chunk[column] = chunk[column].astype(str).str.strip()
        blank = chunk["name"] == ""
        errors += row_errors(chunk, blank, "name", "name is empty", raw_columns)
        chunk = chunk.loc[~blank]
        half = (chunk["scheme"] == "") != (chunk["id"] == "")
        errors += row_errors(chunk, half, "id", "scheme and id go together (e.g. bioguide, A000370)", raw_columns)
        chunk = chunk.loc[~half].copy()
        for column in ("start", "end"):
            parsed = pd.to_datetime(chunk[column], format="%Y-%m-%d", errors="coerce")
            bad = parsed.isna() & (chunk[column] != "")
            bad |= (column == "start") & (chunk["body"] != "") & (chunk[column] == "")
            errors += row_errors(chunk, bad, column, f"{column} must be YYYY-MM-DD"
                                 + (" (required with a body)" if column == "start" else ""))
            chunk, parsed = chunk.loc[~bad].copy(), parsed.loc[~bad]
            chunk[column + "_ts"] = parsed
            chunk[column + "_on"] = pd.Series(parsed.dt.date.astype(object), index=parsed.index).where(parsed.notna(), None)
        backwards = chunk["end_ts"].notna() & chunk["start_ts"].notna() & (chunk["end_ts"] < chunk["start_ts"])
        errors += row_errors(chunk, backwards, "end", "end is before start", raw_columns)
        chunk = chunk.loc[~backwards].copy()

        chunk["scheme"] = chunk["scheme"].str.lower()
        normalized = chunk["name"].map(name_key)
        chunk["person_key"] = ("name:" + normalized).where(chunk["id"] == "", chunk["scheme"] + ":" + chunk["id"])
        words = chunk["name"].str.split()
        people = pd.DataFrame({"person_key": chunk["person_key"], "name": chunk["name"],
                               "sort_name": words.str[-1] + ", " + words.str[:-1].str.join(" "),
                               "given_name": words.str[0], "family_name": words.str[-1],
                               "party": chunk["party"].replace("", None), "line": chunk["line"]}
                              ).drop_duplicates("person_key")
        people["sort_name"] = people["sort_name"].str.strip(", ")
        with_id = chunk.loc[chunk["id"] != ""]
        identifiers = pd.DataFrame({"person_key": with_id["person_key"], "scheme": with_id["scheme"],
                                    "value": with_id["id"], "line": with_id["line"]}).drop_duplicates(["scheme", "value"])
        with_term = chunk.loc[chunk["body"] != ""]
        terms = pd.DataFrame({"person_key": with_term["person_key"], "body": with_term["body"],
                              "office": with_term["office"].replace("", "Member"),
                              "district": with_term["district"].replace("", None),
                              "party": with_term["party"].replace("", None),
                              "start_on": with_term["start_on"], "end_on": with_term["end_on"],
                              "line": with_term["line"]})
        return Batch(tables={"people": people.reset_index(drop=True), "identifiers": identifiers.reset_index(drop=True),
                             "terms": terms.reset_index(drop=True)},
                     errors=errors, read=read, progress=progress)
