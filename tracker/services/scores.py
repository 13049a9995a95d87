"""Stored scores: recompute them when an input changes, explain them, set the options, import and
export the inputs (alignments, excusals) and the results.

Pages read the stored ``Score`` rows; nothing outside this module computes a score. The formula
itself is the pure ``tracker.scoring`` (``score``, and ``tally``: the same scores in whole
numbers, which a recompute stores); this module only loads its inputs in bulk and writes its
outputs in one transaction.

``Score.details`` holds the numerator and the denominator (as text), the number of eligible roll
calls and whether an overall score is an average of plank scores.
The per-vote rows of the "how this was worked out" box come from ``explain(score)``, which runs
the same pure formula for that one person (recompute keeps scores current whenever an input
changes, and ``explain`` says ``stale`` if they are not). Storing every vote row of every score
would mean millions of JSON objects per national-scale recompute.
"""
from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import BigInteger, String, case, cast, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from imports import Batch, RowError
from imports.vote_options import POSITIONS
from tracker import scoring
from tracker.csv_cells import neutralize
from tracker.extensions import db
from tracker.models import (Alignment, Excusal, Organization, Person, PersonIdentifier, Plank, ProgramVersion,
                            RollCall, Score, Term, VotePosition)
from tracker.models.base import utcnow
from tracker.services import audit, outbox
from tracker.services.bulk import chunks
from tracker.services.ingest import ImportContext, ImportOptions, ImportResult, run_import

SCORE_EXPORT_COLUMNS = ["person_name", "person_ids", "scope", "window", "score_exact", "score_display", "status",
                        "agreeing", "disagreeing", "missed", "excluded", "rule_set"]
SCORE_EXPORT_EXTRA = ["crucial_only", "counted", "numerator", "denominator", "missed_vote_rate", "person_id"]
ALIGNMENT_EXPORT_COLUMNS = ["roll_call_source_id", "plank_id", "pro_position", "weight", "approved"]
ALIGNMENT_EXPORT_EXTRA = ["plank_title", "status", "rationale"]


class OptionsError(ValueError):
    """A scoring option was given a value it cannot take (the message names the option)."""


# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------

def get_options(organization: Organization) -> scoring.ScoringOptions:
    """The organization's scoring options (defaults for anything it has not set)."""
    return scoring.ScoringOptions.from_dict(organization.scoring_options)


def set_options(organization: Organization, changes: dict, actor=None, *, recompute_now: bool = True) -> dict:
    """Change some options (and/or the word ``bands``), audit it, then recompute every score.

    ``changes`` maps option names of ``ScoringOptions`` (plus ``bands``: a list of
    ``{"min", "label"}`` or the text ``"90:keeps the program,0:breaks it"``) to new values.
    Raises OptionsError (nothing changed) when a value is invalid. Returns the recompute summary
    (or ``{}`` when nothing changed).
    """
    changes = dict(changes)
    before = {"options": get_options(organization).to_dict(), "bands": organization.score_bands}
    bands = changes.pop("bands", None)
    try:
        options = scoring.ScoringOptions.from_dict({**before["options"], **changes})
        if isinstance(bands, str):
            bands = scoring.parse_bands(bands)
        if bands is not None:
            for band in bands:
                if not isinstance(band, dict) or "min" not in band or not str(band.get("label", "")).strip():
                    raise ValueError(_("each band needs a min and a label"))
                float(band["min"])
    except (TypeError, ValueError) as error:
        raise OptionsError(str(error)) from None
    after = {"options": options.to_dict(), "bands": bands if bands is not None else organization.score_bands}
    if after == before:
        return {}
    organization.scoring_options = after["options"]
    organization.score_bands = after["bands"]
    audit.record(organization.id, "scoring.options", organization, before=before, after=after, member=actor)
    db.session.commit()
    return recompute(organization) if recompute_now else {}


# ---------------------------------------------------------------------------------------------
# Recompute
# ---------------------------------------------------------------------------------------------

