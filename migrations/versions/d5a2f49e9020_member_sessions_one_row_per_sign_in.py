"""member sessions: one row per sign-in

The session and remember-me cookies now carry a random token naming a member_session row (only its
SHA-256 is stored) instead of the member's id, so signing out or changing the password revokes
them. Cookies issued before this revision name no row: every member signs in once more.

Revision ID: d5a2f49e9020
Revises: 9e73749ecb04
Create Date: 2026-12-04 17:50:46

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5a2f49e9020'
down_revision = '9e73749ecb04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_session_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_member_session_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_member_session_token_hash'))
    )
    with op.batch_alter_table('member_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_session_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_session_organization_id'), ['organization_id'], unique=False)


def downgrade():
    with op.batch_alter_table('member_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_session_organization_id'))
        batch_op.drop_index(batch_op.f('ix_member_session_member_id'))

    op.drop_table('member_session')