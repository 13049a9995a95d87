"""`flask db upgrade` builds the whole schema on SQLite and PostgreSQL, matching the models."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import DATABASES, PG_URL, _pg_schema
from tracker import create_app
from tracker.extensions import db


@pytest.fixture(params=DATABASES)
def empty_app(request, tmp_path, worker_id):
    settings = {"TESTING": True, "SECRET_KEY": "t"}
    schema = _pg_schema(worker_id, "migrate")
    if request.param == "sqlite":
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'migrate.db'}"
    else:
        settings["SQLALCHEMY_DATABASE_URI"] = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
    app = create_app(settings)
    with app.app_context():
        if request.param == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield app
        db.engine.dispose()


def test_upgrade_builds_schema_that_matches_models(empty_app):
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "models changed without a migration: run `flask --app tracker db migrate`"


def test_downgrade_to_base_and_up_again(empty_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "roll_call" in inspect(db.engine).get_table_names()
