"""Ballots: members vote (online, in a few taps), the committee opens and runs them; results after the close."""
import csv
import io
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import OperationalError

from tracker.extensions import db
from tracker.i18n import current_language, day
from tracker.models import Ballot, BallotQuestion, Member
from tracker.models.base import utcnow
from tracker.services import ballots as ballot_service
from tracker.services import endorsements as endorsement_service
from tracker.services import program as program_service
from tracker.services import proposals as proposal_service
from tracker.csv_cells import cell_text
from tracker.voting.forms import (AttendanceForm, BallotForm, CloseForm, PaperUploadForm, SettingsForm,
                                  TellerCountForm)
from tracker.web import owned_or_404, page_number, role_required

bp = Blueprint("voting", __name__, url_prefix="/ballots")


def _ballot(ballot_id: int) -> Ballot:
    ballot = owned_or_404(Ballot, ballot_id)
    # Whoever looks first after the closing time closes it (once; see services.ballots.close).
    if ballot.status != "closed" and ballot.mode == "online":
        now = utcnow()
        if (ballot.status == "scheduled" and ballot.opens_at <= now) or ballot.closes_at <= now:
            ballot_service.open_due(now, ballot_id=ballot.id)
            ballot_service.close_due(now, ballot_id=ballot.id)
            ballot = db.session.get(Ballot, ballot_id)
    return ballot


@bp.route("/")
@role_required("member")
def index():
    org = current_user.organization
    running = db.session.execute(db.select(Ballot).filter_by(organization_id=org.id)
                                 .where(Ballot.status != "closed").order_by(Ballot.closes_at)).scalars().all()
    voted = {ballot.id: elector.voted_at for ballot in running
             if (elector := ballot_service.is_elector(ballot, current_user)) is not None}
    closed = db.paginate(db.select(Ballot).filter_by(organization_id=org.id, status="closed")
                         .order_by(Ballot.closed_at.desc(), Ballot.id.desc()), page=page_number(), per_page=20,
                         error_out=False)
    return render_template("voting/index.html", running=running, voted=voted, closed=closed,
                           committee=current_user.has_role("committee"))


@bp.route("/new", methods=["GET", "POST"])
@role_required("committee")
def new_ballot():
    org = current_user.organization
    rules = ballot_service.settings(org)
    groups = proposal_service.ready_for_ballot(org, int(rules["cosponsors_needed"]))
    candidacies = endorsement_service.pending_candidacies(org)
    petitions = endorsement_service.petitions_ready(org)
    draft = program_service.draft_version(org.id)
    form = BallotForm()
    if request.method == "GET":
        form.opens_at.data, form.closes_at.data = ballot_service.voting_window_default(org)
        form.secret.data = bool(rules["secret"])
    if form.validate_on_submit():
        chosen = set(request.form.getlist("group"))
        plan = ballot_service.BallotPlan(
            title=form.title.data, description=form.description.data or "", opens_at=form.opens_at.data,
            closes_at=form.closes_at.data, secret=form.secret.data, mode=form.mode.data,
            proposal_groups=[[p.id for p in group.proposals] for index, group in enumerate(groups)
                             if str(index) in chosen],
            adopt_draft=form.adopt_draft.data,
            other_questions=(form.other_questions.data or "").splitlines(),
            endorsement_groups=_endorsement_groups(candidacies),
            petition_ids=[p.id for p in petitions if str(p.id) in set(request.form.getlist("petition"))],
            electorate=form.electorate.data or None)
        try:
            ballot = ballot_service.create(org, current_user, plan)
        except ballot_service.BallotError as error:
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            opens = ballot.opens_at.strftime("%d %B %Y at %H:%M") if current_language() == "en" else day(ballot.opens_at)
            flash(_("The ballot is open.") if ballot.status == "open" else
                  _("The ballot is scheduled to open on %(when)s UTC.", when=opens), "info")
            return redirect(url_for("voting.ballot", ballot_id=ballot.id))
    return render_template("voting/new.html", form=form, groups=groups, draft=draft, rules=rules,
                           candidacies=candidacies, petitions=petitions,
                           chosen=set(request.form.getlist("group")) if request.method == "POST" else None)


