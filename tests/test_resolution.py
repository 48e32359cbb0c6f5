"""Resolution after a reply: the outcome rules (analysis.resolution), the follow-up read
(store.resolution) on SQLite and PostgreSQL, and a manager's outcome (store.queue.set_outcome)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select

from analysis import resolution
from analysis.formulas import FORMULAS_VERSION
from config import ConfigError, load_config, parse_config
from pipeline.ingest import ingest
from store import audit, queue
from store import resolution as stored
from store.accounts import Account, Forbidden
from store.reader import Filters
from store.schema import mention_state
from tests.conftest import builtin_demo_config

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
BRANDS = builtin_demo_config().brands  # not load_config(None): at import time the cwd is the project folder
DAYS = resolution.window_days(BRANDS)
AGENT = Account("Ann", "responder")


def post(post_id: str, author: str, text: str, at: datetime, **extra) -> dict:
    row = {
        "platform": "x",
        "post_id": post_id,
        "kind": "post",
        "parent_id": None,
        "thread_id": None,
        "author_handle": author,
        "text": text,
        "lang": "en",
        "created_at": pd.Timestamp(at),
        "brand": "Acme",
        "is_own": False,
    }
    return row | extra


def brand_reply(post_id: str, to: str, at: datetime, thread: str | None = None) -> dict:
    text = "Sorry about that! Please DM us your order number."
    return post(post_id, "acme", text, at, kind="reply", parent_id=to, thread_id=thread or to, is_own=True)


def answer(post_id: str, author: str, text: str, at: datetime, parent: str, thread: str) -> dict:
    return post(post_id, author, text, at, kind="reply", parent_id=parent, thread_id=thread)


def conversation_rows() -> list[dict]:
    """Five complaints the brand answered an hour later, and what their authors said next."""
    rows = []
    stories = [
        ("1", "dana", "Thanks @acme, the replacement arrived and works perfectly!"),  # thanks -> resolved
        ("2", "eli", "@acme still no refund, my order is still missing. Useless"),  # complaint again -> unresolved
        ("3", "fay", None),  # silence -> no follow-up (the window closed)
        ("4", "gus", "@acme ok, sent the DM"),  # neutral -> resolved (a manager says unresolved)
        ("5", "hal", "@acme got it"),  # too late: 8 days after the reply -> no follow-up
    ]
    for n, author, said in stories:
        rows.append(post(n, author, "@acme my order arrived broken, I want a refund", T0 + timedelta(hours=int(n))))
        rows.append(brand_reply(f"r{n}", n, T0 + timedelta(hours=int(n) + 1)))
        if said is None:
            continue
        late = timedelta(days=8) if n == "5" else timedelta(hours=3)
        rows.append(answer(f"f{n}", author, said, T0 + timedelta(hours=int(n) + 1) + late, f"r{n}", n))
    # someone else in the thread, and dana again later: neither is a follow-up of anything else
    rows.append(answer("o1", "ivy", "@acme same here, broken on arrival", T0 + timedelta(hours=6), "1", "1"))
    rows.append(answer("f1b", "dana", "@acme actually it broke again", T0 + timedelta(days=2), "r1", "1"))
    return rows


def judged(conversations: pd.DataFrame, now: datetime) -> pd.DataFrame:
    out = resolution.outcomes(conversations, pd.Timestamp(now), BRANDS)
    return out.set_index("post_id")


# --------------------------------------------------------------------------------------- pure rules


def frames(now_rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answered, candidates) as the store returns them, from rows with a score per text."""
    from analysis import sentiment

    frame = pd.DataFrame(now_rows)
    scored = sentiment.score_frame(frame.assign(lang="en"), list(BRANDS))
    frame["sentiment"] = scored["sentiment"].to_numpy()
    frame["sentiment_label"] = scored["sentiment_label"].to_numpy()
    frame["id"] = range(1, len(frame) + 1)
    by_post = frame.set_index("post_id")
    reply = {r["parent_id"]: r for r in now_rows if r["is_own"]}
    originals = frame[~frame["is_own"] & frame["post_id"].isin(list(reply))].copy()
    answered = pd.DataFrame(
        {
            "mention_id": originals["id"],
            "platform": originals["platform"],
            "post_id": originals["post_id"],
            "thread_id": originals["thread_id"],
            "author_handle": originals["author_handle"],
            "brand": originals["brand"],
            "created_at": originals["created_at"],
            "text": originals["text"],
            "sentiment": originals["sentiment"],
            "first_response_at": [reply[p]["created_at"] for p in originals["post_id"]],
            "response_post_id": [reply[p]["post_id"] for p in originals["post_id"]],
            "responded_by": "acme",
            "outcome_override": None,
        }
    )
    candidates = frame[~frame["is_own"]][list(resolution.CANDIDATE_COLUMNS)]
    assert set(by_post.index) >= set(answered["post_id"])
    return answered.reset_index(drop=True), candidates.reset_index(drop=True)


