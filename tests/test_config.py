import pytest

from tracker import create_app


def test_secret_key_required_outside_development(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("TRACKER_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h:5432/d")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("MAX_UPLOAD_MB", "7")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h:5432/d"
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert app.config["MAX_CONTENT_LENGTH"] == 7 * 1024 * 1024


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TRACKER_ENV", "development")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/tracker.db")


def test_sqlite_pages_keep_reading_while_an_import_holds_the_write_lock(make_app):
    """SQLite runs in WAL mode: a reader is not locked out by a writer at its most exclusive (a
    long import's transaction, once it spills pages). In the rollback-journal default this read
    failed with "database is locked"."""
    import sqlite3

    from sqlalchemy import text

    from tests.factories import make_org
    from tracker.extensions import db

    app = make_app()
    with app.app_context():
        make_org()
        db.session.commit()
        path = db.engine.url.database
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        writer = db.engine.raw_connection()
        try:
            writer.execute("BEGIN EXCLUSIVE")
            writer.execute("UPDATE organization SET name = 'renamed'")
            reader = sqlite3.connect(path, timeout=0.1)
            assert reader.execute("SELECT name FROM organization").fetchone()[0] != "renamed"
            reader.close()
        finally:
            writer.rollback()
            writer.close()
