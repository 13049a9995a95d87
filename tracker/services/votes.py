"""Roll-call votes: the loader behind `flask import votes` and the upload page, and the export.

The loader writes what a vote parser yields (``roll_calls`` and ``positions`` tables, see
imports/base.py) inside the import's one transaction:
- bodies by name within the organization (``--body`` overrides the file's), created when missing;
- a roll call is keyed by (organization, source_id): one that exists already is left exactly as it
  is, its rows count as duplicates, and only voters it lacked are added;
- voters are matched to people (tracker/services/people.py); the unmatched wait in the review queue
  with their positions stored (person empty): nothing is dropped;
- writes are bulk inserts in chunks, and existing keys are looked up once per batch.
"""
from __future__ import annotations

import csv
import json
from datetime import date

import pandas as pd
from imports import Batch, RowError
from tracker.extensions import db
from tracker.models import Body, Person, PersonIdentifier, RollCall, VotePosition
from tracker.services import audit, bulk, scores
from tracker.services.bulk import chunks
from tracker.services.people import Voter, bodies_by_name, match_voters

INSERT_CHUNK = 20_000
MAX_REPORTED_LABELS = 1_000
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


class VoteLoader:
    """Writes vote batches for one import (see the module docstring); ``finish`` fills the report."""

    def __init__(self, context):
        self.context = context
        self.organization_id = context.organization.id
        self.body_override = (context.options.params or {}).get("body") or None
        self.review_labels: list[dict] = []
        self.review_label_count = 0
        self.queued: set[tuple[int, str]] = set()
        self.bodies: set[str] = set()
        self.roll_calls_new = 0
        self.identifiers_added = 0

    def write(self, batch: Batch, context) -> tuple[int, int]:
        """Write one batch; returns (positions added, positions already there)."""
        roll_calls = batch.tables.get("roll_calls", pd.DataFrame(columns=["source_id", "body", "voted_on"]))
        positions = batch.tables.get("positions", pd.DataFrame(columns=["roll_call_source_id", "voter_key"]))
        self._note_unknown_labels(positions)
        known = self._upsert_roll_calls(roll_calls, context)
        if positions.empty:
            return 0, 0
        known_frame = pd.DataFrame([(s, *v) for s, v in known.items()],
                                   columns=["roll_call_source_id", "roll_call_id", "body_id", "voted_on"])
        # As datetime64 (one value per roll call), so the per-voter date span is a vectorized min/max.
        known_frame["voted_on"] = pd.to_datetime(known_frame["voted_on"])
        positions = positions.drop(columns=[c for c in ("roll_call_id", "body_id", "voted_on") if c in positions])
        positions = positions.merge(known_frame, on="roll_call_source_id", how="left")
        orphan = positions["roll_call_id"].isna()
        for line, source_id in positions.loc[orphan, ["line", "roll_call_source_id"]].itertuples(index=False, name=None):
            context.extra_errors.append(RowError(_plain(line), "roll_call", f"roll call {source_id!r} is not in the file"))
        positions = positions.loc[~orphan]
        positions = positions.assign(roll_call_id=positions["roll_call_id"].astype("int64"),
                                     body_id=positions["body_id"].astype("int64"))

        # The same voter twice on one roll call in this file: a duplicate if the label agrees, else an error.
        repeated = positions.duplicated(["roll_call_id", "voter_key"], keep="first")
        duplicates = 0
        if repeated.any():
            first_label = positions.loc[~repeated].set_index(["roll_call_id", "voter_key"])["raw_label"]
            again = positions.loc[repeated]
            earlier = pd.MultiIndex.from_frame(again[["roll_call_id", "voter_key"]]).map(first_label.to_dict().get)
            conflicting = again["raw_label"].values != pd.Series(earlier, index=again.index).values
            for line, key, label in again.loc[conflicting, ["line", "voter_key", "raw_label"]].itertuples(index=False, name=None):
                context.extra_errors.append(RowError(_plain(line), "option", f"{key} is listed again on this roll call "
                                                     f"with a different label {label!r}; the first one was kept"))
            duplicates += int((~conflicting).sum())
            positions = positions.loc[~repeated]

        already = self._existing_position_keys(positions["roll_call_id"].unique().tolist())
        if len(already):
            stored = positions.merge(already, on=["roll_call_id", "voter_key"], how="left", indicator=True)["_merge"].eq("both").values
            duplicates += int(stored.sum())
            positions = positions.loc[~stored]
        if positions.empty:
            return 0, duplicates

        person_ids = self._match(positions)
        matched = pd.DataFrame([(b, k, p) for (b, k), p in person_ids.items()], columns=["body_id", "voter_key", "person_id"])
        positions = positions.drop(columns=["person_id"], errors="ignore").merge(
            matched.astype({"body_id": "int64", "person_id": "int64"}), on=["body_id", "voter_key"], how="left")
        self._insert_positions(positions)
        return len(positions), duplicates

    def _note_unknown_labels(self, positions: pd.DataFrame) -> None:
        if positions.empty or "position" not in positions:
            return
        unknown = positions.loc[positions["position"] == "unknown"]
        self.review_label_count += len(unknown)
        room = MAX_REPORTED_LABELS - len(self.review_labels)
        for line, label, source_id in unknown[["line", "raw_label", "roll_call_source_id"]].head(max(room, 0)).itertuples(index=False, name=None):
            self.review_labels.append({"line": _plain(line), "label": label, "roll_call": source_id})

    def _upsert_roll_calls(self, roll_calls: pd.DataFrame, context) -> dict[str, tuple[int, int, date]]:
        """source_id -> (roll call id, body id, date) for every roll call of the batch; new ones inserted."""
        source_ids = [str(s) for s in roll_calls["source_id"].drop_duplicates()]
        known = self._existing_roll_calls(source_ids)
        new = roll_calls.loc[~roll_calls["source_id"].isin(known)].drop_duplicates("source_id")
        if not new.empty:
            names = [self.body_override] * len(new) if self.body_override else [str(b).strip() for b in new["body"]]
            self.bodies.update(names)
            body_ids = bodies_by_name(self.organization_id, names)
            voted_on = _as_date(new["voted_on"])
            rows = []
            for (_, row), name, day in zip(new.iterrows(), names, voted_on):
                if day is None or pd.isna(day):
                    context.extra_errors.append(RowError(_plain(row.get("line")), "date", f"roll call {row['source_id']!r} has no date"))
                    continue
                record = {"organization_id": self.organization_id, "body_id": body_ids[name], "voted_on": day,
                          "source": context.parser_name, "source_id": str(row["source_id"]),
                          "import_run_id": context.run.id if context.run is not None else None}
                for column in ROLL_CALL_COLUMNS:
                    record[column] = _plain(row.get(column))
                record["needs_review"] = bool(record["needs_review"])
                rows.append(record)
            if rows:
                db.session.execute(RollCall.__table__.insert(), rows)
                self.roll_calls_new += len(rows)
                known.update(self._existing_roll_calls([r["source_id"] for r in rows]))
        return known

    def _existing_roll_calls(self, source_ids: list[str]) -> dict[str, tuple[int, int, date]]:
        found = {}
        for part in chunks(source_ids):
            for source_id, roll_call_id, body_id, voted_on in db.session.execute(
                    db.select(RollCall.source_id, RollCall.id, RollCall.body_id, RollCall.voted_on)
                    .where(RollCall.organization_id == self.organization_id, RollCall.source_id.in_(part))):
                found[source_id] = (roll_call_id, body_id, voted_on)
        return found

    def _existing_position_keys(self, roll_call_ids: list[int]) -> pd.DataFrame:
        frames = []
        for part in chunks(roll_call_ids):
            rows = db.session.execute(db.select(VotePosition.roll_call_id, VotePosition.voter_key)
                                      .where(VotePosition.roll_call_id.in_(part))).all()
            if rows:
                frames.append(pd.DataFrame(rows, columns=["roll_call_id", "voter_key"]))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["roll_call_id", "voter_key"])

    def _match(self, positions: pd.DataFrame) -> dict[tuple[int, str], int]:
        voters_frame = positions.groupby(["body_id", "voter_key"], sort=False).agg(
            voter_name=("voter_name", "first"), first_on=("voted_on", "min"), last_on=("voted_on", "max"),
            scheme=("voter_scheme", "first"), value=("voter_id", "first")).reset_index()
        voters = [Voter(int(b), k, str(n or k), f.date(), l.date(), str(s or ""), str(v or ""))
                  for b, k, n, f, l, s, v in voters_frame.itertuples(index=False, name=None)]
        outcome = match_voters(self.organization_id, voters)
        self.queued.update((v.body_id, v.voter_key) for v in outcome.queued)
        self.identifiers_added += outcome.new_identifiers
        return outcome.person_ids

    def _insert_positions(self, positions: pd.DataFrame) -> None:
        def text(column: str, width: int) -> list:
            values = positions[column].fillna("").astype(str)
            if (values.str.len() > width).any():
                values = values.str.slice(0, width)
            return values.tolist()

        def optional_ints(column: str) -> list:
            if column not in positions:
                return [None] * len(positions)
            values = positions[column]
            return [None if v != v else int(v) for v in values.tolist()] if values.isna().any() else values.astype("int64").tolist()

        data = {
            "organization_id": [self.organization_id] * len(positions),
            "roll_call_id": positions["roll_call_id"].astype("int64").tolist(),
            "person_id": optional_ints("person_id"),
            "voter_key": positions["voter_key"].astype(str).tolist(),
            "voter_name": text("voter_name", 200),
            "raw_label": text("raw_label", 200),
            "position": positions["position"].astype(str).tolist(),
            "source_line": optional_ints("line"),
        }
        columns = list(data)
        table = VotePosition.__table__
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            # The driver's executemany with the statement SQLAlchemy compiles (no per-row parameter
            # processing): several times faster than Core's executemany on a million rows.
            compiled = table.insert().values({c: None for c in columns}).compile(dialect=connection.dialect)
            rows = list(zip(*(data[c] for c in compiled.positiontup)))
            cursor = connection.connection.driver_connection.cursor()
            # A bigger page cache for this connection, so a million-row insert does not spill its
            # indexes to disk mid-transaction (SQLite's default cache is 2 MB).
            cursor.execute("PRAGMA cache_size = -32768")
            for start in range(0, len(rows), INSERT_CHUNK):
                cursor.executemany(compiled.string, rows[start:start + INSERT_CHUNK])
            return
        if connection.dialect.name == "postgresql":
            frame = pd.DataFrame(data)
            for column in ("person_id", "source_line"):
                frame[column] = frame[column].astype("Int64")  # whole numbers, blank when missing
            bulk.copy_frame(table, frame)
            return
        rows = list(zip(*(data[c] for c in columns)))
        for start in range(0, len(rows), INSERT_CHUNK):
            db.session.execute(table.insert(), [dict(zip(columns, row)) for row in rows[start:start + INSERT_CHUNK]])

    def finish(self, context) -> None:
        """Fill the import report and write the audit event."""
        context.report.update({
            "review_labels": self.review_labels,
            "review_label_count": self.review_label_count,
            "unmatched_voters": len(self.queued),
            "bodies": sorted(self.bodies),
            "roll_calls_added": self.roll_calls_new,
            "identifiers_added": self.identifiers_added,
        })
        audit.record(self.organization_id, "import.votes", "ImportRun", member=context.options.actor,
                     note=f"{context.path.name}: {self.roll_calls_new} roll calls added")


    def after_commit(self, context, result) -> None:
        """New positions change scores: recompute the stored ones (pages read only those)."""
        if result.imported:
            scores.recompute(context.organization)


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
                       RollCall.result, Person.name, VotePosition.voter_name, VotePosition.person_id,
                       VotePosition.position, VotePosition.raw_label, VotePosition.voter_key, RollCall.needs_review)
             .join(RollCall, RollCall.id == VotePosition.roll_call_id)
             .join(Body, Body.id == RollCall.body_id)
             .outerjoin(Person, Person.id == VotePosition.person_id)
             .where(VotePosition.organization_id == organization_id)
             .order_by(Body.name, RollCall.voted_on, RollCall.source_id, VotePosition.voter_key)
             .execution_options(yield_per=batch_size))
    for (body, source_id, voted_on, motion, title, result, person_name, voter_name, person_id,
         position, raw_label, voter_key, needs_review) in db.session.execute(query):
        yield {"body": body, "roll_call_source_id": source_id, "date": voted_on.isoformat(), "motion": motion or "",
               "title": title or "", "result": result or "", "person_name": person_name or voter_name,
               "person_ids": ids_text.get(person_id, "") if person_id else "", "position": position,
               "raw_label": raw_label, "tracker_person_id": person_id or "", "voter_key": voter_key,
               "needs_review": bool(needs_review)}


def neutralize(value):
    """A CSV cell safe to open in a spreadsheet: text starting with = + - @ gets a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


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

