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

from imports.names import name_key
from imports.base import Batch, Parser, RowError, register
from imports.csv_common import header_of, read_chunks, row_errors
from imports.vote_options import canonical_position

REQUIRED = ("body", "date", "motion_id", "title", "result", "person", "option")
# Column names of `flask export votes`, read as the generic columns.
ALIASES = {"roll_call_source_id": "roll_call_id", "motion": "motion_id", "person_name": "person",
           "raw_label": "option", "voted_on": "date"}
_PERSON_ID = re.compile(r"^([a-z_]+):(\S.*)$")
# Of the file: about 250,000 rows. Dictionary-encoded, a chunk stays small in memory, and fewer
# batches mean fewer lookups per file.
CHUNK_BYTES = 32 << 20


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
        for chunk, progress, malformed in read_chunks(path, REQUIRED, ALIASES, CHUNK_BYTES, dictionary_text=True):
            batch = self._batch(chunk, progress)
            batch.errors[:0] = malformed
            batch.read += len(malformed)
            yield batch

    def _batch(self, chunk: pd.DataFrame, progress: float) -> Batch:
        # Text arrives dictionary-encoded (categorical), and every derived value is computed once
        # per distinct value or combination of values (a member appears on every roll call, a date
        # on hundreds of rows): the work per row is integer arithmetic on codes.
        read = len(chunk)
        raw_columns = [c for c in chunk.columns if c != "line"]
        errors: list[RowError] = []
        for column in ("body", "date", "person", "option"):
            chunk[column] = _each_distinct(chunk[column], str.strip)
        for column in ("body", "date", "person"):
            blank = (chunk[column] == "").to_numpy()
            if blank.any():
                errors += row_errors(chunk, blank, column, f"{column} is empty", raw_columns)
                chunk = chunk.loc[~blank]
        voted_on = _each_distinct(chunk["date"], _iso_date)
        bad_date = voted_on.isna().to_numpy()
        if bad_date.any():
            errors += row_errors(chunk, bad_date, "date", "date is not YYYY-MM-DD", raw_columns)
            chunk, voted_on = chunk.loc[~bad_date], voted_on.loc[~bad_date]
        if "person_id" in chunk:
            codes, uniques = _distinct(chunk["person_id"])
            bad_id = np.array([_person_id(u) is None for u in uniques], dtype=bool)[codes]
            if bad_id.any():
                errors += row_errors(chunk, bad_id, "person_id", "person_id must be scheme:id, e.g. bioguide:A000370", raw_columns)
                chunk, voted_on = chunk.loc[~bad_id], voted_on.loc[~bad_id]

        blank_text = _categorical(np.zeros(len(chunk), dtype=np.int64), [""], chunk.index)
        person_ids = chunk["person_id"] if "person_id" in chunk else blank_text
        names = chunk["person"]
        given_keys = _each_distinct(chunk["voter_key"], str.strip) if "voter_key" in chunk else blank_text  # an export read back
        motion = _each_distinct(chunk["motion_id"], str.strip)
        given_ids = _each_distinct(chunk["roll_call_id"], str.strip) if "roll_call_id" in chunk else blank_text
        source_id = _each_combination(_source_id, given_ids, chunk["body"], chunk["date"], motion)
        labels = chunk["option"]
        lines = chunk["line"].astype("int64")
        positions = pd.DataFrame({
            "roll_call_source_id": source_id,
            "voter_key": _each_combination(_voter_key, given_keys, person_ids, names),
            "voter_name": names,
            "voter_scheme": _each_distinct(person_ids, lambda text: (_person_id(text) or _NO_ID)[0]),
            "voter_id": _each_distinct(person_ids, lambda text: (_person_id(text) or _NO_ID)[1]),
            "raw_label": labels, "position": _each_distinct(labels, canonical_position),
            **{column: chunk[column] if column in chunk else blank_text for column in ("party", "state", "district")},
            "line": lines,
        }).reset_index(drop=True)

        unknown = (positions["position"] == "unknown").to_numpy()
        notes = [f"line {line}: unrecognised vote label {label!r} on roll call {rc} (stored as unknown)"
                 for line, label, rc in positions.loc[unknown, ["line", "raw_label", "roll_call_source_id"]]
                 .itertuples(index=False, name=None)]

        # One roll call per source id, in file order, described by its first row and counted over all.
        roll_call_codes, _ = pd.factorize(positions["roll_call_source_id"])
        _, first = np.unique(roll_call_codes, return_index=True)
        head = chunk.iloc[first]

        def count(rows: np.ndarray) -> np.ndarray:
            return np.bincount(roll_call_codes[rows], minlength=len(first))

        yes, no = (count((positions["position"] == wanted).to_numpy()) for wanted in ("yes", "no"))
        needs_review = count(unknown) > 0
        roll_calls = pd.DataFrame({
            "source_id": _objects(source_id.iloc[first]), "body": _objects(head["body"]),
            "voted_on": _objects(voted_on.iloc[first]), "motion": _objects(motion.iloc[first]),
            "title": [title.strip() for title in _objects(head["title"])],
            "question": _objects(head["question"]) if "question" in head else None,
            "result": [result.strip() for result in _objects(head["result"])], "required_majority": None,
            "source_url": _objects(head["source_url"]) if "source_url" in head else None,
            "line": lines.iloc[first].to_numpy(),
            "yes_count": yes, "no_count": no, "other_count": count(np.ones(len(positions), dtype=bool)) - yes - no,
            "needs_review": needs_review, "review_note": np.where(needs_review, "unrecognised vote label", None),
        })
        return Batch(tables={"roll_calls": roll_calls, "positions": positions}, errors=errors,
                     read=read, progress=progress, notes=notes)