def load_inputs(organization_id: int, person_id: int | None = None) -> dict[str, pd.DataFrame]:
    """The scoring inputs of one organization (or of one person in it) as DataFrames, one query each.

    Only approved alignments, and only positions on roll calls that have one, are loaded. For
    the whole organization the positions come without raw labels (only explanations show them)
    and with ``position`` as a categorical of ``POSITIONS``.
    """
    aligned = (select(Alignment.roll_call_id, Alignment.plank_id, Alignment.pro_position, Alignment.weight,
                      func.coalesce(Alignment.crucial, RollCall.crucial_override).label("crucial"),
                      RollCall.voted_on, RollCall.yes_count, RollCall.no_count, RollCall.required_majority,
                      RollCall.body_id)
               .join(RollCall, RollCall.id == Alignment.roll_call_id)
               .where(Alignment.organization_id == organization_id, Alignment.status == "approved"))
    scored_roll_calls = (select(Alignment.roll_call_id)
                         .where(Alignment.organization_id == organization_id, Alignment.status == "approved"))
    # Filtering on the organization's roll calls is enough (a roll call belongs to one organization);
    # filtering positions by organization_id too makes SQLite scan every position of the organization.
    voted = [VotePosition.roll_call_id.in_(scored_roll_calls), VotePosition.person_id.is_not(None)]
    terms = (select(Term.id.label("term_id"), Term.person_id, Term.body_id, Term.start_on, Term.end_on)
             .where(Term.organization_id == organization_id))
    excusals = select(Excusal.roll_call_id, Excusal.person_id).where(Excusal.organization_id == organization_id)
    if person_id is not None:
        positions = _frame(select(VotePosition.roll_call_id, VotePosition.person_id, VotePosition.position,
                                  VotePosition.raw_label).where(*voted, VotePosition.person_id == person_id))
        terms = terms.where(Term.person_id == person_id)
        excusals = excusals.where(Excusal.person_id == person_id)
    else:
        positions = _coded_positions(voted)
    return {"alignments": _frame(aligned), "positions": positions, "terms": _frame(terms),
            "excusals": _frame(excusals)}


def _rows(statement) -> list[tuple]:
    """Run a select through the DB-API cursor: plain tuples, no Row objects."""
    connection = db.session.connection()
    # Expanded in place: parameters SQLAlchemy renders only at execution (e.g. a separator).
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    cursor = connection.connection.driver_connection.cursor()
    try:
        if compiled.positiontup is not None:  # qmark/format styles (SQLite, psycopg "format")
            params = tuple(compiled.params[name] for name in compiled.positiontup)
        else:
            params = compiled.params
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _frame(statement) -> pd.DataFrame:
    """Run a select and build a DataFrame from plain tuples (a million rows load in a second)."""
    columns = [column.key for column in statement.selected_columns]
    rows = _rows(statement)
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=False) if rows else pd.DataFrame(columns=columns)


# A vote travels as one number, person_id x 16 + its position's index in POSITIONS.
_CODE_SPAN = 16
assert len(POSITIONS) < _CODE_SPAN


def _coded_positions(voted: list) -> pd.DataFrame:
    """``roll_call_id, person_id, position`` of the votes matching ``voted``, ``position`` a
    categorical of POSITIONS.

    The database packs each vote into one number and joins a roll call's numbers into one text:
    a few thousand rows instead of half a million tuples, and numpy parses the numbers at once.
    """
    code = case({name: index for index, name in enumerate(POSITIONS)}, value=VotePosition.position,
                else_=_CODE_SPAN - 1)
    packed = cast(cast(VotePosition.person_id, BigInteger) * _CODE_SPAN + code, String)
    rows = _rows(select(VotePosition.roll_call_id, func.count(), func.aggregate_strings(packed, ","))
                 .where(*voted).group_by(VotePosition.roll_call_id))
    if not rows:
        return pd.DataFrame({"roll_call_id": [], "person_id": [], "position": pd.Categorical([], categories=POSITIONS)})
    roll_call_ids = np.array([row[0] for row in rows], dtype="int64")
    votes = np.array([row[1] for row in rows], dtype="int64")
    numbers = np.fromstring(",".join(row[2] for row in rows), dtype="int64", sep=",")
    codes = numbers % _CODE_SPAN
    return pd.DataFrame({"roll_call_id": np.repeat(roll_call_ids, votes), "person_id": numbers // _CODE_SPAN,
                         "position": pd.Categorical.from_codes(np.where(codes < len(POSITIONS), codes, -1),
                                                               categories=POSITIONS)})


