"""Candidates: endorsements, and the pledges the committee issues and candidates sign."""
from datetime import datetime, time

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tracker.candidates.forms import IssuePledgeForm, PaperSignatureForm, SignForm, WithdrawForm
from tracker.extensions import db
from tracker.limits import token_link
from tracker.models import Endorsement, Person, Pledge, ProgramVersion
from tracker.services import pledges as pledge_service
from tracker.web import current_organization, owned_or_404, role_required

bp = Blueprint("candidates", __name__, url_prefix="/candidates")
PUBLIC_STATUSES = ("signed", "broken", "withdrawn")


def _is_committee() -> bool:
    return current_user.is_authenticated and current_user.has_role("committee")


@bp.route("/")
def index():
    org = current_organization()
    endorsements, latest, listed = [], {}, []
    if org:
        endorsements = db.session.execute(
            db.select(Endorsement).filter_by(organization_id=org.id, decision="endorsed")
            .options(selectinload(Endorsement.person)).order_by(Endorsement.election_on.desc())
        ).scalars().all()
        statement = (db.select(Pledge).filter_by(organization_id=org.id).options(selectinload(Pledge.person))
                     .order_by(Pledge.created_at, Pledge.id))
        if not _is_committee():
            statement = statement.where(Pledge.signed_at.is_not(None))  # pending pledges are not public
        listed = db.session.execute(statement).scalars().all()
        for pledge in listed:
            latest[pledge.person_id] = pledge
    return render_template("candidates/index.html", endorsements=endorsements, pledges=latest, listed=listed,
                           committee=_is_committee())


@bp.route("/pledges/new", methods=["GET", "POST"])
@role_required("committee")
def issue_pledge():
    org = current_user.organization
    form = IssuePledgeForm()
    people = db.session.execute(db.select(Person).filter_by(organization_id=org.id).order_by(Person.sort_name)).scalars().all()
    versions = db.session.execute(db.select(ProgramVersion).filter_by(organization_id=org.id, status="adopted")
                                  .order_by(ProgramVersion.number.desc())).scalars().all()
    form.person_id.choices = [(p.id, p.name) for p in people]
    form.version_id.choices = [(v.id, f"Version {v.number} (adopted {v.adopted_on:%Y-%m-%d})" if v.adopted_on
                                else f"Version {v.number}") for v in versions]
    if not people or not versions:
        return render_template("candidates/issue.html", form=None, people=people, versions=versions)
    if form.validate_on_submit():
        clauses = {}
        common = {"cure_days": form.cure_days.data, "notice_days": form.notice_days.data}
        if form.no_corporate_money.data:
            clauses["no_corporate_money"] = dict(common)
        if form.no_corporate_pac.data:
            clauses["no_corporate_pac"] = dict(common)
        if form.no_fossil_fuel_money.data:
            clauses["no_fossil_fuel_money"] = {**common, "threshold": form.threshold.data}
        person = db.session.get(Person, form.person_id.data)
        version = db.session.get(ProgramVersion, form.version_id.data)
        try:
            pledge, token = pledge_service.issue(org, person, version, clauses, actor=current_user,
                                                 link_days=form.link_days.data)
        except pledge_service.PledgeError as error:
            form.person_id.errors.append(str(error))
        else:
            db.session.commit()
            # The link is shown this once: only its hash is stored.
            return render_template("candidates/issued.html", pledge=pledge,
                                   link=url_for("candidates.sign", token=token, _external=True))
    return render_template("candidates/issue.html", form=form, people=people, versions=versions)


def _visible_pledge(pledge_id: int) -> Pledge:
    pledge = db.get_or_404(Pledge, pledge_id)
    org = current_organization()
    if org is None or pledge.organization_id != org.id:
        abort(404)
    if pledge.signed_at is None and not _is_committee():
        abort(404)  # not signed: not public
    return pledge


@bp.get("/pledges/<int:pledge_id>")
def pledge_page(pledge_id: int):
    pledge = _visible_pledge(pledge_id)
    return render_template("candidates/pledge.html", pledge=pledge, committee=_is_committee(),
                           paper_form=PaperSignatureForm(signed_name=pledge.person.name), withdraw_form=WithdrawForm())


@bp.get("/pledges/<int:pledge_id>/text.txt")
def pledge_text(pledge_id: int):
    """The exact text signed, byte for byte: its SHA-256 is the one printed on the page."""
    pledge = _visible_pledge(pledge_id)
    return Response(pledge.text.encode("utf-8"), mimetype="text/plain; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="pledge-{pledge.id}.txt"'})


@bp.route("/sign/<token>", methods=["GET", "POST"])
@token_link
def sign(token: str):
    """The candidate's signing page (no account: the link is the credential)."""
    pledge = pledge_service.by_token(token)
    problem = pledge_service.link_problem(pledge)
    if problem:
        return render_template("candidates/sign.html", problem=problem, pledge=None, form=None), 410 if pledge else 404
    form = SignForm()
    if form.validate_on_submit():
        try:
            pledge_service.sign(token, form.signed_name.data)
        except pledge_service.PledgeError as error:
            form.signed_name.errors.append(str(error))
        else:
            db.session.commit()
            flash("Thank you: your pledge is signed. Keep the SHA-256 below to check the text later.", "info")
            return redirect(url_for("candidates.pledge_page", pledge_id=pledge.id))
    return render_template("candidates/sign.html", pledge=pledge, form=form, problem=None)


@bp.post("/pledges/<int:pledge_id>/paper")
@role_required("committee")
def paper_signature(pledge_id: int):
    pledge = owned_or_404(Pledge, pledge_id)
    form = PaperSignatureForm()
    if form.validate_on_submit():
        try:
            pledge_service.record_paper_signature(pledge, form.signed_name.data,
                                                  datetime.combine(form.signed_on.data, time(12, 0)), actor=current_user)
        except pledge_service.PledgeError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Recorded {pledge.signed_name}'s signature of {pledge.signed_at:%Y-%m-%d}.", "info")
    else:
        flash("Give the name as signed and the date.", "error")
    return redirect(url_for("candidates.pledge_page", pledge_id=pledge.id))


@bp.post("/pledges/<int:pledge_id>/withdraw")
@role_required("committee")
def withdraw(pledge_id: int):
    pledge = owned_or_404(Pledge, pledge_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        pledge_service.withdraw(pledge, actor=current_user)
        db.session.commit()
        flash("The pledge is withdrawn; its record stays, and its signing link no longer works.", "info")
    else:
        flash("Tick the box to confirm the withdrawal.", "error")
    return redirect(url_for("candidates.pledge_page", pledge_id=pledge.id))
