"""Forget and X's and Mastodon's stream positions (session 13, leftovers5).

Before: `forget` erased a person's posts but an X or Mastodon source's cursor (and the runs' copies) kept a
since-id (the newest post seen) naming one of them, so the store kept the id of erased content. Now, in the
transaction of each erase batch, such a since-id moves to the newest stored post of the same source below it
(store.privacy.stored_below / position_below), or when none is left to a floor naming no post (review: it
went, and the next run, a first run then, skipped all but its newest pages); a gap's bottom moves to its floor. The next collection reads again no post already stored and skips none not fetched
yet: the fakes below record every post id they hand out.

Cursors written by the regular path (a polling run: X's advance_window, Mastodon's Window) and posts stored by
the stream path (a Mastodon live stream's batch, pipeline.streams.StreamRunner.flush, which writes no cursor of
its own) are both covered; so are a run writing its cursor after the forget and a retention.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from collectors import mastodon, x
from collectors.streams import decode_cursor, move_id_positions
from config import Brand, Config, Source
from frame import empty_frame
from pipeline import privacy
from pipeline.retention import apply_retention
from pipeline.runner import run_source
from pipeline.streams import Batch, StreamRunner
from store import privacy as store_privacy
from store.schema import cursors, mentions, runs
from tests.test_privacy import traces

CLOCK = 1_741_780_800.0  # 2025-03-12 12:00 UTC
#: X post ids are snowflakes (their time matters: recent search drops a since-id older than 7 days)
X_BASE = 1_899_700_000_000_000_000
MARA, OLEK = ("501", "mara_k"), ("502", "olek_w")


def snow(k: int) -> str:
    """The X id of a post made k seconds after X_BASE's time."""
    return str(X_BASE + ((k * 1000) << 22))


# ---------------------------------------------------------------------------------------------- the pure logic


def test_position_below_is_the_newest_id_below_compared_as_numbers() -> None:
    ids = ["99", "120", "erased:abc", "1000", "130", "7"]
    assert store_privacy.position_below("125", ids) == "120"
    assert store_privacy.position_below("1001", ids) == "1000"  # not text order ("99" > "1000" as text)
    assert store_privacy.position_below("125", ids, skip={"120"}) == "99"
    assert store_privacy.position_below("7", ids) is None
    assert store_privacy.position_below(125, ids) == "120"  # Mastodon's positions are JSON numbers
    assert store_privacy.position_below("erased:abc", ids) is None
    assert store_privacy.position_above("99", ids, up_to="1000") == "120"
    assert store_privacy.position_above("99", ids, up_to="110") is None
    assert store_privacy.position_above("99", ids, up_to="1000", skip={"120"}) == "130"


def test_move_id_positions_moves_since_down_and_a_gaps_bottom_up() -> None:
    def below(post_id: str) -> str | None:
        return {"50": "40", "90": "80", "60": None}.get(post_id)

    def above(post_id: str, up_to: str) -> str | None:
        return {("70", "90"): "75", ("70", "80"): "75"}.get((post_id, up_to))

    regular = json.dumps({"search": {"since": "50"}, "reads": {"month": "2025-03", "count": 50}})
    assert json.loads(move_id_positions("x", regular, ["50"], below, above) or "") == {
        "search": {"since": "40"},
        "reads": {"month": "2025-03", "count": 50},
    }
    gap = json.dumps({"tag:acme": {"since": 50, "until": 70, "newest": 90}})
    assert json.loads(move_id_positions("mastodon", gap, ["70", "90"], below, above) or "") == {
        "tag:acme": {"since": 50, "until": 75, "newest": 80}
    }
    nothing_left = json.dumps({"search": {"since": "50", "resume": "60", "newest": "60"}})
    assert json.loads(move_id_positions("x", nothing_left, ["60"], below, above) or "") == {"search": {"since": "50"}}
    assert move_id_positions("x", json.dumps({"search": {"since": "60"}}), ["60"], below, above) is None
    assert move_id_positions("x", "50", ["50"], below, above) == '{"search":{"since":"40"}}'  # a bare since-id
    assert move_id_positions("reddit", regular, ["50"], below, above) == regular
    untouched = json.dumps({"notifications": {"since": 50}, "threads": {"50": {"since": "50"}}})
    assert move_id_positions("mastodon", untouched, ["50"], below, above) == untouched


