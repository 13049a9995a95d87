"""Fixtures: an app per test on a clean database, on SQLite always and on PostgreSQL when
TEST_DATABASE_URL is set (in CI it must be: a missing PostgreSQL run fails, it is not skipped)."""
import contextlib
import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from tracker import create_app
from tracker.extensions import db

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
PG_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])
_pg_schemas_ready: set[str] = set()


def pytest_configure(config):
    if os.environ.get("CI") and not PG_URL:
        raise pytest.UsageError("CI is set but TEST_DATABASE_URL is not: the PostgreSQL run would be skipped.")
    if not REALDATA.is_dir():
        raise pytest.UsageError(f"Real data samples not found at {REALDATA} (../shared/realdata).")


# Schemas are named after this checkout and the xdist worker, so several checkouts (and workers)
# can share one PostgreSQL database without seeing each other's rows.
CHECKOUT = hashlib.sha1(str(Path(__file__).resolve().parent.parent).encode()).hexdigest()[:8]


def _pg_schema(worker_id: str, purpose: str = "test") -> str:
    return f"{purpose}_{CHECKOUT}_{worker_id}".replace("-", "_")


def _make_app(kind: str, tmp_path, worker_id: str, **overrides):
    settings = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                "SERVER_NAME": "tracker.test"}
    if kind == "sqlite":
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        schema = _pg_schema(worker_id)
        url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        settings["SQLALCHEMY_DATABASE_URI"] = url
        # Each xdist worker gets its own schema, so parallel runs never see each other's rows.
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
    settings.update(overrides)
    app = create_app(settings)
    with app.app_context():
        if kind == "sqlite":
            db.create_all()
        else:
            schema = _pg_schema(worker_id)
            if schema not in _pg_schemas_ready:
                with db.engine.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                db.create_all()
                _pg_schemas_ready.add(schema)
            else:
                names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
                with db.engine.begin() as conn:
                    conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return app


@pytest.fixture
def worker_id(request):
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(params=DATABASES)
def app(request, tmp_path, worker_id):
    """The app on a clean database (SQLite, and PostgreSQL when configured)."""
    app = _make_app(request.param, tmp_path, worker_id)
    app.config["DB_KIND"] = request.param
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path, worker_id):
    """Build an app with extra settings (e.g. CSRF on), on SQLite."""
    apps = []

    def factory(**overrides):
        app = _make_app("sqlite", tmp_path, worker_id, **overrides)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def org(app):
    from tests.factories import make_org
    return make_org()


@pytest.fixture
def login(client, org):
    """login(role) signs in a fresh member with that role and returns the member."""
    from tests.factories import PASSWORD, make_member

    def do_login(role: str = "member"):
        member = make_member(org, role=role)
        response = client.post("/login", data={"email": member.email, "password": PASSWORD})
        assert response.status_code == 302, response.data
        return member

    return do_login


@pytest.fixture
def realdata():
    return REALDATA


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def serve_demo(db_path):
    """The demo organization served by a real HTTP server in a thread; yields (base URL, app)."""
    import threading

    from werkzeug.serving import make_server

    from tracker.services import demo

    app = create_app({"TESTING": True, "SECRET_KEY": "live", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    with app.app_context():
        db.create_all()
        demo.build()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(tmp_path):
    """The demo organization served by a real HTTP server in a thread; yields its base URL."""
    with serve_demo(tmp_path / "live.db") as (base_url, _app):
        yield base_url


@contextlib.contextmanager
def chromium_browser():
    """Debian's chromium driven by Playwright. Missing chromium fails in CI instead of skipping."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright. Missing chromium fails in CI instead of skipping."""
    with chromium_browser() as chromium:
        yield chromium
