"""Candidates: endorsements and the pledges they signed."""
from flask import Blueprint, render_template
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Endorsement, Pledge
from tracker.web import current_organization

bp = Blueprint("candidates", __name__, url_prefix="/candidates")


@bp.route("/")
def index():
    org = current_organization()
    endorsements, pledges = [], {}
    if org:
        endorsements = db.session.execute(
            db.select(Endorsement).filter_by(organization_id=org.id, decision="endorsed")
            .options(selectinload(Endorsement.person)).order_by(Endorsement.election_on.desc())
        ).scalars().all()
        for pledge in db.session.execute(
            db.select(Pledge).filter_by(organization_id=org.id).order_by(Pledge.created_at)
        ).scalars():
            pledges[pledge.person_id] = pledge
    return render_template("candidates/index.html", endorsements=endorsements, pledges=pledges)