def recompute(organization: Organization) -> dict:
    """Recompute and store every score of the organization, replacing the old ones in one transaction.

    Returns a summary: ``scores`` written, ``people``, ``roll_calls`` scored, ``positions`` read,
    ``rule_set`` and ``seconds``.
    """
    started = time.perf_counter()
    options = get_options(organization)
    inputs = load_inputs(organization.id)
    tallies = scoring.tally(inputs["positions"], inputs["alignments"],
                            inputs["terms"] if not inputs["terms"].empty else None, inputs["excusals"], options)
    bands_before = _overall_bands(organization)
    _store_scores(organization.id, tallies, options)
    _report_band_crossings(organization, bands_before)
    db.session.commit()
    return {"scores": len(tallies), "people": int(tallies["person_id"].nunique()) if len(tallies) else 0,
            "roll_calls": int(inputs["alignments"]["roll_call_id"].nunique()) if len(inputs["alignments"]) else 0,
            "positions": len(inputs["positions"]), "rule_set": options.rule_set_name(),
            "seconds": round(time.perf_counter() - started, 3)}


def _overall_bands(organization: Organization) -> dict[int, tuple[str | None, float | None, str]]:
    """person id -> (word band, score, name) of every stored overall lifetime score."""
    if not organization.score_bands:
        return {}
    rows = db.session.execute(select(Score.person_id, Score.score_exact, Person.name)
                              .join(Person, Person.id == Score.person_id)
                              .where(Score.organization_id == organization.id, Score.scope == "overall",
                                     Score.window == "lifetime", Score.crucial_only.is_(False))).all()
    return {person_id: (scoring.band_for(exact, organization.score_bands),
                        float(exact) if exact is not None else None, name) for person_id, exact, name in rows}


def _report_band_crossings(organization: Organization, before: dict) -> None:
    """An outbox event for each official whose overall score moved into another word band
    (a first score, or one that fell to insufficient data, crosses nothing)."""
    if not organization.score_bands:
        return
    for person_id, (band, score, name) in sorted(_overall_bands(organization).items()):
        old = before.get(person_id, (None, None, name))[0]
        if old is not None and band is not None and band != old:
            outbox.score_band_crossed(organization.id, person_id, name, old, band, score)


_SCORE_INSERT_COLUMNS = ["organization_id", "person_id", "scope", "plank_id", "window", "crucial_only", "score_exact",
                         "score_display", "status", "agreeing", "disagreeing", "missed", "excluded", "counted",
                         "numerator", "denominator", "missed_vote_rate", "rule_set", "details", "computed_at"]
