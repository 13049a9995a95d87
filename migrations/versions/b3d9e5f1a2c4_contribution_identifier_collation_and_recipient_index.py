"""contribution: identifiers compared byte by byte ("C" collation, PostgreSQL); recipient index without the date

A million-row import spends most of the database's time keeping its indexes. With many lines per
committee, an index on the recipient alone keeps each committee's rows as one posting list; the
(recipient, date) index held one entry per line. The "C" collation spares every comparison of the
identity and recipient keys the locale's rules. SQLite compares bytes already: there only the
index changes.

Revision ID: b3d9e5f1a2c4
Revises: a7f3c1d2e4b5
Create Date: 2026-11-29 23:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d9e5f1a2c4'
down_revision = 'a7f3c1d2e4b5'
branch_labels = None
depends_on = None

IDENTIFIERS = {'source': 40, 'source_key': 200, 'recipient_committee_id': 40}


def _collate(collation):
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, length in IDENTIFIERS.items():
        op.alter_column('contribution', name, type_=sa.String(length=length, collation=collation),
                        existing_nullable=False)


def upgrade():
    op.drop_index('ix_contribution_recipient_date', table_name='contribution')
    _collate('C')
    op.create_index('ix_contribution_recipient', 'contribution', ['recipient_committee_id'], unique=False)


def downgrade():
    op.drop_index('ix_contribution_recipient', table_name='contribution')
    _collate(None)
    op.create_index('ix_contribution_recipient_date', 'contribution', ['recipient_committee_id', 'received_on'],
                    unique=False)