def _endorsement_groups(candidacies: list[list]) -> list[list[int]]:
    """The candidates ticked on the form: per election and office, one ranked question (one seat)
    or a yes/no question each, as the committee chose."""
    ticked = set(request.form.getlist("candidate"))
    groups = []
    for index, group in enumerate(candidacies):
        chosen = [e.id for e in group if str(e.id) in ticked]
        if not chosen:
            continue
        if len(chosen) > 1 and request.form.get(f"seat-{index}") == "ranked":
            groups.append(chosen)
        else:
            groups.extend([eid] for eid in chosen)
    return groups


@bp.route("/<int:ballot_id>")
@role_required("member")
def ballot(ballot_id: int):
    ballot = _ballot(ballot_id)
    now = utcnow()
    committee = current_user.has_role("committee")
    context = {"ballot": ballot, "committee": committee, "now": now, "action": FlaskForm()}
    if ballot.status == "closed":
        context["questions"] = ballot.questions
        context["turnout"] = ballot_service.turnout(ballot)
        context["named_rows"] = ({} if ballot.secret else
                                 {q.id: ballot_service.cast_ballots(q) for q in ballot.questions})
        return render_template("voting/results.html", **context)
    elector = ballot_service.is_elector(ballot, current_user)
    context.update(elector=elector, choices=ballot_service.my_choices(ballot, current_user) if elector else {})
    if ballot.mode == "online" and ballot.status == "open":
        try:
            ballot_service.check_can_vote(ballot, current_user, now)
            context["can_vote"] = True
        except ballot_service.BallotError as error:
            context["can_vote"], context["refusal"] = False, str(error)
    if committee:
        context["turnout"] = ballot_service.turnout(ballot)
        if ballot.mode == "paper":
            context.update(members=db.session.execute(db.select(Member).filter_by(
                organization_id=ballot.organization_id, active=True).order_by(Member.name)).scalars().all(),
                present={m.id for m, _present in ballot_service.roll(ballot)}, attendance_form=AttendanceForm(),
                count_form=TellerCountForm(), upload_form=PaperUploadForm(), close_form=CloseForm(),
                uploads={q.id: ballot_service.paper_ballot_count(q) for q in ballot.questions if q.kind == "ranked"},
                teller_counts=ballot_service.teller_counts(ballot))
    return render_template("voting/ballot.html", **context)


def _answers(ballot: Ballot) -> dict:
    answers = {}
    for question in ballot.questions:
        if question.kind == "yes_no":
            answers[question.id] = request.form.get(f"q{question.id}") or None
        else:
            answers[question.id] = [request.form.get(f"q{question.id}_o{option.id}") or None for option in question.options]
    return answers


@bp.route("/<int:ballot_id>/vote", methods=["POST"])
@role_required("member")
def vote(ballot_id: int):
    ballot = _ballot(ballot_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        receipt = ballot_service.cast(ballot, current_user, _answers(ballot))
        db.session.commit()
    except ballot_service.BallotError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("voting.ballot", ballot_id=ballot_id))
    except OperationalError:
        # SQLite: the ballot closed while this vote was being written.
        db.session.rollback()
        flash(_("The ballot closed while your vote was being recorded: it was not counted."), "error")
        return redirect(url_for("voting.ballot", ballot_id=ballot_id))
    return render_template("voting/receipt.html", ballot=ballot, receipt=receipt,
                           choices=ballot_service.my_choices(ballot, current_user))


@bp.route("/<int:ballot_id>/receipt")
@role_required("member")
def check_receipt(ballot_id: int):
    """After the close: find the counted choices carrying a receipt code."""
    ballot = _ballot(ballot_id)
    code = request.args.get("code", "")
    found = ballot_service.find_receipt(ballot, code) if code else []
    return render_template("voting/check_receipt.html", ballot=ballot, code=code, found=found,
                           questions={q.id: q for q in ballot.questions})


