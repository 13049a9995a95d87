"""The import pipeline shared by every kind of file (votes, people, money, alignments...).

parse (imports/, pure) -> loader.write() per batch, all inside ONE transaction -> commit.
- A bad row is reported (line, field, message, raw text on the ImportRun) and skipped.
- ``strict``: any bad row rejects the whole file; nothing is written.
- ``dry_run``: everything is parsed and counted, then rolled back; no ImportRun is kept.
- A crash or database error part-way rolls everything back; the ImportRun records the failure.
- Loaders upsert by natural key, so the same file imported twice writes nothing new the second
  time (its rows are counted as duplicates).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import pyarrow as pa
from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import OperationalError

from imports import Batch, FormatError, RowError, detect, get_parser
from imports.base import file_sha256
from tracker.extensions import db
from tracker.models import ImportProgress, ImportRowError, ImportRun
from tracker.models.base import utcnow
from tracker.services import audit

log = logging.getLogger(__name__)


def _use_jemalloc() -> None:
    """Parsers and loaders allocate their Arrow data from jemalloc, which hands freed memory back
    to the system; mimalloc, pyarrow's default, kept 33 MB more at the peak of a million-row
    contributions import (417 -> 384 MB), and 50 MB more on PostgreSQL."""
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:  # a pyarrow built without it: keep the default
        pass


_use_jemalloc()
MAX_STORED_ERRORS = 10_000
SAMPLE_ERRORS = 20

# Progress of running imports by run id, for pollers in this process. On PostgreSQL it is also
# written to the run's ImportProgress row through a separate connection (for pollers in other
# processes); SQLite allows one writer at a time, so there the ImportRun gets it when it ends.
PROGRESS: dict[int, float] = {}
_PROGRESS_WRITTEN: dict[int, float] = {}  # run id -> when its progress was last stored (monotonic s)
_progress_lock = threading.Lock()


class Rejected(Exception):
    """The file is rejected as a whole (strict mode with bad rows)."""


@dataclass
class ImportOptions:
    fmt: str = "auto"
    strict: bool = False
    dry_run: bool = False
    actor: object | None = None  # Member, or None for the command line
    params: dict = field(default_factory=dict)  # format/loader options (body name, only_tracked...)
    on_progress: Callable[[float], None] | None = None  # e.g. a CLI progress bar; called after each batch


@dataclass
class ImportResult:
    status: str  # succeeded | rejected | failed | dry_run
    format: str | None
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    message: str | None = None
    run_id: int | None = None
    report: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("succeeded", "dry_run")

    def summary(self) -> dict:
        """The one JSON object `import ... --json` prints."""
        return {"format": self.format, "read": self.read, "imported": self.imported,
                "duplicates": self.duplicates, "errors": len(self.errors),
                "error_samples": [e.as_dict() for e in self.errors[:SAMPLE_ERRORS]],
                "status": self.status, "message": self.message, "import_run_id": self.run_id,
                **({"report": self.report} if self.report else {})}


class Loader(Protocol):
    """Writes one batch inside the import's transaction; returns (imported, duplicates).

    Optional: ``parse_options`` (defaults for the parser's options; the import's own params win);
    ``finish(context)`` inside the transaction after the last batch; ``after_commit(context,
    result)`` once the import is committed; ``abort(error)`` when the import fails, before the
    rollback (to end work in flight on the connection, e.g. a COPY)."""

    def write(self, batch: Batch, context: "ImportContext") -> tuple[int, int]: ...


@dataclass
class ImportContext:
    organization: object
    run: ImportRun | None
    options: ImportOptions
    path: Path
    parser_name: str
    report: dict = field(default_factory=dict)  # loaders add review items, totals, notes
    extra_errors: list[RowError] = field(default_factory=list)  # errors found while loading


def resolve_parser(path: Path, kind: str, fmt: str):
    """The parser named by ``fmt``, or the one auto-detection picks (FormatError when none)."""
    if fmt in (None, "", "auto"):
        return detect(path, kind)
    try:
        return get_parser(fmt, kind)
    except KeyError as error:
        raise FormatError(path, str(error.args[0]))


def refuse_nul_bytes(path: Path) -> None:
    """FormatError naming the line of the first NUL byte of a text file (PostgreSQL text cannot hold
    one: the import would fail in the database, on SQLite it would be stored). Workbooks (zip
    files) are binary by nature and skipped."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        with open(file, "rb") as handle:
            if handle.read(4) == b"PK\x03\x04":
                continue
            handle.seek(0)
            line = 1
            for block in iter(lambda: handle.read(1 << 22), b""):
                at = block.find(b"\0")
                if at >= 0:
                    raise FormatError(file, "the file contains a NUL byte (0x00): not a text file",
                                      line=line + block.count(b"\n", 0, at))
                line += block.count(b"\n")


