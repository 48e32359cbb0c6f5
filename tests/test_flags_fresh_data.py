"""tests/data/flags_fresh.csv (issue 12): its shape only.

The set was written blind to the flag rules and scored once as held-out (session 3); it is development
data since session 4 (flags_fresh.md, "Status"; tests/test_flags.py scores the rules on it). These
tests check the file (columns, values, no duplicates, no overlap with flags_labelled.csv, enough
brands, the counts in flags_fresh.md), and the same shape for session 4's tests/data/flags_dev_extra2.csv."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

import platforms

DATA = Path(__file__).parent / "data"
FRESH = DATA / "flags_fresh.csv"
LABELLED = DATA / "flags_labelled.csv"
NOTES = DATA / "flags_fresh.md"
EXTRA2 = DATA / "flags_dev_extra2.csv"

LABELS = {"question", "help", "complaint", "praise", "chatter"}
KINDS = {"post", "reply", "comment"}


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def same_text(text: str) -> str:
    """Texts compared case-blind with whitespace collapsed."""
    return re.sub(r"\s+", " ", text).strip().casefold()


@pytest.fixture(scope="module")
def fresh() -> pd.DataFrame:
    return read(FRESH)


def test_columns_are_those_of_the_labelled_set() -> None:
    with LABELLED.open(encoding="utf-8", newline="") as f:
        labelled_header = next(csv.reader(f))
    with FRESH.open(encoding="utf-8", newline="") as f:
        fresh_header = next(csv.reader(f))
    assert fresh_header == labelled_header


def test_fixed_columns(fresh: pd.DataFrame) -> None:
    assert len(fresh) >= 380
    assert set(fresh["split"]) == {"fresh"}
    assert set(fresh["group"]) == {"main"}
    assert set(fresh["is_own"]) == {"False"}
    assert set(fresh["lang"]) == {"en"}


def test_values_are_in_their_allowed_sets(fresh: pd.DataFrame) -> None:
    assert set(fresh["label"]) == LABELS
    assert set(fresh["expect_reply"]) == {"True", "False"}
    assert set(fresh["kind"]) == KINDS
    assert set(fresh["platform"]) == {"x", "reddit", "bluesky", "mastodon", "hackernews"}
    assert set(fresh["platform"]) <= set(platforms.COLLECTED)
    assert fresh["author_followers"].str.fullmatch(r"\d+").all()
    assert (fresh["text"].str.strip() != "").all()
    assert (fresh["brand"].str.strip() != "").all()


def test_ids_are_unique_and_apart_from_the_labelled_set(fresh: pd.DataFrame) -> None:
    labelled = read(LABELLED)
    assert fresh["id"].is_unique and fresh["post_id"].is_unique
    assert not set(fresh["id"]) & set(labelled["id"])
    assert not set(fresh["post_id"]) & set(labelled["post_id"])
    assert (fresh["post_id"] == fresh["platform"] + "-" + fresh["id"]).all()


def test_labels_agree_with_expect_reply(fresh: pd.DataFrame) -> None:
    """praise and chatter never need a reply, help always does (the labelling guide in flags_fresh.md)."""
    by_label = fresh.groupby("label")["expect_reply"].agg(set).to_dict()
    assert by_label["praise"] == {"False"} and by_label["chatter"] == {"False"}
    assert by_label["help"] == {"True"}
    assert by_label["complaint"] == {"True", "False"} and by_label["question"] == {"True", "False"}
    share = (fresh["expect_reply"] == "True").mean()
    assert 0.45 <= share <= 0.55, share


def test_no_duplicate_texts(fresh: pd.DataFrame) -> None:
    texts = fresh["text"].map(same_text)
    assert texts[texts.duplicated()].tolist() == []


def test_no_text_shared_with_the_labelled_set(fresh: pd.DataFrame) -> None:
    labelled = set(read(LABELLED)["text"].map(same_text))
    shared = [t for t in fresh["text"] if same_text(t) in labelled]
    assert shared == []


def test_many_brands_and_none_of_the_demo_ones(fresh: pd.DataFrame) -> None:
    per_brand = fresh["brand"].value_counts()
    assert len(per_brand) >= 12
    assert per_brand.min() >= 15
    assert not {"Acme", "Globex", "Initech"} & set(per_brand.index)
    assert (fresh.groupby("brand")["expect_reply"].agg(set).map(len) == 2).all()


def test_every_platform_has_both_answers(fresh: pd.DataFrame) -> None:
    assert (fresh.groupby("platform")["expect_reply"].agg(set).map(len) == 2).all()


def table_rows(fresh: pd.DataFrame, column: str) -> list[str]:
    rows = []
    for value, part in fresh.groupby(column):
        rows.append(f"| {value} | {len(part)} | {(part['expect_reply'] == 'True').sum()} |")
    return rows


def test_counts_in_the_notes_match_the_file(fresh: pd.DataFrame) -> None:
    notes = NOTES.read_text(encoding="utf-8")
    true = int((fresh["expect_reply"] == "True").sum())
    assert (
        f"Rows: {len(fresh)}; expect_reply True: {true}; expect_reply False: {len(fresh) - true}; "
        f"brands: {fresh['brand'].nunique()}"
    ) in notes
    lines = set(notes.splitlines())
    for column in ("label", "platform", "kind", "brand"):
        missing = [row for row in table_rows(fresh, column) if row not in lines]
        assert missing == [], column
    for (label, answer), part in fresh.groupby(["label", "expect_reply"]):
        assert f"| {label} | {answer} | {len(part)} |" in lines
    assert f"{fresh['brand'].nunique()} brands from different industries" in notes


def test_session_four_extra_posts_shape() -> None:
    """flags_dev_extra2.csv (flags_dev_extra2.md): same columns, ids apart from the other sets, no shared text."""
    extra2 = read(EXTRA2)
    with EXTRA2.open(encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == list(read(LABELLED).columns)
    assert set(extra2["split"]) == {"dev"} and set(extra2["label"]) == LABELS
    assert set(extra2["expect_reply"]) == {"True", "False"}
    assert extra2["id"].is_unique
    others = pd.concat([read(LABELLED), read(FRESH), read(DATA / "flags_dev_extra.csv")])
    assert not set(extra2["id"]) & set(others["id"])
    assert not set(extra2["text"].map(same_text)) & set(others["text"].map(same_text))
    assert not {"Acme", "Globex", "Initech"} & set(extra2["brand"])
    by_label = extra2.groupby("label")["expect_reply"].agg(set).to_dict()
    assert by_label["praise"] == {"False"} and by_label["chatter"] == {"False"} and by_label["help"] == {"True"}