@bp.route("/<int:ballot_id>/ballots.<fmt>")
@role_required("member")
def cast_ballots(ballot_id: int, fmt: str):
    """Every counted ballot of a closed ballot, so anyone can redo the count (members' names only
    on a named ballot)."""
    ballot = _ballot(ballot_id)
    if fmt not in ("csv", "json") or ballot.status != "closed":
        abort(404)
    rows = []
    for question in ballot.questions:
        labels = [option.label for option in question.options]
        for row in ballot_service.cast_ballots(question):
            record = {"question": question.position, "receipt": row.receipt or "", "weight": row.weight,
                      "source": row.source, "member": row.member.name if (row.member_id and not ballot.secret) else ""}
            if question.kind == "yes_no":
                record["choice"] = row.choice
            else:
                ranks = (row.ranks or "").split(",")
                record["choice"] = "; ".join(f"{label}={rank}" for label, rank in zip(labels, ranks) if rank)
            rows.append(record)
    if fmt == "json":
        body = json.dumps({"ballot": ballot.id, "title": ballot.title, "secret": ballot.secret,
                           "questions": [{"position": q.position, "text": q.text, "kind": q.kind,
                                          "options": [o.label for o in q.options], "result": q.result}
                                         for q in ballot.questions], "ballots": rows}, ensure_ascii=False, indent=1)
        response = Response(body, mimetype="application/json")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        columns = ["question", "choice", "weight", "receipt", "source", "member"]
        writer.writerow(columns)
        for record in rows:
            writer.writerow([cell_text(record[c]) for c in columns])
        response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="ballot-{ballot.id}.{fmt}"'
    return response


# --- Paper ballots (the committee, in the room) ------------------------------------------------

def _committee_action(ballot_id: int, action, done: str, form_class=FlaskForm):
    ballot = _ballot(ballot_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            message = action(ballot, form)
        except ballot_service.BallotError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(message or done, "info")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("voting.ballot", ballot_id=ballot_id))


@bp.route("/<int:ballot_id>/attendance", methods=["POST"])
@role_required("committee")
def attendance(ballot_id: int):
    def record(ballot, form):
        present = [int(v) for v in request.form.getlist("present") if v.isdigit()]
        count = ballot_service.record_attendance(ballot, present, current_user)
        return _("%(num)s members recorded present; the quorum is %(quorum)s.", num=count, quorum=ballot.quorum_needed)
    return _committee_action(ballot_id, record, "", AttendanceForm)


@bp.route("/<int:ballot_id>/questions/<int:question_id>/count", methods=["POST"])
@role_required("committee")
def teller_count(ballot_id: int, question_id: int):
    def enter(ballot, form):
        question = _question(ballot, question_id)
        state = ballot_service.enter_teller_count(question, current_user, form.yes.data or 0, form.no.data or 0,
                                                  form.abstain.data or 0)
        return {"waiting": _("Your count is entered; a second teller must enter theirs."),
                "agreed": _("Both tellers agree: the count is recorded."),
                "disagree": _("The two tellers' counts differ: count again and enter the new count.")}[state]
    return _committee_action(ballot_id, enter, "", TellerCountForm)


@bp.route("/<int:ballot_id>/questions/<int:question_id>/upload", methods=["POST"])
@role_required("committee")
def upload(ballot_id: int, question_id: int):
    def store(ballot, form):
        question = _question(ballot, question_id)
        data = form.file.data.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ballot_service.BallotError(_("%(name)s: the file is not UTF-8 text.", name=form.file.data.filename)) from None
        count = ballot_service.upload_paper_ballots(question, text, form.file.data.filename or "ballots",
                                                    form.format.data or None, current_user)
        return _("%(num)s paper ballots stored for question %(position)s.", num=count, position=question.position)
    return _committee_action(ballot_id, store, "", PaperUploadForm)


@bp.route("/<int:ballot_id>/close", methods=["POST"])
@role_required("committee")
def close(ballot_id: int):
    return _committee_action(ballot_id, lambda ballot, form: ballot_service.close_paper(ballot, current_user) and None,
                             _("The ballot is closed and its results are published."), CloseForm)


def _question(ballot: Ballot, question_id: int) -> BallotQuestion:
    question = db.session.get(BallotQuestion, question_id)
    if question is None or question.ballot_id != ballot.id:
        abort(404)
    return question


@bp.route("/settings", methods=["GET", "POST"])
@role_required("admin")
def settings():
    org = current_user.organization
    current = ballot_service.settings(org)
    form = SettingsForm(data={**current, "questionnaire_questions": "\n".join(current["questionnaire_questions"])})
    if form.validate_on_submit():
        try:
            ballot_service.update_settings(org, {name: getattr(form, name).data for name in ballot_service.SETTINGS_DEFAULTS},
                                           actor=current_user)
        except ballot_service.BallotError as error:
            form.quorum.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Ballot settings saved."), "info")
            return redirect(url_for("voting.settings"))
    return render_template("voting/settings.html", form=form)
