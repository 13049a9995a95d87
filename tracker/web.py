"""Request-time helpers shared by the views: the current organization, role checks, paging."""
import csv
import io
import json
from functools import wraps
from urllib.parse import urlsplit

from flask import Response, abort, current_app, g, request
from flask_login import current_user

from tracker.csv_cells import cell_text
from tracker.extensions import db, login_manager
from tracker.models import Member, Organization
from tracker.services import accounts


@login_manager.user_loader
def load_member(session_token: str) -> Member | None:
    """The member of the sign-in whose token the session or remember-me cookie carries."""
    return accounts.member_for_token(session_token)


def current_organization() -> Organization | None:
    """The organization this request is about: the member's own, else the configured one."""
    if "organization" not in g:
        org = None
        if current_user.is_authenticated:
            org = current_user.organization
        else:
            slug = current_app.config.get("ORGANIZATION_SLUG")
            query = db.select(Organization).order_by(Organization.id).limit(1)
            if slug:
                query = db.select(Organization).filter_by(slug=slug)
            org = db.session.execute(query).scalar_one_or_none()
        g.organization = org
    return g.organization


def role_required(role: str):
    """Decorator: signed in with ``role`` or stronger; anonymous -> sign-in page, too weak -> 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def owned_or_404(model, ident: int):
    """The row, if it belongs to the signed-in member's organization; 404 otherwise (a write
    never reaches across organizations, and does not tell whether the row exists)."""
    row = db.get_or_404(model, ident)
    if row.organization_id != current_user.organization_id:
        abort(404)
    return row


def same_site_path(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``: a ?next= never sends a visitor
    to another host (//evil.example, https://..., javascript:...)."""
    target = target or ""
    if not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return fallback
    return target


def page_number() -> int:
    """The ?page= argument, at least 1."""
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def download(table, filename: str, fmt: str) -> Response:
    """A public table (``tracker.scorecards.queries.Table``) as CSV or JSON, with the page's columns."""
    records = table.records()
    if fmt == "json":
        body = json.dumps({"caption": table.caption, "columns": [key for key, _ in table.columns],
                           "data": records}, ensure_ascii=False, indent=1)
        response = Response(body, mimetype="application/json")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([label for _, label in table.columns])
        for record in records:
            writer.writerow([cell_text(value) for value in record.values()])
        response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


# Only this site's own files run or style a page: no inline <script> or style= attribute, no other
# host (plotly is served from static/vendor; chart data travels in JSON data blocks). Pages may be
# framed by this site only; forms post to this site only.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "font-src 'self'",
    "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'self'",
])
HSTS_SECONDS = 365 * 24 * 3600


def init_app(app) -> None:
    @app.before_request
    def run_due_ballots():
        # The first request after a ballot's closing time closes it (cron runs `flask ballot
        # close-due` too); between due times this costs no query (services.ballots.due_cache).
        if request.endpoint in (None, "static"):
            return
        from tracker.services import ballots
        try:
            ballots.run_due_if_any()
        except Exception:  # never let a count break an unrelated page; the next request retries
            db.session.rollback()
            current_app.logger.exception("Closing due ballots failed")

    @app.context_processor
    def inject_organization():
        return {"organization": current_organization()}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS: browsers keep to it for a year
            response.headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
        return response
