"""Imports whose worker died are marked failed (process gone, or no heartbeat); uploads are
removed when their run ends, and `cleanup-imports` removes old ones."""
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta

from tests.test_importing_pages import HOUSE_XML, preview_url, start, upload, wait_for
from tracker.extensions import db
from tracker.models import AuditEvent, ImportProgress, ImportRun
from tracker.models.base import utcnow
from tracker.services import ingest, jobs


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _running(org, realdata, worker: str, heartbeat_age: float = 0.0) -> ImportRun:
    run = ingest.create_run(org, "votes", realdata / HOUSE_XML, ingest.ImportOptions(), "house-xml")
    run.status = "running"
    db.session.add(ImportProgress(import_run_id=run.id, worker=worker,
                                  heartbeat_at=utcnow() - timedelta(seconds=heartbeat_age)))
    db.session.commit()
    return run


def test_a_run_whose_worker_process_died_is_failed_and_the_page_says_so(app, client, login, org, realdata):
    login("admin")
    run = _running(org, realdata, f"{socket.gethostname()}:{_dead_pid()}")
    progress = client.get(f"/imports/{run.id}/progress.json").get_json()
    assert (progress["status"], progress["done"]) == ("failed", True)
    html = client.get(f"/imports/{run.id}").get_data(as_text=True)
    assert "<progress" not in html and "This import stopped before it finished: its worker process" in html
    assert "start it again" in html
    stored = db.session.get(ImportRun, run.id)
    assert stored.status == "failed" and stored.finished_at is not None
    assert db.session.execute(db.select(AuditEvent.action, AuditEvent.entity_id)
                              .filter_by(action="import.abandoned")).one() == ("import.abandoned", str(run.id))


def test_a_run_that_stopped_sending_heartbeats_is_failed_on_postgresql(app, client, login, org, realdata):
    """A worker on another host cannot be looked up; its heartbeats tell. SQLite has none (the
    import's transaction holds the only write lock), so there such a run is left alone."""
    login("admin")
    app.config["IMPORT_HEARTBEAT_TIMEOUT"] = 60
    silent = _running(org, realdata, "another-host:4242", heartbeat_age=61)
    beating = _running(org, realdata, "another-host:4243", heartbeat_age=5)
    listing = client.get("/imports/").get_data(as_text=True)
    db.session.expire_all()
    expected = "failed" if app.config["DB_KIND"] == "postgresql" else "running"
    assert db.session.get(ImportRun, silent.id).status == expected
    assert db.session.get(ImportRun, beating.id).status == "running"
    assert f"/imports/{silent.id}" in listing


def test_a_live_worker_in_this_process_is_left_running(app, org, realdata):
    run = _running(org, realdata, ingest.worker_name(), heartbeat_age=5)
    assert ingest.fail_abandoned_runs() == []
    assert db.session.get(ImportRun, run.id).status == "running"


def test_the_heartbeat_is_stamped_while_the_import_runs(app, org, realdata):
    app.config["IMPORT_HEARTBEAT_INTERVAL"] = 0.05
    run = _running(org, realdata, ingest.worker_name(), heartbeat_age=3600)
    before = db.session.get(ImportProgress, run.id).heartbeat_at
    beat = ingest.Heartbeat.start(run)
    try:
        if app.config["DB_KIND"] == "sqlite":
            assert beat.thread is None
            return
        deadline = time.monotonic() + 10
        stamped = before
        while stamped == before and time.monotonic() < deadline:
            time.sleep(0.05)
            db.session.expire_all()
            stamped = db.session.get(ImportProgress, run.id).heartbeat_at
        assert stamped > before + timedelta(seconds=3000)
    finally:
        beat.stop()
    assert not beat.thread.is_alive()


def test_an_import_records_its_worker(app, org, realdata):
    result = ingest.run_import(org, "votes", realdata / HOUSE_XML, jobs.LOADERS["votes"], ingest.ImportOptions())
    progress = db.session.get(ImportProgress, result.run_id)
    assert progress.worker == f"{socket.gethostname()}:{os.getpid()}" and progress.heartbeat_at is not None


def _token(preview_response) -> str:
    import re
    return re.search(r'name="token" type="hidden" value="([^"]+)"', preview_response.get_data(as_text=True)).group(1)


