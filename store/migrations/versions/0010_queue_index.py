"""The reply queue's partial index: open-or-not flagged mentions of others, by brand and time

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision: str | None = "0009"
branch_labels = None
depends_on = None

# store.schema.QUEUE_INDEX_* (copied: a migration keeps the definition it shipped with). The
# predicates are written as store.queue's WHERE renders them on each dialect, so both planners
# match them (SQLite matches a partial index's terms literally).
COLUMNS = ["brand", "created_at", "priority_base", "platform", "needs_reply", "is_own"]
SQLITE_WHERE = "needs_reply IS 1 AND is_own IS 0"
POSTGRESQL_WHERE = "needs_reply IS true AND is_own IS false"


def upgrade() -> None:
    import sqlalchemy as sa

    op.create_index(
        "ix_mentions_queue",
        "mentions",
        COLUMNS,
        sqlite_where=sa.text(SQLITE_WHERE),
        postgresql_where=sa.text(POSTGRESQL_WHERE),
        postgresql_include=["id"],
    )


def downgrade() -> None:
    op.drop_index("ix_mentions_queue", table_name="mentions")
