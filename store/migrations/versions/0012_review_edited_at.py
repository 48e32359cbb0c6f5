"""mentions.edited_at: the time of an app review's stored version, so an older version never replaces a newer one

Revision ID: 0012
Revises: 0011 (the lead re-chains it at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision: str | None = "0011"  # chain: ..., 0009 rating, 0010 queue index, 0011 read cache, 0012 edited_at
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("mentions", sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("edited_at")
