"""The audit log: every write by a member or a command leaves an AuditEvent."""
from flask_login import current_user

from tracker.extensions import db
from tracker.models import AuditEvent


def actor_of(member=None) -> tuple[int | None, str]:
    """Who is acting: the given member, the signed-in member, or the command line."""
    if member is None:
        try:
            member = current_user if current_user and current_user.is_authenticated else None
        except RuntimeError:  # no request context: a CLI command
            member = None
    if member is None:
        return None, "cli"
    return member.id, member.email


def record(organization_id: int, action: str, entity, *, before=None, after=None, note=None, member=None,
           label: str | None = None) -> AuditEvent:
    """Add an AuditEvent to the session (committed with the change it describes). ``label`` names
    an actor without an account (e.g. a candidate signing through their link)."""
    actor_id, actor_label = actor_of(member)
    if label is not None and actor_id is None:
        actor_label = label
    entity_type = entity if isinstance(entity, str) else type(entity).__name__
    entity_id = None if isinstance(entity, str) else str(getattr(entity, "id", "") or "")
    event = AuditEvent(organization_id=organization_id, actor_id=actor_id, actor_label=actor_label,
                       action=action, entity_type=entity_type, entity_id=entity_id,
                       before=before, after=after, note=note)
    db.session.add(event)
    return event
