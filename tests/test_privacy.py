"""Privacy: retention keeps every count, forget leaves no trace of the person, a forgotten author is
not stored again, a post deleted at the source closes its queue item, and a run stopped midway
is finished by running it again. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, String, Text, select, text
from sqlalchemy.exc import DBAPIError

from analysis.reports import default_week
from config import Config, load_config
from pipeline import export, privacy, retention
from pipeline.ingest import ingest
from pipeline.runner import apply_deletions
from pipeline.seed import seed_demo
from store import alerts, audit, queue, reader
from store import privacy as store_privacy
from store.accounts import Account
from store.schema import audit_log, mention_privacy, mention_state, mentions, metadata, suppressed_authors
from tests import test_app_support as support
from tests.conftest import FIXED_NOW

seeded_db = support.seeded_db
store = support.store

NOW = FIXED_NOW + timedelta(hours=1)
ANN = Account("Ann", "responder")
HANDLE = "zq-forget-me.bsky.social"
NAME = "Zelda Quux"
DID = "did:plc:zq123forgetme"
THEIR_TEXTS = [
    "Acme lost my order again and support is not answering, terrible service",
    "Still waiting on Acme for a refund, this is the third week now",
]


def config_with(retain_days: int | None = None, pseudonymise: bool = False) -> Config:
    config = load_config(None)
    brands = config.brands
    if retain_days is not None:
        brands = tuple(dataclasses.replace(b, retain_days=retain_days) for b in config.brands)
    reports = config.reports.model_copy(update={"pseudonymise_authors": pseudonymise})
    return dataclasses.replace(config, brands=brands, reports=reports)


def post(post_id: str, text_: str, when: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "platform": "bluesky",
        "post_id": post_id,
        "url": f"https://bsky.app/profile/someone/post/{post_id[-6:]}",
        "kind": "post",
        "text": text_,
        "created_at": when,
        "brand": "Acme",
        "matched": "acme",
        "author_followers": 120,
        "likes": 3,
        "replies": 1,
        "reposts": 0,
        "is_own": False,
        "source": "test",
        **extra,
    }


def theirs(n: int, when: datetime) -> dict[str, Any]:
    uri = f"at://{DID}/app.bsky.feed.post/{n:06d}"
    return post(uri, THEIR_TEXTS[n % 2], when, author_id=DID, author_handle=HANDLE, author_name=NAME,
                url=f"https://bsky.app/profile/{HANDLE}/post/{n:06d}", thread_id=uri)  # fmt: skip


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, load_config(None), mentions=500, days=20, end=FIXED_NOW)
    return engine


def with_person(engine: Engine) -> dict[str, int]:
    """The person's two posts, a stranger's reply naming them, the brand's reply, notes and an alert."""
    first, second = FIXED_NOW - timedelta(days=2), FIXED_NOW - timedelta(days=1)
    root = f"at://{DID}/app.bsky.feed.post/000000"
    rows = [
        theirs(0, first),
        theirs(1, second),
        post(
            "at://did:plc:stranger/app.bsky.feed.post/1",
            f"@{HANDLE} same here, Acme never answers me either",
            first + timedelta(hours=1),
            author_id="did:plc:stranger",
            author_handle="stranger.bsky.social",
            parent_id=root,
            thread_id=root,
            kind="reply",
        ),  # fmt: skip
        post(
            "at://did:plc:acme/app.bsky.feed.post/9",
            f"@{HANDLE} sorry to hear that, please DM us your order",
            first + timedelta(hours=2),
            author_id="did:plc:acme",
            author_handle="acme.bsky.social",
            parent_id=root,
            thread_id=root,
            kind="reply",
            is_own=True,
        ),  # fmt: skip
    ]
    config = load_config(None)
    ingest(engine, pd.DataFrame(rows), config.brands)
    with engine.begin() as conn:
        ids = dict(
            conn.execute(select(mentions.c.post_id, mentions.c.id).where(mentions.c.platform == "bluesky")).all()
        )
        mine = ids[f"at://{DID}/app.bsky.feed.post/000001"]
        other = ids["at://did:plc:stranger/app.bsky.feed.post/1"]
        note = f"{NAME} ({HANDLE}) phoned about this: '{THEIR_TEXTS[1]}'"
        assert queue.add_note(conn, mine, 0, note, ANN).ok
        assert queue.add_note(conn, other, 0, f"escalated, same issue as @{HANDLE}", ANN).ok
        line = f'bluesky @{HANDLE} (120 followers): "{THEIR_TEXTS[0]}"'
        alerts.record(conn, rule="r", brand="Acme", kind="sla_breach", fired_at=FIXED_NOW,
                      keys=[("m1", None, {"text": line, "links": [f"https://bsky.app/profile/{HANDLE}/post/000000"]})],
                      message={"title": "[Acme] SLA breach", "body": line}, channels=["TEAM"])  # fmt: skip
    return {"mine": mine, "other": other}