# ---------------------------------------------------------------------------------------------- X


class FakeX:
    """X's recent search over `posts` ({second: (author id, handle)}), newest first, honouring since_id, until_id,
    max_results and next_token; `handed` records every post id it returned."""

    def __init__(self, posts: dict[int, tuple[str, str]]) -> None:
        self.posts = posts
        self.handed: list[str] = []

    def search_recent_tweets(self, query: str, *, since_id: str | None = None, until_id: str | None = None,
                             max_results: int = 100, next_token: str | None = None, **_: Any) -> dict[str, Any]:  # fmt: skip
        ids = sorted((int(snow(k)) for k in self.posts), reverse=True)  # newest first
        ids = [i for i in ids if (since_id is None or i > int(since_id)) and (until_id is None or i < int(until_id))]
        start = int(next_token or 0)
        page = ids[start : start + max_results]
        by_id = {int(snow(k)): who for k, who in self.posts.items()}
        self.handed += [str(i) for i in page]
        data = [{"id": str(i), "text": f"acme post {i}", "author_id": by_id[i][0]} for i in page]
        users = [{"id": a, "username": h, "name": h} for a, h in {by_id[i] for i in page}]
        meta = {"next_token": str(start + len(page))} if start + len(page) < len(ids) else {}
        return {"data": data, "includes": {"users": users}, "meta": meta}


ACME = Brand(name="Acme", keywords=("acme",), handles={"mastodon": "acme@mastodon.example"})
X_SOURCE = Source(name="x-acme", platform="x", brand="Acme", every_seconds=900, query="acme", max_pages=10)
CONFIG = Config(path=None, brands=(ACME,), sources=(X_SOURCE,))


def x_run(engine: Engine, fake: FakeX, max_pages: int = 10) -> list[str]:
    """One collection of the X source; the post ids the API handed out."""
    fake.handed = []
    collector = x.XCollector(client=fake, source="x-acme", brand="Acme", query="acme", max_pages=max_pages,  # type: ignore[arg-type]
                             clock=lambda: CLOCK)  # fmt: skip
    summary = run_source(engine, CONFIG, X_SOURCE, sleep=lambda s: None, collector=collector)
    assert summary.status == "ok", summary
    return list(fake.handed)


def cursor_of(engine: Engine, source: str) -> dict[str, Any]:
    with engine.connect() as conn:
        return decode_cursor(conn.execute(select(cursors.c.cursor).where(cursors.c.source == source)).scalar())


def run_copies(engine: Engine, source: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        found = conn.execute(select(runs.c.cursor).where(runs.c.source == source).order_by(runs.c.id)).scalars()
        return [decode_cursor(c) for c in found]


def stored_ids(engine: Engine, platform: str) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(mentions.c.post_id).where(mentions.c.platform == platform)).scalars())


def test_forget_moves_xs_since_id_to_the_newest_stored_post_below(engine: Engine) -> None:
    fake = FakeX({1: OLEK, 2: OLEK, 3: OLEK, 4: MARA, 5: OLEK, 6: MARA})
    assert x_run(engine, fake) == [snow(k) for k in (6, 5, 4, 3, 2, 1)]
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(6)}}
    result = privacy.forget(engine, "x", "mara_k", actor="admin", batch=1, brands=CONFIG.brands)
    assert result.erased == 2
    assert traces(engine, [snow(6), snow(4)]) == []  # was the source's cursor and the run's copy
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(5)}}  # the newest stored below, not Mara's 4
    assert run_copies(engine, "x-acme") == [{"search": {"since": snow(5)}}]
    before = stored_ids(engine, "x")
    fake.posts.update({7: OLEK, 8: OLEK})
    handed = x_run(engine, fake)
    assert handed == [snow(8), snow(7), snow(6)]  # nothing stored read again (Mara's 6: dropped), nothing skipped
    assert stored_ids(engine, "x") - before == {snow(7), snow(8)}
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(8)}}


