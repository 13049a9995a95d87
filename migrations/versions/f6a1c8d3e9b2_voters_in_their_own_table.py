"""voter: each voter key once per organization; vote_position refers to it by id

vote_position carried the voter's key and name as text on every row, in its primary key and in
the person index. They move to a `voter` table (one row per organization and key, with a name
it was filed under), and positions are keyed by (roll_call_id, voter_id). The person stays on
each position. SQLite rebuilds the table (WITHOUT ROWID, rows copied in key order); PostgreSQL
alters it in place.

Revision ID: f6a1c8d3e9b2
Revises: e5f9b3c7d2a8
Create Date: 2026-11-30 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6a1c8d3e9b2'
down_revision = 'e5f9b3c7d2a8'
branch_labels = None
depends_on = None

POSITIONS = ('yes', 'no', 'abstain', 'present', 'recused', 'paired', 'not_voting', 'absent', 'excused',
             'not_eligible', 'unknown')
SHARED = 'organization_id, roll_call_id, person_id, raw_label, position, source_line'
WAITING = sa.text('person_id IS NULL')


def _sqlite_rebuild(by_voter_id: bool) -> None:
    """Build vote_position anew, keyed by (roll call, voter id) or (roll call, voter key), copying its rows."""
    voter = ([sa.Column('voter_id', sa.Integer(), nullable=False)] if by_voter_id else
             [sa.Column('voter_key', sa.String(length=200), nullable=False),
              sa.Column('voter_name', sa.String(length=200), nullable=False)])
    voter_fk = ([sa.ForeignKeyConstraint(['voter_id'], ['voter.id'], name=op.f('fk_vote_position_voter_id_voter'),
                                         ondelete='CASCADE')] if by_voter_id else [])
    op.drop_index('ix_vote_position_waiting', table_name='vote_position')
    op.drop_index('ix_vote_position_person', table_name='vote_position')
    op.create_table(
        '_vote_position_new',
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('roll_call_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        *voter,
        sa.Column('raw_label', sa.String(length=200), nullable=False),
        sa.Column('position', sa.String(length=20), nullable=False),
        sa.Column('source_line', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('roll_call_id', 'voter_id' if by_voter_id else 'voter_key', name=op.f('pk_vote_position')),
        sa.CheckConstraint(' OR '.join(f"position = '{p}'" for p in POSITIONS), name=op.f('ck_vote_position_position_valid')),
        sa.ForeignKeyConstraint(['roll_call_id'], ['roll_call.id'], name=op.f('fk_vote_position_roll_call_id_roll_call'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_vote_position_person_id_person'),
                                ondelete='SET NULL'),
        *voter_fk,
        sqlite_with_rowid=False,
    )
    prefixed = ', '.join(f'p.{c}' for c in SHARED.split(', '))
    if by_voter_id:
        op.execute(f'INSERT INTO _vote_position_new ({SHARED}, voter_id) SELECT {prefixed}, v.id FROM vote_position p '
                   'JOIN voter v ON v.organization_id = p.organization_id AND v.voter_key = p.voter_key '
                   'ORDER BY p.roll_call_id, v.id')
    else:
        op.execute(f'INSERT INTO _vote_position_new ({SHARED}, voter_key, voter_name) '
                   f'SELECT {prefixed}, v.voter_key, v.voter_name FROM vote_position p JOIN voter v ON v.id = p.voter_id '
                   'ORDER BY p.roll_call_id, v.voter_key')
    op.drop_table('vote_position')
    op.rename_table('_vote_position_new', 'vote_position')
    op.create_index('ix_vote_position_person', 'vote_position', ['person_id', 'roll_call_id'], unique=False)


def _create_voters() -> None:
    op.create_table(
        'voter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('voter_key', sa.String(length=200), nullable=False),
        sa.Column('voter_name', sa.String(length=200), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_voter_organization_id_organization'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_voter')),
        sa.UniqueConstraint('organization_id', 'voter_key', name=op.f('uq_voter_organization_id_voter_key')),
    )
    # One name per key: where stored positions filed a key under several names, the first in sort order.
    op.execute('INSERT INTO voter (organization_id, voter_key, voter_name) '
               'SELECT organization_id, voter_key, MIN(voter_name) FROM vote_position '
               'GROUP BY organization_id, voter_key ORDER BY organization_id, voter_key')


def upgrade():
    _create_voters()
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_rebuild(by_voter_id=True)
    else:
        op.drop_index('ix_vote_position_waiting', table_name='vote_position')
        op.add_column('vote_position', sa.Column('voter_id', sa.Integer(), nullable=True))
        op.execute('UPDATE vote_position p SET voter_id = v.id FROM voter v '
                   'WHERE v.organization_id = p.organization_id AND v.voter_key = p.voter_key')
        op.alter_column('vote_position', 'voter_id', nullable=False)
        op.drop_constraint(op.f('pk_vote_position'), 'vote_position', type_='primary')
        op.create_primary_key(op.f('pk_vote_position'), 'vote_position', ['roll_call_id', 'voter_id'])
        op.create_foreign_key(op.f('fk_vote_position_voter_id_voter'), 'vote_position', 'voter', ['voter_id'], ['id'],
                              ondelete='CASCADE')
        op.drop_column('vote_position', 'voter_key')
        op.drop_column('vote_position', 'voter_name')
    op.create_index('ix_vote_position_waiting', 'vote_position', ['voter_id'], unique=False,
                    sqlite_where=WAITING, postgresql_where=WAITING)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_rebuild(by_voter_id=False)
    else:
        op.drop_index('ix_vote_position_waiting', table_name='vote_position')
        op.add_column('vote_position', sa.Column('voter_key', sa.String(length=200), nullable=True))
        op.add_column('vote_position', sa.Column('voter_name', sa.String(length=200), nullable=True))
        op.execute('UPDATE vote_position p SET voter_key = v.voter_key, voter_name = v.voter_name FROM voter v '
                   'WHERE v.id = p.voter_id')
        op.alter_column('vote_position', 'voter_key', nullable=False)
        op.alter_column('vote_position', 'voter_name', nullable=False)
        op.drop_constraint(op.f('pk_vote_position'), 'vote_position', type_='primary')
        op.create_primary_key(op.f('pk_vote_position'), 'vote_position', ['roll_call_id', 'voter_key'])
        op.drop_column('vote_position', 'voter_id')  # its foreign key goes with it
    op.create_index('ix_vote_position_waiting', 'vote_position', ['organization_id', 'voter_key'], unique=False,
                    sqlite_where=WAITING, postgresql_where=WAITING)
    op.drop_table('voter')