_SCORE_KEY = ["person_id", "scope", "window", "crucial_only"]
# Rewritten when a score's row exists: all but its key and what the key fixes (the person's
# organization, the plank its scope names). Setting an indexed or foreign-key column would cost
# an index update or a lookup per row for nothing.
_SCORE_REWRITTEN = [name for name in _SCORE_INSERT_COLUMNS if name not in _SCORE_KEY + ["organization_id", "plank_id"]]
_UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def _store_scores(organization_id: int, tallies: pd.DataFrame, options: scoring.ScoringOptions) -> None:
    """Write every score over the stored row with the same key (or as a new row), then delete the
    organization's scores this recompute did not write (their computed_at is older).

    Rewriting rows in place costs SQLite about half of deleting them all and inserting them again
    (no index entry moves). One executemany through the DB-API cursor with the statement
    SQLAlchemy compiles: its per-row parameter handling would cost more than the scoring at
    national scale, so the values are made here, column by column, as the column types bind them.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    computed_at = utcnow()
    if len(tallies):
        columns = _score_values(organization_id, tallies, options, dialect, computed_at)
        statement = _UPSERTS[dialect.name](Score.__table__)
        statement = statement.on_conflict_do_update(
            index_elements=_SCORE_KEY, set_={name: statement.excluded[name] for name in _SCORE_REWRITTEN})
        compiled = statement.compile(dialect=dialect, column_keys=_SCORE_INSERT_COLUMNS)
        cursor = connection.connection.driver_connection.cursor()
        try:
            if compiled.positiontup is not None:
                cursor.executemany(str(compiled), list(zip(*[columns[name] for name in compiled.positiontup])))
            else:  # named parameters (psycopg): the bind names are the column names
                names = list(compiled.binds)
                cursor.executemany(str(compiled), [dict(zip(names, values))
                                                   for values in zip(*[columns[name] for name in names])])
        finally:
            cursor.close()
    # Every score just written has its own row: any further row is one this recompute did not make.
    stored = db.session.scalar(select(func.count()).select_from(Score).where(Score.organization_id == organization_id))
    if stored > len(tallies):
        db.session.execute(delete(Score).where(Score.organization_id == organization_id,
                                               Score.computed_at != computed_at))


def _score_values(organization_id: int, tallies: pd.DataFrame, options: scoring.ScoringOptions, dialect,
                  computed_at) -> dict:
    """The Score columns as lists of values to bind, one per score (see scoring.tally for the figures)."""
    table = Score.__table__
    count = len(tallies)

    def processed(name, value):
        processor = table.c[name].type._cached_bind_processor(dialect)
        return processor(value) if processor else value

    values = {name: tallies[name].to_numpy(dtype="int64").tolist()
              for name in ("person_id", "agreeing", "disagreeing", "missed", "excluded", "counted")}
    values.update({name: [processed(name, value)] * count for name, value in
                   (("organization_id", organization_id), ("rule_set", options.rule_set_name()),
                    ("computed_at", computed_at))})
    values.update({name: tallies[name].astype(object).tolist() for name in ("scope", "window", "status")})
    plank, display = tallies["plank_id"].to_numpy(), tallies["score_display"].to_numpy()
    values["plank_id"] = np.where(plank == scoring.OVERALL, None, plank).tolist()
    values["score_display"] = np.where(display == scoring.NONE, None, display).tolist()
    values["crucial_only"] = np.where(tallies["crucial_only"].to_numpy(), processed("crucial_only", True),
                                      processed("crucial_only", False)).tolist()
    for name in ("score_exact", "numerator", "denominator", "missed_vote_rate"):
        values[name] = _numeric_values(table.c[name].type, tallies[name].to_numpy(), dialect)
    # The JSON column's text itself, as its bind processor (json.dumps) would make it.
    values["details"] = _details_texts(tallies)
    return values


def _numeric_values(numeric, hundredths: np.ndarray, dialect) -> list:
    """A Numeric(..., 2) column's values from hundredths (NONE: NULL), as the type binds them.

    A driver with decimals gets Decimals. Otherwise SQLAlchemy binds float(Decimal), the double
    nearest the exact value, which hundredths / 100 also is (both correctly rounded), without a
    Decimal per value.
    """
    if numeric._cached_bind_processor(dialect) is None:
        return [None if h == scoring.NONE else Decimal(h).scaleb(-2) for h in hundredths.tolist()]
    floats = (hundredths / 100).astype(object)
    floats[hundredths == scoring.NONE] = None
    return floats.tolist()


def _details_texts(tallies: pd.DataFrame) -> list[str]:
    """Each score's ``details`` as stored: the text ``json.dumps`` makes of
    ``{"numerator": "3.50", "denominator": "8.00", "eligible": 12, "averaged_planks": false}``
    (numerator and denominator as their Decimal text), built from one text per distinct figure.
    """
    def texts(values: np.ndarray, make) -> list[str]:
        distinct, index = np.unique(values, return_inverse=True)
        return np.array([make(value) for value in distinct.tolist()], dtype=object)[index].tolist()

    def decimal_text(hundredths: int) -> str:
        return f"{hundredths // 100}.{hundredths % 100:02d}"

    numerators = texts(tallies["numerator"].to_numpy(), lambda n: f'{{"numerator": "{decimal_text(n)}", ')
    denominators = texts(tallies["denominator"].to_numpy(), lambda d: f'"denominator": "{decimal_text(d)}", ')
    rest = texts(2 * tallies["eligible"].to_numpy() + tallies["averaged"].to_numpy(),
                 lambda e: f'"eligible": {e // 2}, "averaged_planks": {"true" if e % 2 else "false"}}}')
    return [n + d + r for n, d, r in zip(numerators, denominators, rest)]


# ---------------------------------------------------------------------------------------------
# Explaining a stored score
# ---------------------------------------------------------------------------------------------

def explain(score: Score) -> dict:
    """Everything the "how this was worked out" box shows for one stored score.

    The per-vote rows are worked out again for this one person with the same pure formula and
    the organization's current options (milliseconds), rather than stored for every score.
    Returns ``rule_set``, ``rules`` (plain words), ``votes`` (one dict per eligible scored roll
    call, by date: roll_call_id, source_id, source_url, voted_on, title, plank_ids, pro_position,
    position, raw_label, weight, points, outcome, reason), ``sum_points`` (the numerator),
    ``denominator``, ``division`` (e.g. ``"3.00 / 4.00 x 100 = 75.00"``), ``message`` when there
    is no score, the counts, and ``stale`` (True when the inputs changed since the score was
    stored and a recompute is due).
    """
    info = dict(score.details or {})
    organization = db.session.get(Organization, score.organization_id)
    options = get_options(organization)
    inputs = load_inputs(score.organization_id, person_id=score.person_id)
    _scores, details = scoring.score(inputs["positions"], inputs["alignments"],
                               inputs["terms"] if not inputs["terms"].empty else None, inputs["excusals"], options)
    votes = details[(details["person_id"] == score.person_id) & (details["scope"] == score.scope)] \
        if not details.empty else details
    if not votes.empty:
        if score.window.startswith("year:"):
            votes = votes[votes["year"] == int(score.window[5:])]
        elif score.window.startswith("term:"):
            votes = votes[votes["term_id"] == int(score.window[5:])]
        if score.crucial_only:
            votes = votes[votes["crucial"].astype(bool)]
    listed = _expand_votes(score.organization_id, votes)
    numerator, denominator = info.get("numerator"), info.get("denominator")
    if score.score_exact is None:
        division = None
    elif info.get("averaged_planks"):
        division = f"{numerator} / {denominator} planks = {score.score_exact}"
    else:
        division = f"{numerator} / {denominator} x 100 = {score.score_exact}"
    message = None
    if score.status == "insufficient_data":
        message = (f"Only {score.counted} counted roll call{'s' if score.counted != 1 else ''}: too few for a score "
                   f"(this rule set needs {options.min_counted_votes}).")
    counted = sum(1 for v in listed if v["outcome"] != "excluded")
    stale = score.rule_set != options.rule_set_name() or (
        not info.get("averaged_planks") and (counted != score.counted or len(listed) != info.get("eligible", len(listed))))
    return {"rule_set": score.rule_set, "rules": options.describe(), "votes": listed,
            "sum_points": numerator, "denominator": denominator, "division": division, "message": message,
            "agreeing": score.agreeing, "disagreeing": score.disagreeing, "missed": score.missed,
            "excluded": score.excluded, "counted": score.counted, "missed_vote_rate": score.missed_vote_rate,
            "stale": stale}


def _expand_votes(organization_id: int, votes: pd.DataFrame) -> list[dict]:
    if votes.empty:
        return []
    ids = [int(i) for i in votes["roll_call_id"].unique()]
    roll_calls = {r.id: r for r in db.session.execute(
        select(RollCall.id, RollCall.source_id, RollCall.source_url, RollCall.voted_on, RollCall.title)
        .where(RollCall.organization_id == organization_id, RollCall.id.in_(ids))).all()}
    listed = []
    for vote in votes.to_dict("records"):
        roll_call = roll_calls.get(int(vote["roll_call_id"]))
        listed.append({"roll_call_id": int(vote["roll_call_id"]),
                       "source_id": roll_call.source_id if roll_call else None,
                       "source_url": roll_call.source_url if roll_call else None,
                       "voted_on": roll_call.voted_on if roll_call else None,
                       "title": roll_call.title if roll_call else None,
                       "plank_ids": [int(p) for p in vote["plank_ids"]],
                       "pro_position": vote["pro_position"], "position": vote["position"],
                       "raw_label": vote["raw_label"], "weight": int(vote["weight"]), "points": float(vote["points"]),
                       "outcome": vote["outcome"], "reason": vote["reason"]})
    listed.sort(key=lambda v: (v["voted_on"] or date.min, v["roll_call_id"]))
    return listed


def band_of(organization: Organization, score: Score) -> str | None:
    """The organization's word band for a stored score (None without a score or bands)."""
    return scoring.band_for(score.score_exact, organization.score_bands)


