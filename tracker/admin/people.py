"""People (committee): find a person, edit their facts, attach the ids their filings carry
(campaign committee, filer, candidate), so imported votes and money reach them."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.admin.forms import IdentifierForm, PersonForm, RemoveIdentifierForm
from tracker.admin.views import bp
from tracker.extensions import db
from tracker.models import Person, PersonIdentifier
from tracker.services import people
from tracker.web import owned_or_404, page_number, role_required


def id_words() -> dict:
    """The kinds of id (services.people.ID_LABELS) in the reader's language."""
    return {"fec_committee": _("FEC committee id (C00123456)"), "state_filer": _("CAL-ACCESS or NetFile filer id"),
            "fec_candidate": _("FEC candidate id (H0CA12345)"), "bioguide": _("Bioguide id"),
            "legistar": _("Legistar person id"), "ocd_person": _("Open Civic Data person id"),
            "openstates": _("Open States id"), "icpsr": _("ICPSR id"), "lis": _("Senate LIS id"),
            "govtrack": _("GovTrack id"), "opensecrets": _("OpenSecrets id"), "thomas": _("THOMAS id"),
            "wikidata": _("Wikidata id"), "popolo": _("Popolo id"), "local": _("Local id")}


def _id_labels() -> dict:
    words = id_words()
    return {scheme: words.get(scheme, label) for scheme, label in people.ID_LABELS.items()}


def _identifier_form() -> IdentifierForm:
    form = IdentifierForm(prefix="id")
    form.scheme.choices = list(_id_labels().items())
    return form


@bp.route("/people")
@role_required("committee")
def people_list():
    query = request.args.get("q", "").strip()
    statement = db.select(Person).filter_by(organization_id=current_user.organization_id).order_by(Person.sort_name, Person.id)
    if query:
        statement = statement.where(Person.name.ilike(f"%{query}%"))
    page = db.paginate(statement, page=page_number(), per_page=50, error_out=False)
    return render_template("admin/people.html", page=page, query=query)


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
@role_required("committee")
def person_edit(person_id: int):
    person = owned_or_404(Person, person_id)
    term = people.latest_term(person)
    form = PersonForm(obj=None if request.method == "POST" else person)
    if request.method == "GET" and term is not None:
        form.office.data, form.district.data = term.office, term.district
    if form.validate_on_submit():
        try:
            people.update_person(person, name=form.name.data, sort_name=form.sort_name.data, party=form.party.data,
                                 tracked=form.tracked.data, office=form.office.data, district=form.district.data,
                                 member=current_user)
        except people.PersonError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=person.name), "info")
            return redirect(url_for("admin.person_edit", person_id=person.id))
    return render_template("admin/person.html", person=person, term=term, form=form, id_form=_identifier_form(),
                           remove_form=RemoveIdentifierForm(), labels=_id_labels())


@bp.route("/people/<int:person_id>/ids", methods=["POST"])
@role_required("committee")
def person_add_identifier(person_id: int):
    person = owned_or_404(Person, person_id)
    form = _identifier_form()
    if form.validate_on_submit():
        try:
            people.add_identifier(person, form.scheme.data, form.value.data, member=current_user)
        except people.PersonError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            attached = f"{_id_labels()[form.scheme.data].split(' (')[0]} {form.value.data.strip()}"
            flash(_("Attached %(id)s to %(name)s.", id=attached, name=person.name), "info")
    else:
        flash(_("Choose the kind of id and give the id as filed."), "error")
    return redirect(url_for("admin.person_edit", person_id=person.id))


@bp.route("/people/<int:person_id>/ids/remove", methods=["POST"])
@role_required("committee")
def person_remove_identifier(person_id: int):
    person = owned_or_404(Person, person_id)
    form = RemoveIdentifierForm()
    identifier = None
    if form.validate_on_submit() and form.identifier_id.data.isdigit():
        identifier = db.session.get(PersonIdentifier, int(form.identifier_id.data))
    if identifier is None or identifier.person_id != person.id:
        flash(_("Choose an id of this person to remove."), "error")
    else:
        label = f"{_id_labels().get(identifier.scheme, identifier.scheme).split(' (')[0]} {identifier.value}"
        people.remove_identifier(person, identifier, member=current_user)
        db.session.commit()
        flash(_("Removed %(id)s from %(name)s.", id=label, name=person.name), "info")
    return redirect(url_for("admin.person_edit", person_id=person.id))
