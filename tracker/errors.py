"""Error pages that match the site."""
import math

from flask import render_template
from flask_wtf.csrf import CSRFError

from tracker.extensions import db


def init_app(app) -> None:
    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(413)
    def too_large(error):
        limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return render_template("errors/413.html", limit_mb=limit_mb), 413

    @app.errorhandler(429)
    def too_many_attempts(error):
        from tracker.limits import retry_after_seconds
        seconds = retry_after_seconds()
        response = app.make_response((render_template("errors/429.html", minutes=math.ceil(seconds / 60)), 429))
        response.headers["Retry-After"] = str(seconds)
        return response

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_template("errors/400.html", reason=error.description), 400

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/500.html"), 500
