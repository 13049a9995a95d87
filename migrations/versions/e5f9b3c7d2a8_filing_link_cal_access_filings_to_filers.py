"""filing_link: CAL-ACCESS filings to filers

RCPT_CD lines name their filing, not the committee that received the money; FILER_FILINGS_CD links
the two, and this table keeps that link per organization.

Revision ID: e5f9b3c7d2a8
Revises: d4e8a2b6c1f7
Create Date: 2026-11-30 01:33:07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f9b3c7d2a8'
down_revision = 'd4e8a2b6c1f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('filing_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.String(length=40), nullable=False),
    sa.Column('filer_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_filing_link_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_link')),
    sa.UniqueConstraint('organization_id', 'filing_id', name=op.f('uq_filing_link_organization_id_filing_id'))
    )


def downgrade():
    op.drop_table('filing_link')
