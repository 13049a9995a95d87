"""Following by e-mail: follows (double opt-in, one-click unsubscribe), fan-out, sending.

- ``request_follow`` records a follow and queues a confirmation message (a Delivery of kind
  ``confirm``). Its link carries a token signed with the secret key and bound to the follow *and*
  the address: it confirms that address's follow and nothing else. A member following from their
  own page needs no confirmation (their account's address).
- ``fan_out`` turns each new OutboxEvent into one Delivery per address following one of its
  subjects (the unique (event, address) key: one delivery per address whatever it follows).
  Immediate follows are due now, the others at the next digest hour.
- ``send_due`` claims the due deliveries of a batch of addresses (pending -> sending, committed),
  hands one message per address to SMTP, then marks them sent. A crash between the hand-over and
  the mark leaves them ``sending``: they are never sent again by themselves (after
  SENDING_TIMEOUT they become ``held``, and an admin may release them), so no address gets an
  event twice. Without MAIL_SERVER nothing is claimed: deliveries wait, and admins see them.
"""
from __future__ import annotations

import base64
import logging
import re
import secrets
import smtplib
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.utils import formatdate, make_msgid

from flask import current_app, has_app_context, has_request_context
from flask_babel import force_locale, gettext, ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker.extensions import db
from tracker.models import Delivery, Follow, Member, Organization, OutboxEvent, OutboxSubject, Person, Plank
from tracker.models.base import utcnow
from tracker.services import audit

log = logging.getLogger(__name__)

CONFIRM_DAYS = 7
CONFIRM_EVERY = timedelta(hours=1)
SENDING_TIMEOUT = timedelta(minutes=30)
BATCH_ADDRESSES = 500
FAN_OUT_EVENTS = 200
PUBLIC_TARGETS = ("organization", "person", "plank", "election")
LANGUAGES = ("en", "es")
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


class FollowError(ValueError):
    """A follow request the rules refuse (the message says why)."""


# --- settings -------------------------------------------------------------------------------------

def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def public_url() -> str:
    return (current_app.config.get("PUBLIC_URL") or "http://localhost:5000").rstrip("/")


def next_digest_at(now: datetime) -> datetime:
    """The next daily digest time (DIGEST_HOUR, UTC) after ``now``."""
    hour = int(current_app.config.get("DIGEST_HOUR", 7))
    at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return at if at > now else at + timedelta(days=1)


# --- tokens ---------------------------------------------------------------------------------------

def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def confirm_token(follow: Follow) -> str:
    return _serializer("follow-confirm").dumps({"f": follow.id, "e": follow.email})


def unsubscribe_token(organization_id: int, email: str) -> str:
    return _serializer("unsubscribe").dumps({"o": organization_id, "e": email})


def follow_for_confirm_token(token: str) -> Follow | None:
    """The follow a confirmation link names, only if the link was made for that follow's address."""
    try:
        data = _serializer("follow-confirm").loads(token, max_age=CONFIRM_DAYS * 86400)
    except (BadSignature, SignatureExpired):
        return None
    follow = db.session.get(Follow, data.get("f")) if isinstance(data, dict) else None
    if follow is None or follow.email != data.get("e"):
        return None
    return follow


def address_for_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = _serializer("unsubscribe").loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int) or not data.get("e"):
        return None
    return data["o"], data["e"]


# --- targets --------------------------------------------------------------------------------------

@dataclass
class Target:
    kind: str         # organization, person, plank, election
    key: str          # "" | person id | plank key | election slug
    name: str         # what the visitor reads: "Jane Doe", "the plank Housing", ...
    page: str         # the page about it (site path)
    feed: str         # its Atom feed (site path)


