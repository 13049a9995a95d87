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
from imports.vote_records import (
    IDENTIFIER_COLUMNS, PEOPLE_COLUMNS, TERM_COLUMNS, frame, line_numbers, parse_json, take_record,
)


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
        if not isinstance(persons, list):
            raise FormatError(path, "'persons' is not a list", field="persons")
        # Lookups by id: only objects with a text or number id (an id that is a list cannot be looked up).
        organizations, areas, events = ({o["id"]: o for o in data.get(name) or [] if isinstance(o, dict)
                                         and isinstance(o.get("id"), (str, int))}
                                        if isinstance(data.get(name) or [], list) else {}
                                        for name in ("organizations", "areas", "events"))
        people, identifiers, terms, errors = [], [], [], []
        keys = {}
        for person in persons:
            if not isinstance(person, dict) or not isinstance(person.get("id"), (str, int)) or not person.get("name"):
                field = "name" if isinstance(person, dict) and isinstance(person.get("id"), (str, int)) else "id"
                errors.append(RowError(None, field, "person without id or name", str(person)[:200]))
                continue

            def build(person=person):
                key = f"popolo:{person['id']}"
                row = {
                    "person_key": key, "name": person["name"], "sort_name": person.get("sort_name"),
                    "given_name": person.get("given_name"), "family_name": person.get("family_name"),
                    "party": None, "line": None,
                }
                ids = [{"person_key": key, "scheme": "popolo", "value": person["id"]}]
                ids += [{"person_key": key, "scheme": other.get("scheme") or "other", "value": str(other["identifier"])}
                        for other in person.get("identifiers") or [] if other.get("identifier")]
                return [row], ids

            if take_record(build, (people, identifiers), errors, None, "person", str(person)[:200]):
                keys[person["id"]] = people[-1]["person_key"]
        party_of: dict[str, str] = {}
        memberships = data.get("memberships") or []
        for membership in memberships if isinstance(memberships, list) else []:
            def build(membership=membership):
                key = keys.get(membership.get("person_id"))
                organization = organizations.get(membership.get("organization_id")) or {}
                if key is None or organization.get("classification") == "party":
                    return [], []
                period = events.get(membership.get("legislative_period_id")) or {}
                party = (organizations.get(membership.get("on_behalf_of_id")) or {}).get("name")
                term = {
                    "person_key": key, "body": organization.get("name"),
                    "office": membership.get("role") or membership.get("label"),
                    "district": (areas.get(membership.get("area_id")) or {}).get("name"), "party": party,
                    "start_on": _as_date(membership.get("start_date") or period.get("start_date")),
                    "end_on": _as_date(membership.get("end_date") or period.get("end_date")),
                }
                return [term], ([{"person_key": key, "party": party}] if party else [])

            parties: list[dict] = []
            take_record(build, (terms, parties), errors, None, "membership", str(membership)[:200])
            for found in parties:
                party_of[found["person_key"]] = found["party"]
        lines = (line_numbers(text, r'"sort_name"\s*:', len(people))
                 if all(isinstance(p, dict) and p.get("sort_name") for p in persons) else [None] * len(people))
        for person, line in zip(people, lines):
            person["party"] = party_of.get(person["person_key"])
            person["line"] = line
        yield Batch(tables={"people": frame(PEOPLE_COLUMNS, people), "identifiers": frame(IDENTIFIER_COLUMNS, identifiers),
                            "terms": frame(TERM_COLUMNS, terms)},
                    errors=errors, read=len(persons), progress=1.0)
