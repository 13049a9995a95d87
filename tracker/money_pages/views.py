"""A person's money page (public): thin views over services.contributions.person_money; the
committee also sees the flags not yet public and moves them along (services.flags)."""
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
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

# The downloads keep these English column names (stable for scripts); the page shows them translated.
CLASSIFICATION_LABELS = {"donor_class": "Donor class", "rule": "Rule that decided", "confidence": "Confidence",
                         "lines": "Lines", "amount": "Amount ($)", "cash": "Cash ($, memo lines left out)"}
CLASSIFICATION_CAPTION = "Contributions by donor class and the rule that decided"
# Marks the English words above for extraction; the page translates them with gettext.
_MARKED = (_l("Donor class"), _l("Rule that decided"), _l("Confidence"), _l("Lines"), _l("Amount ($)"),
           _l("Cash ($, memo lines left out)"), _l("Contributions by donor class and the rule that decided"))


class NotifyForm(FlaskForm):
    submit = SubmitField(_l("Record that the candidate was told of these flags"))


class PublishForm(FlaskForm):
    submit = SubmitField(_l("Publish the flags whose notice has ended"))

bp = Blueprint("money_pages", __name__, url_prefix="/money")


@bp.app_template_global()
def donor_class_name(code: str) -> str:
    """A donor class (tracker/vocabulary.py DONOR_CLASSES) in the reader's language; English is the
    code with spaces ("corporate pac")."""
    names = {"individual": _("individual"), "candidate_self": _("candidate self"), "corporate_pac": _("corporate pac"),
             "corp_nonstock_pac": _("corp nonstock pac"), "trade_assoc_pac": _("trade assoc pac"),
             "cooperative_pac": _("cooperative pac"), "membership_pac": _("membership pac"),
             "labor_pac": _("labor pac"), "leadership_pac": _("leadership pac"), "lobbyist_pac": _("lobbyist pac"),
             "party": _("party"), "candidate_committee": _("candidate committee"), "super_pac": _("super pac"),
             "nonconnected_pac": _("nonconnected pac"), "business_entity": _("business entity"),
             "labor_org": _("labor org"), "other_org": _("other org"), "review": _("review"), "unknown": _("unknown")}
    return names.get(code) or (code or "").replace("_", " ")


@bp.app_template_global()
def flag_status_name(status: str) -> str:
    """A flag's status (FLAG_STATUSES) in the reader's language; English is the code with spaces."""
    names = {"violation": _("violation"), "cured": _("cured"), "late_cure": _("late cure"),
             "pre_pledge": _("pre pledge"), "under_review": _("under review"), "warning": _("warning")}
    return names.get(status) or (status or "").replace("_", " ")


@bp.app_template_global()
def support_name(support: str) -> str:
    """An independent expenditure's side ("for", "against") in the reader's language."""
    return {"for": _("for"), "against": _("against")}.get(support, support)


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
                           class_chart=embeddable(charts.class_bar(data["by_class"], _("Money received by donor class"),
                                                                   _("Dollars"), donor_class_name)),
                           monthly_chart=embeddable(charts.monthly_line(data["monthly"], _("Money received per month"),
                                                                        _("Dollars"))))


@bp.post("/people/<int:person_id>/notify")
@role_required("committee")
def notify(person_id: int):
    """The committee told the candidate of their draft flags: the notice period starts now."""
    person = owned_or_404(Person, person_id)
    if NotifyForm().validate_on_submit():
        count = flags.notify_person(person, actor=current_user)
        db.session.commit()
        flash(ngettext("%(num)d flag marked as told to %(name)s; each is published when its notice period ends, "
                       "unless a refund or a correction changes it first.",
                       "%(num)d flags marked as told to %(name)s; each is published when its notice period ends, "
                       "unless a refund or a correction changes it first.", count, name=person.name) if count
              else _("No draft flag to notify."), "info")
    return redirect(url_for("money_pages.person_money", person_id=person.id) + "#pending")


@bp.post("/people/<int:person_id>/publish")
@role_required("committee")
def publish(person_id: int):
    """Publish this person's flags whose notice has ended (a daily `flask flags publish-due` does it too)."""
    person = owned_or_404(Person, person_id)
    if PublishForm().validate_on_submit():
        count = flags.publish_due(current_user.organization, person=person, actor=current_user)
        db.session.commit()
        flash(ngettext("%(num)d flag published.", "%(num)d flags published.", count) if count
              else _("No flag is past its notice period yet."), "info")
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


def _classification_table(translated: bool = False) -> Table:
    organization = current_organization() or abort(404)
    say = _ if translated else str
    return Table([(key, say(CLASSIFICATION_LABELS[key])) for key in flags.CLASS_REPORT_COLUMNS],
                 flags.classification_rows(organization), say(CLASSIFICATION_CAPTION))


@bp.get("/classification")
def classification():
    """How many contributions and dollars fell into each donor class, and which rule decided them."""
    table = _classification_table(translated=True)
    return render_template("money_pages/classification.html", table=table, by_class=flags.class_totals(table.rows))


@bp.get("/classification.<fmt>")
def classification_download(fmt: str):
    if fmt not in ("csv", "json"):
        abort(404)
    return download(_classification_table(), "classification", fmt)
