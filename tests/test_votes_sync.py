"""`flask sync legistar` against a local server replaying the real San José API objects."""
import json
from urllib.parse import parse_qs, urlsplit

from tests.test_imports_legistar_api import server  # noqa: F401  (the replay server fixture)
from tracker.extensions import db
from tracker.models import ImportRun, RollCall, VotePosition


def event_filters(log):
    return [parse_qs(urlsplit(p).query).get("$filter", [""])[0] for p in log if p.startswith("/v1/sanjose/events?")]


def test_first_sync_imports_then_next_sync_asks_only_for_changes(app, runner, server):  # noqa: F811
    app.config["LEGISTAR_BASE_URL"] = server.base_url
    first = runner.invoke(args=["sync", "legistar", "sanjose", "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert (summary["format"], summary["imported"], summary["duplicates"]) == ("legistar", 22, 0)
    assert summary["report"]["legistar"]["max_event_last_modified_utc"] == "2017-09-20T10:00:00.5"
    assert sorted(db.session.execute(db.select(RollCall.source_id)).scalars()) == ["legistar-32035", "legistar-32040"]
    run = db.session.get(ImportRun, summary["import_run_id"])
    assert run.options["legistar_client"] == "sanjose" and run.report["legistar"]["events"] == 2
    assert event_filters(server.log) == [""]

    server.log.clear()
    second = runner.invoke(args=["sync", "legistar", "sanjose", "--json"])
    assert second.exit_code == 0, second.output
    assert event_filters(server.log) == ["EventLastModifiedUtc ge datetime'2017-09-20T10:00:00.5'"]
    assert json.loads(second.stdout)["imported"] == 0
    assert db.session.execute(db.select(db.func.count()).select_from(VotePosition)).scalar() == 22


def test_since_and_body_options_reach_the_api(app, runner, server):  # noqa: F811
    app.config["LEGISTAR_BASE_URL"] = server.base_url
    result = runner.invoke(args=["sync", "legistar", "sanjose", "--since", "2018-01-01", "--body", "City Council", "--json"])
    assert result.exit_code == 0, result.output
    assert event_filters(server.log) == ["EventLastModifiedUtc ge datetime'2018-01-01T00:00:00' and EventBodyName eq 'City Council'"]
    assert json.loads(result.stdout)["message"].startswith("nothing changed for sanjose")
    bad = runner.invoke(args=["sync", "legistar", "sanjose", "--since", "last week"])
    assert bad.exit_code == 1 and "--since must be a date YYYY-MM-DD" in bad.output


def test_api_failure_is_reported_not_a_crash(app, runner, server):  # noqa: F811
    app.config["LEGISTAR_BASE_URL"] = server.base_url
    server.failures["/v1/sanjose/events"] = [(404, {}, {"Message": "no such client"})]
    result = runner.invoke(args=["sync", "legistar", "sanjose"])
    assert result.exit_code == 1 and "Legistar API" in result.output and "HTTP 404" in result.output
    assert db.session.execute(db.select(db.func.count()).select_from(ImportRun)).scalar() == 0
