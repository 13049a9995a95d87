"""Read side of the public scorecards: every page's data in one or two queries.

Pages never compute scores: they read the stored Score rows (and their `details`, which list
every counted roll call). Each public table is returned as a `Table` (columns + rows of plain
values), so the page, its CSV and its JSON download share the same columns.
"""
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import aliased, joinedload, selectinload

from tracker import money, scoring
from tracker.extensions import db
from tracker.models import (Alignment, Body, Committee, Contribution, Excusal, Flag, Person, Plank,
                            Pledge, PledgeClause, ProgramVersion, RollCall, Score, Term, VotePosition)
from tracker.services.paging import RowsPage

# Donor classes that count as corporate money on the scorecards: the classes a
# `no_corporate_money` clause treats as violations (METHOD.md 6.5 step 5).
CORPORATE_CLASSES = ("corporate_pac", "corp_nonstock_pac", "trade_assoc_pac", "cooperative_pac",
                     "business_entity")
LIFETIME = "lifetime"
# Published flags that do not break the pledge but are worth a look (executives' money, a class
# under review, money returned late); counted beside the score after the violations.
WARNING_FLAG_STATUSES = ("warning", "under_review", "late_cure")
# A pledge is public once signed (on line or on paper): an unsigned one, pending or withdrawn before
# signing, is the committee's only, on the scorecards, the badge and the API as on its own page.
PUBLIC_PLEDGE = Pledge.signed_at.is_not(None)
SORTS = {  # ?sort= allow-list -> (column label, sql expression builder)
    "name": "Name", "score": "Score", "corporate": "Corporate money", "pledge": "Pledge",
}


@dataclass
class Table:
    """A public table: `columns` are (key, label) pairs; `rows` are dicts of plain values."""

    columns: list[tuple[str, str]]
    rows: list[dict] = field(default_factory=list)
    caption: str = ""

    def records(self) -> list[dict]:
        """Rows restricted to the table's columns (what the CSV and JSON downloads contain)."""
        keys = [key for key, _ in self.columns]
        return [{key: _plain(row.get(key)) for key in keys} for row in self.rows]


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def band_for(score, bands) -> str | None:
    """The organization's word for a score (e.g. 90+ "keeps the program"), or None: the scoring
    core's rule (the highest band whose `min` the exact score reaches)."""
    return scoring.band_for(score, bands)


def _money_dollars(cents) -> float:
    return round((cents or 0) / 100, 2)


def _counted_contributions():
    """Receipts that enter cash totals: not memo lines, not superseded by an amendment."""
    return and_(Contribution.memo.is_(False), Contribution.superseded.is_(False))


def paginate_rows(statement, page: int, per_page: int) -> RowsPage:
    """Run `statement` for one page of rows, plus one COUNT query for the total."""
    total = db.session.execute(db.select(func.count()).select_from(statement.order_by(None).subquery())).scalar_one()
    rows = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return RowsPage(rows, page, per_page, total)


# --- the scorecard index ----------------------------------------------------------------------

@dataclass
class IndexFilters:
    """Validated query arguments of the index (anything unknown falls back to the default)."""

    body_id: int | None = None
    office: str | None = None
    year: int | None = None
    sort: str = "name"
    descending: bool = False

    @property
    def window(self) -> str:
        return f"year:{self.year}" if self.year else LIFETIME

    @classmethod
    def from_args(cls, args) -> "IndexFilters":
        def as_int(name):
            try:
                return int(args.get(name, ""))
            except ValueError:
                return None
        sort = args.get("sort", "name")
        return cls(body_id=as_int("body"), office=(args.get("office") or None),
                   year=as_int("year"), sort=sort if sort in SORTS else "name",
                   descending=args.get("dir") == "desc")


