"""The program: the adopted version and its planks."""
from flask import Blueprint, abort, render_template

from tracker.extensions import db
from tracker.models import Plank
from tracker.services import overview
from tracker.web import current_organization

bp = Blueprint("program", __name__, url_prefix="/program")


@bp.route("/")
def index():
    org = current_organization()
    version = overview.adopted_version(org) if org else None
    categories: dict[str, list[Plank]] = {}
    if version:
        for plank in version.planks:
            categories.setdefault(plank.category, []).append(plank)
    return render_template("program/index.html", version=version, categories=categories)


@bp.route("/planks/<int:plank_id>")
def plank(plank_id: int):
    org = current_organization()
    plank = db.get_or_404(Plank, plank_id)
    if org is None or plank.organization_id != org.id or plank.version.status == "draft":
        abort(404)
    return render_template("program/plank.html", plank=plank)