def test_an_x_since_id_with_no_stored_post_below_becomes_a_floor_naming_no_post(engine: Engine) -> None:
    """No stored post is left below: the since-id becomes the last id of the millisecond before the post's
    (collectors.streams.position_floor), not dropped (a run without since keeps only its newest pages)."""
    fake = FakeX({1: MARA, 2: MARA})
    x_run(engine, fake)
    privacy.forget(engine, "x", "mara_k", actor="admin", brands=CONFIG.brands)
    floor = str(((int(snow(2)) >> 22) << 22) - 1)
    assert cursor_of(engine, "x-acme") == {"search": {"since": floor}}
    assert snow(1) < floor < snow(2)
    assert traces(engine, [snow(1), snow(2)]) == []
    fake.posts.update({3: OLEK})
    assert x_run(engine, fake) == [snow(3), snow(2)]  # Mara's 2 read again and dropped; 3 not skipped


def test_an_x_gap_keeps_every_post_not_fetched_yet(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run cut by its page cap keeps a gap (since, resume: the oldest post fetched, newest). Mara's post as the
    gap's bottom becomes its floor (collectors.streams.position_floor: everything above was fetched); the gap is
    filled by later runs, reading no post again."""
    monkeypatch.setattr(x, "PAGE_SIZE", 3)
    fake = FakeX({1: OLEK, 2: OLEK, 3: OLEK})
    x_run(engine, fake)
    fake.posts.update({4: OLEK, 5: OLEK, 6: OLEK, 7: MARA, 8: OLEK, 9: OLEK})
    assert x_run(engine, fake, max_pages=1) == [snow(9), snow(8), snow(7)]
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(3), "resume": snow(7), "newest": snow(9)}}
    privacy.forget(engine, "x", "mara_k", actor="admin", brands=CONFIG.brands)
    floor = str(((int(snow(7)) >> 22) << 22) - 1)
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(3), "resume": floor, "newest": snow(9)}}
    assert traces(engine, [snow(7)]) == []
    handed = x_run(engine, fake, max_pages=1) + x_run(engine, fake, max_pages=1)
    assert handed == [snow(6), snow(5), snow(4)]  # 4 to 6 were still to fetch; nothing read twice
    assert {snow(k) for k in (4, 5, 6)} <= stored_ids(engine, "x")
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(9)}}


def test_an_x_gap_whose_fetched_posts_are_all_forgotten_is_given_up(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Above the gap only Mara's posts were fetched: no stored post is left there, so the gap goes and the stream
    is read from its newest posts down to `since` (itself moved off Mara's post 2), reading nothing stored again."""
    monkeypatch.setattr(x, "PAGE_SIZE", 2)
    fake = FakeX({1: OLEK, 2: MARA})
    x_run(engine, fake)
    fake.posts.update({3: OLEK, 4: OLEK, 5: MARA, 6: MARA})
    x_run(engine, fake, max_pages=1)
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(2), "resume": snow(5), "newest": snow(6)}}
    privacy.forget(engine, "x", "mara_k", actor="admin", brands=CONFIG.brands)
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(1)}}
    assert traces(engine, [snow(2), snow(5), snow(6)]) == []
    handed = x_run(engine, fake)
    assert handed == [snow(6), snow(5), snow(4), snow(3), snow(2)]  # Mara's dropped again; 1 not read again
    assert {snow(3), snow(4)} <= stored_ids(engine, "x")


def test_an_x_gaps_newest_naming_a_forgotten_post_moves_down(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """`newest` (what `since` becomes once the gap is filled) names Mara's post: it moves to the newest stored post
    below it, still at or above the gap's bottom."""
    monkeypatch.setattr(x, "PAGE_SIZE", 2)
    fake = FakeX({1: OLEK})
    x_run(engine, fake)
    fake.posts.update({2: OLEK, 3: OLEK, 4: OLEK, 5: MARA})
    x_run(engine, fake, max_pages=1)
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(1), "resume": snow(4), "newest": snow(5)}}
    privacy.forget(engine, "x", "mara_k", actor="admin", brands=CONFIG.brands)
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(1), "resume": snow(4), "newest": snow(4)}}
    assert x_run(engine, fake) == [snow(3), snow(2)]
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(4)}}
    fake.posts.update({6: OLEK})
    assert x_run(engine, fake) == [snow(6), snow(5)]  # Mara's 5 read again and dropped; nothing stored