def test_a_thanks_resolves_a_second_complaint_does_not_and_silence_is_no_follow_up() -> None:
    answered, candidates = frames(conversation_rows())
    out = judged(resolution.follow_ups(answered, candidates, DAYS), T0 + timedelta(days=30))
    assert out.loc["1", "follow_up_post_id"] == "f1"  # the first follow-up, not dana's later one
    assert out["outcome"].to_dict() == {
        "1": "resolved",
        "2": "unresolved",
        "3": "no_follow_up",
        "4": "resolved",
        "5": "no_follow_up",
    }
    assert pd.isna(out.loc["5", "follow_up_at"])  # 8 days is past the default 7-day window
    assert out.loc["1", "sentiment_shift"] > 0.5 and out.loc["2", "sentiment_shift"] < 0.3
    assert pd.isna(out.loc["3", "sentiment_shift"])


def test_silence_is_pending_while_the_window_is_open() -> None:
    answered, candidates = frames(conversation_rows())
    conversations = resolution.follow_ups(answered, candidates, DAYS)
    early = judged(conversations, T0 + timedelta(days=2))
    assert early.loc["3", "outcome"] == "pending" and early.loc["1", "outcome"] == "resolved"
    closed = judged(conversations, T0 + timedelta(hours=4) + timedelta(days=7, seconds=1))
    assert closed.loc["3", "outcome"] == "no_follow_up"
    stats = resolution.resolution_stats(early.reset_index())
    assert stats.loc[0, "pending"] == 2 and stats.loc[0, "answered"] == 5  # 3 and 5 still open
    assert stats.loc[0, "resolution_rate"] == pytest.approx(2 / 3)  # pending left out


def test_a_managers_outcome_wins_and_a_longer_window_counts_a_late_follow_up() -> None:
    answered, candidates = frames(conversation_rows())
    answered.loc[answered["post_id"] == "4", "outcome_override"] = "unresolved"
    longer = {"Acme": 10}
    out = judged(resolution.follow_ups(answered, candidates, longer), T0 + timedelta(days=30))
    assert out.loc["4", "outcome"] == "unresolved" and out.loc["4", "computed_outcome"] == "resolved"
    assert bool(out.loc["4", "overridden"])
    assert out.loc["5", "outcome"] == "resolved"  # 8 days late is inside 10 days
    stats = resolution.resolution_stats(out.reset_index())
    assert stats.iloc[0][["answered", "resolved", "unresolved", "no_follow_up", "pending"]].tolist() == [5, 2, 2, 1, 0]
    assert stats.loc[0, "resolution_rate"] == pytest.approx(0.4)


