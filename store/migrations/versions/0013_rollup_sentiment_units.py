"""rollup_hourly.sentiment_sum as store.writer keeps it now: a whole number of 1e-4 units over 1e4

A write adds its new mentions' sums to the stored ones (store.writer.add_new_rollups); both sides are
exact in units of 1e-4 (VADER compounds have 4 decimals). Rows summed before in another order are put in
that form here, so every row equals a recompute. A data change only: the column stays a float.

Revision ID: 0013
Revises: 0012 (the lead re-chains it at merge)
"""

from alembic import op

revision = "0013"
down_revision: str | None = "0012"  # chain: ..., 0010 queue index, 0011 read cache, 0012 edited_at, 0013 this
branch_labels = None
depends_on = None


def upgrade() -> None:
    # store.writer.SENTIMENT_UNITS, written out: a migration stays what it was when it ran
    op.execute("UPDATE rollup_hourly SET sentiment_sum = ROUND(sentiment_sum * 10000) / 10000.0")


def downgrade() -> None:
    pass  # the values stay valid sums
