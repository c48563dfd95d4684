"""document key figures

A document keeps the engine's key figures it was made with (ask, level PMPM, payer ROI,
provider net), for the review queue; documents made before have none.

Revision ID: c4f8a1d2e3b5
Revises: 9c1e7b2f4a10
Create Date: 2026-12-04 19:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f8a1d2e3b5'
down_revision = '9c1e7b2f4a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_figures', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('key_figures')