def target(org: Organization, kind: str, ident: str) -> Target | None:
    """The public follow target named by a URL (``ident``: a person id, a plank id, an election
    slug; ignored for the organization), or None when it is not this organization's."""
    from tracker.services import endorsements
    from tracker.services.outbox import path_for

    if kind == "organization":
        return Target("organization", "", org.name, path_for("main.home"), path_for("follow.organization_feed"))
    if kind == "person" and ident.isdigit():
        person = db.session.get(Person, int(ident))
        if person is not None and person.organization_id == org.id:
            return Target("person", str(person.id), person.name, path_for("scorecards.official", person_id=person.id),
                          path_for("follow.feed", kind="person", ident=str(person.id)))
    if kind == "plank" and ident.isdigit():
        plank = db.session.get(Plank, int(ident))
        if plank is not None and plank.organization_id == org.id and plank.version.status != "draft":
            return Target("plank", plank.key, gettext("the plank “%(title)s”", title=plank.title),
                          path_for("program.plank", plank_id=plank.id),
                          path_for("follow.feed", kind="plank", ident=str(plank.id)))
    if kind == "election":
        chosen = [e for e in endorsements.elections(org) if e["slug"] == ident]
        if chosen:
            return Target("election", ident, gettext("our slate for %(election)s", election=chosen[0]["name"]),
                          path_for("candidates.slate", slug=ident), path_for("follow.feed", kind="election", ident=ident))
    return None


def describe(org: Organization, follow: Follow) -> str:
    """What a follow follows, in words (the member's page, the confirmation message)."""
    if follow.target_kind == "organization":
        return gettext("everything %(organization)s publishes", organization=org.name)
    if follow.target_kind == "members":
        return gettext("members' notices: ballots, your proposals, withdrawal votes")
    if follow.target_kind == "person":
        person = db.session.get(Person, int(follow.target_key))
        return person.name if person else gettext("an official")
    if follow.target_kind == "plank":
        plank = db.session.execute(select(Plank).where(Plank.organization_id == org.id, Plank.key == follow.target_key)
                                   .order_by(Plank.id.desc()).limit(1)).scalar_one_or_none()
        return gettext("the plank “%(title)s”", title=plank.title) if plank else gettext("a plank")
    return gettext("the slate of %(election)s", election=follow.target_key.replace("-", " "))


# --- following ------------------------------------------------------------------------------------

def normalize_email(email: str) -> str:
    email = (email or "").strip()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise FollowError(gettext("Give an e-mail address like name@example.org."))
    local, _, domain = email.rpartition("@")
    try:
        domain = domain.lower().encode("idna").decode("ascii")  # an international domain, as DNS spells it
    except UnicodeError:
        raise FollowError(gettext("Give an e-mail address like name@example.org."))
    if not local.isascii():
        raise FollowError(gettext("This address has letters our mail server cannot send to; give another one."))
    return f"{local}@{domain}"


def request_follow(org: Organization, email: str, kind: str, key: str, *, language: str = "en",
                   cadence: str = "digest", member: Member | None = None, now: datetime | None = None) -> Follow:
    """Follow a target by e-mail. A new (or unsubscribed) follow waits for its confirmation link,
    which is queued here; a member's own address is confirmed at once. Does not commit."""
    now = now or utcnow()
    email = normalize_email(email)
    language = language if language in LANGUAGES else "en"
    cadence = cadence if cadence in ("immediate", "digest") else "digest"
    own = member is not None and member.organization_id == org.id and member.email.lower() == email.lower()
    follow = db.session.execute(select(Follow).where(Follow.organization_id == org.id, Follow.email == email,
                                                     Follow.target_kind == kind, Follow.target_key == key)
                                ).scalar_one_or_none()
    if follow is None:
        follow = Follow(organization_id=org.id, email=email, target_kind=kind, target_key=key, cadence=cadence,
                        language=language, created_at=now)
        db.session.add(follow)
    elif follow.unsubscribed_at is not None:
        follow.unsubscribed_at, follow.confirmed_at = None, None
    if own:
        follow.member_id, follow.cadence = member.id, cadence
        if follow.confirmed_at is None:
            follow.confirmed_at = now
    db.session.flush()
    if follow.confirmed_at is None:
        # One confirmation waiting, and one an hour at most, however often the form is sent: the
        # form must not become a way to flood someone's mailbox.
        waiting = db.session.scalar(select(func.count()).select_from(Delivery).where(
            Delivery.follow_id == follow.id, Delivery.kind == "confirm",
            or_(Delivery.status != "sent", Delivery.sent_at > now - CONFIRM_EVERY)))
        if not waiting:
            db.session.add(Delivery(organization_id=org.id, follow_id=follow.id, email=email, kind="confirm",
                                    due_at=now))
    audit.record(org.id, "follow.requested", follow, label=None if own else "follow form",
                 member=member if own else None,
                 after={"target": f"{kind}:{key}", "confirmed": follow.confirmed_at is not None})
    return follow


