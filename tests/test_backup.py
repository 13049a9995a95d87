"""`flask backup PATH` and `flask restore PATH`: a restored database exports exactly what the
original did, on SQLite and on PostgreSQL (a database of its own, never the shared test one)."""
import pytest
from sqlalchemy import create_engine, delete, exc, make_url, select, text, update

from tests.conftest import CHECKOUT, DATABASES, PG_URL
from tracker import create_app
from tracker.extensions import db
from tracker.models import AuditEvent, Person, VotePosition
from tracker.services import demo

EXPORTS = [["export", "votes"], ["export", "votes", "--format", "json"], ["export", "contributions"],
           ["export", "classification"], ["export", "scores"], ["export", "alignments"],
           ["export", "program", "--format", "json"]]


@pytest.fixture(params=DATABASES)
def own_app(request, tmp_path, worker_id):
    """An app on a database of its own: pg_dump and pg_restore work on whole databases, and the
    shared test database holds every worker's schema."""
    settings = {"TESTING": True, "SECRET_KEY": "t"}
    admin = None
    if request.param == "sqlite":
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'original.db'}"
    else:
        name = f"backup_{CHECKOUT}_{worker_id}".replace("-", "_")
        admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        settings["SQLALCHEMY_DATABASE_URI"] = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _exports(runner) -> dict:
    outputs = {}
    for args in EXPORTS:
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
        outputs[" ".join(args)] = result.output
    return outputs


def test_a_restored_database_exports_what_the_original_did(own_app, tmp_path):
    demo.build()
    db.session.commit()
    runner = own_app.test_cli_runner()
    before = _exports(runner)
    assert before["export votes"].count("\n") > 300 and before["export contributions"].count("\n") > 300
    events = db.session.execute(select(db.func.count()).select_from(AuditEvent)).scalar_one()

    path = tmp_path / "tracker.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0 and "Backed up the database" in result.output

    # After the backup the database changes; the restore brings back what the backup holds.
    db.session.execute(delete(VotePosition))
    db.session.execute(update(Person).values(name="Renamed"))
    db.session.commit()
    assert _exports(runner) != before

    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code == 0, result.output
    assert _exports(runner) == before
    assert db.session.execute(select(db.func.count()).select_from(AuditEvent)).scalar_one() == events
    # the audit log's triggers came back with it
    with pytest.raises(exc.DBAPIError, match="append-only"):
        db.session.execute(delete(AuditEvent))
    db.session.rollback()


def test_restore_asks_first_and_refuses_what_is_not_a_backup(own_app, tmp_path):
    runner = own_app.test_cli_runner()
    path = tmp_path / "not-a-backup"
    path.write_text("hello")
    refused = runner.invoke(args=["restore", str(path)], input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    failed = runner.invoke(args=["restore", "--yes", str(path)])
    assert failed.exit_code == 1 and "Error:" in failed.output
