"""`flask sync legistar CLIENT`: fetch a Legistar client's events, items and votes from the public
Legistar Web API and import them through the normal pipeline (format ``legistar``).

Incremental: each successful sync stores the largest ``EventLastModifiedUtc`` it saw on its
ImportRun (``report["legistar"]``); the next sync of the same client asks only for events modified
since then. Re-fetched events are upserts, so they add nothing twice.
"""
from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app

from imports.legistar_api import LegistarApiError, fetch_client_document
from tracker.extensions import db
from tracker.models import ImportRun
from tracker.services import ingest
from tracker.services.votes import vote_loader

_CLIENT = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class SyncError(Exception):
    """The sync could not run: a bad argument, or the API kept failing."""


def last_synced(organization_id: int, client: str) -> str | None:
    """The EventLastModifiedUtc high-water mark of the latest successful sync of ``client``."""
    runs = db.session.execute(db.select(ImportRun).where(
        ImportRun.organization_id == organization_id, ImportRun.kind == "votes", ImportRun.format == "legistar",
        ImportRun.status == "succeeded").order_by(ImportRun.id.desc())).scalars()
    for run in runs:
        if (run.options or {}).get("legistar_client") == client:
            return ((run.report or {}).get("legistar") or {}).get("max_event_last_modified_utc")
    return None


def _since_value(since: str | None) -> str | None:
    if not since:
        return None
    try:
        return datetime.strptime(since, "%Y-%m-%d").strftime("%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise SyncError(f"--since must be a date YYYY-MM-DD, not {since!r}") from None


def sync(organization, client: str, since: str | None = None, body: str | None = None, actor=None,
         sleep=time.sleep) -> ingest.ImportResult:
    """Fetch what changed for ``client`` (since ``since``, else since the last sync) and import it.
    Returns the import's result; raises SyncError when the API keeps failing."""
    if not _CLIENT.match(client or ""):
        raise SyncError(f"{client!r} is not a Legistar client name (letters, digits, - and _), e.g. sanjose")
    base_url = current_app.config.get("LEGISTAR_BASE_URL")
    since_value = _since_value(since) or last_synced(organization.id, client)
    try:
        document = fetch_client_document(base_url, client, since=since_value, body=body, sleep=sleep)
    except LegistarApiError as error:
        raise SyncError(f"Legistar API: {error}") from None
    high_water = document.get("max_event_last_modified_utc")
    if not document["events"]:
        return ingest.ImportResult(status="succeeded", format="legistar",
                                   message=f"nothing changed for {client} since {since_value}",
                                   report={"legistar": {"client": client, "since": since_value, "events": 0,
                                                        "max_event_last_modified_utc": high_water}})
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"legistar-{client}-{stamp}.json"
    path.write_text(json.dumps(document), encoding="utf-8")  # kept: the record of what the API answered

    params = {"base_url": base_url, **({"body": body} if body else {})}
    options = ingest.ImportOptions(fmt="legistar", actor=actor, params=params)
    run = ingest.create_run(organization, "votes", path, options, "legistar")
    run.options = {**(run.options or {}), "legistar_client": client, "since": since_value}
    db.session.commit()
    result = ingest.run_import(organization, "votes", path, vote_loader, options, run=run)
    if result.status == "succeeded":
        run = db.session.get(ImportRun, run.id)
        legistar = {"client": client, "since": since_value, "events": len(document["events"]),
                    "requests": document.get("requests"), "max_event_last_modified_utc": high_water}
        run.report = {**(run.report or {}), "legistar": legistar}
        result.report = {**(result.report or {}), "legistar": legistar}
        db.session.commit()
    return result