# ---------------------------------------------------------------------------------------------- helpers


def figures(engine: Engine, config: Config) -> dict[str, Any]:
    """Every count the Overview reads (store.reader) and each week's summary.csv."""
    filters = reader.Filters(tuple(b.name for b in config.brands), (), FIXED_NOW.date() - timedelta(days=40),
                             FIXED_NOW.date())  # fmt: skip
    sla = {b.name: b.sla_hours for b in config.brands}
    with engine.connect() as conn:
        out: dict[str, Any] = {
            "rollups": reader.rollups(conn, filters, include_own=True)
            .sort_values(["hour", "brand", "platform", "kind", "is_own"])
            .reset_index(drop=True),  # fmt: skip
            "hourly": reader.hourly_totals(conn, filters),
            "open_flagged": reader.open_flagged_count(conn, filters),
            "response": reader.response_times(conn, filters, sla)
            .sort_values(["created_at", "first_response_at"])
            .reset_index(drop=True),  # fmt: skip
            "platforms": reader.platforms_stored(conn),
            "weeks": reader.iso_weeks(conn),
            "bounds": reader.date_bounds(conn),
        }
    for week in out["weeks"]:
        out[f"summary {week}"] = export.csv_bytes(export.week_frames(engine, config, week, now=NOW)[1])
    return out


def assert_same(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert before.keys() == after.keys()
    for key, value in before.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, after[key], obj=key)
        else:
            assert value == after[key], key


def every_text(engine: Engine) -> list[tuple[str, str, str]]:
    """(table, column, value) of every text cell in every table."""
    found = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            for row in conn.execute(select(*columns)):
                found += [(table.name, c.name, v) for c, v in zip(columns, row, strict=True) if isinstance(v, str)]
    return found


def traces(engine: Engine, needles: list[str]) -> list[tuple[str, str, str]]:
    wanted = [n.casefold() for n in needles]
    return [cell for cell in every_text(engine) if any(n in cell[2].casefold() for n in wanted)]


def erased_consistently(engine: Engine) -> None:
    """A mention is erased exactly when it has a privacy row, and then holds nothing personal."""
    m, p = mentions, mention_privacy
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.c.id, m.c.text, m.c.author_handle, m.c.author_id, m.c.url, m.c.post_id, p.c.reason)
            .select_from(m.outerjoin(p, p.c.mention_id == m.c.id))
        ).all()  # fmt: skip
    for row in rows:
        erased = row.reason is not None
        assert erased == (row.text == "" and row.author_handle is None and row.author_id is None), row
        assert erased == row.post_id.startswith("erased:"), row
        if erased:
            assert row.url is None


# ---------------------------------------------------------------------------------------------- retention


