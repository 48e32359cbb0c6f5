"""The persistent part cache: results of closed-day page reads kept in the store, so a freshly
started dashboard process does not recompute every closed day.

ui.context reads a date-range read (store.reader.SPLITS) in parts, each kept under the stamp of the
days it covers (store.touched.State.stamp): a number that moves whenever a write touches one of
those days. That stamp lives in `meta`, so it means the same thing in every process: a part
stored here under (read, arguments, part range, stamp) is still right for any later process that
asks with the same stamp. Streamlit's in-memory cache stays the first place to look; this table is
the second, consulted on a miss.

Stored WITHOUT pickle: frames and series as Arrow IPC streams (pyarrow, pandas metadata kept, so
dtypes come back as they were), everything else as tagged JSON (numbers, text, None, lists, tuples,
dicts with text keys, dates). A value of any other type is not stored (the read is simply computed).

Keyed also by the code (`code_key`: the source of store/ and analysis/ and the library versions),
so a deployment of changed reads never gets results the old code computed.

Bounded: one row per (read, arguments, part range) (a new stamp replaces the old row), no row over
`MAX_ENTRY_BYTES`, and at most `MAX_TOTAL_BYTES` in all (the oldest rows go first).

Privacy: cached parts hold post texts and authors, so store.privacy.erase (forget, retention,
deleted at source) empties the table in the erasure's transaction (`clear`).

Never in the way of a page: a failure to read or write the cache (a locked SQLite file while the
scheduler writes, a table not migrated yet) is logged and the read is computed as if no cache existed.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
from sqlalchemy import Connection, Engine, Integer, Text, cast, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from store.schema import meta, read_cache

log = logging.getLogger(__name__)
T = TypeVar("T")

#: a part bigger than this (encoded) is not kept.
MAX_ENTRY_BYTES = 32 * 1024 * 1024
#: the table's bound: past it the oldest rows are deleted.
MAX_TOTAL_BYTES = 256 * 1024 * 1024
#: how long (ms) a dashboard waits for a locked SQLite file before it gives up storing a part.
SQLITE_WRITE_WAIT_MS = 250
FORMAT = 1


class NotStorable(TypeError):
    """A value the cache does not encode (it is then computed, not stored)."""


# --------------------------------------------------------------------------------------- the codec


def _frame_bytes(frame: pd.DataFrame) -> tuple[bytes, dict[str, Any]]:
    """Arrow IPC of the frame; the index rides as columns (Arrow gives an index's string dtype back
    in another flavour), described in the returned header part."""
    index = frame.index
    if isinstance(index, pd.RangeIndex):
        shape: dict[str, Any] = {"range": [index.start, index.stop, index.step], "name": index.name}
        body = frame
    else:
        names = [f"$index{i}" for i in range(index.nlevels)]
        shape = {"levels": names, "names": list(index.names)}
        if any(n is not None and not isinstance(n, str) for n in index.names):
            raise NotStorable("index names must be text")
        body = frame.copy(deep=False)
        body.index = index.set_names(names)
        body = body.reset_index()
    # Arrow gives object columns of text back as pandas' string dtype: they are turned back on decode
    shape["objects"] = [str(c) for c, dtype in body.dtypes.items() if pd.api.types.is_object_dtype(dtype)]
    table = pa.Table.from_pandas(body, preserve_index=False)
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue(), shape


def _frame_from(data: bytes, shape: dict[str, Any]) -> pd.DataFrame:
    with pa.ipc.open_stream(io.BytesIO(data)) as stream:
        table = stream.read_all()
    frame = table.to_pandas()
    for column in shape.get("objects", ()):
        values = frame[column]
        if not pd.api.types.is_object_dtype(values.dtype):
            frame[column] = values.astype(object).where(values.notna(), None)
    if "range" in shape:
        frame.index = pd.RangeIndex(*shape["range"], name=shape["name"])
        return frame
    frame = frame.set_index(shape["levels"])
    frame.index = frame.index.set_names(shape["names"])
    return frame


def encode(value: Any) -> bytes:
    """A value as bytes: a JSON header (the structure, frames by number) followed by the frames'
    Arrow IPC streams. NotStorable for a value of another kind."""
    blobs: list[bytes] = []

    def walk(item: Any) -> Any:
        if item is None or isinstance(item, bool | str):
            return item
        if isinstance(item, int | float):
            if isinstance(item, float) and item != item:  # NaN has no JSON form
                return {"$nan": True}
            return item
        if isinstance(item, pd.DataFrame):
            if not all(isinstance(c, str) for c in item.columns):
                raise NotStorable("frame columns must be text")
            data, shape = _frame_bytes(item)
            blobs.append(data)
            return {"$frame": len(blobs) - 1, "shape": shape}
        if isinstance(item, pd.Series):
            name = item.name
            if name is not None and not isinstance(name, str):
                raise NotStorable("series name must be text")
            data, shape = _frame_bytes(item.to_frame("value"))
            blobs.append(data)
            return {"$series": len(blobs) - 1, "name": name, "shape": shape}
        if isinstance(item, datetime):
            return {"$datetime": item.isoformat()}
        if isinstance(item, date):
            return {"$date": item.isoformat()}
        if isinstance(item, tuple):
            return {"$tuple": [walk(v) for v in item]}
        if isinstance(item, list):
            return [walk(v) for v in item]
        if isinstance(item, dict):
            if not all(isinstance(k, str) and not k.startswith("$") for k in item):
                raise NotStorable("dict keys must be text")
            return {"$dict": {k: walk(v) for k, v in item.items()}}
        if type(item).__module__ == "numpy" and hasattr(item, "item"):
            return walk(item.item())  # numpy scalars (np.int64 counts) as Python numbers
        raise NotStorable(f"{type(item).__name__} is not stored")

    head = json.dumps({"format": FORMAT, "value": walk(value), "sizes": []}, allow_nan=False)
    header = json.loads(head)
    header["sizes"] = [len(b) for b in blobs]
    text = json.dumps(header, allow_nan=False).encode("utf-8")
    return len(text).to_bytes(8, "big") + text + b"".join(blobs)


def same(a: Any, b: Any) -> bool:
    """Whether a decoded value is exactly the encoded one (values, dtypes, index, names)."""
    if isinstance(a, pd.DataFrame):
        return (
            isinstance(b, pd.DataFrame)
            and list(a.columns) == list(b.columns)
            and list(a.dtypes) == list(b.dtypes)
            and a.index.dtype == b.index.dtype
            and list(a.index.names) == list(b.index.names)
            and a.equals(b)
        )
    if isinstance(a, pd.Series):
        return isinstance(b, pd.Series) and a.name == b.name and same(a.to_frame("v"), b.to_frame("v"))
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return bool(a == b) and (type(a) is type(b) or type(a).__module__ == "numpy")


def checked(value: Any) -> bytes:
    """`encode(value)`, verified: NotStorable unless decoding gives the value back exactly (a dtype
    that Arrow brings back otherwise, such as a categorical, is computed, not kept)."""
    data = encode(value)
    if not same(value, decode(data)):
        raise NotStorable(f"{type(value).__name__} does not come back exactly")
    return data


def decode(data: bytes) -> Any:
    """The value `encode` wrote."""
    size = int.from_bytes(data[:8], "big")
    header = json.loads(data[8 : 8 + size].decode("utf-8"))
    if header.get("format") != FORMAT:
        raise ValueError("unknown read cache format")
    blobs: list[bytes] = []
    at = 8 + size
    for length in header["sizes"]:
        blobs.append(data[at : at + length])
        at += length

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(v) for v in item]
        if not isinstance(item, dict):
            return item
        if "$frame" in item:
            return _frame_from(blobs[item["$frame"]], item["shape"])
        if "$series" in item:
            return _frame_from(blobs[item["$series"]], item["shape"])["value"].rename(item["name"])
        if "$nan" in item:
            return float("nan")
        if "$datetime" in item:
            return datetime.fromisoformat(item["$datetime"])
        if "$date" in item:
            return date.fromisoformat(item["$date"])
        if "$tuple" in item:
            return tuple(walk(v) for v in item["$tuple"])
        return {k: walk(v) for k, v in item["$dict"].items()}

    return walk(header["value"])


# ----------------------------------------------------------------------------------------- the keys


def arguments_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """The arguments as stable text (their repr), or None when a repr would differ between processes
    (an object shown by its address): such a read is not kept."""
    text = repr((args, sorted(kwargs.items())))
    if " at 0x" in text or " object at " in text:
        return None
    return text


_CODE: list[str] = []
#: the sources behind kept results: the reads (store/, analysis/), the migrations that may rewrite stored
#: rows, and the Reports page's preview (pipeline/export.py computes it, ui/reports.py shapes it).
CODE_FILES = ("store/*.py", "store/migrations/versions/*.py", "analysis/*.py", "pipeline/export.py", "ui/reports.py",
              "ui/metrics.py", "ui/queue_read.py", "frame.py", "platforms.py", "config.py")  # fmt: skip


def code_digest(root: Path) -> str:
    """The digest of CODE_FILES under `root` and the pandas and pyarrow versions."""
    digest = hashlib.sha256(f"{pd.__version__}:{pa.__version__}:{FORMAT}".encode())
    for path in sorted({p for pattern in CODE_FILES for p in root.glob(pattern) if p.is_file()}):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def code_key() -> str:
    """What the stored results were computed by (code_digest of this checkout): a deployment of other
    code never reads parts the old code stored."""
    if not _CODE:
        _CODE.append(code_digest(Path(__file__).resolve().parents[1]))
    return _CODE[0]


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------- the storage


def _short_wait(conn: Connection) -> None:
    """A cache write never waits long for the store's writer (the scheduler): it gives up instead."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_WRITE_WAIT_MS}")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{SQLITE_WRITE_WAIT_MS}ms'")


