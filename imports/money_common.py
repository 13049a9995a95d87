"""Helpers shared by the money parsers (FEC, Form 460, FEC Schedule A CSV, generic CSV).

Pure: pandas in, pandas out. Every parser of kind ``contributions`` yields DataFrames with exactly
CONTRIBUTION_COLUMNS, so the loader never has to know which format a row came from.
"""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from imports.base import RowError

# The columns of a `contributions` table, matching tracker.models.money.Contribution.
CONTRIBUTION_COLUMNS = [
    "source", "source_key", "source_file", "source_line", "tran_id", "sub_id", "filing_id", "report_id",
    "amendment_indicator", "transaction_type", "image_num", "recipient_committee_id", "candidate_id",
    "donor_name", "donor_entity_type", "donor_committee_id", "employer", "occupation", "city", "state",
    "zip_code", "amount_cents", "received_on", "memo", "memo_text", "receipt_kind", "raw_sha256",
    "version_rank",
]
# version_rank is not stored: it orders versions of one transaction (higher = newer filing), so an
# amendment replaces the earlier version and an older file re-imported later changes nothing.

CHUNK_ROWS = 200_000
_TYPED = {"source_line", "amount_cents", "memo", "version_rank"}


def blank_to_none(series: pd.Series) -> pd.Series:
    """Strip text and turn empty strings into missing values (object dtype, None for missing)."""
    stripped = series.astype("string").str.strip()
    stripped = stripped.mask(stripped == "")
    # One conversion to Python strings, None already in place of missing values.
    return pd.Series(stripped.to_numpy(dtype=object, na_value=None), index=series.index, dtype=object)


def blank_to_missing(series: pd.Series) -> pd.Series:
    """``blank_to_none`` kept in pandas' Arrow-backed string dtype (missing = NA): for a loader that
    hands the frame straight to Arrow (PostgreSQL COPY), with no Python string made per value."""
    stripped = series.astype("string[pyarrow]").str.strip()
    return stripped.mask(stripped == "")


def sha256_lines(lines: list[bytes]) -> list[str]:
    """SHA-256 of each raw line, the fingerprint kept as evidence of exactly what was filed."""
    sha = hashlib.sha256
    return [sha(line).hexdigest() for line in lines]


def whole_numbers(text) -> pd.Series:
    """Text to int64: blank, unreadable, infinite ("1e999") or beyond int64 becomes 0 (a cast of
    such a value raised, or wrapped around silently)."""
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    return numbers.where(numbers.abs() < 2.0 ** 62, 0).astype("int64")  # NaN compares false: 0


def parse_amount_cents(series: pd.Series, lines: np.ndarray, field: str, raws) -> tuple[pd.Series, list[RowError], np.ndarray]:
    """Dollars (text, maybe with decimals, commas or $) to integer cents; bad values become row errors.

    Returns (cents as int64 with 0 where bad, errors, mask of good rows).
    """
    text = series.astype("string").str.strip().str.replace(r"[$,]", "", regex=True)
    dollars = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = ~(dollars.abs() < 1e15).to_numpy()  # NaN, infinite ("1e999") or beyond what cents can hold
    errors = [RowError(int(lines[i]), field, f"amount {series.iloc[i]!r} is not a number", _raw(raws, i))
              for i in np.flatnonzero(bad)]
    cents = (dollars.where(~bad, 0) * 100).round().astype("int64")
    return cents, errors, ~bad


def parse_dates(series: pd.Series, fmt: str | None, lines: np.ndarray, field: str, raws,
                required: bool = False) -> tuple[pd.Series, list[RowError], np.ndarray]:
    """Text dates (``fmt``, or ISO / ISO with time when fmt is None) to datetime.date; blanks are None
    unless ``required``; unreadable dates become row errors."""
    text = series.astype("string").str.strip()
    blank = text.isna() | (text == "")
    if fmt:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    else:
        parsed = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    bad_mask = (parsed.isna() & ~blank) | (blank & required)
    bad = bad_mask.to_numpy()
    errors = [RowError(int(lines[i]), field,
                       "date is missing" if blank.iloc[i] else f"date {series.iloc[i]!r} is not a date"
                       + (f" (expected {fmt.replace('%m', 'MM').replace('%d', 'DD').replace('%Y', 'YYYY')})" if fmt else ""),
                       _raw(raws, i))
              for i in np.flatnonzero(bad)]
    dates = pd.Series(parsed.dt.date.astype(object), index=series.index)
    dates = dates.where(parsed.notna(), None)
    return dates, errors, ~bad