def confirm(follow: Follow, now: datetime | None = None) -> Follow:
    if follow.confirmed_at is None:
        follow.confirmed_at = now or utcnow()
        follow.unsubscribed_at = None
        audit.record(follow.organization_id, "follow.confirmed", follow, label="confirmation link")
    return follow


def unsubscribe(organization_id: int, email: str, now: datetime | None = None) -> int:
    """Stop every follow of the address (and drop what was waiting for it). Returns how many."""
    now = now or utcnow()
    follows = db.session.execute(select(Follow).where(Follow.organization_id == organization_id, Follow.email == email,
                                                      Follow.unsubscribed_at.is_(None))).scalars().all()
    for follow in follows:
        follow.unsubscribed_at = now
        audit.record(organization_id, "follow.unsubscribed", follow, label="unsubscribe link")
    db.session.execute(delete(Delivery).where(Delivery.organization_id == organization_id, Delivery.email == email,
                                              Delivery.status == "pending"))
    return len(follows)


def member_follows(member: Member) -> list[Follow]:
    return list(db.session.execute(select(Follow).where(
        Follow.organization_id == member.organization_id, Follow.email == member.email,
        Follow.unsubscribed_at.is_(None)).order_by(Follow.id)).scalars())


def update_member_follows(member: Member, *, cadence: str, members_notices: bool, stop_ids=(),
                          now: datetime | None = None) -> None:
    """A member's own page: daily digest or immediate, members' notices on or off, stop some follows."""
    now = now or utcnow()
    org = member.organization
    cadence = cadence if cadence in ("immediate", "digest") else "digest"
    if members_notices:
        request_follow(org, member.email, "members", "", cadence=cadence, member=member, now=now)
    for follow in member_follows(member):
        if follow.id in set(stop_ids) or (follow.target_kind == "members" and not members_notices):
            follow.unsubscribed_at = now
        else:
            follow.cadence, follow.member_id = cadence, member.id
            follow.confirmed_at = follow.confirmed_at or now  # the account's own address
    audit.record(member.organization_id, "follow.settings", "Follow", member=member,
                 after={"cadence": cadence, "members_notices": members_notices, "stopped": sorted(stop_ids)})


# --- fan-out --------------------------------------------------------------------------------------

def _follow_condition(kind: str, key: str):
    if kind == "members":
        return Follow.target_kind == "members"
    if kind == "member":
        return and_(Follow.target_kind == "members", Follow.member_id == int(key))
    return and_(Follow.target_kind == kind, Follow.target_key == key)


def fan_out(now: datetime | None = None) -> int:
    """One Delivery per (event, address) for every event not fanned out yet; commits. Returns the
    number of deliveries written."""
    now = now or utcnow()
    written = 0
    insert = _INSERTS[db.session.get_bind().dialect.name]
    while True:
        events = db.session.execute(select(OutboxEvent).where(OutboxEvent.fanned_out_at.is_(None))
                                    .order_by(OutboxEvent.id).limit(FAN_OUT_EVENTS)).scalars().all()
        if not events:
            return written
        digest_at = next_digest_at(now)
        for event in events:
            subjects = db.session.execute(select(OutboxSubject.kind, OutboxSubject.key)
                                          .where(OutboxSubject.event_id == event.id)).all()
            conditions = [_follow_condition(kind, key) for kind, key in subjects]
            rows = db.session.execute(select(Follow.email, Follow.id, Follow.cadence).where(
                Follow.organization_id == event.organization_id, Follow.confirmed_at.is_not(None),
                Follow.unsubscribed_at.is_(None), or_(*conditions),
                *([Follow.member_id.in_(select(Member.id).where(Member.active.is_(True)))]
                  if event.members_only else []))  # members' notices: active members only
                .order_by(Follow.id)).all() if conditions else []
            chosen: dict[str, dict] = {}
            for email, follow_id, cadence in rows:  # one delivery per address: immediate if any follow says so
                due = now if cadence == "immediate" else digest_at
                if email not in chosen or due < chosen[email]["due_at"]:
                    chosen[email] = {"organization_id": event.organization_id, "event_id": event.id,
                                     "follow_id": follow_id, "email": email, "kind": "event", "status": "pending",
                                     "due_at": due}
            if chosen:
                db.session.execute(insert(Delivery).on_conflict_do_nothing(), list(chosen.values()))
                written += len(chosen)
            event.fanned_out_at = now
        db.session.commit()