def _restore_wait(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA busy_timeout=30000")  # store.engine's value


#: `meta` key moved by every `clear`: a part read before an erasure is not stored after it.
EPOCH = "read_cache_epoch"


class _Erased(Exception):
    """An erasure emptied the cache while the part being stored was read."""


def _epoch(conn: Connection, lock: bool = False) -> str:
    query = select(meta.c.value).where(meta.c.key == EPOCH)
    return str(conn.execute(query.with_for_update() if lock else query).scalar() or "0")  # no row yet: "0"


def epoch(engine: Engine) -> str | None:
    """The erasure epoch now (what `save` takes for a part about to be read), or None when unreadable."""
    try:
        with engine.connect() as conn:
            return _epoch(conn)
    except SQLAlchemyError:
        return None


def load(engine: Engine, key: str) -> tuple[bool, Any, str | None]:
    """(True, value, epoch) when `key` is stored, else (False, None, epoch): `epoch` is what `save` takes."""
    epoch = None
    try:
        with engine.connect() as conn:
            epoch = _epoch(conn)
            data = conn.execute(select(read_cache.c.data).where(read_cache.c.key == key)).scalar()
        if data is None:
            return False, None, epoch
        return True, decode(bytes(data)), epoch
    except (SQLAlchemyError, ValueError, pa.ArrowException) as exc:
        log.warning("read cache: a stored part could not be read (%s); computing it", type(exc).__name__)
        return False, None, epoch


def save(
    engine: Engine, key: str, slot: str, name: str, value: Any, now: datetime | None = None, epoch: str | None = None
) -> bool:
    """Store `value` under `key`, replacing what `slot` (the same read, arguments and part range)
    held; prune past MAX_TOTAL_BYTES. False when the value is not stored (its kind, its size, a lock,
    or an erasure since `epoch` (load's) was read: the value may hold what it erased)."""
    try:
        data = checked(value)
    except (NotStorable, pa.ArrowException, TypeError, ValueError) as exc:
        log.debug("read cache: %s not stored: %s", name, exc)
        return False
    if len(data) > MAX_ENTRY_BYTES:
        return False
    try:
        with engine.begin() as conn:
            _short_wait(conn)
            try:
                # the epoch first (SQLite: this write takes the lock; PostgreSQL: FOR UPDATE waits for an erasure
                # under way), then the rows, in the order clear() takes them: no deadlock with an erasure
                _ensure_epoch(conn)
                if _epoch(conn, lock=True) != epoch:
                    raise _Erased
                conn.execute(delete(read_cache).where(read_cache.c.slot == slot))
                conn.execute(
                    insert(read_cache).values(
                        key=key,
                        slot=slot,
                        name=name[:128],
                        size=len(data),
                        data=data,
                        created_at=now or datetime.now(UTC),
                    )
                )
                _prune(conn)
            finally:
                _restore_wait(conn)
        return True
    except (SQLAlchemyError, _Erased) as exc:  # locked, a twin process stored it first, not migrated, erased meanwhile
        log.info("read cache: %s not stored (%s)", name, type(exc).__name__)
        return False


def _prune(conn: Connection, limit: int | None = None) -> int:
    """Delete the oldest rows until the table holds at most `limit` bytes (MAX_TOTAL_BYTES)."""
    limit = MAX_TOTAL_BYTES if limit is None else limit
    total = int(conn.execute(select(func.coalesce(func.sum(read_cache.c.size), 0))).scalar() or 0)
    if total <= limit:
        return 0
    removed = 0
    rows = conn.execute(
        select(read_cache.c.key, read_cache.c.size).order_by(read_cache.c.created_at, read_cache.c.key)
    ).all()
    doomed: list[str] = []
    for row in rows:
        if total <= limit:
            break
        doomed.append(str(row.key))
        total -= int(row.size)
        removed += 1
    for start in range(0, len(doomed), 400):
        conn.execute(delete(read_cache).where(read_cache.c.key.in_(doomed[start : start + 400])))
    return removed


def _ensure_epoch(conn: Connection) -> None:
    insert_ = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert_(meta).values(key=EPOCH, value="0").on_conflict_do_nothing(index_elements=["key"]))


