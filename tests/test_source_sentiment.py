"""An imported file's own sentiment column: kept as `source_sentiment`, stored, exported, shown in the queue."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from config import load_config
from pipeline.export import export_week
from pipeline.importcolumns import resolve_columns, source_labels
from pipeline.importer import import_file
from store.schema import mentions
from tests import test_app_support as support
from tests.conftest import FIXED_NOW
from tests.test_app_support import Store, open_app, texts

seeded_db = support.seeded_db
store = support.store

WEEK = "2026-W46"  # 2026-11-09 .. 2026-11-15
WHEN = "2026-11-12T10:00:00Z"


def _stored(engine: Engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        rows = conn.execute(select(mentions.c.post_id, mentions.c.source_sentiment)).all()
    return dict(rows)  # type: ignore[arg-type]


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_text_labels_in_any_case_and_numbers_on_either_scale() -> None:
    labels, scale = source_labels(pd.Series(["Positive", " NEGATIVE ", "neutral", "neg", "mixed", None, ""]))
    assert labels.tolist() == ["positive", "negative", "neutral", "negative", pd.NA, pd.NA, pd.NA]
    assert scale is None
    signed, scale = source_labels(pd.Series(["0.6", "-0.05", "0.049", "-1", "1", "", "n/a"]))
    assert scale == "signed"
    assert signed.tolist() == ["positive", "negative", "neutral", "negative", "positive", pd.NA, pd.NA]
    stars, scale = source_labels(pd.Series(["1", "2", "3", "4", "5", "4.0"]))
    assert scale == "stars"
    assert stars.tolist() == ["negative", "negative", "neutral", "positive", "positive", "positive"]
    # a later chunk keeps the first chunk's scale: "1" on a 1-5 file is negative, not positive
    assert source_labels(pd.Series(["1", "1"]), "stars")[0].tolist() == ["negative", "negative"]
    # numbers on neither scale are not guessed at
    assert source_labels(pd.Series(["0", "50", "100"]))[0].isna().all()


def test_the_usual_column_names_are_found() -> None:
    for name in ("Sentiment", "sentiment", "Sentiment Score", "Tone", "source_sentiment"):
        assert resolve_columns(["Text", "Date", name])["source_sentiment"] == (name,)


def test_an_import_keeps_its_sentiment_column_and_the_weekly_csv_exports_it(engine: Engine, tmp_path: Path) -> None:
    config = load_config(None)
    labelled = _write(
        tmp_path / "brandwatch.csv",
        "Id,Text,Date,Sentiment",
        [
            f"b1,Acme support never answered my ticket,{WHEN},NEGATIVE",
            f"b2,Acme phone arrived today,{WHEN},Neutral",
            f"b3,love the acme phone,{WHEN},",
        ],
    )
    scored = _write(
        tmp_path / "stars.csv", "Id,Text,Date,Sentiment Score", [f"s1,acme phone is fine,{WHEN},5", f"s2,acme,{WHEN},2"]
    )
    plain = _write(tmp_path / "plain.csv", "Id,Text,Date", [f"p1,acme phone again,{WHEN}"])
    for path in (labelled, scored, plain):
        import_file(engine, config, path, platform="instagram")
    got = _stored(engine)
    assert got == {"b1": "negative", "b2": "neutral", "b3": None, "s1": "positive", "s2": "negative", "p1": None}

    export_week(engine, config, WEEK, tmp_path / "report", now=FIXED_NOW)
    exported = pd.read_csv(tmp_path / "report" / "mentions.csv", encoding="utf-8-sig", dtype=str)
    assert list(exported.columns[-3:]) == ["source_sentiment", "rating", "app_version"]
    by_id = dict(zip(exported["post_id"], exported["source_sentiment"], strict=True))
    assert by_id["b1"] == "negative" and by_id["s1"] == "positive"
    assert pd.isna(by_id["p1"]) and pd.isna(by_id["b3"])
    # ours is still ours: the file's label never replaces the stored sentiment
    ours = exported.set_index("post_id")["sentiment_label"]
    assert ours["b2"] in ("positive", "neutral", "negative")


def test_the_queue_shows_the_files_sentiment_beside_ours(store: Store, tmp_path: Path) -> None:
    when = (FIXED_NOW - timedelta(hours=2)).isoformat()
    path = _write(
        tmp_path / "listening.csv",
        "Id,Text,Date,Author,Tone",
        [f"q1,@acme my order never arrived and nobody answers. Where is my refund?,{when},mia,negative"],
    )
    import_file(store.engine, load_config(None), path, platform="instagram")
    assert store.scalar("SELECT needs_reply FROM mentions WHERE post_id = 'q1'")
    at = open_app("queue")
    at.multiselect(key="queue_platforms").set_value(["instagram"]).run()
    assert not at.exception, [e.value for e in at.exception]
    ours = store.scalar("SELECT sentiment_label FROM mentions WHERE post_id = 'q1'")
    assert f"Sentiment in the imported file: negative · ours: {ours}" in texts(at)


def test_the_queue_shows_no_such_line_for_collected_mentions(store: Store) -> None:
    at = open_app("queue")
    assert "Sentiment in the imported file" not in texts(at)


def test_ingest_stores_the_detected_language_only_where_the_platform_gave_none(sqlite_engine: Engine) -> None:
    from pipeline.ingest import ingest

    frame = pd.DataFrame(
        {
            "platform": "x",
            "post_id": ["fr", "en", "given", "ok"],
            "text": [
                "Bonjour, ma commande n'est toujours pas arrivée et personne ne répond au téléphone",
                "my order still has not arrived and nobody answers the phone at all",
                "Bonjour, ma commande n'est toujours pas arrivée et personne ne répond au téléphone",
                "ok",
            ],
            "lang": [None, None, "de", None],
            "created_at": pd.Timestamp(FIXED_NOW),
            "brand": "Acme",
            "kind": "post",
            "is_own": False,
        }
    )
    ingest(sqlite_engine, frame, list(load_config(None).brands))
    with sqlite_engine.connect() as conn:
        got = dict(conn.execute(select(mentions.c.post_id, mentions.c.lang)).all())  # type: ignore[arg-type]
        labels = dict(conn.execute(select(mentions.c.post_id, mentions.c.sentiment_label)).all())  # type: ignore[arg-type]
    assert (got["fr"], got["en"], got["given"]) == ("fr", "en", "de")  # a platform's language is never replaced
    assert labels["fr"] == "unscored" and labels["en"] != "unscored"
