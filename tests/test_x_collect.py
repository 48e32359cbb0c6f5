"""The X collector on our own recordings (full v2 payloads, errors, broken pages) and through the runner."""

from __future__ import annotations

import json
import logging
from typing import Any

import pandas as pd
import pytest
import requests
from sqlalchemy import Engine, select

from collectors import x
from collectors._http import TimeoutSession
from collectors.base import FatalError, RetriableError
from config import Config, Source, parse_config
from pipeline.runner import MAX_RETRIES, run_source
from store.schema import mention_state, mentions
from tests.test_collect_vcr import X_ENV, SentRequest, own_x, record_sent, x_cassette

CLOCK = 1_741_780_800.0  # 2025-03-12 12:00 UTC, the recordings' "now"
IDS = {
    "T1": "1899747188536246272",
    "T2": "1899748446827446272",
    "T3": "1899749705118646272",
    "T4": "1899739638789046272",
    "T5": "1899737122206646272",
    "T6": "1899762288030646272",
    "M1": "1899754738283446272",
    "RT": "1899757254865846272",
    "R1": "1899760274764726272",
    "O1": "1899716989547446272",
}


def make_config(*sources: dict[str, Any]) -> Config:
    return parse_config(
        {
            "brands": [
                {
                    "name": "Acme",
                    "keywords": ["acme"],
                    "competitors": ["Globex"],
                    "handles": {"x": "acme", "reddit": "acme_support"},
                },
                {"name": "Globex", "keywords": ["globex"]},
            ],
            "sources": list(sources),
        },
        None,
    )


def x_source(**extra: Any) -> dict[str, Any]:
    return {"name": "x-acme", "platform": "x", "brand": "Acme", "every": "15m", "query": "acme", **extra}


def collector(config: Config, name: str = "x-acme", clock: float = CLOCK) -> x.XCollector:
    return x.from_source(config.source(name), config, clock=lambda: clock)


def cursor_of(result: Any) -> dict[str, Any]:
    return json.loads(result.cursor)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[SentRequest]:
    return record_sent(monkeypatch)


@pytest.fixture(autouse=True)
def x_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name, value in X_ENV.items():
        monkeypatch.setenv(name, value)


def test_search_maps_full_payloads_across_pages(sent: list[SentRequest]) -> None:
    config = make_config(x_source())
    with x_cassette(own_x("search_two_pages")):
        result = collector(config).collect(None)
    frame = result.frame.set_index("post_id")
    assert list(frame.index) == [IDS["T3"], IDS["T2"], IDS["T1"], IDS["T4"], IDS["T5"]]
    first = sent[0].query
    assert first["query"] == "(acme) -is:retweet"
    assert set(first["tweet.fields"].split(",")) == set(x.TWEET_FIELDS)
    assert first["expansions"] == "author_id" and first["user.fields"] == "public_metrics"
    assert sent[1].query["next_token"] == "b26v89c19zqg8o3fpzbkk3nbmwpzbdmp8bpt6ezp2o7i5"

    reply, quote, post = frame.loc[IDS["T2"]], frame.loc[IDS["T3"]], frame.loc[IDS["T1"]]
    assert (reply["kind"], reply["parent_id"], reply["thread_id"]) == (
        "reply",
        "1899744671953846272",
        "1899744671953846272",
    )
    assert (quote["kind"], quote["parent_id"]) == ("quote", IDS["T1"])
    assert (post["kind"], pd.isna(post["parent_id"]), post["thread_id"]) == ("post", True, IDS["T1"])
    assert post["url"] == f"https://x.com/alice_w/status/{IDS['T1']}"
    assert (post["author_handle"], post["author_name"], post["author_followers"]) == ("alice_w", "Alice W", 321)
    assert (post["likes"], post["replies"], post["reposts"], post["quotes"], post["views"]) == (4, 2, 1, 0, 812)
    assert post["created_at"] == pd.Timestamp("2025-03-12 09:00", tz="UTC")
    assert frame.loc[IDS["T4"], "lang"] == "es"
    assert not frame["is_own"].any()
    assert set(frame["matched"]) == {"acme"} and set(frame["brand"]) == {"Acme"} and set(frame["source"]) == {"x-acme"}
    assert cursor_of(result) == {"search": {"since": IDS["T3"]}}
    assert str(frame["created_at"].dtype) == "datetime64[ns, UTC]" and str(frame["likes"].dtype) == "Int64"


def test_next_run_asks_only_for_newer_posts(sent: list[SentRequest]) -> None:
    config = make_config(x_source())
    with x_cassette(own_x("search_two_pages")):
        first = collector(config).collect(None)
    with x_cassette(own_x("search_since")):
        second = collector(config).collect(first.cursor)
    assert sent[2].query["since_id"] == IDS["T3"]
    assert list(second.frame["post_id"]) == [IDS["T6"]]
    assert cursor_of(second) == {"search": {"since": IDS["T6"]}}


def test_nothing_new_keeps_the_cursor() -> None:
    config = make_config(x_source())
    with x_cassette(own_x("search_empty")):
        result = collector(config).collect(json.dumps({"search": {"since": IDS["T3"]}}))
    assert result.frame.empty and cursor_of(result) == {"search": {"since": IDS["T3"]}}


