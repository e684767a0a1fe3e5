"""outcome evidence: outcome plans recorded at issue, follow-ups, sponsor links and responses, success cases

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-28 09:00:00

A sponsor link keeps only the sha256 of its token (the token itself is emailed once).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outcome_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('expected_by', sa.Date(), nullable=False),
    sa.Column('sponsor_name', sa.String(length=120), nullable=False),
    sa.Column('sponsor_email', sa.String(length=254), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('consent_public', sa.Boolean(), nullable=False),
    sa.Column('consent_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("direction IN ('increase', 'decrease')", name=op.f('ck_outcome_plans_direction_known')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_outcome_plans_certificate_id_certificates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_outcome_plans_holder_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_plans')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_outcome_plans_certificate_id'))
    )
    with op.batch_alter_table('outcome_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_plans_holder_id'), ['holder_id'], unique=False)

    op.create_table('outcome_followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('holder_value', sa.Float(), nullable=True),
    sa.Column('implemented', sa.Text(), nullable=False),
    sa.Column('obstacles', sa.Text(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('holder_reminders', sa.Integer(), nullable=False),
    sa.Column('holder_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sponsor_requests', sa.Integer(), nullable=False),
    sa.Column('sponsor_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['outcome_plans.id'], name=op.f('fk_outcome_followups_plan_id_outcome_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_followups')),
    sa.UniqueConstraint('plan_id', 'months', name=op.f('uq_outcome_followups_plan_id'))
    )
    with op.batch_alter_table('outcome_followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_followups_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_followups_plan_id'), ['plan_id'], unique=False)

    op.create_table('success_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('interviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('interviewer_id', sa.Integer(), nullable=True),
    sa.Column('enablers', sa.JSON(), nullable=False),
    sa.Column('barriers', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('success', 'non_success')", name=op.f('ck_success_cases_kind_known')),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_success_cases_interviewer_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['outcome_plans.id'], name=op.f('fk_success_cases_plan_id_outcome_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_success_cases')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_success_cases_plan_id'))
    )
    op.create_table('sponsor_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('followup_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['followup_id'], ['outcome_followups.id'], name=op.f('fk_sponsor_links_followup_id_outcome_followups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sponsor_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sponsor_links_token_hash'))
    )
    with op.batch_alter_table('sponsor_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sponsor_links_followup_id'), ['followup_id'], unique=False)

    op.create_table('sponsor_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('followup_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('behaviour_ratings', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('attested', 'disputed')", name=op.f('ck_sponsor_responses_decision_known')),
    sa.ForeignKeyConstraint(['followup_id'], ['outcome_followups.id'], name=op.f('fk_sponsor_responses_followup_id_outcome_followups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sponsor_responses')),
    sa.UniqueConstraint('followup_id', name=op.f('uq_sponsor_responses_followup_id'))
    )


def downgrade():
    op.drop_table('sponsor_responses')
    with op.batch_alter_table('sponsor_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sponsor_links_followup_id'))

    op.drop_table('sponsor_links')
    op.drop_table('success_cases')
    with op.batch_alter_table('outcome_followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_followups_plan_id'))
        batch_op.drop_index(batch_op.f('ix_outcome_followups_due_at'))

    op.drop_table('outcome_followups')
    with op.batch_alter_table('outcome_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_plans_holder_id'))

    op.drop_table('outcome_plans')