# --- sending --------------------------------------------------------------------------------------

@dataclass
class Message:
    """A message ready for SMTP: its recipient and its bytes (RFC 5322, MIME)."""

    to: str
    subject: str
    data: bytes


class Sender:
    """SMTP connections for a run: SMTP_CONNECTIONS (default 4) worker threads with one connection
    each, opened on first use, so the server's time per message overlaps."""

    def __init__(self, config) -> None:
        self.config = config
        self.address = config.get("MAIL_FROM") or "tracker@localhost"
        self.connections = max(1, int(config.get("SMTP_CONNECTIONS") or 4))
        self.local = threading.local()
        self.opened: list[smtplib.SMTP] = []
        self.lock = threading.Lock()

    def _smtp(self) -> smtplib.SMTP:
        smtp = getattr(self.local, "smtp", None)
        if smtp is None:
            config = self.config
            smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=30)
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            self.local.smtp = smtp
            with self.lock:
                self.opened.append(smtp)
        return smtp

    def send(self, message: Message) -> None:
        try:
            self._smtp().sendmail(self.address, [message.to], message.data)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.local.smtp = None  # the next message opens a new connection
            raise

    def send_all(self, messages: list[tuple[list[int], Message]]) -> list[tuple[list[int], Exception | None]]:
        """Send each message; returns each one's delivery ids with None (sent) or the error."""
        def one(item):
            ids, message = item
            try:
                self.send(message)
            except (smtplib.SMTPException, OSError) as error:
                return ids, error
            return ids, None

        if self.connections == 1 or len(messages) < 2:
            return [one(item) for item in messages]
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=self.connections, thread_name_prefix="smtp") as pool:
            return list(pool.map(one, messages))

    def close(self) -> None:
        for smtp in self.opened:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        self.opened.clear()
        self.local = threading.local()


def hold_stale(now: datetime | None = None) -> int:
    """Deliveries left ``sending`` by a crash (past SENDING_TIMEOUT) become ``held``: they may
    have reached the server, so they are not sent again unless an admin releases them."""
    now = now or utcnow()
    count = db.session.execute(update(Delivery).where(Delivery.status == "sending",
                                                      Delivery.claimed_at < now - SENDING_TIMEOUT)
                               .values(status="held", error="interrupted while being sent: may have been sent")).rowcount
    db.session.commit()
    return count


def release_held(organization_id: int, actor=None) -> int:
    """An admin sends the held deliveries again (after checking they did not arrive)."""
    count = db.session.execute(update(Delivery).where(Delivery.organization_id == organization_id,
                                                      Delivery.status == "held")
                               .values(status="pending", claimed_at=None)).rowcount
    audit.record(organization_id, "delivery.released", "Delivery", member=actor, after={"released": count})
    return count


def send_due(now: datetime | None = None, sender: Sender | None = None, limit: int | None = None) -> dict:
    """Fan out new events, then send every due delivery, one message per address. Commits.
    Returns {"fanned_out", "messages", "deliveries", "failed", "held", "waiting"}."""
    now = now or utcnow()
    result = {"fanned_out": fan_out(now), "messages": 0, "deliveries": 0, "failed": 0, "held": hold_stale(now)}
    if not mail_configured() and sender is None:
        result["waiting"] = waiting_count()
        return result
    sender = sender or Sender(current_app.config)
    renderer = Renderer()
    try:
        while limit is None or result["messages"] < limit:
            addresses = list(db.session.execute(
                select(Delivery.email).where(Delivery.status == "pending", Delivery.due_at <= now)
                .group_by(Delivery.email).order_by(func.min(Delivery.id)).limit(BATCH_ADDRESSES)).scalars())
            if not addresses:
                break
            claimed = _claim(addresses, now)
            sent_ids, failed_ids = _send_claimed(claimed, renderer, sender, result)
            _mark_sent(sent_ids, now)
            if failed_ids:
                db.session.execute(update(Delivery).where(Delivery.id.in_(failed_ids))
                                   .values(status="pending", claimed_at=None))
                db.session.commit()
                break  # the server refused: try again on the next run
    finally:
        sender.close()
    result["waiting"] = waiting_count()
    return result


