"""unitedstates/congress-legislators rosters: ``legislators-*.csv`` and ``legislators-*.yaml``.

Person key ``bioguide:{id}``. Identifiers: one row per id the file gives (bioguide, lis, icpsr,
fec_candidate — one row per FEC id —, govtrack, opensecrets, thomas, votesmart, cspan, wikidata,
wikipedia, ballotpedia, ...). Terms: the YAML lists every term with start and end dates; the CSV
has only the current (or, for historical files, the last) term and no dates, so its term rows
have start_on/end_on None and a note says so.
"""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.vote_records import (
    HOUSE, IDENTIFIER_COLUMNS, PEOPLE_COLUMNS, SENATE, TERM_COLUMNS, clean, csv_record_lines, frame, read_text,
    take_record,
)

REQUIRED_CSV_COLUMNS = ("last_name", "first_name", "full_name", "type", "state", "district", "party", "bioguide_id")
# CSV column -> identifier scheme.
CSV_ID_COLUMNS = {
    "bioguide_id": "bioguide", "lis_id": "lis", "icpsr_id": "icpsr", "fec_ids": "fec_candidate",
    "govtrack_id": "govtrack", "opensecrets_id": "opensecrets", "thomas_id": "thomas",
    "votesmart_id": "votesmart", "cspan_id": "cspan", "wikipedia_id": "wikipedia",
    "ballotpedia_id": "ballotpedia", "washington_post_id": "washington_post",
}
# YAML id key -> identifier scheme (others are kept under their own name).
YAML_SCHEMES = {"fec": "fec_candidate"}
_BODY = {"sen": SENATE, "rep": HOUSE}
_OFFICE = {"sen": "Senator", "rep": "Representative"}


def district_label(term_type: str | None, state: str | None, district) -> str | None:
    """Senate seat -> "VT"; House district -> "CA-16" ("VT-0" for an at-large seat)."""
    if not state:
        return None
    if term_type == "rep" and district not in (None, ""):
        try:
            return f"{state}-{int(float(district))}"
        except (ValueError, OverflowError):  # "AL", or 1e308
            return f"{state}-{district}"
    return state


def _sort_name(first, last, suffix=None) -> str | None:
    if not last:
        return first
    return f"{last}, {first}" + (f", {suffix}" if suffix else "") if first else last


@register
class CongressLegislatorsCsvParser(Parser):
    name = "congress-legislators-csv"
    kind = "people"
    label = "congress-legislators CSV (legislators-current.csv / legislators-historical.csv)"
    extensions = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        first = head.split(b"\n", 1)[0]
        return b"bioguide_id" in first and b"last_name" in first

    def parse(self, path: Path, **options):
        """One batch of people, identifiers and (undated) current terms."""
        path = Path(path)
        text = read_text(path)
        try:
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (ValueError, pd.errors.ParserError) as error:  # e.g. "Expected 36 fields in line 24, saw 39"
            line = re.search(r"line (\d+)", str(error))
            raise FormatError(path, f"not a well-formed CSV file: {str(error).strip()}",
                              line=int(line[1]) if line else None) from None
        if not isinstance(df.index, pd.RangeIndex):  # values would shift to the wrong columns
            raise FormatError(path, "the first row has more fields than the header", line=2)
        missing = [c for c in REQUIRED_CSV_COLUMNS if c not in df.columns]
        if missing:
            raise FormatError(path, f"missing required column(s): {', '.join(missing)}", line=1, field=missing[0])
        df = df.astype(object).map(lambda v: v.strip() or None)
        df = df.astype(object).where(df.notna(), None)  # blanks are None, never NaN
        df["line"] = csv_record_lines(text, path, len(df))  # quoted fields may span lines
        errors = [RowError(int(line), "bioguide_id", "row without bioguide_id", None)
                  for line in df.loc[df["bioguide_id"].isna(), "line"]]
        df = df[df["bioguide_id"].notna()]
        key = "bioguide:" + df["bioguide_id"]
        people = frame(PEOPLE_COLUMNS, {
            "person_key": key, "name": df["full_name"].where(df["full_name"].notna(), df["first_name"] + " " + df["last_name"]),
            "sort_name": [_sort_name(f, l, s) for f, l, s in zip(df["first_name"], df["last_name"], df["suffix"] if "suffix" in df else [None] * len(df))],
            "given_name": df["first_name"], "family_name": df["last_name"], "party": df["party"], "line": df["line"],
        })
        id_frames = []
        for column, scheme in CSV_ID_COLUMNS.items():
            if column not in df.columns:
                continue
            values = df[column].str.split(",") if column == "fec_ids" else df[column].map(lambda v: [v])
            ids = pd.DataFrame({"person_key": key, "value": values}).explode("value")
            ids["value"] = ids["value"].map(clean)
            ids = ids[ids["value"].notna()]
            ids["scheme"] = scheme
            id_frames.append(ids)
        identifiers = frame(IDENTIFIER_COLUMNS, pd.concat(id_frames, ignore_index=True).to_dict("list"))
        terms = frame(TERM_COLUMNS, {
            "person_key": key, "body": df["type"].map(_BODY), "office": df["type"].map(_OFFICE),
            "district": [district_label(t, s, d) for t, s, d in zip(df["type"], df["state"], df["district"])],
            "party": df["party"],
        })
        notes = ["congress-legislators CSV has no term dates: terms are recorded without start/end "
                 "(import the YAML for dated terms)"]
        yield Batch(tables={"people": people, "identifiers": identifiers, "terms": terms},
                    errors=errors, read=len(df) + len(errors), progress=1.0, notes=notes)


