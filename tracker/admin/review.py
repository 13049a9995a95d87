"""The review queue: voters no person matched (or several did). The committee (or an admin) links each to an existing
person or creates a new one; the voter's waiting positions then attach to that person."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length

from tracker.admin.views import bp
from tracker.extensions import db
from tracker.models import Body, Person, Voter, VotePosition, VoterReview
from tracker.services import people, scores
from tracker.web import owned_or_404, page_number, role_required

SEARCH_LIMIT = 20


class LinkForm(FlaskForm):
    person_id = IntegerField("Person", validators=[DataRequired()])
    confirmed = HiddenField()  # "1" once the member saw "link voter X to person Y?" and said yes


class UndoForm(FlaskForm):
    pass


class CreateForm(FlaskForm):
    name = StringField("Name of the new person", validators=[DataRequired(), Length(max=200)])


def _own_review(review_id: int) -> VoterReview:
    review = owned_or_404(VoterReview, review_id)
    if review.status != "open":
        flash(_("That voter was already resolved."), "info")
    return review


@bp.route("/review")
@role_required("committee")
def review():
    org_id = current_user.organization_id
    query = request.args.get("q", "").strip()
    page = db.paginate(db.select(VoterReview).filter_by(organization_id=org_id, status="open")
                       .order_by(VoterReview.voter_name, VoterReview.id), page=page_number(), per_page=25, error_out=False)
    reviews = page.items
    # One query each for bodies, waiting-position counts and candidate people of this page (no N+1).
    body_names = dict(db.session.execute(db.select(Body.id, Body.name).where(
        Body.id.in_({r.body_id for r in reviews if r.body_id}))).all()) if reviews else {}
    waiting = dict(db.session.execute(
        db.select(Voter.voter_key, db.func.count()).join(VotePosition, VotePosition.voter_id == Voter.id).where(
            Voter.organization_id == org_id, Voter.voter_key.in_({r.voter_key for r in reviews}),
            VotePosition.person_id.is_(None))
        .group_by(Voter.voter_key)).all()) if reviews else {}
    candidate_ids = {p for r in reviews for p in (r.candidate_person_ids or [])}
    candidates = {p.id: p for p in db.session.execute(db.select(Person).where(Person.id.in_(candidate_ids))).scalars()} \
        if candidate_ids else {}
    found = []
    if query:
        found = db.session.execute(db.select(Person).where(Person.organization_id == org_id, Person.name.ilike(f"%{query}%"))
                                   .order_by(Person.sort_name).limit(SEARCH_LIMIT)).scalars().all()
    last = people.last_decision(org_id)
    last_person = db.session.get(Person, last.resolved_person_id) if last and last.resolved_person_id else None
    return render_template("admin/review.html", page=page, body_names=body_names, waiting=waiting,
                           candidates=candidates, found=found, query=query, link_form=LinkForm(), create_form=CreateForm(),
                           last=last if last_person else None, last_person=last_person, undo_form=UndoForm())


@bp.route("/review/<int:review_id>/link", methods=["POST"])
@role_required("committee")
def review_link(review_id: int):
    review = _own_review(review_id)
    form = LinkForm()
    if review.status == "open" and form.validate_on_submit():
        person = db.session.get(Person, form.person_id.data)
        if person is None or person.organization_id != current_user.organization_id:
            flash(_("Choose a person from the list."), "error")
        elif form.confirmed.data != "1":
            # One click never links: the member sees both sides and says yes (a name search offers
            # the same people in every row, so a wrong row is easy to pick).
            return render_template("admin/review_confirm.html", review=review, person=person, form=form,
                                   body_name=db.session.get(Body, review.body_id).name if review.body_id else "",
                                   waiting=_waiting_count(review), query=request.args.get("q") or "")
        else:
            attached = people.resolve_review(review, person, member=current_user)
            db.session.commit()
            scores.recompute(current_user.organization)  # the attached positions may count
            flash(ngettext("%(voter)s is now %(name)s: %(num)d vote attached.", "%(voter)s is now %(name)s: %(num)d votes attached.",
                           attached, voter=review.voter_name, name=person.name), "info")
    elif review.status == "open":
        flash(_("Choose a person from the list."), "error")
    return redirect(url_for("admin.review", q=request.args.get("q") or None))


@bp.route("/review/<int:review_id>/create", methods=["POST"])
@role_required("committee")
def review_create(review_id: int):
    review = _own_review(review_id)
    form = CreateForm()
    if review.status == "open" and form.validate_on_submit():
        person = people.create_person_for_review(review, form.name.data, member=current_user)
        db.session.commit()
        scores.recompute(current_user.organization)
        flash(_("Created %(name)s; their positions are attached.", name=person.name), "info")
    elif review.status == "open":
        flash(_("Give the new person a name."), "error")
    return redirect(url_for("admin.review"))


@bp.route("/review/<int:review_id>/undo", methods=["POST"])
@role_required("committee")
def review_undo(review_id: int):
    """Revert the last link decision: the voter waits again, their votes leave the person; scores recomputed."""
    review = owned_or_404(VoterReview, review_id)
    form = UndoForm()
    last = people.last_decision(current_user.organization_id)
    if form.validate_on_submit() and last is not None and last.id == review.id:
        person = db.session.get(Person, review.resolved_person_id)
        detached = people.undo_resolution(review, member=current_user)
        db.session.commit()
        scores.recompute(current_user.organization)
        flash(_("Undone: %(voter)s is no longer linked to %(name)s; %(num)s votes wait again.", voter=review.voter_name,
                name=person.name if person else _("that person"), num=detached), "info")
    else:
        flash(_("Only the last link decision can be undone."), "error")
    return redirect(url_for("admin.review"))


def _waiting_count(review: VoterReview) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(VotePosition).join(Voter, VotePosition.voter_id == Voter.id)
                             .where(Voter.organization_id == review.organization_id, Voter.voter_key == review.voter_key,
                                    VotePosition.person_id.is_(None))) or 0
