"""Following: Atom feeds (no account), e-mail follows (double opt-in, one-click unsubscribe), a
member's follow settings, and the admins' view of the outbox."""
import hashlib
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.http import http_date

from tracker.extensions import csrf, db
from tracker.follow.forms import ConfirmForm, FollowForm, MemberFollowsForm, ReleaseForm, UnsubscribeForm
from tracker.i18n import select_language
from tracker.limits import token_link
from tracker.models import Organization, OutboxEvent, OutboxSubject
from tracker.services import notifications
from tracker.services.outbox import event_words
from tracker.web import current_organization, role_required

bp = Blueprint("follow", __name__)
FEED_ENTRIES = 50
TARGET_KINDS = "any(person, plank, election)"


# --- Atom feeds -----------------------------------------------------------------------------------
# Rendered feeds are kept per process for FEED_CACHE_SECONDS (default 30): a feed reader polling
# every few minutes, times thousands of readers, then costs no query. A reader sending back the
# ETag (or Last-Modified) it got gets 304 with no body.
_feed_cache: dict[tuple, tuple[float, bytes, str, datetime]] = {}
_FEED_CACHE_LIMIT = 2000


@bp.get("/feeds/organization.atom")
def organization_feed():
    return _feed("organization", "all")


@bp.get(f"/feeds/<{TARGET_KINDS}:kind>/<ident>.atom")
def feed(kind: str, ident: str):
    return _feed(kind, ident)


def _feed(kind: str, ident: str) -> Response:
    # Like the scorecards' micro-cache: only for visitors without a session (feed readers), whose
    # organization is the configured one, so the cache is looked up before any query. A hit costs
    # no query and no header parsing unless the reader asks a conditional question.
    seconds = current_app.config.get("FEED_CACHE_SECONDS", 0)
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        seconds = 0
    cache_key = (request.host, request.path, select_language())  # a feed is written in the reader's language (chosen without building a Babel locale, as the page cache does)
    hit = _feed_cache.get(cache_key) if seconds else None
    now = time.monotonic()
    if hit is None or hit[0] < now:
        org = current_organization() or abort(404)
        chosen = notifications.target(org, kind, ident) or abort(404)
        body, last_modified = _render_feed(org, chosen)
        headers = {"ETag": f'"{hashlib.sha256(body).hexdigest()[:32]}"', "Last-Modified": http_date(last_modified),
                   "Cache-Control": f"public, max-age={max(60, seconds)}",
                   "Vary": "Accept-Language, Cookie"}
        hit = (now + seconds, body, headers)
        if seconds:
            if len(_feed_cache) >= _FEED_CACHE_LIMIT:
                _feed_cache.clear()
            _feed_cache[cache_key] = hit
    _, body, headers = hit
    response = Response(body, mimetype="application/atom+xml", headers=headers)
    if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
        return response.make_conditional(request)  # 304 when the reader's copy is current
    return response


def _render_feed(org, chosen) -> tuple[bytes, datetime]:
    events = db.session.execute(
        select(OutboxEvent).join(OutboxSubject, OutboxSubject.event_id == OutboxEvent.id)
        .where(OutboxSubject.organization_id == org.id, OutboxSubject.kind == chosen.kind,
               OutboxSubject.key == chosen.key, OutboxEvent.members_only.is_(False))
        .order_by(OutboxEvent.occurred_at.desc(), OutboxEvent.id.desc()).limit(FEED_ENTRIES)).scalars().all()
    updated = max((e.occurred_at for e in events), default=org.created_at).replace(microsecond=0)
    base = request.host_url.rstrip("/")
    # tag: URIs (RFC 4151) from the public host and the organization's creation day: the same ids
    # on every run and every worker, whatever the order of the entries.
    authority = urlsplit(current_app.config.get("PUBLIC_URL") or base).hostname or "localhost"
    tag = f"tag:{authority},{org.created_at:%Y-%m-%d}:{org.slug}"
    body = render_template("follow/feed.xml", org=org, target=chosen, events=events, base=base, tag=tag,
                           updated=updated, feed_url=base + chosen.feed, page_url=base + chosen.page)
    return body.encode("utf-8"), updated.replace(tzinfo=timezone.utc)