def clear(conn: Connection) -> int:
    """Forget every stored part (erasure, retention): returns how many rows were deleted. Moves EPOCH
    first (its row stays locked until the erasure commits), so a part read before is not stored after."""
    _ensure_epoch(conn)
    conn.execute(update(meta).where(meta.c.key == EPOCH).values(value=cast(cast(meta.c.value, Integer) + 1, Text)))
    return int(conn.execute(delete(read_cache)).rowcount or 0)


def cached(
    engine: Engine,
    name: str,
    part: str,
    stamp: tuple[Any, ...],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    compute: Callable[[], T],
) -> T:
    """`compute()`, kept in the store under (name, arguments, part, stamp).

    `name` names the read (module.function), `part` the part's range; `stamp` must move whenever
    the result could change (store.touched.State.stamp). Reads whose arguments have no stable
    text, and stamps of an unrecorded write (a negative first number), are computed, not stored.
    """
    arguments = arguments_key(args, kwargs)
    if arguments is None or (stamp and isinstance(stamp[0], int) and stamp[0] < 0):
        return compute()
    slot = _digest(code_key(), name, arguments, part)
    key = _digest(slot, repr(stamp))
    found, value, epoch = load(engine, key)
    if found:
        kept: T = value
        return kept
    value = compute()
    save(engine, key, slot, name, value, epoch=epoch)
    return value