def test_a_conversation_judged_once_gives_the_outcome_at_every_later_time() -> None:
    """`keep` of a judgement before every window's end, then `as_of(now)`, is `keep` of the judgement
    at `now`: with a silent conversation, a manager's outcome on a silent one and an erased (frozen) one."""
    answered, candidates = frames(conversation_rows())
    answered["outcome_frozen"] = None
    answered["sentiment_shift_frozen"] = np.nan
    answered.loc[answered["post_id"] == "5", "outcome_override"] = "resolved"  # silent, decided by a manager
    answered.loc[answered["post_id"] == "2", ["outcome_frozen", "sentiment_shift_frozen"]] = ["unresolved", -0.4]
    conversations = resolution.follow_ups(answered, candidates, DAYS)
    once = resolution.keep(resolution.outcomes(conversations, resolution.BEFORE_ALL, BRANDS))
    assert list(once.columns) == list(resolution.KEPT_COLUMNS)
    assert set(once["computed_outcome"]) >= {"pending"}
    seen = set()
    for hours in (0, 2, 5, 30, 24 * 7 + 4, 24 * 7 + 5, 24 * 7 + 6, 24 * 60):
        now = pd.Timestamp(T0 + timedelta(hours=hours))
        expected = resolution.keep(resolution.outcomes(conversations, now, BRANDS))
        found = resolution.as_of(once, now)
        pd.testing.assert_frame_equal(found, expected)
        seen |= set(found["outcome"])
    assert seen >= {"pending", "no_follow_up", "resolved", "unresolved"}


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("Thank you so much, all sorted now", "resolved"),
        ("thanks for nothing", "unresolved"),  # ironic thanks is sarcasm
        ("Still waiting for my refund. Ridiculous", "unresolved"),
        ("Can someone help me? It is still stuck on the logo", "unresolved"),
        ("This is awful", "unresolved"),  # negative, no thanks
        ("ok", "resolved"),  # neutral
        ("¡Gracias!", "resolved"),  # not English: unscored, no problem signal
    ],
)
def test_follow_up_rules(said: str, outcome: str) -> None:
    rows = [
        post("1", "dana", "@acme my order arrived broken", T0),
        brand_reply("r1", "1", T0 + timedelta(hours=1)),
        answer("f1", "dana", said, T0 + timedelta(hours=2), "r1", "1"),
    ]
    answered, candidates = frames(rows)
    if said.startswith("¡"):
        candidates.loc[candidates["post_id"] == "f1", ["sentiment", "sentiment_label"]] = [None, "unscored"]
    out = judged(resolution.follow_ups(answered, candidates, DAYS), T0 + timedelta(days=1))
    assert out.loc["1", "outcome"] == outcome


def test_a_follow_up_must_be_the_same_author_platform_and_thread() -> None:
    rows = [
        post("1", "dana", "@acme my order arrived broken", T0),
        brand_reply("r1", "1", T0 + timedelta(hours=1)),
        answer("a", "DANA", "thanks!", T0 + timedelta(hours=2), "zz", "zz"),  # another thread
        post("b", "dana", "thanks!", T0 + timedelta(hours=2), platform="bluesky"),  # another platform
        answer("c", "ivy", "thanks!", T0 + timedelta(hours=2), "r1", "1"),  # another author
        answer("d", "dana", "thanks!", T0 + timedelta(minutes=30), "1", "1"),  # before the reply
    ]
    answered, candidates = frames(rows)
    out = judged(resolution.follow_ups(answered, candidates, DAYS), T0 + timedelta(days=30))
    assert out.loc["1", "outcome"] == "no_follow_up"
    # the same author with another case and an @ still counts, by its thread
    candidates.loc[candidates["post_id"] == "a", ["thread_id", "author_handle"]] = ["1", "@Dana"]
    out = judged(resolution.follow_ups(answered, candidates, DAYS), T0 + timedelta(days=30))
    assert out.loc["1", "follow_up_post_id"] == "a"


def test_empty_frames_give_empty_results() -> None:
    answered, candidates = frames(conversation_rows())
    none = resolution.follow_ups(answered.iloc[0:0], candidates, DAYS)
    assert none.empty and set(resolution.FOLLOW_UP_COLUMNS) <= set(none.columns)
    out = resolution.outcomes(none, pd.Timestamp(T0), BRANDS)
    stats = resolution.resolution_stats(out)
    assert stats.loc[0, "answered"] == 0 and pd.isna(stats.loc[0, "resolution_rate"])
    silent = resolution.outcomes(resolution.follow_ups(answered, candidates.iloc[0:0], DAYS), T0, BRANDS)
    assert set(silent["outcome"]) == {"pending"}


# --------------------------------------------------------------------------------------- config


def test_resolution_days_is_a_validated_brand_setting(tmp_path) -> None:
    assert load_config(None).brand("Acme").resolution_days == 7
    good = parse_config({"brands": [{"name": "Acme", "resolution_days": 14}]}, tmp_path / "monitor.toml")
    assert good.brand("Acme").resolution_days == 14
    for bad in (0, 91, 2.5, "week", True):
        with pytest.raises(ConfigError, match="resolution_days"):
            parse_config({"brands": [{"name": "Acme", "resolution_days": bad}]}, tmp_path / "monitor.toml")


# --------------------------------------------------------------------------------------- the store


@pytest.fixture
def threads(engine: Engine) -> Engine:
    ingest(engine, pd.DataFrame(conversation_rows()), BRANDS)
    return engine


