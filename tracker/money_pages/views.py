"""A person's money page (public): thin views over services.contributions.person_money; the
committee also sees the flags not yet public and moves them along (services.flags)."""
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SubmitField

from tracker import money
from tracker.charts import embeddable
from tracker.extensions import db
from tracker.models import Person
from tracker.money_pages import charts
from tracker.scorecards import queries
from tracker.scorecards.queries import Table
from tracker.services import contributions, flags
from tracker.web import current_organization, download, owned_or_404, page_number, role_required

CLASSIFICATION_LABELS = {"donor_class": "Donor class", "rule": "Rule that decided", "confidence": "Confidence",
                         "lines": "Lines", "amount": "Amount ($)", "cash": "Cash ($, memo lines left out)"}


class NotifyForm(FlaskForm):
    submit = SubmitField("Record that the candidate was told of these flags")


class PublishForm(FlaskForm):
    submit = SubmitField("Publish the flags whose notice has ended")

bp = Blueprint("money_pages", __name__, url_prefix="/money")


@bp.app_template_global("flag_reason")
def flag_reason(evidence, donor) -> str:
    """Why a receipt is flagged, in words (the money page and the scorecard)."""
    return money.flag_reason(evidence, donor)


def _person(person_id: int) -> Person:
    """The person, if they belong to the organization this request is about (as on the scorecard
    pages); 404 otherwise, whether or not the id exists elsewhere."""
    organization = current_organization() or abort(404)
    return queries.person_or_none(organization, person_id) or abort(404)


@bp.get("/people/<int:person_id>")
def person_money(person_id: int):
    """Totals by class, donors, months, flagged receipts with evidence, independent expenditures."""
    person = _person(person_id)
    data = contributions.person_money(person, donor_page=page_number())
    pending = None
    if current_user.is_authenticated and current_user.has_role("committee") \
            and current_user.organization_id == person.organization_id:
        pending = flags.pending_flags(person)
    return render_template("money_pages/person.html", person=person, data=data, pending=pending,
                           notify_form=NotifyForm(), publish_form=PublishForm(),
                           class_chart=embeddable(charts.class_bar(data["by_class"])),
                           monthly_chart=embeddable(charts.monthly_line(data["monthly"])))


@bp.post("/people/<int:person_id>/notify")
@role_required("committee")
def notify(person_id: int):
    """The committee told the candidate of their draft flags: the notice period starts now."""
    person = owned_or_404(Person, person_id)
    if NotifyForm().validate_on_submit():
        count = flags.notify_person(person, actor=current_user)
        db.session.commit()
        flash(f"{count} flag{'s' if count != 1 else ''} marked as told to {person.name}; each is published when its "
              "notice period ends, unless a refund or a correction changes it first." if count
              else "No draft flag to notify.", "info")
    return redirect(url_for("money_pages.person_money", person_id=person.id) + "#pending")


@bp.post("/people/<int:person_id>/publish")
@role_required("committee")
def publish(person_id: int):
    """Publish this person's flags whose notice has ended (a daily `flask flags publish-due` does it too)."""
    person = owned_or_404(Person, person_id)
    if PublishForm().validate_on_submit():
        count = flags.publish_due(current_user.organization, person=person, actor=current_user)
        db.session.commit()
        flash(f"{count} flag{'s' if count != 1 else ''} published." if count
              else "No flag is past its notice period yet.", "info")
    return redirect(url_for("money_pages.person_money", person_id=person.id) + "#pending")


@bp.get("/people/<int:person_id>/contributions.<fmt>")
def person_download(person_id: int, fmt: str):
    """The person's contributions as CSV or JSON (the export's columns)."""
    if fmt not in ("csv", "json"):
        abort(404)
    person = _person(person_id)
    handle = io.StringIO()
    contributions.export_person(person, handle, fmt)
    mimetype = "text/csv" if fmt == "csv" else "application/json"
    return Response(handle.getvalue(), mimetype=f"{mimetype}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="person-{person.id}-contributions.{fmt}"'})


def _classification_table() -> Table:
    organization = current_organization() or abort(404)
    return Table([(key, CLASSIFICATION_LABELS[key]) for key in flags.CLASS_REPORT_COLUMNS],
                 flags.classification_rows(organization), "Contributions by donor class and the rule that decided")


@bp.get("/classification")
def classification():
    """How many contributions and dollars fell into each donor class, and which rule decided them."""
    table = _classification_table()
    return render_template("money_pages/classification.html", table=table, by_class=flags.class_totals(table.rows))


@bp.get("/classification.<fmt>")
def classification_download(fmt: str):
    if fmt not in ("csv", "json"):
        abort(404)
    return download(_classification_table(), "classification", fmt)
