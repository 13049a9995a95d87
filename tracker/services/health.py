"""The health check behind /healthz: does the database answer a query, and Redis (when configured)?"""
import logging

from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db

log = logging.getLogger(__name__)


def check(redis_url: str | None) -> dict:
    """``{"status": "ok" | "failing", "database": bool, "redis": bool | None, "failed": [...]}``:
    the database answers ``SELECT 1``; Redis (None when REDIS_URL is not set) answers PING within a
    second. Failures are logged with their cause; the answer names only what failed."""
    report = {"database": _database_answers(), "redis": _redis_answers(redis_url) if redis_url else None}
    report["failed"] = [name for name, ok in report.items() if ok is False]
    report["status"] = "failing" if report["failed"] else "ok"
    return report


def _database_answers() -> bool:
    try:
        db.session.execute(db.select(db.literal(1))).scalar_one()
        return True
    except SQLAlchemyError:
        log.exception("health check: the database did not answer")
        db.session.rollback()
        return False


def _redis_answers(url: str) -> bool:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        client = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (RedisError, OSError):
        log.exception("health check: Redis did not answer")
        return False
