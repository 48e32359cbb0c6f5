"""The database tables (SQLAlchemy Core): one place for the stored schema.

`mentions` holds collected facts plus what ingest derives once (sentiment, reply flags);
`mention_state` holds the people's work on a mention and is never written by a collector;
`rollup_hourly` keeps per hour/brand/platform/kind sums so dashboards never scan every row.
`accounts`, `sign_in_failures` and `audit_log` are the team's sign-in and its audit trail;
`presence` and `saved_replies` serve the reply queue;
`mention_privacy` and `suppressed_authors` record erasures and forgotten authors (store/privacy.py);
`read_cache` keeps closed-day page read results across dashboard restarts (store/readcache.py).
Changes go through an Alembic migration in store/migrations/versions.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import BigInteger

metadata = MetaData()
UTC_DATETIME = DateTime(timezone=True)
# SQLite only makes INTEGER PRIMARY KEY an auto-increment rowid; PostgreSQL wants BIGINT.
ID = BigInteger().with_variant(Integer(), "sqlite")

mentions = Table(
    "mentions",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("post_id", String(128), nullable=False),
    Column("url", Text),
    Column("kind", String(16), nullable=False, server_default="post"),
    Column("parent_id", String(128)),
    Column("thread_id", String(128)),
    Column("author_id", String(128)),
    Column("author_handle", String(256)),
    Column("author_name", Text),
    Column("author_followers", BigInteger),
    Column("text", Text, nullable=False),
    Column("lang", String(16)),
    Column("created_at", UTC_DATETIME, nullable=False),
    Column("day", Date, nullable=False),
    Column("likes", BigInteger),
    Column("replies", BigInteger),
    Column("reposts", BigInteger),
    Column("quotes", BigInteger),
    Column("views", BigInteger),
    Column("brand", String(128), nullable=False),
    Column("matched", Text),
    Column("is_own", Boolean, nullable=False, server_default="0"),
    Column("source", String(128)),
    Column("retrieved_at", UTC_DATETIME),
    # derived once at ingest (analysis.sentiment / analysis.flags)
    Column("sentiment", Float),
    Column("sentiment_label", String(16), nullable=False, server_default="unscored"),
    Column("needs_reply", Boolean, nullable=False, server_default="0"),
    Column("flag_signals", Text),
    Column("priority_base", SmallInteger, nullable=False, server_default="0"),
    # an imported file's own sentiment label, kept beside ours (migration 0005)
    Column("source_sentiment", String(16)),
    # a review's star rating 1..5, null for everything else (migration 0009)
    Column("rating", SmallInteger),
    Column("app_version", String(64)),
    # an app review's stored version: its own last-modified time (the platform's); null for everything else and
    # for reviews stored before migration 0012 (created_at then). The newest version wins (store.writer).
    Column("edited_at", UTC_DATETIME),
    UniqueConstraint("platform", "post_id", name="uq_mentions_platform_post"),
    Index("ix_mentions_brand_created", "brand", "created_at"),
    Index("ix_mentions_platform_created", "platform", "created_at"),
    Index("ix_mentions_created", "created_at"),
    Index("ix_mentions_flagged", "needs_reply", "created_at"),
    Index("ix_mentions_parent", "platform", "parent_id"),
    # rated mentions only (reviews): store.reader.satisfaction reads these without scanning the rest
    Index(
        "ix_mentions_rated",
        "brand",
        "created_at",
        sqlite_where=text("rating IS NOT NULL"),
        postgresql_where=text("rating IS NOT NULL"),
    ),
    Index("ix_mentions_thread", "platform", "thread_id"),  # follow-ups in a thread (migration 0008)
    # the reply queue (store.queue): flagged mentions of others only, covering its count and order
    # (migration 0010); the predicates are store.queue's WHERE as each dialect renders it
    Index(
        "ix_mentions_queue",
        "brand",
        "created_at",
        "priority_base",
        "platform",
        "needs_reply",
        "is_own",
        sqlite_where=text("needs_reply IS 1 AND is_own IS 0"),
        postgresql_where=text("needs_reply IS true AND is_own IS false"),
        postgresql_include=["id"],
    ),
)

mention_state = Table(
    "mention_state",
    metadata,
    Column("mention_id", ID, ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True),
    Column("status", String(16), nullable=False, server_default="new"),
    Column("assignee", String(128)),
    Column("note", Text),
    Column("sentiment_override", String(16)),
    Column("first_response_at", UTC_DATETIME),
    Column("response_post_id", String(128)),
    Column("responded_by", String(128)),
    Column("updated_at", UTC_DATETIME),
    Column("updated_by", String(128)),
    Column("version", Integer, nullable=False, server_default="0"),
    Column("dismiss_reason", String(32)),  # store.queue.DISMISS_REASONS (migration 0004)
    Column("dismiss_note", Text),  # the free text of a dismissal for "other"
    # a manager's outcome of an answered conversation (analysis.resolution.MANUAL; migration 0008)
    Column("outcome_override", String(16)),
    Column("outcome_by", String(256)),
    Column("outcome_at", UTC_DATETIME),
    # the computed outcome and sentiment shift, kept when the conversation's personal content is erased
    Column("outcome_frozen", String(16)),
    Column("sentiment_shift_frozen", Float),
    Index("ix_mention_state_status", "status"),
)

cursors = Table(
    "cursors",
    metadata,
    Column("source", String(128), primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("cursor", Text),
    Column("updated_at", UTC_DATETIME),
    Column("lock_owner", String(128)),
    Column("lock_expires_at", UTC_DATETIME),
)

runs = Table(
    "runs",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("source", String(128), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("started_at", UTC_DATETIME, nullable=False),
    Column("finished_at", UTC_DATETIME),
    Column("status", String(16), nullable=False),  # running | ok | error | skipped
    Column("fetched", Integer, nullable=False, server_default="0"),
    Column("new", Integer, nullable=False, server_default="0"),
    Column("skipped", Integer, nullable=False, server_default="0"),
    Column("cursor", Text),
    Column("error", Text),
    Index("ix_runs_source_started", "source", "started_at"),
)

rollup_hourly = Table(
    "rollup_hourly",
    metadata,
    Column("hour", UTC_DATETIME, primary_key=True),
    Column("brand", String(128), primary_key=True),
    Column("platform", String(16), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("is_own", Boolean, primary_key=True),
    Column("mentions", Integer, nullable=False),
    Column("engagements", BigInteger, nullable=False),
    Column("likes", BigInteger, nullable=False),
    Column("replies", BigInteger, nullable=False),
    Column("reposts", BigInteger, nullable=False),
    Column("quotes", BigInteger, nullable=False),
    Column("no_engagement_data", Integer, nullable=False),
    Column("views", BigInteger, nullable=False),
    Column("engagements_with_views", BigInteger, nullable=False),
    Column("followers", BigInteger, nullable=False),
    Column("engagements_with_followers", BigInteger, nullable=False),
    Column("positive", Integer, nullable=False),
    Column("neutral", Integer, nullable=False),
    Column("negative", Integer, nullable=False),
    Column("unscored", Integer, nullable=False),
    Column("sentiment_sum", Float, nullable=False),
    Column("flagged", Integer, nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text),
)

# --- team accounts and the audit trail (migration 0002) ---------------------------------------
accounts = Table(
    "accounts",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("name", String(256), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # viewer | responder | admin
    Column("password_hash", Text),  # argon2; NULL for an account that signs in with SSO only
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("email", String(256)),
    Column("created_at", UTC_DATETIME, nullable=False),
    Column("last_sign_in_at", UTC_DATETIME),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("username", String(256), nullable=False),
    Column("at", UTC_DATETIME, nullable=False),
    Index("ix_sign_in_failures_user_at", "username", "at"),
)

# --- privacy (migration 0006) ------------------------------------------------------------------
#: one row per mention whose personal content (text, author, URL) was erased: why and when.
mention_privacy = Table(
    "mention_privacy",
    metadata,
    Column("mention_id", ID, ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True),
    Column("erased_at", UTC_DATETIME, nullable=False),
    Column("reason", String(16), nullable=False),  # retention | forget | deleted
    Column("deleted_at", UTC_DATETIME),  # when the platform told us the post was deleted
)

#: forgotten authors: HMAC-SHA256(store salt, platform + ":" + author id or handle); no name.
suppressed_authors = Table(
    "suppressed_authors",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("added_at", UTC_DATETIME, nullable=False),
    Index("ix_suppressed_authors_platform", "platform"),
)

#: append-only: no code updates or deletes a row (triggers refuse it on SQLite and PostgreSQL).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("at", UTC_DATETIME, nullable=False),
    Column("actor", String(256), nullable=False),
    Column("action", String(64), nullable=False),
    Column("mention_id", ID),
    Column("before", Text),  # JSON
    Column("after", Text),  # JSON
    Column("detail", Text),
    #: set when a privacy request rewrote before/after/detail (the only UPDATE the triggers allow)
    Column("redacted_at", UTC_DATETIME),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_mention", "mention_id", "at"),
    Index("ix_audit_log_actor_at", "actor", "at"),
)

# --- the reply queue's presence heartbeats and saved replies (migration 0004) ------------------
#: who has which mention open: one row per account, alive while `seen_at` is within store.presence.TTL.
presence = Table(
    "presence",
    metadata,
    Column("account", String(256), primary_key=True),
    Column("mention_id", ID, ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False),
    Column("since", UTC_DATETIME, nullable=False),
    Column("seen_at", UTC_DATETIME, nullable=False),
    Index("ix_presence_mention_seen", "mention_id", "seen_at"),
)

#: a brand's named reply texts with {author}, {brand}, {agent} placeholders (store.saved_replies).
saved_replies = Table(
    "saved_replies",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("brand", String(128), nullable=False),
    Column("name", String(128), nullable=False),
    Column("body", Text, nullable=False),
    Column("uses", Integer, nullable=False, server_default="0"),
    Column("updated_at", UTC_DATETIME, nullable=False),
    Column("updated_by", String(256), nullable=False),
    UniqueConstraint("brand", "name", name="uq_saved_replies_brand_name"),
)

#: closed-day parts of page reads, kept across dashboard restarts (store.readcache): Arrow IPC / JSON, never pickle.
read_cache = Table(
    "read_cache",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of (read, arguments, part, stamp)
    Column("slot", String(64), nullable=False, index=True),  # sha256 of (read, arguments, part): one row each
    Column("name", String(128), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UTC_DATETIME, nullable=False, index=True),
)
