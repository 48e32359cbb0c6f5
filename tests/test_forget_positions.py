"""Forget and the post ids X's and Mastodon's cursors keep as positions (session 12, leftovers4).

An X or Mastodon stream's `since` (the newest post id it saw) naming a forgotten person's post moves to the
newest stored post below it that names nobody forgotten (the stream reads the items between again, upserted as
known, and misses nothing newer), in the source's cursor and in the runs' copies, at the forget and when a later
run writes its cursor; a gap bound naming one is given up with its gap (read again from the top).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from collectors.mastodon import MastodonCollector
from collectors.streams import decode_cursor, encode_cursor, forget_id_positions, id_positions
from config import Brand, Config, Source
from pipeline import privacy
from pipeline.ingest import ingest
from pipeline.runner import run_source, start_run
from store import privacy as store_privacy
from store import writer
from store.schema import cursors, mentions, runs
from tests.test_privacy import traces

WHEN = datetime(2026, 11, 17, 15, 20, 11, tzinfo=UTC)
ACME = Brand(name="Acme", keywords=("acme",), handles={"mastodon": "acme@mastodon.example"})
X_SRC = Source(name="x-acme", platform="x", brand="Acme", every_seconds=600, options={"query": "acme"})
# X post ids (Snowflakes): the other person's B below the person's F2 below their newest F
B, F2, F = "1861000000000000009", "1861000000000000011", "1861000000000000013"
MARA, BO = "1449000000000000001", "1449000000000000002"


def _x(post_id: str, author_id: str, handle: str, **extra: Any) -> dict[str, Any]:
    return {"platform": "x", "post_id": post_id, "url": f"https://x.com/{handle}/status/{post_id}", "kind": "post",
            "text": f"@acme where is my order {post_id[-3:]}", "created_at": WHEN, "brand": "Acme", "matched": "acme",
            "author_id": author_id, "author_handle": handle, "author_name": handle.title(), "is_own": False,
            "source": "x-acme", **extra}  # fmt: skip


def _save(engine: Engine, source: Source, cursor: str) -> int:
    """The cursor as the source's row and as a finished run's copy; returns the run's id."""
    run_id = start_run(engine, source)
    with engine.begin() as conn:
        writer.finish_run(conn, run_id, status="ok", fetched=1, new=0, skipped=0, cursor=cursor, error=None)
        writer.save_cursor(conn, source.name, source.platform, cursor)
    return run_id


def _stored(engine: Engine, source: str) -> list[dict[str, Any]]:
    """The source's cursor and every run's copy of it, decoded."""
    with engine.connect() as conn:
        found = [conn.execute(select(cursors.c.cursor).where(cursors.c.source == source)).scalar_one()]
        found += conn.execute(select(runs.c.cursor).where(runs.c.source == source, runs.c.cursor.is_not(None))).scalars().all()  # fmt: skip
    return [decode_cursor(c) for c in found]


def test_after_a_forget_no_x_since_id_names_their_post(engine: Engine) -> None:
    """The X streams' windows are bare post ids: `search` stood at the person's newest post F (its since-id),
    `mentions` was filling a gap up to F (`newest`). The forget moves `search` to B, the newest stored post below
    F that is not theirs (their F2 is skipped), and gives the gap up (read again from the top down to `since`);
    `own` names nobody of theirs and stays. The run's copy alike."""
    rows = [_x(B, BO, "bo_b"), _x(F2, MARA, "mara_k"), _x(F, MARA, "mara_k")]
    ingest(engine, pd.DataFrame(rows), (ACME,), source=X_SRC.name, platform="x")
    cursor = encode_cursor({
        "search": {"since": F},
        "mentions": {"since": "1861000000000000001", "resume": "1861000000000000005", "newest": F},
        "own": {"since": "1861000000000000003"},
    })  # fmt: skip
    _save(engine, X_SRC, cursor)  # type: ignore[arg-type]
    assert privacy.forget(engine, "x", "mara_k", actor="admin", brands=(ACME,)).erased == 2
    assert traces(engine, [F, F2, MARA, "mara_k"]) == []  # the cursor's and the run's `since` and `newest` were F
    for state in _stored(engine, X_SRC.name):
        assert state == {"search": {"since": B}, "mentions": {"since": "1861000000000000001"},
                         "own": {"since": "1861000000000000003"}}  # fmt: skip


