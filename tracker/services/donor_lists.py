"""The donor lists an organization keeps for classification (METHOD.md 6.5 step 4).

- ``known_corporate``: donors to class ``business_entity`` whatever else their line says;
- ``exceptions``: donors never classed corporate (a person stays ``individual``, an
  organization ``other_org``), for names the legal-suffix rule gets wrong;
- ``company_list``: companies (e.g. fossil fuel producers) whose PACs, executives and lobbyists the
  ``no_fossil_fuel_money`` clause counts (the ``employer_match`` and ``company_pac`` tags);
- ``lobbyists``: registrant names (the ``lobbyist`` tag).

Names are matched after the classifier's own normalization (case, punctuation, and for companies
the legal suffix), so "Exxon Mobil Corp." and "EXXON MOBIL CORPORATION" are one entry's matches.
Changing a list reclassifies every contribution of the organization and judges the pledges again,
in the same transaction, and leaves an AuditEvent with the names added and removed.
"""
from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from tracker import money
from tracker.extensions import db
from tracker.models import DonorListEntry, Organization
from tracker.services import audit
from tracker.vocabulary import DONOR_LISTS

MAX_NAME_LENGTH = 300
MAX_NAMES = 50_000

DESCRIPTIONS = {
    "known_corporate": ("Known corporate donors",
                        "Always classed business_entity, e.g. a company giving under a name without a legal suffix."),
    "exceptions": ("Exceptions",
                   "Never classed corporate, e.g. a membership association whose name ends in INC."),
    "company_list": ("Company list",
                     "Companies whose PACs, executives and lobbyists the no-fossil-fuel-money clause counts."),
    "lobbyists": ("Lobbyist registrants", "Donors tagged lobbyist whatever their occupation says."),
}


class ListError(ValueError):
    """A list could not be read or saved; the message names the line."""


def load(organization_id: int) -> money.MoneyLists:
    """Every list of the organization, as the pure classifier takes them."""
    values: dict[str, set[str]] = {name: set() for name in DONOR_LISTS}
    for list_name, name in db.session.execute(
            select(DonorListEntry.list_name, DonorListEntry.name)
            .where(DonorListEntry.organization_id == organization_id)):
        values[list_name].add(name)
    return money.MoneyLists(**values)


def names(organization_id: int, list_name: str) -> list[str]:
    _check_list(list_name)
    return list(db.session.scalars(
        select(DonorListEntry.name).where(DonorListEntry.organization_id == organization_id,
                                          DonorListEntry.list_name == list_name)
        .order_by(DonorListEntry.name)))


def parse_names(text: str, source: str = "the list") -> list[str]:
    """One name per line (commas belong to names: "SMITH, JANE"); blank lines and lines starting
    with # are skipped; repeats (ignoring case and spacing) are kept once."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        name = " ".join(line.split())
        if not name or name.startswith("#"):
            continue
        if len(name) > MAX_NAME_LENGTH:
            raise ListError(_("%(source)s, line %(line)s: a name is at most %(length)s characters", source=source, line=number,
                              length=MAX_NAME_LENGTH))
        found.setdefault(name.upper(), name)
    if len(found) > MAX_NAMES:
        raise ListError(_("%(source)s: at most %(count)s names per list", source=source, count=format(MAX_NAMES, ",")))
    return list(found.values())


def read_file(path) -> list[str]:
    """The names of a text file (UTF-8, one per line)."""
    path = Path(path)
    return names_from_bytes(path.read_bytes(), path.name)


def names_from_bytes(data: bytes, source: str) -> list[str]:
    """The names of an uploaded or read file; ListError naming the line that is not UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ListError(_("%(source)s, line %(line)s: not UTF-8 text (save the file as UTF-8)", source=source, line=line)) from None
    return parse_names(text, source)


def removed_names(current: list[str], wanted: list[str]) -> list[str]:
    """The names of ``current`` that ``wanted`` drops (ignoring case): what to confirm first."""
    keep = {name.upper() for name in wanted}
    return [name for name in current if name.upper() not in keep]


def replace(organization: Organization, list_name: str, new_names: list[str], actor=None) -> dict:
    """Make ``list_name`` exactly ``new_names``; when it changed, reclassify and judge pledges again.

    Returns {"added", "removed", "size", "classified", "broken_pledges"}; commits."""
    from tracker.services import flags  # flags reads the lists through this module

    _check_list(list_name)
    current = {name.upper(): name for name in names(organization.id, list_name)}
    wanted = {name.upper(): name for name in new_names}
    added = [wanted[key] for key in sorted(wanted.keys() - current.keys())]
    removed = sorted(removed_names(list(current.values()), new_names))
    summary = {"added": len(added), "removed": len(removed), "size": len(wanted), "classified": 0,
               "broken_pledges": None}
    if not added and not removed:
        return summary
    if removed:
        db.session.execute(delete(DonorListEntry).where(
            DonorListEntry.organization_id == organization.id, DonorListEntry.list_name == list_name,
            DonorListEntry.name.in_(removed)))
    if added:
        actor_id, _actor_name = audit.actor_of(actor)
        db.session.execute(insert(DonorListEntry), [
            {"organization_id": organization.id, "list_name": list_name, "name": name, "added_by_id": actor_id}
            for name in added])
    audit.record(organization.id, "donor_list.changed", "DonorList", member=actor,
                 before={"list": list_name, "size": len(current)},
                 after={"list": list_name, "size": len(wanted), "added": added[:100], "removed": removed[:100]},
                 note=f"{list_name}: +{len(added)} -{len(removed)}")
    db.session.flush()
    summary["classified"] = flags.classify_contributions(organization)["classified"]
    summary["broken_pledges"] = flags.evaluate_organization(organization)["broken_pledges"]
    db.session.commit()
    return summary


def _check_list(list_name: str) -> None:
    if list_name not in DONOR_LISTS:
        raise ListError(_("unknown list %(name)s; the lists are %(lists)s", name=repr(list_name), lists=", ".join(DONOR_LISTS)))