INDEX_COLUMNS = [("name", "Official"), ("body", "Body"), ("office", "Office"), ("score", "Score"),
                 ("band", "In words"), ("status", "Score status"), ("counted", "Votes counted"),
                 ("pledge", "Pledge"), ("violations", "Receipts breaking the pledge"),
                 ("warnings", "Other flagged receipts"),
                 ("corporate_dollars", "Corporate money ($)"),
                 ("unclassified_receipts", "Receipts not yet classified")]


def index_statement(org, filters: IndexFilters):
    """One SELECT: each official (a person with a term) with their overall score for the window,
    latest term's body and office, pledge status and corporate money received."""
    latest_term = (db.select(Term.id).where(Term.person_id == Person.id)
                   .order_by(Term.start_on.desc()).limit(1).correlate(Person).scalar_subquery())
    pledge_status = (db.select(Pledge.status).where(Pledge.person_id == Person.id, PUBLIC_PLEDGE)
                     .order_by(Pledge.created_at.desc(), Pledge.id.desc()).limit(1)
                     .correlate(Person).scalar_subquery())
    corporate_cents = (
        db.select(func.coalesce(func.sum(Contribution.amount_cents), 0))
        .join(Committee, and_(Committee.organization_id == Contribution.organization_id,
                              Committee.committee_id == Contribution.recipient_committee_id))
        .where(Committee.person_id == Person.id, Contribution.donor_class.in_(CORPORATE_CLASSES),
               _counted_contributions())
        .correlate(Person).scalar_subquery()
    )
    # Receipts the money rules have not classified yet: the page says so beside the corporate total.
    unclassified = (
        db.select(func.count(Contribution.id))
        .join(Committee, and_(Committee.organization_id == Contribution.organization_id,
                              Committee.committee_id == Contribution.recipient_committee_id))
        .where(Committee.person_id == Person.id, Contribution.donor_class.is_(None), _counted_contributions())
        .correlate(Person).scalar_subquery()
    )
    # Published flags that find a receipt breaking the pledge (drafts stay the committee's).
    violations = (
        db.select(func.count(Flag.id))
        .where(Flag.person_id == Person.id, Flag.publication == "published", Flag.status == "violation")
        .correlate(Person).scalar_subquery()
    )
    warnings = (
        db.select(func.count(Flag.id))
        .where(Flag.person_id == Person.id, Flag.publication == "published", Flag.status.in_(WARNING_FLAG_STATUSES))
        .correlate(Person).scalar_subquery()
    )
    term = aliased(Term)
    body = aliased(Body)
    query = (
        db.select(Person.id, Person.name, Person.sort_name, body.name.label("body"), body.id.label("body_id"),
                  term.office, Score.score_display, Score.score_exact, Score.status, Score.counted,
                  pledge_status.label("pledge"), corporate_cents.label("corporate_cents"),
                  unclassified.label("unclassified"), violations.label("violations"), warnings.label("warnings"))
        .select_from(Person)
        .join(term, term.id == latest_term)
        .join(body, body.id == term.body_id)
        .outerjoin(Score, and_(Score.person_id == Person.id, Score.scope == "overall",
                               Score.window == filters.window, Score.crucial_only.is_(False)))
        .where(Person.organization_id == org.id)
    )
    if filters.body_id or filters.office or filters.year:
        conditions = [Term.person_id == Person.id]
        if filters.body_id:
            conditions.append(Term.body_id == filters.body_id)
        if filters.office:
            conditions.append(Term.office == filters.office)
        if filters.year:  # served at some point in that year
            conditions.append(func.extract("year", Term.start_on) <= filters.year)
            conditions.append(or_(Term.end_on.is_(None), func.extract("year", Term.end_on) >= filters.year))
        query = query.where(db.select(Term.id).where(*conditions).exists())
    order = {"name": Person.sort_name, "score": Score.score_exact, "corporate": corporate_cents,
             "pledge": pledge_status}[filters.sort]
    order = order.desc() if filters.descending else order.asc()
    nulls = order.nulls_last() if filters.sort in ("score", "pledge") else order
    return query.order_by(nulls, Person.sort_name, Person.id)


