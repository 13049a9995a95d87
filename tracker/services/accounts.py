"""Member accounts: authentication and creation (used by the admin page and the CLI)."""
from sqlalchemy import func

from tracker.extensions import db
from tracker.models import Member, Organization
from tracker.models.base import utcnow
from tracker.services import audit
from tracker.vocabulary import ROLES


class AccountError(ValueError):
    """A member cannot be created or changed as asked; the message says why."""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def authenticate(email: str, password: str) -> Member | None:
    """The active member with this e-mail and password, or None."""
    member = db.session.execute(
        db.select(Member).where(func.lower(Member.email) == normalize_email(email))
    ).scalars().first()
    if member is None or not member.active or not member.check_password(password):
        return None
    member.last_login_at = utcnow()
    db.session.commit()
    return member


def create_member(organization: Organization, email: str, name: str, password: str, role: str = "member",
                  actor=None) -> Member:
    """Add a member (password hashed); refuses duplicates, unknown roles and short passwords."""
    email = normalize_email(email)
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if "@" not in email:
        raise AccountError(f"{email!r} is not an e-mail address.")
    if len(password or "") < 10:
        raise AccountError("The password must be at least 10 characters long.")
    exists = db.session.execute(
        db.select(Member.id).filter_by(organization_id=organization.id, email=email)
    ).first()
    if exists:
        raise AccountError(f"There is already a member with the e-mail {email}.")
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
        raise AccountError(f"Unknown role {role!r}.")
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
