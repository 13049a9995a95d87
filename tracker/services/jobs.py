"""Background imports: on RQ when REDIS_URL is set, else in a worker thread of this process.

``LOADERS`` maps an import kind to its loader factory; the money helper adds
``contributions``/``committees`` here. A job only needs the ImportRun id and the saved file: the
import itself is ``ingest.run_import`` as on the command line, and its progress is stored on the
ImportRun (and in ``ingest.PROGRESS`` for pollers in this process) so the run page can poll it.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

from flask import current_app, has_app_context

from tracker.extensions import db
from tracker.models import ImportProgress, ImportRun, Member, Organization
from tracker.models.base import utcnow
from tracker.services import ingest
from tracker.services.contributions import CommitteeLoader, ContributionLoader
from tracker.services.people import roster_loader
from tracker.services.votes import vote_loader

log = logging.getLogger(__name__)

LOADERS = {"votes": vote_loader, "people": roster_loader,
           "contributions": ContributionLoader, "committees": CommitteeLoader}
THREADS: dict[int, threading.Thread] = {}  # run id -> thread (tests wait on it)


def default_organization() -> Organization | None:
    """The organization commands act for: ORGANIZATION_SLUG if set, else the first one."""
    slug = current_app.config.get("ORGANIZATION_SLUG")
    query = db.select(Organization).filter_by(slug=slug) if slug else db.select(Organization).order_by(Organization.id).limit(1)
    return db.session.execute(query).scalar_one_or_none()


UPLOAD_NAME = re.compile(r"[0-9a-f]{32}\.")  # the import pages' token: uuid4().hex + "." + file name


def upload_dir() -> Path:
    """Where the import pages keep uploaded files until their run ends (instance/uploads)."""
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_old_uploads(days: int | None = None, now: float | None = None) -> list[Path]:
    """Delete uploads older than UPLOAD_RETENTION_DAYS: files uploaded but never imported or
    cancelled, and those of runs whose worker died. Only the import pages' files (named
    "<32 hex>.<name>"); the Legistar sync's saved API answers beside them are kept on purpose.
    Returns what was removed."""
    days = current_app.config.get("UPLOAD_RETENTION_DAYS", 7) if days is None else days
    cutoff = (time.time() if now is None else now) - days * 86400
    removed = []
    for path in upload_dir().iterdir():
        if UPLOAD_NAME.match(path.name) and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def perform(run_id: int, path: str, fmt: str = "auto", strict: bool = False, params: dict | None = None,
            actor_id: int | None = None, remove_file: bool = False) -> dict:
    """Run the import of an ImportRun created beforehand (status pending); returns its summary.
    Works inside an app context (thread) or creates the app (RQ worker process). ``remove_file``:
    the file is an upload, deleted when the run ends however it ends."""
    if not has_app_context():
        from tracker import create_app
        with create_app().app_context():
            return perform(run_id, path, fmt, strict, params, actor_id, remove_file)
    try:
        run = db.session.get(ImportRun, run_id)
        organization = db.session.get(Organization, run.organization_id)
        actor = db.session.get(Member, actor_id) if actor_id else None
        options = ingest.ImportOptions(fmt=fmt, strict=strict, actor=actor, params=params or {})
        result = ingest.run_import(organization, run.kind, path, LOADERS[run.kind], options, run=run)
        return result.summary()
    finally:
        if remove_file:
            Path(path).unlink(missing_ok=True)


def start(run_id: int, path: str, fmt: str = "auto", strict: bool = False, params: dict | None = None,
          actor_id: int | None = None, remove_file: bool = False) -> str:
    """Start the import in the background; returns "rq:<job id>" or "thread"."""
    redis_url = current_app.config.get("REDIS_URL")
    args = (run_id, str(path), fmt, strict, params or {}, actor_id, remove_file)
    if redis_url:
        from redis import Redis
        from rq import Queue

        queue = Queue(current_app.config.get("RQ_QUEUE", "imports"), connection=Redis.from_url(redis_url))
        job = queue.enqueue(perform, *args, job_timeout=6 * 3600)
        return f"rq:{job.id}"
    app = current_app._get_current_object()
    if db.engine.dialect.name == "sqlite":
        # Write-ahead logging lets the pages (and the progress poll) read while the import writes;
        # in SQLite's default journal mode a large import would lock readers out until it commits.
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")

    # The run names this process from now on, so a pending run whose process dies before the
    # thread gets to it is found too (ingest.fail_abandoned_runs).
    db.session.merge(ImportProgress(import_run_id=run_id, worker=ingest.worker_name(), heartbeat_at=utcnow()))
    db.session.commit()

    def target():
        with app.app_context():
            try:
                perform(*args)
            except Exception:  # run_import records its own failures; this is a last resort
                log.exception("background import %s failed", run_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=target, name=f"import-{run_id}", daemon=True)
    THREADS[run_id] = thread
    thread.start()
    return "thread"
