"""Legistar Web API JSON (Granicus; city councils): events, event items and their votes.

Accepted shapes (all as the API or a fetcher writes them):
1. a list of events (or one event), each with its items under ``items`` or ``EventItems``, each
   item with its votes under ``Votes`` or ``EventItemVotes`` (what ``legistar_api`` writes and what
   the San José sample holds);
2. a list of event items, each with ``EventItemVotes`` / ``Votes``;
3. the document ``legistar_api.fetch_client_document`` returns: ``{"events": [shape 1...], ...}``;
4. a plain list of Vote objects (``/eventitems/{id}/votes`` results), grouped by ``VoteEventItemId``.

An event item with votes becomes roll call ``legistar-{EventItemId}``; an item with a passed flag
but no vote records becomes a roll call without positions and a note (a voice vote or unanimous
consent). ``VoteValueName`` is client-defined free text: NYC "Affirmative"/"Negative"/"Excused"/
"Conflict" map through METHOD.md §2; anything unrecognised (e.g. "Hold") is ``unknown`` and the
roll call needs review. Voters are ``legistar:{VotePersonId}``.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.vote_records import (
    drop_anonymous_voters,
    POSITION_COLUMNS, ROLL_CALL_COLUMNS, clean, flag_unknown_labels, frame, line_numbers,
    SHAPE_ERRORS, map_positions, nested_field, parse_json, shape_message, voter_keys,
)


def _items_of(event: dict) -> list[dict]:
    items = event.get("items") or event.get("EventItems") or []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _votes_of(item: dict) -> list:
    votes = item.get("Votes") or item.get("EventItemVotes") or []
    return votes if isinstance(votes, list) else []


def _iso_date(raw) -> date | None:
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def _shape(data) -> tuple[list[dict], list[dict]]:
    """(events, loose items) from any accepted shape; loose items carry no event."""
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        data = data["events"]  # the document legistar_api.fetch_client_document writes
    records = data if isinstance(data, list) else [data]
    records = [r for r in records if isinstance(r, dict)]
    if not records:
        return [], []
    first = records[0]
    if "EventId" in first:
        return records, []
    if "EventItemId" in first:
        return [], records
    if "VoteId" in first or "VoteEventItemId" in first:
        by_item: dict = {}
        for vote in records:
            item_id = vote.get("VoteEventItemId")
            by_item.setdefault(item_id if isinstance(item_id, (str, int)) else None, []).append(vote)
        return [], [{"EventItemId": item_id, "Votes": votes} for item_id, votes in by_item.items()]
    raise KeyError(next(iter(first), ""))


@register
class LegistarParser(Parser):
    name = "legistar"
    kind = "votes"
    label = "Legistar Web API JSON (events, event items, votes)"
    extensions = (".json",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return any(k in head for k in (b'"EventId"', b'"EventItemId"', b'"VoteEventItemId"'))

    def parse(self, path: Path, **options):
        """One batch: a roll call per voted (or passed) event item, a position per vote record."""
        path = Path(path)
        data, text = parse_json(path)
        try:
            events, loose_items = _shape(data)
        except KeyError as exc:
            raise FormatError(path, "not Legistar JSON: expected events (EventId), event items "
                                    f"(EventItemId) or votes (VoteEventItemId), found key {exc.args[0]!r}") from None
        if not events and not loose_items:
            raise FormatError(path, "no Legistar events, event items or votes in the file")
        base_url = options.get("base_url")
        roll_calls, vote_rows, errors, notes = [], [], [], []
        read = 0
        pairs = [(event, item) for event in events for item in _items_of(event)]
        pairs += [({}, item) for item in loose_items]
        item_lines = line_numbers(text, r'"EventItemId"\s*:', len(pairs))
        for (event, item), item_line in zip(pairs, item_lines):
            try:
                found, item_rows = self._item(event, item, item_line, base_url, errors, notes)
            except SHAPE_ERRORS as error:
                errors.append(RowError(item_line, None, shape_message("event item", error), str(item)[:200]))
                continue
            read += found
            if item_rows is None:
                continue
            roll_calls.append(item_rows[0])
            vote_rows += item_rows[1:]
        lines = line_numbers(text, r'"VoteId"\s*:', len(vote_rows))
        good_rows = []
        for row, line in zip(vote_rows, lines):
            row["line"] = line
            if row["raw_label"] is None:
                errors.append(RowError(line, "VoteValueName",
                                       f"vote {row['vote_id']} on {row['roll_call_source_id']} has no VoteValueName", row["raw"]))
            else:
                good_rows.append(row)
        vote_rows = good_rows
        positions = frame(POSITION_COLUMNS, vote_rows)
        positions["voter_id"] = positions["voter_id"].map(lambda v: None if v is None else str(v))
        positions["voter_key"], positions["voter_scheme"] = voter_keys("legistar", positions["voter_id"], positions["voter_name"])
        positions = drop_anonymous_voters(positions, errors, path.name)
        positions["position"] = map_positions(positions["raw_label"])
        roll_call_frame = frame(ROLL_CALL_COLUMNS, roll_calls)
        if not positions.empty:
            grouped = positions.groupby("roll_call_source_id")["position"]
            yes = grouped.agg(lambda s: int((s == "yes").sum()))
            no = grouped.agg(lambda s: int((s == "no").sum()))
            total = grouped.size()
            has = roll_call_frame["source_id"].isin(total.index)
            ids = roll_call_frame.loc[has, "source_id"]
            roll_call_frame.loc[has, "yes_count"] = ids.map(yes).astype(object)
            roll_call_frame.loc[has, "no_count"] = ids.map(no).astype(object)
            roll_call_frame.loc[has, "other_count"] = (ids.map(total) - ids.map(yes) - ids.map(no)).astype(object)
        flag_unknown_labels(roll_call_frame, positions, notes)
        yield Batch(tables={"roll_calls": roll_call_frame, "positions": positions[POSITION_COLUMNS]},
                    errors=errors, read=read, progress=1.0, notes=notes)

    @staticmethod
    def _item(event: dict, item: dict, item_line, base_url, errors: list, notes: list):
        """(source records read, [roll call, *vote rows]) of one event item; None instead of the
        rows when the item has no action or is reported as a bad row."""
        votes = _votes_of(item)
        item_id = item.get("EventItemId") or (votes[0].get("VoteEventItemId") if votes else None)
        if not votes and item.get("EventItemPassedFlag") is None:
            return 1 + len(votes), None  # no action recorded: an agenda heading, a report, a deferred item
        if item_id is None or not isinstance(item_id, (str, int)):
            errors.append(RowError(None, "EventItemId", "event item without EventItemId", str(item)[:200]))
            return 1 + len(votes), None
        source_id = f"legistar-{item_id}"
        roll_call = {
            "source_id": source_id,
            "body": clean(event.get("EventBodyName")) or clean(item.get("EventItemBodyName")),
            "voted_on": _iso_date(event.get("EventDate") or item.get("EventItemActionDate")),
            "motion": clean(item.get("EventItemMatterFile")),
            "title": clean(item.get("EventItemTitle")) or clean(item.get("EventItemMatterName")),
            "question": clean(item.get("EventItemActionName")),
            "result": clean(item.get("EventItemPassedFlagName")),
            "required_majority": None,
            "yes_count": None, "no_count": None, "other_count": None,
            "source_url": clean(event.get("EventInSiteURL"))
            or (f"{base_url.rstrip('/')}/eventitems/{item_id}/votes" if base_url else None),
            "needs_review": False, "review_note": None, "line": item_line,
        }
        if not votes:
            notes.append(f"roll call {source_id}: item {item.get('EventItemAgendaNumber') or item_id} "
                         f"was {item.get('EventItemPassedFlagName') or 'acted on'} without per-person "
                         "votes (voice vote or unanimous consent)")
        rows = []
        for vote in votes:
            # Every vote record is kept in file order (to pair it with its line); a record
            # without a value becomes a RowError below and is left out.
            rows.append({
                "roll_call_source_id": source_id, "voter_id": vote.get("VotePersonId"),
                "voter_name": clean(vote.get("VotePersonName")), "raw_label": vote.get("VoteValueName"),
                "vote_id": vote.get("VoteId"), "raw": str(vote)[:200],
            })
        rows = [roll_call] + rows
        for row in rows:
            bad = nested_field({k: v for k, v in row.items() if k != "vote_id"})
            if bad:
                errors.append(RowError(item_line, bad, f"item {item_id}: {bad} is a list or an object, "
                                                       "not a single value", str(item)[:200]))
                return 1 + len(votes), None
        return 1 + len(votes), rows
