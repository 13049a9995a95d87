"""Public scorecards (no sign-in), the roll-call page with alignment and excusal forms, downloads
and the embeddable badge. Views are thin: validate the request, call queries/services, render."""
import hashlib
import os
import time
from functools import wraps

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import escape
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from tracker import charts
from tracker.extensions import db
from tracker.i18n import select_language
from tracker.models import Alignment, Excusal, RollCall
from tracker.scorecards import queries, words
from tracker.scorecards.forms import ScoringSettingsForm, DecideAlignmentForm, ExcusalForm, ProposeAlignmentForm
from tracker.services import alignments as alignment_service
from tracker.services import scores as score_service
from tracker.web import current_organization, download, page_number, role_required

bp = Blueprint("scorecards", __name__, url_prefix="/scorecards")
FORMATS = "any('csv', 'json')"


# --- micro-cache of public pages ---------------------------------------------------------------
# Anonymous visitors (no session cookie) get a rendered public page from a per-process cache for a
# few seconds (SCORECARD_CACHE_SECONDS, default 10; 0 in tests): under load most requests then cost
# no query at all. Members (who have a session) always see fresh pages, and responses that set a
# cookie (a flashed message) are never cached.
_page_cache: dict[str, tuple[float, bytes, str]] = {}
_PAGE_CACHE_LIMIT = 1024


def _cache_seconds() -> float:
    """Seconds a public page stays cached: app config, else the environment, else 10 (0 in tests)."""
    value = current_app.config.get("SCORECARD_CACHE_SECONDS", os.environ.get("SCORECARD_CACHE_SECONDS"))
    if value in (None, ""):
        return 0.0 if current_app.testing else 10.0
    return float(value)


