"""Forgetting a person and answering a subject access request (`cli.py forget`, `cli.py author-data`).

`forget` first puts the author on the suppression list (so a collection running meanwhile
stores nothing new of theirs), then removes their names and texts from every note, audit row
and alert message, then erases their mentions in batches, each in one transaction; a run
killed midway is simply run again. Counts, flags, sentiment and the queue's work on every
mention stay. The sources' cursors lose the person's ids too (clean_cursors), and a collection
running meanwhile cannot write them back: every run's cursor is filtered as it is written
(cursor_to_store), in order with the forget's cursor pass (store.privacy.lock_cursors). X's and Mastodon's
stream positions (since-ids) naming one of their posts move, in each erase batch's transaction, to the newest
stored post of the source below it, or to a floor naming no post (move_positions; retention does the same for
the sources' cursors).
`author_data` gathers what the store holds about an author as JSON. Both are recorded in the
audit trail with who ran them; the audit row names the author only by a hash.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, select

from collectors.streams import (
    DIGEST_PREFIX,
    ID_POSITION_PLATFORMS,
    SEEN_ID_PLATFORMS,
    digest_seen,
    forget_positions,
    id_positions,
    move_id_positions,
)
from collectors.threads import forget_followed, named_ids
from config import Brand
from frame import PLATFORMS
from store import audit, privacy, writer
from store.schema import audit_log, mention_state, mentions

BATCH = 500


def check_platform(platform: str) -> str:
    name = platform.strip().lower()
    if name not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}: use one of {', '.join(PLATFORMS)}")
    return name


def check_author(author: str) -> str:
    if not privacy.normal_author(author or ""):
        raise ValueError("--author is empty: give the author's handle or id as stored")
    return author.strip()


def _reference(engine: Engine, platform: str, author: str) -> str:
    """How the audit trail names the author: a short keyed hash, never the handle."""
    with engine.begin() as conn:
        return privacy.author_hash(privacy.salt(conn), platform, author)[:12]


def count_author(engine: Engine, platform: str, author: str) -> int:
    """How many stored mentions `forget` would erase."""
    with engine.connect() as conn:
        return len(privacy.find_author(conn, check_platform(platform), check_author(author)).mention_ids)


def clean_cursors(conn: Connection, platform: str | None = None, ids: Sequence[str] = ()) -> int:
    """Rewrite the sources' cursors and the runs' copies of them so none names an erased item: every plain
    id in a seen-items list becomes its digest (collectors.streams.digest_seen; cursors saved before
    digests, and the runs that copied them), and with `platform`, the followed conversations naming one of
    `ids` (the forgotten person's user ids and post ids: X's "<conversation>:<user id>" entries) are
    dropped and the positions naming them digested (forget_ids). Returns rows changed; run inside a transaction."""
    done = 0
    # a run writes digests since collectors.streams.seen_ids: the runs checked by an earlier pass are not read again
    checked, newest = privacy.runs_checked(conn), privacy.newest_run(conn)
    for seen in SEEN_ID_PLATFORMS:
        rewrite = functools.partial(digest_seen, seen)
        # read only cursors with an "ids" list that is neither empty nor starts with a digest (an older version's
        # lists are all plain or all digests); a plain id may be text or a bare number (`"ids":[11500000042]`), and
        # a hand-edited cursor may have any spacing: those are read and rewritten whatever follows the key
        lists = ['"ids":[', '"ids": [']
        unless = [*(f'{x}"{DIGEST_PREFIX}' for x in lists), *(f"{x}]" for x in lists)]
        done += privacy.rewrite_cursors(conn, seen, ['"ids"'], rewrite, unless=unless, after_run=checked)
    privacy.mark_runs_checked(conn, max(newest, checked))
    if platform is not None and ids:
        done += privacy.rewrite_cursors(conn, platform, ids, functools.partial(forget_ids, platform, ids=ids))
    return done


#: the platforms whose cursors name items in their streams' positions (collectors.streams.forget_positions).
POSITION_PLATFORMS = ("reddit",)


def clean_erased_positions(conn: Connection, runs_since: datetime | None) -> int:
    """Rewrite the cursors of POSITION_PLATFORMS (the sources', and the copies of the runs started at or after
    `runs_since`: no earlier run saw an item created since) so that none names an erased item (a retention's):
    the positions naming one get its digest, gaps resuming at one are given up, followed items erased are
    dropped (forget_ids). Each page of cursors is looked up at once. Returns rows changed."""
    key = privacy.salt(conn)
    done = 0
    for platform in POSITION_PLATFORMS:

        def rewrite(texts: list[str], platform: str = platform) -> list[str | None]:
            named = [named_ids(t) for t in texts]
            hashed = {privacy.erased_id(key, platform, i): i for ids in named for i in ids}
            if not hashed:
                return list(texts)
            stored = writer.existing_keys(conn, [(platform, h) for h in hashed if h])
            gone = {hashed[h] for _, h in stored}
            return [
                forget_ids(platform, t, sorted(ids & gone)) if ids & gone else t
                for t, ids in zip(texts, named, strict=True)
            ]

        done += privacy.rewrite_cursor_pages(conn, platform, rewrite, runs_since=runs_since)
    return done


def forget_ids(platform: str, cursor: str | None, ids: Sequence[str]) -> str | None:
    """`cursor` naming none of `ids` (a forgotten person's user and post ids): the followed conversations
    naming them dropped (collectors.threads.forget_followed), the streams' positions naming them digested
    and their gaps' resume tokens dropped (collectors.streams.forget_positions)."""
    return forget_positions(platform, forget_followed(cursor, ids), ids)


#: what _moved looked up already ((kind, source, post id[, up to]) -> the stored post found), for one call
Memo = dict[tuple[str | None, ...], str | None]


def _moved(
    conn: Connection,
    platform: str,
    source: str | None,
    cursor: str | None,
    gone: set[str],
    skip: set[str],
    memo: Memo | None = None,
) -> str | None:
    """`cursor` with X's and Mastodon's positions naming one of `gone` moved to stored posts of `source`
    (collectors.streams.move_id_positions with store.privacy.stored_below / stored_above, none of `skip`); each
    look-up is made once per (source, id) in `memo` (move_positions shares one over every cursor it rewrites)."""
    named = id_positions(platform, cursor) & gone
    if not named:
        return cursor
    memo = {} if memo is None else memo

    def below(post_id: str) -> str | None:
        key = ("below", source, post_id)
        if key not in memo:
            memo[key] = privacy.stored_below(conn, platform, source, post_id, skip)
        return memo[key]

    def above(post_id: str, up_to: str) -> str | None:
        key = ("above", source, post_id, up_to)
        if key not in memo:
            memo[key] = privacy.stored_above(conn, platform, source, post_id, up_to, skip)
        return memo[key]

    return move_id_positions(platform, cursor, named, below, above)


def move_positions(
    conn: Connection, platform: str, post_ids: Iterable[str], skip: Iterable[str] = (), *, runs_too: bool = True
) -> int:
    """Move X's and Mastodon's stream positions (since-ids, and the bounds of a gap still to fetch) naming one of
    `post_ids` (posts erased in this transaction) to the stored posts of the same source nearest them
    (collectors.streams.move_id_positions: since-ids down, to a floor naming no post when no stored post is left
    below; a gap's bottom to its floor), in the sources' cursors and (`runs_too`) the runs' copies; `skip`: post ids not to move to (a forgotten
    person's not erased yet). Returns rows changed. Call it in the transaction of the erase."""
    if platform not in ID_POSITION_PLATFORMS:
        return 0
    gone = {str(i) for i in post_ids if i and not str(i).startswith(privacy.ERASED_PREFIX)}
    if not gone:
        return 0
    avoid = gone | {str(i) for i in skip}
    memo: Memo = {}  # the sources' cursors and their runs' copies often name the same since-id

    def rewrite(source: str, cursor: str) -> str | None:
        return _moved(conn, platform, source, cursor, gone, avoid, memo)

    # the sources' cursors (one row per source) are read whole and filtered here (id_positions, in _moved); only
    # the runs' copies, too many to read, are looked for in SQL, a chunk of ids at a time (rewrite_source_cursors)
    done = privacy.rewrite_platform_cursors(conn, platform, rewrite)
    if runs_too:
        done += privacy.rewrite_source_cursors(conn, platform, sorted(gone), rewrite, sources_too=False)
    return done


def positioned(conn: Connection, platform: str, post_ids: Iterable[str]) -> set[str]:
    """Those of `post_ids` that X's and Mastodon's cursors (the sources' and every run's copy) name as positions
    (collectors.streams.id_positions): one read of the platform's cursors, so that forget's batches look only
    for these (move_positions) rather than each scanning every run for all of its posts."""
    wanted = {str(i) for i in post_ids if i}
    if platform not in ID_POSITION_PLATFORMS or not wanted:
        return set()
    found: set[str] = set()
    for texts in privacy.cursor_texts(conn, platform):
        for text in texts:
            found |= id_positions(platform, text) & wanted
    return found


def cursor_to_store(
    conn: Connection,
    platform: str,
    cursor: str | None,
    forgotten: Iterable[str] = (),
    source: str | None = None,
) -> str | None:
    """The cursor a run writes (the source's, and the run's copy), without the ids of anyone forgotten:
    `forgotten` (the post and user ids of the rows this run dropped as theirs) and the ids the cursor names
    that store.privacy.forgotten_among finds (forget_ids; X's and Mastodon's positions naming such a post move
    to stored posts of `source`, this run's included: move_id_positions). Taken under store.privacy.lock_cursors,
    so a run that read its cursor before a forget cleaned the stored one never writes the person back, whichever
    commits first. Call it in the transaction that writes the cursor, before writing it."""
    privacy.lock_cursors(conn, platform)
    positions = id_positions(platform, cursor)
    named = named_ids(cursor) | positions
    if not named:
        return cursor
    gone = (named & {str(i) for i in forgotten}) | privacy.forgotten_among(conn, platform, named)
    if not gone:
        return cursor
    cursor = forget_ids(platform, cursor, sorted(gone))
    return _moved(conn, platform, source, cursor, gone & positions, gone | {str(i) for i in forgotten})


def _post_ids(conn: Connection, mention_ids: Sequence[int]) -> list[str]:
    m = mentions
    found: list[str] = []
    for chunk in privacy.chunks(list(mention_ids)):
        found += [r[0] for r in conn.execute(select(m.c.post_id).where(m.c.id.in_(chunk))) if r[0]]
    return found


def posts_by_platform(conn: Connection, mention_ids: Sequence[int]) -> dict[str, list[str]]:
    """The post ids of these mentions on the platforms whose streams name posts by their ids (move_positions)."""
    m = mentions
    found: dict[str, list[str]] = {}
    for chunk in privacy.chunks(list(mention_ids)):
        query = select(m.c.platform, m.c.post_id).where(m.c.id.in_(chunk), m.c.platform.in_(ID_POSITION_PLATFORMS))
        for platform, post_id in conn.execute(query):
            found.setdefault(str(platform), []).append(str(post_id))
    return found


@dataclass
class ForgetResult:
    erased: int = 0
    suppressed: int = 0
    swept: dict[str, int] = field(default_factory=dict)
    reference: str = ""

    def line(self) -> str:
        swept = ", ".join(f"{n} {k}" for k, n in self.swept.items())
        return f"erased {self.erased} mention(s); cleaned {swept}; the author is on the suppression list"


def forget(
    engine: Engine,
    platform: str,
    author: str,
    *,
    actor: str,
    now: datetime | None = None,
    batch: int = BATCH,
    between_batches: Callable[[], None] | None = None,
    brands: Sequence[Brand] = (),
) -> ForgetResult:
    """Erase every stored mention by `author` on `platform`, clean notes, audit rows and alerts of
    their names and texts, and block them from being stored again. Safe to run again.

    `brands` (the config's) judge the conversations frozen before erasure (each brand's resolution
    window and vocabulary; store.resolution.freeze)."""
    platform, author = check_platform(platform), check_author(author)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    result = ForgetResult(reference=_reference(engine, platform, author))
    with engine.begin() as conn:
        found = privacy.find_author(conn, platform, author)
        result.suppressed = privacy.suppress(conn, platform, [author, *found.author_ids, *found.handles], now)
    with engine.begin() as conn:
        result.swept = privacy.erase_everywhere(conn, platform, found.needles, now)
        # before erasing, while the post ids are still stored (a run killed midway is run again)
        post_ids = _post_ids(conn, found.mention_ids)
        named = sorted(found.author_ids | set(post_ids))
        privacy.lock_cursors(conn, platform, forget=True)  # a run writing its cursor now commits first
        result.swept["cursors"] = clean_cursors(conn, platform, named)
        # the posts a stream position names (a run writing its cursor after this moves the person's itself:
        # cursor_to_store); each batch below looks for those only, and most batches for none
        moving = positioned(conn, platform, post_ids)
    ids = found.mention_ids
    for start in range(0, len(ids), batch):
        with engine.begin() as conn:
            # before they are erased; only when a stream position names one of the person's posts (mostly none)
            posts = _post_ids(conn, ids[start : start + batch]) if moving else []
            result.erased += privacy.erase(conn, ids[start : start + batch], "forget", now, brands)
            # after the erase (rows first, then this lock, as a run writing its cursor takes them): a run that wrote
            # its cursor meanwhile commits first, one writing it later sees the erase (cursor_to_store)
            privacy.lock_cursors(conn, platform, forget=True)
            # X's and Mastodon's since-ids naming these posts move to the newest stored post below (move_positions)
            result.swept["cursors"] += move_positions(conn, platform, [p for p in posts if p in moving], named)
            writer.bump_data_version(conn)
        if between_batches is not None:
            between_batches()
    with engine.begin() as conn:
        privacy.bump_versions(conn)
        detail = {"platform": platform, "author_ref": result.reference, "erased": result.erased, **result.swept}
        audit.record(conn, actor=actor, action="forget", detail=json.dumps(detail, sort_keys=True), at=now)
    return result


def _jsonable(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.astype(object).where(frame.notna(), None)
    return [{k: _plain(v) for k, v in row.items()} for row in out.to_dict("records")]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return (stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def author_data(engine: Engine, platform: str, author: str, *, actor: str, now: datetime | None = None) -> dict:
    """What the store holds about an author: their mentions (with queue state), notes that name
    them, and the audit history of their mentions. Audited (the author is named by a hash)."""
    platform, author = check_platform(platform), check_author(author)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    reference = _reference(engine, platform, author)
    m, s = mentions, mention_state
    with engine.connect() as conn:
        found = privacy.find_author(conn, platform, author)
        columns = [c for c in m.columns] + [s.c[c] for c in ("status", "assignee", "note", "first_response_at",
                                                               "responded_by", "updated_at", "updated_by")]  # fmt: skip
        rows = []
        for chunk in privacy.chunks(found.mention_ids):
            rows += [dict(r) for r in conn.execute(
                select(*columns).select_from(m.outerjoin(s, s.c.mention_id == m.c.id)).where(m.c.id.in_(chunk))
            ).mappings()]  # fmt: skip
        own = set(found.mention_ids)
        words = privacy.Needles(words=found.needles.words).pattern()
        notes = [
            {"mention_id": int(r.mention_id), "note": r.note}
            for r in conn.execute(select(s.c.mention_id, s.c.note).where(s.c.note.is_not(None)))
            if int(r.mention_id) not in own and words is not None and words.search(r.note)
        ]
        a = audit_log
        history = []
        for chunk in privacy.chunks(found.mention_ids):
            history += [dict(r) for r in conn.execute(
                select(a.c.id, a.c.at, a.c.actor, a.c.action, a.c.mention_id, a.c.before, a.c.after, a.c.detail)
                .where(a.c.mention_id.in_(chunk)).order_by(a.c.at, a.c.id)
            ).mappings()]  # fmt: skip
        suppressed = privacy.is_suppressed(conn, platform, author)
    data = {
        "platform": platform,
        "author": author,
        "generated_at": now.isoformat(),
        "author_ids": sorted(found.author_ids),
        "handles": sorted(found.handles),
        "names": sorted(found.names),
        "suppressed": suppressed,
        "mentions": _jsonable(pd.DataFrame(rows)) if rows else [],
        "notes_naming_them": notes,
        "queue_history": _jsonable(pd.DataFrame(history)) if history else [],
    }
    with engine.begin() as conn:
        detail = {"platform": platform, "author_ref": reference, "mentions": len(rows), "notes": len(notes)}
        audit.record(conn, actor=actor, action="author_data", detail=json.dumps(detail, sort_keys=True), at=now)
    return data


def write_author_data(data: dict, out: Path) -> None:
    """The JSON file (UTF-8, indented), written whole or not at all."""
    temp = out.with_name(f".{out.name}.part")
    temp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    temp.replace(out)
