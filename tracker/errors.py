"""Error pages that match the site."""
import math

from flask import render_template
from flask_babel import gettext as _
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
        return render_template("errors/400.html", reason=_csrf_reason(error.description)), 400

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/500.html"), 500


def _csrf_reason(description: str) -> str:
    """Flask-WTF's reason for refusing a form, in the reader's language (an unknown one as is)."""
    return {
        "The CSRF token is missing.": _("The form's security token is missing."),
        "The CSRF token has expired.": _("The form's security token has expired."),
        "The CSRF token is invalid.": _("The form's security token is not valid."),
        "The CSRF tokens do not match.": _("The form's security tokens do not match."),
        "The CSRF session token is missing.": _("The form's session token is missing."),
    }.get(description, description) if _is_translated() else description


def _is_translated() -> bool:
    from tracker.i18n import DEFAULT_LANGUAGE, current_language
    return current_language() != DEFAULT_LANGUAGE
