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


def test_vote_positions_survive_the_change_of_key(empty_app):
    """a7f3c1d2e4b5 re-keys vote_position by (roll_call_id, voter_key): stored rows are kept both ways."""
    upgrade(revision="c5a970039e52")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO organization (id, slug, name, created_at) VALUES (1, 'o', 'O', '2026-01-01')"))
        conn.execute(text("INSERT INTO body (id, organization_id, name, kind) VALUES (1, 1, 'Council', 'council')"))
        conn.execute(text("INSERT INTO roll_call (id, organization_id, body_id, voted_on, source, source_id, needs_review, "
                          "created_at) VALUES (1, 1, 1, '2026-01-02', 'csv', 'r1', false, '2026-01-02')"))
        conn.execute(text("INSERT INTO vote_position (id, organization_id, roll_call_id, voter_key, voter_name, raw_label, "
                          "position, source_line) VALUES (7, 1, 1, 'name:b', 'B', 'No', 'no', 3), "
                          "(8, 1, 1, 'name:a', 'A', 'Aye', 'yes', 2)"))
    rows = "SELECT roll_call_id, voter_key, voter_name, raw_label, position, source_line FROM vote_position ORDER BY voter_key"
    stored = [(1, "name:a", "A", "Aye", "yes", 2), (1, "name:b", "B", "No", "no", 3)]
    upgrade(revision="a7f3c1d2e4b5")
    assert inspect(db.engine).get_pk_constraint("vote_position")["constrained_columns"] == ["roll_call_id", "voter_key"]
    if db.engine.dialect.name == "sqlite":  # stored in key order, as the model declares
        with db.engine.connect() as conn:
            assert "WITHOUT ROWID" in conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'vote_position'")).scalar()
    with db.engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(rows))] == stored
    downgrade(revision="c5a970039e52")
    assert inspect(db.engine).get_pk_constraint("vote_position")["constrained_columns"] == ["id"]
    with db.engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(rows))] == stored
        assert sorted(conn.execute(text("SELECT id FROM vote_position")).scalars()) == [1, 2]


def test_voters_move_to_their_own_table_and_back(empty_app):
    """f6a1c8d3e9b2 moves each voter key (and a name filed under it) to `voter`; positions refer to
    it by id. Stored rows are kept both ways, in two organizations that share a key."""
    upgrade(revision="e5f9b3c7d2a8")
    with db.engine.begin() as conn:
        for org in (1, 2):
            conn.execute(text(f"INSERT INTO organization (id, slug, name, created_at) VALUES ({org}, 'o{org}', 'O', '2026-01-01')"))
            conn.execute(text(f"INSERT INTO body (id, organization_id, name, kind) VALUES ({org}, {org}, 'Council', 'council')"))
        conn.execute(text("INSERT INTO roll_call (id, organization_id, body_id, voted_on, source, source_id, needs_review, "
                          "created_at) VALUES (1, 1, 1, '2026-01-02', 'csv', 'r1', false, '2026-01-02'), "
                          "(2, 1, 1, '2026-01-09', 'csv', 'r2', false, '2026-01-09'), "
                          "(3, 2, 2, '2026-01-09', 'csv', 'r1', false, '2026-01-09')"))
        conn.execute(text("INSERT INTO vote_position (organization_id, roll_call_id, voter_key, voter_name, raw_label, "
                          "position, source_line) VALUES (1, 1, 'name:b', 'B', 'No', 'no', 3), "
                          "(1, 1, 'name:a', 'A', 'Aye', 'yes', 2), (1, 2, 'name:a', 'A', 'No', 'no', 2), "
                          "(2, 3, 'name:a', 'Al', 'Aye', 'yes', 7)"))
    rows = ("SELECT p.roll_call_id, {key}, {name}, raw_label, position, source_line FROM vote_position p {join} "
            "ORDER BY p.roll_call_id, {key}")
    stored = [(1, "name:a", "A", "Aye", "yes", 2), (1, "name:b", "B", "No", "no", 3), (2, "name:a", "A", "No", "no", 2),
              (3, "name:a", "Al", "Aye", "yes", 7)]
    upgrade()
    assert inspect(db.engine).get_pk_constraint("vote_position")["constrained_columns"] == ["roll_call_id", "voter_id"]
    assert "voter_key" not in {c["name"] for c in inspect(db.engine).get_columns("vote_position")}
    with db.engine.connect() as conn:
        joined = rows.format(key="v.voter_key", name="v.voter_name", join="JOIN voter v ON v.id = p.voter_id")
        assert [tuple(r) for r in conn.execute(text(joined))] == stored
        assert conn.execute(text("SELECT organization_id, voter_key, voter_name FROM voter ORDER BY organization_id, "
                                 "voter_key")).all() == [(1, "name:a", "A"), (1, "name:b", "B"), (2, "name:a", "Al")]
        if db.engine.dialect.name == "sqlite":
            assert "WITHOUT ROWID" in conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'vote_position'")).scalar()
    downgrade(revision="e5f9b3c7d2a8")
    assert inspect(db.engine).get_pk_constraint("vote_position")["constrained_columns"] == ["roll_call_id", "voter_key"]
    assert "voter" not in inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(rows.format(key="voter_key", name="voter_name", join="")))] == stored


def test_upgrade_makes_the_audit_log_append_only(empty_app):
    """The migration installs the same triggers as create_all (tracker/models/append_only.py)."""
    from tracker.models import AuditEvent, Organization
    upgrade()
    with db.engine.begin() as conn:
        conn.execute(Organization.__table__.insert().values(id=1, slug="o", name="O"))
        conn.execute(AuditEvent.__table__.insert().values(organization_id=1, actor_label="cli", action="a",
                                                          entity_type="T"))
    for statement in ("UPDATE audit_event SET note = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="audit events are append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    downgrade(revision="d5a2f49e9020")
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))
