"""equated decisions: cut_equatings (a cut-score version on a calibration's scale) and what decided each score

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-10 09:00:00

Every score recorded before this revision was decided on the raw cut: `decision_rule` is "raw" for them,
and `cut_points` is filled in from their percent cut and maximum (the same pass mark, in points).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cut_equatings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cut_score_id", sa.Integer(), nullable=False),
        sa.Column("calibration_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=10), nullable=False),
        sa.Column("attempts_used", sa.Integer(), nullable=False),
        sa.Column("theta_cut", sa.Float(), nullable=False),
        sa.Column("reference_items", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cut_score_id"], ["cut_scores.id"], name=op.f("fk_cut_equatings_cut_score_id_cut_scores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cut_equatings")),
        sa.UniqueConstraint("cut_score_id", "calibration_id", name="uq_cut_equatings_cut_score_calibration"),
    )
    with op.batch_alter_table("cut_equatings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cut_equatings_cut_score_id"), ["cut_score_id"], unique=False)

    with op.batch_alter_table("attempt_scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_rule", sa.String(length=10), server_default="raw", nullable=False))
        batch_op.add_column(sa.Column("cut_points", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("cut_equating_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("theta", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("scaled_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decision_note", sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f("ix_attempt_scores_cut_equating_id"), ["cut_equating_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_attempt_scores_cut_equating_id_cut_equatings"), "cut_equatings", ["cut_equating_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_attempt_scores_decision_rule_known"), "decision_rule IN ('raw', 'equated')"
        )
    op.execute("UPDATE attempt_scores SET cut_points = cut_percent * max_points / 100.0")


def downgrade():
    with op.batch_alter_table("attempt_scores", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_attempt_scores_decision_rule_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_attempt_scores_cut_equating_id_cut_equatings"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_attempt_scores_cut_equating_id"))
        batch_op.drop_column("decision_note")
        batch_op.drop_column("scaled_score")
        batch_op.drop_column("theta")
        batch_op.drop_column("cut_equating_id")
        batch_op.drop_column("cut_points")
        batch_op.drop_column("decision_rule")

    with op.batch_alter_table("cut_equatings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cut_equatings_cut_score_id"))

    op.drop_table("cut_equatings")