def _claim(addresses: list[str], now: datetime) -> list:
    """pending -> sending for the due deliveries of these addresses, committed before any is sent."""
    rows = db.session.execute(
        update(Delivery).where(Delivery.status == "pending", Delivery.due_at <= now, Delivery.email.in_(addresses))
        .values(status="sending", claimed_at=now)
        .returning(Delivery.id, Delivery.organization_id, Delivery.email, Delivery.kind, Delivery.event_id,
                   Delivery.follow_id)).all()
    db.session.commit()
    return rows


def _send_claimed(claimed, renderer: "Renderer", sender: Sender, result: dict) -> tuple[list[int], list[int]]:
    by_address: dict[tuple[int, str], list] = defaultdict(list)
    for row in claimed:
        by_address[(row.organization_id, row.email)].append(row)
    renderer.load_events([row.event_id for row in claimed if row.event_id is not None])
    renderer.load_follows([row.follow_id for row in claimed if row.follow_id is not None])
    messages = []
    for (organization_id, email), rows in by_address.items():
        messages += [([row.id], renderer.confirmation(organization_id, email, row)) for row in rows if row.kind == "confirm"]
        events = [row for row in rows if row.kind == "event"]
        if events:
            messages.append(([row.id for row in events], renderer.events(organization_id, email, events)))
    sent, failed = [], []
    for ids, error in sender.send_all(messages):
        if error is None:
            sent.extend(ids)
            result["messages"] += 1
            result["deliveries"] += len(ids)
        else:  # refused, or the server went away: back to pending for the next run
            log.warning("sending to the SMTP server failed: %s", error)
            result["failed"] += len(ids)
            failed.extend(ids)
    return sent, failed


def _header_text(value: str) -> str:
    """One header line's value: whitespace (CR/LF included) folded to spaces; RFC 2047 if not ASCII."""
    value = " ".join(value.split())
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=10_000).encode()


def _mark_sent(ids: list[int], now: datetime) -> None:
    for start in range(0, len(ids), 5000):
        db.session.execute(update(Delivery).where(Delivery.id.in_(ids[start:start + 5000]))
                           .values(status="sent", sent_at=now))
    db.session.commit()


def waiting_count(organization_id: int | None = None) -> int:
    conditions = [Delivery.status.in_(("pending", "held"))]
    if organization_id is not None:
        conditions.append(Delivery.organization_id == organization_id)
    return db.session.scalar(select(func.count()).select_from(Delivery).where(*conditions)) or 0