def test_page_cap_keeps_a_gap_that_the_next_run_fills(sent: list[SentRequest]) -> None:
    config = make_config(x_source(max_pages=1))
    with x_cassette(own_x("search_two_pages")):
        first = collector(config).collect(None)
        assert len(sent) == 1  # the hard cap: one page
        assert cursor_of(first) == {"search": {"resume": IDS["T1"], "newest": IDS["T3"]}}
        second = collector(config).collect(first.cursor)
    query = sent[1].query
    assert query["until_id"] == IDS["T1"] and "since_id" not in query and "next_token" not in query
    assert list(second.frame["post_id"]) == [IDS["T4"], IDS["T5"]]
    assert cursor_of(second) == {"search": {"since": IDS["T3"]}}


def test_a_legacy_bare_since_id_cursor_is_understood(sent: list[SentRequest]) -> None:
    config = make_config(x_source())
    with x_cassette(own_x("search_empty")):
        collector(config).collect(IDS["T1"])
    assert sent[0].query["since_id"] == IDS["T1"]


def test_a_since_id_older_than_recent_search_allows_is_dropped(sent: list[SentRequest]) -> None:
    config = make_config(x_source())
    with x_cassette(own_x("search_empty")):
        collector(config, clock=CLOCK + 8 * 86_400).collect(json.dumps({"search": {"since": IDS["T3"]}}))
    assert "since_id" not in sent[0].query


def test_brand_account_mentions_and_own_posts(sent: list[SentRequest]) -> None:
    config = make_config(x_source(name="x-account", query=None, thread_comments=False))
    with x_cassette(own_x("account")):
        result = collector(config, "x-account").collect(None)
    paths = [r.path for r in sent]
    assert paths == [
        "/2/users/by/username/acme",
        "/2/users/1365000000000000001/mentions",
        "/2/users/1365000000000000001/tweets",
    ]
    assert sent[2].query["exclude"] == "retweets"
    frame = result.frame.set_index("post_id")
    assert list(frame.index) == [IDS["M1"], IDS["R1"], IDS["O1"]]
    assert result.skipped == {"repost": 1}
    reply = frame.loc[IDS["R1"]]
    assert (reply["is_own"], reply["kind"], reply["parent_id"], reply["author_handle"]) == (
        True,
        "reply",
        IDS["M1"],
        "acme",
    )
    assert reply["author_followers"] == 250_000 and reply["matched"] == "from:acme"
    assert not frame.loc[IDS["M1"], "is_own"] and frame.loc[IDS["M1"], "matched"] == "@acme"
    assert cursor_of(result) == {"mentions": {"since": IDS["RT"]}, "own": {"since": IDS["R1"]}}


def test_brand_reply_collected_marks_the_mention_answered(sqlite_engine: Engine) -> None:
    config = make_config(x_source(name="x-account", query=None, thread_comments=False))
    source = config.source("x-account")
    with x_cassette(own_x("account")):
        summary = run_source(
            sqlite_engine, config, source, sleep=lambda s: None, collector=collector(config, "x-account")
        )
    assert summary.status == "ok" and summary.new == 3 and summary.skipped == 1
    with sqlite_engine.connect() as conn:
        row = conn.execute(
            select(mention_state.c.status, mention_state.c.first_response_at, mention_state.c.response_post_id)
            .join(mentions, mentions.c.id == mention_state.c.mention_id)
            .where(mentions.c.post_id == IDS["M1"])
        ).one()
    assert row.status == "replied" and row.response_post_id == IDS["R1"]
    assert pd.Timestamp(row.first_response_at).tz_localize(None) == pd.Timestamp("2025-03-12 09:52")


def test_unknown_brand_account_is_fatal() -> None:
    config = make_config(x_source(name="x-account", query=None))
    with x_cassette(own_x("unknown_user")), pytest.raises(FatalError, match="no user @acme"):
        collector(config, "x-account").collect(None)


def test_a_repeated_pagination_token_ends_the_run(sent: list[SentRequest], caplog: pytest.LogCaptureFixture) -> None:
    config = make_config(x_source(max_pages=10))
    with caplog.at_level(logging.WARNING), x_cassette(own_x("search_token_loop")) as cassette:
        result = collector(config).collect(None)
    assert len(sent) == 3 and cassette.all_played
    assert len(result.frame) == 3
    assert "pagination token repeated" in caplog.text
    assert set(cursor_of(result)["search"]) == {"resume", "newest"}  # not done: the next run goes on below


def test_rate_limit_waits_for_the_reset_then_succeeds(sqlite_engine: Engine) -> None:
    config = make_config(x_source())
    waits: list[float] = []
    with x_cassette(own_x("rate_limited_then_ok")):
        summary = run_source(
            sqlite_engine, config, config.source("x-acme"), sleep=waits.append, collector=collector(config)
        )
    assert waits == [61.0]  # x-rate-limit-reset is clock + 60 s, plus a second
    assert summary.status == "ok" and summary.new == 1


