"""Streams on loopback: Jetstream (a local WebSocket server), Mastodon streaming (a local SSE
server), `cli.py schedule` with SIGTERM, and the X read budget on our search recordings.

Waits poll the store with a generous deadline; nothing asserts on durations. Runners get a
frozen clock (batches flush by size, on a drop and on stop) and a backoff that never sleeps.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine, func, select
from websockets.sync.server import serve

from collectors import jetstream
from config import Config, parse_config
from pipeline.runner import load_cursor, run_source
from pipeline.streams import StreamRunner, StreamSupervisor, live_arguments, live_status
from store import writer
from store.engine import make_engine
from store.schema import mention_privacy, mentions, runs
from store.streamstate import read_states
from tests.conftest import ROOT
from tests.test_collect_vcr import X_ENV, SentRequest, own_x, record_sent, x_cassette

T0 = 1_741_780_800_000_000  # 2025-03-12 12:00 UTC in microseconds
DID = "did:plc:abcdefghijklmnopqrstuvwx"


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def brands_config(*sources: dict[str, Any]) -> Config:
    return parse_config(
        {
            "brands": [{"name": "Acme", "keywords": ["acme"], "exclude": ["acme anvil"]}],
            "sources": list(sources),
        },
        None,
    )


# ------------------------------------------------------------------------------ Jetstream


def create(i: int, text: str, rkey: str | None = None) -> str:
    return json.dumps(
        {
            "did": DID,
            "time_us": T0 + i * 1_000_000,
            "kind": "commit",
            "commit": {
                "rev": f"rev{i}",
                "operation": "create",
                "collection": "app.bsky.feed.post",
                "rkey": rkey or f"post{i}",
                "record": {
                    "$type": "app.bsky.feed.post",
                    "text": text,
                    "createdAt": "2025-03-12T12:00:00.000Z",
                    "langs": ["en"],
                },
                "cid": f"cid{i}",
            },
        }
    )


def delete(i: int, rkey: str) -> str:
    commit = {"rev": f"rev{i}", "operation": "delete", "collection": "app.bsky.feed.post", "rkey": rkey}
    return json.dumps({"did": DID, "time_us": T0 + i * 1_000_000, "kind": "commit", "commit": commit})


def other(i: int, kind: str) -> str:
    return json.dumps({"did": DID, "time_us": T0 + i * 1_000_000, "kind": kind, kind: {"did": DID, "seq": i}})


#: the replayed firehose, in time order: (time index, frame)
EVENTS: list[tuple[int, str]] = [
    (1, create(1, "I love my Acme phone")),
    (2, other(2, "identity")),
    (3, other(3, "account")),
    (4, create(4, "nothing to see here")),
    (5, create(5, "my acme anvil broke")),  # excluded term
    (6, create(6, "acme support is slow today")),
    (7, create(7, "ACME again, this time #acme")),
]
#: after the drop
LATER: list[tuple[int, str]] = [
    (8, delete(8, "post6")),  # a stored post deleted
    (9, create(9, "acme acme")),
    (10, delete(10, "post9")),  # created and deleted within one batch: never stored
    (11, create(11, "last acme words")),
]


class Jetstream:
    """A local Jetstream: replays EVENTS from the requested cursor; the first connection drops
    after a malformed frame, later ones send LATER too and stay open until the test ends."""

    def __init__(self, refuse: bool = False) -> None:
        self.paths: list[str] = []
        self.refuse = refuse
        self.done = threading.Event()
        self.sent_all = threading.Event()
        self.server = serve(self.handler, "127.0.0.1", 0, process_request=self.check)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        port = self.server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/subscribe"

    def check(self, connection: Any, request: Any) -> Any:
        self.paths.append(request.path)
        if self.refuse:
            return connection.respond(403, "no\n")
        return None

    def handler(self, ws: Any) -> None:
        query = parse_qs(urlsplit(ws.request.path).query)
        assert query["wantedCollections"] == ["app.bsky.feed.post"]
        since = int(query["cursor"][0]) if "cursor" in query else 0
        first = len(self.paths) == 1
        for i, frame in EVENTS + ([] if first else LATER):
            if T0 + i * 1_000_000 >= since:
                ws.send(frame)
        if first:
            ws.send("{not json")
            return  # the connection drops
        self.sent_all.set()
        while not self.done.is_set():
            try:
                ws.recv(timeout=0.2)
            except TimeoutError:
                continue
            except Exception:
                return

    def __enter__(self) -> Jetstream:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.done.set()
        self.server.shutdown()
        self.thread.join(10)


def jet_config(url: str) -> Config:
    return brands_config(
        {"name": "bsky-live", "platform": "bluesky", "brand": "Acme", "stream": "jetstream", "jetstream": url}
    )


class Clock:
    """The runner's monotonic clock, moved by the test only (so a batch's time is up when the test says)."""

    def __init__(self) -> None:
        self.value = 0.0

    def __call__(self) -> float:
        return self.value


def runner(engine: Engine, config: Config, name: str, **kwargs: Any) -> StreamRunner:
    return StreamRunner(
        engine,
        config,
        config.source(name),
        clock=kwargs.pop("clock", Clock()),  # frozen unless moved: batches flush by size, on drops and on stop
        wait=lambda stop, seconds: stop.is_set(),  # backoff without sleeping
        batch_size=kwargs.pop("batch_size", 3),
        **kwargs,
    )


def in_thread(target: Callable[[threading.Event], str]) -> tuple[threading.Event, threading.Thread, list[str]]:
    stop, result = threading.Event(), []
    thread = threading.Thread(target=lambda: result.append(target(stop)), daemon=True)
    thread.start()
    return stop, thread, result


def stored(engine: Engine) -> dict[str, str]:
    """post_id -> text of the mentions still held (a post deleted at source is erased: text "", id hashed)."""
    with engine.connect() as conn:
        return {r.post_id: r.text for r in conn.execute(select(mentions.c.post_id, mentions.c.text)) if r.text}


def erased(engine: Engine) -> int:
    """How many stored mentions were erased because their platform said they were deleted."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(mention_privacy).where(mention_privacy.c.deleted_at.is_not(None))
            ).scalar_one()
        )


