"""The home page: what this is, and where to go."""
from flask import Blueprint, render_template
from flask_login import current_user

from tracker.services import ballots as ballot_service
from tracker.services import overview
from tracker.web import current_organization, role_required

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    org = current_organization()
    summary = overview.home_summary(org) if org else None
    return render_template("main/home.html", summary=summary)


@bp.route("/me")
@role_required("member")
def me():
    """What needs the signed-in member: ballots to vote in, proposals short of co-sponsors, their discussions."""
    return render_template("main/me.html", needs=ballot_service.needs(current_user))


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
