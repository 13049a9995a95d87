"""Loading contributions and committees into the database (the write side of the money imports).

Used through the shared pipeline (``ingest.run_import``): each parser batch is written inside the
import's one transaction. Promises:

- Bulk writes: one executemany INSERT per batch (PostgreSQL: one COPY), never one ORM object per row.
- Identity: a contribution is (organization, source, source_key). Existing keys are fetched with
  one query per batch (in slices the database accepts). A later version of the same transaction
  (an amendment: higher FILE_NUM / later report) UPDATES the stored row in place, so the export
  never shows the replaced version; the same or an older version is counted as a duplicate and
  changes nothing. Re-importing a file is therefore a no-op.
- ``only_tracked``: rows are kept only when their recipient committee (or, for independent
  expenditures, the candidate) is linked to a person the organization tracks.
- After the load: the new and replaced rows are classified (METHOD.md 6.5 step 4) and pledge
  clauses re-evaluated, in the same transaction.
- Committees (cm), candidates (cn) and links (ccl) upsert Committee rows and link them to people
  through PersonIdentifier (schemes ``fec_candidate`` and ``fec_committee``); no person is created.
"""
from __future__ import annotations

import csv
import json
import logging
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import bindparam, false, func, insert, literal, select, tuple_, update

from imports import Batch, RowError
from imports.form460 import CALACCESS_REPORT
from imports.money_common import CONTRIBUTION_COLUMNS, version_ranks
from tracker import money
from tracker.csv_cells import neutralize
from tracker.extensions import db
from tracker.models import Committee, Contribution, FilingLink, Person, PersonIdentifier
from tracker.services import audit, bulk
from tracker.services.bulk import chunks
from tracker.services.paging import RowsPage
from tracker.services.ingest import ImportContext, ImportOptions, ImportResult, run_import

log = logging.getLogger(__name__)
LOOKUP_SLICE = 20_000  # bound parameters per IN (...) query: below SQLite's and PostgreSQL's limits
# SQLite: new rows are held until this many, then written sorted by key (see ContributionLoader._flush).
SORT_WINDOW_ROWS = 50_000
# SQLite: rows turned into Python tuples at a time (20,000 held 30 MB more at the peak, no faster).
EXECUTEMANY_ROWS = 5_000
STORED_COLUMNS = [c for c in CONTRIBUTION_COLUMNS if c != "version_rank"]
CLASSIFICATION_COLUMNS = ("donor_class", "tags", "rule", "confidence", "evidence")


# ----------------------------------------------------------------------------- entry points

def import_contributions(organization, path, fmt: str = "auto", *, strict: bool = False, dry_run: bool = False,
                         actor=None, only_tracked: bool = False, classify: bool = True,
                         committees_path=None) -> ImportResult:
    """Import one contributions file (any registered contributions format) for ``organization``.

    ``committees_path`` (a cm file) is imported first, as its own import run. Returns the
    ImportResult whose ``summary()`` is the ``--json`` object."""
    if committees_path:
        result = import_committees(organization, committees_path, "auto", strict=strict, dry_run=dry_run, actor=actor)
        if not result.ok:
            return result
    params = {}
    if only_tracked:
        params["only_tracked"] = True
    if not classify:
        params["classify"] = False
    return run_import(organization, "contributions", Path(path), ContributionLoader,
                      ImportOptions(fmt=fmt, strict=strict, dry_run=dry_run, actor=actor, params=params))


def import_committees(organization, path, fmt: str = "auto", *, strict: bool = False, dry_run: bool = False,
                      actor=None) -> ImportResult:
    """Import an FEC committee master (cm), candidate master (cn) or linkage (ccl) file."""
    return run_import(organization, "committees", Path(path), CommitteeLoader,
                      ImportOptions(fmt=fmt, strict=strict, dry_run=dry_run, actor=actor))


# ----------------------------------------------------------------------------- contributions