def test_a_run_that_read_its_cursor_before_the_forget_writes_no_forgotten_since_id(engine: Engine) -> None:
    """A run started before the forget (its cursor names Mara's post) writes its cursor after it:
    pipeline.privacy.cursor_to_store moves the since-id as the forget did."""
    fake = FakeX({1: OLEK, 2: MARA})
    x_run(engine, fake)
    with engine.connect() as conn:
        read = conn.execute(select(cursors.c.cursor)).scalar()
    privacy.forget(engine, "x", "mara_k", actor="admin", brands=CONFIG.brands)
    from pipeline.ingest import ingest
    from pipeline.runner import start_run

    run_id = start_run(engine, X_SOURCE)
    ingest(engine, empty_frame(), CONFIG.brands, source="x-acme", platform="x", cursor=read, run_id=run_id)
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(1)}}
    assert traces(engine, [snow(2)]) == []


def test_retention_moves_a_since_id_naming_a_post_it_erased(engine: Engine) -> None:
    """Retention had the same gap (a quiet source's since-id names its newest post, erased once old)."""
    fake = FakeX({1: OLEK, 2: OLEK})
    x_run(engine, fake)
    kept_brand = Brand(name="Acme", keywords=("acme",), retain_days=30)
    config = Config(path=None, brands=(kept_brand,), sources=(X_SOURCE,))
    with engine.begin() as conn:  # the first post is old enough to go, the second not
        conn.execute(
            mentions.update().where(mentions.c.post_id == snow(2)).values(created_at=datetime(2025, 1, 1, tzinfo=UTC))
        )
    apply_retention(engine, config, datetime(2025, 3, 12, tzinfo=UTC))
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(1)}}
    with engine.connect() as conn:
        sources_cursor = conn.execute(select(cursors.c.cursor)).scalar() or ""
    assert snow(2) not in sources_cursor


# ---------------------------------------------------------------------------------------------- Mastodon

M_BASE = 113_000_000_000_000_000
WHEN = datetime(2026, 11, 18, 11, 0, tzinfo=UTC)


def status(k: int, who: tuple[str, str]) -> dict[str, Any]:
    return {"id": M_BASE + k, "content": f"<p>acme status {k}</p>", "created_at": WHEN + timedelta(minutes=k),
            "account": {"id": who[0], "acct": who[1], "display_name": who[1]}, "in_reply_to_id": None,
            "url": f"https://mastodon.example/@{who[1]}/{M_BASE + k}"}  # fmt: skip


class FakeMastodon:
    """A hashtag timeline over `statuses` ({k: author}), newest first, with since_id, max_id and limit."""

    def __init__(self, statuses: dict[int, tuple[str, str]]) -> None:
        self.statuses = statuses
        self.handed: list[int] = []

    def timeline_hashtag(self, hashtag: str, since_id: int | None = None, max_id: int | None = None,
                         limit: int = 40, **_: Any) -> list[dict[str, Any]]:  # fmt: skip
        ids = sorted((M_BASE + k for k in self.statuses), reverse=True)
        ids = [i for i in ids if (since_id is None or i > since_id) and (max_id is None or i < max_id)][:limit]
        self.handed += ids
        return [status(i - M_BASE, self.statuses[i - M_BASE]) for i in ids]


M_SOURCE = Source(name="masto", platform="mastodon", brand="Acme", every_seconds=600, max_pages=10,
                  options={"instance": "https://mastodon.example", "hashtags": ["acme"], "include_own": False,
                           "thread_comments": False, "stream": True})  # fmt: skip
M_CONFIG = Config(path=None, brands=(ACME,), sources=(M_SOURCE,))
M_MARA, M_OLEK = ("9001", "mara@mastodon.example"), ("9002", "olek@mastodon.example")


