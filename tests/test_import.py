"""File import: column mapping, time zones, skips with reasons, idempotence, JSON flavours, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from collectors.base import FatalError
from config import Brand, Config, Source
from pipeline.filereaders import ImportFileError
from pipeline.importcolumns import derived_ids, parse_mapping, resolve_columns
from pipeline.importer import FileCollector, import_file
from pipeline.runner import run_source
from store import writer
from store.schema import mention_state, mentions, rollup_hourly

DATA = Path(__file__).parent / "data" / "import"
CONFIG = Config(
    path=None,
    brands=(
        Brand(name="Acme", keywords=("acme",), competitors=("Globex",), handles={"x": "acme"}),
        Brand(name="Globex", keywords=("globex",)),
        Brand(name="Initech", keywords=("initech",)),
    ),
    sources=(),
)


def stored(engine) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        rows = conn.execute(select(mentions).order_by(mentions.c.platform, mentions.c.post_id)).mappings().all()
    return pd.DataFrame([dict(r) for r in rows])


def test_tool_export_csv_maps_common_columns_and_honours_offsets(sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    result = import_file(sqlite_engine, CONFIG, DATA / "airline_style.csv", platform="x")
    assert (result.rows, result.new, result.already_stored) == (6, 4, 0)
    assert result.skipped == {"no text": 1, "no parseable date": 1}
    rows = stored(sqlite_engine).set_index("post_id")
    first = rows.loc["570306133677760513"]  # 19-digit ids kept exactly
    assert first["created_at"].replace(tzinfo=None) == pd.Timestamp("2015-02-24 19:35:52").to_pydatetime()
    assert (first["author_handle"], first["platform"], first["brand"], first["kind"]) == (
        "cairdin",
        "x",
        "Acme",
        "post",
    )
    assert first["url"] == "https://x.com/cairdin/status/570306133677760513"
    assert (
        rows.loc["570301130888122368", "text"] == '@acme plus you\'ve added commercials to the experience... "tacky".'
    )
    assert rows.loc["570301130888122368", "reposts"] == 2
    globex = rows.loc["570301083672813571"]
    assert globex["text"] == "Globex didn't answer,\nagain. Two days now." and globex["brand"] == "Globex"
    assert globex["matched"] == "globex" and globex["sentiment_label"] in ("negative", "neutral", "positive")
    own = rows.loc["570301031407624196"]
    assert own["is_own"] and (own["kind"], own["parent_id"]) == ("reply", "570306133677760513")
    with sqlite_engine.connect() as conn:
        state = conn.execute(
            select(mention_state.c.response_post_id, mention_state.c.status)
            .join(mentions, mentions.c.id == mention_state.c.mention_id)
            .where(mentions.c.post_id == "570306133677760513")
        ).one()
    assert tuple(state) == ("570301031407624196", "replied")  # scored and flagged like collected ones
    assert "  skipped 1: no text (row 6)" in result.lines()  # spreadsheet rows: the header is row 1


def test_importing_the_same_file_again_changes_nothing(engine) -> None:  # type: ignore[no-untyped-def]
    import_file(engine, CONFIG, DATA / "airline_style.csv")
    before = stored(engine)
    again = import_file(engine, CONFIG, DATA / "airline_style.csv")
    assert (again.new, again.already_stored) == (0, 4)
    pd.testing.assert_frame_equal(before, stored(engine))
    assert set(before["platform"]) == {"csv"}  # the default platform


def test_rows_without_ids_get_stable_derived_ids(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "no_ids.csv"
    path.write_text(
        "author,message,date\nann,acme is great,2024-05-01T10:00:00Z\n"
        "bob,acme is slow,2024-05-01T11:00:00Z\nann,acme is great,2024-05-01T10:00:00Z\n",
        encoding="utf-8",
    )
    first = import_file(sqlite_engine, CONFIG, path)
    assert first.new == 2 and first.skipped == {"repeated id in the file (the last row is kept)": 1}
    ids = sorted(stored(sqlite_engine)["post_id"])
    assert all(i.startswith("import-") and len(i) == 31 for i in ids)
    assert import_file(sqlite_engine, CONFIG, path).new == 0 and sorted(stored(sqlite_engine)["post_id"]) == ids
    times = pd.Series(pd.to_datetime(["2024-05-01T10:00:00Z"] * 2, utc=True))
    a = derived_ids(pd.Series(["csv", "csv"]), pd.Series(["ann", "ann"]), times, pd.Series(["x", "y"]))
    assert a[0] != a[1]


def test_repeated_ids_keep_the_last_row_across_chunks_too(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "dupes.csv"
    path.write_text(
        "id,text,created_at,likes\n1,acme one,2024-05-01 10:00,1\n1,acme one,2024-05-01 10:00,5\n"
        "2,acme two,2024-05-01 11:00,0\n3,acme three,2024-05-01 12:00,0\n1,acme one,2024-05-01 10:00,9\n",
        encoding="utf-8",
    )
    result = import_file(sqlite_engine, CONFIG, path, chunk_rows=2)
    assert (result.rows, result.new, result.already_stored) == (5, 3, 1)
    assert result.skipped == {"repeated id in the file (the last row is kept)": 1}
    assert stored(sqlite_engine).set_index("post_id").loc["1", "likes"] == 9


@pytest.mark.parametrize(
    ("encoding", "bom", "expected", "note"),
    [
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig", None),
        ("utf-16", b"", "utf-16", None),
        ("utf-16-le", b"", "utf-16-le", "no byte-order mark"),
        ("cp1252", b"", "cp1252", "not valid UTF-8 (first bad byte at offset"),
        ("utf-8", b"", "utf-8", None),
    ],
)
def test_encodings(
    sqlite_engine,
    tmp_path,
    encoding: str,
    bom: bytes,
    expected: str,  # type: ignore[no-untyped-def]
    note: str | None,
) -> None:
    path = tmp_path / "enc.csv"
    text = "id,text,date\n1,“Acme” costs 5 € – naïve café,2024-05-01 10:00\n"
    path.write_bytes(bom + text.encode(encoding))
    result = import_file(sqlite_engine, CONFIG, path)
    assert result.encoding == expected and result.new == 1
    assert stored(sqlite_engine)["text"][0] == "“Acme” costs 5 € – naïve café"
    assert (note is None and not result.notes) or (note and note in result.notes[0])


def test_latin1_bytes_that_cp1252_lacks_and_a_forced_encoding(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "latin.csv"
    path.write_bytes("id,text,date\n1,acme caf\xe9 \x81,2024-05-01 10:00\n".encode("latin-1"))
    result = import_file(sqlite_engine, CONFIG, path)
    assert result.encoding == "latin-1" and "read as latin-1" in result.notes[0]
    forced = tmp_path / "forced.csv"
    forced.write_bytes("id,text,date\n2,acme ÿ,2024-05-01 10:00\n".encode())
    assert import_file(sqlite_engine, CONFIG, forced, encoding="latin-1").encoding == "latin-1"
    assert "Ã¿" in stored(sqlite_engine).set_index("post_id").loc["2", "text"]
    with pytest.raises(ImportFileError, match="unknown encoding"):
        import_file(sqlite_engine, CONFIG, forced, encoding="klingon")


def test_quotes_newlines_huge_fields_and_crlf(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    huge = "acme " + "x" * 1_000_000
    frame = pd.DataFrame(
        {
            "id": ["1", "2", "3"],
            "text": ['she said "acme, really?"\nthen left', huge, "acme;semi|pipe"],
            "created_at": ["2024-05-01T10:00:00Z"] * 3,
        }
    )
    path = tmp_path / "odd.csv"
    frame.to_csv(path, index=False, lineterminator="\r\n")
    result = import_file(sqlite_engine, CONFIG, path)
    assert result.new == 3 and not result.skipped
    rows = stored(sqlite_engine).set_index("post_id")
    assert rows.loc["1", "text"] == 'she said "acme, really?"\nthen left'
    assert len(rows.loc["2", "text"]) == 40_000  # cut at the frame's MAX_TEXT_CHARS, never a crash
    assert rows.loc["3", "text"] == "acme;semi|pipe"
    long_id = tmp_path / "long_id.csv"
    long_id.write_text(
        f'id,text,date,lang\nhttps://example.com/{"a" * 200},acme,2024-05-01,"en-US,en;q=0.9,de;q=0.8"\n',
        encoding="utf-8",
    )
    import_file(sqlite_engine, CONFIG, long_id)
    row = stored(sqlite_engine).set_index("text").loc["acme"]
    assert row["post_id"].startswith("sha1:") and len(row["post_id"]) == 45 and len(row["lang"]) == 16


def test_malformed_lines_and_repeated_column_names(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ragged.csv"
    path.write_text(
        "id,text,created_at,text\n1,acme one,2024-05-01,dup\n2,acme two\n3,acme three,2024-05-02,x,extra\n"
        "4,acme four,2024-05-03,y\n",
        encoding="utf-8",
    )
    result = import_file(sqlite_engine, CONFIG, path)
    assert result.new == 2 and result.skipped == {"malformed CSV line (wrong number of fields)": 2}
    assert set(stored(sqlite_engine)["text"]) == {"acme one", "acme four"}  # the first "text" column wins
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match="empty"):
        import_file(sqlite_engine, CONFIG, empty)


def test_missing_columns_are_named_and_map_fixes_them(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "custom.csv"
    path.write_text("Post,When,Who\nacme rocks,2024-05-01 10:00,ann\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        import_file(sqlite_engine, CONFIG, path)
    message = str(caught.value)
    assert "missing columns: text (looked for: text, full_text, body" in message and "created_at (" in message
    assert "The file's columns: Post, When, Who" in message and "--map" in message
    result = import_file(
        sqlite_engine, CONFIG, path, mapping=parse_mapping("Post=text,When=created_at,Who=author_handle")
    )
    assert result.new == 1 and stored(sqlite_engine)["author_handle"][0] == "ann"
    with pytest.raises(ImportFileError, match="no column 'Nope'"):
        import_file(sqlite_engine, CONFIG, path, mapping=parse_mapping(["Nope=text"]))
    with pytest.raises(ImportFileError, match="'txt' is not a field"):
        parse_mapping("Post=txt")
    with pytest.raises(ImportFileError, match="expected COLUMN=FIELD"):
        parse_mapping("Post")


def test_time_zones_epochs_and_naive_times(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "times.csv"
    path.write_text(
        "id,text,timestamp\n1,acme a,2024-07-01 12:00:00\n2,acme b,2024-07-01T12:00:00+02:00\n"
        "3,acme c,2024-07-01T12:00:00Z\n4,acme d,1719835200\n5,acme e,1719835200000\n"
        '6,acme f,"Mon, 01 Jul 2024 12:00:00 GMT"\n',
        encoding="utf-8",
    )
    import_file(sqlite_engine, CONFIG, path, timezone="Europe/Berlin")
    times = stored(sqlite_engine).set_index("post_id")["created_at"].map(lambda t: t.strftime("%H:%M"))
    assert times.to_dict() == {"1": "10:00", "2": "10:00", "3": "12:00", "4": "12:00", "5": "12:00", "6": "12:00"}
    with pytest.raises(ImportFileError, match="unknown time zone"):
        import_file(sqlite_engine, CONFIG, path, timezone="Mars/Olympus")


def test_json_lines_with_nested_objects_and_bad_lines(sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    result = import_file(sqlite_engine, CONFIG, DATA / "x_v1.jsonl", platform="x")
    assert result.fmt == "jsonl" and result.new == 3
    assert result.skipped == {"line that is not valid JSON": 1, "JSON value that is not an object": 1}
    rows = stored(sqlite_engine).set_index("post_id")
    buds = rows.loc["1050118621198921728"]
    assert (buds["author_handle"], buds["author_name"], buds["author_followers"]) == ("buds_owner", "Buds Owner", 512)
    assert buds["created_at"].strftime("%Y-%m-%d %H:%M:%S") == "2018-10-10 20:19:24"
    assert (buds["likes"], buds["reposts"]) == (3, 1)
    answer = rows.loc["1050118621198921729"]
    assert answer["is_own"] and answer["parent_id"] == "1050118621198921728"
    assert rows.loc["1050118621198921730", "brand"] == "Initech"
    assert rows.loc["1050118621198921730", "created_at"].strftime("%H:%M") == "21:00"


def test_json_documents_wrapped_or_streamed(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wrapped = import_file(sqlite_engine, CONFIG, DATA / "x_v2.json", brand="Acme")
    assert wrapped.fmt == "json" and wrapped.new == 2
    row = stored(sqlite_engine).set_index("post_id").loc["1460323737035677698"]
    assert (row["likes"], row["replies"], row["reposts"], row["quotes"], row["views"]) == (40, 2, 5, 1, 1500)
    big = tmp_path / "array.json"
    records = [{"id": i, "text": f"acme post {i} " + "é" * (i % 7), "date": 1719835200 + i} for i in range(3000)]
    big.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    streamed = import_file(sqlite_engine, CONFIG, big, chunk_rows=1000)
    assert streamed.new == 3000 and not streamed.skipped
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": 1, "text": "acme", "date": 1719835200}, {"id": 2, "te', encoding="utf-8")
    with pytest.raises(ImportFileError, match="not valid JSON|not closed"):
        import_file(sqlite_engine, CONFIG, broken)


def test_brand_and_platform_options(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "plain.csv"
    path.write_text(
        "text,created_at,platform\nsomething unrelated,2024-05-01,reddit\nglobex news,2024-05-01,myspace\n",
        encoding="utf-8",
    )
    result = import_file(sqlite_engine, CONFIG, path)
    assert result.skipped == {"unknown platform 'myspace'": 1}
    row = stored(sqlite_engine).iloc[0]
    assert (row["platform"], row["brand"], row["matched"]) == ("reddit", "Acme", "import")  # the first own brand
    assert import_file(sqlite_engine, CONFIG, path, brand="Globex", platform="rss").new == 2
    assert set(stored(sqlite_engine)["brand"]) == {"Acme", "Globex"}
    with pytest.raises(ImportFileError, match="not a configured brand"):
        import_file(sqlite_engine, CONFIG, path, brand="Nobody")
    with pytest.raises(ImportFileError, match="--platform 'myspace'"):
        import_file(sqlite_engine, CONFIG, path, platform="myspace")


def test_column_names_are_matched_loosely() -> None:
    columns = resolve_columns(
        ["Tweet Id", "Full Text", "Created At", "User.Screen_Name", "Favorite Count", "ID", "name"]
    )
    assert columns == {
        "post_id": ("ID", "Tweet Id"),
        "text": ("Full Text",),
        "created_at": ("Created At",),
        "author_handle": ("User.Screen_Name",),
        "author_name": ("name",),
        "likes": ("Favorite Count",),
    }


def test_cli_import_prints_counts_and_reasons(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    done = runner.invoke(app, ["import", str(DATA / "airline_style.csv"), "--platform", "x"])
    assert done.exit_code == 0, done.output
    assert "airline_style.csv (csv, utf-8): 6 rows read, 4 new, 0 already stored, 2 skipped" in done.output
    assert "skipped 1: no parseable date" in done.output
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    failed = runner.invoke(app, ["import", str(bad), "--map", "a=text"])
    assert failed.exit_code == 2 and "missing columns: created_at" in failed.output
    missing = runner.invoke(app, ["import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_a_csv_source_imports_its_file_when_it_changes(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "drop.csv"
    path.write_text("Message,When\nacme is late,2024-05-01 10:00\n", encoding="utf-8")
    src = Source(
        name="drop",
        platform="csv",
        brand="Acme",
        every_seconds=3600,
        options={"path": str(path), "map": {"Message": "text", "When": "created_at"}},
    )
    config = Config(path=None, brands=CONFIG.brands, sources=(src,))
    first = run_source(sqlite_engine, config, src, sleep=lambda s: None)
    assert (first.status, first.fetched, first.new) == ("ok", 1, 1)
    unchanged = run_source(sqlite_engine, config, src, sleep=lambda s: None)
    assert (unchanged.status, unchanged.fetched, unchanged.cursor) == ("ok", 0, first.cursor)
    path.write_text("Message,When\nacme is late,2024-05-01 10:00\nacme replied,2024-05-01 12:00\n", encoding="utf-8")
    grown = run_source(sqlite_engine, config, src, sleep=lambda s: None)
    assert (grown.fetched, grown.new) == (2, 1)
    assert set(stored(sqlite_engine)["source"]) == {"drop"} and set(stored(sqlite_engine)["brand"]) == {"Acme"}
    with pytest.raises(FatalError, match="more than 1 rows"):
        FileCollector(src, config, max_rows=1).collect(None)
    gone = Source(name="gone", platform="csv", brand="Acme", every_seconds=3600, options={"path": "nope.csv"})
    with pytest.raises(FatalError, match="no file at"):
        FileCollector(gone, config).collect(None)
    with pytest.raises(FatalError, match="needs `path`"):
        FileCollector(Source(name="x", platform="csv", brand="Acme", every_seconds=60), config)


def test_platform_aliases_and_import_only_platforms(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mixed.csv"
    path.write_text(
        "id,text,created_at,platform\n1,acme a,2024-05-01,Twitter\n2,acme b,2024-05-01,HN\n"
        "3,acme c,2024-05-01,Instagram\n4,acme d,2024-05-01,tiktok\n5,acme e,2024-05-01,myspace\n",
        encoding="utf-8",
    )
    result = import_file(sqlite_engine, CONFIG, path)
    assert result.new == 4 and result.skipped == {"unknown platform 'myspace'": 1}
    assert sorted(stored(sqlite_engine)["platform"]) == ["hackernews", "instagram", "tiktok", "x"]
    again = import_file(sqlite_engine, CONFIG, path, platform="twitter")  # --platform takes an alias too
    assert (again.new, again.already_stored) == (4, 1)  # every row as x: only row 1 was stored as x


def _rollups(engine) -> list[tuple]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(rollup_hourly).order_by(*rollup_hourly.primary_key.columns))]


def test_a_chunked_import_is_one_write_with_its_rollups_rebuilt_once(sqlite_engine, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "hours.csv"
    rows = [f"{i},acme is down again? #{i},2024-05-0{1 + i % 3} {10 + i}:30,{i}" for i in range(7)]
    path.write_text("id,text,created_at,likes\n" + "\n".join(rows) + "\n", encoding="utf-8")
    calls: list[int] = []
    refresh = writer.refresh_rollups
    monkeypatch.setattr(writer, "refresh_rollups", lambda conn, ranges: (calls.append(1), refresh(conn, ranges)))
    result = import_file(sqlite_engine, CONFIG, path, chunk_rows=2)
    assert (result.rows, result.new, len(calls)) == (7, 7, 1)  # four chunks, one rebuild at the end
    imported = _rollups(sqlite_engine)
    assert sum(r[5] for r in imported) == 7 and len({r[0] for r in imported}) == 7  # every mention, in its own hour
    with sqlite_engine.begin() as conn:  # rebuilt from the stored mentions at once: the same rows
        refresh(conn, [(datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 4, tzinfo=UTC))])
    assert _rollups(sqlite_engine) == imported


def test_an_import_that_fails_part_way_stores_nothing(sqlite_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cut.json"
    records = [{"id": str(i), "text": f"acme {i}", "created_at": "2024-05-01 10:00"} for i in range(5)]
    path.write_text(json.dumps(records)[:-1], encoding="utf-8")  # the array is never closed
    with pytest.raises(ImportFileError, match="not closed"):
        import_file(sqlite_engine, CONFIG, path, chunk_rows=2)  # two chunks were read before the end
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(mentions.c.id)).first() is None
        assert conn.execute(select(rollup_hourly.c.hour)).first() is None
