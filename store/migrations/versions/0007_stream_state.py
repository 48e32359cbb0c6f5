"""stream_state: live streams (Jetstream, Mastodon streaming) as the dashboard shows them

Revision ID: 0007
Revises: 0003 (the lead sets the chain at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0003"  # chain: 0001 initial, 0002 accounts, 0003 alerts, 0007 streams
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stream_state",
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=True),
        sa.Column("connected_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("events_per_min", sa.Float(), nullable=True),
        sa.Column("kept_per_min", sa.Float(), nullable=True),
        sa.Column("lag_seconds", sa.Float(), nullable=True),
        sa.Column("events_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("kept_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("position", sa.Text(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("source"),
    )


def downgrade() -> None:
    op.drop_table("stream_state")