@register
class CongressLegislatorsYamlParser(Parser):
    name = "congress-legislators-yaml"
    kind = "people"
    label = "congress-legislators YAML (legislators-current.yaml / legislators-historical.yaml)"
    extensions = (".yaml", ".yml")

    def sniff(self, head: bytes, path: Path) -> bool:
        return head.lstrip().startswith(b"- id:") and b"bioguide:" in head

    def parse(self, path: Path, **options):
        """One batch: a person per list item, every id, every dated term."""
        path = Path(path)
        text = read_text(path)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            data = yaml.load(text, Loader=loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise FormatError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                              line=mark.line + 1 if mark else None) from None
        if not isinstance(data, list):
            raise FormatError(path, "expected a YAML list of legislators (each item starting '- id:')")
        item_lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"(?m)^- ", text)]
        if len(item_lines) != len(data):
            item_lines = [None] * len(data)
        people, identifiers, terms, errors = [], [], [], []
        for item, line in zip(data, item_lines):
            def build(item=item, line=line):
                ids = (item or {}).get("id") or {}
                bioguide = ids.get("bioguide")
                if not bioguide or not isinstance(bioguide, str):
                    errors.append(RowError(line, "id.bioguide", "legislator without a bioguide id", str(item)[:200]))
                    return None
                key = f"bioguide:{bioguide}"
                name = item.get("name") or {}
                item_terms = item.get("terms") or []
                last_party = item_terms[-1].get("party") if item_terms else None
                first, last = name.get("first"), name.get("last")
                person = {
                    "person_key": key,
                    "name": name.get("official_full") or " ".join(x for x in (name.get("nickname") or first, last) if x),
                    "sort_name": _sort_name(first, last, name.get("suffix")), "given_name": first,
                    "family_name": last, "party": last_party, "line": line,
                }
                if not person["name"]:
                    errors.append(RowError(line, "name", f"legislator {bioguide} without a name", str(item)[:200]))
                    return None
                person_ids = [{"person_key": key, "scheme": YAML_SCHEMES.get(scheme, scheme), "value": str(single)}
                              for scheme, value in ids.items()
                              for single in (value if isinstance(value, list) else [value]) if single not in (None, "")]
                person_terms = [{
                    "person_key": key, "body": _BODY.get(term.get("type")), "office": _OFFICE.get(term.get("type")),
                    "district": district_label(term.get("type"), term.get("state"), term.get("district")),
                    "party": term.get("party"), "start_on": _as_date(term.get("start")), "end_on": _as_date(term.get("end")),
                } for term in item_terms]
                return [person], person_ids, person_terms

            take_record(build, (people, identifiers, terms), errors, line, "legislator", str(item)[:200])
        yield Batch(tables={"people": frame(PEOPLE_COLUMNS, people), "identifiers": frame(IDENTIFIER_COLUMNS, identifiers),
                            "terms": frame(TERM_COLUMNS, terms)},
                    errors=errors, read=len(data), progress=1.0)


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
