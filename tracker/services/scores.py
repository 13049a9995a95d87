"""Stored scores: recompute them when an input changes, explain them, set the options, import and
export the inputs (alignments, excusals) and the results.

Pages read the stored ``Score`` rows; nothing outside this module computes a score. The formula
itself is the pure ``tracker.scoring.score``; this module only loads its inputs in bulk and
writes its outputs in one transaction.

``Score.details`` holds the rule set (name and plain words), the numerator and the denominator.
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

import pandas as pd
from sqlalchemy import delete, func, insert, literal, select

from imports import Batch, RowError
from tracker import scoring
from tracker.extensions import db
from tracker.models import (Alignment, Excusal, Organization, Person, PersonIdentifier, Plank, ProgramVersion,
                            RollCall, Score, Term, VotePosition)
from tracker.models.base import utcnow
from tracker.services import audit
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
                    raise ValueError("each band needs a min and a label")
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

    Only approved alignments, and only positions on roll calls that have one, are loaded.
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
    # The raw label is only shown in explanations; a full recompute does not read it.
    label = VotePosition.raw_label if person_id is not None else literal("").label("raw_label")
    positions = (select(VotePosition.roll_call_id, VotePosition.person_id, VotePosition.position, label)
                 .where(VotePosition.roll_call_id.in_(scored_roll_calls), VotePosition.person_id.is_not(None)))
    terms = (select(Term.id.label("term_id"), Term.person_id, Term.body_id, Term.start_on, Term.end_on)
             .where(Term.organization_id == organization_id))
    excusals = select(Excusal.roll_call_id, Excusal.person_id).where(Excusal.organization_id == organization_id)
    if person_id is not None:
        positions = positions.where(VotePosition.person_id == person_id)
        terms = terms.where(Term.person_id == person_id)
        excusals = excusals.where(Excusal.person_id == person_id)
    return {name: _frame(statement) for name, statement in
            (("alignments", aligned), ("positions", positions), ("terms", terms), ("excusals", excusals))}


def _frame(statement) -> pd.DataFrame:
    """Run a select and build a DataFrame from plain tuples (no Row objects: a million rows load in a second)."""
    connection = db.session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    columns = [column.key for column in statement.selected_columns]
    cursor = connection.connection.driver_connection.cursor()
    try:
        if compiled.positiontup is not None:  # qmark/format styles (SQLite, psycopg "format")
            params = tuple(compiled.params[name] for name in compiled.positiontup)
        else:
            params = compiled.params
        cursor.execute(str(compiled), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=False) if rows else pd.DataFrame(columns=columns)


def recompute(organization: Organization) -> dict:
    """Recompute and store every score of the organization, replacing the old ones in one transaction.

    Returns a summary: ``scores`` written, ``people``, ``roll_calls`` scored, ``positions`` read,
    ``rule_set`` and ``seconds``.
    """
    started = time.perf_counter()
    options = get_options(organization)
    inputs = load_inputs(organization.id)
    scores, _ = scoring.score(inputs["positions"], inputs["alignments"],
                              inputs["terms"] if not inputs["terms"].empty else None,
                              inputs["excusals"], options, with_details=False)
    rule_set = options.rule_set_name()
    db.session.execute(delete(Score).where(Score.organization_id == organization.id))
    if len(scores):
        _bulk_insert_scores(_score_columns(organization.id, scores, options))
    db.session.commit()
    return {"scores": len(scores), "people": int(scores["person_id"].nunique()) if len(scores) else 0,
            "roll_calls": int(inputs["alignments"]["roll_call_id"].nunique()) if len(inputs["alignments"]) else 0,
            "positions": len(inputs["positions"]), "rule_set": rule_set,
            "seconds": round(time.perf_counter() - started, 3)}


_SCORE_INSERT_COLUMNS = ["organization_id", "person_id", "scope", "plank_id", "window", "crucial_only", "score_exact",
                         "score_display", "status", "agreeing", "disagreeing", "missed", "excluded", "counted",
                         "numerator", "denominator", "missed_vote_rate", "rule_set", "details", "computed_at"]


def _score_columns(organization_id: int, scores: pd.DataFrame, options) -> dict[str, list]:
    """The Score table's columns as lists (one entry per score), ready for one bulk insert."""
    count = len(scores)
    rule_set = options.rule_set_name()
    averaged = options.overall_mode == "plank_average"
    plank_ids = [int(p) or None for p in scores["plank_id"].tolist()]
    numerators, denominators = scores["numerator"].tolist(), scores["denominator"].tolist()
    eligible = scores["eligible"].tolist()
    columns = {
        "organization_id": [organization_id] * count, "person_id": scores["person_id"].astype("int64").tolist(),
        "scope": scores["scope"].astype(str).tolist(), "plank_id": plank_ids, "window": scores["window"].tolist(),
        "crucial_only": scores["crucial_only"].astype(bool).tolist(), "score_exact": scores["score_exact"].tolist(),
        "score_display": [None if d is None or d != d else int(d) for d in scores["score_display"].tolist()],
        "status": scores["status"].tolist(), "numerator": numerators, "denominator": denominators,
        "missed_vote_rate": scores["missed_vote_rate"].tolist(), "rule_set": [rule_set] * count,
        "details": [{"numerator": _text(n), "denominator": _text(d), "eligible": e,
                     "averaged_planks": averaged and p is None}
                    for n, d, e, p in zip(numerators, denominators, eligible, plank_ids)],
        "computed_at": [utcnow()] * count,
    }
    for name in ("agreeing", "disagreeing", "missed", "excluded", "counted"):
        columns[name] = scores[name].astype("int64").tolist()
    return columns


def _bulk_insert_scores(columns: dict[str, list]) -> None:
    """One executemany of the Score rows, each value passed through its column type's bind processor.

    Going through the DB-API cursor with the statement SQLAlchemy compiles skips per-row
    parameter handling that would otherwise cost more than the scoring itself at national scale.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    table = Score.__table__
    compiled = insert(table).compile(dialect=dialect, column_keys=_SCORE_INSERT_COLUMNS)
    processed = {}
    for name in _SCORE_INSERT_COLUMNS:
        processor = table.c[name].type._cached_bind_processor(dialect)
        values = columns[name]
        if processor is None:
            processed[name] = values
        elif name in ("organization_id", "rule_set", "computed_at"):  # one value for every row
            processed[name] = [processor(values[0])] * len(values) if values else []
        else:
            processed[name] = [None if v is None else processor(v) for v in values]
    cursor = connection.connection.driver_connection.cursor()
    try:
        if compiled.positiontup is not None:
            order = compiled.positiontup
            cursor.executemany(str(compiled), list(zip(*[processed[name] for name in order])))
        else:  # named parameters (psycopg): the bind names are the column names
            names = list(compiled.binds)
            cursor.executemany(str(compiled), [dict(zip(names, values))
                                               for values in zip(*[processed[name] for name in names])])
    finally:
        cursor.close()


def _text(value) -> str | None:
    return None if value is None else format(value, "f")


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
    _, details = scoring.score(inputs["positions"], inputs["alignments"],
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
        actor_id, _ = audit.actor_of(context.options.actor)
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
        actor_id, _ = audit.actor_of(context.options.actor)
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

def neutralize(value):
    """A CSV cell that a spreadsheet would run as a formula (= + - @) gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


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
    for stored, name, _ in rows:
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
