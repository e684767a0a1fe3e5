"""portfolio outcome plan: the structured key performance metric beside the KPM prose, drafted and frozen

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-29 09:00:00

The draft keeps what the candidate typed (even when it is not valid yet, so nothing is lost); a submitted
version keeps the checked plan, which becomes the holder's OutcomePlan when the certificate is issued.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("portfolios") as batch:
        batch.add_column(sa.Column("draft_outcome_plan", sa.JSON(), nullable=True))
    with op.batch_alter_table("portfolio_versions") as batch:
        batch.add_column(sa.Column("outcome_plan", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("portfolio_versions") as batch:
        batch.drop_column("outcome_plan")
    with op.batch_alter_table("portfolios") as batch:
        batch.drop_column("draft_outcome_plan")
