"""Reading CSV and Excel sheets for the money parsers: text cells, 1-based line numbers, raw text.

Pure helper (no tracker, no Flask).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from imports.base import FormatError

CSV_CHUNK_ROWS = 100_000


def csv_header(head: bytes) -> list[str]:
    """The first row of a CSV file's first bytes, as column names ([] when it is not CSV-like)."""
    text = head.decode("utf-8-sig", errors="replace")
    first = text.split("\n", 1)[0].rstrip("\r")
    if "," not in first:
        return []
    try:
        return [name.strip() for name in next(csv.reader(io.StringIO(first)))]
    except (csv.Error, StopIteration):
        return []


def read_csv_chunks(path: Path, chunk_rows: int | None = None, tabs: bool = False
                    ) -> Iterator[tuple[pd.DataFrame, np.ndarray, list[str], float]]:
    """Yield (cells as text with '' for empty, line numbers, raw row text, progress) per chunk.

    Line numbers count the header as line 1 (a quoted field with a line break shifts later
    numbers; NetFile and FEC exports do not contain any). ``tabs``: tab-separated, unquoted,
    Latin-1, as the CAL-ACCESS dump is (a stray quote in a name is text, not a quote).
    """
    size = max(path.stat().st_size, 1)
    try:
        if tabs:
            style = dict(sep="\t", quoting=csv.QUOTE_NONE, encoding="latin-1")
        else:
            style = dict(encoding="utf-8-sig", encoding_errors="replace")
        reader = pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=chunk_rows or CSV_CHUNK_ROWS, **style)
        consumed_rows = 0
        for chunk in reader:
            if not isinstance(chunk.index, pd.RangeIndex):
                # pandas takes the extra leading fields of a first row longer than the header as
                # the index: every value would shift to the wrong column.
                raise FormatError(path, "the first row has more fields than the header", line=2)
            lines = np.arange(consumed_rows + 2, consumed_rows + 2 + len(chunk), dtype=np.int64)
            consumed_rows += len(chunk)
            chunk.columns = [str(c).strip() for c in chunk.columns]
            raws = chunk.agg(("\t" if tabs else ",").join, axis=1).tolist() if len(chunk) else []
            progress = min(1.0, (reader.handles.handle.tell() if hasattr(reader, "handles") else size) / size)
            yield chunk.reset_index(drop=True), lines, raws, progress
    except pd.errors.EmptyDataError:
        raise FormatError(path, "the file is empty")
    except pd.errors.ParserError as error:
        raise FormatError(path, f"cannot be read as CSV: {error}")

