"""Helpers shared by the generic CSV parsers: encoding check, header check, chunked reading."""
from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from imports.base import FormatError, RowError, prefetch

CHUNK_BYTES = 8 << 20  # of the file: about 65,000 rows of a typical vote CSV
# pyarrow reads up to 32 blocks ahead in a background thread: small blocks, regrouped into
# CHUNK_BYTES chunks, keep that read-ahead near 32 MB instead of the whole file.
READ_BLOCK_BYTES = 1 << 20


def check_utf8(path: Path) -> None:
    """FormatError naming the line of the first byte that is not UTF-8 (e.g. a Latin-1 export)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                line += block[:error.start].count(b"\n")
                raise FormatError(path, "the file is not UTF-8 text (save it as UTF-8 and import again)",
                                  line=line) from None
            line += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FormatError(path, "the file ends in the middle of a UTF-8 character", line=line) from None


def header_of(head: bytes) -> list[str]:
    """The column names of a CSV whose first bytes are ``head`` (lower-cased, trimmed)."""
    text = head.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text.strip() else ""
    return [c.strip().lower() for c in next(csv.reader(io.StringIO(first)), [])]


def read_chunks(path: Path, required: tuple[str, ...], aliases: dict[str, str] | None = None,
                chunk_bytes: int = CHUNK_BYTES, dictionary_text: bool = False
                ) -> Iterator[tuple[pd.DataFrame, float, list[RowError]]]:
    """Yield (chunk, fraction of the file read, malformed rows) with every value as text and a
    ``line`` column (the CSV line number, header = line 1). Rows with the wrong number of fields
    come back as RowErrors with their line. FormatError for an empty file, a wrong encoding or a
    missing required column. Read by pyarrow's streaming CSV reader, a block at a time.

    ``chunk_bytes``: how much of the file one chunk covers. ``dictionary_text``: every column comes
    categorical (each distinct text once, rows as integer codes), for files whose values repeat from
    row to row (a vote file: members, dates, labels)."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if size == 0 or not head.strip():
        raise FormatError(path, "the file is empty")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # the header; pyarrow checks the rest
    except UnicodeDecodeError:
        check_utf8(path)
    header = header_of(head)
    if aliases:
        renamed = [aliases[c] if c in aliases and aliases[c] not in header else c for c in header]
    else:
        renamed = header
    missing = [c for c in required if c not in renamed]
    if missing:
        raise FormatError(path, f"missing column(s) {', '.join(missing)}; expected {', '.join(required)}",
                          line=1, field=missing[0])
    twice = sorted({c for c in renamed if renamed.count(c) > 1})
    if twice:  # which of the two would be read is a guess
        raise FormatError(path, f"column(s) {', '.join(twice)} appear more than once in the header", line=1, field=twice[0])
    malformed: list[RowError] = []

    def bad_row(row) -> str:
        malformed.append(RowError(row.number, None, f"expected {row.expected_columns} fields, found {row.actual_columns}",
                                  raw=row.text))
        return "skip"

    raw_names = next(csv.reader(io.StringIO(head.decode("utf-8-sig", errors="replace").splitlines()[0])))
    text_type = pa.dictionary(pa.int32(), pa.string()) if dictionary_text else pa.string()
    block_size = min(chunk_bytes, READ_BLOCK_BYTES)
    options = dict(
        read_options=pacsv.ReadOptions(block_size=block_size, use_threads=False),
        parse_options=pacsv.ParseOptions(invalid_row_handler=bad_row, newlines_in_values=False),
        convert_options=pacsv.ConvertOptions(column_types={name: text_type for name in raw_names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    try:
        line = 2
        consumed = 0
        rows_seen = 0
        group: list[tuple[pa.RecordBatch, list[int] | range]] = []
        group_errors: list[RowError] = []
        group_bytes = 0

        def flush():
            table = pa.Table.from_batches([b for b, _ in group]) if len(group) > 1 else group[0][0]
            chunk = table.to_pandas()
            chunk.columns = renamed
            chunk["line"] = np.concatenate([np.asarray(lines, dtype=np.int64) for _, lines in group])
            return chunk

        # Decoded up to a whole chunk ahead in a thread (pyarrow decodes without the GIL): the next
        # chunk is ready when the caller is done with this one.
        blocks = prefetch(_blocks_with_errors(pacsv.open_csv(path, **options), malformed),
                          depth=max(1, chunk_bytes // block_size))
        for record_batch, block_errors in blocks:
            if record_batch is None:
                group_errors += block_errors
                continue
            rows = record_batch.num_rows + len(block_errors)
            # Line numbers assume one line per record; skipped malformed rows keep their own numbers.
            skipped = sorted(e.line for e in block_errors)
            if skipped:
                numbers, candidate, index = [], line, 0
                for _ in range(record_batch.num_rows):
                    while index < len(skipped) and skipped[index] == candidate:
                        candidate += 1
                        index += 1
                    numbers.append(candidate)
                    candidate += 1
            else:
                numbers = range(line, line + record_batch.num_rows)
            line += rows
            rows_seen += rows
            consumed = min(size, consumed + block_size)  # each record batch is one block of the file
            group.append((record_batch, numbers))
            group_errors += block_errors
            group_bytes += block_size
            if group_bytes >= chunk_bytes:
                yield flush(), min(0.99, consumed / size) if size else 1.0, group_errors
                group, group_errors, group_bytes = [], [], 0
        if group:
            yield flush(), min(0.99, consumed / size) if size else 1.0, group_errors
        elif group_errors:
            # Only malformed rows in the last block: report them with an empty chunk.
            empty = pd.DataFrame({name: pd.Series(dtype=object) for name in renamed})
            empty["line"] = pd.Series(dtype="int64")
            yield empty, 1.0, group_errors
        if rows_seen == 0:
            raise FormatError(path, "the file has a header but no rows", line=1)
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error):
            check_utf8(path)  # names the line
        raise FormatError(path, f"not a well-formed CSV file ({error})") from None


def _blocks_with_errors(reader, malformed: list[RowError]) -> Iterator[tuple[pa.RecordBatch | None, list[RowError]]]:
    """The reader's record batches, each with the malformed rows its ``invalid_row_handler`` found
    in it (None with those of a last block that had nothing else). Run by ``prefetch`` in its
    thread, which is also where the handler runs, so each block gets its own rows."""
    for record_batch in reader:
        found, malformed[:] = list(malformed), []
        yield record_batch, found
    if malformed:
        yield None, list(malformed)


def row_errors(chunk: pd.DataFrame, bad: pd.Series, field: str, message: str,
               columns: list[str] | None = None) -> list[RowError]:
    """One RowError per row where ``bad`` is true, with the raw row text (``columns``: the file's own)."""
    rows = chunk.loc[bad]
    columns = columns or [c for c in chunk.columns if c != "line"]
    # Values may be parsed already (a date column): the raw text is rebuilt from their text.
    return [RowError(int(line), field, message, raw=",".join("" if v is None else str(v) for v in values))
            for line, values in zip(rows["line"], rows[columns].itertuples(index=False, name=None))]
