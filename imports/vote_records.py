"""Shared building blocks of the vote and people parsers (pure: no Flask, no database).

The column lists below ARE the contract between the parsers and the loaders:
``roll_calls`` and ``positions`` for kind="votes", ``people``, ``identifiers`` and ``terms`` for
kind="people". Helpers here read a file's text with a clear error on bad bytes, parse XML with
defusedxml only, map labels to canonical positions (vectorized over the distinct labels), and
flag roll calls that carry a label we do not recognise.
"""
from __future__ import annotations

import bisect
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from imports.base import FormatError, RowError
from imports.names import name_key
from imports.vote_options import canonical_position

ROLL_CALL_COLUMNS = [
    "source_id", "body", "voted_on", "motion", "title", "question", "result", "required_majority",
    "yes_count", "no_count", "other_count", "source_url", "needs_review", "review_note", "line",
]
POSITION_COLUMNS = [
    "roll_call_source_id", "voter_key", "voter_name", "voter_scheme", "voter_id", "raw_label",
    "position", "party", "state", "district", "line",
]
PEOPLE_COLUMNS = ["person_key", "name", "sort_name", "given_name", "family_name", "party", "line"]
IDENTIFIER_COLUMNS = ["person_key", "scheme", "value"]
TERM_COLUMNS = ["person_key", "body", "office", "district", "party", "start_on", "end_on"]

HOUSE = "U.S. House of Representatives"
SENATE = "U.S. Senate"


# ---------------------------------------------------------------- reading files

def read_bytes(path: Path) -> bytes:
    """The file's bytes; FormatError when it is empty (or only whitespace)."""
    data = Path(path).read_bytes()
    if not data.strip():
        raise FormatError(path, "the file is empty")
    return data


def decode_text(path: Path, data: bytes, encoding: str = "utf-8") -> str:
    """Decode ``data``; on bad bytes raise FormatError naming the encoding, byte offset and line."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            path,
            f"cannot be decoded as {encoding.upper()}: byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start} is not valid {encoding.upper()} (save the file as UTF-8)",
            line=line,
        ) from None
    return text.lstrip("\ufeff")


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The file decoded as ``encoding`` (UTF-8 by default), with FormatError on empty or bad bytes."""
    return decode_text(path, read_bytes(path), encoding)


def parse_xml(path: Path, expected_root: str | tuple[str, ...]):
    """Parse an XML file with defusedxml (entity expansion and external entities refused) and
    check its root element; FormatError for empty, undecodable, truncated or foreign files."""
    data = read_bytes(path)
    declared = re.search(rb'encoding="([A-Za-z0-9_-]+)"', data[:200])
    decode_text(path, data, declared.group(1).decode().lower() if declared else "utf-8")
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise FormatError(path, f"refused unsafe XML ({type(exc).__name__}: entity declarations "
                                f"or external references are not allowed)") from None
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        reason = str(exc).split(":")[0]
        hint = " (the file looks truncated)" if "no element found" in reason or "unclosed" in reason else ""
        raise FormatError(path, f"not well-formed XML: {reason}, column {column}{hint}", line=line) from None
    roots = (expected_root,) if isinstance(expected_root, str) else expected_root
    if root.tag not in roots:
        raise FormatError(path, f"root element is <{root.tag}>, expected <{roots[0]}>")
    return root