def test_the_upload_is_removed_when_its_run_ends(app, client, login, realdata):
    login("admin")
    preview = client.get(preview_url(upload(client, (realdata / HOUSE_XML).read_bytes(), "roll240_2025.xml")))
    saved = jobs.upload_dir() / _token(preview)
    assert saved.is_file()
    run_id = int(start(client, preview.get_data(as_text=True)).headers["Location"].rstrip("/").split("/")[-1])
    assert wait_for(run_id).status == "succeeded"
    assert not saved.exists()


def test_the_upload_of_a_failed_run_is_removed_too(app, org, monkeypatch):
    import uuid

    def crash(*args, **kwargs):
        raise RuntimeError("worker crashed")

    saved = jobs.upload_dir() / f"{uuid.uuid4().hex}.council.csv"
    saved.write_text("body,date,motion_id,title,result,person,option\nCouncil,2024-01-01,M-1,Rent,passed,Ann Jones,Aye\n")
    run = ingest.create_run(org, "votes", saved, ingest.ImportOptions(), None)
    monkeypatch.setattr(ingest, "run_import", crash)
    jobs.start(run.id, str(saved), remove_file=True)
    wait_for(run.id)
    assert not saved.exists()


def test_cleanup_imports_fails_dead_runs_and_removes_old_uploads(app, runner, org, realdata):
    import re
    import uuid
    app.config["UPLOAD_RETENTION_DAYS"] = 7
    old = jobs.upload_dir() / f"{uuid.uuid4().hex}.votes.csv"
    fresh = jobs.upload_dir() / f"{uuid.uuid4().hex}.votes.csv"
    synced = jobs.upload_dir() / f"legistar-test-{uuid.uuid4().hex}.json"  # the sync's record: kept
    for path in (old, fresh, synced):
        path.write_text("x")
    eight_days_ago = time.time() - 8 * 86400
    for path in (old, synced):
        os.utime(path, (eight_days_ago, eight_days_ago))
    dead = _running(org, realdata, f"{socket.gethostname()}:{_dead_pid()}")
    try:
        result = runner.invoke(args=["cleanup-imports"])
        assert result.exit_code == 0, result.output
        assert f"imports marked failed: 1 ({dead.id})" in result.output
        assert int(re.search(r"uploads removed: (\d+)", result.output).group(1)) >= 1
        assert not old.exists() and fresh.exists() and synced.exists()
    finally:
        for path in (old, fresh, synced):
            path.unlink(missing_ok=True)
    db.session.expire_all()
    assert db.session.get(ImportRun, dead.id).status == "failed"


KILLED_WORKER = """
import sys
from tracker import create_app
from tracker.extensions import db
from tracker.models import Organization
from tracker.services import ingest, jobs

app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "SQLALCHEMY_ENGINE_OPTIONS": eval(sys.argv[2])})
with app.app_context():
    org = db.session.get(Organization, int(sys.argv[3]))
    ingest.run_import(org, "votes", sys.argv[4], jobs.LOADERS["votes"], ingest.ImportOptions())
"""


def test_an_import_killed_part_way_is_failed_and_wrote_nothing(app, org, tmp_path):
    """A real worker process, killed (SIGKILL) while it imports: the run is marked failed at the
    next look, and none of its rows is in the database."""
    from tracker.models import VotePosition
    path = tmp_path / "votes.csv"
    rows = "".join(f"City Council,2024-03-01,M-{i},Budget,passed,Ann Jones,Aye,\n" for i in range(400_000))
    path.write_text("body,date,motion_id,title,result,person,option,person_id\n" + rows)
    worker = subprocess.Popen([sys.executable, "-c", KILLED_WORKER, app.config["SQLALCHEMY_DATABASE_URI"],
                               repr(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})), str(org.id), str(path)],
                              cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        deadline = time.monotonic() + 60
        run = None
        while time.monotonic() < deadline and worker.poll() is None:
            db.session.rollback()
            run = db.session.execute(db.select(ImportRun).filter_by(status="running")).scalar_one_or_none()
            if run is not None:
                break
            time.sleep(0.05)
        assert run is not None, "the worker never started the import"
        time.sleep(0.5)  # part-way
    finally:
        worker.kill()
        worker.wait()
    db.session.rollback()
    assert ingest.fail_abandoned_runs() == [run.id]
    db.session.expire_all()
    stored = db.session.get(ImportRun, run.id)
    assert stored.status == "failed" and f":{worker.pid}) is gone" in stored.message
    assert db.session.execute(db.select(db.func.count()).select_from(VotePosition)).scalar_one() == 0
