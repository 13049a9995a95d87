"""Read-only JSON API under /api/v1/ (public data only).

One route table (`ROUTES`) both registers the URL rules and builds the OpenAPI document, so the
two cannot drift. Lists are paginated (`?page=`, `?per_page=` up to 100) and every answer is
`{"data": ..., "meta": {page, per_page, total}, "links": {...}}`, with an ETag (hash of the body;
`If-None-Match` answers 304) and `Cache-Control: public, max-age=60`.

Public means: adopted (or superseded) program versions, approved alignments, pledges once signed
(signed, broken, or withdrawn after signing) without their signing tokens, published records imported from public files.
"""
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from flask import Blueprint, Response, abort, request, url_for
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.models import (Alignment, Contribution, Organization, Person, Plank, Pledge, ProgramVersion,
                            RollCall, Score, VotePosition)
from tracker.web import current_organization

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PER_PAGE = 100
PUBLIC_PLEDGE_STATUSES = ("signed", "broken", "withdrawn")  # and only once signed (signed_at set)


# --- serialization ------------------------------------------------------------------------------

def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _json_default(value):
    """Dates, decimals and numpy numbers inside nested data (e.g. a score's explanation)."""
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    plain = _plain(value)
    if plain is value:
        raise TypeError(f"cannot serialize {type(value).__name__}")
    return plain


def _columns(row, names) -> dict:
    return {name: _plain(getattr(row, name)) for name in names}


def organization_json(org: Organization) -> dict:
    return {**_columns(org, ("id", "slug", "name", "city", "description")), "score_bands": org.score_bands}


def plank_json(plank: Plank) -> dict:
    return _columns(plank, ("id", "version_id", "position", "key", "title", "body", "category", "tier"))


def version_json(version: ProgramVersion) -> dict:
    return {**_columns(version, ("id", "program_id", "number", "status", "preamble", "adopted_on", "text_sha256")),
            "planks": [plank_json(p) for p in version.planks]}


def person_json(person: Person) -> dict:
    return {**_columns(person, ("id", "name", "sort_name", "party", "photo_url")),
            # `scheme:id` strings, as in the exports: a person may hold several ids of one scheme.
            "identifiers": sorted(f"{i.scheme}:{i.value}" for i in person.identifiers),
            "terms": [_columns(t, ("body_id", "office", "district", "party", "start_on", "end_on")) for t in person.terms],
            "links": {"scorecard": url_for("scorecards.official", person_id=person.id, _external=True),
                      "badge": url_for("badge", person_id=person.id, _external=True)}}


ROLL_CALL_FIELDS = ("id", "body_id", "voted_on", "source", "source_id", "source_url", "motion", "title",
                    "question", "required_majority", "result", "yes_count", "no_count", "other_count")


def roll_call_json(roll_call: RollCall, positions: bool = False) -> dict:
    data = _columns(roll_call, ROLL_CALL_FIELDS)
    if positions:
        data["positions"] = [_columns(p, ("person_id", "voter_key", "voter_name", "raw_label", "position"))
                             for p in roll_call.positions]
    return data


def alignment_json(alignment: Alignment) -> dict:
    return _columns(alignment, ("id", "roll_call_id", "plank_id", "pro_position", "weight", "rationale", "crucial",
                                "status", "decided_at"))


def score_json(score: Score) -> dict:
    return _columns(score, ("id", "person_id", "scope", "plank_id", "window", "crucial_only", "score_exact",
                            "score_display", "status", "agreeing", "disagreeing", "missed", "excluded", "counted",
                            "numerator", "denominator", "missed_vote_rate", "rule_set", "computed_at")) | {
        "details": score.details}


CONTRIBUTION_FIELDS = ("id", "source", "source_key", "source_file", "source_line", "tran_id", "sub_id", "filing_id",
                       "amendment_indicator", "transaction_type", "image_num", "recipient_committee_id",
                       "candidate_id", "donor_name", "donor_entity_type", "donor_committee_id", "employer",
                       "occupation", "city", "state", "amount_cents", "received_on", "memo", "memo_text",
                       "receipt_kind", "superseded", "raw_sha256", "donor_class", "tags", "rule", "confidence")


def contribution_json(contribution: Contribution) -> dict:
    return _columns(contribution, CONTRIBUTION_FIELDS) | {"evidence": contribution.evidence}


def pledge_json(pledge: Pledge) -> dict:
    return _columns(pledge, ("id", "person_id", "program_version_id", "status", "signed_name", "signed_at", "text",
                             "text_sha256")) | {
        "clauses": [_columns(c, ("kind", "plank_id")) | {"params": c.params} for c in pledge.clauses]}


# --- the route table ----------------------------------------------------------------------------

