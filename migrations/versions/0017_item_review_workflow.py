"""item review workflow: draft/reviewed/approved statuses, each version's author, review records

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-14 09:00:00

Stored versions keep their status (pilot, live or retired); the check constraint now names the whole
lifecycle. Versions stored before this revision have no recorded author (NULL: the command line).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

STATUSES = "'draft', 'reviewed', 'approved', 'pilot', 'live', 'retired'"


def upgrade():
    with op.batch_alter_table("item_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_item_versions_author_id_users"), "users", ["author_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_check_constraint(batch_op.f("ck_item_versions_status_known"), f"status IN ({STATUSES})")

    op.create_table(
        "item_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_version_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('reviewed', 'approved', 'changes_requested')", name=op.f("ck_item_reviews_decision_known")
        ),
        sa.ForeignKeyConstraint(
            ["item_version_id"], ["item_versions.id"], name=op.f("fk_item_reviews_item_version_id_item_versions")
        ),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_item_reviews_reviewer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_reviews")),
    )
    with op.batch_alter_table("item_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_reviews_item_version_id"), ["item_version_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_reviews_reviewer_id"), ["reviewer_id"], unique=False)


def downgrade():
    with op.batch_alter_table("item_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_reviews_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_item_reviews_item_version_id"))
    op.drop_table("item_reviews")

    # Versions still in review have no place in the older lifecycle. They become retired, not pilot:
    # an item nobody has signed off must not reach a candidate, even unscored.
    op.execute("UPDATE item_versions SET status = 'retired' WHERE status IN ('draft', 'reviewed', 'approved')")
    with op.batch_alter_table("item_versions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_item_versions_status_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_item_versions_author_id_users"), type_="foreignkey")
        batch_op.drop_column("author_id")
