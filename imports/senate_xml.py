"""U.S. Senate LIS roll-call vote XML (senate.gov/legislative/LIS/roll_call_votes/vote{C}{S}/
vote_{C}_{S}_{NNNNN}.xml), one vote per file.

Root ``<roll_call_vote>``; one ``members/member`` per senator with ``lis_member_id`` (voter_key
``lis:S213``) and ``vote_cast`` (Yea, Nay, Present, "Present, Giving Live Pair" -> paired,
Not Voting; Guilty / Not Guilty on impeachment articles). A Vice-President tie-breaking vote is
reported in a note (it has no member row).
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.vote_records import (
    drop_anonymous_voters,
    POSITION_COLUMNS, ROLL_CALL_COLUMNS, SENATE, add_review, as_int, clean, flag_unknown_labels, frame,
    line_numbers, map_positions, parse_xml, voter_keys,
)


def parse_senate_date(raw: str | None):
    """"November 17, 2004,  05:48 PM" -> date(2004, 11, 17)."""
    if not raw:
        return None
    match = re.match(r"\s*([A-Za-z]+ \d{1,2}, \d{4})", raw)
    return datetime.strptime(match.group(1), "%B %d, %Y").date() if match else None


@register
class SenateXmlParser(Parser):
    name = "senate-xml"
    kind = "votes"
    label = "U.S. Senate LIS roll-call vote XML"
    extensions = (".xml",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return b"<roll_call_vote" in head

    def parse(self, path: Path, **options):
        """One batch: the roll call and one position per senator (voter_key lis:...)."""
        path = Path(path)
        root = parse_xml(path, "roll_call_vote")
        text = path.read_bytes().decode("utf-8", errors="replace")

        def get(tag):
            return clean(root.findtext(tag))

        congress, session, number = as_int(get("congress")), as_int(get("session")), as_int(get("vote_number"))
        if None in (congress, session, number):
            raise FormatError(path, "missing <congress>, <session> or <vote_number>", field="vote_number")
        source_id = f"us-senate-{congress}-{session}-{number}"
        present, absent = as_int(get("count/present")), as_int(get("count/absent"))
        roll_call = {
            "source_id": source_id, "body": SENATE, "voted_on": parse_senate_date(get("vote_date")),
            "motion": get("document/document_name") or get("vote_title"),
            "title": get("document/document_title") or get("vote_document_text"),
            "question": get("question") or get("vote_question_text"),
            "result": get("vote_result") or get("vote_result_text"),
            "required_majority": get("majority_requirement"),
            "yes_count": as_int(get("count/yeas")), "no_count": as_int(get("count/nays")),
            "other_count": None if present is None and absent is None else (present or 0) + (absent or 0),
            "source_url": "https://www.senate.gov/legislative/LIS/roll_call_votes/"
                          f"vote{congress}{session}/vote_{congress}_{session}_{number:05d}.xml",
            "needs_review": False, "review_note": None, "line": 1,
        }
        columns = {k: [] for k in ("voter_id", "voter_name", "raw_label", "party", "state")}
        for member in root.iterfind("members/member"):
            columns["voter_id"].append(member.findtext("lis_member_id"))
            first, last = clean(member.findtext("first_name")), clean(member.findtext("last_name"))
            columns["voter_name"].append(" ".join(x for x in (first, last) if x) or clean(member.findtext("member_full")))
            columns["raw_label"].append(clean(member.findtext("vote_cast")))
            columns["party"].append(clean(member.findtext("party")))
            columns["state"].append(clean(member.findtext("state")))
        count = len(columns["voter_id"])
        positions = frame(POSITION_COLUMNS, {
            "roll_call_source_id": [source_id] * count, **columns,
            "line": line_numbers(text, r"<member>", count),
        })
        positions["voter_id"] = positions["voter_id"].map(clean)
        positions["voter_key"], positions["voter_scheme"] = voter_keys("lis", positions["voter_id"], positions["voter_name"])
        errors: list[RowError] = []
        positions = drop_anonymous_voters(positions, errors, path.name)
        positions["position"] = map_positions(positions["raw_label"])

        roll_calls = frame(ROLL_CALL_COLUMNS, [roll_call])
        notes: list[str] = []
        tie_vote, by_whom = get("tie_breaker/tie_breaker_vote"), get("tie_breaker/by_whom")
        if tie_vote:
            notes.append(f"roll call {source_id}: tie broken by {by_whom or 'the Vice President'} ({tie_vote})")
        if "vacated" in (get("vote_result_text") or "").lower():
            add_review(roll_calls, roll_calls.index == 0, "this vote was vacated")
        if positions.empty:
            notes.append(f"roll call {source_id}: no per-member votes in the file (voice vote?)")
        flag_unknown_labels(roll_calls, positions, notes)
        yield Batch(tables={"roll_calls": roll_calls, "positions": positions[POSITION_COLUMNS]},
                    errors=errors, read=count + 1, progress=1.0, notes=notes)