class ContributionLoader:
    """Writes ``contributions`` tables (see the module docstring for the rules)."""

    def __init__(self, context: ImportContext):
        self.org_id = context.organization.id
        params = context.options.params
        self.only_tracked = _truthy(params.get("only_tracked", False))
        self.classify = _truthy(params.get("classify", True))
        self.run_id = context.run.id if context.run is not None else None
        self.table = Contribution.__table__
        self.postgres = db.session.get_bind().dialect.name == "postgresql"
        # PostgreSQL: one COPY for the whole file, closed before any other statement on the connection.
        self.stream = bulk.CopyStream(self.table) if self.postgres else None
        # New rows are held as Arrow data until a window is full (see _flush): text that stays Arrow
        # from the file to the database is never held as Python strings meanwhile (parsers that do
        # not know the option ignore it).
        self.parse_options = {"arrow_text": True}
        if self.postgres:
            # Bigger blocks: less per-block pandas work (parsing a million itcont rows, 6.3 -> 5.1 s
            # of CPU). SQLite keeps the parser's default: there its page cache and the window of
            # held rows take the memory (5M rows: peak 489 MB with 4 MB blocks).
            self.parse_options["block_bytes"] = 4 << 20
        self.arrow_schema = _arrow_schema(self.table, ["organization_id", *STORED_COLUMNS, "committee_pk",
                                                       "import_run_id", "superseded"])
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        # PostgreSQL gains little from a window (its server's CPU for the COPY fell 10.9 -> 10.0 s a
        # million rows, at 110 MB more memory): it writes each batch, sorted, as it comes.
        self.window_rows = 1 if self.postgres else SORT_WINDOW_ROWS
        committees = db.session.execute(
            select(Committee.id, Committee.committee_id, Committee.name).where(Committee.organization_id == self.org_id)
        ).all()
        self.committee_pk = pd.Series({c.committee_id: c.id for c in committees}, dtype="float64")
        self.committee_name = pd.Series({c.committee_id: c.name for c in committees}, dtype=object)
        self.tracked_committees, self.tracked_candidates = (tracked_ids(self.org_id) if self.only_tracked else (set(), set()))
        self.replaced = 0
        self.skipped_untracked = 0
        self.person_of_committee, self.person_of_candidate = people_by_money_id(self.org_id)
        self.reached: dict[int, int] = {}  # person id -> rows of this file that go to them
        self.reports: set[tuple[str, str]] = set()  # (source, report_id) of the lines read
        # Hashes of the keys already stored: only rows whose hash is known are looked up in the
        # database, so a first import of a large file costs no lookup queries (8 bytes a row).
        self.known_keys: dict[str, KeyHashes] = defaultdict(KeyHashes)  # per source
        stored = db.session.execute(select(Contribution.source, Contribution.source_key)
                                    .where(Contribution.organization_id == self.org_id)
                                    .execution_options(yield_per=100_000))
        stored_rows = 0
        for part in stored.partitions():
            frame = pd.DataFrame(part, columns=["source", "source_key"])
            stored_rows += len(frame)
            for source, keys in frame.groupby("source"):
                self.known_keys[source].add(_key_hashes(keys["source_key"]))
        self.statistics = bulk.PlannerStatistics(self.table, stored_rows)

    def write(self, batch: Batch, context: ImportContext) -> tuple[int, int]:
        """Insert the batch's new contributions, update replaced versions; return (imported, duplicates)."""
        frame = batch.tables.get("contributions")
        if frame is None or frame.empty:
            return 0, 0
        _link_filings(self.org_id, frame)  # before --only-tracked, which looks at the recipient
        if self.only_tracked:
            keep = (frame["recipient_committee_id"].isin(self.tracked_committees)
                    | frame["candidate_id"].isin(self.tracked_candidates))
            self.skipped_untracked += int((~keep).sum())
            frame = frame[keep]
            if frame.empty:
                return 0, 0
        self._count_reached(frame)
        reported = frame["report_id"].notna().to_numpy()
        if reported.any():
            self.reports.update(frame.loc[reported, ["source", "report_id"]].drop_duplicates().itertuples(index=False, name=None))
        # Several versions of one transaction in this batch: the newest wins, the others are duplicates.
        rows = len(frame)
        frame["key_hash"] = _key_hashes(frame["source_key"])
        frame = _newest_versions(frame)
        duplicates = rows - len(frame)
        frame = self._enrich(frame)
        imported = 0
        for source, part in frame.groupby("source", sort=False):
            hashes = part["key_hash"].to_numpy()
            maybe_known = self.known_keys[source].contains(hashes)
            existing = self._existing(source, part.loc[maybe_known, "source_key"]) if maybe_known.any() else None
            if existing is None or existing.empty:
                fresh, changed = part, part.iloc[0:0]
            else:
                merged = part.merge(existing, on="source_key", how="left", suffixes=("", "_old"))
                known = merged["id_old"].notna().to_numpy()
                old_rank = version_ranks(source, merged["filing_id_old"])
                newer = (merged["version_rank"] > old_rank) | (
                    (merged["version_rank"] == old_rank) & (merged["raw_sha256"] != merged["raw_sha256_old"]))
                newer = newer.to_numpy() & known
                fresh = part[~known]
                changed = merged[newer]
                duplicates += int((known & ~newer).sum())
            if len(fresh):
                self._insert(fresh)
                self.known_keys[source].add(hashes[~part["source_key"].isin(existing["source_key"]).to_numpy()]
                                    if existing is not None and not existing.empty else hashes)
                imported += len(fresh)
            if len(changed):
                self._replace(changed)
                imported += len(changed)
                self.replaced += len(changed)
        return imported, duplicates

    def _count_reached(self, frame: pd.DataFrame) -> None:
        """Rows whose recipient committee (or, for independent expenditures, candidate) is a person's."""
        if self.person_of_committee.empty and self.person_of_candidate.empty:
            return
        person = frame["recipient_committee_id"].astype(object).map(self.person_of_committee)
        if not self.person_of_candidate.empty and "candidate_id" in frame:
            person = person.fillna(frame["candidate_id"].astype(object).map(self.person_of_candidate))
        for person_id, rows in person.dropna().astype("int64").value_counts().items():
            self.reached[int(person_id)] = self.reached.get(int(person_id), 0) + int(rows)

    def finish(self, context: ImportContext) -> None:
        """Classify what this import wrote and re-evaluate pledges; note the counts in the report."""
        from tracker.services.votes import reached_summary

        self._flush()
        self._release_connection()
        context.report["reached"] = reached_summary(self.reached)
        if self.replaced:
            context.report["replaced_by_amendment"] = self.replaced
        dropped = supersede_dropped_lines(self.org_id, self.reports)
        if dropped:
            context.report["dropped_by_amendment"] = dropped
        if self.only_tracked:
            context.report["skipped_untracked"] = self.skipped_untracked
        if not self.classify:
            context.report["classified"] = "skipped (--no-classify)"
            return
        if self.run_id is None:
            return
        self.statistics.refresh_if_stale()  # classification pages through this import's rows
        classified = classify_and_evaluate(context.organization, self.run_id, receipts_changed=bool(dropped))
        written = classified["rows"]
        if not written:
            return
        context.report["classified"] = classified
        audit.record(self.org_id, "import_contributions", "ImportRun",
                     after={"run": self.run_id, "file": context.path.name, "written": written},
                     member=context.options.actor)

    def abort(self, error: BaseException) -> None:
        """The import failed: drop the rows not yet sent, end an open COPY so the transaction can roll back."""
        self.pending, self.pending_rows = [], 0
        if self.stream is not None:
            self.stream.abort(error)

    # -- helpers

    def _release_connection(self) -> None:
        if self.stream is not None:
            self.stream.close()  # raises here if the server refused a row

    def _enrich(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame["receipt_kind"] = _receipt_kinds(frame)
        # itpas2 names its donor by committee id: show the committee's name when the cm row is known.
        named_by_id = (frame["donor_name"] == frame["donor_committee_id"]).to_numpy(dtype=bool, na_value=False)
        if named_by_id.any() and len(self.committee_name):
            names = frame.loc[named_by_id, "donor_committee_id"].map(self.committee_name)
            frame.loc[named_by_id, "donor_name"] = names.where(names.notna(), frame.loc[named_by_id, "donor_name"])
        pk = frame["recipient_committee_id"].map(self.committee_pk).astype("Int64").astype(object)
        frame["committee_pk"] = pk.where(pk.notna(), None)
        return frame

    def _existing(self, source: str, keys: pd.Series) -> pd.DataFrame:
        self._flush()  # a key may be among the rows not yet written
        self._release_connection()
        self.statistics.refresh_if_stale()  # else PostgreSQL may scan, not seek, the rows just inserted
        found = []
        for part in chunks(keys.tolist(), LOOKUP_SLICE):
            found += db.session.execute(
                select(Contribution.source_key, Contribution.id, Contribution.filing_id, Contribution.raw_sha256)
                .where(Contribution.organization_id == self.org_id, Contribution.source == source,
                       Contribution.source_key.in_(part))).all()
        return pd.DataFrame(found, columns=["source_key", "id_old", "filing_id_old", "raw_sha256_old"])

    def _records(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame[STORED_COLUMNS + ["committee_pk"]]  # a new frame already: no copy needed
        out.insert(0, "organization_id", self.org_id)
        out["import_run_id"] = self.run_id
        out["superseded"] = False
        return out

    def _insert(self, frame: pd.DataFrame) -> None:
        """Hold the new rows; written a window at a time (see _flush)."""
        records = pa.Table.from_pandas(self._records(frame), preserve_index=False, nthreads=1)
        self.pending.append(records.select(self.arrow_schema.names).cast(self.arrow_schema))
        self.pending_rows += records.num_rows
        if self.pending_rows >= self.window_rows:
            self._flush()

    def _flush(self) -> None:
        """Write the held rows sorted by identity key.

        Each row costs a visit to a leaf page of the unique (organization, source, source_key) index
        and of the recipient/date index. In file order those visits land all over both indexes,
        which soon outgrow SQLite's page cache; sorted, a window's rows fill a few neighbouring pages
        per committee (a key starts with the filer's committee id, which is also the recipient of
        most lines). A million generated itcont rows on SQLite: 26.6 s of CPU written per
        13,000-row batch, 22.0 s per 50,000-row window.
        """
        if not self.pending:
            return
        window = pa.concat_tables(self.pending)  # no copy: one chunk per batch
        self.pending, self.pending_rows = [], 0
        order = pc.sort_indices(window.column("source_key"))
        if self.postgres:
            self.stream.write(window, order)  # reordered and sent by the stream's writer thread
        else:
            _executemany_into(self.table, window.take(order))
        self.statistics.added_rows(window.num_rows)

    def _replace(self, merged: pd.DataFrame) -> None:
        self._flush()
        self._release_connection()
        records = self._records(merged)
        records["_id"] = merged["id_old"].astype("int64").to_numpy()
        for column in CLASSIFICATION_COLUMNS:
            records[column] = None  # the new version is classified afresh
        for column in records.columns:  # Arrow-backed text (see parse_options): None for missing
            if isinstance(records[column].dtype, pd.StringDtype):
                records[column] = pd.Series(records[column].to_numpy(dtype=object, na_value=None),
                                            index=records.index, dtype=object)
        columns = [c for c in records.columns if c not in ("_id", "organization_id")]
        statement = (update(self.table).where(self.table.c.id == bindparam("_id"))
                     .values({c: bindparam(c) for c in columns}))
        db.session.execute(statement, records.to_dict("records"))


def filers_of(organization_id: int, filing_ids: list[str]) -> dict[str, str]:
    """CAL-ACCESS filer id of each filing that FILER_FILINGS_CD linked (FilingLink)."""
    found = {}
    for part in chunks(filing_ids, LOOKUP_SLICE):
        found.update(db.session.execute(select(FilingLink.filing_id, FilingLink.filer_id).where(
            FilingLink.organization_id == organization_id, FilingLink.filing_id.in_(part))).all())
    return found


def _link_filings(organization_id: int, frame: pd.DataFrame) -> None:
    """CAL-ACCESS lines whose recipient is still their filing (RCPT_CD names no filer; see
    imports/form460.py) get the filer that FILER_FILINGS_CD links to that filing, in place."""
    report = frame["report_id"]
    if not report.notna().any():  # FEC files: no report ids at all
        return
    text = report.astype("string")
    filing = text.str.split(":", n=2).str[1]
    # A line without a recipient (or a report id) compares as NA: fill before combining.
    unlinked = (text.str.startswith(CALACCESS_REPORT).fillna(False)
                & (frame["recipient_committee_id"].astype("string") == filing).fillna(False))
    unlinked = unlinked.fillna(False).to_numpy(dtype=bool)
    if not unlinked.any():
        return
    filers = filing[unlinked].map(filers_of(organization_id, filing[unlinked].unique().tolist()))
    frame.loc[unlinked, "recipient_committee_id"] = filers.where(filers.notna(), frame.loc[unlinked, "recipient_committee_id"])


def relink_filings(organization_id: int) -> int:
    """Stored CAL-ACCESS lines whose recipient is still their own filing, and whose filing a
    FilingLink now names the filer of, get that filer (and its Committee) as recipient: one
    UPDATE ... FROM filing_link. Returns the lines changed."""
    table, link = Contribution.__table__, FilingLink.__table__
    filer_committee = (select(Committee.id).where(Committee.organization_id == organization_id,
                                                  Committee.committee_id == link.c.filer_id)
                       .limit(1).scalar_subquery())
    statement = (update(table)
                 .where(table.c.organization_id == organization_id, table.c.source == "form460",
                        link.c.organization_id == organization_id,
                        table.c.recipient_committee_id == link.c.filing_id,
                        table.c.report_id.like(literal(CALACCESS_REPORT) + link.c.filing_id + ":%"))
                 .values(recipient_committee_id=link.c.filer_id, committee_pk=filer_committee))
    return db.session.execute(statement).rowcount


def supersede_dropped_lines(organization_id: int, reports: set[tuple[str, str]]) -> int:
    """In each of ``reports`` ((source, report_id) pairs), only the lines of the report's latest
    version count (METHOD.md F08): a stored line whose version is older than the newest version
    stored for its report was left out of that amendment, and is marked superseded (a line the
    amendment lists again was updated to its version on the way in). Returns how many lines were
    newly superseded; the same reports checked again change nothing.

    Works on (report, version) groups, not lines: a report has a handful of versions however many
    lines it holds, so a state-wide dump costs one grouped query and one UPDATE per slice of reports."""
    dropped = 0
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, report_id in reports:
        by_source[source].append(report_id)
    table = Contribution.__table__
    current = [table.c.organization_id == organization_id, table.c.superseded.is_(False)]
    for source, report_ids in by_source.items():
        found = []
        for part in chunks(report_ids, LOOKUP_SLICE):
            found += db.session.execute(
                select(table.c.report_id, table.c.filing_id, func.count())
                .where(*current, table.c.source == source, table.c.report_id.in_(part))
                .group_by(table.c.report_id, table.c.filing_id)).all()
        versions = pd.DataFrame(found, columns=["report_id", "filing_id", "lines"])
        if versions.empty:
            continue
        rank = version_ranks(source, versions["filing_id"])
        older = versions[(rank < rank.groupby(versions["report_id"]).transform("max")).to_numpy()]
        dropped += int(older["lines"].sum())
        # One UPDATE per slice of (report, version) pairs; a version without a filing id apart.
        numbered = older["filing_id"].notna().to_numpy()
        stale = [tuple_(table.c.report_id, table.c.filing_id).in_(part)
                 for part in chunks(list(older.loc[numbered, ["report_id", "filing_id"]].itertuples(index=False, name=None)),
                                    LOOKUP_SLICE // 2)]
        stale += [table.c.report_id.in_(part) & table.c.filing_id.is_(None)
                  for part in chunks(older.loc[~numbered, "report_id"].tolist(), LOOKUP_SLICE)]
        for condition in stale:
            db.session.execute(update(table).where(*current, table.c.source == source, condition).values(superseded=True))
    return dropped


class KeyHashes:
    """A set of 64-bit key hashes: one big sorted numpy array plus small sorted recent ones, merged
    every million keys (8 bytes a key). A collision only costs a database lookup, never a wrong
    answer; 64 bits make one unlikely even at tens of millions of keys (32 bits gave a lookup in
    most batches of a large file, and on PostgreSQL each lookup ends the streamed COPY)."""

    MERGE_EVERY = 1_000_000
    MAX_RECENT = 8

    def __init__(self):
        self.main = np.empty(0, dtype=np.uint64)
        self.recent: list[np.ndarray] = []
        self.recent_size = 0

    def add(self, hashes: np.ndarray) -> None:
        self.recent.append(np.sort(hashes))
        self.recent_size += len(hashes)
        if self.recent_size >= self.MERGE_EVERY:
            merged = np.concatenate([self.main, *self.recent])
            merged.sort()  # in place: one copy of the set at a time, not two (40 MB at 5M keys)
            self.main = merged
            self.recent, self.recent_size = [], 0
        elif len(self.recent) > self.MAX_RECENT:
            # Few arrays to search: each lookup costs one binary search per array.
            recent = np.concatenate(self.recent)
            recent.sort()
            self.recent = [recent]

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        order = np.argsort(hashes)
        needles = hashes[order]  # sorted needles: numpy's searchsorted walks the array in order
        found_sorted = np.zeros(len(hashes), dtype=bool)
        for values in (self.main, *self.recent):
            if len(values):
                where = np.searchsorted(values, needles).clip(max=len(values) - 1)
                found_sorted |= values[where] == needles
        found = np.empty_like(found_sorted)
        found[order] = found_sorted
        return found


def _newest_versions(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per source_key: the highest version_rank, the later line on a tie. Repeated keys are
    rare, so they are first looked for among 64-bit hashes (fast), and only then compared as text."""
    if not frame["key_hash"].duplicated().any():
        return frame
    ranks = frame["version_rank"].to_numpy()
    if len(ranks) and ranks.min() != ranks.max():
        frame = frame.sort_values("version_rank", kind="stable")
    return frame.drop_duplicates("source_key", keep="last")


def _key_hashes(keys: pd.Series) -> np.ndarray:
    # Python's string hash (C speed); only compared within this process, where it is stable.
    hashes = np.fromiter(map(hash, keys.tolist()), dtype=np.int64, count=len(keys))
    return hashes.view(np.uint64)


def _arrow_schema(table, columns: list[str]) -> pa.Schema:
    """The Arrow types of ``columns`` of ``table`` (the window of rows held before writing)."""
    from sqlalchemy import Boolean, Date, Integer

    def arrow_type(column):
        if isinstance(column.type, Boolean):
            return pa.bool_()
        if isinstance(column.type, Date):
            return pa.date32()
        if isinstance(column.type, Integer):  # BigInteger too
            return pa.int64()
        return pa.large_string()  # what pandas' Arrow-backed strings hold: no copy to cast

    return pa.schema([(name, arrow_type(table.c[name])) for name in columns])


def _executemany_into(table, records: pa.Table) -> None:
    """SQLite bulk insert: the INSERT is compiled by SQLAlchemy, the rows go to the driver's
    executemany as plain tuples made from Arrow slices (no per-row parameter processing)."""
    connection = db.session.connection()
    # A bigger page cache for this connection (SQLite's default is 2 MB): with millions of rows,
    # the unique index on source_key otherwise rereads its pages from disk on every insert.
    connection.exec_driver_sql("PRAGMA cache_size = -32768")
    statement = insert(table).compile(dialect=connection.dialect, column_keys=records.column_names)
    records = records.select(list(statement.positiontup))
    for index, field in enumerate(records.schema):
        if pa.types.is_date(field.type):  # SQLite keeps dates as ISO text
            records = records.set_column(index, field.name, records.column(index).cast(pa.string()))
    for start in range(0, records.num_rows, EXECUTEMANY_ROWS):
        part = records.slice(start, EXECUTEMANY_ROWS)
        connection.exec_driver_sql(str(statement), list(zip(*(column.to_pylist() for column in part.columns))))


def _receipt_kinds(frame: pd.DataFrame) -> pd.Series:
    """money.receipt_kinds decides; a Form 460 Schedule C line stays in-kind (its schedule is known
    to the parser only)."""
    kinds = money.receipt_kinds(frame)
    return kinds.mask((frame["receipt_kind"] == "in_kind").to_numpy(), "in_kind")


def _truthy(value) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on")


def people_by_money_id(org_id: int) -> tuple[pd.Series, pd.Series]:
    """(person id by committee or filer id, person id by FEC candidate id) for everyone on file:
    the ids people carry, and the committees linked to them."""
    identifiers = db.session.execute(select(PersonIdentifier.scheme, PersonIdentifier.value, PersonIdentifier.person_id).where(
        PersonIdentifier.organization_id == org_id,
        PersonIdentifier.scheme.in_(("fec_committee", "state_filer", "fec_candidate")))).all()
    by_committee = dict(db.session.execute(select(Committee.committee_id, Committee.person_id).where(
        Committee.organization_id == org_id, Committee.person_id.is_not(None))).all())
    by_committee.update({v: p for s, v, p in identifiers if s != "fec_candidate"})
    by_candidate = {v: p for s, v, p in identifiers if s == "fec_candidate"}
    return pd.Series(by_committee, dtype=object), pd.Series(by_candidate, dtype=object)


def tracked_ids(org_id: int) -> tuple[set[str], set[str]]:
    """(committee ids, FEC candidate ids) linked to people the organization tracks."""
    tracked = select(Person.id).where(Person.organization_id == org_id, Person.tracked.is_(True))
    identifiers = db.session.execute(select(PersonIdentifier.scheme, PersonIdentifier.value).where(
        PersonIdentifier.organization_id == org_id, PersonIdentifier.person_id.in_(tracked))).all()
    candidates = {v for s, v in identifiers if s == "fec_candidate"}
    committees = {v for s, v in identifiers if s in ("fec_committee", "state_filer")}
    committees |= set(db.session.scalars(select(Committee.committee_id).where(
        Committee.organization_id == org_id,
        (Committee.person_id.in_(tracked)) | (Committee.candidate_id.in_(candidates) if candidates else False))))
    return committees, candidates


# ----------------------------------------------------------------------------- classification

def classify_and_evaluate(organization, run_id: int, receipts_changed: bool = False) -> dict:
    """Classify what import run ``run_id`` wrote (in slices: constant memory) and judge the
    organization's pledges again (also when nothing new was written but ``receipts_changed``:
    lines an amendment dropped)."""
    from tracker.services import flags

    classified = flags.classify_contributions(organization, run_id=run_id)
    if not classified["classified"]:
        if receipts_changed:
            flags.evaluate_organization(organization)
        return {"rows": 0}  # nothing written: nothing to judge again
    evaluation = flags.evaluate_organization(organization)
    return {"rows": classified["classified"], "by_class": classified["by_class"], "pledges": evaluation}


# ----------------------------------------------------------------------------- committees

COMMITTEE_FIELDS = ("name", "committee_type", "designation", "org_type", "connected_org", "party", "candidate_id")


class CommitteeLoader:
    """Upserts committees (cm), attaches candidates (cn) to their principal committees and records
    candidate-committee links (ccl); links committees to tracked people's identifiers."""

    def __init__(self, context: ImportContext):
        self.org_id = context.organization.id

    def write(self, batch: Batch, context: ImportContext) -> tuple[int, int]:
        imported = duplicates = 0
        for table, frame in batch.tables.items():
            if frame.empty:
                continue
            handler = {"committees": self._committees, "candidates": self._candidates, "links": self._links,
                       "filing_links": self._filing_links}[table]
            i, d = handler(frame, context)
            imported += i
            duplicates += d
        return imported, duplicates

    def finish(self, context: ImportContext) -> None:
        linked = link_committees_to_people(self.org_id)
        context.report["committees_linked_to_people"] = linked
        if context.parser_name == "calaccess-filings":
            relinked = relink_filings(self.org_id)
            context.report["contributions_linked_to_filers"] = relinked
            if relinked:  # those receipts now reach their committee's person: judge the pledges again
                from tracker.services import flags
                flags.evaluate_organization(context.organization)
        audit.record(self.org_id, "import_committees", "ImportRun",
                     after={"file": context.path.name, "linked": linked}, member=context.options.actor)

    def _existing(self, ids) -> dict[str, Committee]:
        found: dict[str, Committee] = {}
        for part in chunks(list(dict.fromkeys(ids)), LOOKUP_SLICE):
            for committee in db.session.scalars(select(Committee).where(
                    Committee.organization_id == self.org_id, Committee.source == "fec",
                    Committee.committee_id.in_(part))):
                found[committee.committee_id] = committee
        return found

    def _committees(self, frame: pd.DataFrame, context) -> tuple[int, int]:
        frame = frame.drop_duplicates("committee_id", keep="last")
        existing = self._existing(frame["committee_id"])
        new, imported, duplicates = [], 0, 0
        for row in frame.to_dict("records"):  # committee files are small (about 20k rows a cycle)
            values = {f: row.get(f) for f in COMMITTEE_FIELDS}
            values["raw"] = row["raw"]
            current = existing.get(row["committee_id"])
            if current is None:
                new.append({"organization_id": self.org_id, "source": "fec", "committee_id": row["committee_id"], **values})
            elif _differs(current, values):
                candidate = current.raw.get("candidate") if current.raw else None
                for key, value in values.items():
                    setattr(current, key, value)
                if candidate:
                    current.raw = {**values["raw"], "candidate": candidate}
                imported += 1
            else:
                duplicates += 1
        if new:
            db.session.execute(insert(Committee), new)
        db.session.flush()
        return imported + len(new), duplicates

    def _candidates(self, frame: pd.DataFrame, context) -> tuple[int, int]:
        # A candidate without a principal committee has nowhere to be kept: say so in the report.
        orphans = frame.loc[frame["principal_committee_id"].isna(), "candidate_id"].tolist()
        if orphans:
            context.report.setdefault("candidates_without_principal_committee", []).extend(orphans)
        frame = frame[frame["principal_committee_id"].notna()]
        existing = self._existing(frame["principal_committee_id"])
        imported = duplicates = 0
        for row in frame.to_dict("records"):
            committee = existing.get(row["principal_committee_id"])
            candidate = {k: row[k] for k in ("candidate_id", "name", "party", "office", "state", "district", "election_year")}
            if committee is None:
                committee = Committee(organization_id=self.org_id, source="fec", committee_id=row["principal_committee_id"],
                                      name=f"{row['name']} (principal campaign committee)", committee_type=row["office"],
                                      designation="P", candidate_id=row["candidate_id"], raw={"candidate": candidate})
                db.session.add(committee)
                existing[committee.committee_id] = committee
                imported += 1
            elif committee.candidate_id == row["candidate_id"] and (committee.raw or {}).get("candidate") == candidate:
                duplicates += 1
            else:
                committee.candidate_id = committee.candidate_id or row["candidate_id"]
                committee.raw = {**(committee.raw or {}), "candidate": candidate}
                imported += 1
        db.session.flush()
        return imported, duplicates

    def _filing_links(self, frame: pd.DataFrame, context) -> tuple[int, int]:
        """FILER_FILINGS_CD rows: one link per filing (its versions repeat it); a filing already
        linked to another filer is reported, not changed."""
        repeated = frame.duplicated("filing_id", keep="first").to_numpy()
        first_filer = frame.drop_duplicates("filing_id").set_index("filing_id")["filer_id"]
        for filing, filer, line in frame.loc[repeated, ["filing_id", "filer_id", "source_line"]].itertuples(index=False):
            if first_filer[filing] != filer:
                context.extra_errors.append(RowError(int(line), "FILER_ID", f"filing {filing} is linked to filer "
                                                     f"{first_filer[filing]} earlier in the file; {filer} was not recorded"))
        frame = frame.loc[~repeated]
        stored = filers_of(self.org_id, frame["filing_id"].tolist())
        known = frame["filing_id"].isin(stored).to_numpy()
        for filing, filer, line in frame.loc[known, ["filing_id", "filer_id", "source_line"]].itertuples(index=False):
            if stored[filing] != filer:
                context.extra_errors.append(RowError(int(line), "FILER_ID", f"filing {filing} is linked to filer "
                                                     f"{stored[filing]} already; {filer} was not recorded"))
        new = frame.loc[~known]
        if len(new):
            db.session.execute(insert(FilingLink), [{"organization_id": self.org_id, "filing_id": f, "filer_id": r}
                                                    for f, r in zip(new["filing_id"], new["filer_id"])])
        return len(new), int(known.sum()) + int(repeated.sum())

    def _links(self, frame: pd.DataFrame, context) -> tuple[int, int]:
        existing = self._existing(frame["committee_id"])
        imported = duplicates = 0
        for row in frame.to_dict("records"):
            committee = existing.get(row["committee_id"])
            if committee is None:
                committee = Committee(organization_id=self.org_id, source="fec", committee_id=row["committee_id"],
                                      name=row["committee_id"], committee_type=row["committee_type"],
                                      designation=row["designation"], candidate_id=row["candidate_id"],
                                      raw={"links": [row["candidate_id"]]})
                db.session.add(committee)
                existing[committee.committee_id] = committee
                imported += 1
                continue
            links = list((committee.raw or {}).get("links", []))
            if row["candidate_id"] in links and committee.candidate_id:
                duplicates += 1
                continue
            if row["candidate_id"] not in links:
                links.append(row["candidate_id"])
            committee.raw = {**(committee.raw or {}), "links": links}
            committee.candidate_id = committee.candidate_id or row["candidate_id"]
            imported += 1
        db.session.flush()
        return imported, duplicates


def _differs(committee: Committee, values: dict) -> bool:
    for key, value in values.items():
        if key == "raw":
            stored = {k: v for k, v in (committee.raw or {}).items() if k not in ("candidate", "links")}
            if stored != value:
                return True
        elif key == "candidate_id":
            if value and committee.candidate_id != value:
                return True
        elif getattr(committee, key) != value:
            return True
    return False


def link_committees_to_people(org_id: int) -> int:
    """Set Committee.person_id from PersonIdentifier (fec_committee = committee id, or fec_candidate
    = the committee's candidate id). Returns how many committees are linked to a person."""
    identifiers = db.session.execute(select(PersonIdentifier.scheme, PersonIdentifier.value, PersonIdentifier.person_id)
                                     .where(PersonIdentifier.organization_id == org_id,
                                            PersonIdentifier.scheme.in_(("fec_committee", "fec_candidate")))).all()
    by_committee = {v: p for s, v, p in identifiers if s == "fec_committee"}
    by_candidate = {v: p for s, v, p in identifiers if s == "fec_candidate"}
    if not identifiers:
        return 0
    linked = 0
    for committee in db.session.scalars(select(Committee).where(Committee.organization_id == org_id)):
        person = by_committee.get(committee.committee_id) or by_candidate.get(committee.candidate_id or "")
        if person and committee.person_id != person:
            committee.person_id = person
        if committee.person_id:
            linked += 1
    db.session.flush()
    return linked


def person_committee_ids(person) -> tuple[list[str], list[str]]:
    """(committee ids, FEC candidate ids) of a person: linked committees plus their identifiers."""
    candidates = [i.value for i in person.identifiers if i.scheme == "fec_candidate"]
    committees = {i.value for i in person.identifiers if i.scheme in ("fec_committee", "state_filer")}
    condition = Committee.person_id == person.id
    if candidates:
        condition = condition | Committee.candidate_id.in_(candidates)
    committees |= set(db.session.scalars(select(Committee.committee_id).where(
        Committee.organization_id == person.organization_id, condition)))
    return sorted(committees), candidates


# ----------------------------------------------------------------------------- export

EXPORT_COLUMNS = ["source_file", "source_line", "tran_id", "sub_id", "recipient_committee_id", "donor_name",
                  "donor_entity_type", "donor_committee_id", "employer", "occupation", "amount", "date", "memo",
                  "donor_class", "tags", "rule", "confidence", "evidence",
                  # more, after the contract's columns:
                  "receipt_kind", "transaction_type", "candidate_id", "filing_id", "amendment_indicator",
                  "image_num", "city", "state", "zip_code", "memo_text", "source", "source_key", "raw_sha256", "id"]
_EXPORT_FIELDS = [c for c in EXPORT_COLUMNS if c not in ("amount", "date")]


def contribution_query(organization_id: int, *conditions):
    """Current contributions of an organization (replaced amendment versions excluded), in filing order."""
    fields = [getattr(Contribution, c) for c in _EXPORT_FIELDS] + [Contribution.amount_cents, Contribution.received_on]
    return (select(*fields).where(Contribution.organization_id == organization_id,
                                  Contribution.superseded.is_(False), *conditions)
            .order_by(Contribution.source_file, Contribution.source_line, Contribution.id))


def export_rows(organization_id: int, *conditions, batch_size: int = 5000):
    """One dict per contribution with EXPORT_COLUMNS: amount in dollars with cents, date ISO,
    evidence as JSON text, memo true/false."""
    query = contribution_query(organization_id, *conditions).execution_options(yield_per=batch_size)
    for row in db.session.execute(query):
        values = dict(zip(_EXPORT_FIELDS, row[:len(_EXPORT_FIELDS)]))
        cents, received_on = row[len(_EXPORT_FIELDS):]
        values["amount"] = format_dollars(cents)
        values["date"] = received_on.isoformat() if received_on else ""
        values["memo"] = bool(values["memo"])
        values["evidence"] = json.dumps(values["evidence"], sort_keys=True, default=str) if values["evidence"] else ""
        yield {c: ("" if values[c] is None else values[c]) for c in EXPORT_COLUMNS}


def format_dollars(cents: int) -> str:
    """Integer cents as dollars with cents ("-500.00"), exact (no float)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def write_export(rows, handle, fmt: str = "csv") -> int:
    """Write export rows to ``handle`` as CSV (cells neutralized; ``amount`` stays a number) or a
    JSON array; returns the row count."""
    count = 0
    if fmt == "csv":
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([row[c] if c == "amount" else neutralize(row[c]) for c in EXPORT_COLUMNS])
            count += 1
        return count
    if fmt != "json":
        raise ValueError(f"unknown export format {fmt!r}: csv or json")
    handle.write("[")
    for row in rows:
        if row["evidence"]:
            row = {**row, "evidence": json.loads(row["evidence"])}
        handle.write(("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False, default=str))
        count += 1
    handle.write("\n]\n")
    return count


def export_contributions(organization_id: int, handle, fmt: str = "csv") -> int:
    """Write every current contribution of the organization as CSV or JSON; returns the row count."""
    return write_export(export_rows(organization_id), handle, fmt)


__all__ = ["import_contributions", "import_committees", "ContributionLoader", "CommitteeLoader",
           "classify_and_evaluate", "link_committees_to_people", "person_committee_ids", "tracked_ids",
           "export_contributions", "export_rows", "write_export", "EXPORT_COLUMNS"]


# ----------------------------------------------------------------------------- a person's money page

RECEIVED_KINDS = ("receipt", "in_kind", "refund")


def person_receipt_conditions(person) -> tuple[list, list]:
    """SQL conditions selecting (money the person's committees received, independent expenditures
    about the person), both excluding replaced amendment versions."""
    committees, candidates = person_committee_ids(person)
    base = [Contribution.organization_id == person.organization_id, Contribution.superseded.is_(False)]
    received = Contribution.recipient_committee_id.in_(committees) if committees else false()
    if candidates:
        received = received | (Contribution.candidate_id.in_(candidates) & Contribution.transaction_type.in_(("24K", "24Z")))
    receipts = base + [received, Contribution.receipt_kind.in_(RECEIVED_KINDS)]
    about = Contribution.candidate_id.in_(candidates) if candidates else false()
    expenditures = base + [about, Contribution.receipt_kind == "independent_expenditure"]
    return receipts, expenditures


def person_money(person, donor_page: int = 1, per_page: int = 50) -> dict:
    """Everything the person's money page shows, from aggregate queries (no row-by-row loading):
    totals by class, top donors and one page of all donors, monthly totals, flagged receipts with
    their evidence, independent expenditures for and against. Cash totals leave memo lines out
    (they attribute money already counted, METHOD.md 6.5 step 2); refunds count negative."""
    from sqlalchemy import case, func

    from tracker.models import Flag, PledgeClause

    receipts, expenditures = person_receipt_conditions(person)
    cash = ~Contribution.memo
    signed = case((Contribution.receipt_kind == "refund", -func.abs(Contribution.amount_cents)),
                  else_=Contribution.amount_cents)
    by_class = db.session.execute(
        select(func.coalesce(Contribution.donor_class, "unclassified"), func.count(Contribution.id), func.sum(signed))
        .where(*receipts, cash).group_by(Contribution.donor_class).order_by(func.sum(signed).desc())).all()
    donor_query = (select(Contribution.donor_name, func.min(Contribution.donor_class), func.count(Contribution.id),
                          func.sum(signed).label("total"))
                   .where(*receipts, cash).group_by(Contribution.donor_name))
    donors_total = db.session.scalar(select(func.count()).select_from(donor_query.subquery()))
    ordered = donor_query.order_by(func.sum(signed).desc(), Contribution.donor_name)
    top_donors = db.session.execute(ordered.limit(25)).all()
    donor_rows = db.session.execute(ordered.limit(per_page).offset((donor_page - 1) * per_page)).all()
    dated = db.session.execute(select(Contribution.received_on, signed).where(*receipts, cash,
                                                                             Contribution.received_on.is_not(None))).all()
    monthly = _monthly(dated)
    flags = db.session.execute(
        select(Flag, Contribution, PledgeClause.kind).join(Contribution, Flag.contribution_id == Contribution.id)
        .join(PledgeClause, Flag.pledge_clause_id == PledgeClause.id)
        .where(Flag.person_id == person.id, Flag.publication == "published")
        .order_by(Contribution.received_on, Contribution.id)).all()
    ies = db.session.execute(
        select(Contribution.transaction_type, Contribution.donor_committee_id, Contribution.donor_name,
               func.count(Contribution.id), func.sum(Contribution.amount_cents))
        .where(*expenditures).group_by(Contribution.transaction_type, Contribution.donor_committee_id, Contribution.donor_name)
        .order_by(func.sum(Contribution.amount_cents).desc())).all()
    return {
        "by_class": [{"donor_class": c, "count": n, "cents": int(total or 0)} for c, n, total in by_class],
        "total_cents": sum(int(t or 0) for _, _, t in by_class),
        "top_donors": [_donor(r) for r in top_donors],
        "donors": RowsPage([_donor(r) for r in donor_rows], donor_page, per_page, donors_total or 0),
        "monthly": monthly,
        "flags": [{"flag": f, "contribution": c, "clause": kind} for f, c, kind in flags],
        "independent_expenditures": [{"support": "for" if tt == "24E" else "against", "committee_id": cid, "name": name,
                                      "count": n, "cents": int(total or 0)} for tt, cid, name, n, total in ies],
    }


def _donor(row) -> dict:
    name, donor_class, count, total = row
    return {"name": name, "donor_class": donor_class or "unclassified", "count": count, "cents": int(total or 0)}


def _monthly(rows) -> list[dict]:
    if not rows:
        return []
    frame = pd.DataFrame(rows, columns=["received_on", "cents"])
    months = pd.to_datetime(frame["received_on"]).dt.strftime("%Y-%m")
    totals = frame.groupby(months)["cents"].agg(["sum", "count"]).sort_index()
    return [{"month": month, "cents": int(total), "count": int(count)} for month, (total, count) in totals.iterrows()]


def export_person(person, handle, fmt: str = "csv") -> int:
    """Write the person's contributions (receipts and independent expenditures) as CSV or JSON."""
    from sqlalchemy import and_, or_

    receipts, expenditures = person_receipt_conditions(person)
    condition = or_(and_(*receipts[2:]), and_(*expenditures[2:]))
    return write_export(export_rows(person.organization_id, condition), handle, fmt)