def mention_id(engine: Engine, post_id: str) -> int:
    from store.schema import mentions

    with engine.connect() as conn:
        return int(conn.execute(select(mentions.c.id).where(mentions.c.post_id == post_id)).scalar_one())


def test_the_store_reads_answered_conversations_with_their_follow_ups(threads: Engine) -> None:
    week = Filters(("Acme",), (), T0.date(), (T0 + timedelta(days=6)).date())
    with threads.connect() as conn:
        found = stored.conversations(conn, week, DAYS)
        none = stored.conversations(conn, Filters(("Globex",), (), week.start, week.end), DAYS)
    assert none.empty
    out = judged(found, T0 + timedelta(days=30))
    assert sorted(out.index) == ["1", "2", "3", "4", "5"]  # brand replies and follow-ups are not conversations
    assert out["follow_up_post_id"].to_dict() == {"1": "f1", "2": "f2", "3": None, "4": "f4", "5": None}
    assert out["outcome"].tolist() == ["resolved", "unresolved", "no_follow_up", "resolved", "no_follow_up"]
    assert set(out["responded_by"]) == {"acme"}


def test_a_managers_outcome_is_an_audited_queue_action(threads: Engine) -> None:
    four = mention_id(threads, "4")
    with threads.begin() as conn:
        version = queue.mention_with_state(conn, four)["version"]
        with pytest.raises(Forbidden):
            queue.set_outcome(conn, four, version, "unresolved", Account("Vic", "viewer"))
        with pytest.raises(ValueError, match="unknown outcome"):
            queue.set_outcome(conn, four, version, "pending", AGENT)
        before = queue.queue_version(conn)
        assert queue.set_outcome(conn, four, version, "unresolved", AGENT).ok
        assert queue.queue_version(conn) == before + 1
        stale = queue.set_outcome(conn, four, version, "resolved", Account("Bo", "admin"))
        assert not stale.ok and "Ann" in stale.message
        row = conn.execute(select(mention_state).where(mention_state.c.mention_id == four)).mappings().one()
        trail = audit.history(conn, four)
    assert row["outcome_override"] == "unresolved" and row["outcome_by"] == "Ann" and row["outcome_at"] is not None
    last = trail.iloc[-1]
    assert last["action"] == "set_outcome" and last["actor"] == "Ann" and '"unresolved"' in last["after"]
    with threads.connect() as conn:
        one = stored.conversation_of(conn, four, DAYS)
    assert judged(one, T0 + timedelta(days=30)).loc["4", "outcome"] == "unresolved"
    with threads.begin() as conn:
        assert queue.set_outcome(conn, four, version + 1, None, AGENT).ok  # back to the computed outcome
        one = stored.conversation_of(conn, four, DAYS)
    assert judged(one, T0 + timedelta(days=30)).loc["4", "outcome"] == "resolved"


def test_an_unanswered_mention_has_no_outcome_to_set(threads: Engine) -> None:
    other = mention_id(threads, "o1")
    with threads.begin() as conn:
        result = queue.set_outcome(conn, other, 0, "resolved", AGENT)
        assert not result.ok and "Nobody answered" in result.message
        assert stored.conversation_of(conn, other, DAYS).empty


# --------------------------------------------------------------------------------------- the demo and summary.csv

WEEK = "2026-W46"
SUMMARY = ["answered", "resolved", "unresolved", "no_follow_up", "resolution_rate", "mean_sentiment_shift"]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory):
    from pipeline.seed import seed_demo
    from store.engine import make_engine
    from tests.conftest import FIXED_NOW

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('resolution') / 'monitor.db'}")
    seed_demo(engine, load_config(None), mentions=2500, days=21, end=FIXED_NOW)
    yield engine
    engine.dispose()


def _template_outcomes() -> dict[str, str]:
    """Every follow-up text the demo writes -> the outcome its author meant."""
    from collectors import demo

    meant = {"thanks": "resolved", "neutral": "resolved", "angry": "unresolved"}
    return {
        text.format(handle=handle): meant[group]
        for group, texts in demo.FOLLOW_UPS.items()
        for text in texts
        for handle in demo.HANDLES.values()
    }


