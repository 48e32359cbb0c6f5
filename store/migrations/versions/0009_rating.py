"""mentions.rating and app_version: a review's stars and app version (App Store, Google Play); rated index

Revision ID: 0009
Revises: 0005 (the lead sets the chain at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision: str | None = "0008"  # chain: ..., 0005 source sentiment, 0008 resolution, 0009 rating
branch_labels = None
depends_on = None

RATED = "rating IS NOT NULL"


def upgrade() -> None:
    op.add_column("mentions", sa.Column("rating", sa.SmallInteger(), nullable=True))
    op.add_column("mentions", sa.Column("app_version", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_mentions_rated",
        "mentions",
        ["brand", "created_at"],
        sqlite_where=sa.text(RATED),
        postgresql_where=sa.text(RATED),
    )


def downgrade() -> None:
    op.drop_index("ix_mentions_rated", table_name="mentions")
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("app_version")
        batch.drop_column("rating")