def _raw(raws, i):
    if raws is None:
        return None
    value = raws[i]
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def finish_frame(frame: pd.DataFrame, arrow_text: bool = False) -> pd.DataFrame:
    """Order the columns as CONTRIBUTION_COLUMNS, with missing optional columns as None. Text is
    Python strings (None for missing), or with ``arrow_text`` left in pandas' string dtypes where it
    already is (missing as NA or NaN)."""
    for column in CONTRIBUTION_COLUMNS:
        if column not in frame:
            frame[column] = None
    out = frame[CONTRIBUTION_COLUMNS].reset_index(drop=True)
    for column in CONTRIBUTION_COLUMNS:
        if column in _TYPED or (arrow_text and isinstance(out[column].dtype, pd.StringDtype)):
            continue
        out[column] = pd.Series(_none_for_missing(out[column]), index=out.index, dtype=object)
    out["source_line"] = out["source_line"].astype("int64")
    out["amount_cents"] = out["amount_cents"].astype("int64")
    out["memo"] = out["memo"].astype(bool)
    out["version_rank"] = whole_numbers(out["version_rank"])
    return out


def _none_for_missing(values: pd.Series) -> np.ndarray:
    """Object values with None for every missing one (NaN, NA, NaT); copied only when one is found."""
    array = values.to_numpy(dtype=object)
    missing = pd.isna(array)
    if missing.any() and any(value is not None for value in array[missing]):
        array = array.copy()
        array[missing] = None
    return array


def receipt_kind_for(transaction_type: pd.Series, amount_cents: pd.Series, in_kind: pd.Series | None = None,
                     negative_is_refund: bool = True) -> pd.Series:
    """What a line is, from the filer's point of view (vocabulary RECEIPT_KINDS):

    - FEC 24E/24A: an independent expenditure for/against a candidate (never received by them);
    - FEC 24Z (or a Schedule C row): an in-kind contribution;
    - FEC 22Y/22Z/22R, or a negative amount outside FEC files: a refund or returned contribution
      (a negative FEC line voids or corrects an earlier one, it is not a refund);
    - anything else: a receipt.
    """
    kind = pd.Series("receipt", index=transaction_type.index, dtype=object)
    code = transaction_type.astype("string").fillna("")
    if negative_is_refund:
        kind = kind.mask((amount_cents < 0).to_numpy(), "refund")
    kind = kind.mask(code.isin(["22Y", "22Z", "22R"]).to_numpy(), "refund")
    kind = kind.mask(code.isin(["24Z"]).to_numpy(), "in_kind")
    if in_kind is not None:
        kind = kind.mask(in_kind.to_numpy(), "in_kind")
    kind = kind.mask(code.isin(["24E", "24A"]).to_numpy(), "independent_expenditure")
    return kind


def version_ranks(source: str, filing_ids: pd.Series) -> pd.Series:
    """Order of versions of one transaction, from the filing id stored with it (higher = newer):
    FEC FILE_NUM; Form 460 `filer/YYYY-MM-DD/report number` (later report, then later amendment);
    generic CSV `amendment`. The parsers' ``version_rank`` column is this same number."""
    text = filing_ids.astype("string").fillna("")
    if source == "form460":
        parts = text.str.split("/", n=2, expand=True).reindex(columns=[0, 1, 2]).fillna("")
        day = whole_numbers(parts[1].str.replace("-", ""))
        number = whole_numbers(parts[2])
        return day * 1000 + number
    return whole_numbers(text)