def test_retention_keeps_every_count_on_the_overview_and_in_the_weekly_summary(seeded: Engine) -> None:
    config = config_with(retain_days=10)
    before = figures(seeded, config)
    dry = retention.apply_retention(seeded, config, NOW, dry_run=True)
    assert dry.erased > 0 and all(line.startswith(b.name) for line, b in zip(dry.lines(), config.brands, strict=True))
    done = retention.apply_retention(seeded, config, NOW, actor="cli:test", batch=97)
    assert done.erased == dry.erased
    assert_same(before, figures(seeded, config))
    erased_consistently(seeded)
    cutoff = NOW - timedelta(days=10)
    with seeded.connect() as conn:
        left = conn.execute(
            select(mentions.c.id).where(mentions.c.created_at < cutoff, mentions.c.text != "")
        ).all()  # fmt: skip
        kept = conn.execute(select(mentions.c.id).where(mentions.c.created_at >= cutoff, mentions.c.text == "")).all()
        trail = audit.query(conn, actor="cli:test")
    assert left == [] and kept == []
    assert list(trail["action"]) == ["retention"] and json.loads(trail["detail"][0])["Acme"]["erased"] > 0
    again = retention.apply_retention(seeded, config, NOW)
    assert again.erased == 0  # idempotent


def test_no_retain_days_keeps_everything(seeded: Engine) -> None:
    result = retention.apply_retention(seeded, config_with(None), NOW)
    assert result.erased == 0 and "every mention is kept" in result.lines()[0]


def test_retention_stopped_midway_finishes_when_run_again(seeded: Engine) -> None:
    config = config_with(retain_days=10)
    before = figures(seeded, config)
    calls = Counter[str]()

    def stop() -> None:
        calls["batches"] += 1
        if calls["batches"] == 2:
            raise KeyboardInterrupt  # the process is stopped between two batches

    with pytest.raises(KeyboardInterrupt):
        retention.apply_retention(seeded, config, NOW, batch=50, between_batches=stop)
    erased_consistently(seeded)
    with seeded.connect() as conn:
        assert sum(store_privacy.erasure_counts(conn).values()) == 100
    retention.apply_retention(seeded, config, NOW, batch=50)
    erased_consistently(seeded)
    assert_same(before, figures(seeded, config))
    with seeded.connect() as conn:
        assert store_privacy.expired_count(conn, "Acme", NOW - timedelta(days=10)) == 0


# ---------------------------------------------------------------------------------------------- forget


def test_forget_leaves_no_trace_and_keeps_the_counts_and_the_teams_work(seeded: Engine) -> None:
    ids = with_person(seeded)
    config = config_with()
    before = figures(seeded, config)
    needles = [HANDLE, NAME, DID, *THEIR_TEXTS, f"bsky.app/profile/{HANDLE}"]
    assert len(traces(seeded, needles)) >= 8
    assert privacy.count_author(seeded, "bluesky", "@ZQ-Forget-Me.bsky.social") == 2
    result = privacy.forget(seeded, "bluesky", f"@{HANDLE.upper()}", actor="cli:test", now=NOW)
    assert result.erased == 2
    assert traces(seeded, needles) == []
    assert_same(before, figures(seeded, config))
    erased_consistently(seeded)
    with seeded.connect() as conn:
        other = queue.mention_with_state(conn, ids["other"])
        mine = queue.mention_with_state(conn, ids["mine"])
        trail = audit.query(conn, actor="cli:test")
        suppressed = conn.execute(select(suppressed_authors)).all()
    assert other is not None and other["note"].endswith("escalated, same issue as [erased]")
    assert other["text"] == "[erased] same here, Acme never answers me either"
    assert mine is not None and mine["status"] == "new" and mine["note"].count("[erased]") >= 2
    assert list(trail["action"]) == ["forget"] and json.loads(trail["detail"][0])["erased"] == 2
    assert len(suppressed) == 2  # the handle and the id, as hashes
    week = default_week(FIXED_NOW + timedelta(days=7))
    frame = export.week_frames(seeded, config, week, now=NOW)[0]
    shown = export.csv_bytes(frame).decode("utf-8-sig").casefold()
    assert not any(n.casefold() in shown for n in needles)
    assert privacy.forget(seeded, "bluesky", HANDLE, actor="cli:test", now=NOW).erased == 0  # nothing left


