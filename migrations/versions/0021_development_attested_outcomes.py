"""development activity from attested outcomes: an activity's kind, and the outcome plan it credits

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-29 09:00:00

Activities logged before this revision are ordinary activities. A plan's attested outcome counts once.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("development_activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="activity"))
        batch_op.add_column(sa.Column("outcome_plan_id", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_development_activities_kind_known"), "kind IN ('activity', 'attested_outcome')"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_development_activities_outcome_plan_id_outcome_plans"),
            "outcome_plans",
            ["outcome_plan_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_development_activities_outcome_plan_id"), ["outcome_plan_id"]
        )


def downgrade():
    with op.batch_alter_table("development_activities", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_development_activities_outcome_plan_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_development_activities_outcome_plan_id_outcome_plans"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("ck_development_activities_kind_known"), type_="check")
        batch_op.drop_column("outcome_plan_id")
        batch_op.drop_column("kind")
