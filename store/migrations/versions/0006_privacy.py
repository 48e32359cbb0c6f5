"""privacy: erased/deleted marks on mentions, the suppression list, redactable audit rows

Revision ID: 0006
Revises: 0003 (the lead sets the chain at merge)

`mention_privacy`: one row per mention whose personal content was erased (retention, a forget
request, or a deletion at the source), with when and why. `suppressed_authors`: one-way hashes
(HMAC-SHA256 keyed by a per-store random salt kept in `meta`) of forgotten authors; no name.
`audit_log.redacted_at`: the append-only trail may have a row's before/after/detail rewritten
exactly when a privacy request redacts it (the triggers still refuse every other UPDATE and
every DELETE).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
# down_revision: the lead sets the chain at merge
down_revision = "0007"  # chain: 0001 initial, 0002 accounts, 0003 alerts, 0007 streams, 0006 privacy
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

SQLITE_OLD = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows are never updated'); END",
)
SQLITE_NEW = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "WHEN NOT (NEW.redacted_at IS NOT NULL AND NEW.id = OLD.id AND NEW.at = OLD.at "
    "AND NEW.actor = OLD.actor AND NEW.action = OLD.action AND NEW.mention_id IS OLD.mention_id) "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows are never updated "
    "(only redacted on a privacy request)'); END",
)
POSTGRES_OLD = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only: rows are never updated or deleted'; END $$",
)
POSTGRES_NEW = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP = 'UPDATE' AND NEW.redacted_at IS NOT NULL AND NEW.id = OLD.id AND NEW.at = OLD.at "
    "AND NEW.actor = OLD.actor AND NEW.action = OLD.action "
    "AND NEW.mention_id IS NOT DISTINCT FROM OLD.mention_id THEN RETURN NEW; END IF; "
    "RAISE EXCEPTION 'audit_log is append-only: rows are never updated or deleted "
    "(only redacted on a privacy request)'; END $$",
)


def upgrade() -> None:
    op.create_table(
        "mention_privacy",
        sa.Column("mention_id", ID, nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("mention_id"),
    )
    op.create_table(
        "suppressed_authors",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    op.create_index("ix_suppressed_authors_platform", "suppressed_authors", ["platform"])
    op.add_column("audit_log", sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        for statement in SQLITE_NEW:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRES_NEW:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        for statement in SQLITE_OLD:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRES_OLD:
            op.execute(statement)
    op.drop_column("audit_log", "redacted_at")  # SQLite >= 3.35 drops a column in place
    op.drop_index("ix_suppressed_authors_platform", table_name="suppressed_authors")
    op.drop_table("suppressed_authors")
    op.drop_table("mention_privacy")