# ---------------------------------------------------------------------------------------------
# Imports: alignments and excusals (through the shared pipeline)
# ---------------------------------------------------------------------------------------------

def adopted_planks(organization_id: int) -> list[Plank]:
    """Planks of the organization's adopted program version(s)."""
    return list(db.session.execute(
        select(Plank).join(ProgramVersion, ProgramVersion.id == Plank.version_id)
        .where(Plank.organization_id == organization_id, ProgramVersion.status == "adopted")
        .order_by(Plank.position)).scalars())


def _roll_call_ids(organization_id: int, source_ids) -> dict[str, int]:
    source_ids = sorted({str(s) for s in source_ids})
    found = {}
    for chunk in chunks(source_ids):
        found.update(db.session.execute(select(RollCall.source_id, RollCall.id).where(
            RollCall.organization_id == organization_id, RollCall.source_id.in_(chunk))).all())
    return found


@dataclass
class AlignmentLoader:
    """Upserts alignments by (roll call, plank); an unchanged row counts as a duplicate."""

    context: ImportContext

    def write(self, batch: Batch, context: ImportContext) -> tuple[int, int]:
        table = batch.tables.get("alignments")
        if table is None or table.empty:
            return 0, 0
        org_id = context.organization.id
        roll_calls = _roll_call_ids(org_id, table["roll_call_source_id"])
        planks = adopted_planks(org_id)
        by_id = {p.id: p for p in planks}
        by_title = {}
        for plank in planks:
            by_title.setdefault(plank.title.strip(), []).append(plank)
        forced = context.options.params.get("plank_id")
        existing = {(a.roll_call_id, a.plank_id): a for a in db.session.execute(
            select(Alignment).where(Alignment.organization_id == org_id,
                                    Alignment.roll_call_id.in_(list(roll_calls.values()) or [-1]))).scalars()}
        status = context.options.params.get("status", "approved")
        actor_id, _actor_name = audit.actor_of(context.options.actor)
        imported = duplicates = 0
        for row in table.to_dict("records"):
            line, raw = row["line"], row.get("raw")
            roll_call_id = roll_calls.get(str(row["roll_call_source_id"]))
            if roll_call_id is None:
                context.extra_errors.append(RowError(line, "roll_call_source_id",
                                                     f"unknown roll call source id {row['roll_call_source_id']!r}", raw))
                continue
            plank_text = str(forced) if forced not in (None, "") else str(row.get("plank") or "").strip()
            plank = by_id.get(int(plank_text)) if plank_text.isdigit() else None
            if plank is None:
                matches = by_title.get(plank_text, [])
                if len(matches) != 1:
                    problem = "matches several planks" if matches else "is not a plank id or the exact title of a plank in the adopted program"
                    context.extra_errors.append(RowError(line, "plank", f"{plank_text!r} {problem}", raw))
                    continue
                plank = matches[0]
            key = (roll_call_id, plank.id)
            values = {"pro_position": row["pro_position"], "weight": int(row["weight"]),
                      "rationale": row.get("rationale") or "", "status": status}
            current = existing.get(key)
            if current is not None and all(getattr(current, k) == v for k, v in values.items()):
                duplicates += 1
                continue
            before = None if current is None else {k: getattr(current, k) for k in values}
            newly_counted = status == "approved" and (current is None or current.status != "approved")
            if current is None:
                current = Alignment(organization_id=org_id, roll_call_id=roll_call_id, plank_id=plank.id,
                                    proposed_by_id=actor_id, **values)
                db.session.add(current)
                existing[key] = current
            else:
                for name, value in values.items():
                    setattr(current, name, value)
            if status == "approved":
                current.approved_by_id, current.decided_at = actor_id, utcnow()
            db.session.flush()
            audit.record(org_id, "alignment.import", current, before=before,
                         after={**values, "roll_call_id": roll_call_id, "plank_id": plank.id},
                         member=context.options.actor, note=f"{context.path.name} line {line}")
            if newly_counted:
                outbox.roll_call_aligned(db.session.get(RollCall, roll_call_id), plank, values["pro_position"])
            imported += 1
        return imported, duplicates