def test_after_a_forget_no_mastodon_position_names_their_status(engine: Engine) -> None:
    """Mastodon's Windows keep status ids as JSON numbers: `since` moves to the newest stored status below (a
    number still), a gap bounded by their status (`until`) is given up, a stream with nothing stored below their
    status starts over (its `since` dropped); the notifications' positions (notification ids) are left alone."""
    src = Source(name="masto", platform="mastodon", brand="Acme", every_seconds=600,
                 options={"instance": "https://mastodon.example", "hashtags": ["acme"]})  # fmt: skip
    other, theirs, first = "113000000000000010", "113000000000000020", "113000000000000005"
    rows = [
        {**_x(other, "7", "bo@mastodon.example"), "platform": "mastodon", "source": "masto"},
        {**_x(theirs, "8", "mara@mastodon.example"), "platform": "mastodon", "source": "masto"},
        {**_x(first, "8", "mara@mastodon.example"), "platform": "mastodon", "source": "masto"},
    ]
    ingest(engine, pd.DataFrame(rows), (ACME,), source=src.name, platform="mastodon")
    cursor = json.dumps({
        "tag:acme": {"since": int(theirs)},
        "search": {"since": 113000000000000001, "until": int(theirs), "newest": 113000000000000030},
        "own": {"since": int(first)},
        "notifications": {"since": 10},
    })  # fmt: skip
    _save(engine, src, cursor)
    assert privacy.forget(engine, "mastodon", "mara@mastodon.example", actor="admin", brands=(ACME,)).erased == 2
    assert traces(engine, [theirs, first]) == []
    for state in _stored(engine, src.name):
        assert state == {"tag:acme": {"since": int(other)}, "search": {"since": 113000000000000001},
                         "notifications": {"since": 10}}  # fmt: skip


def test_a_run_after_a_forget_keeps_no_since_id_of_their_post(engine: Engine) -> None:
    """The person is forgotten; a run then collects their newest post F (dropped: suppressed) and B, and its
    collector put F in the cursor as the newest id seen. The cursor written (the source's and the run's copy)
    stands at B, stored by this very run; the next run reads from B: F again (dropped again), nothing missed."""
    ingest(engine, pd.DataFrame([_x(F2, MARA, "mara_k")]), (ACME,), source=X_SRC.name, platform="x")
    assert privacy.forget(engine, "x", "mara_k", actor="admin", brands=(ACME,)).erased == 1
    run_id = start_run(engine, X_SRC)
    cursor = encode_cursor({"search": {"since": F}})
    rows = pd.DataFrame([_x(F, MARA, "mara_k"), _x(B, BO, "bo_b")])
    stored = ingest(engine, rows, (ACME,), source=X_SRC.name, platform="x", cursor=cursor, run_id=run_id)
    assert stored.new == 1 and stored.skipped["author asked to be forgotten"] == 1
    assert traces(engine, [F, F2, MARA, "mara_k"]) == []
    assert decode_cursor(stored.cursor) == {"search": {"since": B}}
    assert _stored(engine, X_SRC.name) == [{"search": {"since": B}}] * 2


def test_a_run_that_read_its_cursor_before_the_forget_keeps_no_since_id_of_theirs(engine: Engine) -> None:
    """The run read its cursor (at B), found F, the person's, and wrote nothing yet; a forget erased F meanwhile:
    the cursor the run writes (since F, its collector's) stands at B instead."""
    ingest(engine, pd.DataFrame([_x(B, BO, "bo_b")]), (ACME,), source=X_SRC.name, platform="x")
    run_id = start_run(engine, X_SRC)
    ingest(engine, pd.DataFrame([_x(F, MARA, "mara_k")]), (ACME,), source=X_SRC.name, platform="x")
    assert privacy.forget(engine, "x", "mara_k", actor="admin", brands=(ACME,)).erased == 1
    stored = ingest(engine, pd.DataFrame([_x(B, BO, "bo_b")]), (ACME,), source=X_SRC.name, platform="x",
                    cursor=encode_cursor({"search": {"since": F}}), run_id=run_id)  # fmt: skip
    assert decode_cursor(stored.cursor) == {"search": {"since": B}}
    assert traces(engine, [F, MARA, "mara_k"]) == []


class _Instance:
    """A hashtag timeline as a Mastodon instance serves it: newest first, above `since_id`, below `max_id`."""

    def __init__(self) -> None:
        self.statuses: list[dict[str, Any]] = []
        self.calls: list[tuple[int | None, int | None]] = []

    def post(self, status_id: int, who: str, minutes: int) -> None:
        account = {"id": str(sum(map(ord, who))), "acct": who, "display_name": who.title()}
        self.statuses.append({"id": status_id, "account": account, "content": f"<p>#acme is down {status_id}</p>",
                              "created_at": WHEN + timedelta(minutes=minutes), "language": "en",
                              "url": f"https://mastodon.example/@{who}/{status_id}"})  # fmt: skip

    def timeline_hashtag(self, hashtag: str, since_id: int | None = None, max_id: int | None = None,
                         limit: int = 40) -> list[dict[str, Any]]:  # fmt: skip
        self.calls.append((since_id, max_id))
        found = [s for s in self.statuses if (since_id is None or s["id"] > since_id)
                 and (max_id is None or s["id"] < max_id)]  # fmt: skip
        return sorted(found, key=lambda s: -s["id"])[:limit]


