"""Live streams inside `cli.py schedule`: one supervised thread per streamed source.

A source streams when its platform offers a free real-time stream and the config asks for
it: Bluesky `stream = "jetstream"` (collectors/jetstream.py), Mastodon `stream = true`
(collectors/mastodon.py `MastodonStream`). Each thread:

- connects (loading the source's saved cursor each time, so a reconnect resumes from what
  is stored, never from what was only in memory), then reads events;
- batches what it keeps: a batch is written every `batch_seconds` or `batch_size` events,
  through pipeline.ingest (rows and cursor in one transaction: the existing path, scored and
  flagged once); deletions of stored posts go through store.privacy.mark_deleted first;
- after each batch and on every connect / drop writes `stream_state` (connected since,
  events and kept posts per minute over the last batch, lag, last error) for the dashboard;
- on a drop: the batch so far is saved, then it reconnects with a doubling wait (1 s up to
  5 min; back to 1 s after a connection that delivered events); a refusal (4xx) ends the
  thread with status `refused` (a Mastodon source keeps its polling);
- on stop (SIGTERM / SIGINT in `serve`): the current batch is saved, the state is `stopped`.

A stream holds the lease `stream:<source>` (store.locks), so two schedulers on one database
never stream one source twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import Engine

from collectors.base import CollectorError, FatalError, MissingCredentials
from config import Config, Source
from frame import empty_frame
from pipeline.ingest import ingest
from pipeline.runner import load_cursor
from redact import redact_text
from store import privacy, streamstate
from store.locks import Lease, default_owner

log = logging.getLogger(__name__)

BATCH_SECONDS = 5.0
BATCH_SIZE = 500
BACKOFF_FIRST = 1.0
BACKOFF_CAP = 300.0
LEASE_TTL = 30.0


class StreamEventLike(Protocol):
    position: int | None
    when: datetime | None
    row: dict[str, Any] | None
    deleted: str | None
    reason: str | None


class Stream(Protocol):
    """What a platform's stream gives: `events(cursor, stop)` yields events, None when idle or just connected."""

    platform: str

    def events(self, cursor: str | None, stop: threading.Event) -> Iterator[StreamEventLike | None]: ...


def stream_kind(source: Source) -> str | None:
    """'jetstream', 'mastodon' or None: whether (and how) a source streams."""
    if not source.enabled:
        return None
    if source.platform == "bluesky" and source.options.get("stream") == "jetstream":
        return "jetstream"
    if source.platform == "mastodon" and source.options.get("stream") is True:
        return "mastodon"
    return None


def polls(source: Source) -> bool:
    """Whether the scheduler also polls a streamed source: Mastodon keeps polling (the fallback and
    what a drop missed: its stream has no replay); Jetstream replays from its cursor, so never."""
    return stream_kind(source) != "jetstream"


def build_stream(source: Source, config: Config) -> Stream:
    kind = stream_kind(source)
    if kind == "jetstream":
        from collectors.jetstream import JetstreamStream

        return JetstreamStream(source, config.brand(source.brand))
    if kind == "mastodon":
        from collectors.mastodon import stream_from_source

        return stream_from_source(source, config)
    raise KeyError(f"source {source.name!r} does not stream")


@dataclass
class Batch:
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    position: int | None = None
    newest: datetime | None = None
    events: int = 0
    started: float = 0.0

    def add(self, event: StreamEventLike) -> None:
        self.events += 1
        if event.position is not None:
            self.position = max(self.position or 0, event.position)
        if event.when is not None:
            self.newest = max(self.newest, event.when) if self.newest else event.when
        if event.row is not None:
            self.rows[str(event.row["post_id"])] = event.row
        if event.deleted is not None:
            self.rows.pop(event.deleted, None)  # created and deleted within one batch: never stored
            self.deleted.add(event.deleted)

    @property
    def size(self) -> int:
        return len(self.rows) + len(self.deleted)


