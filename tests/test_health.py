"""/healthz answers 200 only when the database answers a query (and Redis, when REDIS_URL is set)."""
import socket

import pytest

from tracker import create_app


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthy_database_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True, "redis": None, "failed": []}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-directory/for/tracker.db",  # a file that cannot be opened
    f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test",  # a server that is not there
], ids=["sqlite", "postgresql"])
def test_unusable_database_answers_503(url):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "failing", "database": False, "redis": None, "failed": ["database"]}


def test_redis_that_does_not_answer_gives_503(app, client):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "failing", "database": True, "redis": False, "failed": ["redis"]}


def test_redis_that_answers_gives_200(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True, "redis": True, "failed": []}
