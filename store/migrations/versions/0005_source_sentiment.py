"""mentions.source_sentiment: an imported file's own sentiment label, kept beside ours

Revision ID: 0005
Revises: 0003 (the lead sets the chain at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"  # chain: 0001, 0002 accounts, 0003 alerts, 0007 streams, 0006 privacy, 0004 queue, 0005 source sentiment
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("mentions", sa.Column("source_sentiment", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("source_sentiment")
