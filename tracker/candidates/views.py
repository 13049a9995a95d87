"""Candidates: the endorsement cycle (candidacies, questionnaires, vetting reports, slates,
withdrawal petitions) and the pledges the committee issues and candidates sign."""
from datetime import datetime, time

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from tracker.candidates import words
from tracker.candidates.forms import (CandidateForm, IdentifiersForm, IssuePledgeForm, PaperSignatureForm, PetitionForm,
                                      QuestionnaireForm, SendQuestionnaireForm, SignForm, WithdrawForm)
from tracker.extensions import db
from tracker.limits import token_link
from tracker.models import Endorsement, Person, PetitionSignature, Pledge, ProgramVersion, WithdrawalPetition
from tracker.services import ballots as ballot_service
from tracker.services import endorsements as endorsement_service
from tracker.services import pledges as pledge_service
from tracker.web import current_organization, owned_or_404, role_required

bp = Blueprint("candidates", __name__, url_prefix="/candidates")
PUBLIC_STATUSES = ("signed", "broken", "withdrawn")
words.register(bp)


def _is_committee() -> bool:
    return current_user.is_authenticated and current_user.has_role("committee")


@bp.route("/")
def index():
    org = current_organization()
    context = {"elections": [], "endorsements": [], "pledges": {}, "committee": _is_committee(), "pending": [],
               "ready_petitions": []}
    if org:
        context["elections"] = endorsement_service.elections(org)
        context["endorsements"] = db.session.execute(
            db.select(Endorsement).filter_by(organization_id=org.id, decision="endorsed")
            .options(selectinload(Endorsement.person)).order_by(Endorsement.election_on.desc())
        ).scalars().all()
        signed = db.session.execute(db.select(Pledge).filter_by(organization_id=org.id)
                                    .where(Pledge.signed_at.is_not(None)).order_by(Pledge.signed_at)).scalars().all()
        context["pledges"] = {pledge.person_id: pledge for pledge in signed}
        if _is_committee():
            context["pending"] = db.session.execute(
                db.select(Endorsement).filter_by(organization_id=org.id, decision="pending")
                .options(selectinload(Endorsement.person), selectinload(Endorsement.questionnaire))
                .order_by(Endorsement.election, Endorsement.office, Endorsement.id)).scalars().all()
            context["ready_petitions"] = endorsement_service.petitions_ready(org)
    return render_template("candidates/index.html", **context)


@bp.app_template_global("clause_sentence")
def clause_sentence(kind, params) -> str:
    """A pledge clause in words, in the reader's language (templates: the pledge page and the scorecard)."""
    return words.clause_in_words(kind, params, pledge_service.clause_sentence)


@bp.route("/pledges/")
def pledges():
    """Every pledge with its status (signed, broken, withdrawn) and how to verify it; pending ones
    only for the committee."""
    org = current_organization()
    listed = []
    if org:
        statement = (db.select(Pledge).filter_by(organization_id=org.id).options(selectinload(Pledge.person))
                     .order_by(Pledge.created_at.desc(), Pledge.id.desc()))
        if not _is_committee():
            statement = statement.where(Pledge.signed_at.is_not(None))
        listed = db.session.execute(statement).scalars().all()
    return render_template("candidates/pledges.html", listed=listed, committee=_is_committee())


@bp.route("/elections/<slug>")
def slate(slug: str):
    org = current_organization()
    data = endorsement_service.slate(org, slug) if org else None
    if data is None:
        abort(404)
    return render_template("candidates/slate.html", **data)


@bp.route("/new", methods=["GET", "POST"])
@role_required("committee")
def new_candidate():
    org = current_user.organization
    form = CandidateForm()
    people = db.session.execute(db.select(Person).filter_by(organization_id=org.id).order_by(Person.sort_name)).scalars().all()
    form.person_id.choices = [SelectChoice(0, _("— a new person (give the name below) —"))] + [
        SelectChoice(p.id, p.name) for p in people]
    if request.method == "GET" and request.args.get("person", type=int):
        form.person_id.data = request.args.get("person", type=int)
    if form.validate_on_submit():
        person = db.session.get(Person, form.person_id.data) if form.person_id.data else None
        try:
            endorsement = endorsement_service.create_candidacy(
                org, current_user, election=form.election.data, person=person, name=form.name.data,
                election_on=form.election_on.data, office=form.office.data, district=form.district.data,
                ballot_line=form.ballot_line.data, independent=form.independent.data,
                identifiers={"fec_candidate": form.fec_candidate.data, "fec_committee": form.fec_committee.data,
                             "state_filer": form.state_filer.data})
        except endorsement_service.EndorsementError as error:
            db.session.rollback()
            form.election.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(name)s is a candidate in %(election)s. Send the questionnaire next.", name=endorsement.person.name,
                    election=endorsement.election), "info")
            return redirect(url_for("candidates.endorsement", endorsement_id=endorsement.id))
    return render_template("candidates/new.html", form=form)


