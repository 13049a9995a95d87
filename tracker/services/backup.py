"""Backup and restore of the whole database, for cron and for moving a deployment.

SQLite: the sqlite3 online backup API, a consistent copy even while the app writes (pages go on
reading meanwhile). PostgreSQL: pg_dump's custom format (-Fc) and pg_restore, given the URL of
the app's own configuration (the password goes in PGPASSWORD, not on the command line, where
any local user could read it). A restore replaces what the database holds with the backup.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from tracker.extensions import db


class BackupError(Exception):
    """The backup or restore could not be made; the message says why."""


def _url():
    return make_url(str(db.engine.url))


def _sqlite_file() -> Path:
    database = _url().database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(database)


def _pg_command(program: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore against the configured database."""
    url = _url()
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    try:
        completed = subprocess.run([program, f"--dbname={conninfo}", *arguments], env=env,
                                   capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client)") from None
    if completed.returncode != 0:
        raise BackupError(f"{program} failed: {completed.stderr.strip()}")


def backup(path) -> Path:
    """Write a backup of the whole database to ``path`` (replaced if it exists)."""
    path = Path(path)
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        source = sqlite3.connect(_sqlite_file())
        path.unlink(missing_ok=True)
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    elif dialect == "postgresql":
        _pg_command("pg_dump", "--format=custom", "--no-owner", f"--file={path}")
    else:
        raise BackupError(f"no backup for a {dialect} database")
    return path


def restore(path) -> None:
    """Replace the database's contents with the backup at ``path`` (one made by ``backup``)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    dialect = db.engine.dialect.name
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old pages or a lock
    if dialect == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as error:
            source.close()
            raise BackupError(f"{path} is not an SQLite backup: {error}") from None
        target = sqlite3.connect(_sqlite_file())
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif dialect == "postgresql":
        # --clean --if-exists drops each object of the backup before creating it again; one
        # transaction, so a failed restore leaves the database as it was.
        _pg_command("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(path))
    else:
        raise BackupError(f"no restore for a {dialect} database")
