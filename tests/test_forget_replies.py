"""Replies collected after an erasure (session 13, leftovers5).

Before: erase renamed the parent_id / thread_id of the replies already stored to the erased post's keyed id, but
a reply collected later was stored with the original id of the erased post (a forgotten person's), and a Google
Play developer reply ("<reviewId>:reply") to an erased review was stored with the review's id in its own. Now
ingest (store.privacy.drop_blocked -> hide_erased_references) stores such a reply naming the erased placeholder
id, exactly as erase named the earlier ones, and drops the developer reply.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from config import Brand
from pipeline import privacy
from pipeline.ingest import ingest
from pipeline.retention import apply_retention
from store import privacy as store_privacy
from store.schema import mentions
from tests.test_privacy import traces

WHEN = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
ACME = Brand(name="Acme", keywords=("acme",), handles={"x": "acme"})
BRANDS = (ACME,)
ROOT, MARAS = "1899700000000000100", "1899700000000000200"


def post(post_id: str, author: tuple[str, str], *, parent: str | None = None, thread: str | None = None,
         platform: str = "x", **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {"platform": platform, "post_id": post_id, "url": None, "kind": "reply" if parent else "post",
            "parent_id": parent, "thread_id": thread or (None if parent else post_id),
            "text": f"acme words {post_id[-3:]}", "created_at": WHEN, "brand": "Acme", "matched": "acme",
            "author_id": author[0], "author_handle": author[1], "author_name": author[1], "is_own": False,
            "source": f"{platform}-acme", **extra}  # fmt: skip


MARA, OLEK = ("501", "mara_k"), ("502", "olek_w")


def row(engine: Engine, post_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        found = conn.execute(select(mentions).where(mentions.c.post_id == post_id)).mappings().first()
    assert found is not None, post_id
    return dict(found)


def erased_as(engine: Engine, platform: str, post_id: str) -> str:
    with engine.begin() as conn:
        hashed = store_privacy.erased_id(store_privacy.salt(conn), platform, post_id)
    assert hashed is not None
    return hashed


def test_a_reply_collected_after_a_forget_names_the_erased_post_by_its_erased_id(engine: Engine) -> None:
    ingest(engine, pd.DataFrame([post(ROOT, OLEK), post(MARAS, MARA, parent=ROOT, thread=ROOT)]), BRANDS)
    privacy.forget(engine, "x", "mara_k", actor="admin", brands=BRANDS)
    hidden = erased_as(engine, "x", MARAS)
    # later: Olek answers Mara's (erased) post; Kai answers Olek's answer, in the thread Mara's post started
    later = [
        post("1899700000000000300", OLEK, parent=MARAS, thread=ROOT),
        post("1899700000000000400", ("503", "kai"), parent="1899700000000000300", thread=MARAS),
    ]
    ingest(engine, pd.DataFrame(later), BRANDS)
    answer, below = row(engine, "1899700000000000300"), row(engine, "1899700000000000400")
    assert (answer["parent_id"], answer["thread_id"]) == (hidden, ROOT)
    assert (below["parent_id"], below["thread_id"]) == ("1899700000000000300", hidden)
    assert row(engine, hidden)["post_id"] == hidden  # the same placeholder the erase gave the post itself
    assert traces(engine, [MARAS]) == []


def test_a_reply_to_the_forgotten_persons_post_dropped_in_the_same_batch_names_its_erased_id(engine: Engine) -> None:
    """Mara posts again after the forget (never stored: she is suppressed) and Olek answers her in the same batch."""
    ingest(engine, pd.DataFrame([post(ROOT, MARA)]), BRANDS)
    privacy.forget(engine, "x", "mara_k", actor="admin", brands=BRANDS)
    new = "1899700000000000500"
    ingest(engine, pd.DataFrame([post(new, MARA), post("1899700000000000600", OLEK, parent=new, thread=new)]), BRANDS)
    answer = row(engine, "1899700000000000600")
    assert answer["parent_id"] == answer["thread_id"] == erased_as(engine, "x", new)
    assert traces(engine, [new, ROOT]) == []


def test_retention_renames_a_later_replys_parent_but_not_its_thread(engine: Engine) -> None:
    """As erase does for retention (_rename_references(threads=False)): the thread id stays."""
    old = WHEN - timedelta(days=40)
    ingest(engine, pd.DataFrame([post(ROOT, OLEK, created_at=old)]), BRANDS)
    apply_retention(engine, _config(retain_days=30), WHEN)
    ingest(engine, pd.DataFrame([post("1899700000000000700", ("503", "kai"), parent=ROOT, thread=ROOT)]), BRANDS)
    answer = row(engine, "1899700000000000700")
    assert (answer["parent_id"], answer["thread_id"]) == (erased_as(engine, "x", ROOT), ROOT)


def _config(retain_days: int):  # type: ignore[no-untyped-def]
    from config import Config

    return Config(path=None, brands=(Brand(name="Acme", keywords=("acme",), retain_days=retain_days),), sources=())


def test_a_google_play_developer_reply_to_an_erased_review_is_dropped(engine: Engine) -> None:
    review = "gp:AOqpTOF-erased-review"
    ingest(engine, pd.DataFrame([post(review, ("g-77", "Mara K"), platform="googleplay", kind="review", rating=1)]),
           BRANDS)  # fmt: skip
    privacy.forget(engine, "googleplay", "Mara K", actor="admin", brands=BRANDS)
    reply = post(f"{review}:reply", ("dev", "Acme Inc"), parent=review, thread=review, platform="googleplay",
                 is_own=True)  # fmt: skip
    other = post("gp:AOqpTOF-other:reply", ("dev", "Acme Inc"), parent="gp:AOqpTOF-other", platform="googleplay",
                 thread="gp:AOqpTOF-other", is_own=True)  # fmt: skip
    skipped: Counter[str] = Counter()
    result = ingest(engine, pd.DataFrame([reply, other]), BRANDS, skipped=skipped)
    assert result.new == 1 and skipped[store_privacy.DERIVED_SKIP] == 1
    assert traces(engine, [review]) == []
    assert row(engine, "gp:AOqpTOF-other:reply")["parent_id"] == "gp:AOqpTOF-other"  # a live review's reply stays
