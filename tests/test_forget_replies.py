"""Replies stored after a forget (session 12, leftovers4).

Erase renames the stored replies to an erased post (parent_id, and for a forget thread_id) to its erased id; a
reply collected later answered the plain id, and ingest stored it as it came: the forgotten person's post id
stayed in the store. Ingest now names such a post by its erased id too (store.privacy.hide_erased_references,
called by drop_blocked), and so a post of theirs dropped in the same batch (never stored).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from pipeline import privacy
from pipeline.ingest import ingest
from store import privacy as store_privacy
from store.schema import mention_state, mentions
from tests.test_forget_positions import ACME, BO, MARA, X_SRC, _x
from tests.test_privacy import traces

WHEN = datetime(2026, 11, 17, 15, 20, 11, tzinfo=UTC)
F, F3 = "1861000000000000013", "1861000000000000031"
ANA = "1449000000000000003"


def _reply(post_id: str, to: str, author_id: str, handle: str, minutes: int = 5, **extra: Any) -> dict[str, Any]:
    return {**_x(post_id, author_id, handle), "kind": "reply", "parent_id": to, "thread_id": to,
            "created_at": WHEN + timedelta(minutes=minutes), **extra}  # fmt: skip


def _links(engine: Engine, *post_ids: str) -> list[tuple[str | None, str | None]]:
    """(parent_id, thread_id) of these mentions, in this order."""
    m = mentions
    with engine.connect() as conn:
        rows = conn.execute(select(m.c.post_id, m.c.parent_id, m.c.thread_id).where(m.c.post_id.in_(post_ids)))
        found = {r.post_id: (r.parent_id, r.thread_id) for r in rows}
    return [found[p] for p in post_ids]


def _hashed(engine: Engine, post_id: str) -> str:
    with engine.begin() as conn:
        return str(store_privacy.erased_id(store_privacy.salt(conn), "x", post_id))


def test_a_reply_collected_after_a_forget_names_their_post_by_its_erased_id(engine: Engine) -> None:
    """Bo's reply to the person's post F was stored before the forget (renamed by erase), Ana's comes after and
    the brand's answer to F too: all three name F by its erased id, sit in one thread, and the brand's answer
    is recorded as F's first response."""
    rows = [_x(F, MARA, "mara_k", thread_id=F), _reply("1861000000000000020", F, BO, "bo_b")]
    ingest(engine, pd.DataFrame(rows), (ACME,), source=X_SRC.name, platform="x")
    assert privacy.forget(engine, "x", "mara_k", actor="admin", brands=(ACME,)).erased == 1
    later = [
        _reply("1861000000000000021", F, ANA, "ana_c", 6),
        _reply("1861000000000000022", F, "1449", "acme", 7, is_own=True),
    ]
    stored = ingest(engine, pd.DataFrame(later), (ACME,), source=X_SRC.name, platform="x")
    assert stored.new == 2
    assert traces(engine, [F, MARA, "mara_k"]) == []  # Ana's and the brand's parent_id and thread_id were F
    hashed = _hashed(engine, F)
    assert _links(engine, "1861000000000000020", "1861000000000000021", "1861000000000000022") == [(hashed, hashed)] * 3
    with engine.connect() as conn:
        answered = conn.execute(
            select(mention_state.c.response_post_id)
            .select_from(mentions.join(mention_state, mention_state.c.mention_id == mentions.c.id))
            .where(mentions.c.post_id == hashed)
        ).scalar_one()  # fmt: skip
    assert answered == "1861000000000000022"


def test_a_reply_to_their_post_dropped_in_the_same_batch_keeps_no_plain_id_of_it(engine: Engine) -> None:
    """After the forget, a run collects the person's new post F3 (dropped: suppressed, never stored) and Bo's
    reply to it: the reply names F3 by its erased id."""
    ingest(engine, pd.DataFrame([_x(F, MARA, "mara_k")]), (ACME,), source=X_SRC.name, platform="x")
    privacy.forget(engine, "x", "mara_k", actor="admin", brands=(ACME,))
    rows = [_x(F3, MARA, "mara_k", thread_id=F3), _reply("1861000000000000040", F3, BO, "bo_b")]
    stored = ingest(engine, pd.DataFrame(rows), (ACME,), source=X_SRC.name, platform="x")
    assert stored.new == 1 and stored.skipped["author asked to be forgotten"] == 1
    assert traces(engine, [F3, F, MARA, "mara_k"]) == []
    hashed = _hashed(engine, F3)
    assert _links(engine, "1861000000000000040") == [(hashed, hashed)]


def test_a_reply_to_a_post_erased_by_retention_is_renamed_as_erase_does(engine: Engine) -> None:
    """Retention's erase renames the parent_id of the replies to a post it erases, not their thread_id (a
    conversation's first post leaves no person's trace in it): a reply collected later is stored alike."""
    rows = [_x(F, BO, "bo_b", thread_id=F), _reply("1861000000000000020", F, ANA, "ana_c")]
    ingest(engine, pd.DataFrame(rows), (ACME,), source=X_SRC.name, platform="x")
    with engine.begin() as conn:
        first = conn.execute(select(mentions.c.id).where(mentions.c.post_id == F)).scalar_one()
        assert store_privacy.erase(conn, [first], "retention", WHEN + timedelta(days=400)) == 1
    ingest(engine, pd.DataFrame([_reply("1861000000000000021", F, ANA, "ana_c", 6)]), (ACME,), source="x-acme")
    hashed = _hashed(engine, F)
    assert _links(engine, "1861000000000000020", "1861000000000000021") == [(hashed, F)] * 2


def test_the_brands_reply_whose_id_holds_their_review_id_is_not_stored(engine: Engine) -> None:
    """Google Play's developer reply is "<reviewId>:reply" (with the review's URL): collected beside a review of
    the forgotten person (dropped), it would keep the review's id in its own; it is dropped too, and counted."""

    def review(post_id: str, author: str, **extra: Any) -> dict[str, Any]:
        return {"platform": "googleplay", "post_id": post_id, "url": f"https://play.google.com/store/apps/details"
                f"?id=com.acme&reviewId={post_id}", "kind": "review", "text": "Sync lost my notes again",
                "created_at": WHEN, "brand": "Acme", "matched": "acme", "author_id": None, "author_handle": author,
                "author_name": author, "is_own": False, "rating": 2, "source": "acme-play", **extra}  # fmt: skip

    ingest(engine, pd.DataFrame([review("gp:AOqpTOE1", "Mara Kowalczyk")]), (ACME,), source="acme-play")
    assert privacy.forget(engine, "googleplay", "Mara Kowalczyk", actor="admin", brands=(ACME,)).erased == 1
    rows = [
        review("gp:AOqpTOE2", "Mara Kowalczyk"),
        review(
            "gp:AOqpTOE2:reply",
            "Acme",
            kind="reply",
            parent_id="gp:AOqpTOE2",
            thread_id="gp:AOqpTOE2",
            is_own=True,
            rating=None,
            text="Sorry Mara, fixed in 4.2",
        ),  # fmt: skip
        review("gp:AOqpTOE3", "Bo Berg"),
    ]
    stored = ingest(engine, pd.DataFrame(rows), (ACME,), source="acme-play")
    assert stored.new == 1 and stored.skipped[store_privacy.DERIVED_SKIP] == 1
    assert traces(engine, ["AOqpTOE1", "AOqpTOE2", "Mara"]) == []