def index_rows(rows, bands) -> list[dict]:
    """Turn index result rows into the table's plain rows."""
    return [{
        "person_id": row.id, "name": row.name, "body": row.body, "office": row.office,
        "score": row.score_display, "score_exact": row.score_exact, "band": band_for(row.score_exact, bands),
        "status": row.status or "not_scored", "counted": row.counted or 0, "pledge": row.pledge or "none",
        "corporate_dollars": _money_dollars(row.corporate_cents), "unclassified_receipts": row.unclassified or 0,
        "violations": row.violations or 0, "warnings": row.warnings or 0,
    } for row in rows]


def index_choices(org) -> dict:
    """Bodies, offices and years offered by the index's filter form."""
    bodies = db.session.execute(db.select(Body.id, Body.name).filter_by(organization_id=org.id)
                                .order_by(Body.name)).all()
    offices = db.session.execute(db.select(Term.office).filter_by(organization_id=org.id).distinct()
                                 .order_by(Term.office)).scalars().all()
    windows = db.session.execute(db.select(Score.window).filter_by(organization_id=org.id).distinct()).scalars()
    years = sorted({int(w.split(":", 1)[1]) for w in windows if w.startswith("year:")}, reverse=True)
    return {"bodies": bodies, "offices": offices, "years": years}


# --- an official's page -----------------------------------------------------------------------

ROLL_CALL_COLUMNS = [("voted_on", "Date"), ("title", "Roll call"), ("planks", "Plank(s)"),
                     ("pro_position", "Position that keeps the plank"), ("position", "Their position"),
                     ("raw_label", "As recorded"), ("weight", "Weight"), ("points", "Points"),
                     ("outcome", "Counts as"), ("reason", "Why"), ("source_url", "Source record")]
PLANK_SCORE_COLUMNS = [("plank", "Plank"), ("score", "Score"), ("band", "In words"), ("agreeing", "Agreeing"),
                       ("disagreeing", "Disagreeing"), ("missed", "Missed"), ("counted", "Counted"),
                       ("status", "Status")]
MONEY_COLUMNS = [("donor_class", "Donor class"), ("receipts", "Receipts"), ("dollars", "Amount ($)")]
FLAG_COLUMNS = [("status", "Status"), ("clause", "Pledge clause"), ("donor_name", "Donor"),
                ("received_on", "Received"), ("dollars", "Amount ($)"), ("net_dollars", "Net after refunds ($)"),
                ("reason", "Why it is flagged"), ("source", "Filing line")]


def person_or_none(org, person_id: int) -> Person | None:
    """The organization's person (terms and bodies eager-loaded), or None."""
    return db.session.execute(
        db.select(Person).where(Person.id == person_id, Person.organization_id == org.id)
        .options(selectinload(Person.terms).joinedload(Term.body))
    ).scalar_one_or_none()


def person_scores(person) -> list[Score]:
    """Every stored score of a person (all scopes and windows), in one query."""
    return db.session.execute(db.select(Score).where(Score.person_id == person.id)
                              .order_by(Score.scope, Score.window)).scalars().all()


def plank_titles(org, plank_ids) -> dict[int, Plank]:
    if not plank_ids:
        return {}
    return {p.id: p for p in db.session.execute(
        db.select(Plank).where(Plank.organization_id == org.id, Plank.id.in_(plank_ids))).scalars()}


