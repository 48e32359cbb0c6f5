"""Imports of other tools' exports: platform aliases and other networks, engagement columns, the rows
named when skipped, and hostile values that skip one row (or stop the file with one clear message)."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from frame import PLATFORMS
from pipeline.filereaders import ImportFileError
from pipeline.importer import import_file
from tests.test_import import CONFIG, stored

runner = CliRunner()


@pytest.fixture
def cli_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # no monitor.toml here: the built-in demo config
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path


def _import(*args: str):  # type: ignore[no-untyped-def]
    from cli import app

    return runner.invoke(app, ["import", *args])


def test_platform_aliases_and_other_networks_are_stored(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    names = ["Twitter", "X", "hn", "Hacker News", "Instagram", "FACEBOOK", "linkedin", "YouTube", "tiktok", "myspace"]
    path = tmp_path / "sprout.csv"
    lines = ["Message,Date,Network"] + [f"acme post {i},2026-05-0{1 + i % 9},{n}" for i, n in enumerate(names)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(sqlite_engine, CONFIG, path)
    assert result.new == 9
    assert result.skipped == {"unknown platform 'myspace'": 1}
    assert result.where == {"unknown platform 'myspace'": [11]}  # the header is row 1
    counts = stored(sqlite_engine)["platform"].value_counts().to_dict()
    assert counts == {
        "x": 2,
        "hackernews": 2,
        "instagram": 1,
        "facebook": 1,
        "linkedin": 1,
        "youtube": 1,
        "tiktok": 1,
    }
    assert {"instagram", "facebook", "linkedin", "youtube", "tiktok"} <= set(PLATFORMS)
    again = import_file(sqlite_engine, CONFIG, path, platform="Twitter")  # --platform takes the aliases too
    assert again.skipped == {} and set(stored(sqlite_engine)["platform"]) >= {"x"}


def test_engagement_columns_of_other_tools(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "hootsuite.csv"
    path.write_text(
        "Post ID,Message,Date,Reactions,Comments,Shares,Impressions,Engagements\n"
        "1,acme parts,2026-05-01,10,2,3,500,99\n"  # parts given: the total is ignored
        "2,acme total only,2026-05-01,,,,40,7\n"  # no parts: the total counts as likes
        "3,acme nothing,2026-05-01,,,,,\n",
        encoding="utf-8",
    )
    assert import_file(sqlite_engine, CONFIG, path).new == 3
    rows = stored(sqlite_engine).set_index("post_id")
    assert rows.loc["1", ["likes", "replies", "reposts", "views"]].tolist() == [10, 2, 3, 500]
    assert rows.loc["2", "likes"] == 7 and pd.isna(rows.loc["2", "replies"]) and rows.loc["2", "views"] == 40
    assert pd.isna(rows.loc["3", "likes"])
    reach = tmp_path / "brandwatch.csv"
    reach.write_text("id,text,date,Likes,Reach,Engagement\n9,acme reach,2026-05-02,,1200,5\n", encoding="utf-8")
    assert import_file(sqlite_engine, CONFIG, reach).new == 1
    row = stored(sqlite_engine).set_index("post_id").loc["9"]
    assert (row["views"], row["likes"]) == (1200, 5)


GOOD = "ok acme,2026-01-02,3\n"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("early.csv", "text,created_at,likes\nold acme,0001-01-01,1\n" + GOOD, "date outside the supported range"),
        ("late.csv", "text,created_at,likes\nfar acme,9999-12-31,1\n" + GOOD, "date outside the supported range"),
        ("big.csv", "text,created_at,likes\nbig acme,2026-01-01,9223372036854775808\n" + GOOD, "likes of"),
        ("huge.csv", "text,created_at,likes\nhuge acme,2026-01-01,1e400\n" + GOOD, "likes of"),
        (
            "surrogate.jsonl",
            '{"text": "bad \\ud800 acme", "created_at": "2026-01-01"}\n{"text": "ok acme", "created_at": "2026-01-02"}\n',
            "lone surrogate",
        ),
        (
            "surrogate.json",
            '[{"text": "bad \\udc00 acme", "created_at": "2026-01-01"}, {"text": "ok acme", "created_at": "2026-01-02"}]',
            "lone surrogate",
        ),
        (
            "deep.jsonl",
            '{"text": "deep acme", "created_at": "2026-01-01", "n": '
            + "[" * 5000
            + "]" * 5000
            + '}\n{"text": "ok acme", "created_at": "2026-01-02"}\n',
            "nested more than",
        ),
    ],
)
def test_one_bad_value_skips_its_row_not_the_file(
    sqlite_engine,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    name: str,
    content: str,
    reason: str,
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = import_file(sqlite_engine, CONFIG, path)
    assert result.new == 1, result.lines()
    assert len(result.skipped) == 1 and reason in next(iter(result.skipped)), result.skipped
    assert list(result.where.values()) in ([[1]], [[2]])  # the first record, named (row 2 under a CSV header)
    assert stored(sqlite_engine)["text"].tolist() == ["ok acme"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("deep.json", "[" + "[" * 5000 + "]" * 5000 + "]", "nested more than 200 levels deep"),
        ("deepobj.json", '{"data": ' + "[" * 5000 + "]" * 5000 + "}", "nested more than 200 levels deep"),
        ("wide.csv", "text,created_at," + "x" * 140_000 + "\n" + GOOD, "over 128 KB"),
        ("header.csv", "text,created_at", "no rows"),
        ("header_nl.csv", "text,created_at\n", "no rows"),
    ],
)
def test_unusable_files_are_one_clear_message(cli_store: Path, name: str, content: str, message: str) -> None:
    path = cli_store / name
    path.write_text(content, encoding="utf-8")
    done = _import(str(path))
    assert done.exit_code == 2, done.output
    assert message in done.output and "Traceback" not in done.output
    assert len(done.output.splitlines()) == 1


def test_binary_saved_as_csv_shows_a_short_escaped_excerpt(cli_store: Path) -> None:
    path = cli_store / "random.csv"
    path.write_bytes(random.Random(3).randbytes(3000))
    done = _import(str(path))
    assert done.exit_code == 2
    columns = done.output.split("The file's columns: ", 1)[1].split(". Name them", 1)[0]
    assert len(columns) <= 260
    assert all(c.isprintable() for c in done.output.rstrip("\n")), repr(done.output)


def test_an_import_that_stores_nothing_exits_1_and_names_the_rows(cli_store: Path) -> None:
    path = cli_store / "all_bad.csv"
    path.write_text(
        "text,created_at,platform\n"
        + "".join(f"acme {i},2026-01-01,myspace\n" for i in range(8))
        + "acme dateless,,x\n",
        encoding="utf-8",
    )
    done = _import(str(path))
    assert done.exit_code == 1, done.output
    assert "skipped 8: unknown platform 'myspace' (rows 2, 3, 4, 5, 6, ...)" in done.output
    assert "skipped 1: no parseable date (row 10)" in done.output
    assert "nothing imported: every row was skipped" in done.output
    lines = cli_store / "lines.jsonl"
    lines.write_text('{"text": "acme", "created_at": ""}\nnot json\n', encoding="utf-8")
    jsonl = _import(str(lines))
    assert jsonl.exit_code == 1 and "line that is not valid JSON (line 2)" in jsonl.output
    fine = cli_store / "fine.csv"
    fine.write_text("text,created_at\nacme ok,2026-01-01\nacme,\n", encoding="utf-8")
    assert _import(str(fine)).exit_code == 0


def test_a_bad_value_never_reaches_the_store_through_a_direct_call(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "counts.csv"
    path.write_text("text,created_at,views,followers\nacme a,2026-01-01,1e309,1\nacme b,2026-01-01,5,-1e999\n", "utf-8")
    result = import_file(sqlite_engine, CONFIG, path)
    assert result.new == 0 and sum(result.skipped.values()) == 2 and result.nothing_stored
    with pytest.raises(ImportFileError, match="no rows"):
        import_file(sqlite_engine, CONFIG, _write(tmp_path / "empty.json", "[]"))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