_NO_ID = ("", "")  # also what the malformed ids left among a column's categories map to: no row has them


def _voter_key(given: str, person_id: str, name: str) -> str:
    """How the source knows the voter: the key given (an export read back), else the person_id
    (scheme:id), else "name:" and the key of the name (names.name_key)."""
    if given:
        return given
    scheme, value = _person_id(person_id)
    return f"{scheme}:{value}" if scheme else "name:" + name_key(name)


def _source_id(given: str, body: str, day: str, motion: str) -> str:
    """The roll call's stable id: the file's, else body|date|motion_id."""
    return given or f"{body}|{day}|{motion}"


def _objects(values: pd.Series) -> np.ndarray:
    return np.asarray(values, dtype=object)


def _categorical(codes: np.ndarray, results: list, index: pd.Index) -> pd.Series:
    """A categorical Series whose row i is ``results[codes[i]]`` (results may repeat; None = missing)."""
    values = np.empty(len(results), dtype=object)
    values[:] = results
    result_codes, distinct = pd.factorize(values)
    return pd.Series(pd.Categorical.from_codes(result_codes[codes], categories=pd.Index(distinct, dtype=object),
                                                validate=False),
                     index=index)


def _distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code of each row, the distinct values): a categorical's own codes, else factorized."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        if len(codes) == 0 or codes.min() >= 0:  # no missing values
            return codes, np.asarray(values.cat.categories, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def _each_distinct(values: pd.Series, function) -> pd.Series:
    """``function`` applied to each distinct value once, mapped back onto every row (categorical)."""
    codes, uniques = _distinct(values)
    return _categorical(codes, [function(u) for u in uniques], values.index)


def _each_combination(function, *columns: pd.Series) -> pd.Series:
    """``function(a, b, ...)`` of each row's values, called once per distinct combination (categorical)."""
    combination = np.zeros(len(columns[0]), dtype=np.int64)
    levels = []
    for column in columns:
        codes, uniques = _distinct(column)
        levels.append((codes, uniques))
        # Renumbered after each column, so the combined code never outgrows the number of rows.
        combination, _ = pd.factorize(combination * len(uniques) + codes)
    _, first = np.unique(combination, return_index=True)
    results = [function(*(uniques[codes[row]] for codes, uniques in levels)) for row in first]
    return _categorical(combination, results, columns[0].index)


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
