"""tracker: a member-run organization's program, pledges, and the public record held against them."""
import importlib


def create_app(config: dict | None = None):
    """Build the app: settings from the environment, overridden by ``config`` (tests)."""
    # Imported here, not at module level, so the pure cores (tracker.scoring, tracker.money,
    # tracker.vocabulary) load without Flask or SQLAlchemy.
    from flask import Flask

    from tracker.config import INSTANCE_DIR, load_config
    from tracker.extensions import csrf, db, enable_sqlite_settings, login_manager, migrate
    from tracker.limits import limiter

    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_path=str(INSTANCE_DIR))
    app.config.from_mapping(load_config(config))

    from tracker import models  # noqa: F401  (registers tables on the metadata)

    enable_sqlite_settings()
    db.init_app(app)
    # Batch mode lets Alembic alter tables on SQLite (which cannot ALTER most things in place).
    migrate.init_app(app, db, directory=str(INSTANCE_DIR.parent / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    from tracker import i18n
    i18n.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    # Explicit list: a new area is one line here.
    for module in ("main", "accounts", "admin", "program", "voting", "candidates", "scorecards", "importing",
                   "money_pages", "api", "follow"):
        app.register_blueprint(importlib.import_module(f"tracker.{module}.views").bp)

    from tracker import cli, errors, web
    from tracker.services import notifications
    notifications.init_app(app)
    errors.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app