def set_progress(run: ImportRun | None, fraction: float) -> None:
    if run is None or run.id is None:
        return
    fraction = max(0.0, min(1.0, float(fraction)))
    with _progress_lock:
        PROGRESS[run.id] = fraction
    if db.engine.dialect.name != "sqlite":
        now = time.monotonic()
        with _progress_lock:  # at most one write a second: a poll every few seconds needs no more
            if now - _PROGRESS_WRITTEN.get(run.id, 0.0) < 1.0 and fraction < 1.0:
                return
            _PROGRESS_WRITTEN[run.id] = now
        # Outside the import's transaction, and never the ImportRun row itself (see ImportProgress).
        with db.engine.connect() as connection:
            connection.execute(update(ImportProgress).where(ImportProgress.import_run_id == run.id)
                               .values(progress=fraction, updated_at=utcnow()))
            connection.commit()


def progress_of(run: ImportRun) -> float:
    """How far the run is: this process's own record, else (another worker's run) the stored one."""
    with _progress_lock:
        if run.id in PROGRESS:
            return PROGRESS[run.id]
    if run.status in ("pending", "running"):
        stored = db.session.get(ImportProgress, run.id)
        if stored is not None:
            return stored.progress
    return run.progress


def create_run(organization, kind: str, path: Path, options: ImportOptions, fmt: str | None,
               display_name: str | None = None) -> ImportRun:
    """Record a pending import (committed at once so a page can show and poll it)."""
    actor_id, actor_label = audit.actor_of(options.actor)
    run = ImportRun(organization_id=organization.id, kind=kind, file_name=display_name or Path(path).name,
                    file_sha256=file_sha256(path), format=fmt, status="pending",
                    options={"strict": options.strict, **{k: str(v) for k, v in options.params.items()}},
                    created_by_id=actor_id, created_by_label=actor_label)
    db.session.add(run)
    db.session.commit()
    return run


def run_import(organization, kind: str, path, loader_factory: Callable[[ImportContext], Loader],
               options: ImportOptions | None = None, run: ImportRun | None = None,
               display_name: str | None = None) -> ImportResult:
    """Import one file of ``kind`` for ``organization``; see the module docstring for the rules."""
    options = options or ImportOptions()
    path = Path(path)
    result = ImportResult(status="failed", format=None)
    try:
        parser = resolve_parser(path, kind, options.fmt)
    except FormatError as error:
        return _rejected_early(organization, kind, path, options, run, error, display_name)
    result.format = parser.name
    if run is None and not options.dry_run:
        run = create_run(organization, kind, path, options, parser.name, display_name)
    if run is not None:
        run.status, run.format = "running", parser.name
        progress_row = db.session.get(ImportProgress, run.id) or ImportProgress(import_run_id=run.id)
        progress_row.worker, progress_row.heartbeat_at = worker_name(), utcnow()
        db.session.add(progress_row)
        db.session.commit()
        result.run_id = run.id
    heartbeat = Heartbeat.start(run)
    try:
        return _parse_and_write(organization, path, loader_factory, options, run, parser, result)
    finally:
        heartbeat.stop()


