"""One AppTest per page on a seeded demo store: what each page shows is checked against the store
(plain SQL here, not the code under test), not only that it runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from analysis import flags
from pipeline import export
from tests import test_app_support as support
from tests.conftest import FIXED_NOW
from tests.test_app_support import (
    FIRST_DAY,
    LAST_DAY,
    Store,
    chart,
    charts,
    demo_label_shown,
    in_range,
    metric,
    open_app,
    table,
    texts,
    values,
)
from ui.charts import MAX_POINTS
from ui.text import duration_hours

ENG = "coalesce(likes,0)+coalesce(replies,0)+coalesce(reposts,0)+coalesce(quotes,0)"
OTHERS = "brand = :brand AND is_own = 0 AND created_at >= :start AND created_at < :end"
M_OTHERS = "m.brand = :brand AND m.is_own = 0 AND m.created_at >= :start AND m.created_at < :end"
seeded_db = support.seeded_db
store = support.store


def count(store: Store, brand: str = "Acme", **where: str) -> int:
    return int(store.scalar(f"SELECT count(*) FROM mentions WHERE {OTHERS}", brand=brand, **(where or in_range())))


def test_overview_tiles_match_the_store(store: Store) -> None:
    at = open_app()
    assert demo_label_shown(at)
    assert at.title[0].value == "Overview: Acme"
    mentions = count(store)
    before = count(store, **in_range(FIRST_DAY - timedelta(days=30), FIRST_DAY - timedelta(days=1)))
    tile = metric(at, "Mentions")
    assert tile.value == f"{mentions:,}"
    assert tile.delta.startswith(f"{mentions - before:+,}")

    engagements = store.scalar(f"SELECT sum({ENG}) FROM mentions WHERE {OTHERS}", brand="Acme", **in_range())
    assert metric(at, "Engagements").value == f"{engagements:,}"

    labels = store.frame(
        f"SELECT sentiment_label, count(*) n FROM mentions WHERE {OTHERS} GROUP BY 1", brand="Acme", **in_range()
    ).set_index("sentiment_label")["n"]
    net = (labels["positive"] - labels["negative"]) / (labels["positive"] + labels["negative"])
    assert metric(at, "Net sentiment").value == f"{net:+.2f}"

    everyone = sum(count(store, brand) for brand in ("Acme", "Globex", "Initech"))
    assert metric(at, "Share of voice").value == f"{mentions / everyone:.1%}"

    open_flagged = store.scalar(
        "SELECT count(*) FROM mentions m LEFT JOIN mention_state s ON s.mention_id = m.id WHERE m.brand = 'Acme' "
        "AND m.needs_reply = 1 AND m.created_at >= :start AND m.created_at < :end AND s.first_response_at IS NULL "
        "AND coalesce(s.status, 'new') IN ('new', 'assigned')",
        **in_range(),
    )
    assert metric(at, "Open flagged").value == f"{open_flagged:,}"

    waits = store.frame(
        "SELECT (julianday(s.first_response_at) - julianday(m.created_at)) * 1440 AS minutes FROM mentions m "
        f"JOIN mention_state s ON s.mention_id = m.id WHERE m.needs_reply = 1 AND {M_OTHERS}"
        " AND s.first_response_at IS NOT NULL AND s.status != 'dismissed'",
        brand="Acme",
        **in_range(),
    )
    assert len(waits) > 10
    assert metric(at, "Median first response").value == duration_hours(waits["minutes"].median() / 60)
    for tile in at.metric:  # st.metric takes the arrow's direction from an ASCII sign
        assert tile.delta is None or tile.delta[0] in "+-", (tile.label, tile.delta)


def test_overview_charts_add_up_and_stay_small(store: Store) -> None:
    at = open_app("overview")
    volume = chart(at, "Mentions per day by platform")
    platforms = [t for t in volume["data"] if t.get("stackgroup")]
    assert sum(values(t["y"]).sum() for t in platforms) == count(store)
    assert {t["name"] for t in platforms} == {"x", "reddit", "bluesky", "mastodon", "hackernews", "rss"}
    assert all(len(values(t["y"])) == 30 for t in platforms)  # one point a day
    spikes = [t for t in volume["data"] if t["name"] == "spike"]
    if spikes:  # marked on the stack's top edge: the day's total
        totals = pd.Series(0, index=pd.to_datetime(platforms[0]["x"]))
        for trace in platforms:
            totals += values(trace["y"])
        for x, y in zip(pd.to_datetime(spikes[0]["x"]), values(spikes[0]["y"]), strict=True):
            assert totals[x] == y
    engaged = chart(at, "Engagements per day by platform")
    total = sum(values(t["y"]).sum() for t in engaged["data"])
    assert total == store.scalar(f"SELECT sum({ENG}) FROM mentions WHERE {OTHERS}", brand="Acme", **in_range())
    mood = chart(at, "Net sentiment per ISO week by platform")  # few mentions a day per platform: weekly
    assert mood["layout"]["yaxis"]["title"]["text"] == "Net sentiment"
    for figure in charts(at):
        assert sum(len(values(t.get("y", t.get("z", [])))) for t in figure["data"]) <= MAX_POINTS


def test_overview_follows_the_platform_filter(store: Store) -> None:
    at = open_app()
    at.sidebar.multiselect(key="filter_platforms").set_value(["reddit"]).run()
    assert not at.exception
    reddit = store.scalar(
        f"SELECT count(*) FROM mentions WHERE {OTHERS} AND platform = 'reddit'", brand="Acme", **in_range()
    )
    assert metric(at, "Mentions").value == f"{reddit:,}"
    at.sidebar.multiselect(key="filter_platforms").set_value([]).run()  # back to a selection seen before
    assert metric(at, "Mentions").value == f"{count(store):,}"


def test_overview_says_so_when_the_range_is_empty(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text('[[brands]]\nname = "Zeta"\nkeywords = ["zeta"]\ncompetitors = ["Acme"]\n', encoding="utf-8")
    monkeypatch.setenv("MONITOR_CONFIG", str(config))
    at = open_app()
    assert "No mentions in this range" in texts(at)
    assert not at.metric


def test_engagement_tables_and_heatmap_match_the_store(store: Store) -> None:
    at = open_app("engagement")
    assert demo_label_shown(at)
    posts = table(at, "posted", "engagements", "open")
    best = store.scalar(f"SELECT max({ENG}) FROM mentions WHERE {OTHERS}", brand="Acme", **in_range())
    assert len(posts) == 10
    assert posts["engagements"].iloc[0] == best
    assert posts["engagements"].is_monotonic_decreasing
    assert posts["open"].dropna().str.match(r"^https?://").all()

    authors = table(at, "author", "reach", "last_seen")
    top = store.frame(
        f"SELECT platform, author_handle, sum({ENG}) e FROM mentions WHERE {OTHERS} GROUP BY 1, 2 ORDER BY e DESC "
        "LIMIT 1",
        brand="Acme",
        **in_range(),
    )
    assert authors["engagements"].iloc[0] == top["e"].iloc[0]
    assert authors["author"].iloc[0] == top["author_handle"].iloc[0]

    heat = chart(at, "Mentions by hour of the week")
    assert values(heat["data"][0]["z"]).sum() == count(store)
    mix = chart(at, "Engagements by platform and kind")
    assert sum(values(t["y"]).sum() for t in mix["data"]) == store.scalar(
        f"SELECT sum({ENG}) FROM mentions WHERE {OTHERS}", brand="Acme", **in_range()
    )


def test_engagement_rankings_switch(store: Store) -> None:
    at = open_app("engagement")
    at.button_group(key="engagement_post_order").set_value("views").run()
    assert not at.exception
    most = store.scalar(f"SELECT max(views) FROM mentions WHERE {OTHERS}", brand="Acme", **in_range())
    assert table(at, "posted", "engagements", "open")["views"].iloc[0] == most
    at.button_group(key="engagement_author_order").set_value("followers").run()
    reach = store.scalar(f"SELECT max(author_followers) FROM mentions WHERE {OTHERS}", brand="Acme", **in_range())
    assert table(at, "author", "reach", "last_seen")["reach"].iloc[0] == reach
    at.button_group(key="engagement_heatmap_value").set_value("engagements").run()
    heat = chart(at, "Engagements by hour of the week")
    assert values(heat["data"][0]["z"]).sum() == store.scalar(
        f"SELECT sum({ENG}) FROM mentions WHERE {OTHERS}", brand="Acme", **in_range()
    )


def test_sentiment_page_matches_the_store(store: Store) -> None:
    at = open_app("sentiment")
    assert demo_label_shown(at)
    labels = chart(at, "Mentions per day by sentiment label")
    assert sum(values(t["y"]).sum() for t in labels["data"]) == count(store)
    compared = chart(at, "Net sentiment per day: Acme vs competitors")
    assert {t["name"] for t in compared["data"]} == {"Acme", "Globex", "Initech"}

    worst = store.scalar(
        f"SELECT min(sentiment) FROM mentions WHERE {OTHERS} AND sentiment_label = 'negative'",
        brand="Acme",
        **in_range(),
    )
    best = store.scalar(
        f"SELECT max(sentiment) FROM mentions WHERE {OTHERS} AND sentiment_label = 'positive'",
        brand="Acme",
        **in_range(),
    )
    negative = table(at, "posted", "sentiment", index=0)
    positive = table(at, "posted", "sentiment", index=1)
    assert negative["sentiment"].iloc[0] == pytest.approx(worst)
    assert positive["sentiment"].iloc[0] == pytest.approx(best)
    assert (negative["sentiment"] <= -0.05).all() and (positive["sentiment"] >= 0.05).all()
    terms = table(at, "term", "count", index=0)
    assert len(terms) > 0 and "acme" not in set(terms["term"])
    assert terms["count"].is_monotonic_decreasing


def test_queue_lists_the_most_urgent_first(store: Store) -> None:
    at = open_app("queue")
    assert demo_label_shown(at)
    flagged = store.frame(
        "SELECT m.id, m.brand, m.created_at, m.priority_base, m.flag_signals, s.first_response_at FROM mentions m "
        "LEFT JOIN mention_state s ON s.mention_id = m.id WHERE m.brand = 'Acme' AND m.needs_reply = 1 AND "
        "m.is_own = 0 AND m.created_at >= :start AND m.created_at < :end AND coalesce(s.status, 'new') IN "
        "('new', 'assigned')",
        **in_range(),
    )
    assert f"{len(flagged):,} flagged mentions match" in texts(at)
    flagged["sla_hours"] = 4.0
    scored = flags.queue_priority(flagged, pd.Timestamp(datetime.now(UTC)))
    shown = table(at, "priority", "waited", "reasons")
    assert len(shown) == 25
    assert shown["priority"].iloc[0] == scored["priority"].max()
    assert shown["priority"].is_monotonic_decreasing
    assert at.selectbox(key="queue_pick").value == int(
        flagged.assign(p=scored["priority"])
        .sort_values(["p", "created_at", "id"], ascending=[False, True, True])["id"]
        .iloc[0]
    )
    assert not [t for t in at.text_input if t.label == "You are"]


def test_queue_shows_the_thread_and_a_safe_link(store: Store) -> None:
    from config import load_config
    from pipeline.ingest import ingest

    at = open_app("queue")
    mention_id = int(at.selectbox(key="queue_pick").value)
    first = store.frame("SELECT platform, post_id, brand, url FROM mentions WHERE id = :id", id=mention_id).iloc[0]
    answer = {
        "platform": first["platform"],
        "post_id": "thread-answer-1",
        "parent_id": first["post_id"],
        "thread_id": first["post_id"],
        "text": "Same here <b>since Monday</b>, any update?",
        "brand": first["brand"],
        "author_handle": "neighbour",
        "created_at": FIXED_NOW - pd.Timedelta(hours=1),
        "kind": "reply",
    }
    ingest(store.engine, pd.DataFrame([answer]), load_config(None).brands)  # someone answers in the thread
    at.run()
    assert not at.exception and int(at.selectbox(key="queue_pick").value) == mention_id
    shown = [str(t.value) for t in at.text]
    assert any("Same here <b>since Monday</b>, any update?" in line for line in shown)  # as text, not HTML
    links = [b for b in at.get("link_button")]
    assert links and links[0].proto.url == first["url"]


def test_queue_filters_can_leave_nothing(store: Store) -> None:
    at = open_app("queue")
    at.multiselect(key="queue_statuses").set_value(["dismissed"]).run()
    assert not at.exception
    assert "Nothing waiting here" in texts(at)


def test_reports_page_previews_what_the_export_writes(store: Store) -> None:
    at = open_app("reports")
    assert demo_label_shown(at)
    weeks = at.selectbox(key="report_week").options
    assert weeks[0] == "2026-W47" and "2026-W46" in weeks
    at.selectbox(key="report_week").set_value("2026-W46").run()
    at.selectbox(key="report_brand").set_value("All brands").run()  # it opens on the sidebar's brand
    assert not at.exception
    frame, summary, _ = export.week_frames(store.engine, load(), "2026-W46", None)
    assert f"**2026-W46** · {len(frame):,} mentions · {len(summary):,} summary rows" in texts(at)
    shown = table(at, "day", "platform", "brand", "mentions")
    assert shown["mentions"].sum() == summary["mentions"].sum()
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download mentions.csv",
        "Download summary.csv",
        "Download satisfaction.csv",
        "Download notes.txt",
    ]
    assert "python cli.py export --week 2026-W46" in texts(at)


def test_reports_files_are_the_export_files(store: Store) -> None:
    from ui import reports
    from ui.context import Context

    config = load()
    ctx = Context(config=config, engine=store.engine, url=store.url)
    built = reports.week_files.__wrapped__(store.url, (0, 0), "2026-W46", "Acme", ctx)  # type: ignore[attr-defined]
    frame, summary, _ = export.week_frames(store.engine, config, "2026-W46", "Acme")
    assert reports.file_bytes(ctx, built, "mentions.csv", "2026-W46", "Acme") == export.csv_bytes(frame)
    assert reports.file_bytes(ctx, built, "summary.csv", "2026-W46", "Acme") == export.csv_bytes(summary)
    assert built.mentions == len(frame)
    # the preview (built in the page's process) is what those files hold
    folder = Path(built.folder)
    assert built.summary.equals(pd.read_csv(folder / "summary.csv", encoding="utf-8-sig"))
    head = pd.read_csv(folder / "mentions.csv", encoding="utf-8-sig", nrows=reports.HEAD_ROWS, dtype=str)
    assert built.head.equals(head)
    notes = (folder / "notes.txt").read_text(encoding="utf-8")
    moment = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")  # when each was generated
    assert moment.sub("(then)", built.notes) == moment.sub("(then)", notes)


def test_a_fresh_server_previews_a_closed_week_from_the_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import export as exporting
    from ui import reports
    from ui.context import Context

    ctx = Context(config=load(), engine=store.engine, url=store.url)
    from store import reader

    with store.engine.connect() as conn:
        stamp = reports.week_stamp(ctx, reader.versions(conn), "2026-W46")
    first = reports.week_files.__wrapped__(store.url, stamp, "2026-W46", None, ctx)  # type: ignore[attr-defined]

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the preview was built again")

    monkeypatch.setattr(exporting, "preview", no_build)  # a new process: only the store's cache can answer
    again = reports.week_files.__wrapped__(store.url, stamp, "2026-W46", None, ctx)  # type: ignore[attr-defined]
    assert again.mentions == first.mentions and again.notes == first.notes and again.built_at == first.built_at
    assert again.summary.equals(first.summary) and again.head.equals(first.head)
    assert not Path(first.folder).exists()  # no file is built before a download asks for one


def test_sources_page_shows_runs_and_never_a_secret(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(
        '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\ncompetitors = ["Globex", "Initech"]\n'
        '[[brands]]\nname = "Globex"\nkeywords = ["globex"]\n[[brands]]\nname = "Initech"\nkeywords = ["initech"]\n'
        '[[sources]]\nname = "demo-live"\nplatform = "demo"\nbrand = "Acme"\nevery = "1m"\n'
        '[[sources]]\nname = "x-search"\nplatform = "x"\nbrand = "Acme"\nquery = "acme"\nevery = "15m"\n'
        '[[sources]]\nname = "reddit-off"\nplatform = "reddit"\nbrand = "Acme"\nquery = "acme"\nenabled = false\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MONITOR_CONFIG", str(config))
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "s3cr3t-do-not-show")
    started = datetime(2026, 11, 18, 11, 0, tzinfo=UTC)
    store.execute(
        "INSERT INTO runs (source, platform, started_at, finished_at, status, fetched, new, skipped, error) VALUES "
        "('demo-live', 'demo', :s, :f, 'ok', 7, 5, 0, NULL)",
        s=started.strftime("%Y-%m-%d %H:%M:%S.%f"),
        f=(started + timedelta(seconds=2)).strftime("%Y-%m-%d %H:%M:%S.%f"),
    )
    at = open_app("sources")
    shown = table(at, "source", "state", "next_run_at").set_index("source")
    assert shown.loc["demo-live", "state"] == "ready"
    assert shown.loc["demo-live", "last_fetched"] == 7 and shown.loc["demo-live", "last_new"] == 5
    assert pd.Timestamp(shown.loc["demo-live", "next_run_at"]) == pd.Timestamp(started + timedelta(minutes=1))
    assert shown.loc["x-search", "state"].startswith("missing credentials: X_BEARER_TOKEN")
    assert shown.loc["reddit-off", "state"] == "disabled"
    everything = texts(at) + shown.to_csv()
    assert "s3cr3t-do-not-show" not in everything
    assert metric(at, "Sources").value == "3"


def test_every_page_has_the_demo_label_and_no_error(store: Store) -> None:
    at = open_app()
    for page in ("overview", "engagement", "sentiment", "queue", "reports", "sources"):
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert demo_label_shown(at), page
        assert not at.error, (page, [e.value for e in at.error])


def load():  # type: ignore[no-untyped-def]
    from config import load_config

    return load_config(None)


@pytest.mark.postgres
def test_every_page_on_postgresql(pg_engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from config import load_config
    from pipeline.seed import seed_demo
    from tests.test_app_support import serve_like_a_server

    seed_demo(pg_engine, load_config(None), mentions=1500, days=60, end=FIXED_NOW)
    serve_like_a_server(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", pg_engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    at = open_app()
    with pg_engine.connect() as conn:
        mentions = conn.exec_driver_sql(
            "SELECT count(*) FROM mentions WHERE brand = 'Acme' AND NOT is_own AND created_at >= %(start)s "
            "AND created_at < %(end)s",
            {"start": f"{FIRST_DAY} 00:00:00+00", "end": f"{LAST_DAY + timedelta(days=1)} 00:00:00+00"},
        ).scalar()
    assert metric(at, "Mentions").value == f"{mentions:,}"
    for page in ("engagement", "sentiment", "queue", "reports", "sources"):
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
    at.switch_page("pages/queue.py")
    at.run()
    mention_id = at.selectbox(key="queue_pick").value
    seen = version(pg_engine, mention_id)
    at.selectbox(key=f"dismiss_reason_{mention_id}_{seen}").set_value("spam").run()  # Dismiss asks why
    at.button(key=f"dismiss_{mention_id}_{seen}").click().run()
    assert "Dismissed" in texts(at)
    with pg_engine.connect() as conn:
        status = conn.exec_driver_sql(
            "SELECT status FROM mention_state WHERE mention_id = %(id)s", {"id": mention_id}
        ).scalar()
    assert status == "dismissed"


def version(engine, mention_id: int) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT version FROM mention_state WHERE mention_id = %(id)s", {"id": mention_id}
        ).scalar()
    return int(found or 0)


def test_new_rows_show_without_a_restart(store: Store) -> None:
    from collectors import demo
    from config import load_config
    from pipeline.ingest import ingest

    at = open_app()
    before = count(store)
    assert metric(at, "Mentions").value == f"{before:,}"
    fresh = demo.generate(mentions=60, days=1, seed=99, end=FIXED_NOW)
    fresh["post_id"] = "late-" + fresh["post_id"].astype(str)
    ingest(store.engine, fresh, load_config(None).brands)
    at.run()  # the next rerun of the same session: no restart, no cache clearing
    after = count(store)
    assert after > before
    assert metric(at, "Mentions").value == f"{after:,}"