# --- following by e-mail --------------------------------------------------------------------------

@bp.route(f"/follow/<any(organization, person, plank, election):kind>/<ident>", methods=["GET", "POST"])
def subscribe(kind: str, ident: str):
    org = current_organization() or abort(404)
    chosen = notifications.target(org, kind, ident) or abort(404)
    form = FollowForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.email.data = current_user.email
    if form.validate_on_submit():
        member = current_user if current_user.is_authenticated else None
        try:
            follow = notifications.request_follow(org, form.email.data, chosen.kind, chosen.key,
                                                  language=form.language.data, cadence=form.cadence.data, member=member)
        except notifications.FollowError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            if follow.confirmed_at is not None:
                flash(_("You follow %(name)s by e-mail.", name=chosen.name), "info")
                return redirect(url_for("main.me") if member else chosen.page)
            # The same answer whether or not the address already followed: the page tells nobody
            # who follows what.
            return render_template("follow/check_mail.html", target=chosen)
    return render_template("follow/subscribe.html", form=form, target=chosen)


@bp.route("/follow/confirm/<token>", methods=["GET", "POST"])
@token_link
def confirm(token: str):
    follow = notifications.follow_for_confirm_token(token)
    if follow is None:
        return render_template("follow/link_problem.html"), 404
    form = ConfirmForm()
    org = db.session.get(Organization, follow.organization_id)
    what = notifications.describe(org, follow)
    if form.validate_on_submit():
        notifications.confirm(follow)
        db.session.commit()
        return render_template("follow/confirmed.html", what=what, org=org)
    return render_template("follow/confirm.html", form=form, what=what, email=follow.email, org=org)


@bp.route("/follow/unsubscribe/<token>", methods=["GET", "POST"])
@token_link
@csrf.exempt  # RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click"; the token is the credential
def unsubscribe(token: str):
    address = notifications.address_for_unsubscribe_token(token)
    if address is None:
        return render_template("follow/link_problem.html"), 404
    organization_id, email = address
    if request.method == "POST":
        count = notifications.unsubscribe(organization_id, email)
        db.session.commit()
        return render_template("follow/unsubscribed.html", email=email, count=count)
    return render_template("follow/unsubscribe.html", form=UnsubscribeForm(), email=email)


@bp.post("/me/follows")
@role_required("member")
def member_settings():
    form = MemberFollowsForm()
    if form.validate_on_submit():
        stop = [int(value) for value in request.form.getlist("stop") if value.isdigit()]
        notifications.update_member_follows(current_user, cadence=form.cadence.data,
                                            members_notices=form.members_notices.data, stop_ids=stop)
        db.session.commit()
        flash(_("Your follows are saved."), "info")
    return redirect(url_for("main.me"))


# --- admins: the outbox ---------------------------------------------------------------------------

@bp.get("/admin/notifications")
@role_required("admin")
def outbox():
    data = notifications.outbox_page(current_user.organization_id)
    return render_template("follow/outbox.html", form=ReleaseForm(), **data)


@bp.post("/admin/notifications/release")
@role_required("admin")
def release_held():
    form = ReleaseForm()
    if form.validate_on_submit():
        count = notifications.release_held(current_user.organization_id, actor=current_user)
        db.session.commit()
        flash(ngettext("%(num)d held message will be sent again.", "%(num)d held messages will be sent again.", count),
              "info")
    return redirect(url_for("follow.outbox"))


@bp.app_template_global()
def follow_target(kind: str, ident) -> "notifications.Target | None":
    """The follow target of a page (for its feed link and follow box), None when there is none."""
    org = current_organization()
    return notifications.target(org, kind, str(ident)) if org else None


bp.add_app_template_global(event_words, "event_words")


@bp.app_template_global()
def delivery_status(status: str) -> str:
    """A delivery's status in the reader's language (the stored value stays English)."""
    return {"pending": _("pending"), "sending": _("sending"), "sent": _("sent"), "held": _("held")}.get(status, status)
