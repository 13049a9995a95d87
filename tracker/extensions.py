"""Extension objects, created once and bound to the app in create_app()."""
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so Alembic migrations are stable on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


def _sqlite_settings(dbapi_connection, connection_record) -> None:
    """Per SQLite connection: foreign keys (and ON DELETE CASCADE), which SQLite ignores unless
    asked; and the write-ahead log, so pages keep reading while an import writes. In SQLite's
    default rollback-journal mode a long import's transaction soon takes an exclusive lock on the
    whole file: during a million-row import, 8 of 10 reads from another connection failed with
    "database is locked". With WAL, synchronous=NORMAL is the documented pairing: a commit is
    durable once checkpointed, and a crash never corrupts the file."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # kept in the file; in-memory databases answer 'memory'
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


# Set in a pooled connection's info by a bulk load that turned SQLite's foreign keys off for its
# own transaction (tracker/services/votes.py); the pool turns them on again at checkin.
FOREIGN_KEYS_OFF = "tracker.foreign_keys_off"


def _sqlite_foreign_keys_back_on(dbapi_connection, connection_record) -> None:
    """A connection goes back to the pool (after its commit or rollback) with foreign keys on."""
    if connection_record is not None and connection_record.info.pop(FOREIGN_KEYS_OFF, False) \
            and dbapi_connection is not None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")


def enable_sqlite_settings() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool

    if not event.contains(Engine, "connect", _sqlite_settings):
        event.listen(Engine, "connect", _sqlite_settings)
    if not event.contains(Pool, "checkin", _sqlite_foreign_keys_back_on):
        event.listen(Pool, "checkin", _sqlite_foreign_keys_back_on)
