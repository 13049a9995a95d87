"""Open Civic Data ``vote_event`` JSON: the files Open States scrapers write
(``_scraped_data/vote_event_<uuid>.json``) and the vote objects of the Open States API v3
(``/bills/...?include=votes``).

PATH holds one vote event object, a list of them, or a bill object whose ``votes`` list holds
vote events. Fields used: ``id`` (or the scraper's ``_id``, written ``ocd-vote/<uuid>``),
``motion_text``, ``start_date``, ``result``, ``organization`` (an object, an id, or a scraper
pseudo-id ``~{"classification": "lower"}``), ``bill`` / ``bill_identifier``, ``votes`` (``option``,
``voter_name``, ``voter_id`` or ``voter.id``), ``counts``, ``sources``. A vote event without
per-person votes (voice vote) is kept with a note.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from imports.base import Batch, FormatError, Parser, RowError, register
from imports.vote_records import (
    drop_anonymous_voters,
    POSITION_COLUMNS, ROLL_CALL_COLUMNS, clean, flag_unknown_labels, frame, line_numbers, map_positions,
    parse_json, take_record, voter_keys,
)


def pseudo_id(value) -> dict:
    """A scraper pseudo-id '~{"classification": "lower"}' (or an object) as a dict; {} otherwise."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.startswith("~"):
        try:
            parsed = json.loads(value[1:])
            return parsed if isinstance(parsed, dict) else {}
        except json.JSONDecodeError:
            return {}
    return {}


def _date(raw) -> date | None:
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def _events(data) -> list[dict]:
    items = data if isinstance(data, list) else [data]
    events = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if "motion_text" in item:
            events.append(item)
        elif isinstance(item.get("votes"), list):  # an API bill with include=votes
            bill = {"identifier": item.get("identifier"), "title": item.get("title")}
            events += [dict(e, _bill=bill) for e in item["votes"] if isinstance(e, dict) and "motion_text" in e]
    return events


@register
class OcdJsonParser(Parser):
    name = "ocd-json"
    kind = "votes"
    label = "Open Civic Data vote_event JSON (Open States scraper output / API v3)"
    extensions = (".json",)

    def sniff(self, head: bytes, path: Path) -> bool:
        return b'"motion_text"' in head

    def parse(self, path: Path, **options):
        """One batch: a roll call per vote event, a position per entry of its ``votes``."""
        path = Path(path)
        data, text = parse_json(path)
        events = _events(data)
        if not events:
            raise FormatError(path, "no Open Civic Data vote events (objects with motion_text) in the file",
                              field="motion_text")
        roll_calls, rows, errors, notes = [], [], [], []
        for event in events:
            source_id = clean(event.get("id")) or (f"ocd-vote/{event['_id']}" if event.get("_id") else None)
            if source_id is None or not isinstance(source_id, str):
                errors.append(RowError(None, "id", "vote event without id or _id", str(event)[:200]))
                continue
            take_record(lambda event=event, source_id=source_id: self._event(event, source_id, notes),
                        (roll_calls, rows), errors, None, f"vote event {source_id}", str(event)[:200])
        event_lines = line_numbers(text, r'"motion_text"\s*:', len(roll_calls))
        for roll_call, line in zip(roll_calls, event_lines):
            roll_call["line"] = line
        vote_lines = _vote_lines(text, len(rows))
        for row, line in zip(rows, vote_lines):
            row["line"] = line
        positions = frame(POSITION_COLUMNS, rows)
        positions["voter_key"], positions["voter_scheme"] = voter_keys("ocd_person", positions["voter_id"], positions["voter_name"])
        positions = drop_anonymous_voters(positions, errors, path.name)
        positions["position"] = map_positions(positions["raw_label"])
        roll_call_frame = frame(ROLL_CALL_COLUMNS, roll_calls)
        flag_unknown_labels(roll_call_frame, positions, notes)
        yield Batch(tables={"roll_calls": roll_call_frame, "positions": positions[POSITION_COLUMNS]},
                    errors=errors, read=len(events) + len(rows), progress=1.0, notes=notes)

    @staticmethod
    def _event(event: dict, source_id: str, notes: list[str]) -> tuple[list[dict], list[dict]]:
        """The roll call of one vote event and its per-person rows (see take_record)."""
        organization = pseudo_id(event.get("organization"))
        bill = pseudo_id(event.get("bill")) or event.get("_bill") or {}
        counts = {c.get("option"): c.get("value") for c in event.get("counts") or [] if isinstance(c, dict)}
        other = sum(v or 0 for k, v in counts.items() if k not in ("yes", "no")) if counts else None
        sources = [s.get("url") for s in event.get("sources") or [] if isinstance(s, dict) and s.get("url")]
        roll_call = {
            "source_id": source_id,
            "body": organization.get("name") or organization.get("classification")
            or (event.get("organization") if isinstance(event.get("organization"), str) else None),
            "voted_on": _date(event.get("start_date")),
            "motion": clean(event.get("bill_identifier")) or clean(bill.get("identifier")),
            "title": clean(bill.get("title")), "question": clean(event.get("motion_text")),
            "result": clean(event.get("result")),
            "yes_count": counts.get("yes"), "no_count": counts.get("no"), "other_count": other,
            "source_url": sources[0] if sources else None, "needs_review": False,
        }
        rows = []
        votes = event.get("votes") or []
        if not votes:
            notes.append(f"roll call {source_id}: no per-person votes (voice vote)")
        for vote in votes:
            voter = vote.get("voter") if isinstance(vote.get("voter"), dict) else {}
            rows.append({
                "roll_call_source_id": source_id, "voter_name": clean(vote.get("voter_name")) or voter.get("name"),
                "voter_id": clean(vote.get("voter_id")) or voter.get("id"), "raw_label": vote.get("option"),
            })
        return [roll_call], rows


def _vote_lines(text: str, count: int) -> list[int | None]:
    """Lines of the per-person vote objects: each has a "voter_name" key (counts do not)."""
    return line_numbers(text, r'"voter_name"\s*:', count)
