"""Erasure and answered conversations: outcomes frozen with each brand's window, a deleted brand reply,
and a Google Play developer reply that names the forgotten review (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from analysis import resolution
from config import Brand, Config
from pipeline import privacy, retention
from pipeline.ingest import ingest
from pipeline.runner import apply_deletions
from store import resolution as store_resolution
from store.schema import mention_state, mentions

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)


def row(post_id: str, author: str, text: str, when: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "platform": "x",
        "post_id": post_id,
        "kind": "reply" if extra.get("parent_id") else "post",
        "author_handle": author,
        "text": text,
        "created_at": when,
        "is_own": False,
        "thread_id": "m1",
        "brand": "Acme",
        "retrieved_at": T0,
        "source": "x",
        **extra,
    }


def conversation(engine: Engine, brand: Brand, follow_up: str, after: timedelta) -> None:
    """Alice asks, the brand answers an hour later, Alice follows up `after` the question."""
    frame = pd.DataFrame(
        [
            row("m1", "alice", "@acme my sync is broken, help", T0),
            row("b1", "acme", "Sorry! Try reinstalling", T0 + timedelta(hours=1), is_own=True, parent_id="m1"),
            row("f1", "alice", follow_up, T0 + after, parent_id="b1"),
        ]
    )
    ingest(engine, frame, [brand])


def outcome(engine: Engine, brand: Brand, now: datetime) -> tuple[str, Any]:
    with engine.connect() as conn:
        found = store_resolution.conversations_between(
            conn, T0 - timedelta(days=1), T0 + timedelta(days=1), resolution.window_days([brand])
        )
    judged = resolution.outcomes(found, pd.Timestamp(now), [brand])
    assert len(judged) == 1
    return str(judged["outcome"].iloc[0]), judged["follow_up_id"].iloc[0]


def test_forget_freezes_the_outcome_with_the_brands_own_window(engine: Engine) -> None:
    brand = Brand("Acme", keywords=("acme",), handles={"x": "acme"}, resolution_days=14)
    conversation(engine, brand, "Thanks, that fixed it, works great now!", timedelta(days=10))
    now = T0 + timedelta(days=20)
    assert outcome(engine, brand, now)[0] == "resolved"  # day 10 is inside the brand's 14 days
    privacy.forget(engine, "x", "alice", actor="admin", now=now, brands=[brand])
    assert outcome(engine, brand, now)[0] == "resolved"


def test_retention_freezes_with_the_brands_window(engine: Engine) -> None:
    brand = Brand("Acme", keywords=("acme",), handles={"x": "acme"}, resolution_days=14, retain_days=30)
    conversation(engine, brand, "Thanks. The sync is still broken.", timedelta(days=10))
    now = T0 + timedelta(days=60)
    before = outcome(engine, brand, now)[0]
    assert before == "unresolved"
    config = Config(path=None, brands=(brand,), sources=())
    assert retention.apply_retention(engine, config, now=now).erased == 3
    assert outcome(engine, brand, now)[0] == before


def test_a_deletion_at_the_source_freezes_with_the_brands_window(engine: Engine) -> None:
    brand = Brand("Acme", keywords=("acme",), handles={"x": "acme"}, resolution_days=14)
    conversation(engine, brand, "Thanks, that fixed it, works great now!", timedelta(days=10))
    assert apply_deletions(engine, "x", ["f1"], [brand]) == 1
    assert outcome(engine, brand, T0 + timedelta(days=20))[0] == "resolved"


def test_a_follow_up_still_matches_the_brands_reply_deleted_at_the_source(engine: Engine) -> None:
    brand = Brand("Acme", keywords=("acme",), handles={"x": "acme"})
    conversation(engine, brand, "Still broken, this is useless", timedelta(days=1))
    now = T0 + timedelta(days=8)
    before = outcome(engine, brand, now)
    assert before[0] == "unresolved"
    assert apply_deletions(engine, "x", ["b1"], [brand]) == 1  # the brand's own reply is gone
    assert outcome(engine, brand, now) == before
    with engine.connect() as conn:
        first = conn.execute(select(mention_state.c.response_post_id)).scalar_one()
        reply_id = conn.execute(select(mentions.c.post_id).where(mentions.c.is_own.is_(True))).scalar_one()
    assert first == reply_id and first.startswith("erased:")
