"""read_cache: closed-day page read results kept across dashboard restarts (store/readcache.py)

Revision ID: 0011
Revises: 0009 (the lead re-chains it after 0010 at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision: str | None = "0010"  # chain: ..., 0008 resolution, 0009 rating, 0010 queue index, 0011 read cache
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "read_cache",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("slot", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_read_cache_slot", "read_cache", ["slot"])
    op.create_index("ix_read_cache_created_at", "read_cache", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_read_cache_created_at", table_name="read_cache")
    op.drop_index("ix_read_cache_slot", table_name="read_cache")
    op.drop_table("read_cache")
