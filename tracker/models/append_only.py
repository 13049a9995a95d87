"""The audit log is append-only in the database itself: triggers refuse UPDATE and DELETE on
audit_event, on PostgreSQL and SQLite alike, whoever connects (the app, a shell, a script).

The one change let through is the foreign key's own ON DELETE SET NULL of actor_id when a member
is deleted, with every other column unchanged (actor_label still names who acted). TRUNCATE and
DROP TABLE, which only the table's owner can run, are not row changes and do not fire them.
The same statements are in migration 3c8e1f5a7b90; tests build tables with create_all, which
runs these through the DDL events below.
"""
from sqlalchemy import DDL, event

REFUSED = "audit events are append-only"

POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = '{REFUSED}: ' || TG_OP || ' refused', ERRCODE = 'restrict_violation';
END
$$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
]
POSTGRESQL_DROP = ["DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
                   "DROP FUNCTION IF EXISTS audit_event_append_only()"]

# Every column but actor_id must stay as it was for the SET NULL to pass.
_UNCHANGED = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in (
    "id", "organization_id", "actor_label", "action", "entity_type", "entity_id", "before", "after", "note",
    "created_at"))
SQLITE_CREATE = [
    f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {_UNCHANGED})
BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE refused'); END""",
    f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE refused'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"]


def install(table) -> None:
    """Create the triggers whenever metadata creates the table (db.create_all)."""
    for statement in POSTGRESQL_CREATE:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    for statement in SQLITE_CREATE:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    # The function outlives the table otherwise (a trigger goes with its table).
    event.listen(table, "after_drop", DDL(POSTGRESQL_DROP[1]).execute_if(dialect="postgresql"))
