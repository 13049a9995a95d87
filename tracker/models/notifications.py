"""Following and alerts: the outbox of events, who follows what, and each message's delivery.

Services write an OutboxEvent (with its subjects: the official, plank, election... it concerns) in
the transaction of the change it reports. The sender fans each event out to one Delivery per
address following one of its subjects, then hands the deliveries to SMTP (services/notifications.py).
"""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import OrgScoped, db, one_of, organization_column, utcnow

FOLLOW_TARGETS = ("organization", "person", "plank", "election", "members")
CADENCES = ("immediate", "digest")
DELIVERY_STATUSES = ("pending", "sending", "sent", "held")
DELIVERY_KINDS = ("event", "confirm")


class OutboxEvent(OrgScoped, db.Model):
    """Something followers are told about, written by the service that caused it. Public events
    feed the Atom feeds; ``members_only`` ones go to members' addresses only."""

    __table_args__ = (Index("ix_outbox_event_pending", "fanned_out_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(String(500))  # the evidence page, relative to the site
    data: Mapped[dict | None] = mapped_column(JSON)
    members_only: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    fanned_out_at: Mapped[datetime | None]

    subjects: Mapped[list["OutboxSubject"]] = relationship(back_populates="event", cascade="all, delete-orphan")


class OutboxSubject(OrgScoped, db.Model):
    """What an event is about, as a follow target: ("person", "12"), ("plank", key), ("member", id)."""

    __table_args__ = (Index("ix_outbox_subject_target", "organization_id", "kind", "key", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = organization_column(index=False)  # the target index leads with it
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(120), default="")

    event: Mapped[OutboxEvent] = relationship(back_populates="subjects")


class Follow(OrgScoped, db.Model):
    """An address following one target. Mail goes only once it is confirmed (double opt-in: the
    confirmation link, or a member's own signed-in page) and until it is unsubscribed."""

    __table_args__ = (
        UniqueConstraint("organization_id", "email", "target_kind", "target_key"),
        Index("ix_follow_target", "organization_id", "target_kind", "target_key"),
        one_of("target_kind", FOLLOW_TARGETS),
        one_of("cadence", CADENCES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = organization_column(index=False)  # both indexes lead with it
    email: Mapped[str] = mapped_column(String(254))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_key: Mapped[str] = mapped_column(String(120), default="")
    cadence: Mapped[str] = mapped_column(String(20), default="digest")
    language: Mapped[str] = mapped_column(String(10), default="en")
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(OrgScoped, db.Model):
    """One event (or a confirmation request) for one address. ``pending`` until due and sent;
    ``sending`` while handed to SMTP; ``sent``. A ``sending`` row left by a crash may or may not
    have reached the server: it becomes ``held`` for an admin, never sent again by itself."""

    __table_args__ = (
        UniqueConstraint("event_id", "email"),
        Index("ix_delivery_due", "status", "due_at"),
        one_of("status", DELIVERY_STATUSES),
        one_of("kind", DELIVERY_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = organization_column(index=False)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_event.id", ondelete="CASCADE"))
    follow_id: Mapped[int | None] = mapped_column(ForeignKey("follow.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(20), default="event")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(500))
