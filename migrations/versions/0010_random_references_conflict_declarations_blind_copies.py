"""random portfolio references, conflict declarations by email, blind copies of evidence files

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 01:40:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# Kept here, not imported from the application, so the migration never changes after it has run.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def _reference(taken):
    while True:
        code = "P-" + "".join(secrets.choice(ALPHABET) for _ in range(8))
        if code not in taken:
            taken.add(code)
            return code


def upgrade():
    op.create_table('conflict_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['users.id'], name=op.f('fk_conflict_declarations_assessor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declarations')),
    sa.UniqueConstraint('assessor_id', 'email', name='uq_conflict_declarations_assessor_email')
    )
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_declarations_assessor_id'), ['assessor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_declarations_email'), ['email'], unique=False)

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blind_sha256', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attachments_blind_sha256_blobs'), 'blobs', ['blind_sha256'], ['sha256'])

    # Existing versions get a random reference before the column becomes required and unique.
    with op.batch_alter_table('portfolio_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=12), nullable=True))
    versions = sa.table('portfolio_versions', sa.column('id', sa.Integer()), sa.column('reference', sa.String()))
    connection = op.get_bind()
    taken = set()
    for (version_id,) in connection.execute(sa.select(versions.c.id)).all():
        connection.execute(versions.update().where(versions.c.id == version_id).values(reference=_reference(taken)))
    with op.batch_alter_table('portfolio_versions', schema=None) as batch_op:
        batch_op.alter_column('reference', existing_type=sa.String(length=12), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_portfolio_versions_reference'), ['reference'])


def downgrade():
    with op.batch_alter_table('portfolio_versions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_portfolio_versions_reference'), type_='unique')
        batch_op.drop_column('reference')

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachments_blind_sha256_blobs'), type_='foreignkey')
        batch_op.drop_column('blind_sha256')

    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_email'))
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_assessor_id'))

    op.drop_table('conflict_declarations')
