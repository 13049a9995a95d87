"""Roll-call votes: the loader behind `flask import votes` and the upload page, and the export.

The loader writes what a vote parser yields (``roll_calls`` and ``positions`` tables, see
imports/base.py) inside the import's one transaction:
- bodies by name within the organization (``--body`` overrides the file's), created when missing;
- a roll call is keyed by (organization, source_id): one that exists already is left exactly as it
  is, its rows count as duplicates, and only voters it lacked are added;
- voters are matched to people (tracker/services/people.py); the unmatched wait in the review queue
  with their positions stored (person empty): nothing is dropped. Each voter key is one Voter row,
  which positions refer to by id;
- positions are bulk inserted in primary-key order (COPY on PostgreSQL); stored positions are
  looked up once per batch, only on the roll calls that existed before it.
"""
from __future__ import annotations

import csv
import json
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, literal_column

from imports import Batch, RowError
from tracker.csv_cells import neutralize
from tracker.extensions import FOREIGN_KEYS_OFF, db
from tracker.models import Body, ImportRun, Member, Person, PersonIdentifier, RollCall, Voter, VotePosition
from tracker.services import audit, bulk, scores
from tracker.services.bulk import chunks
from tracker.services.people import VoterSeen, bodies_by_name, match_voters

INSERT_CHUNK = 20_000
# SQLite: an import expected to add at least this many positions checks their references once per
# batch instead of once per row (see _check_references_in_bulk), and, when it adds at least as many
# as the table holds, drops the table's secondary indexes and builds them again at the end (see
# _defer_indexes).
DEFER_INDEXES_MIN_ROWS = 200_000
MAX_REPORTED_LABELS = 1_000
# What a vote import's rows refer to, by the name of its table (see _check_references_in_bulk).
REFERENCED = {"roll_call": RollCall, "voter": Voter, "person": Person, "body": Body, "import_run": ImportRun,
              "member": Member}
ROLL_CALL_COLUMNS = ("source_url", "motion", "title", "question", "required_majority", "result",
                     "yes_count", "no_count", "other_count", "needs_review", "review_note")
EXPORT_COLUMNS = ("body", "roll_call_source_id", "date", "motion", "title", "result", "person_name",
                  "person_ids", "position", "raw_label", "tracker_person_id", "voter_key", "needs_review")


def _plain(value):
    """A database-ready scalar: NaN/NaT/pd.NA -> None, numpy numbers -> Python numbers."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    return value.item() if hasattr(value, "item") else value


def _as_date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce").dt.date


def _text(value) -> str:
    """Text of a parsed value; "" for None and NaN."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _text_codes(values: pd.Series, width: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(code of each row, the distinct texts): "" when missing, at most ``width`` characters, each
    distinct value converted once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    text_codes, texts = pd.factorize(np.array([_text(u)[:width] for u in uniques], dtype=object))  # cut: two may meet
    return text_codes[codes], np.asarray(texts, dtype=object)


def _categories(codes: np.ndarray, texts: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object), validate=False)


