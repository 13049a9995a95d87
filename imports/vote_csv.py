"""Generic roll-call CSV (format ``csv``): one row per voter per roll call.

Columns (header names, any order): ``body, date, motion_id, title, result, person, option``;
optional ``person_id`` as ``scheme:id`` (``bioguide:A000370``, ``legistar:123``), ``roll_call_id``
(a stable id for the vote; default ``<body>|<date>|<motion_id>``), ``voter_key``, ``question``,
``source_url``. Our own ``export votes`` CSV reads back through this parser (its column names are
accepted as aliases), so an export round-trips.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from imports.names import normalize_name
from imports.base import Batch, Parser, RowError, register
from imports.csv_common import header_of, read_chunks, row_errors
from imports.vote_options import canonical_position

REQUIRED = ("body", "date", "motion_id", "title", "result", "person", "option")
# Column names of `flask export votes`, read as the generic columns.
ALIASES = {"roll_call_source_id": "roll_call_id", "motion": "motion_id", "person_name": "person",
           "raw_label": "option", "voted_on": "date"}
_PERSON_ID = re.compile(r"^([a-z_]+):(\S.*)$")


@register
class VoteCsvParser(Parser):
    name = "csv"
    kind = "votes"
    label = "Generic roll-call CSV (body, date, motion_id, title, result, person, option)"
    extensions = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        columns = set(header_of(head))
        columns |= {ALIASES[c] for c in columns if c in ALIASES}
        return set(REQUIRED) <= columns

    def parse(self, path: Path, **options) -> Iterator[Batch]:
        """Yield batches of roll_calls and positions; bad rows (no date, no person, bad
        person_id) become RowErrors; unknown labels become position ``unknown`` with a note."""
        for chunk, progress, malformed in read_chunks(path, REQUIRED, ALIASES):
            batch = self._batch(chunk, progress)
            batch.errors[:0] = malformed
            batch.read += len(malformed)
            yield batch

    def _batch(self, chunk: pd.DataFrame, progress: float) -> Batch:
        # Derived values are computed once per distinct value and mapped back (a member appears on
        # every roll call, a date on hundreds of rows): this keeps a million rows in seconds.
        read = len(chunk)
        raw_columns = [c for c in chunk.columns if c != "line"]
        errors: list[RowError] = []
        for column in ("body", "date", "person", "option"):
            chunk[column] = _each_distinct(chunk[column], str.strip)
        for column in ("body", "date", "person"):
            blank = chunk[column] == ""
            if blank.any():
                errors += row_errors(chunk, blank, column, f"{column} is empty", raw_columns)
                chunk = chunk.loc[~blank]
        voted_on = _each_distinct(chunk["date"], _iso_date)
        bad_date = voted_on.isna()
        if bad_date.any():
            errors += row_errors(chunk, bad_date, "date", "date is not YYYY-MM-DD", raw_columns)
            chunk, voted_on = chunk.loc[~bad_date], voted_on.loc[~bad_date]

        names = chunk["person"]
        voter_key = "name:" + _each_distinct(names, normalize_name)
        scheme = value = pd.Series("", index=chunk.index, dtype=object)
        if "person_id" in chunk:
            codes, uniques = pd.factorize(chunk["person_id"], use_na_sentinel=False)
            parsed = [_person_id(u) for u in uniques]
            bad_id = pd.Series(np.array([p is None for p in parsed], dtype=bool)[codes], index=chunk.index)
            parsed = [p or ("", "") for p in parsed]
            scheme = pd.Series(np.array([p[0] for p in parsed], dtype=object)[codes], index=chunk.index)
            value = pd.Series(np.array([p[1] for p in parsed], dtype=object)[codes], index=chunk.index)
            id_key = pd.Series(np.array([f"{p[0]}:{p[1]}" if p[0] else "" for p in parsed], dtype=object)[codes], index=chunk.index)
            voter_key = id_key.where(id_key != "", voter_key)
            if bad_id.any():
                errors += row_errors(chunk, bad_id, "person_id", "person_id must be scheme:id, e.g. bioguide:A000370", raw_columns)
                keep = ~bad_id
                chunk, voted_on, names = chunk.loc[keep], voted_on.loc[keep], names.loc[keep]
                scheme, value, voter_key = scheme.loc[keep], value.loc[keep], voter_key.loc[keep]
        if "voter_key" in chunk:  # an export read back keeps its voter keys
            given = chunk["voter_key"].str.strip()
            voter_key = given.where(given != "", voter_key)
        motion = _each_distinct(chunk["motion_id"], str.strip)
        source_id = pd.Series("", index=chunk.index, dtype=object)
        if "roll_call_id" in chunk:
            source_id = _each_distinct(chunk["roll_call_id"], str.strip)
        missing_id = source_id == ""
        if missing_id.any():
            source_id.loc[missing_id] = (chunk["body"] + "|" + chunk["date"] + "|" + motion).loc[missing_id]
        labels = chunk["option"]
        position = _each_distinct(labels, canonical_position)
        lines = chunk["line"].astype("int64")

        positions = pd.DataFrame({
            "roll_call_source_id": source_id, "voter_key": voter_key, "voter_name": names,
            "voter_scheme": scheme, "voter_id": value, "raw_label": labels, "position": position,
            "party": chunk["party"] if "party" in chunk else "", "state": chunk["state"] if "state" in chunk else "",
            "district": chunk["district"] if "district" in chunk else "", "line": lines,
        }).reset_index(drop=True)

        unknown = positions["position"] == "unknown"
        review_ids = set(positions.loc[unknown, "roll_call_source_id"])
        notes = [f"line {line}: unrecognised vote label {label!r} on roll call {rc} (stored as unknown)"
                 for line, label, rc in positions.loc[unknown, ["line", "raw_label", "roll_call_source_id"]]
                 .itertuples(index=False, name=None)]

        first = ~source_id.duplicated()
        head = chunk.loc[first]
        roll_calls = pd.DataFrame({
            "source_id": source_id.loc[first].values, "body": head["body"].values,
            "voted_on": voted_on.loc[first].values, "motion": motion.loc[first].values,
            "title": head["title"].str.strip().values,
            "question": head["question"].values if "question" in head else None,
            "result": head["result"].str.strip().values, "required_majority": None,
            "source_url": head["source_url"].values if "source_url" in head else None,
            "line": lines.loc[first].values,
        })
        counts = positions.groupby(["roll_call_source_id", "position"]).size().unstack(fill_value=0)
        for column, wanted in (("yes_count", "yes"), ("no_count", "no")):
            roll_calls[column] = roll_calls["source_id"].map(counts[wanted] if wanted in counts else {}).fillna(0).astype(int)
        roll_calls["other_count"] = roll_calls["source_id"].map(counts.sum(axis=1)).fillna(0).astype(int) \
            - roll_calls["yes_count"] - roll_calls["no_count"]
        roll_calls["needs_review"] = roll_calls["source_id"].isin(review_ids)
        roll_calls["review_note"] = roll_calls["needs_review"].map({True: "unrecognised vote label", False: None})
        return Batch(tables={"roll_calls": roll_calls, "positions": positions}, errors=errors,
                     read=read, progress=progress, notes=notes)


def _each_distinct(values: pd.Series, function) -> pd.Series:
    """``function`` applied to each distinct value once, mapped back onto every row (object dtype)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    results = pd.array([function(u) for u in uniques], dtype=object) if len(uniques) else pd.array([], dtype=object)
    return pd.Series(np.asarray(results, dtype=object)[codes] if len(codes) else [], index=values.index, dtype=object)


def _iso_date(text: str):
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _person_id(text: str):
    """("scheme", "id") from "scheme:id" (the first of several joined by ";"); ("", "") for a blank;
    None when malformed."""
    text = text.split(";")[0].strip()
    if not text:
        return ("", "")
    match = _PERSON_ID.match(text)
    return (match.group(1), match.group(2).strip()) if match else None
