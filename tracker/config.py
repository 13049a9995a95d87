"""Configuration: defaults, then the environment, then an explicit mapping (tests)."""
import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    """Settings read from the environment when the app starts."""

    def __init__(self) -> None:
        self.ENV_NAME = os.environ.get("TRACKER_ENV", "production")
        self.SECRET_KEY = os.environ.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tracker.db'}"
        )
        # Heroku-style URLs say postgres://; SQLAlchemy wants a driver name.
        if self.SQLALCHEMY_DATABASE_URI.startswith(("postgres://", "postgresql://")):
            self.SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://" + self.SQLALCHEMY_DATABASE_URI.split("://", 1)[1]
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_MB", 200) * 1024 * 1024
        self.LEGISTAR_BASE_URL = os.environ.get("LEGISTAR_BASE_URL", "https://webapi.legistar.com/v1")
        self.ORGANIZATION_SLUG = os.environ.get("ORGANIZATION_SLUG") or None
        self.SQLALCHEMY_TRACK_MODIFICATIONS = False
        self.WTF_CSRF_ENABLED = True
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
        # Remember-me cookie (Flask-Login): Secure follows SESSION_COOKIE_SECURE (see load_config).
        self.REMEMBER_COOKIE_NAME = "remember_token"
        self.REMEMBER_COOKIE_DURATION = timedelta(days=_int("REMEMBER_COOKIE_DAYS", 30))
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        # Rate limits (tracker/limits.py), in the syntax of the `limits` package: "10 per 15 minutes".
        self.RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") != "0"
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or None  # default: REDIS_URL, else memory
        self.RATELIMIT_KEY_PREFIX = "tracker"
        # A Redis that stops answering must not lock members out: count in memory until it is back.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT") or "10 per 15 minutes"
        self.TOKEN_LINK_RATE_LIMIT = os.environ.get("TOKEN_LINK_RATE_LIMIT") or "20 per hour"
        # Reverse proxies in front of gunicorn (nginx: 1): their X-Forwarded-For names the client
        # the limits count. 0 trusts no such header.
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        self.PAGE_SIZE = _int("PAGE_SIZE", 50)
        # Imports (tracker/services/ingest.py, jobs.py): a running import's worker writes a heartbeat
        # every INTERVAL seconds; a run with none for TIMEOUT seconds is marked failed. Uploaded
        # files are removed when their run ends; `cleanup-imports` removes any older than RETENTION.
        self.IMPORT_HEARTBEAT_INTERVAL = _int("IMPORT_HEARTBEAT_INTERVAL", 15)
        self.IMPORT_HEARTBEAT_TIMEOUT = _int("IMPORT_HEARTBEAT_TIMEOUT", 120)
        self.UPLOAD_RETENTION_DAYS = _int("UPLOAD_RETENTION_DAYS", 7)
        # The preview page dry-runs at most this much of an upload (its first whole lines).
        self.IMPORT_PREVIEW_BYTES = _int("IMPORT_PREVIEW_KB", 2048) * 1024


def load_config(overrides: dict | None = None) -> dict:
    """Return the settings as a dict; refuse to start without a SECRET_KEY outside dev/test."""
    settings = {k: v for k, v in vars(Config()).items()}
    if overrides:
        settings.update(overrides)
    overridden = overrides or {}
    if "REMEMBER_COOKIE_SECURE" not in overridden:
        settings["REMEMBER_COOKIE_SECURE"] = bool(settings["SESSION_COOKIE_SECURE"])
    if not settings.get("RATELIMIT_STORAGE_URI"):
        settings["RATELIMIT_STORAGE_URI"] = settings.get("REDIS_URL") or "memory://"
    relaxed = settings.get("TESTING") or settings.get("ENV_NAME") in ("development", "testing")
    if not settings.get("SECRET_KEY"):
        if not relaxed:
            raise RuntimeError(
                "SECRET_KEY is not set. Set it in the environment (any long random string), "
                "or set TRACKER_ENV=development for a local, non-public server."
            )
        settings["SECRET_KEY"] = "dev-only-not-secret"
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(exist_ok=True)
    return settings
