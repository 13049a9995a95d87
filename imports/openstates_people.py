"""Open States people YAML (github.com/openstates/people, ``data/{state}/{legislature|municipalities|...}/*.yml``).

PATH is one ``.yml`` file or a directory searched recursively for ``*.yml`` / ``*.yaml``.
Person key ``ocd_person:{id}`` (the Open Civic Data person id). Identifiers: ocd_person, plus each
``other_identifiers`` entry under its own scheme and each ``ids`` entry (twitter, ...).
Terms: one per ``roles`` entry. body = the jurisdiction's place and the chamber, e.g.
"CA lower chamber" (state legislature), "Richmond, CA" (a municipality, office "Mayor");
party = the party membership current at the role's start (else the person's last party).
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.vote_records import IDENTIFIER_COLUMNS, PEOPLE_COLUMNS, TERM_COLUMNS, frame, read_text, take_record

_OFFICES = {"upper": "Member (upper chamber)", "lower": "Member (lower chamber)", "legislature": "Member"}
_CHAMBERS = {"upper": "upper chamber", "lower": "lower chamber", "legislature": "legislature"}


def jurisdiction_body(jurisdiction: str | None, role_type: str | None) -> str | None:
    """"ocd-jurisdiction/country:us/state:ca/government" + "lower" -> "CA lower chamber";
    ".../state:ca/place:richmond/government" + "mayor" -> "Richmond, CA"."""
    if not jurisdiction:
        return None
    parts = dict(re.findall(r"(\w+):([^/]+)", jurisdiction))
    state = parts.get("state", "").upper()
    place = parts.get("place") or parts.get("county")
    if place:
        where = place.replace("_", " ").replace("~", " ").title() + (f", {state}" if state else "")
        return where
    where = state or parts.get("country", "").upper()
    return f"{where} {_CHAMBERS.get(role_type, 'government')}".strip()


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _party_on(parties: list[dict], when: date | None) -> str | None:
    for party in parties:
        start, end = _as_date(party.get("start_date")), _as_date(party.get("end_date"))
        if when and (start is None or start <= when) and (end is None or when <= end):
            return party.get("name")
    return parties[-1].get("name") if parties else None


@register
class OpenStatesPeopleParser(Parser):
    name = "openstates-yaml"
    kind = "people"
    label = "Open States people YAML (one file or a directory of .yml)"
    extensions = (".yml", ".yaml")

    def sniff(self, head: bytes, path: Path) -> bool:
        return b"ocd-person/" in head and (b"roles:" in head or b"\nname:" in head)

    def parse(self, path: Path, **options):
        """One batch for all files: a person per file, its ids and one term per role."""
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))
            if not files:
                raise FormatError(path, "no .yml or .yaml files in this directory")
        else:
            files = [path]
        people, identifiers, terms, errors = [], [], [], []
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        for file in files:
            text = read_text(file)
            try:
                person = yaml.load(text, Loader=loader)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                error = FormatError(file, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                    line=mark.line + 1 if mark else None)
                if len(files) == 1:
                    raise error from None
                errors.append(RowError(error.line, None, str(error), None))
                continue
            if not isinstance(person, dict) or not str(person.get("id", "")).startswith("ocd-person/"):
                message = f"{file.name}: not an Open States person (no 'id: ocd-person/...')"
                if len(files) == 1:
                    raise FormatError(file, "not an Open States person file: no 'id: ocd-person/...'", line=1, field="id")
                errors.append(RowError(1, "id", message, None))
                continue
            def build(person=person, file=file):
                if not isinstance(person.get("name"), str) or not person["name"].strip():
                    errors.append(RowError(1, "name", f"{file.name}: person without a name", None))
                    return None
                key = f"ocd_person:{person['id']}"
                parties = person.get("party") or []
                given, family = person.get("given_name"), person.get("family_name")
                row = {
                    "person_key": key, "name": person.get("name"),
                    "sort_name": f"{family}, {given}" if family and given else person.get("name"),
                    "given_name": given, "family_name": family,
                    "party": parties[-1].get("name") if parties else None, "line": 1,
                }
                ids = [{"person_key": key, "scheme": "ocd_person", "value": person["id"]}]
                ids += [{"person_key": key, "scheme": other.get("scheme") or "other", "value": str(other["identifier"])}
                        for other in person.get("other_identifiers") or [] if other.get("identifier")]
                ids += [{"person_key": key, "scheme": scheme, "value": str(value)}
                        for scheme, value in (person.get("ids") or {}).items() if value]
                roles = []
                for role in person.get("roles") or []:
                    start = _as_date(role.get("start_date"))
                    role_type = role.get("type")
                    roles.append({
                        "person_key": key, "body": jurisdiction_body(role.get("jurisdiction"), role_type),
                        "office": role.get("title") or _OFFICES.get(role_type) or (role_type or "").replace("_", " ").title() or None,
                        "district": str(role["district"]) if role.get("district") is not None else None,
                        "party": _party_on(parties, start), "start_on": start, "end_on": _as_date(role.get("end_date")),
                    })
                return [row], ids, roles

            if not take_record(build, (people, identifiers, terms), errors, 1, f"{file.name}: person", None) and len(files) == 1:
                error = errors[-1]
                raise FormatError(file, error.message.split(": ", 1)[1], line=error.line, field=error.field)
        yield Batch(tables={"people": frame(PEOPLE_COLUMNS, people), "identifiers": frame(IDENTIFIER_COLUMNS, identifiers),
                            "terms": frame(TERM_COLUMNS, terms)},
                    errors=errors, read=len(files), progress=1.0)
