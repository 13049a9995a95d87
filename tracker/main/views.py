"""The home page: what this is, and where to go."""
from flask import Blueprint, render_template

from tracker.services import overview
from tracker.web import current_organization

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    org = current_organization()
    summary = overview.home_summary(org) if org else None
    return render_template("main/home.html", summary=summary)


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
