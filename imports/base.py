"""The common interface of every format parser: file in, normalized records out.

A parser never touches Flask or the database. It reads a file and yields one or more batches
(one for a small file; many for a multi-GB file read in chunks). Each batch carries pandas
DataFrames of normalized records, the bad rows it found (line, field, message, raw text), and how
far through the file it is (for progress bars). Loaders in tracker/services write the batches.

The column lists of the vote and people tables (the parser -> loader contract) are defined once,
in ``imports/vote_records.py`` (ROLL_CALL_COLUMNS, POSITION_COLUMNS, PEOPLE_COLUMNS,
IDENTIFIER_COLUMNS, TERM_COLUMNS). ``detect`` and ``file_sha256`` also accept a folder
(multi-file formats: Open States bulk CSV, Voteview, a folder of Open States YAML).
"""
from __future__ import annotations

import hashlib
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Iterator

import pandas as pd


class FormatError(ValueError):
    """The whole file cannot be read as this format (wrong root element, wrong columns, empty,
    truncated, wrong encoding). The message names the file, and the line and field where known."""

    def __init__(self, path, message: str, line: int | None = None, field: str | None = None):
        self.path, self.line, self.field = str(path), line, field
        where = Path(self.path).name + (f", line {line}" if line else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {message}")
        self.reason = message


@dataclass
class RowError:
    """A bad row: kept on the ImportRun with the raw text, skipped unless --strict."""

    line: int | None
    field: str | None
    message: str
    raw: str | None = None

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class Batch:
    """Normalized records from (part of) one file.

    ``tables`` maps a record kind to a DataFrame. Kinds and their columns are documented by each
    loader (votes: ``roll_calls``, ``positions``; people: ``people``, ``identifiers``, ``terms``;
    money: ``contributions``, ``committees``, ``candidates``, ``links``).
    ``read`` counts the source rows this batch covers (good and bad).
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    read: int = 0
    progress: float = 1.0  # fraction of the file consumed after this batch
    notes: list[str] = field(default_factory=list)  # e.g. "voice vote: no per-person rows"


class Parser:
    """Base class. Subclasses set ``name`` (the --format value), ``kind`` and ``label``, and
    implement ``sniff`` (auto-detection from the first bytes) and ``parse``."""

    name: ClassVar[str]
    kind: ClassVar[str]  # votes | people | contributions | committees
    label: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()

    def sniff(self, head: bytes, path: Path) -> bool:
        """True when the first bytes (up to 64 KB) look like this format."""
        raise NotImplementedError

    def parse(self, path: Path, **options) -> Iterator[Batch]:
        """Yield batches of normalized records; raise FormatError when the file is unreadable."""
        raise NotImplementedError


REGISTRY: dict[str, Parser] = {}  # by name (the first registered when two kinds share a name)
# The authority: by (kind, name), since two kinds may share a --format name (votes `csv`, people `csv`).
PARSERS: dict[tuple[str, str], Parser] = {}


def register(parser_class: type[Parser]) -> type[Parser]:
    """Class decorator: make a parser available by its --format name within its kind."""
    parser = parser_class()
    PARSERS[(parser_class.kind, parser_class.name)] = parser
    REGISTRY.setdefault(parser_class.name, parser)
    return parser_class


def parsers_of(kind: str) -> list[Parser]:
    """The parsers of one kind, in registration order."""
    return [p for (k, _), p in PARSERS.items() if k == kind]


def read_head(path: Path, size: int = 65536) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def detect(path: Path, kind: str) -> Parser:
    """Pick the parser of ``kind`` whose sniff() recognizes the file (or, for a folder, the first
    file in it that a parser recognizes); FormatError if none or empty."""
    path = Path(path)
    if path.is_dir():
        # Multi-file formats (Open States bulk CSV, Voteview, a folder of Open States YAML):
        # recognize the folder by the first file in it that some parser of this kind recognizes.
        for member in sorted(p for p in path.rglob("*") if p.is_file())[:200]:
            head = read_head(member)
            for parser in REGISTRY.values():
                if parser.kind == kind and head.strip() and parser.sniff(head, member):
                    return parser
        raise FormatError(path, f"no file in this folder is a {kind} format we recognize; choose one with --format")
    head = read_head(path)
    if not head.strip():
        raise FormatError(path, "the file is empty")
    candidates = [p for p in parsers_of(kind) if p.sniff(head, path)]
    if not candidates:
        names = ", ".join(sorted(p.name for p in parsers_of(kind)))
        raise FormatError(path, f"not a {kind} format we recognize (known: {names}); choose one with --format")
    return candidates[0]


def get_parser(name: str, kind: str) -> Parser:
    parser = PARSERS.get((kind, name))
    if parser is None:
        names = ", ".join(sorted(p.name for p in parsers_of(kind)))
        raise KeyError(f"unknown {kind} format {name!r}; choose auto or one of: {names}")
    return parser


def file_sha256(path: Path) -> str:
    """SHA-256 of the file; for a folder (multi-file formats), of every file's relative name and
    bytes in sorted order, so the same set of files always gives the same digest."""
    path = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def prefetch(batches, depth: int = 1):
    """Iterate ``batches`` with the next one prepared in a background thread, so parsing a block
    overlaps with the database writing the previous one (pyarrow and sqlite3 release the GIL).
    Exceptions are re-raised in the caller; closing the generator stops the producer."""
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce():
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        items.put(("batch", batch), timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            items.put(("done", done))
        except BaseException as error:  # handed to the consumer
            items.put(("error", error))

    worker = threading.Thread(target=produce, name="parse-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = items.get()
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        worker.join(timeout=5)
