"""outbox messages record how they were delivered (console, file, smtp)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 01:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivered_via', sa.String(length=20), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('delivered_via')