def masto_run(engine: Engine, fake: FakeMastodon, max_pages: int = 10) -> list[int]:
    fake.handed = []
    source = Source(**{**M_SOURCE.__dict__, "max_pages": max_pages})
    collector = mastodon.MastodonCollector(source, ACME, token=None, now=WHEN)
    collector.api = fake  # type: ignore[assignment]
    assert run_source(engine, M_CONFIG, source, sleep=lambda s: None, collector=collector).status == "ok"
    return list(fake.handed)


def streamed(engine: Engine, *statuses: dict[str, Any]) -> None:
    """Statuses stored by the source's live stream (pipeline.streams: a batch written, no cursor of its own)."""
    collector = mastodon.MastodonCollector(M_SOURCE, ACME, token=None, now=WHEN)
    stream = mastodon.MastodonStream(collector, None)
    batch = Batch(started=0.0)
    for item in statuses:
        batch.add(stream._event("update", item, "#acme"))
    StreamRunner(engine, M_CONFIG, M_SOURCE, stream, now=lambda: WHEN).flush(batch)


def test_forget_moves_a_mastodon_since_id_to_a_post_its_stream_stored(engine: Engine) -> None:
    """The polling run's since-id (a JSON number) names Mara's status; the newest stored status of the source
    below it was stored by the source's live stream (the stream path), and the since-id moves there."""
    fake = FakeMastodon({1: M_OLEK, 2: M_OLEK})
    masto_run(engine, fake)
    streamed(engine, status(3, M_OLEK))
    fake.statuses.update({3: M_OLEK, 4: M_MARA})
    assert masto_run(engine, fake) == [M_BASE + 4, M_BASE + 3]
    assert cursor_of(engine, "masto") == {"tag:acme": {"since": M_BASE + 4}}
    privacy.forget(engine, "mastodon", "mara@mastodon.example", actor="admin", brands=M_CONFIG.brands)
    assert cursor_of(engine, "masto") == {"tag:acme": {"since": M_BASE + 3}}
    assert [c.get("tag:acme") for c in run_copies(engine, "masto")] == [
        {"since": M_BASE + 2},
        {"since": M_BASE + 3},
    ]
    assert traces(engine, [str(M_BASE + 4)]) == []
    fake.statuses.update({5: M_OLEK})
    assert masto_run(engine, fake) == [M_BASE + 5, M_BASE + 4]  # Mara's 4 dropped again; nothing stored re-read


def test_a_mastodon_gap_keeps_every_status_not_fetched_yet(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mastodon, "PAGE_LIMIT", 2)
    fake = FakeMastodon({1: M_OLEK})
    masto_run(engine, fake)
    fake.statuses.update({2: M_OLEK, 3: M_OLEK, 4: M_MARA, 5: M_OLEK, 6: M_MARA})
    assert masto_run(engine, fake, max_pages=1) == [M_BASE + 6, M_BASE + 5]
    assert cursor_of(engine, "masto") == {"tag:acme": {"since": M_BASE + 1, "until": M_BASE + 5, "newest": M_BASE + 6}}
    privacy.forget(engine, "mastodon", "mara@mastodon.example", actor="admin", brands=M_CONFIG.brands)
    assert cursor_of(engine, "masto") == {"tag:acme": {"since": M_BASE + 1, "until": M_BASE + 5, "newest": M_BASE + 5}}
    handed = masto_run(engine, fake)
    assert handed == [M_BASE + 4, M_BASE + 3, M_BASE + 2]  # the gap, and no stored status again
    assert cursor_of(engine, "masto") == {"tag:acme": {"since": M_BASE + 5}}


