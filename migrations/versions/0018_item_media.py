"""item media: the images items show (stems and options), imported with their banks and kept as blobs

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-21 09:00:00

Only a blob listed here is served at /media/<sha256>: blobs also hold portfolio evidence and certificates,
which are never reachable that way.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "item_media",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_item_media")),
    )


def downgrade():
    op.drop_table("item_media")
