"""mention_state: a manager's outcome of an answered conversation (who, when), the outcome kept on erasure;
an index for follow-ups

Revision ID: 0008
Revises: 0005 (the lead sets the chain at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"  # chain: ..., 0004 queue, 0005 source sentiment, 0008 resolution
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("mention_state", sa.Column("outcome_override", sa.String(length=16), nullable=True))
    op.add_column("mention_state", sa.Column("outcome_by", sa.String(length=256), nullable=True))
    op.add_column("mention_state", sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("mention_state", sa.Column("outcome_frozen", sa.String(length=16), nullable=True))
    op.add_column("mention_state", sa.Column("sentiment_shift_frozen", sa.Float(), nullable=True))
    op.create_index("ix_mentions_thread", "mentions", ["platform", "thread_id"])


def downgrade() -> None:
    op.drop_index("ix_mentions_thread", table_name="mentions")
    with op.batch_alter_table("mention_state") as batch:
        batch.drop_column("sentiment_shift_frozen")
        batch.drop_column("outcome_frozen")
        batch.drop_column("outcome_at")
        batch.drop_column("outcome_by")
        batch.drop_column("outcome_override")