def _python_values(column: pd.Series) -> list:
    """A column as plain Python values for the driver (None where missing)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return np.asarray(column.cat.categories, dtype=object)[column.cat.codes.to_numpy()].tolist()
    if column.isna().any():
        return column.to_numpy(dtype=object, na_value=None).tolist()
    return column.to_numpy(dtype=np.int64 if pd.api.types.is_integer_dtype(column.dtype) else object).tolist()


class VoteLoader:
    """Writes vote batches for one import (see the module docstring); ``finish`` fills the report."""

    def __init__(self, context):
        self.context = context
        self.organization_id = context.organization.id
        self.body_override = (context.options.params or {}).get("body") or None
        self.review_labels: list[dict] = []
        self.review_label_count = 0
        self.queued: set[tuple[int, str]] = set()
        self.reached: dict[int, int] = {}  # person id -> new votes of theirs (the preview says who)
        self.bodies: set[str] = set()
        self.roll_calls_new = 0
        self.identifiers_added = 0
        self.positions_written = 0
        self.voter_ids: dict[str, int] = {}  # voter key -> Voter id, for this import
        self.expected_positions: int | None = None  # estimated from the first batch
        self.deferred_indexes: list | None = None  # None: not decided yet
        # Set while SQLite's per-row foreign key checks are off: the ids this import refers to,
        # checked set-wise by finish().
        self.references: dict[str, set[int]] | None = None

    def write(self, batch: Batch, context) -> tuple[int, int]:
        """Write one batch; returns (positions added, positions already there)."""
        roll_calls = batch.tables.get("roll_calls", pd.DataFrame(columns=["source_id", "body", "voted_on"]))
        positions = batch.tables.get("positions", pd.DataFrame(columns=["roll_call_source_id", "voter_key"]))
        self._note_unknown_labels(positions)
        if self.expected_positions is None and not positions.empty:
            # Extrapolated from the first batch: at most 100 times it (a parser's early progress can be ~0).
            self.expected_positions = int(len(positions) / max(batch.progress, 0.01))
            self.references = self._check_references_in_bulk()
        known, created = self._upsert_roll_calls(roll_calls, context)
        if positions.empty:
            return 0, 0
        # Vectorized on integer codes: a batch holds tens of thousands of rows but only a few
        # hundred distinct voters, a handful of labels and roll calls.
        source_codes, source_ids = _text_codes(positions["roll_call_source_id"])
        described = [known.get(source_id, (-1, -1, None)) for source_id in source_ids]  # -1: not in the file
        roll_call_of, body_of = (np.array([d[i] for d in described], dtype=np.int64) for i in (0, 1))
        day_of = pd.to_datetime(pd.Series([d[2] for d in described], dtype=object)).to_numpy()
        orphan = roll_call_of[source_codes] < 0
        if orphan.any():
            for line, source_id in positions.loc[orphan, ["line", "roll_call_source_id"]].itertuples(index=False, name=None):
                context.extra_errors.append(RowError(_plain(line), "roll_call", f"roll call {source_id!r} is not in the file"))
            positions, source_codes = positions.loc[~orphan], source_codes[~orphan]
            if positions.empty:
                return 0, 0
        roll_call_ids = roll_call_of[source_codes]
        key_codes, keys = _text_codes(positions["voter_key"], width=200)
        voter_of_key = self._voter_ids(keys, key_codes, positions["voter_name"])
        pairs = roll_call_ids * len(keys) + key_codes  # (roll call, voter) as one integer

        keep = np.ones(len(positions), dtype=bool)
        duplicates = 0
        # The same voter twice on one roll call in this file: a duplicate if the label agrees, else an error.
        repeated = pd.Index(pairs).duplicated(keep="first")
        if repeated.any():
            labels = positions["raw_label"].to_numpy(dtype=object)
            first_label = dict(zip(pairs[~repeated].tolist(), labels[~repeated].tolist()))
            lines = positions["line"].to_numpy(dtype=object)
            for row in np.flatnonzero(repeated):
                if labels[row] == first_label[pairs[row]]:
                    duplicates += 1
                else:
                    context.extra_errors.append(RowError(_plain(lines[row]), "option", f"{keys[key_codes[row]]} is listed "
                                                         f"again on this roll call with a different label {labels[row]!r}; "
                                                         "the first one was kept"))
            keep &= ~repeated
        # Roll calls that existed before this batch may hold some of these voters already.
        earlier = sorted(set(np.unique(roll_call_ids[keep]).tolist()) - created)
        if earlier:
            stored = self._existing_position_keys(earlier)
            if stored:
                candidates = np.flatnonzero(keep & np.isin(roll_call_ids, earlier))
                already = np.fromiter(((r, v) in stored for r, v in zip(roll_call_ids[candidates].tolist(),
                                                                        voter_of_key[key_codes[candidates]].tolist())),
                                      dtype=bool, count=len(candidates))
                duplicates += int(already.sum())
                keep[candidates[already]] = False
        if not keep.any():
            return 0, duplicates
        if not keep.all():
            positions, source_codes = positions.loc[keep], source_codes[keep]
            roll_call_ids, key_codes = roll_call_ids[keep], key_codes[keep]

        person_ids = self._match(positions, body_of[source_codes], day_of[source_codes], key_codes, keys)
        # Primary-key order: the rows are appended to the table's b-tree instead of spread through it.
        voter_ids = voter_of_key[key_codes]
        order = np.lexsort((voter_ids, roll_call_ids))
        records = pd.DataFrame({
            "roll_call_id": roll_call_ids[order],
            "person_id": pd.array(person_ids[order], dtype="Int64"),
            "voter_id": voter_ids[order],
            **{column: _categories(codes[order], texts) for column, (codes, texts) in (
                ("raw_label", _text_codes(positions["raw_label"], width=200)),
                ("position", _text_codes(positions["position"])))},
            "source_line": pd.array(positions["line"].to_numpy()[order], dtype="Int64"),
        })
        self._insert_positions(records)
        matched = person_ids[~np.isnan(person_ids)].astype(np.int64)
        for person_id, count in zip(*np.unique(matched, return_counts=True)):
            self.reached[int(person_id)] = self.reached.get(int(person_id), 0) + int(count)
        if self.references is not None:
            self.references["roll_call"].update(np.unique(roll_call_ids).tolist())
            self.references["voter"].update(np.unique(voter_ids).tolist())
            self.references["person"].update(np.unique(person_ids[~np.isnan(person_ids)]).astype(np.int64).tolist())
        return len(records), duplicates

    def _note_unknown_labels(self, positions: pd.DataFrame) -> None:
        if positions.empty or "position" not in positions:
            return
        unknown = positions.loc[positions["position"] == "unknown"]
        self.review_label_count += len(unknown)
        room = MAX_REPORTED_LABELS - len(self.review_labels)
        for line, label, source_id in unknown[["line", "raw_label", "roll_call_source_id"]].head(max(room, 0)).itertuples(index=False, name=None):
            self.review_labels.append({"line": _plain(line), "label": label, "roll_call": source_id})

    def _upsert_roll_calls(self, roll_calls: pd.DataFrame, context) -> tuple[dict[str, tuple[int, int, date]], set[int]]:
        """(source_id -> (roll call id, body id, date) for every roll call of the batch, ids of the
        roll calls this batch inserted)."""
        source_ids = [str(s) for s in roll_calls["source_id"].drop_duplicates()]
        known = self._existing_roll_calls(source_ids)
        new = roll_calls.loc[~roll_calls["source_id"].astype(str).isin(known)].drop_duplicates("source_id")
        if new.empty:
            return known, set()
        names = [self.body_override] * len(new) if self.body_override else [str(b).strip() for b in new["body"]]
        self.bodies.update(names)
        body_ids = bodies_by_name(self.organization_id, names)
        columns = {column: [_plain(v) for v in new[column]] if column in new else [None] * len(new)
                   for column in ("source_id", "line", *ROLL_CALL_COLUMNS)}
        run_id = context.run.id if context.run is not None else None
        rows = []
        for index, (name, day) in enumerate(zip(names, _as_date(new["voted_on"]))):
            if day is None or pd.isna(day):
                context.extra_errors.append(RowError(columns["line"][index], "date",
                                                     f"roll call {columns['source_id'][index]!r} has no date"))
                continue
            record = {"organization_id": self.organization_id, "body_id": body_ids[name], "voted_on": day,
                      "source": context.parser_name, "source_id": str(columns["source_id"][index]), "import_run_id": run_id}
            for column in ROLL_CALL_COLUMNS:
                record[column] = columns[column][index]
            record["needs_review"] = bool(record["needs_review"])
            rows.append(record)
        if not rows:
            return known, set()
        if self.references is not None:
            self.references["body"].update(row["body_id"] for row in rows)
            self.references["import_run"].update(row["import_run_id"] for row in rows if row["import_run_id"])
        db.session.execute(RollCall.__table__.insert(), rows)
        self.roll_calls_new += len(rows)
        inserted = self._existing_roll_calls([r["source_id"] for r in rows])
        known.update(inserted)
        return known, {roll_call_id for roll_call_id, _, _ in inserted.values()}

    def _existing_roll_calls(self, source_ids: list[str]) -> dict[str, tuple[int, int, date]]:
        found = {}
        for part in chunks(source_ids):
            for source_id, roll_call_id, body_id, voted_on in db.session.execute(
                    db.select(RollCall.source_id, RollCall.id, RollCall.body_id, RollCall.voted_on)
                    .where(RollCall.organization_id == self.organization_id, RollCall.source_id.in_(part))):
                found[source_id] = (roll_call_id, body_id, voted_on)
        return found

    def _existing_position_keys(self, roll_call_ids: list[int]) -> set[tuple[int, int]]:
        stored = set()
        for part in chunks(roll_call_ids):
            stored.update(map(tuple, db.session.execute(db.select(VotePosition.roll_call_id, VotePosition.voter_id)
                                                        .where(VotePosition.roll_call_id.in_(part)))))
        return stored

    def _voter_ids(self, keys: np.ndarray, key_codes: np.ndarray, names: pd.Series) -> np.ndarray:
        """The Voter id of each of ``keys``; a key never seen before gets a Voter, named as its
        first row here names it. A few hundred keys per batch: looked up once per import."""
        missing = [key for key in keys.tolist() if key not in self.voter_ids]
        if missing:
            self.voter_ids.update(self._stored_voters(missing))
            new = [key for key in missing if key not in self.voter_ids]
            if new:
                _, first_row = np.unique(key_codes, return_index=True)  # codes are 0..len(keys)-1
                name_of = dict(zip(keys.tolist(), names.to_numpy(dtype=object)[first_row].tolist()))
                db.session.execute(Voter.__table__.insert(), [
                    {"organization_id": self.organization_id, "voter_key": key,
                     "voter_name": (_text(name_of[key]) or key)[:200]} for key in new])
                self.voter_ids.update(self._stored_voters(new))
        return np.array([self.voter_ids[key] for key in keys.tolist()], dtype=np.int64)

    def _stored_voters(self, keys: list[str]) -> dict[str, int]:
        found = {}
        for part in chunks(keys):
            found.update(db.session.execute(db.select(Voter.voter_key, Voter.id).where(
                Voter.organization_id == self.organization_id, Voter.voter_key.in_(part))).all())
        return found

    def _match(self, positions: pd.DataFrame, body_ids: np.ndarray, days: np.ndarray, key_codes: np.ndarray,
               keys: np.ndarray) -> np.ndarray:
        """The person id of each row (NaN while its voter waits for review). One VoterSeen per body and
        voter key, with the dates of their votes in this batch."""
        voter_codes, _ = pd.factorize(body_ids * len(keys) + key_codes)
        _, first = np.unique(voter_codes, return_index=True)
        spans = pd.Series(days).groupby(voter_codes).agg(["min", "max"])
        names, schemes, values = (positions[c].iloc[first].to_numpy(dtype=object) if c in positions else [None] * len(first)
                                  for c in ("voter_name", "voter_scheme", "voter_id"))
        voters = [VoterSeen(int(b), k, _text(n) or k, f.date(), l.date(), _text(s), _text(v))
                  for b, k, n, f, l, s, v in zip(body_ids[first].tolist(), keys[key_codes[first]].tolist(), names,
                                                 spans["min"], spans["max"], schemes, values)]
        outcome = match_voters(self.organization_id, voters)
        self.queued.update((v.body_id, v.voter_key) for v in outcome.queued)
        self.identifiers_added += outcome.new_identifiers
        person_of = np.array([outcome.person_ids.get((v.body_id, v.voter_key), np.nan) for v in voters], dtype=np.float64)
        return person_of[voter_codes]

    def _insert_positions(self, records: pd.DataFrame) -> None:
        """Insert ``records`` (the columns of a position but the organization, in primary-key order)."""
        connection = db.session.connection()
        self.positions_written += len(records)
        if connection.dialect.name == "postgresql":
            bulk.copy_frame(VotePosition.__table__, records.assign(organization_id=self.organization_id))
            return
        if self.deferred_indexes is None:
            self.deferred_indexes = self._defer_indexes(connection, self.expected_positions or 0)
        # SQLite: the driver's executemany with the statement SQLAlchemy compiles (no per-row
        # parameter processing), several times faster than Core's executemany on a million rows.
        # The organization is the same on every row: written once into the statement, not bound per row.
        statement = VotePosition.__table__.insert().values({**{c: bindparam(c) for c in records.columns},
                                                            "organization_id": literal_column(str(int(self.organization_id)))})
        compiled = statement.compile(dialect=connection.dialect)
        cursor = connection.connection.driver_connection.cursor()
        # A bigger page cache for this connection, so a million-row insert does not spill its
        # indexes to disk mid-transaction (SQLite's default cache is 2 MB).
        cursor.execute("PRAGMA cache_size = -32768")
        for start in range(0, len(records), INSERT_CHUNK):
            part = records.iloc[start:start + INSERT_CHUNK]
            cursor.executemany(compiled.string, zip(*(_python_values(part[c]) for c in compiled.positiontup)))

    def _check_references_in_bulk(self) -> dict[str, set[int]] | None:
        """SQLite: turn the per-row foreign key checks off for this import's transaction when it is
        expected to add many positions, and return the sets that collect the ids it refers to.

        Each position refers to three rows (roll call, voter, person); checking them row by row
        cost 0.6 s of a million-row import, where the import refers to a few thousand distinct
        ids. finish() checks those set-wise instead, inside the same transaction: the import
        holds SQLite's one write lock from its first write to its commit, so nothing can delete a
        checked row in between, and a missing one fails the import (nothing written). The pragma
        only takes effect outside a transaction, so this runs before the import's first write;
        the pool turns the checks on again when the connection comes back (FOREIGN_KEYS_OFF)."""
        connection = db.session.connection()
        driver_connection = connection.connection.driver_connection
        if connection.dialect.name != "sqlite" or driver_connection.in_transaction \
                or (self.expected_positions or 0) < DEFER_INDEXES_MIN_ROWS:
            return None
        connection.connection.info[FOREIGN_KEYS_OFF] = True
        driver_connection.execute("PRAGMA foreign_keys=OFF")
        return {table: set() for table in REFERENCED}

    def _verify_references(self) -> None:
        """Every id this import wrote a reference to exists (see _check_references_in_bulk)."""
        for name, ids in (self.references or {}).items():
            model = REFERENCED[name]
            found = 0
            for part in chunks(sorted(ids)):
                found += db.session.scalar(db.select(db.func.count()).select_from(model).where(model.id.in_(part)))
            if found != len(ids):
                raise RuntimeError(f"FOREIGN KEY constraint failed: {len(ids) - found} of the {len(ids)} {name} ids "
                                   "this import refers to do not exist")

    def _defer_indexes(self, connection, expected_rows: int) -> list:
        """SQLite: drop the secondary indexes of vote_position when this import is expected to at
        least double the table, and return them (built again by ``finish``).

        Rows arrive in primary-key order, roll call after roll call, so the person index takes
        each one at a different place (one per member): on a million positions, keeping it cost
        1.6-2.0 s of a 4 s insert, where building it afresh costs 0.6 s. Inside the import's
        transaction, as SQLite's DDL is: a failed import rolls the drop back with the rows. Not
        done outside a transaction (the drop would stand alone)."""
        if expected_rows < DEFER_INDEXES_MIN_ROWS or not connection.connection.driver_connection.in_transaction:
            return []
        table = VotePosition.__table__
        stored = db.session.scalar(db.select(db.func.count()).select_from(
            db.select(table.c.roll_call_id).limit(expected_rows).subquery()))
        if stored >= expected_rows:
            return []
        indexes = sorted(table.indexes, key=lambda index: index.name)
        for index in indexes:
            index.drop(bind=connection)
        return indexes

    def finish(self, context) -> None:
        """Build the indexes deferred while writing; fill the import report and write the audit event."""
        connection = db.session.connection()
        for index in self.deferred_indexes or []:
            index.create(bind=connection)
        self.deferred_indexes = []
        if self.references is not None:
            actor_id, _ = audit.actor_of(context.options.actor)
            self.references["member"].update([actor_id] if actor_id else [])  # on the audit event below
        self._verify_references()
        context.report.update({
            "review_labels": self.review_labels,
            "review_label_count": self.review_label_count,
            "unmatched_voters": len(self.queued),
            "bodies": sorted(self.bodies),
            "roll_calls_added": self.roll_calls_new,
            "identifiers_added": self.identifiers_added,
            "reached": reached_summary(self.reached),
        })
        audit.record(self.organization_id, "import.votes", "ImportRun", member=context.options.actor,
                     note=f"{context.path.name}: {self.roll_calls_new} roll calls added")

    def after_commit(self, context, result) -> None:
        """New positions change scores: recompute the stored ones (pages read only those)."""
        if result.imported:
            scores.recompute(context.organization)


def voter_for(organization_id: int, voter_key: str, voter_name: str) -> Voter:
    """The organization's Voter with this key, created (named ``voter_name``) when new. For single
    positions written one by one; the loader finds and creates its voters in bulk."""
    voter = db.session.execute(db.select(Voter).filter_by(organization_id=organization_id,
                                                          voter_key=voter_key)).scalar_one_or_none()
    if voter is None:
        voter = Voter(organization_id=organization_id, voter_key=voter_key, voter_name=voter_name)
        db.session.add(voter)
        db.session.flush()
    return voter


def vote_loader(context) -> VoteLoader:
    """Loader factory for ``run_import(..., kind="votes")``."""
    return VoteLoader(context)


# ---- export -----------------------------------------------------------------------------------

def export_rows(organization_id: int, batch_size: int = 5_000):
    """One dict per VotePosition, the contract columns first (EXPORT_COLUMNS), in a stable order
    (body, date, roll call source id, voter key). Unmatched voters have empty person_ids and
    their name as filed."""
    ids_text: dict[int, str] = {}
    for person_id, scheme, value in db.session.execute(
            db.select(PersonIdentifier.person_id, PersonIdentifier.scheme, PersonIdentifier.value)
            .where(PersonIdentifier.organization_id == organization_id)
            .order_by(PersonIdentifier.person_id, PersonIdentifier.scheme, PersonIdentifier.value)):
        ids_text[person_id] = (ids_text[person_id] + ";" if person_id in ids_text else "") + f"{scheme}:{value}"
    query = (db.select(Body.name, RollCall.source_id, RollCall.voted_on, RollCall.motion, RollCall.title,
                       RollCall.result, Person.name, Voter.voter_name, VotePosition.person_id,
                       VotePosition.position, VotePosition.raw_label, Voter.voter_key, RollCall.needs_review)
             .join(RollCall, RollCall.id == VotePosition.roll_call_id)
             .join(Voter, Voter.id == VotePosition.voter_id)
             .join(Body, Body.id == RollCall.body_id)
             .outerjoin(Person, Person.id == VotePosition.person_id)
             .where(VotePosition.organization_id == organization_id)
             .order_by(Body.name, RollCall.voted_on, RollCall.source_id, Voter.voter_key)
             .execution_options(yield_per=batch_size))
    for (body, source_id, voted_on, motion, title, result, person_name, voter_name, person_id,
         position, raw_label, voter_key, needs_review) in db.session.execute(query):
        yield {"body": body, "roll_call_source_id": source_id, "date": voted_on.isoformat(), "motion": motion or "",
               "title": title or "", "result": result or "", "person_name": person_name or voter_name,
               "person_ids": ids_text.get(person_id, "") if person_id else "", "position": position,
               "raw_label": raw_label, "tracker_person_id": person_id or "", "voter_key": voter_key,
               "needs_review": bool(needs_review)}


def export_votes(organization_id: int, handle, fmt: str = "csv") -> int:
    """Write every position of the organization to ``handle`` as CSV or JSON; returns the row count."""
    count = 0
    if fmt == "csv":
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in export_rows(organization_id):
            writer.writerow([neutralize(row[c]) for c in EXPORT_COLUMNS])
            count += 1
        return count
    if fmt != "json":
        raise ValueError(f"unknown export format {fmt!r}: csv or json")
    handle.write("[")
    for row in export_rows(organization_id):
        handle.write(("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False))
        count += 1
    handle.write("\n]\n")
    return count



def reached_summary(rows_by_person: dict[int, int], named: int = 10) -> dict:
    """How many rows reached people on file, and who (the most rows first, ``named`` of them by
    name), for the import preview and report."""
    from tracker.models import Person

    top = sorted(rows_by_person.items(), key=lambda item: (-item[1], item[0]))[:named]
    names = dict(db.session.execute(db.select(Person.id, Person.name).where(
        Person.id.in_([person_id for person_id, _ in top]))).all()) if top else {}
    return {"rows": sum(rows_by_person.values()), "people_count": len(rows_by_person),
            "people": [[names.get(person_id, ""), rows] for person_id, rows in top]}