def test_a_forgotten_author_is_not_stored_again(seeded: Engine) -> None:
    with_person(seeded)
    privacy.forget(seeded, "bluesky", HANDLE, actor="cli:test", now=NOW)
    config = load_config(None)
    renamed = theirs(7, FIXED_NOW) | {"author_handle": "new-name.bsky.social"}  # same id, new handle
    by_handle = theirs(8, FIXED_NOW) | {"author_id": "did:plc:other", "post_id": "at://did:plc:other/x/8"}
    stranger = post("at://did:plc:someone/app.bsky.feed.post/5", "Acme is fine by me", FIXED_NOW,
                    author_id="did:plc:someone", author_handle="someone.bsky.social")  # fmt: skip
    skipped: Counter[str] = Counter()
    stored = ingest(seeded, pd.DataFrame([renamed, by_handle, stranger]), config.brands, skipped=skipped)
    assert stored.new == 1 and skipped["author asked to be forgotten"] == 2
    again: Counter[str] = Counter()
    assert (
        ingest(seeded, pd.DataFrame([theirs(0, FIXED_NOW - timedelta(days=2))]), config.brands, skipped=again).new == 0
    )
    assert again["author asked to be forgotten"] == 1
    assert traces(seeded, [HANDLE, DID, "new-name.bsky.social"]) == []


def test_forget_stopped_midway_finishes_when_run_again(seeded: Engine) -> None:
    with_person(seeded)
    config = config_with()
    before = figures(seeded, config)

    def stop() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        privacy.forget(seeded, "bluesky", HANDLE, actor="cli:test", now=NOW, batch=1, between_batches=stop)
    erased_consistently(seeded)
    with seeded.connect() as conn:
        assert store_privacy.erasure_counts(conn) == {"forget": 1}
    assert privacy.forget(seeded, "bluesky", HANDLE, actor="cli:test", now=NOW, batch=1).erased == 1
    erased_consistently(seeded)
    assert traces(seeded, [HANDLE, NAME, DID, *THEIR_TEXTS]) == []
    assert_same(before, figures(seeded, config))


def test_author_data_holds_their_mentions_notes_and_queue_history(seeded: Engine, tmp_path) -> None:
    ids = with_person(seeded)
    data = privacy.author_data(seeded, "bluesky", HANDLE, actor="cli:test", now=NOW)
    assert sorted(m["text"] for m in data["mentions"]) == sorted(THEIR_TEXTS)
    assert [n["mention_id"] for n in data["notes_naming_them"]] == [ids["other"]]
    assert [h["action"] for h in data["queue_history"]] == ["note"]
    out = tmp_path / "subject.json"
    privacy.write_author_data(data, out)
    assert json.loads(out.read_text())["names"] == [NAME]
    with seeded.connect() as conn:
        trail = audit.query(conn, actor="cli:test")
    assert list(trail["action"]) == ["author_data"] and HANDLE not in trail["detail"][0]


def test_bad_platform_or_author_is_one_message(seeded: Engine) -> None:
    with pytest.raises(ValueError, match="unknown platform 'myspace'"):
        privacy.count_author(seeded, "myspace", HANDLE)
    with pytest.raises(ValueError, match="--author is empty"):
        privacy.forget(seeded, "bluesky", " @ ", actor="cli:test")


# ---------------------------------------------------------------------------------------------- deletions


