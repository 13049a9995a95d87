"""``data.json`` vote files written by the unitedstates/congress scraper
(data/{congress}/votes/{year}/{h|s}{number}/data.json).

``votes`` maps each label as filed ("Yea", "Nay", "Aye", "No", "Present", "Not Voting", or a
candidate's name in a Speaker election) to a list of voters; a House voter's ``id`` is the bioguide
id, a Senate voter's the LIS id, and the Vice President appears as the bare string "VP".
The scraper gives ``session`` as a year; session number = year - (1789 + 2*(congress-1)) + 1, so a
vote gets the same ``source_id`` as from the Clerk/LIS XML (``us-house-119-1-240``).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.vote_records import (
    drop_anonymous_voters,
    HOUSE, POSITION_COLUMNS, ROLL_CALL_COLUMNS, SENATE, add_review, as_int, clean, congress_session,
    flag_unknown_labels, frame, line_numbers, map_positions, mapping, nested_field, parse_json, voter_keys,
)

# Bill types written the way each chamber's own XML writes them, so motions match across formats.
_HOUSE_BILL = {"hr": "H R", "hres": "H RES", "hjres": "H J RES", "hconres": "H CON RES",
               "s": "S", "sres": "S RES", "sjres": "S J RES", "sconres": "S CON RES"}
_SENATE_BILL = {"hr": "H.R.", "hres": "H.Res.", "hjres": "H.J.Res.", "hconres": "H.Con.Res.",
                "s": "S.", "sres": "S.Res.", "sjres": "S.J.Res.", "sconres": "S.Con.Res."}
_REQUIRED = {"data.json": ("vote_id", "chamber", "congress", "number", "date", "votes")}


def bill_motion(bill: dict | None, chamber: str) -> str | None:
    """{"type": "hr", "number": 3424} -> "H R 3424" (House) / "H.R. 3424" (Senate)."""
    if not isinstance(bill, dict) or not isinstance(bill.get("type"), str) or not bill["type"]:
        return None
    names = _HOUSE_BILL if chamber == "h" else _SENATE_BILL
    return f"{names.get(bill['type'], bill['type'].upper())} {bill.get('number')}"


@register
class CongressJsonParser(Parser):
    name = "congress-json"
    kind = "votes"
    label = "unitedstates/congress vote data.json"
    extensions = (".json",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return b'"vote_id"' in head and b'"votes"' in head and b'"chamber"' in head

    def parse(self, path: Path, **options):
        """One batch: the roll call and one position per voter listed under each label."""
        path = Path(path)
        data, text = parse_json(path)
        if not isinstance(data, dict):
            raise FormatError(path, "expected a JSON object with vote_id, chamber, votes")
        missing = [k for k in _REQUIRED["data.json"] if k not in data]
        if missing:
            raise FormatError(path, f"missing required field(s): {', '.join(missing)}", field=missing[0])
        chamber = data["chamber"]
        if chamber not in ("h", "s"):
            raise FormatError(path, f"chamber must be 'h' or 's', not {chamber!r}", field="chamber")
        congress, number = as_int(data["congress"]), as_int(data["number"])
        if congress is None or number is None:
            raise FormatError(path, "congress and number must be whole numbers", field="congress" if congress is None else "number")
        try:
            voted_on = date.fromisoformat(str(data["date"])[:10])
        except ValueError:
            raise FormatError(path, f"date {data['date']!r} is not an ISO date", field="date") from None
        year = as_int(data.get("session")) or voted_on.year
        session = congress_session(congress, year) if year > 1000 else year
        source_id = f"us-{'house' if chamber == 'h' else 'senate'}-{congress}-{session}-{number}"
        scheme = "bioguide" if chamber == "h" else "lis"

        columns = {k: [] for k in ("voter_id", "voter_name", "raw_label", "party", "state")}
        errors: list[RowError] = []
        if data["votes"] and not isinstance(data["votes"], dict):
            raise FormatError(path, "votes must be an object of vote labels, each a list of voters", field="votes")
        for label, voters in (data["votes"] or {}).items():
            if not isinstance(voters, list):
                errors.append(RowError(None, "votes", f"the voters under {label!r} are not a list", str(voters)[:200]))
                continue
            for voter in voters:
                if isinstance(voter, dict):
                    names = [x for x in (voter.get("first_name"), voter.get("last_name")) if x]
                    full = " ".join(names) if all(isinstance(x, str) for x in names) else None
                    row = {"voter_id": voter.get("id"), "voter_name": full or voter.get("display_name"),
                           "party": voter.get("party"), "state": voter.get("state")}
                else:  # "VP": the Vice President breaking a tie
                    row = {"voter_id": None, "voter_name": "Vice President" if voter == "VP" else str(voter),
                           "party": None, "state": None}
                bad = nested_field(row)
                if bad:
                    errors.append(RowError(None, bad, f"a voter under {label!r} has a list or object as {bad}", str(voter)[:200]))
                    continue
                for name, value in row.items():
                    columns[name].append(value)
                columns["raw_label"].append(label)
        count = len(columns["voter_id"])
        lines = line_numbers(text, r'"display_name"\s*:', count)
        positions = frame(POSITION_COLUMNS, {"roll_call_source_id": [source_id] * count, **columns, "line": lines})
        positions["voter_id"] = positions["voter_id"].map(clean)
        positions["voter_key"], positions["voter_scheme"] = voter_keys(scheme, positions["voter_id"], positions["voter_name"])
        positions = drop_anonymous_voters(positions, errors, path.name)
        positions["position"] = map_positions(positions["raw_label"])
        counts = positions["position"].value_counts()
        fields = {k: data.get(k) for k in ("type", "question", "subject", "result", "requires", "source_url")}
        bad = nested_field(fields)
        if bad:
            raise FormatError(path, f"{bad} is a list or an object, not text", field=bad)
        question = clean(data.get("type")) or clean(data.get("question"))
        title = mapping(data.get("bill")).get("title")
        roll_call = {
            "source_id": source_id, "body": HOUSE if chamber == "h" else SENATE, "voted_on": voted_on,
            "motion": bill_motion(data.get("bill"), chamber),
            "title": (clean(title) if isinstance(title, str) else None) or clean(data.get("subject")),
            "question": question, "result": clean(data.get("result")),
            "required_majority": clean(data.get("requires")),
            "yes_count": int(counts.get("yes", 0)), "no_count": int(counts.get("no", 0)),
            "other_count": int(count - counts.get("yes", 0) - counts.get("no", 0)),
            "source_url": clean(data.get("source_url")), "needs_review": False, "review_note": None,
            "line": 1,
        }
        roll_calls = frame(ROLL_CALL_COLUMNS, [roll_call])
        notes: list[str] = []
        if question and "election of the speaker" in question.lower():
            add_review(roll_calls, roll_calls.index == 0,
                       "Election of the Speaker: votes are candidate names, recorded as unknown")
        if count == 0:
            notes.append(f"roll call {source_id}: no per-member votes in the file (voice vote?)")
        flag_unknown_labels(roll_calls, positions, notes)
        yield Batch(tables={"roll_calls": roll_calls, "positions": positions[POSITION_COLUMNS]},
                    errors=errors, read=count + 1, progress=1.0, notes=notes)
