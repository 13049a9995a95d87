"""Voteview CSV (voteview.com/data): ``*_votes.csv`` + ``*_rollcalls.csv`` + ``*_members.csv``.

Files looked for (same prefix, e.g. ``HSall``, ``H119``, ``S118``, in one folder): PATH is the
folder or any one of ``{prefix}_votes.csv`` (``congress, chamber, rollnumber, icpsr, cast_code,
prob``), ``{prefix}_rollcalls.csv`` (``congress, chamber, rollnumber, date, session,
clerk_rollnumber, yea_count, nay_count, ..., bill_number, vote_result, vote_desc, vote_question,
dtl_desc``) and ``{prefix}_members.csv`` (``congress, chamber, icpsr, state_icpsr, district_code,
state_abbrev, party_code, ..., bioname, bioguide_id, ...``). All three are required.

Roll call ``source_id`` = ``voteview-{house|senate}-{congress}-{rollnumber}``; voter_key =
``icpsr:{icpsr}``. Voteview's cast codes (the raw label, kept as filed, e.g. "6"): 1-3 yea -> yes,
4-6 nay -> no, 7-8 present -> present, 9 not voting -> not_voting; 0 = not a member of the chamber
at the time: the row is left out (eligibility comes from terms, never from a label); any other code
is ``unknown`` and flags the roll call. Built column-wise with pandas (a 1M-row votes file takes
seconds); positions' ``line`` is the line in the votes file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from imports.base import Batch, Parser, RowError, register
from imports.vote_records import (
    POSITION_COLUMNS, ROLL_CALL_COLUMNS, as_int, find_sibling, flag_unknown_labels, frame, read_csv_checked,
)

SUFFIXES = ("_votes.csv", "_rollcalls.csv", "_members.csv")
VOTES_REQUIRED = ("congress", "chamber", "rollnumber", "icpsr", "cast_code")
ROLLCALLS_REQUIRED = ("congress", "chamber", "rollnumber", "date")
MEMBERS_REQUIRED = ("congress", "chamber", "icpsr", "bioname")
CAST_CODES = {
    "1": "yes", "2": "yes", "3": "yes", "4": "no", "5": "no", "6": "no",
    "7": "present", "8": "present", "9": "not_voting",
}
MAX_LISTED_ERRORS = 1000  # a broken 1M-row file should not produce 1M error objects
PARTY_CODES = {100: "Democrat", 200: "Republican", 328: "Independent"}
_CHAMBERS = {"House": "house", "Senate": "senate"}


_CHAMBER_CODES = {"House": 1, "Senate": 2, "President": 3}
_CHAMBER_NAMES = {1: "house", 2: "senate", 3: "president"}


def _chamber_codes(chamber: pd.Series) -> np.ndarray:
    """House -> 1, Senate -> 2, President -> 3, anything else -> 0 (a bad row); per distinct value."""
    codes, uniques = pd.factorize(chamber.astype(object))
    table = np.array([_CHAMBER_CODES.get(str(u).strip(), 0) for u in uniques] + [0], dtype=np.int64)
    return table[codes]  # code -1 (missing) picks the trailing 0


def _labels(column: pd.Series) -> np.ndarray:
    """Cast codes as filed, as text ("1", "12"; blank -> ""), converted once per distinct value."""
    codes, uniques = pd.factorize(column)
    text = [str(int(u)) if isinstance(u, (float, np.floating)) and float(u).is_integer() else str(u).strip()
            for u in uniques]
    return np.array(text + [""], dtype=object)[codes]


def _integers(column: pd.Series) -> pd.Series:
    """The column as nullable integers: non-numeric text becomes missing (reported as a bad row)."""
    if column.dtype.kind in "iu":
        return column.astype("Int64")
    if column.dtype.kind == "f":
        return column.astype("Float64").round().astype("Int64")
    return pd.to_numeric(column.astype(object).map(lambda v: str(v).strip()), errors="coerce").astype("Float64").round().astype("Int64")


def _source_id(key: int) -> str:
    chamber, rest = divmod(key, 1000 * 100_000)
    congress, rollnumber = divmod(rest, 100_000)
    return f"voteview-{_CHAMBER_NAMES.get(chamber, 'unknown')}-{congress}-{rollnumber}"


@register
class VoteviewParser(Parser):
    name = "voteview"
    kind = "votes"
    label = "Voteview CSV (votes + rollcalls + members)"
    extensions = (".csv",)

    def sniff(self, head: bytes, path: Path) -> bool:
        first = head.split(b"\n", 1)[0]
        return first.startswith(b"congress,chamber,") and (
            b"cast_code" in first or b"rollnumber" in first or b"bioname" in first)

    def parse(self, path: Path, **options):
        """One batch: every roll call of the rollcalls file, every vote of the votes file."""
        path = Path(path)
        votes_path = find_sibling(path, "_votes.csv", SUFFIXES, "Voteview votes")
        rollcalls_path = find_sibling(path, "_rollcalls.csv", SUFFIXES, "Voteview rollcalls")
        members_path = find_sibling(path, "_members.csv", SUFFIXES, "Voteview members")
        # pyarrow reads the numeric columns as int64 directly (the file is mostly digits).
        votes = read_csv_checked(votes_path, VOTES_REQUIRED, "Voteview votes", usecols=list(VOTES_REQUIRED),
                                 engine="pyarrow")
        rollcalls = read_csv_checked(rollcalls_path, ROLLCALLS_REQUIRED, "Voteview rollcalls", dtype=str, keep_default_na=False)
        members = read_csv_checked(members_path, MEMBERS_REQUIRED, "Voteview members", dtype=str, keep_default_na=False)
        errors: list[RowError] = []
        notes: list[str] = []
        line = np.arange(2, len(votes) + 2)
        numbers = {c: _integers(votes[c]) for c in ("congress", "rollnumber", "icpsr")}
        chamber = _chamber_codes(votes["chamber"])
        bad = numbers["congress"].isna() | numbers["rollnumber"].isna() | numbers["icpsr"].isna() | (chamber == 0)
        bad = bad.to_numpy()
        for bad_line in line[bad][:MAX_LISTED_ERRORS]:
            errors.append(RowError(int(bad_line), "congress/chamber/rollnumber/icpsr",
                                   f"{votes_path.name}: missing or non-numeric congress, chamber, rollnumber or icpsr"))
        if bad.sum() > MAX_LISTED_ERRORS:
            notes.append(f"{int(bad.sum())} bad rows in {votes_path.name}; the first {MAX_LISTED_ERRORS} are listed")
        cast_text = _labels(votes["cast_code"])
        not_member = cast_text == "0"
        if not_member.any():
            notes.append(f"{int(not_member.sum())} row(s) with cast code 0 (not a member at the time) left out")
        keep = ~bad & ~not_member
        congress = numbers["congress"].to_numpy()[keep].astype(np.int64)
        rollnumber = numbers["rollnumber"].to_numpy()[keep].astype(np.int64)
        icpsr = numbers["icpsr"].to_numpy()[keep].astype(np.int64)
        chamber, cast_codes, line = chamber[keep], cast_text[keep], line[keep]

        rollcalls = rollcalls.astype(object).where(rollcalls != "", None)
        # A congress or roll number out of range is as bad as a missing one (the key is an int64).
        rc_ids = pd.Series([_source_id((c * 1000 + as_int(g)) * 100_000 + as_int(r))
                            if c and 0 <= (as_int(g) if as_int(g) is not None else -1) < 1000
                            and 0 <= (as_int(r) if as_int(r) is not None else -1) < 100_000 else None
                            for c, g, r in zip(_chamber_codes(rollcalls["chamber"]), rollcalls["congress"], rollcalls["rollnumber"])],
                           index=rollcalls.index, dtype=object)
        for bad_line in np.flatnonzero(rc_ids.isna().to_numpy()) + 2:
            errors.append(RowError(int(bad_line), "congress/chamber/rollnumber",
                                   f"{rollcalls_path.name}: missing or non-numeric congress, chamber or rollnumber"))
        rollcalls, rc_ids = rollcalls[rc_ids.notna()], rc_ids[rc_ids.notna()]
        question = rollcalls.get("vote_question")
        roll_calls = frame(ROLL_CALL_COLUMNS, {
            "source_id": rc_ids, "body": rollcalls["chamber"].map({"House": "U.S. House of Representatives", "Senate": "U.S. Senate"}),
            "voted_on": pd.to_datetime(rollcalls["date"], errors="coerce").dt.date.astype(object),
            "motion": rollcalls.get("bill_number"), "title": rollcalls.get("vote_desc") if "vote_desc" in rollcalls else rollcalls.get("dtl_desc"),
            "question": question, "result": rollcalls.get("vote_result"),
            "required_majority": rollcalls.get("majority_requirement"),
            "yes_count": rollcalls["yea_count"].map(as_int) if "yea_count" in rollcalls else None,
            "no_count": rollcalls["nay_count"].map(as_int) if "nay_count" in rollcalls else None,
            "needs_review": False, "line": pd.Series(rollcalls.index + 2, index=rollcalls.index),
        })
        roll_calls["voted_on"] = roll_calls["voted_on"].map(lambda d: None if pd.isna(d) else d)

        # Roll call of each vote: one integer key per (chamber, congress, rollnumber), labels built
        # once per distinct roll call and spread with take() (no string work per row).
        rc_key = (chamber * 1000 + congress) * 100_000 + rollnumber
        rc_codes, rc_uniques = pd.factorize(rc_key)
        rc_labels = np.array([_source_id(int(k)) for k in rc_uniques], dtype=object)
        known = np.isin(rc_labels, roll_calls["source_id"].to_numpy(dtype=object))
        orphan = ~known[rc_codes]
        if orphan.any():
            if orphan.sum() > MAX_LISTED_ERRORS:
                notes.append(f"{int(orphan.sum())} votes on roll calls missing from {rollcalls_path.name}; "
                             f"the first {MAX_LISTED_ERRORS} are listed")
            for bad_line, code in zip(line[orphan][:MAX_LISTED_ERRORS], rc_codes[orphan][:MAX_LISTED_ERRORS]):
                errors.append(RowError(int(bad_line), "rollnumber",
                                       f"{votes_path.name}: roll call {rc_labels[code]} is not in {rollcalls_path.name}"))
            keep = ~orphan
            chamber, congress, rollnumber, icpsr = chamber[keep], congress[keep], rollnumber[keep], icpsr[keep]
            cast_codes, line, rc_codes = cast_codes[keep], line[keep], rc_codes[keep]

        # Member details joined on an integer key (chamber, congress, icpsr).
        members = members.drop_duplicates(["congress", "chamber", "icpsr"])
        member_key = ((_chamber_codes(members["chamber"]).astype(np.int64) * 1000 + _integers(members["congress"]).fillna(0).to_numpy().astype(np.int64))
                      * 10**9 + _integers(members["icpsr"]).fillna(0).to_numpy().astype(np.int64))
        # Rows that are not members (a repeated header line, a row without numbers) share key 0:
        # keep the first of each key so the lookup index is unique.
        unique = ~pd.Index(member_key).duplicated()
        members, member_key = members[unique], member_key[unique]
        where = pd.Index(member_key).get_indexer((chamber * 1000 + congress) * 10**9 + icpsr)
        found = where >= 0

        def member_column(name, convert=None):
            values = members[name].to_numpy(dtype=object) if name in members else np.full(len(members), None, dtype=object)
            values = np.array([(convert(v) if convert else v) or None for v in values], dtype=object)
            out = np.full(len(where), None, dtype=object)
            out[found] = values[where[found]]
            return out

        icpsr_codes, icpsr_uniques = pd.factorize(icpsr)
        label_codes, label_uniques = pd.factorize(cast_codes)
        label_text = np.array([str(v) for v in label_uniques], dtype=object)
        positions = pd.DataFrame({
            "roll_call_source_id": rc_labels[rc_codes],
            "voter_key": np.array([f"icpsr:{v}" for v in icpsr_uniques], dtype=object)[icpsr_codes],
            "voter_name": member_column("bioname"),
            "voter_scheme": np.full(len(icpsr), "icpsr", dtype=object),
            "voter_id": np.array([str(v) for v in icpsr_uniques], dtype=object)[icpsr_codes],
            "raw_label": label_text[label_codes],
            "position": np.array([CAST_CODES.get(t, "unknown") for t in label_text], dtype=object)[label_codes],
            "party": member_column("party_code", lambda v: PARTY_CODES.get(as_int(v), str(v)) if v else None),
            "state": member_column("state_abbrev"),
            "district": member_column("district_code"),
            "line": line.astype(object),
        }, columns=POSITION_COLUMNS, dtype=object)
        flag_unknown_labels(roll_calls, positions, notes)
        yield Batch(tables={"roll_calls": roll_calls, "positions": positions},
                    errors=errors, read=len(votes), progress=1.0, notes=notes)
