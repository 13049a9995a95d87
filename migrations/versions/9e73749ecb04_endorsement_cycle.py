"""endorsement cycle: candidacies, questionnaires, withdrawal petitions; endorsement and withdrawal
ballot questions; a ballot's electorate (members or the committee)

Revision ID: 9e73749ecb04
Revises: a1b2c3d4e5f6
Create Date: 2026-12-04 18:28:23.553826

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e73749ecb04'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None

SUBJECTS_OLD = "subject = 'proposal' OR subject = 'competing' OR subject = 'adoption' OR subject = 'other'"
SUBJECTS_NEW = ("subject = 'proposal' OR subject = 'competing' OR subject = 'adoption' OR subject = 'endorsement' OR "
                "subject = 'withdrawal' OR subject = 'other'")


def upgrade():
    op.create_table('questionnaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endorsement_id', sa.Integer(), nullable=False),
    sa.Column('program_version_id', sa.Integer(), nullable=False),
    sa.Column('org_questions', sa.JSON(), nullable=True),
    sa.Column('extra_answers', sa.JSON(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('token_expires_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_name', sa.String(length=200), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['endorsement_id'], ['endorsement.id'], name=op.f('fk_questionnaire_endorsement_id_endorsement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_questionnaire_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_version_id'], ['program_version.id'], name=op.f('fk_questionnaire_program_version_id_program_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire')),
    sa.UniqueConstraint('endorsement_id', name=op.f('uq_questionnaire_endorsement_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_questionnaire_token_hash'))
    )
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_organization_id'), ['organization_id'], unique=False)

    op.create_table('withdrawal_petition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endorsement_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status = 'open' OR status = 'on_ballot' OR status = 'decided'", name=op.f('ck_withdrawal_petition_status_valid')),
    sa.ForeignKeyConstraint(['endorsement_id'], ['endorsement.id'], name=op.f('fk_withdrawal_petition_endorsement_id_endorsement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['member.id'], name=op.f('fk_withdrawal_petition_opened_by_id_member'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_withdrawal_petition_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawal_petition'))
    )
    with op.batch_alter_table('withdrawal_petition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withdrawal_petition_endorsement_id'), ['endorsement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_withdrawal_petition_organization_id'), ['organization_id'], unique=False)

    op.create_table('petition_signature',
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_petition_signature_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_petition_signature_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['petition_id'], ['withdrawal_petition.id'], name=op.f('fk_petition_signature_petition_id_withdrawal_petition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('petition_id', 'member_id', name=op.f('pk_petition_signature'))
    )
    with op.batch_alter_table('petition_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_signature_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('electorate', sa.String(length=20), nullable=False, server_default='members'))
        batch_op.create_check_constraint(batch_op.f('ck_ballot_electorate_valid'),
                                         sa.text("electorate = 'members' OR electorate = 'committee'"))
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.alter_column('electorate', server_default=None)

    with op.batch_alter_table('ballot_option', schema=None) as batch_op:
        batch_op.add_column(sa.Column('endorsement_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ballot_option_endorsement_id_endorsement'), 'endorsement', ['endorsement_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('ballot_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('endorsement_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('petition_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ballot_question_petition_id_withdrawal_petition'), 'withdrawal_petition', ['petition_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_ballot_question_endorsement_id_endorsement'), 'endorsement', ['endorsement_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(batch_op.f('ck_ballot_question_subject_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_ballot_question_subject_valid'), sa.text(SUBJECTS_NEW))

    with op.batch_alter_table('endorsement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('district', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('ballot_line', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('independent', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('tally', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()))
        batch_op.create_foreign_key(batch_op.f('fk_endorsement_created_by_id_member'), 'member', ['created_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('endorsement', schema=None) as batch_op:
        batch_op.alter_column('independent', server_default=None)
        batch_op.alter_column('created_at', server_default=None)



def downgrade():
    with op.batch_alter_table('endorsement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_endorsement_created_by_id_member'), type_='foreignkey')
        batch_op.drop_column('created_at')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_on')
        batch_op.drop_column('tally')
        batch_op.drop_column('independent')
        batch_op.drop_column('ballot_line')
        batch_op.drop_column('district')
        batch_op.drop_column('office')

    op.execute("DELETE FROM ballot_question WHERE subject IN ('endorsement', 'withdrawal')")
    with op.batch_alter_table('ballot_question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ballot_question_subject_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_ballot_question_subject_valid'), sa.text(SUBJECTS_OLD))
        batch_op.drop_constraint(batch_op.f('fk_ballot_question_endorsement_id_endorsement'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ballot_question_petition_id_withdrawal_petition'), type_='foreignkey')
        batch_op.drop_column('petition_id')
        batch_op.drop_column('endorsement_id')

    with op.batch_alter_table('ballot_option', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ballot_option_endorsement_id_endorsement'), type_='foreignkey')
        batch_op.drop_column('endorsement_id')

    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ballot_electorate_valid'), type_='check')
        batch_op.drop_column('electorate')

    with op.batch_alter_table('petition_signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_signature_organization_id'))

    op.drop_table('petition_signature')
    with op.batch_alter_table('withdrawal_petition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_withdrawal_petition_organization_id'))
        batch_op.drop_index(batch_op.f('ix_withdrawal_petition_endorsement_id'))

    op.drop_table('withdrawal_petition')
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_organization_id'))

    op.drop_table('questionnaire')
