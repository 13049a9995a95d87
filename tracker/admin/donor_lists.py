"""Admin pages for the donor lists (known corporate donors, exceptions, company list, lobbyists)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.admin.forms import DonorListForm
from tracker.admin.views import bp
from tracker.services import donor_lists
from tracker.vocabulary import DONOR_LISTS
from tracker.web import role_required

PREVIEW = 10  # removed names shown when asking for confirmation


@bp.get("/donor-lists")
@role_required("admin")
def donor_lists_page():
    org_id = current_user.organization_id
    sections = []
    for list_name in DONOR_LISTS:
        current = donor_lists.names(org_id, list_name)
        form = DonorListForm(prefix=list_name, names="\n".join(current))
        sections.append(_section(list_name, current, form))
    return render_template("admin/donor_lists.html", sections=sections)


@bp.post("/donor-lists/<list_name>")
@role_required("admin")
def save_donor_list(list_name: str):
    if list_name not in DONOR_LISTS:
        abort(404)
    org = current_user.organization
    current = donor_lists.names(org.id, list_name)
    form = DonorListForm(prefix=list_name)
    if form.validate_on_submit():
        try:
            upload = form.upload.data
            if upload and getattr(upload, "filename", ""):
                wanted = donor_lists.names_from_bytes(upload.read(), upload.filename)
            else:
                wanted = donor_lists.parse_names(form.names.data or "", "the names box")
        except donor_lists.ListError as error:
            (form.upload if upload and getattr(upload, "filename", "") else form.names).errors.append(str(error))
        else:
            removing = donor_lists.removed_names(current, wanted)
            if removing and not form.confirm_removal.data:
                # A destructive change: ask before removing names (the box keeps what was typed).
                form.names.data = "\n".join(wanted)
                return render_template("admin/donor_lists.html", sections=[
                    _section(list_name, current, form, removing=removing)]), 409
            summary = donor_lists.replace(org, list_name, wanted, actor=current_user)
            label = list_words()[list_name][0]
            if summary["added"] or summary["removed"]:
                flash(_("%(list)s: %(added)s added, %(removed)s removed; %(size)s names. "
                        "%(classified)s contributions reclassified and pledges judged again.", list=label,
                        added=summary["added"], removed=summary["removed"], size=summary["size"],
                        classified=summary["classified"]), "info")
            else:
                flash(_("%(list)s: nothing changed.", list=label), "info")
            return redirect(url_for("admin.donor_lists_page") + f"#{list_name}")
    return render_template("admin/donor_lists.html", sections=[_section(list_name, current, form)]), 400


def list_words() -> dict:
    """The donor lists' names and help (services.donor_lists.DESCRIPTIONS) in the reader's language."""
    return {
        "known_corporate": (_("Known corporate donors"), _("Always classed business_entity, e.g. a company giving "
                                                           "under a name without a legal suffix.")),
        "exceptions": (_("Exceptions"), _("Never classed corporate, e.g. a membership association whose name ends "
                                          "in INC.")),
        "company_list": (_("Company list"), _("Companies whose PACs, executives and lobbyists the "
                                              "no-fossil-fuel-money clause counts.")),
        "lobbyists": (_("Lobbyist registrants"), _("Donors tagged lobbyist whatever their occupation says.")),
    }


def _section(list_name: str, current: list[str], form, removing=None) -> dict:
    label, help_text = list_words().get(list_name, donor_lists.DESCRIPTIONS[list_name])
    return {"name": list_name, "label": label, "help": help_text, "count": len(current), "form": form,
            "removing": removing[:PREVIEW] if removing else [], "removing_count": len(removing or [])}
