"""Member accounts: authentication, sign-ins (sessions), passwords and creation (used by the
sign-in pages, the admin page and the CLI)."""
import hashlib
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import delete, func
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.extensions import db
from tracker.models import Member, MemberSession, Organization
from tracker.models.base import utcnow
from tracker.services import audit
from tracker.vocabulary import ROLES


class AccountError(ValueError):
    """A member cannot be created or changed as asked; the message says why."""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


MIN_PASSWORD_LENGTH = 10


@lru_cache(maxsize=1)
def _unknown_account_hash() -> str:
    """A hash made the way members' passwords are, checked when no account matches, so that an
    unknown address costs one hash check like a wrong password (the time does not tell which)."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str) -> Member | None:
    """The active member with this e-mail and password, or None. Every attempt checks exactly one
    password hash, whether or not the address belongs to an account (and whether it is active)."""
    member = db.session.execute(
        db.select(Member).where(func.lower(Member.email) == normalize_email(email))
    ).scalars().first()
    stored = member.password_hash if member is not None else _unknown_account_hash()
    matches = check_password_hash(stored, password or "")
    if member is None or not member.active or not matches:
        return None
    member.last_login_at = utcnow()
    db.session.commit()
    return member


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(member: Member, lifetime: timedelta, now: datetime | None = None) -> str:
    """Open a sign-in of ``member`` valid for ``lifetime``; returns its token (only its SHA-256 is
    stored) and sets it on the member, so the session and remember-me cookies carry it. Each
    sign-in gets a new token; the member's expired sign-ins are removed."""
    now = now or utcnow()
    db.session.execute(delete(MemberSession).where(MemberSession.member_id == member.id,
                                                   MemberSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    db.session.add(MemberSession(organization_id=member.organization_id, member_id=member.id,
                                 token_hash=_token_hash(token), created_at=now, expires_at=now + lifetime))
    db.session.commit()
    member.session_token = token
    return token


def member_for_token(token: str | None, now: datetime | None = None) -> Member | None:
    """The member whose unexpired sign-in has this token (with the token set on it), or None."""
    if not token:
        return None
    member = db.session.execute(
        db.select(Member).join(MemberSession, MemberSession.member_id == Member.id)
        .where(MemberSession.token_hash == _token_hash(token), MemberSession.expires_at > (now or utcnow()))
    ).scalars().first()
    if member is not None:
        member.session_token = token
    return member


def end_session(token: str | None) -> None:
    """Sign out one device: its sign-in stops opening anything, even from a copied cookie."""
    if token:
        db.session.execute(delete(MemberSession).where(MemberSession.token_hash == _token_hash(token)))
        db.session.commit()


def end_all_sessions(member: Member) -> None:
    """Sign the member out everywhere (added to the session; the caller commits)."""
    db.session.execute(delete(MemberSession).where(MemberSession.member_id == member.id))
    member.session_token = None


def change_password(member: Member, current: str, new: str) -> None:
    """Replace the member's password after checking the current one, and sign them out on every
    device (audited, without the passwords). Raises AccountError saying what is wrong."""
    if not check_password_hash(member.password_hash, current or ""):
        raise AccountError(_("The current password is not right."))
    if len(new or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(_("The new password must be at least %(length)s characters long.", length=MIN_PASSWORD_LENGTH))
    member.set_password(new)
    end_all_sessions(member)
    audit.record(member.organization_id, "member.password", member, member=member)
    db.session.commit()


def create_member(organization: Organization, email: str, name: str, password: str, role: str = "member",
                  actor=None) -> Member:
    """Add a member (password hashed); refuses duplicates, unknown roles and short passwords."""
    email = normalize_email(email)
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)s; choose one of %(roles)s.", role=repr(role), roles=", ".join(ROLES)))
    if "@" not in email:
        raise AccountError(_("%(email)s is not an e-mail address.", email=repr(email)))
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(_("The password must be at least %(length)s characters long.", length=MIN_PASSWORD_LENGTH))
    exists = db.session.execute(
        db.select(Member.id).filter_by(organization_id=organization.id, email=email)
    ).first()
    if exists:
        raise AccountError(_("There is already a member with the e-mail %(email)s.", email=email))
    member = Member(organization_id=organization.id, email=email, name=name or email, role=role)
    member.set_password(password)
    db.session.add(member)
    db.session.flush()
    audit.record(organization.id, "member.create", member, after={"email": email, "role": role}, member=actor)
    db.session.commit()
    return member


def change_role(member: Member, role: str, actor=None) -> None:
    """Give a member another role (audited)."""
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)s.", role=repr(role)))
    before = member.role
    member.role = role
    audit.record(member.organization_id, "member.role", member, before={"role": before}, after={"role": role},
                 member=actor)
    db.session.commit()


def ensure_organization(name: str = "Our Organization", slug: str = "our-org") -> Organization:
    """The organization with this slug, created if missing (first run of create-admin)."""
    org = db.session.execute(db.select(Organization).filter_by(slug=slug)).scalar_one_or_none()
    if org is None:
        org = db.session.execute(db.select(Organization).order_by(Organization.id)).scalars().first()
    if org is None:
        org = Organization(name=name, slug=slug)
        db.session.add(org)
        db.session.flush()
    return org