class StreamRunner:
    """One source's stream: `run(stop)` until stop is set or the stream is refused."""

    def __init__(
        self,
        engine: Engine,
        config: Config,
        source: Source,
        stream: Stream | None = None,
        *,
        owner: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        wait: Callable[[threading.Event, float], bool] | None = None,
        batch_seconds: float = BATCH_SECONDS,
        batch_size: int = BATCH_SIZE,
        backoff_first: float = BACKOFF_FIRST,
        backoff_cap: float = BACKOFF_CAP,
    ) -> None:
        self.engine, self.config, self.source = engine, config, source
        self._stream = stream
        self.owner = owner or default_owner("stream")
        self.clock, self.now = clock, now
        self.wait = wait or (lambda stop, seconds: stop.wait(seconds))
        self.batch_seconds, self.batch_size = batch_seconds, batch_size
        self.backoff_first, self.backoff_cap = backoff_first, backoff_cap
        self.connected_since: datetime | None = None
        self.connected = threading.Event()
        self.status = "connecting"
        self.events_total = 0
        self.kept_total = 0

    # ------------------------------------------------------------------ state
    def _clean(self, message: str) -> str:
        """An error message with the endpoint's secrets (a password or token in its URL) hidden."""
        url = str(getattr(self._stream, "url", "") or "")
        return redact_text(message, url) if url else message

    def _state(self, status: str, error: str | None = None, **values: Any) -> None:
        self.status = status
        try:
            with self.engine.begin() as conn:
                streamstate.save_state(
                    conn,
                    self.source.name,
                    self.source.platform,
                    status=status,
                    owner=self.owner,
                    connected_since=self.connected_since,
                    updated_at=self.now(),
                    events_total=self.events_total,
                    kept_total=self.kept_total,
                    last_error=error,
                    **values,
                )
        except Exception as exc:  # the state is for people; never stop the stream over it
            log.warning("stream %s: could not save its state: %s", self.source.name, exc)

    # ------------------------------------------------------------------ batches
    def flush(self, batch: Batch) -> None:
        """Write the batch (deletions, then rows + cursor in one transaction), then the state."""
        elapsed = max(self.clock() - batch.started, 1e-9)
        kept = len(batch.rows)
        if batch.deleted:
            with self.engine.begin() as conn:
                result = privacy.mark_deleted(
                    conn, self.source.platform, sorted(batch.deleted), self.now(), self.config.brands
                )
            if result.erased:
                log.info(
                    "stream %s: %d stored post(s) deleted by their authors, erased", self.source.name, result.erased
                )
        cursor = self._cursor(batch.position)
        if batch.rows or cursor is not None:
            frame = pd.DataFrame(list(batch.rows.values())) if batch.rows else empty_frame()
            if len(frame):
                frame["retrieved_at"] = self.now()
            ingest(
                self.engine,
                frame,
                self.config.brands,
                source=self.source.name if cursor is not None else None,
                platform=self.source.platform,
                cursor=cursor,
            )
        self.events_total += batch.events
        self.kept_total += kept
        lag = (self.now() - batch.newest).total_seconds() if batch.newest else None
        self._state(
            "connected" if self.connected.is_set() else self.status,
            events_per_min=batch.events * 60.0 / elapsed,
            kept_per_min=kept * 60.0 / elapsed,
            lag_seconds=max(lag, 0.0) if lag is not None else None,
            position=cursor,
        )

    def _cursor(self, position: int | None) -> str | None:
        if position is None or self.source.platform != "bluesky":
            return None
        from collectors.jetstream import cursor_for

        return cursor_for(position)

    # ------------------------------------------------------------------ one connection
    def consume(self, stop: threading.Event) -> int:
        """Read one connection until it drops (raises) or stop is set; returns events seen."""
        stream = self._stream or build_stream(self.source, self.config)
        self._stream = stream
        cursor = load_cursor(self.engine, self.source.name) if self.source.platform == "bluesky" else None
        batch, seen = Batch(started=self.clock()), 0
        try:
            for event in stream.events(cursor, stop):
                if not self.connected.is_set():
                    self.connected.set()
                    self.connected_since = self.now()
                    self._state("connected")
                if event is not None:
                    batch.add(event)
                    seen += 1
                if batch.size >= self.batch_size or (
                    batch.events and self.clock() - batch.started >= self.batch_seconds
                ):
                    self.flush(batch)
                    batch = Batch(started=self.clock())
                if stop.is_set():
                    break
        finally:
            self.connected.clear()
            if batch.events:
                self.flush(batch)  # the last batch of a drop or a stop is saved
        return seen

    # ------------------------------------------------------------------ supervision
    def run(self, stop: threading.Event) -> str:
        """Connect, read, reconnect with backoff, until stop or a refusal; returns the final status."""
        lease = Lease(self.engine, f"stream:{self.source.name}", self.source.platform, self.owner, ttl=LEASE_TTL)
        failures = 0
        while not stop.is_set() and not lease.acquire():
            self._state("reconnecting", f"streamed by {lease.holder}")
            if self.wait(stop, LEASE_TTL / 2):
                return "stopped"
        try:
            self._state("connecting")
            while not stop.is_set():
                try:
                    seen = self.consume(stop)
                    error = None
                except (FatalError, MissingCredentials) as exc:
                    message = self._clean(str(exc))
                    log.error("stream %s refused: %s", self.source.name, message)
                    self.connected_since = None
                    self._state("refused", message)
                    return "refused"
                except CollectorError as exc:
                    seen, error = 0, self._clean(str(exc))
                except Exception as exc:  # a bug or the database: log, back off, reconnect from the stored cursor
                    log.exception("stream %s failed", self.source.name)
                    seen, error = 0, self._clean(f"{exc.__class__.__name__}: {exc}")
                if stop.is_set():
                    break
                failures = 1 if seen else failures + 1
                wait = min(self.backoff_first * 2 ** (failures - 1), self.backoff_cap)
                log.warning("stream %s dropped (%s); reconnecting in %.0f s", self.source.name, error, wait)
                self.connected_since = None
                self._state("reconnecting", error)
                if self.wait(stop, wait):
                    break
            self.connected_since = None
            self._state("stopped")
            return "stopped"
        finally:
            lease.release()