@dataclass
class Route:
    """One API route: its path (Flask syntax), what it returns, and how to build the answer."""

    path: str
    endpoint: str
    summary: str
    handler: Callable
    filters: dict = field(default_factory=dict)  # query parameter -> description (lists only)

    @property
    def is_list(self) -> bool:
        return "<" not in self.path

    @property
    def openapi_path(self) -> str:
        return bp.url_prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.path)

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.path)


def _org():
    org = current_organization()
    if org is None:
        abort(404)
    return org


def _int_arg(name):
    value = request.args.get(name)
    if value is None:
        return None
    if not value.isdigit():
        abort(400, description=f"{name} must be a whole number")
    return int(value)


def _list(statement, serialize):
    """Paginate a SELECT of entities into (data, meta)."""
    page, per_page = _int_arg("page") or 1, min(_int_arg("per_page") or 50, MAX_PER_PAGE)
    total = db.session.execute(db.select(func.count()).select_from(statement.order_by(None).subquery())).scalar_one()
    items = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return [serialize(item) for item in items], {"page": page, "per_page": per_page, "total": total}


def list_organizations():
    return _list(db.select(Organization).order_by(Organization.id), organization_json)


def list_program_versions():
    org = _org()
    return _list(db.select(ProgramVersion).where(ProgramVersion.organization_id == org.id,
                                                 ProgramVersion.status != "draft")
                 .options(selectinload(ProgramVersion.planks)).order_by(ProgramVersion.number), version_json)


def list_planks():
    org = _org()
    query = (db.select(Plank).join(ProgramVersion, ProgramVersion.id == Plank.version_id)
             .where(Plank.organization_id == org.id, ProgramVersion.status != "draft"))
    if (version_id := _int_arg("version_id")) is not None:
        query = query.where(Plank.version_id == version_id)
    return _list(query.order_by(Plank.version_id, Plank.position), plank_json)


def _people_query(org):
    return (db.select(Person).where(Person.organization_id == org.id)
            .options(selectinload(Person.identifiers), selectinload(Person.terms)))


def list_people():
    return _list(_people_query(_org()).order_by(Person.sort_name, Person.id), person_json)


def get_person(person_id):
    person = db.session.execute(_people_query(_org()).where(Person.id == person_id)).scalar_one_or_none()
    return person_json(person or abort(404)), None


def list_roll_calls():
    org = _org()
    query = db.select(RollCall).where(RollCall.organization_id == org.id)
    if (body_id := _int_arg("body_id")) is not None:
        query = query.where(RollCall.body_id == body_id)
    return _list(query.order_by(RollCall.voted_on.desc(), RollCall.id.desc()), roll_call_json)


def get_roll_call(roll_call_id):
    roll_call = db.session.execute(
        db.select(RollCall).where(RollCall.organization_id == _org().id, RollCall.id == roll_call_id)
        .options(selectinload(RollCall.positions).joinedload(VotePosition.voter))).scalar_one_or_none()
    return roll_call_json(roll_call or abort(404), positions=True), None


def list_alignments():
    org = _org()
    query = db.select(Alignment).where(Alignment.organization_id == org.id, Alignment.status == "approved")
    for name in ("roll_call_id", "plank_id"):
        if (value := _int_arg(name)) is not None:
            query = query.where(getattr(Alignment, name) == value)
    return _list(query.order_by(Alignment.id), alignment_json)


def list_scores():
    org = _org()
    query = db.select(Score).where(Score.organization_id == org.id)
    if (person_id := _int_arg("person_id")) is not None:
        query = query.where(Score.person_id == person_id)
    for name in ("scope", "window"):
        if request.args.get(name):
            query = query.where(getattr(Score, name) == request.args[name])
    return _list(query.order_by(Score.person_id, Score.scope, Score.window, Score.crucial_only), score_json)


def get_score(score_id):
    from tracker.services import scores as score_service  # the scoring core explains stored scores
    score = db.session.execute(db.select(Score).where(Score.organization_id == _org().id, Score.id == score_id)
                               ).scalar_one_or_none() or abort(404)
    explained = score_service.explain(score)
    return score_json(score) | {"explanation": {key: explained.get(key) for key in (
        "rules", "votes", "sum_points", "denominator", "division", "message", "stale")}}, None


def list_contributions():
    org = _org()
    query = db.select(Contribution).where(Contribution.organization_id == org.id)
    for name in ("recipient_committee_id", "donor_class"):
        if request.args.get(name):
            query = query.where(getattr(Contribution, name) == request.args[name])
    return _list(query.order_by(Contribution.id), contribution_json)


def list_pledges():
    org = _org()
    query = (db.select(Pledge).where(Pledge.organization_id == org.id, Pledge.status.in_(PUBLIC_PLEDGE_STATUSES),
                                Pledge.signed_at.is_not(None))
             .options(selectinload(Pledge.clauses)))
    if (person_id := _int_arg("person_id")) is not None:
        query = query.where(Pledge.person_id == person_id)
    return _list(query.order_by(Pledge.id), pledge_json)


