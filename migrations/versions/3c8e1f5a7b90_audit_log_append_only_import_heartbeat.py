"""audit log append-only in the database; import workers and heartbeats

import_progress gains worker ("host:pid") and heartbeat_at, so a run whose worker died is found
and marked failed (tracker.services.ingest.fail_abandoned_runs).

Triggers refuse UPDATE and DELETE on audit_event (PostgreSQL: one plpgsql function; SQLite: two
triggers). The foreign key's ON DELETE SET NULL of actor_id, with nothing else changed, passes.
The statements are those of tracker/models/append_only.py as of this revision, copied so a later
change there does not rewrite history.

Revision ID: 3c8e1f5a7b90
Revises: d5a2f49e9020
Create Date: 2026-12-07 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c8e1f5a7b90'
down_revision = 'd5a2f49e9020'
branch_labels = None
depends_on = None

POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused', ERRCODE = 'restrict_violation';
END
$$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
]
POSTGRESQL_DROP = ["DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
                   "DROP FUNCTION IF EXISTS audit_event_append_only()"]

_UNCHANGED = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in (
    "id", "organization_id", "actor_label", "action", "entity_type", "entity_id", "before", "after", "note",
    "created_at"))
SQLITE_CREATE = [
    f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {_UNCHANGED})
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"]


def _statements(create: bool) -> list[str]:
    if op.get_bind().dialect.name == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    return SQLITE_CREATE if create else SQLITE_DROP


def upgrade():
    with op.batch_alter_table('import_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
    for statement in _statements(create=True):
        op.execute(statement)


def downgrade():
    for statement in _statements(create=False):
        op.execute(statement)
    with op.batch_alter_table('import_progress', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('worker')
