"""Popolo JSON (popoloproject.com), as published by EveryPolitician (``ep-popolo-v1.0.json``).

Person key ``popolo:{person id}``. Identifiers: popolo (the id itself) plus each person's
``identifiers`` entry under its scheme (wikidata, kuvakazim, ...). Terms: one per membership of a
non-party organization: body = the organization's name, party = the ``on_behalf_of`` organization's
name, district = the area's name, dates from the membership, else from its legislative period.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.vote_records import IDENTIFIER_COLUMNS, PEOPLE_COLUMNS, TERM_COLUMNS, frame, line_numbers, parse_json


def _as_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value and len(str(value)) >= 10 else None
    except ValueError:
        return None


@register
class PopoloParser(Parser):
    name = "popolo"
    kind = "people"
    label = "Popolo JSON (EveryPolitician)"
    extensions = (".json",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return b'"persons"' in head or (b'"memberships"' in head and b'"organizations"' in head)

    def parse(self, path: Path, **options):
        """One batch: persons, their identifiers, and their memberships as terms."""
        path = Path(path)
        data, text = parse_json(path)
        if not isinstance(data, dict) or "persons" not in data:
            raise FormatError(path, "not Popolo JSON: no 'persons' list", field="persons")
        persons = data.get("persons") or []
        organizations = {o.get("id"): o for o in data.get("organizations") or []}
        areas = {a.get("id"): a for a in data.get("areas") or []}
        events = {e.get("id"): e for e in data.get("events") or []}
        people, identifiers, terms, errors = [], [], [], []
        keys = {}
        for person in persons:
            if not person.get("id") or not person.get("name"):
                errors.append(RowError(None, "id" if not person.get("id") else "name",
                                       "person without id or name", str(person)[:200]))
                continue
            key = keys[person["id"]] = f"popolo:{person['id']}"
            people.append({
                "person_key": key, "name": person["name"], "sort_name": person.get("sort_name"),
                "given_name": person.get("given_name"), "family_name": person.get("family_name"),
                "party": None, "line": None,
            })
            identifiers.append({"person_key": key, "scheme": "popolo", "value": person["id"]})
            for other in person.get("identifiers") or []:
                if other.get("identifier"):
                    identifiers.append({"person_key": key, "scheme": other.get("scheme") or "other",
                                        "value": str(other["identifier"])})
        party_of: dict[str, str] = {}
        for membership in data.get("memberships") or []:
            key = keys.get(membership.get("person_id"))
            organization = organizations.get(membership.get("organization_id")) or {}
            if key is None or organization.get("classification") == "party":
                continue
            period = events.get(membership.get("legislative_period_id")) or {}
            party = (organizations.get(membership.get("on_behalf_of_id")) or {}).get("name")
            if party:
                party_of[key] = party
            terms.append({
                "person_key": key, "body": organization.get("name"),
                "office": membership.get("role") or membership.get("label"),
                "district": (areas.get(membership.get("area_id")) or {}).get("name"), "party": party,
                "start_on": _as_date(membership.get("start_date") or period.get("start_date")),
                "end_on": _as_date(membership.get("end_date") or period.get("end_date")),
            })
        lines = line_numbers(text, r'"sort_name"\s*:', len(people)) if all(p.get("sort_name") for p in persons) else [None] * len(people)
        for person, line in zip(people, lines):
            person["party"] = party_of.get(person["person_key"])
            person["line"] = line
        yield Batch(tables={"people": frame(PEOPLE_COLUMNS, people), "identifiers": frame(IDENTIFIER_COLUMNS, identifiers),
                            "terms": frame(TERM_COLUMNS, terms)},
                    errors=errors, read=len(persons), progress=1.0)
