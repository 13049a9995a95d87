"""A person's money page (public): thin views over services.contributions.person_money."""
import io

from flask import Blueprint, Response, abort, render_template

from tracker.extensions import db
from tracker.models import Person
from tracker.money_pages import charts
from tracker.services import contributions
from tracker.web import page_number

bp = Blueprint("money_pages", __name__, url_prefix="/money")


def _person(person_id: int) -> Person:
    person = db.get_or_404(Person, person_id)
    return person


@bp.get("/people/<int:person_id>")
def person_money(person_id: int):
    """Totals by class, donors, months, flagged receipts with evidence, independent expenditures."""
    person = _person(person_id)
    data = contributions.person_money(person, donor_page=page_number())
    return render_template("money_pages/person.html", person=person, data=data,
                           class_chart=charts.class_bar(data["by_class"]),
                           monthly_chart=charts.monthly_line(data["monthly"]))


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
