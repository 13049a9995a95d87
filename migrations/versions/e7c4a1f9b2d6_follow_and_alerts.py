"""follow and alerts: the outbox of events, follows (feed and e-mail), deliveries

Services write outbox_event rows (with their subjects) in the transaction of the change they
report; the sender fans them out to delivery rows for confirmed follows and sends them.

Revision ID: e7c4a1f9b2d6
Revises: 3c8e1f5a7b90
Create Date: 2026-12-07 03:19:42.751251

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7c4a1f9b2d6'
down_revision = '3c8e1f5a7b90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('members_only', sa.Boolean(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('fanned_out_at', sa.DateTime(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_outbox_event_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_event'))
    )
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_event_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_outbox_event_pending', ['fanned_out_at', 'id'], unique=False)

    op.create_table('follow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('target_kind', sa.String(length=20), nullable=False),
    sa.Column('target_key', sa.String(length=120), nullable=False),
    sa.Column('cadence', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('unsubscribed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("cadence = 'immediate' OR cadence = 'digest'", name=op.f('ck_follow_cadence_valid')),
    sa.CheckConstraint("target_kind = 'organization' OR target_kind = 'person' OR target_kind = 'plank' OR target_kind = 'election' OR target_kind = 'members'", name=op.f('ck_follow_target_kind_valid')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_follow_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_follow_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow')),
    sa.UniqueConstraint('organization_id', 'email', 'target_kind', 'target_key', name=op.f('uq_follow_organization_id_email_target_kind_target_key'))
    )
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_follow_target', ['organization_id', 'target_kind', 'target_key'], unique=False)

    op.create_table('outbox_subject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['outbox_event.id'], name=op.f('fk_outbox_subject_event_id_outbox_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_outbox_subject_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_subject'))
    )
    with op.batch_alter_table('outbox_subject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_subject_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_outbox_subject_target', ['organization_id', 'kind', 'key', 'event_id'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('follow_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.CheckConstraint("kind = 'event' OR kind = 'confirm'", name=op.f('ck_delivery_kind_valid')),
    sa.CheckConstraint("status = 'pending' OR status = 'sending' OR status = 'sent' OR status = 'held'", name=op.f('ck_delivery_status_valid')),
    sa.ForeignKeyConstraint(['event_id'], ['outbox_event.id'], name=op.f('fk_delivery_event_id_outbox_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['follow_id'], ['follow.id'], name=op.f('fk_delivery_follow_id_follow'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_delivery_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('event_id', 'email', name=op.f('uq_delivery_event_id_email'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_follow_id'), ['follow_id'], unique=False)



def downgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_follow_id'))
        batch_op.drop_index('ix_delivery_due')

    op.drop_table('delivery')
    with op.batch_alter_table('outbox_subject', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_subject_target')
        batch_op.drop_index(batch_op.f('ix_outbox_subject_event_id'))

    op.drop_table('outbox_subject')
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_target')
        batch_op.drop_index(batch_op.f('ix_follow_member_id'))

    op.drop_table('follow')
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_event_pending')
        batch_op.drop_index(batch_op.f('ix_outbox_event_organization_id'))

    op.drop_table('outbox_event')