@dataclass
class ExcusalLoader:
    """Upserts excusals by (roll call, person); the person is named by an external id ``scheme:id``."""

    context: ImportContext

    def write(self, batch: Batch, context: ImportContext) -> tuple[int, int]:
        table = batch.tables.get("excusals")
        if table is None or table.empty:
            return 0, 0
        org_id = context.organization.id
        roll_calls = _roll_call_ids(org_id, table["roll_call_source_id"])
        people = {(scheme, value): person_id for scheme, value, person_id in db.session.execute(
            select(PersonIdentifier.scheme, PersonIdentifier.value, PersonIdentifier.person_id)
            .where(PersonIdentifier.organization_id == org_id))}
        existing = {(e.roll_call_id, e.person_id): e for e in db.session.execute(
            select(Excusal).where(Excusal.organization_id == org_id)).scalars()}
        actor_id, _actor_name = audit.actor_of(context.options.actor)
        imported = duplicates = 0
        for row in table.to_dict("records"):
            line, raw = row["line"], row.get("raw")
            roll_call_id = roll_calls.get(str(row["roll_call_source_id"]))
            if roll_call_id is None:
                context.extra_errors.append(RowError(line, "roll_call_source_id",
                                                     f"unknown roll call source id {row['roll_call_source_id']!r}", raw))
                continue
            person_id = people.get((row["scheme"], row["value"]))
            if person_id is None:
                context.extra_errors.append(RowError(line, "person_id", f"no person has the id {row['scheme']}:{row['value']}", raw))
                continue
            current = existing.get((roll_call_id, person_id))
            if current is not None and current.reason == row["reason"]:
                duplicates += 1
                continue
            before = None if current is None else {"reason": current.reason}
            if current is None:
                current = Excusal(organization_id=org_id, roll_call_id=roll_call_id, person_id=person_id,
                                  reason=row["reason"], created_by_id=actor_id)
                db.session.add(current)
                existing[(roll_call_id, person_id)] = current
            else:
                current.reason = row["reason"]
            db.session.flush()
            audit.record(org_id, "excusal.import", current, before=before,
                         after={"roll_call_id": roll_call_id, "person_id": person_id, "reason": row["reason"]},
                         member=context.options.actor, note=f"{context.path.name} line {line}")
            imported += 1
        return imported, duplicates


