"""Import runs: what file came in, what happened to every row."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import OrgScoped, db, one_of, utcnow
from tracker.vocabulary import IMPORT_KINDS, IMPORT_STATUSES


class ImportRun(OrgScoped, db.Model):
    """One import of one file: counts, row errors with line numbers, progress, who and when."""

    __table_args__ = (one_of("kind", IMPORT_KINDS), one_of("status", IMPORT_STATUSES))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(300))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str | None] = mapped_column(String(40))
    options: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    progress: Mapped[float] = mapped_column(default=0.0)  # 0..1, polled by the page
    read_count: Mapped[int] = mapped_column(default=0)
    imported_count: Mapped[int] = mapped_column(default=0)
    duplicate_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(Text)
    report: Mapped[dict | None] = mapped_column(JSON)  # review labels, unmatched voters, totals
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_by_label: Mapped[str] = mapped_column(String(200), default="cli")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    errors: Mapped[list["ImportRowError"]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="ImportRowError.line"
    )


class ImportRowError(db.Model):
    """A bad row: where it was, which field, what was wrong, and the raw text as read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"), index=True)
    line: Mapped[int | None]
    field: Mapped[str | None] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(String(1000))
    raw: Mapped[str | None] = mapped_column(Text)

    run: Mapped[ImportRun] = relationship(back_populates="errors")


class ImportProgress(db.Model):
    """How far a running import is (0..1), written from outside the import's transaction.

    A row of its own, not a column of ImportRun: on PostgreSQL every contribution row the import
    writes checks its foreign key to the ImportRun row, and updating that row while the import
    runs left a chain of row versions each check had to walk (quadratic on a full-cycle file)."""

    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"), primary_key=True)
    progress: Mapped[float] = mapped_column(default=0.0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who runs the import ("host:pid") and when it last said it was alive (PostgreSQL: every
    # IMPORT_HEARTBEAT_INTERVAL seconds); ingest.fail_abandoned_runs reads both.
    worker: Mapped[str | None] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime | None]