def official_page(org, person) -> dict:
    """Everything an official's page shows: overall and per-plank scores, scores over time,
    the counted roll calls (with the "how this was worked out" data), the money summary and the
    pledge with its published flags."""
    from tracker.services import scores as score_service  # the scoring core's read side

    scores = person_scores(person)
    bands = org.score_bands
    overall = next((s for s in scores if s.scope == "overall" and s.window == LIFETIME and not s.crucial_only), None)
    crucial = next((s for s in scores if s.scope == "overall" and s.window == LIFETIME and s.crucial_only), None)
    plank_scores = [s for s in scores if s.scope.startswith("plank:") and s.window == LIFETIME and not s.crucial_only]
    yearly = sorted((s for s in scores if s.scope == "overall" and s.window.startswith("year:") and not s.crucial_only),
                    key=lambda s: s.window)
    explained = _explain(score_service, overall) if overall else None
    votes = explained["votes"] if explained else []
    planks = plank_titles(org, {s.plank_id for s in plank_scores} | {i for v in votes for i in v["plank_ids"]})

    plank_table = Table(PLANK_SCORE_COLUMNS, caption=f"{person.name}: score on each plank (all years)")
    for s in sorted(plank_scores, key=lambda s: planks[s.plank_id].position if s.plank_id in planks else 0):
        plank = planks.get(s.plank_id)
        plank_table.rows.append({
            "plank_id": s.plank_id, "plank": plank.title if plank else s.scope, "score": s.score_display,
            "band": band_for(s.score_exact, bands), "agreeing": s.agreeing, "disagreeing": s.disagreeing,
            "missed": s.missed, "counted": s.counted, "status": s.status})
    year_table = Table([("year", "Year"), ("score", "Score"), ("counted", "Votes counted"), ("status", "Status")],
                       caption=f"{person.name}: overall score by year")
    for s in yearly:
        year_table.rows.append({"year": s.window.split(":", 1)[1], "score": s.score_display,
                                "counted": s.counted, "status": s.status})
    plank_boxes = [(row, plank_explanation(score, explained, planks))
                   for row, score in zip(plank_table.rows, sorted(plank_scores, key=lambda s: planks[s.plank_id].position
                                                                 if s.plank_id in planks else 0))]
    money, flags = money_summary(org, person), flag_table(org, person)
    return {
        "min_counted_votes": score_service.get_options(org).min_counted_votes,
        "overall": overall, "crucial": crucial, "explained": explained, "plank_boxes": plank_boxes,
        "violations": sum(1 for row in flags.rows if row["status"] == "violation"),
        "warnings": sum(1 for row in flags.rows if row["status"] in WARNING_FLAG_STATUSES),
        "corporate_dollars": round(sum(row["dollars"] for row in money.rows if row["corporate"]), 2),
        "unclassified_receipts": sum(row["receipts"] for row in money.rows if row["donor_class"] == "not yet classified"),
        "band": band_for(overall.score_exact if overall else None, bands),
        "plank_table": plank_table, "year_table": year_table,
        "roll_call_table": roll_call_table(person, votes, planks),
        "money": money, "pledge": pledge_of(person), "flags": flags,
    }


# The scoring core's explain() works the per-vote rows out again for one person (pandas: tens of
# milliseconds). A stored score changes only when a recompute rewrites its row, always with a new
# computed_at, so its explanation can be kept per process under that identity.
_explanations: "OrderedDict[tuple, dict]" = OrderedDict()
_EXPLANATIONS_KEPT = 256


def _explain(score_service, score: Score) -> dict:
    """`scores.explain(score)`, kept per process while the stored score row is the same one."""
    key = (score.organization_id, score.id, score.computed_at, score.rule_set)
    if key in _explanations:
        _explanations.move_to_end(key)
        return _explanations[key]
    explained = score_service.explain(score)
    _explanations[key] = explained
    if len(_explanations) > _EXPLANATIONS_KEPT:
        _explanations.popitem(last=False)
    return explained


