"""irt_calibrations: stored IRT calibrations of each assessment's item versions

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 09:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "irt_calibrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=10), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts_used", sa.Integer(), nullable=False),
        sa.Column("first_attempts_only", sa.Boolean(), nullable=False),
        sa.Column("converged", sa.Boolean(), nullable=False),
        sa.Column("ability_sd", sa.Float(), nullable=False),
        sa.Column("log_likelihood", sa.Float(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_irt_calibrations_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_irt_calibrations")),
    )
    with op.batch_alter_table("irt_calibrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_irt_calibrations_assessment_id"), ["assessment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("irt_calibrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_irt_calibrations_assessment_id"))

    op.drop_table("irt_calibrations")