def microcached(view):
    """Serve anonymous GETs of a public page from the per-process cache while it is fresh."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        seconds = _cache_seconds()
        if seconds <= 0 or request.method != "GET" or current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
            return view(*args, **kwargs)
        key = f"{select_language()} {request.full_path}"  # each language its own copy (the lang cookie)
        hit = _page_cache.get(key)
        now = time.monotonic()
        if hit and hit[0] > now:
            return Response(hit[1], mimetype=hit[2])
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200 and "Set-Cookie" not in response.headers and not response.direct_passthrough:
            if len(_page_cache) >= _PAGE_CACHE_LIMIT:
                _page_cache.clear()
            _page_cache[key] = (now + seconds, response.get_data(), response.mimetype)
        return response

    return wrapped


def _org():
    org = current_organization()
    if org is None:
        abort(404)
    return org


def _is_member() -> bool:
    return current_user.is_authenticated and current_user.has_role("member")


# --- the index ----------------------------------------------------------------------------------

@bp.route("/")
@microcached
def index():
    org = current_organization()
    if org is None:
        return render_template("scorecards/index.html", page=None, rows=[], filters=None, choices=None)
    filters = queries.IndexFilters.from_args(request.args)
    page = queries.paginate_rows(queries.index_statement(org, filters), page_number(), 25)
    rows = queries.index_rows(page.items, org.score_bands)
    return render_template("scorecards/index.html", page=page, rows=rows, filters=filters,
                           choices=queries.index_choices(org), columns=queries.INDEX_COLUMNS,
                           sorts=words.sort_labels(queries.SORTS))


@bp.route(f"/officials.<{FORMATS}:fmt>")
def index_download(fmt):
    org = _org()
    filters = queries.IndexFilters.from_args(request.args)
    rows = db.session.execute(queries.index_statement(org, filters)).all()
    table = queries.Table(queries.INDEX_COLUMNS, queries.index_rows(rows, org.score_bands), "Scorecards")
    return download(table, "scorecards", fmt)


# --- an official's page -------------------------------------------------------------------------

@bp.route("/people/<int:person_id>")
@microcached
def official(person_id):
    org = _org()
    person = queries.person_or_none(org, person_id) or abort(404)
    data = queries.official_page(org, person)
    words.official_captions(data, person.name)
    if words.needs_rewording():
        options = score_service.get_options(org)
        data["explained"] = words.explained_in_language(data["explained"], options)
        data["plank_boxes"] = [(row, {**box, "rules": data["explained"]["rules"] if data["explained"] else [],
                                      "message": words.score_message(box["message"])})
                               for row, box in data["plank_boxes"]]
    plank_chart = charts.embeddable(charts.plank_scores_figure(data["plank_table"].rows, _("Score on each plank")))
    time_chart = charts.embeddable(charts.scores_over_time_figure(data["year_table"].rows, _("Overall score by year")))
    badge_url = url_for("badge", person_id=person.id, _external=True)
    embed = (f'<a href="{url_for(".official", person_id=person.id, _external=True)}">'
             f'<img src="{badge_url}" alt="{escape(person.name)}: scorecard"></a>')
    from tracker.services import endorsements as endorsement_service
    promises = endorsement_service.promises(person)
    return render_template("scorecards/official.html", person=person, plank_chart=plank_chart,
                           time_chart=time_chart, embed=embed, promises=promises,
                           contradictions=endorsement_service.contradiction_count(promises), **data)


OFFICIAL_TABLES = {"roll-calls": "roll_call_table", "planks": "plank_table", "years": "year_table",
                   "money": "money", "flags": "flags"}


@bp.route(f"/people/<int:person_id>/<any({', '.join(repr(n) for n in OFFICIAL_TABLES)}):name>.<{FORMATS}:fmt>")
def official_download(person_id, name, fmt):
    org = _org()
    person = queries.person_or_none(org, person_id) or abort(404)
    data = queries.official_page(org, person)
    return download(data[OFFICIAL_TABLES[name]], f"person-{person.id}-{name}", fmt)


# --- planks and comparison ----------------------------------------------------------------------

@bp.route("/planks/<int:plank_id>")
@microcached
def plank(plank_id):
    org = _org()
    plank = queries.public_plank(org, plank_id) or abort(404)
    data = queries.plank_page(org, plank)
    data["table"].caption = _("Every official's record on “%(plank)s”", plank=plank.title)
    return render_template("scorecards/plank.html", plank=plank, **data)


@bp.route(f"/planks/<int:plank_id>/scores.<{FORMATS}:fmt>")
def plank_download(plank_id, fmt):
    org = _org()
    plank = queries.public_plank(org, plank_id) or abort(404)
    return download(queries.plank_page(org, plank)["table"], f"plank-{plank.id}-scores", fmt)


def _compare_ids() -> list[int]:
    ids = []
    for value in request.args.getlist("person"):
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


@bp.route("/compare")
@microcached
def compare():
    org = _org()
    ids = _compare_ids()
    everyone = db.session.execute(queries.index_statement(org, queries.IndexFilters())).all()
    data = queries.compare(org, ids) if 2 <= len(ids) <= 4 else None
    if ids and data is None:
        flash(_("Choose two to four officials to compare."), "error")
    if data:
        data["table"].caption = _("Scores side by side (all years)")
        data["table"].rows[0]["scope"] = _("Overall")  # the first row is the overall score, then each plank
    return render_template("scorecards/compare.html", everyone=everyone, selected=ids, data=data)


@bp.route(f"/compare.<{FORMATS}:fmt>")
def compare_download(fmt):
    org = _org()
    ids = _compare_ids()
    if not 2 <= len(ids) <= 4:
        abort(400)
    return download(queries.compare(org, ids)["table"], "comparison", fmt)


# --- roll calls, alignments, excusals -----------------------------------------------------------

@bp.route("/roll-calls/unreviewed")
@role_required("member")
def unreviewed():
    org = _org()
    page = queries.paginate_rows(queries.unreviewed_roll_calls_statement(org), page_number(), 25)
    return render_template("scorecards/unreviewed.html", page=page)


def _roll_call_forms(org, data):
    propose = ProposeAlignmentForm(prefix="propose")
    propose.plank_id.choices = [SelectChoice(p.id, f"{p.position}. {p.title}") for p in queries.current_planks(org)]
    excusal = ExcusalForm(prefix="excuse")
    voters = sorted({(vp.person_id, vp.voter_name) for vp in data["roll_call"].positions if vp.person_id},
                    key=lambda c: c[1])
    excusal.person_id.choices = [SelectChoice(person_id, name) for person_id, name in voters]
    return propose, excusal


@bp.route("/roll-calls/<int:roll_call_id>")
def roll_call(roll_call_id):
    org = _org()
    data = queries.roll_call_page(org, roll_call_id, include_unapproved=_is_member()) or abort(404)
    propose, excusal = _roll_call_forms(org, data)
    decide_forms = {a.id: DecideAlignmentForm(prefix=f"decide-{a.id}", pro_position=a.pro_position,
                                              weight=a.weight, rationale=a.rationale)
                    for a in data["alignments"]}
    data["table"].caption = _("How each member voted")
    return render_template("scorecards/roll_call.html", propose=propose, excusal=excusal,
                           decide_forms=decide_forms, **data)


@bp.route(f"/roll-calls/<int:roll_call_id>/positions.<{FORMATS}:fmt>")
def roll_call_download(roll_call_id, fmt):
    org = _org()
    data = queries.roll_call_page(org, roll_call_id, include_unapproved=False) or abort(404)
    return download(data["table"], f"roll-call-{roll_call_id}-positions", fmt)


def _get_roll_call(org, roll_call_id) -> RollCall:
    roll_call = db.session.get(RollCall, roll_call_id)
    if roll_call is None or roll_call.organization_id != org.id:
        abort(404)
    return roll_call


@bp.route("/roll-calls/<int:roll_call_id>/alignments", methods=["POST"])
@role_required("member")
def propose_alignment(roll_call_id):
    org = _org()
    roll_call = _get_roll_call(org, roll_call_id)
    data = queries.roll_call_page(org, roll_call_id, include_unapproved=True)
    form, _excusal_form = _roll_call_forms(org, data)
    if form.validate_on_submit():
        plank = next(p for p in queries.current_planks(org) if p.id == form.plank_id.data)
        try:
            alignment_service.propose(org, roll_call, plank, form.pro_position.data, form.weight.data,
                                      form.rationale.data, current_user)
            _page_cache.clear()  # this worker's cached pages; others expire within seconds
            flash(_("Proposed. The committee will approve, edit or reject it; it counts only once approved."), "info")
        except alignment_service.AlignmentError as error:
            flash(str(error), "error")
    else:
        flash(_("Not proposed: %(errors)s", errors="; ".join(f"{form[name].label.text}: {', '.join(errors)}"
                                                             for name, errors in form.errors.items())), "error")
    return redirect(url_for(".roll_call", roll_call_id=roll_call.id))


@bp.route("/alignments/<int:alignment_id>/decide", methods=["POST"])
@role_required("committee")
def decide_alignment(alignment_id):
    org = _org()
    alignment = db.session.get(Alignment, alignment_id)
    if alignment is None or alignment.organization_id != org.id:
        abort(404)
    form = DecideAlignmentForm(prefix=f"decide-{alignment.id}")
    if form.validate_on_submit():
        try:
            alignment_service.decide(org, alignment, form.decision.data, current_user,
                                     pro_position=form.pro_position.data or None, weight=form.weight.data,
                                     rationale=form.rationale.data, note=form.note.data or None)
            _page_cache.clear()  # this worker's cached pages; others expire within seconds
            flash(_("Alignment %(status)s. Scores were recomputed.", status=words.score_word(alignment.status)), "info")
        except alignment_service.AlignmentError as error:
            flash(str(error), "error")
    else:
        flash(_("Not saved: %(errors)s", errors="; ".join(", ".join(e) for e in form.errors.values())), "error")
    return redirect(url_for(".roll_call", roll_call_id=alignment.roll_call_id))


@bp.route("/roll-calls/<int:roll_call_id>/excusals", methods=["POST"])
@role_required("committee")
def excuse(roll_call_id):
    org = _org()
    roll_call = _get_roll_call(org, roll_call_id)
    data = queries.roll_call_page(org, roll_call_id, include_unapproved=True)
    _propose_form, form = _roll_call_forms(org, data)
    if form.validate_on_submit():
        try:
            alignment_service.excuse(org, roll_call, form.person_id.data, form.reason.data, current_user,
                                     detail=form.detail.data or "")
            _page_cache.clear()  # this worker's cached pages; others expire within seconds
            flash(_("Absence excused. Scores were recomputed."), "info")
        except alignment_service.AlignmentError as error:
            flash(str(error), "error")
    else:
        flash(_("Not excused: %(errors)s", errors="; ".join(", ".join(e) for e in form.errors.values())), "error")
    return redirect(url_for(".roll_call", roll_call_id=roll_call.id))


@bp.route("/excusals/<int:excusal_id>/remove", methods=["GET", "POST"])
@role_required("committee")
def remove_excusal(excusal_id):
    org = _org()
    excusal = db.session.get(Excusal, excusal_id)
    if excusal is None or excusal.organization_id != org.id:
        abort(404)
    if request.method == "POST":
        roll_call_id = excusal.roll_call_id
        alignment_service.remove_excusal(org, excusal, current_user)
        _page_cache.clear()  # this worker's cached pages; others expire within seconds
        flash(_("Excusal withdrawn. Scores were recomputed."), "info")
        return redirect(url_for(".roll_call", roll_call_id=roll_call_id))
    return render_template("scorecards/remove_excusal.html", excusal=excusal)


@bp.route("/settings", methods=["GET", "POST"])
@role_required("committee")
def settings():
    org = _org()
    options = score_service.get_options(org)
    form = ScoringSettingsForm(absence_policy=options.absence_policy, min_counted_votes=options.min_counted_votes,
                               overall_mode=options.overall_mode)
    if request.method == "GET":
        form.bands.data = "\n".join(f"{b['min']} {b['label']}" for b in (org.score_bands or []))
    elif form.validate_on_submit():
        try:
            changes = {"bands": form.parsed_bands(), "absence_policy": form.absence_policy.data,
                       "min_counted_votes": form.min_counted_votes.data, "overall_mode": form.overall_mode.data}
            score_service.set_options(org, changes, current_user)
            _page_cache.clear()  # this worker's cached pages; others expire within seconds
            flash(_("Settings saved; every score was recomputed."), "info")
            return redirect(url_for(".settings"))
        except ValidationError as error:
            form.bands.errors = [str(error)]
        except score_service.OptionsError as error:
            flash(_("Not saved: %(errors)s", errors=error), "error")
    return render_template("scorecards/settings.html", form=form)


# --- the badge ----------------------------------------------------------------------------------

def _badge_svg(label: str, value: str, colour: str) -> str:
    left, right = 7 * len(label) + 12, 7 * len(value) + 12
    label, value = escape(label), escape(value)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + right}" height="20" role="img" '
            f'aria-label="{label}: {value}"><title>{label}: {value}</title>'
            f'<rect width="{left}" height="20" fill="#444"/><rect x="{left}" width="{right}" height="20" '
            f'fill="{colour}"/><g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
            f'<text x="6" y="14">{label}</text><text x="{left + 6}" y="14">{value}</text></g></svg>')


def badge(person_id):
    """/badge/<person>.svg: the overall score and pledge status, cacheable for an hour."""
    org = _org()
    person = queries.person_or_none(org, person_id) or abort(404)
    overall = next((s for s in queries.person_scores(person)
                    if s.scope == "overall" and s.window == queries.LIFETIME and not s.crucial_only), None)
    pledge = queries.pledge_of(person)
    if overall is None:
        score = "not scored"
    elif overall.score_display is None:
        score = "too few votes"
    else:
        score = f"{overall.score_display}/100"
    value = f"{score} · pledge {pledge.status if pledge else 'none'}"
    colour = "#1b6b2f" if overall and (overall.score_display or 0) >= 70 else "#0b5394"
    body = _badge_svg(f"{person.name} · {org.name}", value, colour)
    response = Response(body, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.set_etag(hashlib.sha256(body.encode()).hexdigest())
    return response.make_conditional(request)


@bp.app_template_filter("points")
def points_filter(value) -> str:
    """A point total without trailing zeros: 3.00 -> 3, 2.50 -> 2.5 (the how-box arithmetic)."""
    if value is None or value == "":
        return "0"
    try:
        text = f"{float(value):.2f}"
    except (TypeError, ValueError):
        return str(value)
    return text.rstrip("0").rstrip(".")


bp.add_app_template_global(words.score_word, "score_word")
bp.add_app_template_global(words.donor_class_word, "donor_class_word")
bp.add_app_template_global(words.vote_reason, "vote_reason")


@bp.app_template_global("scorecard_officials")
def scorecard_officials(org, limit: int = 24) -> list[dict]:
    """Officials with their overall score, for the home page's "Find an official" list."""
    return queries.home_officials(org, limit) if org else []


@bp.record_once
def _register_badge(state):
    # The badge lives at the site root (short, stable embed URLs), outside this blueprint's prefix.
    state.app.add_url_rule("/badge/<int:person_id>.svg", "badge", badge)
