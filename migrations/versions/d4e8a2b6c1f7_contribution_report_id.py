"""contribution.report_id: the report a line was filed on, so an amendment that drops a line supersedes it

Revision ID: d4e8a2b6c1f7
Revises: b3d9e5f1a2c4
Create Date: 2026-11-30 00:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e8a2b6c1f7'
down_revision = 'b3d9e5f1a2c4'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('contribution', sa.Column('report_id', sa.String(length=120), nullable=True))
    op.create_index('ix_contribution_report', 'contribution', ['organization_id', 'source', 'report_id'], unique=False,
                    sqlite_where=sa.text('report_id IS NOT NULL'), postgresql_where=sa.text('report_id IS NOT NULL'))


def downgrade():
    op.drop_index('ix_contribution_report', table_name='contribution',
                  sqlite_where=sa.text('report_id IS NOT NULL'), postgresql_where=sa.text('report_id IS NOT NULL'))
    op.drop_column('contribution', 'report_id')  # SQLite 3.35+ drops a column in place
