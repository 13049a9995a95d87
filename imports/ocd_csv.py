"""Open States / Open Civic Data bulk CSV export of votes (one session's zip, unpacked).

Files looked for (same ``{prefix}``, e.g. ``CA_20252026``, in one folder):
- ``{prefix}_votes.csv`` (required): ``id, identifier, motion_text, motion_classification,
  start_date, result, organization_id, organization_classification, bill_id, bill_identifier, ...``
  (required columns: id, motion_text, start_date, result);
- ``{prefix}_vote_people.csv`` (required): ``id, vote_event_id, option, voter_name, voter_id, note``
  (required columns: vote_event_id, option, voter_name);
- ``{prefix}_vote_counts.csv`` (optional): ``id, vote_event_id, option, value`` -> yes/no/other counts;
- ``{prefix}_bills.csv`` (optional): ``id, identifier, title, ...`` -> motion and title when the
  votes file has no ``bill_identifier``.
PATH is the folder or any one of these files. The roll call ``source_id`` is the vote event id
(``ocd-vote/...``); a voter with a ``voter_id`` is ``ocd_person:ocd-person/...``. OCD options
yes/no/absent/abstain/not voting/paired/excused map through METHOD.md §2; ``other`` is unknown and
flags the roll call. A vote event without vote_people rows (voice vote) is kept with a note.
Lines of ``positions`` refer to the vote_people file, of ``roll_calls`` to the votes file.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from imports.base import Batch, Parser, RowError, register
from imports.vote_records import (
    drop_anonymous_voters,
    POSITION_COLUMNS, ROLL_CALL_COLUMNS, csv_record_lines, find_sibling, flag_unknown_labels, frame,
    map_positions, read_csv_checked, read_text, voter_keys,
)

SUFFIXES = ("_votes.csv", "_vote_people.csv", "_vote_counts.csv", "_bills.csv")
VOTES_REQUIRED = ("id", "motion_text", "start_date", "result")
PEOPLE_REQUIRED = ("vote_event_id", "option", "voter_name")


def _date(raw) -> date | None:
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def _optional_sibling(path: Path, suffix: str) -> Path | None:
    try:
        return find_sibling(path, suffix, SUFFIXES, suffix)
    except Exception:  # an optional file: absent is fine
        return None


@register
class OcdCsvParser(Parser):
    name = "ocd-csv"
    kind = "votes"
    label = "Open States bulk CSV (votes + vote_people [+ vote_counts, bills])"
    extensions = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        first = head.split(b"\n", 1)[0]
        return (b"motion_text" in first and b"start_date" in first) or (b"vote_event_id" in first and b"voter_name" in first)

    def parse(self, path: Path, **options):
        """One batch: every vote event of the votes file and every vote_people row."""
        path = Path(path)
        votes_path = find_sibling(path, "_votes.csv", SUFFIXES, "Open States votes")
        people_path = find_sibling(path, "_vote_people.csv", SUFFIXES, "Open States vote_people")
        votes = read_csv_checked(votes_path, VOTES_REQUIRED, "Open States votes", dtype=str, keep_default_na=False)
        votes["line"] = csv_record_lines(read_text(votes_path), votes_path, len(votes))
        people = read_csv_checked(people_path, PEOPLE_REQUIRED, "Open States vote_people", dtype=str, keep_default_na=False)
        people["line"] = people.index + 2  # one record per line in Open States exports
        votes = votes.astype(object).where(votes != "", None)
        people = people.astype(object).where(people != "", None)
        errors: list[RowError] = []
        notes: list[str] = []

        bad = votes["id"].isna()
        errors += [RowError(int(line), "id", f"{votes_path.name}: vote event without id") for line in votes.loc[bad, "line"]]
        votes = votes[~bad]
        motion = votes["bill_identifier"] if "bill_identifier" in votes else pd.Series(None, index=votes.index, dtype=object)
        title = pd.Series(None, index=votes.index, dtype=object)
        bills_path = _optional_sibling(path, "_bills.csv")
        if bills_path is not None and "bill_id" in votes:
            bills = read_csv_checked(bills_path, ("id", "identifier"), "Open States bills", dtype=str, keep_default_na=False)
            by_id = bills.set_index("id")
            motion = motion.where(motion.notna(), votes["bill_id"].map(by_id["identifier"]))
            if "title" in by_id:
                title = votes["bill_id"].map(by_id["title"]).astype(object)
        body = votes.get("organization_classification", pd.Series(None, index=votes.index, dtype=object))
        if "jurisdiction" in votes:
            body = (votes["jurisdiction"].fillna("") + " " + body.fillna("")).str.strip().replace("", None)
        roll_calls = frame(ROLL_CALL_COLUMNS, {
            "source_id": votes["id"], "body": body, "voted_on": votes["start_date"].map(_date),
            "motion": motion, "title": title, "question": votes["motion_text"], "result": votes["result"],
            "needs_review": False, "line": votes["line"],
        })

        bad = people["vote_event_id"].isna() | ~people["vote_event_id"].isin(set(votes["id"]))
        for line, event in zip(people.loc[bad, "line"], people.loc[bad, "vote_event_id"]):
            errors.append(RowError(int(line), "vote_event_id",
                                   f"{people_path.name}: vote_event_id {event!r} is not in {votes_path.name}"))
        people = people[~bad]
        positions = frame(POSITION_COLUMNS, {
            "roll_call_source_id": people["vote_event_id"], "voter_name": people["voter_name"],
            "voter_id": people["voter_id"] if "voter_id" in people else None,
            "raw_label": people["option"], "line": people["line"],
        })
        positions["voter_key"], positions["voter_scheme"] = voter_keys("ocd_person", positions["voter_id"], positions["voter_name"])
        positions = drop_anonymous_voters(positions, errors, people_path.name)
        positions["position"] = map_positions(positions["raw_label"])

        counts_path = _optional_sibling(path, "_vote_counts.csv")
        if counts_path is not None:
            counts = read_csv_checked(counts_path, ("vote_event_id", "option", "value"), "Open States vote_counts")
            table = counts.pivot_table(index="vote_event_id", columns="option", values="value", aggfunc="sum")
            yes = table["yes"] if "yes" in table else None
            no = table["no"] if "no" in table else None
            other = table.drop(columns=[c for c in ("yes", "no") if c in table]).sum(axis=1)
            for column, series in (("yes_count", yes), ("no_count", no), ("other_count", other)):
                if series is not None:
                    mapped = roll_calls["source_id"].map(series)
                    roll_calls[column] = pd.Series([None if pd.isna(v) else int(v) for v in mapped],
                                                   index=roll_calls.index, dtype=object)
        voiced = ~roll_calls["source_id"].isin(set(positions["roll_call_source_id"]))
        for source_id in roll_calls.loc[voiced, "source_id"]:
            notes.append(f"roll call {source_id}: no per-person votes (voice vote)")
        flag_unknown_labels(roll_calls, positions, notes)
        yield Batch(tables={"roll_calls": roll_calls, "positions": positions[POSITION_COLUMNS]},
                    errors=errors, read=len(votes) + len(people) + len(errors), progress=1.0, notes=notes)