def test_rate_limit_wait_is_capped() -> None:
    config = make_config(x_source())
    with x_cassette(own_x("rate_limited_then_ok")), pytest.raises(RetriableError) as caught:
        collector(config, clock=CLOCK + 60 - 5_000).collect(None)
    assert caught.value.retry_after == 900.0


def test_unauthorized_is_fatal_and_not_retried(sqlite_engine: Engine) -> None:
    config = make_config(x_source())
    waits: list[float] = []
    with x_cassette(own_x("unauthorized")):
        summary = run_source(
            sqlite_engine, config, config.source("x-acme"), sleep=waits.append, collector=collector(config)
        )
    assert summary.status == "error" and waits == []
    assert summary.error == "fatal: X rejected the credentials (401 Unauthorized): check X_BEARER_TOKEN"
    assert X_ENV["X_BEARER_TOKEN"] not in summary.error


def test_a_refused_query_is_fatal() -> None:
    config = make_config(x_source())
    with x_cassette(own_x("bad_query")), pytest.raises(FatalError, match=r"400 Bad Request.*invalid operator"):
        collector(config).collect(None)


def test_server_error_is_retried(sqlite_engine: Engine) -> None:
    config = make_config(x_source())
    waits: list[float] = []
    with x_cassette(own_x("unavailable_then_ok")):
        summary = run_source(
            sqlite_engine, config, config.source("x-acme"), sleep=waits.append, collector=collector(config)
        )
    assert summary.status == "ok" and len(waits) == 1


def test_persistent_server_error_gives_up_after_the_retries(sent: list[SentRequest], sqlite_engine: Engine) -> None:
    config = make_config(x_source())
    waits: list[float] = []
    with x_cassette(own_x("unavailable")):
        summary = run_source(
            sqlite_engine, config, config.source("x-acme"), sleep=waits.append, collector=collector(config)
        )
    assert summary.status == "error" and summary.error == "retriable: X server error (503)"
    assert len(sent) == MAX_RETRIES + 1 and len(waits) == MAX_RETRIES


def test_timeouts_are_retriable_and_requests_carry_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def hang(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> None:
        seen.update(kwargs)
        raise requests.ReadTimeout("read timed out")

    monkeypatch.setattr(requests.Session, "request", hang)
    config = make_config(x_source())
    with pytest.raises(RetriableError, match=r"X did not answer \(ReadTimeout\)"):
        collector(config).collect(None)
    assert seen["timeout"] == TimeoutSession().timeout


def test_half_broken_page_keeps_what_it_can(sqlite_engine: Engine) -> None:
    config = make_config(x_source())
    with x_cassette(own_x("half_broken")):
        result = collector(config).collect(None)
    assert result.skipped == {"malformed item": 1, "missing post_id": 1, "missing text": 1}
    frame = result.frame.set_index("text")
    assert len(frame) == 4
    dated = frame.loc["acme with a broken date"]
    assert dated["created_at"] == pd.Timestamp("2025-03-12 09:16", tz="UTC")  # from the post id
    assert pd.isna(dated["likes"]) and pd.isna(dated["views"])
    assert dated["author_handle"] == "bobbyb" and pd.isna(dated["author_followers"])
    odd = frame.loc["acme with odd metrics"]
    assert odd["likes"] == 7 and pd.isna(odd["replies"]) and pd.isna(odd["quotes"])
    stranger = frame.loc["acme by an author not in includes"]
    assert (stranger["kind"], stranger["author_id"]) == ("post", "555")
    assert pd.isna(stranger["author_handle"]) and pd.isna(stranger["lang"])
    assert stranger["url"].startswith("https://x.com/i/web/status/")

    from pipeline.ingest import ingest

    stored = ingest(
        sqlite_engine,
        result.frame,
        config.brands,
        source="x-acme",
        platform="x",
        cursor=result.cursor,
        skipped=result.skipped,
    )
    assert stored.new == 4 and sum(stored.skipped.values()) == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"query": None, "include_mentions": False, "include_own": False}, "nothing to collect"),
        ({"include_own": "yes"}, "include_own must be true or false"),
    ],
)
def test_config_problems_are_fatal(options: dict[str, Any], message: str) -> None:
    config = make_config(x_source())  # a Source built in code (monitor.toml's are checked at load)
    source = config.source("x-acme")
    flags = {k: v for k, v in options.items() if k != "query"}
    source = Source(**{**source.__dict__, "query": options.get("query", "acme"), "options": flags})
    with pytest.raises(FatalError, match=message):
        x.from_source(source, config)


def test_account_streams_need_a_handle() -> None:
    config = parse_config(
        {
            "brands": [{"name": "Globex"}],
            "sources": [{"name": "g", "platform": "x", "brand": "Globex", "query": "globex", "include_mentions": True}],
        },
        None,
    )
    with pytest.raises(FatalError, match="need handles.x on brand Globex"):
        x.from_source(config.source("g"), config)


def test_credentials_never_reach_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    config = make_config(x_source())
    with caplog.at_level(logging.DEBUG), x_cassette(own_x("unauthorized")), pytest.raises(FatalError):
        collector(config).collect(None)
    assert X_ENV["X_BEARER_TOKEN"] not in caplog.text