ROUTES = [
    Route("/organizations", "organizations", "Organizations on this server", list_organizations),
    Route("/program-versions", "program_versions", "Adopted program versions with their planks",
          list_program_versions),
    Route("/planks", "planks", "Planks of adopted program versions", list_planks,
          {"version_id": "Only planks of this program version"}),
    Route("/people", "people", "Candidates and officials with their external ids and terms", list_people),
    Route("/people/<int:person_id>", "person", "One person", get_person),
    Route("/roll-calls", "roll_calls", "Roll calls, newest first", list_roll_calls,
          {"body_id": "Only roll calls of this body"}),
    Route("/roll-calls/<int:roll_call_id>", "roll_call", "One roll call with every recorded position",
          get_roll_call),
    Route("/alignments", "alignments", "Approved alignments of roll calls to planks", list_alignments,
          {"roll_call_id": "Only this roll call", "plank_id": "Only this plank"}),
    Route("/scores", "scores", "Stored scores with the votes behind each", list_scores,
          {"person_id": "Only this person", "scope": "overall or plank:<id>", "window": "lifetime, year:2024..."}),
    Route("/scores/<int:score_id>", "score", "One score with every roll call behind it (how it was worked out)",
          get_score),
    Route("/contributions", "contributions", "Contributions as filed, with donor class and evidence",
          list_contributions, {"recipient_committee_id": "Only this recipient committee",
                               "donor_class": "Only this donor class"}),
    Route("/pledges", "pledges", "Signed, broken or withdrawn pledges with their clauses", list_pledges,
          {"person_id": "Only this person's pledges"}),
]


def _answer(payload: dict, status: int = 200) -> Response:
    """JSON with an ETag (hash of the body) and public caching; 304 when If-None-Match matches."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    response = Response(body, status=status, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest())
    response.headers["Cache-Control"] = "public, max-age=60"
    return response.make_conditional(request)


def _view_for(route: Route):
    def view(**kwargs):
        data, meta = route.handler(**kwargs)
        links = {"self": request.url}
        if meta is not None:
            args = request.args.to_dict()
            pages = max(1, -(-meta["total"] // meta["per_page"]))
            if meta["page"] < pages:
                links["next"] = url_for(f"api.{route.endpoint}", **{**args, "page": meta["page"] + 1}, _external=True)
            if meta["page"] > 1:
                links["prev"] = url_for(f"api.{route.endpoint}", **{**args, "page": meta["page"] - 1}, _external=True)
        return _answer({"data": data, "meta": meta or {}, "links": links})

    view.__name__ = route.endpoint
    view.__doc__ = route.summary
    return view


for _route in ROUTES:
    bp.add_url_rule(_route.path, _route.endpoint, _view_for(_route))


@bp.errorhandler(400)
@bp.errorhandler(404)
def api_error(error):
    return _answer({"error": {"status": error.code, "message": error.description}}, status=error.code)


# --- the OpenAPI document -----------------------------------------------------------------------

def openapi_document() -> dict:
    """The OpenAPI 3.1 description of every route in ROUTES (and of itself)."""
    envelope = {"type": "object", "required": ["data", "meta", "links"], "properties": {
        "data": {}, "links": {"type": "object"},
        "meta": {"type": "object", "properties": {k: {"type": "integer"} for k in ("page", "per_page", "total")}}}}
    paths = {}
    for route in ROUTES:
        parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
                      for name in route.path_parameters]
        if route.is_list:
            parameters += [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                           {"name": "per_page", "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}}]
            parameters += [{"name": name, "in": "query", "description": text, "schema": {"type": "string"}}
                           for name, text in route.filters.items()]
        paths[route.openapi_path] = {"get": {
            "operationId": route.endpoint, "summary": route.summary, "parameters": parameters,
            "responses": {"200": {"description": "OK", "headers": {"ETag": {"schema": {"type": "string"}}},
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}}},
                          "304": {"description": "Not modified (If-None-Match matched the ETag)"},
                          **({"404": {"description": "Not found"}} if route.path_parameters else {})}}}
    paths[bp.url_prefix + "/openapi.json"] = {"get": {"operationId": "openapi", "summary": "This document",
                                                      "responses": {"200": {"description": "OK"}}}}
    return {"openapi": "3.1.0",
            "info": {"title": "Tracker public API", "version": "1",
                     "description": "Read-only public data: program, people, roll calls, alignments, scores, "
                                    "contributions and pledges."},
            "servers": [{"url": "/"}], "paths": paths, "components": {"schemas": {"Envelope": envelope}}}


@bp.route("/openapi.json")
def openapi():
    return _answer(openapi_document())