def test_the_demo_follow_ups_are_judged_as_their_authors_meant(demo_store: Engine) -> None:
    from pipeline.export import week_frames
    from tests.conftest import FIXED_NOW

    start, end = resolution_week()
    with demo_store.connect() as conn:
        found = stored.conversations_between(conn, start, end, DAYS, ["Acme"])
    out = resolution.outcomes(found, pd.Timestamp(FIXED_NOW + timedelta(days=7)), BRANDS)
    said = out[out["follow_up_at"].notna()]
    assert len(said) > 20 and len(said) < len(out) / 2  # some thank, some are still angry, most stay silent
    assert said["outcome"].tolist() == said["follow_up_text"].map(_template_outcomes()).tolist()
    assert set(out.loc[out["follow_up_at"].isna(), "outcome"]) == {"no_follow_up"}
    # the weekly summary holds the same counts, per day, platform and brand
    _, summary, notes = week_frames(demo_store, load_config(None), WEEK, now=FIXED_NOW + timedelta(days=7))
    assert list(summary.columns[-6:]) == SUMMARY
    totals = summary[SUMMARY[:4]].sum()
    assert totals.tolist() == [
        len(out),
        (out["outcome"] == "resolved").sum(),
        (out["outcome"] == "unresolved").sum(),
        (out["outcome"] == "no_follow_up").sum(),
    ]
    assert "resolution_rate: resolved / (resolved + unresolved + no follow-up)" in notes
    assert f"Formulas (version {FORMULAS_VERSION})" in notes


def resolution_week() -> tuple[datetime, datetime]:
    from analysis.reports import parse_week

    _, start, end = parse_week(WEEK)
    return start, end


def test_summary_csv_resolution_columns_on_the_demo(demo_store: Engine) -> None:
    """The pinned figures of the demo's week 2026-W46 (2,500 mentions over 21 days, seed 7)."""
    from pipeline.export import week_frames
    from tests.conftest import FIXED_NOW

    config = load_config(None)
    _, later, _ = week_frames(demo_store, config, WEEK, now=FIXED_NOW + timedelta(days=7))
    assert later[SUMMARY[:4]].sum().tolist() == [96, 15, 9, 72]  # every window closed
    _, early, _ = week_frames(demo_store, config, WEEK, now=FIXED_NOW)
    assert early[SUMMARY[:4]].sum().tolist() == [96, 15, 9, 28]  # 44 still pending at FIXED_NOW
    row = later[(later["day"].astype(str) == "2026-11-09") & (later["platform"] == "reddit")].iloc[0]
    assert row[SUMMARY].tolist() == [7, 2, 0, 5, 0.2857, 0.6724]
    quiet = later[(later["day"].astype(str) == "2026-11-09") & (later["platform"] == "mastodon")].iloc[0]
    assert quiet[SUMMARY[:5]].tolist() == [1, 0, 0, 1, 0.0] and pd.isna(quiet["mean_sentiment_shift"])
    others = later[later["brand"] != "Acme"]
    assert (others["answered"] == 0).all() and others["resolution_rate"].isna().all()
    rate = later["resolved"].sum() / (later[["resolved", "unresolved", "no_follow_up"]].sum().sum())
    assert rate == pytest.approx(15 / 96)


def test_an_erased_conversation_keeps_its_outcome_and_shift(threads: Engine) -> None:
    from store import privacy

    week = Filters(("Acme",), (), T0.date(), (T0 + timedelta(days=6)).date())
    with threads.connect() as conn:
        before = judged(stored.conversations(conn, week, DAYS), T0 + timedelta(days=30))
    with threads.begin() as conn:  # dana is forgotten (her mention and follow-ups); eli's follow-up is deleted
        ids = [mention_id(threads, p) for p in ("1", "f1", "f1b")]
        assert privacy.erase(conn, ids, "forget", T0 + timedelta(days=30)) == 3
        assert privacy.erase(conn, [mention_id(threads, "f2")], "deleted", T0 + timedelta(days=30)) == 1
    with threads.connect() as conn:
        found = stored.conversations(conn, week, DAYS)
    after = resolution.outcomes(found, pd.Timestamp(T0 + timedelta(days=30)), BRANDS)
    assert sorted(after["outcome"].tolist()) == sorted(before["outcome"].tolist())
    assert after["follow_up_text"].isna().sum() == 4  # nothing of the erased posts is read back
    kept = after.set_index("mention_id").loc[[mention_id(threads, "2")]]
    assert kept["outcome"].iloc[0] == "unresolved"
    assert kept["sentiment_shift"].iloc[0] == pytest.approx(before.loc["2", "sentiment_shift"])