def uri(rkey: str) -> str:
    return f"at://{DID}/app.bsky.feed.post/{rkey}"


def test_jetstream_keeps_matches_handles_deletes_and_resumes_from_its_cursor(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    with Jetstream() as server:
        config = jet_config(server.url)
        clock = Clock()
        stop, thread, result = in_thread(runner(engine, config, "bsky-live", clock=clock).run)
        last = T0 + 11 * 1_000_000
        wait_for(server.sent_all.is_set, "the reconnect's events")

        def written() -> bool:
            clock.value += 60.0  # each batch's time is up: the next idle tick writes it
            return jetstream.position_of(load_cursor(engine, "bsky-live")) == last

        wait_for(written, "the last event's cursor")
        stop.set()
        thread.join(30)
        assert result == ["stopped"]
    texts = stored(engine)
    # minus exclude; post6 (stored, then deleted) and post9 (created and deleted) are erased or never stored
    assert set(texts) == {uri("post1"), uri("post7"), uri("post11")}
    assert texts[uri("post1")] == "I love my Acme phone"
    assert erased(engine) >= 1  # post6 was stored before its delete arrived: erased and marked deleted
    # the first connection had no cursor; the reconnect resumed 5 s before the saved position
    assert "cursor" not in server.paths[0]
    saved_before_drop = T0 + 7 * 1_000_000  # the drop's batch (ending with the malformed frame) was saved
    assert f"cursor={saved_before_drop - jetstream.REWIND_US}" in server.paths[1]
    with engine.connect() as conn:
        state = read_states(conn)["bsky-live"]
        assert state["status"] == "stopped" and state["events_total"] >= 12 and state["kept_total"] >= 4

    # a restart (as after kill -9) resumes from the stored cursor: the overlap duplicates nothing
    with Jetstream() as again:
        again.paths.append("(a first connection already happened)")  # serve EVENTS + LATER at once
        config = jet_config(again.url)
        before = stored(engine)
        with engine.connect() as conn:
            rows_before = conn.execute(select(func.count()).select_from(mentions)).scalar()
        stop, thread, result = in_thread(runner(engine, config, "bsky-live").run)
        wait_for(lambda: len(again.paths) >= 2, "the restart's connection")
        wait_for(lambda: read_states_of(engine)["status"] == "connected", "connected")
        stop.set()
        thread.join(30)
    assert f"cursor={last - jetstream.REWIND_US}" in again.paths[1]
    assert stored(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(mentions)).scalar() == rows_before


def read_states_of(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return read_states(conn).get("bsky-live", {"status": None})


def test_a_refused_jetstream_ends_its_thread_with_the_reason(sqlite_engine: Engine) -> None:
    with Jetstream(refuse=True) as server:
        config = jet_config(server.url)
        assert runner(sqlite_engine, config, "bsky-live").run(threading.Event()) == "refused"
    state = read_states_of(sqlite_engine)
    assert state["status"] == "refused" and "403" in state["last_error"]


def test_malformed_and_ignored_frames_are_skipped_with_a_reason() -> None:
    config = jet_config("ws://127.0.0.1:1/subscribe")
    mapper = jetstream.JetstreamMapper(config.source("bsky-live"), config.brands[0])
    assert mapper.event("{not json").reason == "malformed frame"
    assert mapper.event(other(2, "identity")).reason == "identity event"
    assert mapper.event(create(5, "my acme anvil broke")).reason == "no keyword"
    kept = mapper.event(create(1, "Acme rocks"))
    assert kept.row is not None and kept.row["post_id"] == uri("post1") and kept.row["matched"] == "acme"
    assert kept.row["url"] == f"https://bsky.app/profile/{DID}/post/post1" and kept.position == T0 + 1_000_000
    assert mapper.event(delete(8, "post6")).deleted == uri("post6")


def test_a_reload_starts_restarts_and_stops_streams(sqlite_engine: Engine) -> None:
    """A streamed source added to, changed in or removed from monitor.toml while the scheduler runs
    starts, restarts (after the old thread saved its batch and freed its lease) or stops, without a restart."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from pipeline.scheduler import build_schedule

    def make(engine: Engine, config: Config, source: Any, owner: str | None = None) -> StreamRunner:
        return runner(engine, config, source.name, owner=owner)

    def with_keywords(url: str, keywords: list[str]) -> Config:
        return parse_config(
            {
                "brands": [{"name": "Acme", "keywords": keywords, "exclude": ["acme anvil"]}],
                "sources": [{"name": "bsky-live", "platform": "bluesky", "brand": "Acme",
                             "stream": "jetstream", "jetstream": url}],
            },
            None,
        )  # fmt: skip

    stop = threading.Event()
    empty = brands_config()
    schedule = build_schedule(
        sqlite_engine, empty, stop, owner="t", reports=False, scheduler_cls=BackgroundScheduler, jitter=False
    )
    supervisor = StreamSupervisor(sqlite_engine, empty, stop, owner="t", runner=make).start()
    schedule.streams = supervisor
    assert supervisor.streams == {}
    with Jetstream() as server:
        config = jet_config(server.url)
        assert schedule.apply(config) == ["stream bsky-live started"]  # a reload reaches the streams
        first = supervisor.streams["bsky-live"][2]
        wait_for(server.sent_all.is_set, "the stream's reconnect")
        wait_for(lambda: read_states_of(sqlite_engine)["status"] == "connected", "connected")
        assert supervisor.apply(config) == []  # unchanged: the same thread goes on
        assert supervisor.streams["bsky-live"][2] is first

        connections = len(server.paths)
        assert supervisor.apply(with_keywords(server.url, ["acme", "globex"])) == ["stream bsky-live restarted"]
        second = supervisor.streams["bsky-live"][2]
        assert second is not first
        wait_for(lambda: not first.is_alive(), "the old stream thread to end")
        wait_for(lambda: len(server.paths) > connections, "the restarted stream's connection")
        assert supervisor.runners[0].config.brand("Acme").keywords == ("acme", "globex")

        assert supervisor.apply(empty) == ["stream bsky-live stopped"]
        wait_for(lambda: not second.is_alive(), "the removed stream's thread to end")
        assert read_states_of(sqlite_engine)["status"] == "stopped"
        assert supervisor.streams == {}

        assert supervisor.apply(config) == ["stream bsky-live started"]
        third = supervisor.streams["bsky-live"][2]
        stop.set()  # the scheduler stops: every stream stops
        assert supervisor.join(30) == []
        assert not third.is_alive()
        assert supervisor.apply(config) == []  # nothing starts after the stop


# ------------------------------------------------------------------------------ cli.py schedule


def test_schedule_streams_jetstream_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with Jetstream() as server:
        (tmp_path / "monitor.toml").write_text(
            '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\nexclude = ["acme anvil"]\n\n'
            f'[[sources]]\nname = "bsky-live"\nplatform = "bluesky"\nbrand = "Acme"\nstream = "jetstream"\n'
            f'jetstream = "{server.url}"\n'
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("X_", "REDDIT_", "BLUESKY_", "MASTODON_"))}
        env.update(
            DATABASE_URL=f"sqlite:///{tmp_path / 'monitor.db'}",
            MONITOR_CONFIG=str(tmp_path / "monitor.toml"),
            PYTHONUNBUFFERED="1",
        )
        engine = make_engine(env["DATABASE_URL"])
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), "schedule", "--no-reports"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            last = T0 + 11 * 1_000_000
            wait_for(
                lambda: jetstream.position_of(load_cursor(engine, "bsky-live")) == last,
                "the scheduler's stream to save the last position",
                timeout=120,
            )
            process.send_signal(signal.SIGTERM)
            output = process.communicate(timeout=60)[0].decode()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 0, output
    assert set(stored(engine)) == {uri("post1"), uri("post7"), uri("post11")}  # post6 and post9 were deleted
    assert read_states_of(engine)["status"] == "stopped"
    with engine.connect() as conn:  # streams write no runs rows (the scheduler polls nothing here)
        assert conn.execute(select(func.count()).select_from(runs)).scalar() == 0
    engine.dispose()


# ------------------------------------------------------------------------------ Mastodon


def status(i: int, text: str) -> dict[str, Any]:
    return {
        "id": str(110000000000000000 + i),
        "uri": f"https://example.social/users/bob/statuses/{i}",
        "url": f"https://example.social/@bob/{i}",
        "created_at": "2025-03-12T12:00:00.000Z",
        "content": f"<p>{text}</p>",
        "spoiler_text": "",
        "language": "en",
        "in_reply_to_id": None,
        "reblog": None,
        "account": {"id": "7", "acct": "bob", "display_name": "Bob", "followers_count": 12},
        "favourites_count": 1,
        "replies_count": 0,
        "reblogs_count": 0,
    }


class MastodonServer:
    """Mastodon's SSE streaming endpoint: two updates and a delete, a heartbeat, then a drop;
    later connections send one more update and stay open. `refuse` answers 401."""

    def __init__(self, refuse: bool = False) -> None:
        self.paths: list[str] = []
        self.done = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer.paths.append(self.path)
                if not self.path.startswith("/api/v1/streaming"):
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if refuse:
                    body = b'{"error":"This method requires an authenticated user"}'
                    self.send_response(401)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                first = sum(p.startswith("/api/v1/streaming") for p in outer.paths) == 1

                def event(name: str, data: Any) -> None:
                    payload = data if isinstance(data, str) else json.dumps(data)
                    self.wfile.write("event: update\n".replace("update", name).encode())
                    self.wfile.write(f"data: {payload}\n\n".encode())
                    self.wfile.flush()

                self.wfile.write(b":thump\n")
                if first:
                    event("update", status(1, "Acme is great"))
                    event("update", status(2, "acme to delete"))
                    event("delete", str(110000000000000000 + 2))
                    return  # dropped
                event("update", status(3, "acme after the reconnect"))
                while not outer.done.wait(0.2):
                    try:
                        self.wfile.write(b":thump\n")
                        self.wfile.flush()
                    except OSError:
                        return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> MastodonServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.done.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def no_mastodon_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MASTODON_ACCESS_TOKEN", raising=False)


def masto_config(url: str) -> Config:
    return brands_config(
        {
            "name": "masto-live",
            "platform": "mastodon",
            "brand": "Acme",
            "instance": url,
            "hashtags": ["acme"],
            "stream": True,
            "include_own": False,
        }  # fmt: skip
    )


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_mastodon_stream_stores_updates_erases_deletes_and_reconnects(
    sqlite_engine: Engine, no_mastodon_token: None
) -> None:
    with MastodonServer() as server:
        config = masto_config(server.url)
        stop, thread, result = in_thread(runner(sqlite_engine, config, "masto-live", batch_size=1).run)
        wait_for(lambda: "110000000000000003" in stored(sqlite_engine), "the update after the reconnect")
        stop.set()
        thread.join(30)
        assert result == ["stopped"]
    texts = stored(sqlite_engine)
    assert texts == {"110000000000000001": "Acme is great", "110000000000000003": "acme after the reconnect"}
    assert erased(sqlite_engine) == 1  # 110000000000000002 was deleted at the source
    streams = [p for p in server.paths if p.startswith("/api/v1/streaming")]
    assert len(streams) >= 2 and all(p.startswith("/api/v1/streaming/hashtag?tag=acme") for p in streams)
    with sqlite_engine.connect() as conn:
        state = read_states(conn)["masto-live"]
        assert state["status"] == "stopped" and state["kept_total"] >= 3
    assert load_cursor(sqlite_engine, "masto-live") is None  # polling's cursor is left alone


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_mastodon_streaming_refused_leaves_polling(sqlite_engine: Engine, no_mastodon_token: None) -> None:
    from pipeline.streams import polls

    with MastodonServer(refuse=True) as server:
        config = masto_config(server.url)
        assert runner(sqlite_engine, config, "masto-live").run(threading.Event()) == "refused"
    with sqlite_engine.connect() as conn:
        state = read_states(conn)["masto-live"]
    assert state["status"] == "refused" and "401" in state["last_error"] and "polling" in state["last_error"]
    assert polls(config.source("masto-live"))  # the scheduler keeps its poll job


# ------------------------------------------------------------------------------ X read budget

CLOCK = 1_741_780_800.0  # 2025-03-12 12:00 UTC, the recordings' "now"


@pytest.fixture
def x_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in X_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[SentRequest]:
    return record_sent(monkeypatch)


def x_config(budget: int | None, price: float = 0.005) -> Config:
    source: dict[str, Any] = {"name": "x-acme", "platform": "x", "brand": "Acme", "every": "15m", "query": "acme"}
    if budget is not None:
        source["monthly_read_budget"] = budget
    return parse_config(
        {"brands": [{"name": "Acme", "keywords": ["acme"]}], "sources": [source], "x": {"price_per_post": price}},
        None,
    )


def x_run(engine: Engine, config: Config, clock: float = CLOCK) -> Any:
    from collectors import x

    collector = x.from_source(config.source("x-acme"), config, clock=lambda: clock)
    return run_source(engine, config, config.source("x-acme"), sleep=lambda s: None, collector=collector)


def last_run(engine: Engine) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(runs).order_by(runs.c.id.desc()).limit(1)).first()


def test_x_stops_before_a_page_that_could_pass_the_budget(
    sqlite_engine: Engine, x_env: None, sent: list[SentRequest]
) -> None:
    config = x_config(budget=100)
    with x_cassette(own_x("search_two_pages")):
        summary = x_run(sqlite_engine, config)
    # page 1 (3 posts) was read; page 2 could hold 100 more: 3 + 100 > 100, so it was not asked for
    assert len(sent) == 1 and sent[0].query["max_results"] == "100"
    assert summary.status == "ok" and summary.new == 3
    run = last_run(sqlite_engine)
    assert run.status == "budget reached" and run.error is None
    cursor = json.loads(load_cursor(sqlite_engine, "x-acme"))
    assert cursor["reads"] == {"month": "2025-03", "count": 3}
    assert "resume" in cursor["search"]  # the page left unread stays a gap to fill later

    with sqlite_engine.connect() as conn:
        live = live_status(conn, *live_arguments(config, datetime(2025, 3, 20, tzinfo=UTC)))
    row = live.set_index("source").loc["x-acme"]
    assert row["reads_this_month"] == 3 and row["read_budget"] == 100 and row["estimated_spend"] == pytest.approx(0.015)


def test_x_page_size_shrinks_to_what_is_left_of_the_budget(
    sqlite_engine: Engine, x_env: None, sent: list[SentRequest]
) -> None:
    with sqlite_engine.begin() as conn:
        writer.save_cursor(conn, "x-acme", "x", json.dumps({"reads": {"month": "2025-03", "count": 150}}))
    with x_cassette(own_x("search_two_pages")):
        x_run(sqlite_engine, x_config(budget=200))
    # 50 left: pages of at most 50; after 3 read, another page of 50 could pass the budget
    assert [r.query["max_results"] for r in sent] == ["50"]
    assert last_run(sqlite_engine).status == "budget reached"
    assert json.loads(load_cursor(sqlite_engine, "x-acme"))["reads"] == {"month": "2025-03", "count": 153}


def test_x_budget_spent_fetches_nothing_until_next_month(
    sqlite_engine: Engine, x_env: None, sent: list[SentRequest]
) -> None:
    config = x_config(budget=200)
    with sqlite_engine.begin() as conn:  # 195 read already this month: fewer than 10 left
        writer.save_cursor(conn, "x-acme", "x", json.dumps({"reads": {"month": "2025-03", "count": 195}}))
    summary = x_run(sqlite_engine, config)
    assert sent == [] and summary.status == "ok" and last_run(sqlite_engine).status == "budget reached"
    april = datetime(2025, 4, 1, 0, 5, tzinfo=UTC).timestamp()
    with x_cassette(own_x("search_two_pages")):
        x_run(sqlite_engine, config, clock=april)
    assert len(sent) >= 1 and last_run(sqlite_engine).status == "ok"
    assert json.loads(load_cursor(sqlite_engine, "x-acme"))["reads"]["month"] == "2025-04"