def _parse_and_write(organization, path: Path, loader_factory, options: ImportOptions, run: ImportRun | None,
                     parser, result: ImportResult) -> ImportResult:
    context = ImportContext(organization=organization, run=run, options=options, path=path, parser_name=parser.name)
    loader = loader_factory(context)
    try:
        writing = True
        # A loader may ask the parser for a form of the rows that suits it (e.g. Arrow-backed text,
        # bigger blocks); options given for this import win.
        parse_options = {**getattr(loader, "parse_options", {}), **options.params}
        refuse_nul_bytes(path)
        for batch in parser.parse(path, **parse_options):
            result.read += batch.read
            result.errors.extend(batch.errors)
            if options.strict and result.errors:
                writing = False  # keep reading, to report every bad row, but write nothing
            if writing:
                imported, duplicates = loader.write(batch, context)
                result.imported += imported
                result.duplicates += duplicates
            for note in batch.notes:
                context.report.setdefault("notes", []).append(note)
            set_progress(run, batch.progress)
            if options.on_progress:
                options.on_progress(batch.progress)
        finish = getattr(loader, "finish", None)
        if writing and finish:
            finish(context)
        result.errors.extend(context.extra_errors)
        if options.strict and result.errors:
            raise Rejected(f"{len(result.errors)} bad rows; strict mode rejects the whole file")
        result.report = context.report
        if options.dry_run:
            db.session.rollback()
            result.status = "dry_run"
            return result
        result.status = "succeeded"
        _store_outcome(run, result)
        db.session.commit()
        # Work that depends on the committed data (recomputing stored scores, judging pledges).
        # The import itself is committed whatever happens here, so a failure is reported, not raised.
        after_commit = getattr(loader, "after_commit", None)
        if after_commit:
            try:
                after_commit(context, result)
            except Exception as error:
                db.session.rollback()
                log.exception("follow-up work after importing %s failed", path)
                result.message = (f"Imported, but the follow-up work failed ({type(error).__name__}: {error}); "
                                  "run `flask --app tracker recompute`.")
                if run is not None:
                    db.session.get(ImportRun, run.id).message = result.message
                    db.session.commit()
        return result
    except (FormatError, Rejected) as error:
        _abandon(loader, error)
        db.session.rollback()
        result.status, result.message = "rejected", str(error)
        result.imported = result.duplicates = 0
        if isinstance(error, FormatError):
            result.errors.append(RowError(error.line, error.field, error.reason))
    except Exception as error:  # a crash part-way: nothing of this file stays written
        _abandon(loader, error)
        db.session.rollback()
        log.exception("import of %s failed", path)
        result.status, result.message = "failed", f"{type(error).__name__}: {error}"
        result.imported = result.duplicates = 0
    if run is not None and not options.dry_run:
        run = db.session.get(ImportRun, run.id)
        _store_outcome(run, result)
        db.session.commit()
    return result


@dataclass
class Preview:
    """What the preview page shows: the dry run's result, the first rows of each table, and how
    much of the file they come from (``sampled``: only the first ``read_bytes`` of ``size``)."""
    result: ImportResult
    tables: dict
    size: int
    read_bytes: int

    @property
    def sampled(self) -> bool:
        return self.read_bytes < self.size


def head_sample(path: Path, limit: int, folder: Path) -> Path:
    """A copy of the first ``limit`` bytes of ``path`` cut after its last whole line, under the
    same name in ``folder`` (sniffers look at the name too)."""
    with path.open("rb") as handle:
        head = handle.read(limit)
    cut = head.rfind(b"\n")
    sample = folder / path.name
    sample.write_bytes(head[:cut + 1] if cut >= 0 else head)
    return sample


def preview(organization, kind: str, path, loader_factory, options: ImportOptions, limit: int,
            rows: int = 20) -> Preview:
    """A dry run of an upload for the preview page that reads at most ``limit`` bytes of it: a
    larger file is previewed on its first ``limit`` bytes (whole lines), so a 180 MB upload costs
    what a 2 MB one does. The format is recognized on the whole file's head either way."""
    import tempfile

    path = Path(path)
    size = path.stat().st_size
    options = ImportOptions(fmt=options.fmt, strict=options.strict, dry_run=True, actor=options.actor,
                            params=options.params)
    with tempfile.TemporaryDirectory(prefix="preview-") as folder:
        target = path
        if size > limit:
            try:
                options.fmt = resolve_parser(path, kind, options.fmt).name
            except FormatError as error:
                return Preview(_rejected_early(organization, kind, path, options, None, error, None), {}, size,
                               min(size, limit))
            target = head_sample(path, limit, Path(folder))
        result = run_import(organization, kind, target, loader_factory, options)
        tables = {}
        if result.format:
            try:
                parser = resolve_parser(target, kind, result.format)
                first = next(iter(parser.parse(target, **options.params)), None)
                if first is not None:
                    tables = {name: frame.head(rows) for name, frame in first.tables.items() if len(frame)}
            except FormatError:
                tables = {}
        return Preview(result, tables, size, target.stat().st_size)