def test_a_mastodon_since_id_with_no_stored_status_below_keeps_every_later_status(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The source's one stored status is Mara's: its since-id once went, and the next run, a first run then,
    kept only its newest page (max_pages=1) and skipped the rest. Now the since-id becomes a floor naming no
    status, and the runs that follow fill the gap down to it."""
    monkeypatch.setattr(mastodon, "PAGE_LIMIT", 2)
    fake = FakeMastodon({1: M_MARA})
    masto_run(engine, fake)
    privacy.forget(engine, "mastodon", "mara@mastodon.example", actor="admin", brands=M_CONFIG.brands)
    floor = (((M_BASE + 1) >> 16) << 16) - 1
    assert cursor_of(engine, "masto") == {"tag:acme": {"since": floor}}
    fake.statuses.update({k: M_OLEK for k in range(2, 8)})
    handed = [i for _ in range(5) for i in masto_run(engine, fake, max_pages=1)]
    assert sorted(set(handed)) == [M_BASE + k for k in range(1, 8)]  # Mara's 1 read again (and dropped)
    assert [i for i in handed if i != M_BASE + 1] == [M_BASE + k for k in (7, 6, 5, 4, 3, 2)]  # each once
    assert {str(M_BASE + k) for k in range(2, 8)} <= stored_ids(engine, "mastodon")
    assert cursor_of(engine, "masto") == {"tag:acme": {"since": M_BASE + 7}}


def test_position_floor_only_for_snowflake_ids() -> None:
    from collectors.streams import position_floor

    assert position_floor("x", snow(2)) == str(((int(snow(2)) >> 22) << 22) - 1)
    assert position_floor("mastodon", str(M_BASE + 5)) == str((((M_BASE + 5) >> 16) << 16) - 1)
    assert position_floor("mastodon", "109871") is None  # a pre-snowflake instance's sequential id
    assert position_floor("reddit", "t3_abc") is None


def test_stored_below_and_above_read_the_index_in_number_order_for_one_source(engine: Engine) -> None:
    """Ids of several lengths (a small instance's Mastodon ids): text order is not number order; another source's
    post and an erased one are never a position."""
    from pipeline.ingest import ingest

    def row(post_id: str, source: str = "masto") -> dict[str, Any]:
        return {**mastodon.MastodonCollector(M_SOURCE, ACME, token=None, now=WHEN).status_row(status(0, M_OLEK)),
                "post_id": post_id, "thread_id": post_id, "brand": "Acme", "source": source, "matched": "#acme"}  # fmt: skip

    import pandas as pd

    ingest(engine, pd.DataFrame([row(i) for i in ("7", "99", "120", "1000")] + [row("999", "other")]), M_CONFIG.brands)
    with engine.begin() as conn:
        assert store_privacy.stored_below(conn, "mastodon", "masto", "1000") == "120"
        assert store_privacy.stored_below(conn, "mastodon", "masto", 1001) == "1000"
        assert store_privacy.stored_below(conn, "mastodon", "masto", "1000", skip={"120"}) == "99"
        assert store_privacy.stored_below(conn, "mastodon", None, "1000") == "999"  # any source
        assert store_privacy.stored_below(conn, "mastodon", "masto", "7") is None
        assert store_privacy.stored_above(conn, "mastodon", "masto", "99", "1000") == "120"
        assert store_privacy.stored_above(conn, "mastodon", "masto", "120", "999") is None


# ---------------------------------------------------------------------------------------------- many posts (review)


def test_retention_of_more_than_a_thousand_x_posts_in_one_batch_moves_the_since_id(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A retention batch (2,000 mentions) once looked for every post id of the batch in one OR of LIKEs: SQLite
    fails on it ("Expression tree is too large (maximum depth 1000)") past about 1,000 X posts."""
    monkeypatch.setattr(x, "PAGE_SIZE", 100)
    fake = FakeX({k: OLEK for k in range(1, 1201)})
    assert len(x_run(engine, fake, max_pages=20)) == 1200
    with engine.begin() as conn:  # every post but the oldest is old enough to go
        conn.execute(
            mentions.update().where(mentions.c.post_id != snow(1)).values(created_at=datetime(2025, 1, 1, tzinfo=UTC))
        )
    kept_brand = Brand(name="Acme", keywords=("acme",), retain_days=30)
    config = Config(path=None, brands=(kept_brand,), sources=(X_SOURCE,))
    assert apply_retention(engine, config, datetime(2025, 3, 12, tzinfo=UTC)).erased == 1199
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(1)}}


def test_forget_of_an_author_with_1200_posts(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget's first transaction looked for the person's texts (erase_everywhere) and post ids (clean_cursors)
    each in one OR of LIKEs: SQLite's expression depth limit (1,000) failed it past about 1,000 posts."""
    monkeypatch.setattr(x, "PAGE_SIZE", 100)
    fake = FakeX({k: (MARA if k > 1 else OLEK) for k in range(1, 1202)})
    assert len(x_run(engine, fake, max_pages=20)) == 1201
    result = privacy.forget(engine, "x", "mara_k", actor="admin", brands=CONFIG.brands)
    assert result.erased == 1200
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(1)}}
    assert traces(engine, [snow(2), snow(1201)]) == []