def outbox_page(organization_id: int, limit: int = 200) -> dict:
    """What admins see: deliveries waiting (pending or held) with their events, and counts."""
    counts = dict(db.session.execute(select(Delivery.status, func.count()).where(
        Delivery.organization_id == organization_id).group_by(Delivery.status)).all())
    waiting = db.session.execute(
        select(Delivery, OutboxEvent).outerjoin(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .where(Delivery.organization_id == organization_id, Delivery.status.in_(("pending", "held", "sending")))
        .order_by(Delivery.due_at, Delivery.id).limit(limit)).all()
    events = db.session.execute(select(OutboxEvent).where(OutboxEvent.organization_id == organization_id)
                                .order_by(OutboxEvent.id.desc()).limit(50)).scalars().all()
    return {"counts": counts, "waiting": waiting, "events": events, "mail_configured": mail_configured()}


# --- messages -------------------------------------------------------------------------------------

UNSUBSCRIBE_PLACEHOLDER = "UNSUBSCRIBE-LINK-PLACEHOLDER"


class Renderer:
    """Builds the messages of a run: plain text and HTML from templates/notifications/, in the
    follower's language (rendered under flask_babel.force_locale: the words of the templates, the
    subject and each event's title and summary)."""

    def __init__(self) -> None:
        env = current_app.jinja_env
        self.templates = {name: env.get_template(f"notifications/{name}")
                          for name in ("events.txt", "events.html", "confirm.txt", "confirm.html")}
        self.base = public_url()
        self.sender = current_app.config.get("MAIL_FROM") or "tracker@localhost"
        self.domain = self.sender.rpartition("@")[2] or "localhost"
        self.event_cache: dict[int, dict] = {}
        self.follows: dict[int, Follow] = {}
        self.organizations: dict[int, Organization] = {}
        self.rendered: dict[tuple, tuple[str, str, str]] = {}
        self.words: dict[tuple[int, str], dict] = {}  # (event id, language) -> the event in that language

    def load_events(self, ids) -> None:
        missing = sorted(set(ids) - set(self.event_cache))
        for start in range(0, len(missing), 5000):
            for event in db.session.execute(select(OutboxEvent).where(OutboxEvent.id.in_(missing[start:start + 5000]))).scalars():
                self.event_cache[event.id] = {"id": event.id, "kind": event.kind, "title": event.title,
                                              "summary": event.summary, "url": self.base + event.path,
                                              "occurred_at": event.occurred_at, "data": event.data}

    def _in_language(self, event: dict, language: str) -> dict:
        """The event with its title and summary in the current (forced) language, once per language."""
        key = (event["id"], language)
        if key not in self.words:
            from tracker.services.outbox import words_of
            words = words_of(event["title"], event["summary"], event["data"])
            self.words[key] = dict(event, title=words.title, summary=words.summary)
        return self.words[key]

    def load_follows(self, ids) -> None:
        missing = sorted(set(ids) - set(self.follows))
        for start in range(0, len(missing), 5000):
            for follow in db.session.execute(select(Follow).where(Follow.id.in_(missing[start:start + 5000]))).scalars():
                self.follows[follow.id] = follow

    def organization(self, organization_id: int) -> Organization:
        if organization_id not in self.organizations:
            self.organizations[organization_id] = db.session.get(Organization, organization_id)
        return self.organizations[organization_id]

    def _message(self, organization_id: int, email: str, subject: str, language: str, text: str, html: str,
                 unsubscribe_url: str) -> Message:
        # Written out here rather than through the email package: its header handling and
        # generator cost several milliseconds a message, most of the time of a 10,000-follower
        # event. Header values are single lines (no CR/LF from the data); non-ASCII ones are
        # RFC 2047 words; the parts are base64 UTF-8.
        boundary = "=_" + secrets.token_hex(12)
        headers = [
            ("Subject", _header_text(subject)),
            ("From", self.sender),
            ("To", email),
            ("Date", formatdate(usegmt=True)),
            ("Message-ID", make_msgid(domain=self.domain)),
            ("Content-Language", language),
            # RFC 8058 one-click unsubscribe: mail clients POST to the link.
            ("List-Unsubscribe", f"<{unsubscribe_url}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("MIME-Version", "1.0"),
            ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
        ]
        lines = [f"{name}: {value}" for name, value in headers] + [""]
        for subtype, body in (("plain", text), ("html", html)):
            lines += [f"--{boundary}", f'Content-Type: text/{subtype}; charset="utf-8"',
                      "Content-Transfer-Encoding: base64", "",
                      base64.encodebytes(body.encode("utf-8")).decode("ascii").replace("\n", "\r\n").rstrip()]
        lines += [f"--{boundary}--", ""]
        return Message(to=email, subject=subject, data="\r\n".join(lines).encode("ascii"))

    def _unsubscribe_url(self, organization_id: int, email: str) -> str:
        from tracker.services.outbox import path_for
        return self.base + path_for("follow.unsubscribe", token=unsubscribe_token(organization_id, email))

    def events(self, organization_id: int, email: str, rows) -> Message:
        org = self.organization(organization_id)
        events = sorted((self.event_cache[row.event_id] for row in rows), key=lambda e: (e["occurred_at"], e["id"]))
        follow = self.follows.get(rows[0].follow_id)
        language = follow.language if follow else "en"
        # Everyone told of the same events in the same language reads the same text but for their
        # own unsubscribe link: render once, then put each link in (it has no character that
        # HTML escapes, so the substitution is safe).
        key = (organization_id, tuple(e["id"] for e in events), language)
        if key not in self.rendered:
            with force_locale(language):
                events = [self._in_language(event, language) for event in events]
                context = {"organization": org, "events": events, "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
                           "base_url": self.base, "language": language}
                subject = events[0]["title"] if len(events) == 1 else \
                    ngettext("%(organization)s: %(num)d update", "%(organization)s: %(num)d updates", len(events),
                             organization=org.name)
                if len(self.rendered) > 1000:
                    self.rendered.clear()
                self.rendered[key] = (subject, self.templates["events.txt"].render(context),
                                      self.templates["events.html"].render(context))
        subject, text, html = self.rendered[key]
        unsubscribe_url = self._unsubscribe_url(organization_id, email)
        return self._message(organization_id, email, subject, language,
                             text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url),
                             html.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url), unsubscribe_url)

    def confirmation(self, organization_id: int, email: str, row) -> Message:
        from tracker.services.outbox import path_for
        org = self.organization(organization_id)
        follow = self.follows.get(row.follow_id)
        confirm_url = self.base + path_for("follow.confirm", token=confirm_token(follow))
        unsubscribe_url = self._unsubscribe_url(organization_id, email)
        with force_locale(follow.language):
            context = {"organization": org, "what": describe(org, follow), "confirm_url": confirm_url,
                       "unsubscribe_url": unsubscribe_url, "language": follow.language, "days": CONFIRM_DAYS}
            subject = gettext("Confirm: follow %(what)s (%(organization)s)", what=context["what"],
                              organization=org.name)
            text, html = self.templates["confirm.txt"].render(context), self.templates["confirm.html"].render(context)
        return self._message(organization_id, email, subject, follow.language, text, html, unsubscribe_url)


