"""scenario claims sizing column

A scenario names the claims sizing its baseline and cohort multiplier came from in a column,
no longer in a "Claims: ..." line of its description; existing lines are read into the column.

Revision ID: 9c1e7b2f4a10
Revises: b7d41e2c9a16
Create Date: 2026-12-04 17:50:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c1e7b2f4a10'
down_revision = 'b7d41e2c9a16'
branch_labels = None
depends_on = None

NOTE = re.compile(r"^Claims: .* from the claims sizing (\d+) of .*$")


def upgrade():
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claims_sizing_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_scenarios_claims_sizing_id_claims_sizings'), 'claims_sizings', ['claims_sizing_id'], ['id'])
    connection = op.get_bind()
    sizings = {row.id for row in connection.execute(sa.text("SELECT id FROM claims_sizings"))}
    noted = connection.execute(
        sa.text("SELECT id, description FROM scenarios WHERE description LIKE '%Claims: %'")
    )
    for scenario_id, description in noted.fetchall():
        kept, sizing_id = [], None
        for line in description.splitlines():
            found = NOTE.match(line)
            if found and int(found.group(1)) in sizings:
                sizing_id = int(found.group(1))
            else:
                kept.append(line)
        if sizing_id is not None:
            connection.execute(
                sa.text("UPDATE scenarios SET claims_sizing_id = :sizing, description = :description WHERE id = :id"),
                {"sizing": sizing_id, "description": "\n".join(kept) or None, "id": scenario_id},
            )


def downgrade():
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_scenarios_claims_sizing_id_claims_sizings'), type_='foreignkey')
        batch_op.drop_column('claims_sizing_id')