def import_alignments(organization: Organization, path, plank_id=None, actor=None, *, strict: bool = False,
                      dry_run: bool = False) -> ImportResult:
    """Import an alignments CSV (``roll_call_source_id, plank, pro_position, weight, rationale``).

    ``plank`` is a plank id or its exact title in the adopted program; ``plank_id`` applies one
    plank to every row. Imported alignments are approved (the command is the committee's tool).
    Bad rows are reported with line and field; scores are recomputed when anything changed.
    """
    params = {"plank_id": plank_id} if plank_id not in (None, "") else {}
    options = ImportOptions(fmt="alignments_csv", strict=strict, dry_run=dry_run, actor=actor, params=params)
    result = run_import(organization, "alignments", path, lambda context: AlignmentLoader(context), options)
    return _recompute_after(organization, result)


def import_excusals(organization: Organization, path, actor=None, *, strict: bool = False,
                    dry_run: bool = False) -> ImportResult:
    """Import an excusals CSV (``roll_call_source_id, person_id`` as ``scheme:id``, ``reason``)."""
    options = ImportOptions(fmt="excusals_csv", strict=strict, dry_run=dry_run, actor=actor)
    result = run_import(organization, "excusals", path, lambda context: ExcusalLoader(context), options)
    return _recompute_after(organization, result)


