"""vote_position keyed by (roll_call_id, voter_key): no surrogate id; on SQLite, WITHOUT ROWID

The natural key was already unique; it becomes the primary key, and the id column and the unique
index beside it go. On SQLite the table is stored in key order (WITHOUT ROWID): one b-tree where
there were two. SQLite cannot change a table's primary key or storage in place, so there the table
is rebuilt (rows copied in key order); PostgreSQL alters it.

Revision ID: a7f3c1d2e4b5
Revises: c5a970039e52
Create Date: 2026-12-02 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7f3c1d2e4b5'
down_revision = 'c5a970039e52'
branch_labels = None
depends_on = None

POSITIONS = ('yes', 'no', 'abstain', 'present', 'recused', 'paired', 'not_voting', 'absent', 'excused',
             'not_eligible', 'unknown')
COLUMNS = 'organization_id, roll_call_id, person_id, voter_key, voter_name, raw_label, position, source_line'


def _sqlite_rebuild(with_id: bool) -> None:
    """Build vote_position anew (keyed by id, or by roll call and voter WITHOUT ROWID), copying the rows."""
    id_column = [sa.Column('id', sa.Integer(), nullable=False)] if with_id else []
    key = ([sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_position')),
            sa.UniqueConstraint('roll_call_id', 'voter_key', name=op.f('uq_vote_position_roll_call_id_voter_key'))]
           if with_id else [sa.PrimaryKeyConstraint('roll_call_id', 'voter_key', name=op.f('pk_vote_position'))])
    op.drop_index('ix_vote_position_waiting', table_name='vote_position')
    op.drop_index('ix_vote_position_person', table_name='vote_position')
    op.create_table(
        '_vote_position_new',
        *id_column,
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('roll_call_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('voter_key', sa.String(length=200), nullable=False),
        sa.Column('voter_name', sa.String(length=200), nullable=False),
        sa.Column('raw_label', sa.String(length=200), nullable=False),
        sa.Column('position', sa.String(length=20), nullable=False),
        sa.Column('source_line', sa.Integer(), nullable=True),
        *key,
        sa.CheckConstraint(' OR '.join(f"position = '{p}'" for p in POSITIONS), name=op.f('ck_vote_position_position_valid')),
        sa.ForeignKeyConstraint(['roll_call_id'], ['roll_call.id'], name=op.f('fk_vote_position_roll_call_id_roll_call'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_vote_position_person_id_person'),
                                ondelete='SET NULL'),
        sqlite_with_rowid=with_id,
    )
    op.execute(f'INSERT INTO _vote_position_new ({COLUMNS}) SELECT {COLUMNS} FROM vote_position '
               'ORDER BY roll_call_id, voter_key')
    op.drop_table('vote_position')
    op.rename_table('_vote_position_new', 'vote_position')
    _create_indexes()


def _create_indexes() -> None:
    op.create_index('ix_vote_position_person', 'vote_position', ['person_id', 'roll_call_id'], unique=False)
    op.create_index('ix_vote_position_waiting', 'vote_position', ['organization_id', 'voter_key'], unique=False,
                    sqlite_where=sa.text('person_id IS NULL'), postgresql_where=sa.text('person_id IS NULL'))


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_rebuild(with_id=False)
        return
    op.drop_constraint(op.f('pk_vote_position'), 'vote_position', type_='primary')
    op.drop_column('vote_position', 'id')  # its sequence goes with it
    op.drop_constraint(op.f('uq_vote_position_roll_call_id_voter_key'), 'vote_position', type_='unique')
    op.create_primary_key(op.f('pk_vote_position'), 'vote_position', ['roll_call_id', 'voter_key'])


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_rebuild(with_id=True)
        return
    op.drop_constraint(op.f('pk_vote_position'), 'vote_position', type_='primary')
    op.execute('ALTER TABLE vote_position ADD COLUMN id SERIAL NOT NULL')  # numbers the stored rows
    op.create_primary_key(op.f('pk_vote_position'), 'vote_position', ['id'])
    op.create_unique_constraint(op.f('uq_vote_position_roll_call_id_voter_key'), 'vote_position',
                                ['roll_call_id', 'voter_key'])