def plank_explanation(score, overall_explained: dict | None, planks) -> dict:
    """The "how this was worked out" data of a lifetime plank score, without another query.

    The overall explanation (the scoring core's `explain`) lists every scored roll call of the
    person once, with the planks it is aligned to; a plank's rows are those tagged with it. The
    rows are shown only when their points and weights add up to the stored numerator and
    denominator (they may not when one roll call is aligned to several planks with different
    positions or weights); otherwise the box says so and gives the stored sums.
    """
    info = score.details or {}
    votes = [v for v in (overall_explained or {}).get("votes", []) if score.plank_id in (v.get("plank_ids") or [])]
    counted = [v for v in votes if v["outcome"] in ("agree", "disagree", "missed")]
    numerator, denominator = _decimal(info.get("numerator")), _decimal(info.get("denominator"))
    matches = (numerator is not None and denominator is not None
               and sum(_decimal(v["points"]) for v in counted) == numerator
               and sum(_decimal(v["weight"]) for v in counted) == denominator)
    message = None
    if score.status != "ok":
        message = (f"Only {score.counted} counted roll call{'s' if score.counted != 1 else ''} on this plank: "
                   f"too few for a score.")
    if counted and not matches:
        message = ((message + " ") if message else "") + (
            "The roll calls on this plank are also aligned to other planks with a different position or weight; "
            "open each roll call's page for its alignments.")
    return {"rules": (overall_explained or {}).get("rules", []), "votes": votes if matches or not counted else [],
            "sum_points": info.get("numerator"), "denominator": info.get("denominator"), "message": message}


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def roll_call_table(person, votes: list[dict], planks) -> Table:
    """Every eligible scored roll call behind the overall score (counted or excluded, and why)."""
    table = Table(ROLL_CALL_COLUMNS, caption=f"Every roll call behind {person.name}'s overall score")
    for vote in votes:
        names = [planks[i].title for i in vote.get("plank_ids") or [] if i in planks]
        table.rows.append({**{key: vote.get(key) for key, _ in ROLL_CALL_COLUMNS}, "planks": "; ".join(names),
                           "roll_call_id": vote.get("roll_call_id"), "source_id": vote.get("source_id")})
    return table


def money_summary(org, person) -> Table:
    """Receipts to the person's committees by donor class (one aggregate query)."""
    rows = db.session.execute(
        db.select(Contribution.donor_class, func.count(), func.sum(Contribution.amount_cents))
        .join(Committee, and_(Committee.organization_id == Contribution.organization_id,
                              Committee.committee_id == Contribution.recipient_committee_id))
        .where(Committee.person_id == person.id, Contribution.organization_id == org.id, _counted_contributions())
        .group_by(Contribution.donor_class).order_by(func.sum(Contribution.amount_cents).desc())
    ).all()
    table = Table(MONEY_COLUMNS, caption=f"Money received by {person.name}'s committees, by donor class")
    for donor_class, receipts, cents in rows:
        table.rows.append({"donor_class": donor_class or "not yet classified", "receipts": receipts,
                           "dollars": _money_dollars(cents), "corporate": donor_class in CORPORATE_CLASSES})
    return table


def pledge_of(person) -> Pledge | None:
    """The person's latest public (signed) pledge, clauses eager-loaded, or None."""
    return db.session.execute(
        db.select(Pledge).where(Pledge.person_id == person.id, PUBLIC_PLEDGE).options(selectinload(Pledge.clauses))
        .order_by(Pledge.created_at.desc(), Pledge.id.desc()).limit(1)
    ).scalar_one_or_none()


def flag_table(org, person) -> Table:
    """Published money flags on the person, with the filing line that proves each."""
    rows = db.session.execute(
        db.select(Flag, PledgeClause.kind).join(PledgeClause, PledgeClause.id == Flag.pledge_clause_id)
        .where(Flag.person_id == person.id, Flag.organization_id == org.id, Flag.publication == "published")
        .options(selectinload(Flag.contribution)).order_by(Flag.id)
    ).all()
    table = Table(FLAG_COLUMNS, caption=f"Pledge flags on money received by {person.name}")
    for flag, kind in rows:
        c = flag.contribution
        table.rows.append({
            "status": flag.status, "clause": kind, "donor_name": c.donor_name, "received_on": c.received_on,
            "dollars": _money_dollars(flag.amount_cents), "net_dollars": _money_dollars(flag.net_cents),
            "source": f"{c.source_file} line {c.source_line}" + (f", transaction {c.tran_id}" if c.tran_id else ""),
            "reason": money.flag_reason(flag.evidence, {"donor_class": c.donor_class, "rule": c.rule,
                                                        "employer": c.employer, "occupation": c.occupation}),
            "evidence": flag.evidence})
    return table