def _recompute_after(organization, result: ImportResult) -> ImportResult:
    if result.status == "succeeded" and result.imported:
        result.report["recompute"] = recompute(organization)
    return result


# ---------------------------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------------------------

def _render(columns: list[str], records: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(records, indent=1, default=_json_default) + "\n"
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}; use csv or json")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: neutralize("" if v is None else v) for k, v in record.items()})
    return buffer.getvalue()


def _json_default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def person_ids_text(organization_id: int) -> dict[int, str]:
    """Each person's external ids as ``scheme:value`` joined by ``;`` (one query)."""
    texts: dict[int, list[str]] = {}
    for person_id, scheme, value in db.session.execute(
            select(PersonIdentifier.person_id, PersonIdentifier.scheme, PersonIdentifier.value)
            .where(PersonIdentifier.organization_id == organization_id)
            .order_by(PersonIdentifier.person_id, PersonIdentifier.scheme, PersonIdentifier.value)).all():
        texts.setdefault(person_id, []).append(f"{scheme}:{value}")
    return {person_id: ";".join(ids) for person_id, ids in texts.items()}


def export_scores(organization: Organization, fmt: str = "csv") -> str:
    """Every stored score as CSV or JSON; the contract columns first (see SCORE_EXPORT_COLUMNS)."""
    ids = person_ids_text(organization.id)
    rows = db.session.execute(
        select(Score, Person.name, Person.sort_name).join(Person, Person.id == Score.person_id)
        .where(Score.organization_id == organization.id)
        .order_by(Person.sort_name, Score.person_id, Score.crucial_only, Score.plank_id.is_not(None),
                  Score.plank_id, Score.window)).all()
    records = []
    for stored, name, _unused in rows:
        records.append({"person_name": name, "person_ids": ids.get(stored.person_id, ""), "scope": stored.scope,
                        "window": stored.window, "score_exact": stored.score_exact,
                        "score_display": stored.score_display, "status": stored.status,
                        "agreeing": stored.agreeing, "disagreeing": stored.disagreeing, "missed": stored.missed,
                        "excluded": stored.excluded, "rule_set": stored.rule_set,
                        "crucial_only": stored.crucial_only, "counted": stored.counted,
                        "numerator": stored.numerator, "denominator": stored.denominator,
                        "missed_vote_rate": stored.missed_vote_rate, "person_id": stored.person_id})
    return _render(SCORE_EXPORT_COLUMNS + SCORE_EXPORT_EXTRA, records, fmt)


def export_alignments(organization: Organization, fmt: str = "csv") -> str:
    """Every alignment (approved or not) as CSV or JSON; contract columns first."""
    rows = db.session.execute(
        select(Alignment, RollCall.source_id, Plank.title).join(RollCall, RollCall.id == Alignment.roll_call_id)
        .join(Plank, Plank.id == Alignment.plank_id).where(Alignment.organization_id == organization.id)
        .order_by(RollCall.voted_on, RollCall.source_id, Alignment.plank_id)).all()
    records = [{"roll_call_source_id": source_id, "plank_id": alignment.plank_id,
                "pro_position": alignment.pro_position, "weight": alignment.weight,
                "approved": alignment.status == "approved", "plank_title": title, "status": alignment.status,
                "rationale": alignment.rationale} for alignment, source_id, title in rows]
    return _render(ALIGNMENT_EXPORT_COLUMNS + ALIGNMENT_EXPORT_EXTRA, records, fmt)


def organizations() -> list[Organization]:
    """Every organization (the recompute command does them all)."""
    return list(db.session.execute(select(Organization).order_by(Organization.id)).scalars())


def find_organization(slug: str | None) -> Organization:
    """The organization with this slug, or the only one when no slug is given (LookupError otherwise)."""
    if slug:
        org = db.session.execute(select(Organization).filter_by(slug=slug)).scalar_one_or_none()
        if org is None:
            raise LookupError(f"no organization with slug {slug!r}")
        return org
    orgs = organizations()
    if len(orgs) != 1:
        raise LookupError("several organizations exist: name one with --organization SLUG" if orgs
                          else "no organization yet: create one first")
    return orgs[0]
