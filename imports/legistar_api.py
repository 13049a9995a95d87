"""A polite client of the public Legistar Web API (webapi.legistar.com/v1/{client}).

Pure: uses ``requests``, never Flask or the database. ``fetch_client_document`` pages through the
client's events (optionally only those modified since the last sync, optionally one body), then
fetches each event's items and the votes of the items that can carry votes, and returns ONE
document the ``legistar`` parser reads (events with ``items``, each item with ``Votes``, the same
nesting as the San José sample) plus the largest ``EventLastModifiedUtc`` seen, which the caller
stores and passes back as ``since`` for the next, incremental, sync.

Politeness: one request at a time; on HTTP 429 or 5xx (or a dropped connection) it waits and
retries (``Retry-After`` seconds when the server sends it, else ``backoff * 2**attempt``), at
most ``retries`` times, then raises ``LegistarApiError`` naming the URL and status.
"""
from __future__ import annotations

import time
from datetime import datetime
from typing import Callable

import requests

DEFAULT_BASE_URL = "https://webapi.legistar.com/v1"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "tracker-legistar-sync/1.0 (civic-tech; polite: sequential requests with backoff)"


class LegistarApiError(RuntimeError):
    """The API kept failing (after retries) or answered something that is not JSON."""


def _odata_datetime(value) -> str:
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%dT%H:%M:%S")
    return f"datetime'{value}'"


def _quote_odata(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def item_may_have_votes(item: dict) -> bool:
    """Items whose votes we ask for: those with a passed flag or a roll-call flag, and every item
    on a matter (San José recorded votes on an item whose passed flag is empty)."""
    return bool(item.get("EventItemPassedFlag") is not None or item.get("EventItemRollCallFlag")
                or item.get("EventItemMatterId"))


class _Client:
    def __init__(self, base_url, client, session, retries, backoff, sleep, timeout):
        self.root = f"{base_url.rstrip('/')}/{client}"
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self.retries, self.backoff, self.sleep, self.timeout = retries, backoff, sleep, timeout
        self.requests_made = 0

    def get(self, path: str, params: dict | None = None):
        url = f"{self.root}/{path}"
        for attempt in range(self.retries + 1):
            self.requests_made += 1
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt == self.retries:
                    raise LegistarApiError(f"GET {url} failed after {attempt + 1} attempts: {exc}") from exc
                self.sleep(self.backoff * 2 ** attempt)
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                self.sleep(self._wait(response, attempt))
                continue
            if response.status_code != 200:
                raise LegistarApiError(f"GET {response.url} answered HTTP {response.status_code} "
                                       f"after {attempt + 1} attempt(s)")
            try:
                return response.json()
            except ValueError:
                raise LegistarApiError(f"GET {response.url} did not answer JSON") from None
        raise AssertionError("unreachable")

    def _wait(self, response, attempt: int) -> float:
        retry_after = response.headers.get("Retry-After", "")
        if retry_after.strip().isdigit():
            return float(retry_after)
        return self.backoff * 2 ** attempt


def fetch_client_document(base_url: str, client: str, since=None, body: str | None = None, session=None,
                          page_size: int = 1000, retries: int = 3, backoff: float = 1.0,
                          sleep: Callable[[float], None] = time.sleep, timeout: float = 60.0) -> dict:
    """Fetch events (modified since ``since``, of ``body`` when given) with their items and votes.

    Returns ``{"client", "base_url", "since", "events": [...], "max_event_last_modified_utc",
    "requests"}``; each event carries ``items`` and each item ``Votes`` (empty when not fetched or
    none recorded). ``max_event_last_modified_utc`` is ``since`` when nothing new was found.
    Raises LegistarApiError when the API keeps failing.
    """
    api = _Client(base_url or DEFAULT_BASE_URL, client, session, retries, backoff, sleep, timeout)
    filters = []
    if since:
        filters.append(f"EventLastModifiedUtc ge {_odata_datetime(since)}")
    if body:
        filters.append(f"EventBodyName eq {_quote_odata(body)}")
    events: list[dict] = []
    skip = 0
    while True:
        params = {"$top": page_size, "$skip": skip, "$orderby": "EventId"}
        if filters:
            params["$filter"] = " and ".join(filters)
        page = api.get("events", params)
        if not isinstance(page, list):
            raise LegistarApiError(f"GET {api.root}/events did not answer a list")
        events.extend(page)
        if len(page) < page_size:
            break
        skip += page_size
    max_modified = since if isinstance(since, str) or since is None else _odata_datetime(since)[9:-1]
    for event in events:
        modified = event.get("EventLastModifiedUtc")
        if modified and (max_modified is None or modified > max_modified):
            max_modified = modified
        items = api.get(f"events/{event['EventId']}/eventitems", {"AgendaNote": 1, "MinutesNote": 1})
        for item in items:
            item["Votes"] = api.get(f"eventitems/{item['EventItemId']}/votes") if item_may_have_votes(item) else []
        event["items"] = items
    return {
        "client": client, "base_url": base_url, "since": since.isoformat() if hasattr(since, "isoformat") else since,
        "events": events, "max_event_last_modified_utc": max_modified, "requests": api.requests_made,
    }
