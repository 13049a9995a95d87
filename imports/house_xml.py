"""U.S. House Clerk roll-call XML (clerk.house.gov/evs/{year}/roll{NNN}.xml), one vote per file.

Root ``<rollcall-vote>``; metadata in ``vote-metadata``; one ``vote-data/recorded-vote`` per
member (``legislator/@name-id`` = bioguide id, ``vote`` = Yea/Nay/Aye/No/Present/Not Voting).
Special cases (METHOD.md §2): on "Election of the Speaker" the votes are candidate names, which
become ``unknown`` (never guessed) and the roll call needs review; a vacated vote ("This vote was
vacated") is kept with needs_review and a note.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.vote_records import (
    drop_anonymous_voters,
    HOUSE, POSITION_COLUMNS, ROLL_CALL_COLUMNS, add_review, as_int, clean, flag_unknown_labels, frame,
    line_numbers, map_positions, parse_xml, voter_keys,
)

_SESSIONS = {"1st": 1, "2nd": 2, "3rd": 3, "1": 1, "2": 2}


def required_majority(vote_type: str | None, question: str | None) -> str | None:
    """"2/3 YEA-AND-NAY" -> "2/3"; plain YEA-AND-NAY / RECORDED VOTE -> "1/2"; quorum calls and
    Speaker elections -> None (no majority decides them)."""
    vote_type = vote_type or ""
    fraction = re.match(r"\s*(\d/\d)", vote_type)
    if fraction:
        return fraction.group(1)
    if "QUORUM" in vote_type.upper() or "speaker" in (question or "").lower():
        return None
    return "1/2" if vote_type else None


@register
class HouseXmlParser(Parser):
    name = "house-xml"
    kind = "votes"
    label = "U.S. House Clerk roll-call XML"
    extensions = (".xml",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return b"<rollcall-vote" in head

    def parse(self, path: Path, **options):
        """One batch: the roll call and its recorded votes (voter_key bioguide:...)."""
        path = Path(path)
        root = parse_xml(path, "rollcall-vote")
        text = path.read_bytes().decode("utf-8", errors="replace")
        meta = root.find("vote-metadata")
        if meta is None:
            raise FormatError(path, "no <vote-metadata> element", field="vote-metadata")

        def meta_text(tag):
            return clean(meta.findtext(tag))

        congress = as_int(meta_text("congress"))
        session = _SESSIONS.get(meta_text("session") or "", None)
        number = as_int(meta_text("rollcall-num"))
        if None in (congress, session, number):
            raise FormatError(path, "missing or unreadable <congress>, <session> or <rollcall-num>", field="rollcall-num")
        action_date = meta_text("action-date")
        try:
            voted_on = datetime.strptime(action_date, "%d-%b-%Y").date() if action_date else None
        except ValueError:
            raise FormatError(path, f"action-date {action_date!r} is not like 8-Sep-2025", field="action-date") from None
        question = meta_text("vote-question")
        source_id = f"us-house-{congress}-{session}-{number}"
        totals = meta.find("vote-totals/totals-by-vote")

        def total(tag):
            return as_int(totals.findtext(tag)) if totals is not None else None

        present, not_voting = total("present-total"), total("not-voting-total")
        other = None if present is None and not_voting is None else (present or 0) + (not_voting or 0)
        roll_call = {
            "source_id": source_id, "body": meta_text("chamber") or HOUSE, "voted_on": voted_on,
            "motion": meta_text("legis-num"), "title": meta_text("vote-desc"), "question": question,
            "result": meta_text("vote-result"),
            "required_majority": required_majority(meta_text("vote-type"), question),
            "yes_count": total("yea-total"), "no_count": total("nay-total"), "other_count": other,
            "source_url": f"https://clerk.house.gov/evs/{voted_on.year}/roll{number:03d}.xml"
            if voted_on and number is not None else None,
            "needs_review": False, "review_note": None,
            "line": line_numbers(text, r"<rollcall-vote[\s>]", 1)[0],
        }

        # Column-wise collection: one pass over the elements, lists per column.
        ids, names, labels, parties, states = [], [], [], [], []
        for record in root.iterfind("vote-data/recorded-vote"):
            legislator = record.find("legislator")
            attrs = legislator.attrib if legislator is not None else {}
            ids.append(attrs.get("name-id"))
            names.append(clean(legislator.text) if legislator is not None else None)
            labels.append(record.findtext("vote"))
            parties.append(attrs.get("party"))
            states.append(attrs.get("state"))
        positions = frame(POSITION_COLUMNS, {
            "roll_call_source_id": [source_id] * len(ids), "voter_name": names, "voter_id": ids,
            "raw_label": labels, "party": parties, "state": states,
            "line": line_numbers(text, r"<recorded-vote[\s>]", len(ids)),
        })
        positions["voter_key"], positions["voter_scheme"] = voter_keys("bioguide", positions["voter_id"], positions["voter_name"])
        positions["voter_id"] = positions["voter_id"].map(clean)
        errors: list[RowError] = []
        positions = drop_anonymous_voters(positions, errors, path.name)
        positions["raw_label"] = positions["raw_label"].map(lambda x: x if x is None else x.strip())
        positions["position"] = map_positions(positions["raw_label"])

        roll_calls = frame(ROLL_CALL_COLUMNS, [roll_call])
        notes: list[str] = []
        if question and "speaker" in question.lower() and "election" in question.lower():
            add_review(roll_calls, roll_calls.index == 0,
                       "Election of the Speaker: votes are candidate names, recorded as unknown")
            notes.append(f"roll call {source_id}: Election of the Speaker, candidate names recorded as unknown")
        if "this vote was vacated" in text.lower():
            add_review(roll_calls, roll_calls.index == 0, "this vote was vacated")
            notes.append(f"roll call {source_id}: the Clerk marks this vote as vacated")
        if positions.empty:
            notes.append(f"roll call {source_id}: no per-member votes in the file (voice vote?)")
        flag_unknown_labels(roll_calls, positions, notes)
        yield Batch(tables={"roll_calls": roll_calls, "positions": positions[POSITION_COLUMNS]},
                    errors=errors, read=len(ids) + 1, progress=1.0, notes=notes)