# --- a plank's page, comparison -------------------------------------------------------------

def public_plank(org, plank_id: int) -> Plank | None:
    """A plank of an adopted (or superseded) program version; drafts are not public."""
    return db.session.execute(
        db.select(Plank).join(ProgramVersion, ProgramVersion.id == Plank.version_id)
        .where(Plank.id == plank_id, Plank.organization_id == org.id, ProgramVersion.status != "draft")
    ).scalar_one_or_none()


PLANK_PAGE_COLUMNS = [("name", "Official"), ("score", "Score"), ("band", "In words"), ("agreeing", "Agreeing"),
                      ("disagreeing", "Disagreeing"), ("missed", "Missed"), ("counted", "Counted"),
                      ("status", "Status")]


def plank_page(org, plank) -> dict:
    """Every official's lifetime record on one plank, and the approved roll calls tied to it."""
    rows = db.session.execute(
        db.select(Score, Person.name).join(Person, Person.id == Score.person_id)
        .where(Score.organization_id == org.id, Score.scope == f"plank:{plank.id}", Score.window == LIFETIME,
               Score.crucial_only.is_(False))
        .order_by(Score.score_exact.desc().nulls_last(), Person.sort_name)
    ).all()
    table = Table(PLANK_PAGE_COLUMNS, caption=f"Every official's record on “{plank.title}”")
    for s, name in rows:
        table.rows.append({"person_id": s.person_id, "name": name, "score": s.score_display,
                           "band": band_for(s.score_exact, org.score_bands), "agreeing": s.agreeing,
                           "disagreeing": s.disagreeing, "missed": s.missed, "counted": s.counted,
                           "status": s.status})
    alignments = db.session.execute(
        db.select(Alignment).where(Alignment.plank_id == plank.id, Alignment.status == "approved")
        .options(selectinload(Alignment.roll_call)).order_by(Alignment.id)
    ).scalars().all()
    return {"table": table, "alignments": sorted(alignments, key=lambda a: a.roll_call.voted_on, reverse=True)}


def compare(org, person_ids: list[int]) -> dict:
    """Two to four officials side by side: overall and each plank (lifetime)."""
    people = db.session.execute(
        db.select(Person).where(Person.organization_id == org.id, Person.id.in_(person_ids))
    ).scalars().all()
    people = sorted(people, key=lambda p: person_ids.index(p.id))
    scores = db.session.execute(
        db.select(Score).where(Score.person_id.in_([p.id for p in people]), Score.window == LIFETIME,
                               Score.crucial_only.is_(False))
    ).scalars().all()
    by_key = {(s.person_id, s.scope): s for s in scores}
    planks = plank_titles(org, {s.plank_id for s in scores if s.plank_id})
    columns = [("scope", "Scope")] + [(f"p{p.id}", p.name) for p in people]
    table = Table(columns, caption="Scores side by side (all years)")
    scopes = ["overall"] + [f"plank:{pid}" for pid in sorted(planks, key=lambda i: planks[i].position)]
    for scope in scopes:
        label = "Overall" if scope == "overall" else planks[int(scope.split(":")[1])].title
        row = {"scope": label}
        for p in people:
            s = by_key.get((p.id, scope))
            row[f"p{p.id}"] = s.score_display if s else None
        table.rows.append(row)
    return {"people": people, "table": table}


# --- roll calls -------------------------------------------------------------------------------

POSITION_COLUMNS = [("voter_name", "Voter"), ("raw_label", "As recorded"), ("position", "Position"),
                    ("excused", "Excused absence")]


