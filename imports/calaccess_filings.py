"""CAL-ACCESS FILER_FILINGS_CD: which filer (committee) made each filing.

The state's RCPT_CD rows name their filing (FILING_ID), not the committee that received the money;
this table links the two. Tab-separated, unquoted, upper-case header, one row per filing version
(the FILER_ID is the same in every version). Read a chunk at a time: the state's file is large.
Yields ``{"filing_links": DataFrame(filing_id, filer_id, source_line)}``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.csv_money import read_csv_chunks

REQUIRED = ("FILER_ID", "FILING_ID")


def _header(head: bytes) -> list[str]:
    first = head.split(b"\n", 1)[0].decode("latin-1").strip()
    return [name.strip().upper() for name in first.split("\t")] if "\t" in first else []


@register
class CalAccessFilings(Parser):
    name = "calaccess-filings"
    kind = "committees"
    label = "CAL-ACCESS filer filings (FILER_FILINGS_CD): links filings to committees"
    extensions = (".tsv", ".txt")

    def sniff(self, head: bytes, path: Path) -> bool:
        columns = set(_header(head))
        return set(REQUIRED) <= columns and "TRAN_ID" not in columns

    def parse(self, path: Path, **options) -> Iterator[Batch]:
        path = Path(path)
        if path.stat().st_size == 0:
            raise FormatError(path, "the file is empty")
        rows = 0
        for frame, lines, raws, progress in read_csv_chunks(path, tabs=True):
            frame.columns = [c.upper() for c in frame.columns]
            missing = [c for c in REQUIRED if c not in frame.columns]
            if missing:
                raise FormatError(path, f"missing column(s) {', '.join(missing)}: not a FILER_FILINGS_CD file",
                                  line=1, field=missing[0])
            filing, filer = frame["FILING_ID"].str.strip(), frame["FILER_ID"].str.strip()
            errors = []
            ok = np.ones(len(frame), dtype=bool)
            for column, values in (("FILING_ID", filing), ("FILER_ID", filer)):
                number = values.str.fullmatch(r"\d+").to_numpy()
                errors += [RowError(int(lines[i]), column, f"{column} {values.iloc[i]!r} is not a number", raws[i])
                           for i in np.flatnonzero(~number)]
                ok &= number
            links = frame.assign(filing_id=filing, filer_id=filer, source_line=lines).loc[ok, ["filing_id", "filer_id", "source_line"]]
            rows += len(frame)
            yield Batch(tables={"filing_links": links.reset_index(drop=True)}, errors=errors, read=len(frame), progress=progress)
        if rows == 0:
            raise FormatError(path, "the file has a header but no rows", line=1)