@bp.route("/endorsements/<int:endorsement_id>")
@role_required("member")
def endorsement(endorsement_id: int):
    endorsement = owned_or_404(Endorsement, endorsement_id)
    petitions = db.session.execute(db.select(WithdrawalPetition).filter_by(endorsement_id=endorsement.id)
                                   .order_by(WithdrawalPetition.id.desc())).scalars().all()
    rules = ballot_service.settings(current_user.organization)
    return render_template("candidates/endorsement.html", endorsement=endorsement, committee=_is_committee(),
                           petitions=[(p, endorsement_service.signature_count(p)) for p in petitions],
                           needed=int(rules["petition_signatures"]), send_form=SendQuestionnaireForm(),
                           ids_form=IdentifiersForm(), petition_form=PetitionForm(), link=None,
                           questionnaire=endorsement.questionnaire)


@bp.post("/endorsements/<int:endorsement_id>/questionnaire")
@role_required("committee")
def send_questionnaire(endorsement_id: int):
    endorsement = owned_or_404(Endorsement, endorsement_id)
    form = SendQuestionnaireForm()
    if not form.validate_on_submit():
        flash(_("The link lasts 1 to 180 days."), "error")
        return redirect(url_for("candidates.endorsement", endorsement_id=endorsement.id))
    try:
        _, token = endorsement_service.send_questionnaire(endorsement, current_user, link_days=form.link_days.data)
    except endorsement_service.EndorsementError as error:
        flash(str(error), "error")
        return redirect(url_for("candidates.endorsement", endorsement_id=endorsement.id))
    db.session.commit()
    # The link is shown this once: only its hash is stored.
    return render_template("candidates/questionnaire_sent.html", endorsement=endorsement,
                           link=url_for("candidates.questionnaire", token=token, _external=True))


@bp.post("/endorsements/<int:endorsement_id>/identifiers")
@role_required("committee")
def identifiers(endorsement_id: int):
    endorsement = owned_or_404(Endorsement, endorsement_id)
    form = IdentifiersForm()
    if form.validate_on_submit():
        try:
            added = endorsement_service.set_identifiers(endorsement.person, {
                "fec_candidate": form.fec_candidate.data, "fec_committee": form.fec_committee.data,
                "state_filer": form.state_filer.data}, actor=current_user)
        except endorsement_service.EndorsementError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(ngettext("%(num)d identifier attached: imported money and votes under them now reach %(name)s.",
                           "%(num)d identifiers attached: imported money and votes under them now reach %(name)s.",
                           added, name=endorsement.person.name), "info")
    return redirect(url_for("candidates.endorsement", endorsement_id=endorsement.id))


@bp.route("/endorsements/<int:endorsement_id>/report")
@role_required("committee")
def report(endorsement_id: int):
    endorsement = owned_or_404(Endorsement, endorsement_id)
    return render_template("candidates/report.html", **endorsement_service.vetting_report(endorsement))


@bp.route("/questionnaire/<token>", methods=["GET", "POST"])
@token_link
def questionnaire(token: str):
    """The candidate's questionnaire (no account: the link is the credential)."""
    found = endorsement_service.questionnaire_by_token(token)
    problem = endorsement_service.link_problem(found)
    if problem:
        status = 404 if found is None else 410
        return render_template("candidates/questionnaire.html", problem=words.questionnaire_link_problem(found, problem),
                               view=None, form=None), status
    form = QuestionnaireForm()
    view = endorsement_service.questionnaire_view(found)
    if form.validate_on_submit():
        answers = {plank.id: (request.form.get(f"stance-{plank.id}", ""), request.form.get(f"comment-{plank.id}", ""))
                   for plank in view.planks}
        extra = [(request.form.get(f"extra-{index}", ""), request.form.get(f"extra-comment-{index}", ""))
                 for index in range(len(view.extra))]
        submitting = bool(form.submit.data)
        try:
            endorsement_service.save_answers(token, answers, extra, submit=submitting, signed_name=form.signed_name.data)
        except endorsement_service.EndorsementError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            if submitting:
                return render_template("candidates/questionnaire.html", problem=None, view=None, form=None,
                                       submitted=found)
            flash(_("Your answers are saved. Come back to this link to finish; nothing is final until you submit."), "info")
            return redirect(url_for("candidates.questionnaire", token=token))
        view = endorsement_service.questionnaire_view(found)
    return render_template("candidates/questionnaire.html", problem=None, view=view, form=form)