def roll_call_page(org, roll_call_id: int, include_unapproved: bool) -> dict | None:
    """A roll call with its positions, alignments (approved only for the public) and excusals."""
    roll_call = db.session.execute(
        db.select(RollCall).where(RollCall.id == roll_call_id, RollCall.organization_id == org.id)
        .options(selectinload(RollCall.positions).options(joinedload(VotePosition.person), joinedload(VotePosition.voter)),
                 selectinload(RollCall.body))
    ).scalar_one_or_none()
    if roll_call is None:
        return None
    query = (db.select(Alignment).where(Alignment.roll_call_id == roll_call.id)
             .options(selectinload(Alignment.plank)).order_by(Alignment.id))
    if not include_unapproved:
        query = query.where(Alignment.status == "approved")
    alignments = db.session.execute(query).scalars().all()
    excusals = {e.person_id: e for e in db.session.execute(
        db.select(Excusal).where(Excusal.roll_call_id == roll_call.id)).scalars()}
    table = Table(POSITION_COLUMNS, caption="How each member voted")
    for vp in sorted(roll_call.positions, key=lambda v: v.voter_name):
        excusal = excusals.get(vp.person_id) if vp.person_id else None
        table.rows.append({"voter_name": vp.voter_name, "raw_label": vp.raw_label, "position": vp.position,
                           "excused": excusal.reason if excusal else "", "person_id": vp.person_id})
    return {"roll_call": roll_call, "alignments": alignments, "table": table, "excusals": excusals}


def unreviewed_roll_calls_statement(org):
    """Roll calls, newest first, on which the committee has not decided any alignment yet."""
    decided = (db.select(Alignment.id).where(Alignment.roll_call_id == RollCall.id,
                                             Alignment.status.in_(("approved", "rejected")))
               .correlate(RollCall).exists())
    proposed = (db.select(func.count(Alignment.id)).where(Alignment.roll_call_id == RollCall.id,
                                                         Alignment.status == "proposed")
                .correlate(RollCall).scalar_subquery())
    return (db.select(RollCall, proposed.label("proposed")).where(RollCall.organization_id == org.id, ~decided)
            .order_by(RollCall.voted_on.desc(), RollCall.id.desc()))


def current_planks(org) -> list[Plank]:
    """Planks of the newest adopted program version (what alignments may point at)."""
    version = db.session.execute(
        db.select(ProgramVersion).filter_by(organization_id=org.id, status="adopted")
        .order_by(ProgramVersion.number.desc()).limit(1)).scalar_one_or_none()
    return list(version.planks) if version else []


def home_officials(org, limit: int = 12) -> list[dict]:
    """Officials with their overall score for the home page's "Find an official" list."""
    rows = db.session.execute(index_statement(org, IndexFilters()).limit(limit)).all()
    return index_rows(rows, org.score_bands)


# --- search -----------------------------------------------------------------------------------

SEARCH_MIN, SEARCH_MAX, SEARCH_LIMIT = 2, 100, 25


def _like(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere, its own % and _ taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(org, text: str) -> dict:
    """Officials (by name) and planks of the adopted program (by title or text) matching `text`;
    two queries, at most SEARCH_LIMIT of each. Officials come as index rows (score, pledge, flags)."""
    text = " ".join((text or "").split())[:SEARCH_MAX]
    if len(text) < SEARCH_MIN:
        return {"text": text, "officials": [], "planks": [], "too_short": bool(text)}
    pattern = _like(text)
    statement = index_statement(org, IndexFilters()).where(Person.name.ilike(pattern, escape="\\"))
    officials = index_rows(db.session.execute(statement.limit(SEARCH_LIMIT)).all(), org.score_bands)
    planks = db.session.execute(
        db.select(Plank).join(ProgramVersion, ProgramVersion.id == Plank.version_id)
        .where(Plank.organization_id == org.id, ProgramVersion.status == "adopted",
               or_(Plank.title.ilike(pattern, escape="\\"), Plank.body.ilike(pattern, escape="\\"),
                   Plank.category.ilike(pattern, escape="\\")))
        .order_by(ProgramVersion.number.desc(), Plank.position).limit(SEARCH_LIMIT)).scalars().all()
    return {"text": text, "officials": officials, "planks": planks, "too_short": False}
