"""program democracy: proposals with co-sponsors and discussion; ballots with questions, a frozen
electorate, choices moved to cast_ballot at the close, paper tellers; drafts based on versions

The old ``ballot``/``ballot_vote`` shape (one question, a float threshold) and the ``amendment``
table were never written by the application; they are replaced. The upgrade refuses to run if
they hold rows, rather than lose them.

Revision ID: a1b2c3d4e5f6
Revises: f6a1c8d3e9b2
Create Date: 2026-12-04 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1b2c3d4e5f6'
down_revision = 'f6a1c8d3e9b2'
branch_labels = None
depends_on = None

PROPOSAL_STATUS_NEW = ("status = 'open' OR status = 'on_ballot' OR status = 'passed' OR status = 'adopted' OR "
                       "status = 'rejected' OR status = 'withdrawn'")
PROPOSAL_STATUS_OLD = ("status = 'draft' OR status = 'open' OR status = 'adopted' OR status = 'rejected' OR "
                       "status = 'withdrawn'")


def _refuse_if_rows(*tables):
    bind = op.get_bind()
    for table in tables:
        if bind.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar():
            raise RuntimeError(f"Table {table} holds rows this migration would replace; export them first.")


def upgrade():
    _refuse_if_rows("ballot_vote", "ballot", "amendment")
    with op.batch_alter_table('ballot_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_vote_organization_id'))
    op.drop_table('ballot_vote')
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_organization_id'))
    op.drop_table('ballot')
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_organization_id'))
    op.drop_table('amendment')

    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ballot_settings', sa.JSON(), nullable=True))
    with op.batch_alter_table('program_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('based_on_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_program_version_based_on_id_program_version'), 'program_version',
                                    ['based_on_id'], ['id'], ondelete='SET NULL')

    # Proposals: new statuses ('draft' becomes 'open'), the plank key they change, line anchors.
    op.execute("UPDATE proposal SET status = 'open' WHERE status = 'draft'")
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_plank_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('line_from', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('line_to', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('applied_version_id', sa.Integer(), nullable=True))
    op.execute("UPDATE proposal SET target_plank_key = (SELECT plank.key FROM plank WHERE plank.id = proposal.target_plank_id) "
               "WHERE kind <> 'new_plank'")
    op.execute("UPDATE proposal SET target_plank_key = 'unknown', status = 'withdrawn' "
               "WHERE kind <> 'new_plank' AND target_plank_key IS NULL")
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_proposal_version_id_program_version'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_proposal_version_id_program_version'), 'program_version',
                                    ['version_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_proposal_applied_version_id_program_version'), 'program_version',
                                    ['applied_version_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(batch_op.f('ck_proposal_status_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_proposal_status_valid'), sa.text(PROPOSAL_STATUS_NEW))
        batch_op.create_check_constraint(batch_op.f('ck_proposal_change_names_a_plank'),
                                         sa.text("kind = 'new_plank' OR target_plank_key IS NOT NULL"))

    op.create_table('cosponsor',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_cosponsor_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_cosponsor_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_cosponsor_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'member_id', name=op.f('pk_cosponsor'))
    )
    with op.batch_alter_table('cosponsor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cosponsor_organization_id'), ['organization_id'], unique=False)

    op.create_table('proposal_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_proposal_comment_member_id_member'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_proposal_comment_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['proposal_comment.id'], name=op.f('fk_proposal_comment_parent_id_proposal_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_comment_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_comment'))
    )
    with op.batch_alter_table('proposal_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_comment_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_comment_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_comment_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('quorum_fraction', sa.String(length=20), nullable=False),
    sa.Column('electorate_count', sa.Integer(), nullable=True),
    sa.Column('quorum_needed', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status = 'scheduled' OR status = 'open' OR status = 'closed'", name=op.f('ck_ballot_status_valid')),
    sa.CheckConstraint("mode = 'online' OR mode = 'paper'", name=op.f('ck_ballot_mode_valid')),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_ballot_closes_after_opens')),
    sa.ForeignKeyConstraint(['created_by_id'], ['member.id'], name=op.f('fk_ballot_created_by_id_member'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_ballot_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot'))
    )
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.create_index('ix_ballot_due', ['status', 'closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ballot_organization_id'), ['organization_id'], unique=False)

    op.create_table('ballot_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('majority', sa.String(length=20), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('plank_key', sa.String(length=80), nullable=True),
    sa.Column('version_sha256', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('paper_counts', sa.JSON(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind = 'yes_no' OR kind = 'ranked'", name=op.f('ck_ballot_question_kind_valid')),
    sa.CheckConstraint("outcome IS NULL OR outcome = 'passed' OR outcome = 'failed' OR outcome = 'no quorum' OR outcome = 'winner' OR outcome = 'default' OR outcome = 'tie'", name=op.f('ck_ballot_question_outcome_valid')),
    sa.CheckConstraint("subject = 'proposal' OR subject = 'competing' OR subject = 'adoption' OR subject = 'other'", name=op.f('ck_ballot_question_subject_valid')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballot.id'], name=op.f('fk_ballot_question_ballot_id_ballot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_ballot_question_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_ballot_question_proposal_id_proposal'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['program_version.id'], name=op.f('fk_ballot_question_version_id_program_version'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_question')),
    sa.UniqueConstraint('ballot_id', 'position', name=op.f('uq_ballot_question_ballot_id_position'))
    )
    with op.batch_alter_table('ballot_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_question_ballot_id'), ['ballot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ballot_question_organization_id'), ['organization_id'], unique=False)

    op.create_table('ballot_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_ballot_option_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_ballot_option_proposal_id_proposal'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['ballot_question.id'], name=op.f('fk_ballot_option_question_id_ballot_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_option')),
    sa.UniqueConstraint('question_id', 'position', name=op.f('uq_ballot_option_question_id_position'))
    )
    with op.batch_alter_table('ballot_option', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_option_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ballot_option_question_id'), ['question_id'], unique=False)

    op.create_table('ballot_elector',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('voted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballot.id'], name=op.f('fk_ballot_elector_ballot_id_ballot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_ballot_elector_member_id_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ballot_id', 'member_id', name=op.f('pk_ballot_elector'))
    )
    with op.batch_alter_table('ballot_elector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_elector_member_id'), ['member_id'], unique=False)

    op.create_table('ballot_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=10), nullable=True),
    sa.Column('ranks', sa.String(length=200), nullable=True),
    sa.Column('receipt', sa.String(length=24), nullable=False),
    sa.Column('cast_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("choice IS NULL OR choice = 'yes' OR choice = 'no' OR choice = 'abstain'", name=op.f('ck_ballot_vote_choice_valid')),
    sa.CheckConstraint('choice IS NOT NULL OR ranks IS NOT NULL', name=op.f('ck_ballot_vote_vote_has_a_choice')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_ballot_vote_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['ballot_question.id'], name=op.f('fk_ballot_vote_question_id_ballot_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_vote')),
    sa.UniqueConstraint('question_id', 'member_id', name=op.f('uq_ballot_vote_question_id_member_id'))
    )
    with op.batch_alter_table('ballot_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_vote_member_id'), ['member_id'], unique=False)

    op.create_table('cast_ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('choice', sa.String(length=10), nullable=True),
    sa.Column('ranks', sa.String(length=200), nullable=True),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('receipt', sa.String(length=24), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.CheckConstraint("choice IS NULL OR choice = 'yes' OR choice = 'no' OR choice = 'abstain'", name=op.f('ck_cast_ballot_choice_valid')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_cast_ballot_member_id_member'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['ballot_question.id'], name=op.f('fk_cast_ballot_question_id_ballot_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cast_ballot'))
    )
    with op.batch_alter_table('cast_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cast_ballot_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cast_ballot_question_id'), ['question_id'], unique=False)

    op.create_table('teller_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('teller_id', sa.Integer(), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_teller_count_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['ballot_question.id'], name=op.f('fk_teller_count_question_id_ballot_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teller_id'], ['member.id'], name=op.f('fk_teller_count_teller_id_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teller_count')),
    sa.UniqueConstraint('question_id', 'teller_id', name=op.f('uq_teller_count_question_id_teller_id'))
    )
    with op.batch_alter_table('teller_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teller_count_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_teller_count_question_id'), ['question_id'], unique=False)


def downgrade():
    _refuse_if_rows("ballot")
    for table, indexes in (("teller_count", ["ix_teller_count_organization_id", "ix_teller_count_question_id"]),
                           ("cast_ballot", ["ix_cast_ballot_organization_id", "ix_cast_ballot_question_id"]),
                           ("ballot_vote", ["ix_ballot_vote_member_id"]),
                           ("ballot_elector", ["ix_ballot_elector_member_id"]),
                           ("ballot_option", ["ix_ballot_option_organization_id", "ix_ballot_option_question_id"]),
                           ("ballot_question", ["ix_ballot_question_ballot_id", "ix_ballot_question_organization_id"]),
                           ("ballot", ["ix_ballot_due", "ix_ballot_organization_id"]),
                           ("proposal_comment", ["ix_proposal_comment_member_id", "ix_proposal_comment_organization_id",
                                                 "ix_proposal_comment_proposal_id"]),
                           ("cosponsor", ["ix_cosponsor_organization_id"])):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)

    op.execute("UPDATE proposal SET status = 'open' WHERE status IN ('on_ballot', 'passed')")
    op.execute("DELETE FROM proposal WHERE version_id IS NULL")  # the old shape required a version
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_proposal_change_names_a_plank'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_proposal_status_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_proposal_status_valid'), sa.text(PROPOSAL_STATUS_OLD))
        batch_op.drop_constraint(batch_op.f('fk_proposal_applied_version_id_program_version'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_proposal_version_id_program_version'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_proposal_version_id_program_version'), 'program_version',
                                    ['version_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('applied_version_id')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('line_to')
        batch_op.drop_column('line_from')
        batch_op.drop_column('target_plank_key')

    with op.batch_alter_table('program_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_program_version_based_on_id_program_version'), type_='foreignkey')
        batch_op.drop_column('based_on_id')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_column('ballot_settings')

    op.create_table('amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('new_body', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status = 'draft' OR status = 'open' OR status = 'adopted' OR status = 'rejected' OR status = 'withdrawn'", name=op.f('ck_amendment_status_valid')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_amendment_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_amendment_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['member.id'], name=op.f('fk_amendment_proposed_by_id_member'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment'))
    )
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_organization_id'), ['organization_id'], unique=False)

    op.create_table('ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=500), nullable=False),
    sa.Column('options', sa.String(length=500), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('amendment_id', sa.Integer(), nullable=True),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('quorum', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Double(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status = 'draft' OR status = 'open' OR status = 'closed'", name=op.f('ck_ballot_status_valid')),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_ballot_closes_after_opens')),
    sa.CheckConstraint('quorum >= 0', name=op.f('ck_ballot_quorum_nonnegative')),
    sa.CheckConstraint('threshold > 0 AND threshold <= 1', name=op.f('ck_ballot_threshold_fraction')),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment.id'], name=op.f('fk_ballot_amendment_id_amendment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_ballot_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_ballot_proposal_id_proposal'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot'))
    )
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_organization_id'), ['organization_id'], unique=False)

    op.create_table('ballot_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=100), nullable=False),
    sa.Column('cast_at', sa.DateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballot.id'], name=op.f('fk_ballot_vote_ballot_id_ballot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_ballot_vote_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_ballot_vote_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_vote')),
    sa.UniqueConstraint('ballot_id', 'member_id', name=op.f('uq_ballot_vote_ballot_id_member_id'))
    )
    with op.batch_alter_table('ballot_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_vote_organization_id'), ['organization_id'], unique=False)
