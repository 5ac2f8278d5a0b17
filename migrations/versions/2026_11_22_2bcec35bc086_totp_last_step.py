"""Remember the last TOTP time step used, so a code cannot sign in twice.

Revision ID: 2bcec35bc086
Revises: 846800cd3043
Create Date: 2026-11-22 01:19:10.291433

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2bcec35bc086'
down_revision = '846800cd3043'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('coach', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('coach', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')