def parse_json(path: Path):
    """(parsed JSON, text); FormatError naming the line and column of a syntax error."""
    text = read_text(path)
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise FormatError(path, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None


def line_numbers(text: str, pattern: str, expected: int) -> list[int | None]:
    """1-based line of each match of ``pattern`` in ``text`` (document order). Used to give
    records parsed from JSON/XML trees their line; all None when the count does not match."""
    starts = [m.start() for m in re.finditer(pattern, text)]
    if len(starts) != expected:
        return [None] * expected
    newlines = [m.start() for m in re.finditer("\n", text)]
    return [bisect.bisect_left(newlines, s) + 1 for s in starts]


# ---------------------------------------------------------------- building tables

def clean(value):
    """Strip text; '' and None become None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# What walking a JSON or YAML record of the wrong shape raises (a list where an object belongs, an
# object where text belongs): the record is reported as a bad row, never the whole file crashing.
SHAPE_ERRORS = (AttributeError, TypeError, KeyError)


def shape_message(what: str, error: Exception) -> str:
    return f"{what} has a value of the wrong type ({type(error).__name__}: {error})"


def nested_field(record: dict) -> str | None:
    """The first field of ``record`` (a row about to be framed) holding a list or an object where
    text, a number or a date belongs; None when every value is a scalar."""
    for name, value in record.items():
        if isinstance(value, (list, dict, set, tuple)):
            return name
    return None


def take_record(build, targets: tuple[list, ...], errors: list, line, what: str, raw) -> bool:
    """Run ``build()`` for one JSON/YAML record: it returns one list of rows per target (or None
    when it reported the record itself). A record of the wrong shape (SHAPE_ERRORS, or a list or
    object where a value belongs) becomes one RowError and adds no row anywhere."""
    try:
        parts = build()
    except SHAPE_ERRORS as error:
        errors.append(RowError(line, None, shape_message(what, error), raw))
        return False
    if parts is None:
        return False
    for rows in parts:
        for row in rows:
            bad = nested_field(row)
            if bad:
                errors.append(RowError(line, bad, f"{what}: {bad} is a list or an object, not a single value", raw))
                return False
    for target, rows in zip(targets, parts):
        target.extend(rows)
    return True


def mapping(value) -> dict:
    """``value`` when it is a JSON/YAML object, else {} (its fields then read as missing)."""
    return value if isinstance(value, dict) else {}


def as_int(value) -> int | None:
    """The value as an int; None when blank or not a whole number ("", None, NaN, "n/a")."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def frame(columns: list[str], data: dict | list[dict]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` (missing ones filled with None), object dtype so that
    ids such as "00172" and None survive untouched."""
    if isinstance(data, dict):
        # Positional: Series from a filtered frame keep gaps in their index; lists do not.
        data = {k: (v.to_numpy(dtype=object) if isinstance(v, pd.Series) else v) for k, v in data.items()}
        length = max((len(v) for v in data.values() if isinstance(v, (list, np.ndarray))), default=0)
        data = {k: (v if isinstance(v, (list, np.ndarray)) else [v] * length) for k, v in data.items()}
        df = pd.DataFrame(data, dtype=object)
    else:
        df = pd.DataFrame(data, columns=columns, dtype=object) if data else pd.DataFrame(columns=columns, dtype=object)
    for column in columns:
        if column not in df.columns:
            df[column] = None
    df = df[columns].astype(object)
    return df.where(df.notna(), None)


def map_positions(raw_labels: pd.Series, extra: dict[str, str] | None = None) -> pd.Series:
    """Canonical position of each raw label, computed once per distinct label (vectorized).
    ``extra`` maps raw labels (exact text) to positions for format-specific codes."""
    extra = extra or {}
    uniques = pd.unique(raw_labels.astype(object))
    table = {label: extra.get(label) or canonical_position(label) for label in uniques}
    return raw_labels.map(table).astype(object)


def voter_keys(scheme: str | None, ids: pd.Series, names: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(voter_key, voter_scheme): "scheme:id" where the source gives an id, else
    "name:<name_key>" (digits and symbols kept; computed once per distinct name)."""
    ids = ids.astype(object).map(clean)
    has_id = ids.notna() if scheme else pd.Series(False, index=ids.index)
    distinct_names = pd.unique(names.astype(object))
    normalized = names.map({n: name_key(n) for n in distinct_names})
    keys = ("name:" + normalized.astype(str)).astype(object)
    if scheme:
        keys = keys.where(~has_id, f"{scheme}:" + ids.astype(str))
    schemes = pd.Series(["name"] * len(ids), index=ids.index, dtype=object).where(~has_id, scheme)
    return keys, schemes


def flag_unknown_labels(roll_calls: pd.DataFrame, positions: pd.DataFrame, notes: list[str]) -> None:
    """Mark each roll call that has a position ``unknown`` as needing review, naming the labels in
    its review_note, and add one note per such row: 'line 57: unknown label "Hold" on roll call X'."""
    unknown = positions[positions["position"] == "unknown"]
    if unknown.empty:
        return
    for line, label, source_id in zip(unknown["line"], unknown["raw_label"], unknown["roll_call_source_id"]):
        where = f"line {line}" if line is not None else "line ?"
        notes.append(f'{where}: unknown label "{label}" on roll call {source_id}')
    labels_by_roll_call = unknown.groupby("roll_call_source_id", sort=False)["raw_label"].agg(
        lambda s: ", ".join(f'"{x}"' for x in pd.unique(s.astype(str)))
    )
    for source_id, labels in labels_by_roll_call.items():
        mask = roll_calls["source_id"] == source_id
        note = f"unrecognised vote label(s) {labels}: recorded as unknown, never guessed"
        add_review(roll_calls, mask, note)


def add_review(roll_calls: pd.DataFrame, mask, note: str) -> None:
    """Set needs_review on the masked roll calls and append ``note`` to their review_note."""
    for index in roll_calls.index[mask]:
        previous = roll_calls.at[index, "review_note"]
        roll_calls.at[index, "needs_review"] = True
        roll_calls.at[index, "review_note"] = f"{previous}; {note}" if previous else note


def congress_session(congress: int, year: int) -> int:
    """Session number (1 or 2) of a Congress from the calendar year the vote was taken in."""
    return year - (1789 + 2 * (congress - 1)) + 1


# ---------------------------------------------------------------- multi-file formats

def find_sibling(path: Path, suffix: str, known_suffixes: tuple[str, ...], what: str) -> Path:
    """The file ending ``suffix`` that belongs with ``path``.

    ``path`` is either a directory (exactly one ``*{suffix}`` in it is expected) or one of the
    files of the set, named ``{prefix}{one of known_suffixes}``; the sibling is then
    ``{prefix}{suffix}`` in the same folder. FormatError names the missing file."""
    path = Path(path)
    if path.is_dir():
        matches = sorted(path.glob(f"*{suffix}"))
        if not matches:
            raise FormatError(path, f"no {what} file (*{suffix}) in this directory")
        if len(matches) > 1:
            names = ", ".join(m.name for m in matches)
            raise FormatError(path, f"several {what} files ({names}); pass one of them as PATH")
        return matches[0]
    for known in known_suffixes:
        if path.name.endswith(known):
            sibling = path.with_name(path.name[: -len(known)] + suffix)
            if not sibling.exists():
                raise FormatError(path, f"missing sibling file {sibling.name} ({what}) next to {path.name}")
            return sibling
    expected = ", ".join(f"*{s}" for s in known_suffixes)
    raise FormatError(path, f"file name must end with one of {expected} (or pass the directory)")


def read_csv_checked(path: Path, required: tuple[str, ...], what: str, **read_options) -> pd.DataFrame:
    """Read a CSV after checking it decodes as UTF-8 and has the ``required`` columns
    (FormatError naming the missing ones and the file)."""
    data = read_bytes(path)
    decode_text(path, data)
    header = data.split(b"\n", 1)[0].decode("utf-8").lstrip("\ufeff").strip().split(",")
    header = [h.strip().strip('"') for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise FormatError(path, f"{what} file is missing required column(s): {', '.join(missing)} "
                                f"(found: {', '.join(header)})", line=1, field=missing[0])
    import csv
    import io
    try:
        df = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", **read_options)
    except (ValueError, KeyError, csv.Error, pd.errors.ParserError) as exc:  # KeyError: pyarrow's usecols check
        raise FormatError(path, f"cannot read {what} CSV: {exc}") from None
    if not isinstance(df.index, pd.RangeIndex):
        # pandas reads a first row with more fields than the header by taking the extra leading
        # fields as the index: every value would sit under the wrong column.
        raise FormatError(path, f"{what} file: the first row has more fields than the header", line=2)
    # The header as pandas read it (a second BOM, or lines ended by a lone CR, defeat the check above).
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise FormatError(path, f"{what} file is missing required column(s): {', '.join(missing)}",
                          line=1, field=missing[0])
    return df


def csv_record_lines(text: str, path: Path | None = None, expected: int | None = None) -> list[int]:
    """First line (1-based) of each data record of a CSV text (quoted fields may span lines; blank
    lines are skipped, as pandas does). FormatError when the text is not CSV the csv module reads
    (a field over its 128 KB limit, a stray line end), or gives another number of records than
    ``expected`` (the rows pandas read), so that no row gets another row's line number."""
    import csv
    import io
    reader = csv.reader(io.StringIO(text, newline=""))
    lines, start = [], 1
    try:
        for index, record in enumerate(reader):
            if index > 0 and record:
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FormatError(path or "CSV", f"not a well-formed CSV file: {exc}", line=reader.line_num) from None
    if expected is not None and len(lines) != expected:
        raise FormatError(path or "CSV", f"not a well-formed CSV file: {expected} rows read but {len(lines)} "
                                         "records found (a blank or malformed line?)")
    return lines


def drop_anonymous_voters(positions: pd.DataFrame, errors: list, where: str) -> pd.DataFrame:
    """Leave out (as RowErrors) the votes that carry neither a voter id nor a name: they cannot be
    matched to anybody. ``where`` names the file for the message."""
    anonymous = positions["voter_key"] == "name:"
    for line in positions.loc[anonymous, "line"]:
        errors.append(RowError(line, "voter", f"{where}: vote without a voter id or name"))
    return positions[~anonymous].reset_index(drop=True)
