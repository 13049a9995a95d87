"""Legistar Web API client against a local HTTP server replaying the real San José objects."""
import copy
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from imports import REGISTRY
from imports.legistar_api import LegistarApiError, fetch_client_document

# Keys the sample's author attached to the API objects (not part of any one API response).
AUTHOR_KEYS = {"items", "Votes", "RollCalls", "attachments", "Matter", "CodeSections", "Histories", "Versions",
               "Sponsors", "Attachments"}


def recorded_responses(realdata):
    """Events, event items and votes as the API returns them, rebuilt from sanjose.json. A second,
    later-modified event (a copy of the first, without items) makes paging span two pages."""
    [event] = json.loads((realdata / "legistar-api-json/sanjose.json").read_text())
    items = [{k: v for k, v in item.items() if k not in AUTHOR_KEYS} for item in event["items"]]
    votes = {item["EventItemId"]: item.get("Votes") or [] for item in event["items"]}
    first = {k: v for k, v in event.items() if k not in AUTHOR_KEYS}
    second = copy.deepcopy(first) | {"EventId": 1081, "EventLastModifiedUtc": "2017-09-20T10:00:00.5",
                                     "EventDate": "2017-09-19T00:00:00"}
    return [first, second], {1080: items, 1081: []}, votes


class Replay:
    def __init__(self, events, items, votes):
        self.events, self.items, self.votes = events, items, votes
        self.log: list[str] = []
        self.failures: dict[str, list[tuple[int, dict]]] = {}  # path -> responses to give first

    def answer(self, path, query):
        if self.failures.get(path):
            return self.failures[path].pop(0)
        match = re.fullmatch(r"/v1/sanjose/events", path)
        if match:
            events = self.events
            condition = query.get("$filter", [""])[0]
            since = re.search(r"EventLastModifiedUtc ge datetime'([^']+)'", condition)
            if since:
                events = [e for e in events if e["EventLastModifiedUtc"] >= since.group(1)]
            body = re.search(r"EventBodyName eq '((?:[^']|'')*)'", condition)
            if body:
                events = [e for e in events if e["EventBodyName"] == body.group(1).replace("''", "'")]
            events = sorted(events, key=lambda e: e["EventId"])
            skip, top = int(query["$skip"][0]), int(query["$top"][0])
            return 200, {}, events[skip: skip + top]
        match = re.fullmatch(r"/v1/sanjose/events/(\d+)/eventitems", path)
        if match:
            assert query.get("AgendaNote") == ["1"] and query.get("MinutesNote") == ["1"]
            return 200, {}, self.items[int(match.group(1))]
        match = re.fullmatch(r"/v1/sanjose/eventitems/(\d+)/votes", path)
        if match:
            return 200, {}, self.votes.get(int(match.group(1)), [])
        return 404, {}, {"Message": "not found"}


@pytest.fixture
def server(realdata):
    replay = Replay(*recorded_responses(realdata))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urlsplit(self.path)
            replay.log.append(self.path)
            status, headers, payload = replay.answer(parts.path, parse_qs(parts.query))
            body = json.dumps(payload).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    replay.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    yield replay
    httpd.shutdown()
    httpd.server_close()


def test_full_sync_pages_retries_and_parses(server, realdata, tmp_path):
    server.failures["/v1/sanjose/eventitems/32035/votes"] = [(503, {"Retry-After": "7"}, {"Message": "busy"})]
    waits = []
    document = fetch_client_document(server.base_url, "sanjose", page_size=1, sleep=waits.append)
    assert [e["EventId"] for e in document["events"]] == [1080, 1081]
    # Paging: $skip 0, 1, 2 (the third page is empty and ends the loop).
    event_pages = [p for p in server.log if p.startswith("/v1/sanjose/events?")]
    assert [parse_qs(urlsplit(p).query)["$skip"] for p in event_pages] == [["0"], ["1"], ["2"]]
    assert waits == [7.0]  # Retry-After respected, once
    assert server.log.count("/v1/sanjose/eventitems/32035/votes") == 2
    assert document["max_event_last_modified_utc"] == "2017-09-20T10:00:00.5"
    items = document["events"][0]["items"]
    assert len(items) == 41
    assert sum(len(i["Votes"]) for i in items) == 22

    path = tmp_path / "sync.json"
    path.write_text(json.dumps(document, indent=2))
    [synced] = list(REGISTRY["legistar"].parse(path))
    [sample] = list(REGISTRY["legistar"].parse(realdata / "legistar-api-json/sanjose.json"))
    columns = ["roll_call_source_id", "voter_key", "raw_label", "position"]
    assert synced.tables["positions"][columns].values.tolist() == sample.tables["positions"][columns].values.tolist()
    assert synced.tables["roll_calls"]["source_id"].tolist() == ["legistar-32035", "legistar-32040"]


def test_incremental_sync_asks_only_for_newer_events(server):
    document = fetch_client_document(server.base_url, "sanjose", since="2017-09-01T00:00:00", sleep=lambda s: None)
    assert [e["EventId"] for e in document["events"]] == [1081]
    [query] = [parse_qs(urlsplit(p).query) for p in server.log if p.startswith("/v1/sanjose/events?")]
    assert query["$filter"] == ["EventLastModifiedUtc ge datetime'2017-09-01T00:00:00'"]
    assert document["max_event_last_modified_utc"] == "2017-09-20T10:00:00.5"
    again = fetch_client_document(server.base_url, "sanjose", since=document["max_event_last_modified_utc"],
                                  sleep=lambda s: None)
    assert [e["EventId"] for e in again["events"]] == [1081]  # "ge": the boundary event comes back, upserts are no-ops
    nothing = fetch_client_document(server.base_url, "sanjose", since="2018-01-01T00:00:00", sleep=lambda s: None)
    assert nothing["events"] == [] and nothing["max_event_last_modified_utc"] == "2018-01-01T00:00:00"


def test_body_filter(server):
    document = fetch_client_document(server.base_url, "sanjose", body="City Council", sleep=lambda s: None)
    assert len(document["events"]) == 2
    [query] = [parse_qs(urlsplit(p).query) for p in server.log if p.startswith("/v1/sanjose/events?")]
    assert query["$filter"] == ["EventBodyName eq 'City Council'"]
    assert fetch_client_document(server.base_url, "sanjose", body="Rules Committee", sleep=lambda s: None)["events"] == []


def test_gives_up_after_retries_with_backoff(server):
    server.failures["/v1/sanjose/events"] = [(500, {}, {"Message": "down"})] * 4
    waits = []
    with pytest.raises(LegistarApiError, match=r"HTTP 500 after 4 attempt\(s\)"):
        fetch_client_document(server.base_url, "sanjose", retries=3, backoff=0.5, sleep=waits.append)
    assert waits == [0.5, 1.0, 2.0]


def test_client_error_is_not_retried(server):
    with pytest.raises(LegistarApiError, match="HTTP 404 after 1 attempt"):
        fetch_client_document(server.base_url.replace("/v1", "/v2"), "sanjose", sleep=lambda s: None)


def test_since_as_datetime(server):
    from datetime import datetime
    document = fetch_client_document(server.base_url, "sanjose", since=datetime(2017, 9, 1), sleep=lambda s: None)
    [query] = [parse_qs(urlsplit(p).query) for p in server.log if p.startswith("/v1/sanjose/events?")]
    assert query["$filter"] == ["EventLastModifiedUtc ge datetime'2017-09-01T00:00:00'"]
    assert document["since"] == "2017-09-01T00:00:00"
    assert document["max_event_last_modified_utc"] == "2017-09-20T10:00:00.5"
