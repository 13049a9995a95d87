"""The home page: what this is, and where to go."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.services import alignments as alignment_service
from tracker.main.method import method_html
from tracker.scorecards import queries as scorecard_queries
from tracker.services import ballots as ballot_service
from tracker.services import health, overview
from tracker.i18n import LANGUAGE_COOKIE, LANGUAGES
from tracker.web import current_organization, role_required, same_site_path

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    org = current_organization()
    summary = overview.home_summary(org) if org else None
    return render_template("main/home.html", summary=summary)


@bp.route("/language/<code>")
def set_language(code: str):
    """Read the site in another language: remembered in a cookie for a year, then back to the page.
    A plain link (no form), so it works without JavaScript and sets no session."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(same_site_path(request.args.get("next"), url_for("main.home")))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), httponly=True)
    return response


@bp.route("/search")
def search():
    """Officials and planks whose name or text contains ?q= (a plain GET form in the header)."""
    org = current_organization()
    query = request.args.get("q", "")
    found = scorecard_queries.search(org, query) if org else {"text": "", "officials": [], "planks": [],
                                                              "too_short": False}
    return render_template("main/search.html", found=found)


@bp.route("/method")
def method():
    """How scores and money flags are worked out: the project's METHOD.md as a page."""
    return render_template("main/method.html", method_html=method_html())


@bp.route("/me")
@role_required("member")
def me():
    """What needs the signed-in member: ballots to vote in, proposals short of co-sponsors, their
    discussions, what they follow; for the committee also the alignments waiting for its decision."""
    from tracker.follow.forms import MemberFollowsForm
    from tracker.services import notifications

    needs = ballot_service.needs(current_user)
    if current_user.has_role("committee"):
        needs["alignments"] = alignment_service.awaiting_decision(current_user.organization)
    follows = notifications.member_follows(current_user)
    form = MemberFollowsForm(cadence=follows[0].cadence if follows else "digest",
                             members_notices=any(f.target_kind == "members" for f in follows))
    listed = [(f, notifications.describe(current_user.organization, f)) for f in follows]
    return render_template("main/me.html", needs=needs, follows=listed, follow_form=form)


@bp.route("/healthz")
def healthz():
    """200 when the database (and Redis, when REDIS_URL is set) answers; 503 naming what failed."""
    report = health.check(current_app.config.get("REDIS_URL"))
    return report, 200 if report["status"] == "ok" else 503, {"Cache-Control": "no-store"}