# --- running the sender in the background ---------------------------------------------------------

def run_job() -> dict:
    """The RQ job (and the background thread's work): fan out and send what is due."""
    if not has_app_context():
        from tracker import create_app
        with create_app().app_context():
            return run_job()
    _local.sending = True
    try:
        return send_due()
    finally:
        _local.sending = False
        db.session.remove()


_local = threading.local()
_thread_lock = threading.Lock()
_wake = threading.Event()
_stop = threading.Event()
_thread: threading.Thread | None = None


def kick() -> str | None:
    """Something new to send: on RQ with REDIS_URL, else wake this process's sender thread
    (NOTIFICATIONS_SENDER=thread, the default outside tests); "cron" leaves it to the command."""
    global _thread
    if getattr(_local, "sending", False) or not has_app_context():
        return None
    app = current_app._get_current_object()
    mode = app.config.get("NOTIFICATIONS_SENDER") or ("rq" if app.config.get("REDIS_URL") else "thread")
    if mode == "rq":
        try:
            from redis import Redis
            from rq import Queue
            queue = Queue(app.config.get("NOTIFICATIONS_QUEUE") or "notifications",
                          connection=Redis.from_url(app.config["REDIS_URL"]))
            queue.enqueue(run_job, job_timeout=3600)
            return "rq"
        except Exception:  # Redis down: cron (or the next kick) sends them; nothing is lost
            log.exception("could not queue the notifications job")
            return None
    if mode != "thread" or not has_request_context():
        # A command (an import, `flask demo`) may end before a thread could finish, leaving
        # messages half-sent: from commands, cron's `send-notifications` sends them.
        return None
    with _thread_lock:
        if _thread is None or not _thread.is_alive():
            _stop.clear()

            def loop():
                while not _stop.is_set():
                    _wake.wait(timeout=60)  # also every minute: digests fall due without any new event
                    _wake.clear()
                    if _stop.is_set():
                        break
                    with app.app_context():
                        try:
                            run_job()
                        except Exception:
                            log.exception("sending notifications failed")
            _thread = threading.Thread(target=loop, name="notifications", daemon=True)
            _thread.start()
    _wake.set()
    return "thread"


def stop_background(timeout: float = 10) -> None:
    """Stop this process's sender thread (tests; a process that ends needs nothing)."""
    global _thread
    with _thread_lock:
        thread, _thread = _thread, None
    if thread is not None:
        _stop.set()
        _wake.set()
        thread.join(timeout)


def init_app(app) -> None:
    """After a commit that wrote events or deliveries, kick the sender."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if event.contains(Session, "after_flush", _note_new_work):
        return
    event.listen(Session, "after_flush", _note_new_work)
    event.listen(Session, "after_commit", _kick_after_commit)


def _note_new_work(session, flush_context) -> None:
    if any(isinstance(row, (OutboxEvent, Delivery)) for row in session.new):
        session.info["notifications_waiting"] = True


def _kick_after_commit(session) -> None:
    if session.info.pop("notifications_waiting", False):
        try:
            kick()
        except Exception:  # never let a notification problem fail the change that was committed
            log.exception("kicking the notifications sender failed")