def test_a_mastodon_stream_read_from_its_moved_since_repeats_and_loses_nothing(engine: Engine) -> None:
    """End to end: run 1 stores 1, 2 (another's) and 3 (the person's newest: the stream's `since`); the person is
    forgotten (`since` moves to 2); 4 and 5 are posted; run 2 reads above 2: 3 again (dropped, suppressed), 4
    and 5 new. Every status stored once, none missed, and no cursor named 3 at any point after the forget."""
    src = Source(name="masto", platform="mastodon", brand="Acme", every_seconds=600, max_pages=3,
                 options={"instance": "https://mastodon.example", "hashtags": ["acme"], "include_own": False,
                          "thread_comments": False})  # fmt: skip
    config = Config(path=None, brands=(ACME,), sources=(src,))
    instance = _Instance()
    base = 113_000_000_000_000_000
    for n, who in ((1, "bo"), (2, "ana"), (3, "mara")):
        instance.post(base + n, who, n)
    collector = MastodonCollector(src, ACME, token=None, now=WHEN + timedelta(hours=1))
    collector.api = instance  # type: ignore[assignment]
    assert run_source(engine, config, src, sleep=lambda s: None, collector=collector).new == 3
    assert _stored(engine, "masto")[0] == {"tag:acme": {"since": base + 3}}
    assert privacy.forget(engine, "mastodon", "mara@mastodon.example", actor="admin", brands=(ACME,)).erased == 1
    assert traces(engine, [str(base + 3)]) == []
    assert _stored(engine, "masto")[0] == {"tag:acme": {"since": base + 2}}
    for n, who in ((4, "bo"), (5, "ana")):
        instance.post(base + n, who, n)
    summary = run_source(engine, config, src, sleep=lambda s: None, collector=collector)
    assert summary.status == "ok" and summary.new == 2 and summary.skipped == 1  # 3: the person's, dropped again
    assert instance.calls[-1][0] == base + 2
    with engine.connect() as conn:
        ids = sorted(conn.execute(select(mentions.c.post_id).where(mentions.c.platform == "mastodon")).scalars())
    assert [i for i in ids if not i.startswith("erased:")] == [str(base + n) for n in (1, 2, 4, 5)]
    assert len(ids) == 5  # 3 is kept erased (its counts stay), stored once
    assert _stored(engine, "masto")[0] == {"tag:acme": {"since": base + 5}}
    assert traces(engine, [str(base + 3)]) == []


def test_forget_id_positions_and_id_positions() -> None:
    """The cursor rewrite alone: types kept, a legacy bare X since-id read as the search stream's, other
    platforms and cursors naming none of the ids unchanged."""
    x = encode_cursor({"search": {"since": F}, "threads": {f"1:{MARA}": {"t": 1.0, "to": MARA, "since": F}}})
    assert id_positions("x", x) == {F}  # the followed conversations are forget_followed's
    assert decode_cursor(forget_id_positions("x", x, [F], lambda i: B))["search"] == {"since": B}
    assert "search" not in decode_cursor(forget_id_positions("x", x, [F]))  # nothing below: starts over
    assert forget_id_positions("x", x, [B], lambda i: "1") is x
    assert forget_id_positions("x", F, [F], lambda i: B) == encode_cursor({"search": {"since": B}})  # legacy cursor
    masto = json.dumps({"tag:a": {"since": 20, "until": 15, "newest": 30}})
    assert json.loads(forget_id_positions("mastodon", masto, ["30"], lambda i: "1") or "") == {"tag:a": {"since": 20}}
    assert json.loads(forget_id_positions("mastodon", masto, ["20"], lambda i: "10") or "") == {
        "tag:a": {"since": 10, "until": 15, "newest": 30}
    }
    assert forget_id_positions("bluesky", masto, ["20"], lambda i: "10") is masto
    assert id_positions("bluesky", masto) == set()


def test_position_below_reads_numbers_not_text(engine: Engine) -> None:
    """Ids of fewer digits sort between longer ones as text: the newest below is found by number, erased and
    forgotten people's posts skipped; none below: None."""
    rows = [_x(i, BO, "bo_b") for i in ("99", "1000", "1861000000000000001", "186")]
    ingest(engine, pd.DataFrame(rows), (ACME,), source=X_SRC.name, platform="x")
    with engine.begin() as conn:
        assert store_privacy.position_below(conn, "x", F) == "1861000000000000001"
        assert store_privacy.position_below(conn, "x", F, skip={"1861000000000000001"}) == "1000"
        assert store_privacy.position_below(conn, "x", "999") == "186"
        assert store_privacy.position_below(conn, "x", "100") == "99"
        assert store_privacy.position_below(conn, "x", "99") is None
        assert store_privacy.position_below(conn, "x", "erased:abc") is None