def test_a_since_id_named_by_the_cursor_and_its_run_copies_is_looked_up_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The source's cursor and each run's copy name the same since-id: one stored_below per (source, id) in a
    move_positions call (they ran once per row, under the cursor lock)."""
    fake = FakeX({1: OLEK, 2: MARA})
    x_run(engine, fake)
    x_run(engine, fake)  # nothing new: a second run copy naming Mara's post
    assert [c["search"]["since"] for c in run_copies(engine, "x-acme")] == [snow(2), snow(2)]
    calls: list[str] = []
    real = store_privacy.stored_below

    def counted(*args: Any, **kwargs: Any) -> str | None:
        calls.append(str(args[3]))
        return real(*args, **kwargs)

    monkeypatch.setattr(store_privacy, "stored_below", counted)
    privacy.forget(engine, "x", "mara_k", actor="admin", brands=CONFIG.brands)
    assert calls == [snow(2)]
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(1)}}
    assert [c["search"]["since"] for c in run_copies(engine, "x-acme")] == [snow(1), snow(1)]


def test_stored_below_reads_a_bounded_number_of_rows_whatever_their_source(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each page reads POSITION_PAGE rows of the platform at most, whatever their source: a source whose only post
    lies below many of another source's is not found once the budget is spent (the database no longer scans the
    index for rows of that source)."""
    from pipeline.ingest import ingest

    def row(post_id: str, source: str) -> dict[str, Any]:
        return {**mastodon.MastodonCollector(M_SOURCE, ACME, token=None, now=WHEN).status_row(status(0, M_OLEK)),
                "post_id": post_id, "thread_id": post_id, "brand": "Acme", "source": source, "matched": "#acme"}  # fmt: skip

    import pandas as pd

    rows = [row(str(M_BASE + k), "other") for k in range(10, 30)] + [row(str(M_BASE + 1), "masto")]
    ingest(engine, pd.DataFrame(rows), M_CONFIG.brands)
    monkeypatch.setattr(store_privacy, "POSITION_PAGE", 4)
    with engine.connect() as conn:
        monkeypatch.setattr(store_privacy, "POSITION_PAGES", 10)
        assert store_privacy.stored_below(conn, "mastodon", "masto", str(M_BASE + 50)) == str(M_BASE + 1)
        monkeypatch.setattr(store_privacy, "POSITION_PAGES", 3)  # 12 rows: not down to the source's post
        assert store_privacy.stored_below(conn, "mastodon", "masto", str(M_BASE + 50)) is None


def test_forgets_batches_scan_the_runs_only_for_posts_a_position_names(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each erase batch once looked for all of its posts in every run's cursor copy (500 LIKEs on each run row, a
    batch); now forget's first pass finds which of the person's posts a position names at all, and only the
    batch holding one looks."""
    fake = FakeX({1: OLEK, 2: MARA, 3: MARA, 4: MARA, 5: MARA, 6: MARA})
    x_run(engine, fake)
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(6)}}
    looked: list[list[str]] = []
    real = store_privacy.rewrite_source_cursors

    def counted(conn: Any, platform: str, terms: Any, *args: Any, **kwargs: Any) -> int:
        if kwargs.get("sources_too") is False:  # move_positions' scan of the runs' copies
            looked.append(sorted(terms))
        return int(real(conn, platform, terms, *args, **kwargs))

    monkeypatch.setattr(store_privacy, "rewrite_source_cursors", counted)
    result = privacy.forget(engine, "x", "mara_k", actor="admin", batch=1, brands=CONFIG.brands)
    assert result.erased == 5
    assert looked == [[snow(6)]]  # one batch's scan, not five
    assert cursor_of(engine, "x-acme") == {"search": {"since": snow(1)}}
    assert run_copies(engine, "x-acme") == [{"search": {"since": snow(1)}}]