def test_a_post_deleted_at_the_source_closes_its_queue_item(seeded: Engine) -> None:
    with seeded.connect() as conn:
        page = queue.queue_page(conn, queue.QueueFilters(brands=("Acme",)), now=NOW, sla_hours={"Acme": 4.0}, limit=2)
        open_ids = [int(i) for i in page["id"]]
        rows = conn.execute(select(mentions.c.id, mentions.c.platform, mentions.c.post_id).where(mentions.c.id.in_(open_ids))).all()  # fmt: skip
    with seeded.begin() as conn:  # one of them has a state row already (assigned)
        assert queue.assign(conn, open_ids[1], 0, "Ann", ANN).ok
    for row in rows:
        assert apply_deletions(seeded, row.platform, [row.post_id, "never-stored"]) == 1
        assert apply_deletions(seeded, row.platform, [row.post_id]) == 0  # idempotent
    with seeded.connect() as conn:
        for mention_id in open_ids:
            state = queue.mention_with_state(conn, mention_id)
            assert state is not None and state["status"] == "dismissed" and state["updated_by"] == "system"
            assert state["text"] == "" and state["author_handle"] is None
            history = audit.history(conn, mention_id)
            assert list(history["actor"])[-1] == "system" and list(history["detail"])[-1] == "deleted at source"
            marked = conn.execute(select(mention_privacy).where(mention_privacy.c.mention_id == mention_id)).one()
            assert marked.reason == "deleted" and marked.deleted_at is not None
        remaining = queue.queue_page(conn, queue.QueueFilters(brands=("Acme",)), now=NOW, sla_hours={"Acme": 4.0}, limit=50)  # fmt: skip
    assert not set(open_ids) & set(remaining["id"])


def test_a_deletion_reaches_a_mention_erased_by_retention(seeded: Engine) -> None:
    with seeded.connect() as conn:  # the collector knows the platform's id, the store only its hash
        row = conn.execute(select(mentions.c.id, mentions.c.platform, mentions.c.post_id)
                           .where(mentions.c.created_at < NOW - timedelta(days=15)).limit(1)).one()  # fmt: skip
    retention.apply_retention(seeded, config_with(retain_days=10), NOW)
    with seeded.begin() as conn:
        result = store_privacy.mark_deleted(conn, row.platform, [row.post_id], NOW)
    assert result.found == 1 and result.erased == 0
    with seeded.connect() as conn:
        marked = conn.execute(select(mention_privacy).where(mention_privacy.c.mention_id == row.id)).one()
    assert marked.reason == "retention" and marked.deleted_at is not None


