"""Organizations and the member accounts that sign in to them."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.models import append_only
from tracker.models.base import OrgScoped, db, one_of, utcnow
from tracker.vocabulary import ROLES


class Organization(db.Model):
    """A local independent political organization (IPO)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(String(2000))
    # Scoring options of METHOD.md 6.2 and the organization's word bands; None means defaults.
    scoring_options: Mapped[dict | None] = mapped_column(JSON)
    score_bands: Mapped[list | None] = mapped_column(JSON)
    # How members decide (co-sponsors needed, quorum, majorities; tracker.services.ballots.SETTINGS_DEFAULTS).
    ballot_settings: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["Member"]] = relationship(back_populates="organization")


class Member(UserMixin, OrgScoped, db.Model):
    """A member account. Roles: member < committee < admin (each includes the ones before)."""

    __table_args__ = (
        UniqueConstraint("organization_id", "email"),
        one_of("role", ROLES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="member")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship(back_populates="members")

    # The sign-in this request came with (set by the user loader and at sign-in, never stored):
    # Flask-Login puts get_id() in the session and the remember-me cookie, so both name one
    # MemberSession row, and deleting that row signs the device out.
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, role: str) -> bool:
        """True when this member's role is ``role`` or stronger."""
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active


class MemberSession(OrgScoped, db.Model):
    """One sign-in of a member on one device. The session and remember-me cookies carry its random
    token; only the token's SHA-256 is stored. Signing out deletes the row (a copied cookie stops
    working), a password change deletes all of the member's rows, and a row past ``expires_at``
    opens nothing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    member: Mapped[Member] = relationship()


class AuditEvent(OrgScoped, db.Model):
    """Append-only record of who changed what (before/after), and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(200))  # e-mail, "cli", "system": kept if the member goes
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity_type: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


append_only.install(AuditEvent.__table__)
