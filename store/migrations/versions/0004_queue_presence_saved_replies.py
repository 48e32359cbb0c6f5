"""reply queue: presence heartbeats, saved replies, the dismiss reason

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
# down_revision: the lead sets the chain at merge
down_revision = "0006"  # chain: 0001, 0002 accounts, 0003 alerts, 0007 streams, 0006 privacy, 0004 queue
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("mention_state", sa.Column("dismiss_reason", sa.String(length=32), nullable=True))
    op.add_column("mention_state", sa.Column("dismiss_note", sa.Text(), nullable=True))
    op.create_table(
        "presence",
        sa.Column("account", sa.String(length=256), nullable=False),
        sa.Column("mention_id", ID, nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account"),
    )
    op.create_index("ix_presence_mention_seen", "presence", ["mention_id", "seen_at"])
    op.create_table(
        "saved_replies",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("brand", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("uses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=256), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("brand", "name", name="uq_saved_replies_brand_name"),
    )


def downgrade() -> None:
    op.drop_table("saved_replies")
    op.drop_index("ix_presence_mention_seen", table_name="presence")
    op.drop_table("presence")
    with op.batch_alter_table("mention_state") as batch:
        batch.drop_column("dismiss_note")
        batch.drop_column("dismiss_reason")