def test_reddit_deleted_and_removed_items_are_reported(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The recorded listing with [deleted] and [removed] items: their ids come back as `deleted`."""
    from tests import test_reddit_collect as recorded

    recorded.reddit_env.__wrapped__(monkeypatch, tmp_path)  # the same environment as the Reddit tests
    config = recorded.make_config(subreddits=["acme"])
    with recorded.reddit_cassette(recorded.own_reddit("half_broken")):
        result = recorded.build(config).collect(None)
    assert result.skipped["deleted or removed"] == 3
    assert len(result.deleted) == 3 and all(name.startswith(("t1_", "t3_")) for name in result.deleted)
    assert not set(result.deleted) & set(result.frame["post_id"])


# ---------------------------------------------------------------------------------------------- reports, trail


def test_pseudonymised_reports_name_nobody_and_keep_one_pseudonym_per_author(seeded: Engine) -> None:
    with_person(seeded)
    week = default_week(FIXED_NOW + timedelta(days=7))
    plain = export.week_frames(seeded, config_with(), week, now=NOW)[0]
    hidden = export.week_frames(seeded, config_with(pseudonymise=True), week, now=NOW)[0]
    assert hidden["author_handle"].dropna().str.fullmatch(r"author-[0-9a-f]{10}").all()
    pairs = pd.DataFrame(
        {"platform": plain["platform"], "plain": plain["author_handle"], "hidden": hidden["author_handle"]}
    ).dropna()
    assert (pairs.groupby(["platform", "plain"])["hidden"].nunique() == 1).all()  # an author is (platform, handle)
    assert (pairs.groupby("hidden")["plain"].nunique() == 1).all()
    assert HANDLE not in export.csv_bytes(hidden).decode("utf-8-sig")
    again = export.week_frames(seeded, config_with(pseudonymise=True), week, now=NOW)[0]
    pd.testing.assert_series_equal(hidden["author_handle"], again["author_handle"])


def test_the_audit_trail_allows_a_redaction_only(engine: Engine) -> None:
    with engine.begin() as conn:
        audit.record(conn, actor="ann", action="note", detail=f"about {HANDLE}")
    refused = (
        "UPDATE audit_log SET actor = 'someone else', redacted_at = at",
        "UPDATE audit_log SET detail = 'x'",
        "DELETE FROM audit_log",
    )
    for statement in refused:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = 'about [erased]', redacted_at = at"))
        row = conn.execute(select(audit_log.c.actor, audit_log.c.detail, audit_log.c.redacted_at)).one()
    assert row.actor == "ann" and row.detail == "about [erased]" and row.redacted_at is not None


def test_mention_state_of_others_is_untouched_by_forget(seeded: Engine) -> None:
    with_person(seeded)
    with seeded.connect() as conn:
        before = pd.DataFrame(conn.execute(select(mention_state).order_by(mention_state.c.mention_id)).all())
    privacy.forget(seeded, "bluesky", HANDLE, actor="cli:test", now=NOW)
    with seeded.connect() as conn:
        after = pd.DataFrame(conn.execute(select(mention_state).order_by(mention_state.c.mention_id)).all())
    changed = before.compare(after)
    assert set(changed.columns.get_level_values(0)) <= {"note"} and len(changed) == 2  # the two notes naming them


# ---------------------------------------------------------------------------------------------- pages, command line


def test_pages_show_nothing_of_a_forgotten_author(store: Any) -> None:
    """The Reply queue (its first item's author) and the Engagement page (top authors) after forget."""
    from tests.test_app_support import open_app, texts

    at = open_app("queue")
    mention_id = int(at.selectbox(key="queue_pick").value)
    with store.engine.connect() as conn:
        row = conn.execute(select(mentions.c.platform, mentions.c.author_handle).where(mentions.c.id == mention_id)).one()  # fmt: skip
    assert row.author_handle in texts(at)
    privacy.forget(store.engine, row.platform, row.author_handle, actor="cli:test")
    for page in ("queue", "engagement"):
        shown = open_app(page)
        assert not shown.exception, [e.value for e in shown.exception]
        assert row.author_handle.casefold() not in texts(shown).casefold(), page


def test_forget_asks_first_and_author_data_writes_json(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import subprocess
    import sys

    from store.engine import make_engine

    root = Path(__file__).resolve().parents[1]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    with_person(engine)
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_CONFIG"} | {
        "DATABASE_URL": url,
        "PYTHONPATH": str(root),
    }

    def cli(*args: str, answer: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(root / "cli.py"), *args], input=answer, capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=300)  # fmt: skip

    asked = cli("forget", "--platform", "bluesky", "--author", HANDLE, answer="n\n")
    assert asked.returncode == 1 and "2 stored mention(s)" in asked.stdout and "nothing changed" in asked.stdout
    out = tmp_path / "subject.json"
    exported = cli("author-data", "--platform", "bluesky", "--author", HANDLE, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(out.read_text())["mentions"]) == 2
    bad = cli("forget", "--platform", "myspace", "--author", HANDLE, "--yes")
    assert bad.returncode == 2 and "unknown platform" in bad.stderr and "Traceback" not in bad.stderr
    done = cli("forget", "--platform", "bluesky", "--author", HANDLE, answer="y\n")
    assert done.returncode == 0 and "erased 2 mention(s)" in done.stdout
    dry = cli("retention", "--dry-run")
    assert dry.returncode == 0 and "every mention is kept" in dry.stdout


def test_forget_scrubs_a_dismissal_that_names_them(seeded: Engine) -> None:
    """A dismissal's own words (mention_state.dismiss_note) are the team's free text too: scrubbed like notes."""
    ids = with_person(seeded)
    with seeded.begin() as conn:
        state = queue.mention_with_state(conn, ids["other"])
        assert state is not None
        done = queue.dismiss(conn, ids["other"], state["version"], "other", ANN, note=f"duplicate of @{HANDLE}'s post")
        assert done.ok, done.message
    privacy.forget(seeded, "bluesky", HANDLE, actor="cli:test", now=NOW)
    assert traces(seeded, [HANDLE]) == []
    with seeded.connect() as conn:
        other = queue.mention_with_state(conn, ids["other"])
    assert (
        other is not None and other["status"] == "dismissed" and other["dismiss_note"] == "duplicate of [erased]'s post"
    )