def worker_name() -> str:
    """This process, as the runs it works on record it: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Heartbeat:
    """A thread that stamps the run's ImportProgress.heartbeat_at every IMPORT_HEARTBEAT_INTERVAL
    seconds while the import runs, through its own connection (outside the import's transaction).
    If the process dies the stamps stop, and fail_abandoned_runs notices. Not on SQLite: the
    import's transaction holds its one write lock to the end, so nobody else can write meanwhile;
    there a dead worker is found by its process id."""

    def __init__(self, run_id: int | None = None, engine=None, interval: float = 0.0):
        self.run_id, self.engine, self.interval = run_id, engine, interval
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    @classmethod
    def start(cls, run: ImportRun | None) -> "Heartbeat":
        if run is None or run.id is None or db.engine.dialect.name == "sqlite":
            return cls()
        beat = cls(run.id, db.engine, float(current_app.config.get("IMPORT_HEARTBEAT_INTERVAL", 15)))
        beat.thread = threading.Thread(target=beat._beat, name=f"import-heartbeat-{run.id}", daemon=True)
        beat.thread.start()
        return beat

    def _beat(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                with self.engine.connect() as connection:
                    connection.execute(update(ImportProgress).where(ImportProgress.import_run_id == self.run_id)
                                       .values(heartbeat_at=utcnow()))
                    connection.commit()
            except Exception:  # a missed beat is not the import's failure; the next one may pass
                log.warning("heartbeat of import %s not written", self.run_id, exc_info=True)

    def stop(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _why_abandoned(run: ImportRun, progress: ImportProgress | None, now: datetime, timeout: timedelta) -> str | None:
    """Why the run's worker is known to be dead, or None while it may be alive (a queued RQ job
    has no worker yet: it waits its turn)."""
    if progress is None or not progress.worker:
        return None
    host, _, pid = progress.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _process_alive(int(pid)):
        return f"its worker process ({progress.worker}) is gone"
    if db.engine.dialect.name != "sqlite" and progress.heartbeat_at is not None \
            and now - progress.heartbeat_at > timeout:
        return f"its worker ({progress.worker}) sent no heartbeat since {progress.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC"
    return None


def fail_abandoned_runs(organization_id: int | None = None, run_id: int | None = None) -> list[int]:
    """Mark failed the pending or running imports whose worker died (killed, out of memory, a
    restart): its process is gone from this host, or (PostgreSQL) no heartbeat came for
    IMPORT_HEARTBEAT_TIMEOUT seconds. Their transaction died with them, so nothing of their file
    was written. Returns the ids marked. The import pages and `cleanup-imports` call it."""
    timeout = timedelta(seconds=current_app.config.get("IMPORT_HEARTBEAT_TIMEOUT", 120))
    now = utcnow()
    query = (select(ImportRun, ImportProgress)
             .outerjoin(ImportProgress, ImportProgress.import_run_id == ImportRun.id)
             .where(ImportRun.status.in_(("pending", "running"))))
    if organization_id is not None:
        query = query.where(ImportRun.organization_id == organization_id)
    if run_id is not None:
        query = query.where(ImportRun.id == run_id)
    failed = []
    try:
        for run, progress in db.session.execute(query).all():
            reason = _why_abandoned(run, progress, now, timeout)
            if reason is None:
                continue
            message = (f"This import stopped before it finished: {reason}. Nothing of the file was written "
                       "(an import is one transaction); start it again.")
            marked = db.session.execute(update(ImportRun).where(ImportRun.id == run.id,
                                                                ImportRun.status.in_(("pending", "running")))
                                        .values(status="failed", message=message, finished_at=now)).rowcount
            if marked:
                audit.record(run.organization_id, "import.abandoned", run, note=reason)
                failed.append(run.id)
        if failed:
            db.session.commit()
    except OperationalError:  # SQLite: another import holds the write lock; the next look retries
        db.session.rollback()
        return []
    if failed:
        db.session.expire_all()
        with _progress_lock:
            for run_id_ in failed:
                PROGRESS.pop(run_id_, None)
    return failed


def _abandon(loader: Loader, error: BaseException) -> None:
    """Let the loader release the connection (an open COPY) before the rollback."""
    abort = getattr(loader, "abort", None)
    if abort:
        abort(error)


def _rejected_early(organization, kind, path, options, run, error, display_name) -> ImportResult:
    result = ImportResult(status="rejected", format=None, message=str(error),
                          errors=[RowError(error.line, error.field, error.reason)])
    if not options.dry_run and path.exists():
        run = run or create_run(organization, kind, path, options, None, display_name)
        result.run_id = run.id
        _store_outcome(run, result)
        db.session.commit()
    return result


def _store_outcome(run: ImportRun | None, result: ImportResult) -> None:
    if run is None:
        return
    run.status = result.status
    run.progress = 1.0
    run.read_count, run.imported_count = result.read, result.imported
    run.duplicate_count, run.error_count = result.duplicates, len(result.errors)
    run.message = result.message
    run.report = result.report or None
    run.finished_at = utcnow()
    with _progress_lock:
        PROGRESS.pop(run.id, None)
        _PROGRESS_WRITTEN.pop(run.id, None)
    stored = result.errors[:MAX_STORED_ERRORS]
    if stored:
        db.session.execute(insert(ImportRowError), [
            {"import_run_id": run.id, "line": e.line, "field": e.field, "message": e.message[:1000], "raw": e.raw}
            for e in stored])