class StreamSupervisor:
    """The stream threads of one scheduler: `start()`, `apply(config)` on a reload, then `join(timeout)`
    after stop is set.

    Each stream has its own stop event, set when the scheduler stops or when a reload removes or
    changes its source; a changed source's new thread first waits for the old one to save its last
    batch and free its lease, so one source never streams twice.
    """

    def __init__(
        self,
        engine: Engine,
        config: Config,
        stop: threading.Event,
        owner: str | None = None,
        runner: Callable[..., StreamRunner] = StreamRunner,
    ) -> None:
        self.engine, self.config, self.stop, self.owner = engine, config, stop, owner
        self.make_runner = runner
        self.streams: dict[str, tuple[StreamRunner, threading.Event, threading.Thread]] = {}
        self.threads: list[threading.Thread] = []  # every stream thread started, for join()
        self._lock = threading.Lock()

    @property
    def runners(self) -> list[StreamRunner]:
        return [runner for runner, _, _ in self.streams.values()]

    def start(self) -> StreamSupervisor:
        threading.Thread(target=self._relay_stop, name="streams-stop", daemon=True).start()
        self.apply(self.config)
        return self

    def _relay_stop(self) -> None:
        self.stop.wait()
        with self._lock:
            for _, own_stop, _ in self.streams.values():
                own_stop.set()

    def _start(self, config: Config, source: Source, after: threading.Thread | None) -> None:
        runner = self.make_runner(self.engine, config, source, owner=self.owner)
        own_stop = threading.Event()

        def run() -> None:
            if after is not None:
                after.join()  # the old thread saves its last batch and frees the lease first
            runner.run(own_stop)

        thread = threading.Thread(target=run, name=f"stream-{source.name}", daemon=True)
        self.streams[source.name] = (runner, own_stop, thread)
        self.threads.append(thread)
        thread.start()

    def apply(self, config: Config) -> list[str]:
        """Streams for `config`: new streamed sources start, removed ones stop, changed ones (the source
        or its brand's keywords) restart; the others go on. Returns what changed."""
        wanted = {s.name: s for s in config.sources if stream_kind(s) is not None}
        changes: list[str] = []
        with self._lock:
            if self.stop.is_set():
                return changes
            for name, (runner, own_stop, thread) in list(self.streams.items()):
                source = wanted.pop(name, None)
                if source == runner.source and config.brand(source.brand) == runner.config.brand(source.brand):
                    runner.config = config
                    continue
                own_stop.set()
                del self.streams[name]
                if source is None:
                    changes.append(f"stream {name} stopped")
                    continue
                self._start(config, source, after=thread)
                changes.append(f"stream {name} restarted")
            for source in wanted.values():
                self._start(config, source, after=None)
                changes.append(f"stream {source.name} started")
            self.config = config
        return changes

    def join(self, timeout: float) -> list[str]:
        """Wait up to `timeout` s in all; returns the sources whose thread is still going."""
        deadline = time.monotonic() + timeout
        for thread in list(self.threads):
            thread.join(max(deadline - time.monotonic(), 0.0))
        return [t.name.removeprefix("stream-") for t in self.threads if t.is_alive()]


# ---------------------------------------------------------------------- the Sources page

#: stream_and_budget's columns.
LIVE_COLUMNS: tuple[str, ...] = (
    "source", "stream", "stream_status", "connected_since", "events_per_min", "kept_per_min", "lag_seconds",
    "stream_error", "reads_this_month", "read_budget", "estimated_spend",
)  # fmt: skip


def live_status(
    conn: Any, sources: tuple[tuple[str, str | None, int | None], ...], price: float, month: str
) -> pd.DataFrame:
    """Stream state and X reads per source, for the Sources page (a `context.read` function).

    sources: (name, stream kind or None, monthly_read_budget or None) per configured source.
    """
    states = streamstate.read_states(conn)
    budgeted = [name for name, _, budget in sources if budget is not None]
    reads = streamstate.reads_this_month(conn, budgeted, month)
    rows = []
    for name, kind, budget in sources:
        state = states.get(name) if kind else None
        read = reads.get(name) if budget is not None else None
        rows.append(
            {
                "source": name,
                "stream": kind,
                "stream_status": state["status"] if state else None,
                "connected_since": state["connected_since"] if state else None,
                "events_per_min": state["events_per_min"] if state else None,
                "kept_per_min": state["kept_per_min"] if state else None,
                "lag_seconds": state["lag_seconds"] if state else None,
                "stream_error": state["last_error"] if state else None,
                "reads_this_month": read,
                "read_budget": budget,
                "estimated_spend": round(read * price, 4) if read is not None else None,
            }
        )
    frame = pd.DataFrame(rows, columns=list(LIVE_COLUMNS))
    frame["connected_since"] = pd.to_datetime(frame["connected_since"], utc=True)
    return frame


def live_arguments(config: Config, now: datetime | None = None) -> tuple[Any, ...]:
    """live_status's arguments for a config (hashable)."""
    sources = tuple(
        (s.name, stream_kind(s), s.options.get("monthly_read_budget") if s.platform == "x" else None)
        for s in config.sources
    )
    return sources, config.x.price_per_post, streamstate.month_key(now or datetime.now(UTC))
