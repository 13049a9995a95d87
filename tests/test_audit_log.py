"""The audit log is append-only in the database: UPDATE and DELETE are refused by triggers on
SQLite and PostgreSQL, and the demo rebuilds without erasing anyone's events."""
import pytest
from sqlalchemy import delete, exc, select, text, update

from tests.factories import make_member
from tracker.extensions import db
from tracker.models import AuditEvent, Member, Organization
from tracker.services import audit, demo


def _event(org, member=None, action="test.event"):
    event = audit.record(org.id, action, "Thing", member=member, after={"n": 1}, note="first")
    db.session.commit()
    return event.id


def _stored(event_id):
    return db.session.execute(select(AuditEvent.action, AuditEvent.note, AuditEvent.after)
                              .where(AuditEvent.id == event_id)).one()


@pytest.mark.parametrize("change", [
    lambda i: update(AuditEvent).where(AuditEvent.id == i).values(note="rewritten"),
    lambda i: update(AuditEvent).where(AuditEvent.id == i).values(actor_label="someone else"),
    lambda i: update(AuditEvent).values(after=None),
    lambda i: delete(AuditEvent).where(AuditEvent.id == i),
    lambda i: delete(AuditEvent),
])
def test_update_and_delete_are_refused(app, org, change):
    event_id = _event(org)
    with pytest.raises(exc.DBAPIError, match="audit events are append-only"):
        db.session.execute(change(event_id))
        db.session.flush()
    db.session.rollback()
    assert _stored(event_id) == ("test.event", "first", {"n": 1})


def test_orm_changes_are_refused_too(app, org):
    event_id = _event(org)
    event = db.session.get(AuditEvent, event_id)
    event.note = "tidied"
    with pytest.raises(exc.DBAPIError, match="audit events are append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event_id))
    with pytest.raises(exc.DBAPIError, match="audit events are append-only"):
        db.session.commit()
    db.session.rollback()
    assert _stored(event_id) == ("test.event", "first", {"n": 1})


def test_raw_sql_is_refused(app, org):
    event_id = _event(org)
    with pytest.raises(exc.DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_event"))
    db.session.rollback()
    assert db.session.execute(select(AuditEvent.id)).scalars().all() == [event_id]


def test_deleting_a_member_only_clears_the_actor_id(app, org):
    """The foreign key's ON DELETE SET NULL is the one change let through; the label stays."""
    member = make_member(org, email="gone@example.org")
    event_id = _event(org, member=member)
    db.session.execute(delete(Member).where(Member.id == member.id))
    db.session.commit()
    event = db.session.get(AuditEvent, event_id)
    assert (event.actor_id, event.actor_label, event.note) == (None, "gone@example.org", "first")


def test_demo_twice_keeps_the_first_runs_events(app):
    demo.build()
    db.session.commit()
    org = db.session.execute(select(Organization).filter_by(slug=demo.DEMO_SLUG)).scalar_one()
    first = db.session.execute(select(AuditEvent.id, AuditEvent.action, AuditEvent.actor_label)
                               .order_by(AuditEvent.id)).all()
    assert len(first) > 10
    demo.build()
    db.session.commit()
    after = db.session.execute(select(AuditEvent.id, AuditEvent.action, AuditEvent.actor_label)
                               .order_by(AuditEvent.id)).all()
    assert after[:len(first)] == first
    assert len(after) >= 2 * len(first)  # the second run's events are added, not swapped in
    # the organization row stays (its events point at it); the demo is rebuilt inside it
    assert db.session.execute(select(Organization.id).filter_by(slug=demo.DEMO_SLUG)).scalar_one() == org.id