@bp.post("/endorsements/<int:endorsement_id>/petitions")
@role_required("member")
def open_petition(endorsement_id: int):
    endorsement = owned_or_404(Endorsement, endorsement_id)
    form = PetitionForm()
    if form.validate_on_submit():
        try:
            petition = endorsement_service.open_petition(endorsement, current_user, form.reason.data, form.evidence.data)
        except endorsement_service.EndorsementError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Your petition is open, with your signature. Ask other members to sign it."), "info")
            return redirect(url_for("candidates.petition", petition_id=petition.id))
    else:
        flash(_("Say why the endorsement should be withdrawn."), "error")
    return redirect(url_for("candidates.endorsement", endorsement_id=endorsement.id))


@bp.route("/petitions/<int:petition_id>")
@role_required("member")
def petition(petition_id: int):
    petition = owned_or_404(WithdrawalPetition, petition_id)
    signed = db.session.get(PetitionSignature, (petition.id, current_user.id)) is not None
    rules = ballot_service.settings(current_user.organization)
    return render_template("candidates/petition.html", petition=petition, signed=signed,
                           count=endorsement_service.signature_count(petition), needed=int(rules["petition_signatures"]),
                           action=WithdrawForm(), committee=_is_committee())


@bp.post("/petitions/<int:petition_id>/sign")
@role_required("member")
def sign_petition(petition_id: int):
    petition = owned_or_404(WithdrawalPetition, petition_id)
    from flask_wtf import FlaskForm
    if FlaskForm().validate_on_submit():
        try:
            endorsement_service.sign_petition(petition, current_user)
        except endorsement_service.EndorsementError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("You signed the petition."), "info")
    return redirect(url_for("candidates.petition", petition_id=petition.id))


@bp.route("/pledges/new", methods=["GET", "POST"])
@role_required("committee")
def issue_pledge():
    org = current_user.organization
    form = IssuePledgeForm()
    # Only endorsed candidates are sent the pledge.
    people = db.session.execute(
        db.select(Person).join(Endorsement, Endorsement.person_id == Person.id)
        .where(Person.organization_id == org.id, Endorsement.decision == "endorsed")
        .distinct().order_by(Person.sort_name)).scalars().all()
    versions = db.session.execute(db.select(ProgramVersion).filter_by(organization_id=org.id, status="adopted")
                                  .order_by(ProgramVersion.number.desc())).scalars().all()
    form.person_id.choices = [(p.id, p.name) for p in people]
    form.version_id.choices = [
        (v.id, _("Version %(number)s (adopted %(date)s)", number=v.number, date=words.dated(v.adopted_on, "%Y-%m-%d"))
         if v.adopted_on else _("Version %(number)s", number=v.number)) for v in versions]
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
        return render_template("candidates/sign.html", problem=words.signing_link_problem(problem), pledge=None,
                               form=None), 410 if pledge else 404
    form = SignForm()
    if form.validate_on_submit():
        try:
            pledge_service.sign(token, form.signed_name.data)
        except pledge_service.PledgeError as error:
            form.signed_name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Thank you: your pledge is signed. Keep the SHA-256 below to check the text later."), "info")
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
            flash(_("Recorded %(name)s's signature of %(date)s.", name=pledge.signed_name,
                    date=words.dated(pledge.signed_at, "%Y-%m-%d")), "info")
    else:
        flash(_("Give the name as signed and the date."), "error")
    return redirect(url_for("candidates.pledge_page", pledge_id=pledge.id))


@bp.post("/pledges/<int:pledge_id>/withdraw")
@role_required("committee")
def withdraw(pledge_id: int):
    pledge = owned_or_404(Pledge, pledge_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        pledge_service.withdraw(pledge, actor=current_user)
        db.session.commit()
        flash(_("The pledge is withdrawn; its record stays, and its signing link no longer works."), "info")
    else:
        flash(_("Tick the box to confirm the withdrawal."), "error")
    return redirect(url_for("candidates.pledge_page", pledge_id=pledge.id))


@bp.app_template_filter("election_slug")
def election_slug_filter(name: str) -> str:
    return endorsement_service.election_slug(name)
