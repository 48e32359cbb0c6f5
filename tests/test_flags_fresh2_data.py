"""tests/data/flags_fresh2.csv, the second blind held-out set of issue 12: its shape only.

The set was written blind to the flag rules. These tests check the file (columns, values, no
duplicates, no overlap with the earlier sets, brands, the counts in flags_fresh2.md); they
deliberately do not score the rules on it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

import platforms

DATA = Path(__file__).parent / "data"
FRESH2 = DATA / "flags_fresh2.csv"
NOTES = DATA / "flags_fresh2.md"
EARLIER = (DATA / "flags_labelled.csv", DATA / "flags_dev_extra.csv", DATA / "flags_fresh.csv")

LABELS = {"question", "help", "complaint", "praise", "chatter"}
KINDS = {"post", "reply", "comment"}
COLUMNS = [
    "id",
    "platform",
    "post_id",
    "kind",
    "brand",
    "is_own",
    "author_handle",
    "author_followers",
    "lang",
    "url",
    "thread_id",
    "text",
    "label",
    "group",
    "split",
    "expect_reply",
]
# Brands of the earlier sets (flags_labelled, flags_dev_extra, flags_fresh); the new set uses none.
USED_BEFORE = {
    "Acme",
    "Globex",
    "Initech",
    "Northwind Bank",
    "SkyLark Airlines",
    "Pixelforge",
    "FreshCart",
    "Cloudlet",
    "Brightwater Energy",
    "Dashly",
    "Harbor Hotels",
    "Delta",
    "Chime",
    "Monzo",
    "Three",
    "Sprouts",
    "Target",
    "Gap",
    "Glossier",
    "Emberforge",
    "Notion",
    "Linear",
    "Rivian",
    "Deliveroo",
    "Octopus Energy",
    "Peacock",
    "One Medical",
    "Metro Transit",
}


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def same_text(text: str) -> str:
    """Texts compared case-blind with whitespace collapsed."""
    return re.sub(r"\s+", " ", text).strip().casefold()


@pytest.fixture(scope="module")
def fresh2() -> pd.DataFrame:
    return read(FRESH2)


@pytest.fixture(scope="module")
def earlier() -> pd.DataFrame:
    return pd.concat([read(path) for path in EARLIER], ignore_index=True)


def test_columns_are_those_of_the_other_sets() -> None:
    for path in (FRESH2, *EARLIER):
        with path.open(encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == COLUMNS, path.name


def test_fixed_columns(fresh2: pd.DataFrame) -> None:
    assert 400 <= len(fresh2) <= 500
    assert set(fresh2["split"]) == {"fresh2"}
    assert set(fresh2["group"]) == {"main"}
    assert set(fresh2["is_own"]) == {"False"}
    assert set(fresh2["lang"]) == {"en"}
    assert (fresh2["author_handle"] == "fresh2_" + fresh2["id"]).all()


def test_values_are_in_their_allowed_sets(fresh2: pd.DataFrame) -> None:
    assert set(fresh2["label"]) == LABELS
    assert set(fresh2["expect_reply"]) == {"True", "False"}
    assert set(fresh2["kind"]) == KINDS
    assert set(fresh2["platform"]) == {"x", "reddit", "bluesky", "mastodon", "hackernews"}
    assert set(fresh2["platform"]) <= set(platforms.COLLECTED)
    assert fresh2["author_followers"].str.fullmatch(r"\d+").all()
    assert (fresh2["text"].str.strip() != "").all()
    assert (fresh2["brand"].str.strip() != "").all()
    hn = fresh2[fresh2["platform"] == "hackernews"]
    assert (hn["kind"] == "comment").all() and (hn["thread_id"] != "").all()
    assert (fresh2.loc[fresh2["platform"] != "hackernews", "thread_id"] == "").all()


def test_ids_are_unique_and_apart_from_the_earlier_sets(fresh2: pd.DataFrame, earlier: pd.DataFrame) -> None:
    assert fresh2["id"].is_unique and fresh2["post_id"].is_unique
    assert fresh2["id"].astype(int).min() >= 3001
    assert not set(fresh2["id"]) & set(earlier["id"])
    assert not set(fresh2["post_id"]) & set(earlier["post_id"])
    assert (fresh2["post_id"] == fresh2["platform"] + "-" + fresh2["id"]).all()


def test_labels_agree_with_expect_reply(fresh2: pd.DataFrame) -> None:
    """praise and chatter never need a reply, help always does (the labelling guide)."""
    by_label = fresh2.groupby("label")["expect_reply"].agg(set).to_dict()
    assert by_label["praise"] == {"False"} and by_label["chatter"] == {"False"}
    assert by_label["help"] == {"True"}
    assert by_label["complaint"] == {"True", "False"}
    assert by_label["question"] == {"True", "False"}
    share = (fresh2["expect_reply"] == "True").mean()
    assert 0.45 <= share <= 0.55, share


def test_no_duplicate_texts(fresh2: pd.DataFrame) -> None:
    texts = fresh2["text"].map(same_text)
    assert texts[texts.duplicated()].tolist() == []


def test_no_text_shared_with_the_earlier_sets(fresh2: pd.DataFrame, earlier: pd.DataFrame) -> None:
    seen = set(earlier["text"].map(same_text))
    shared = [t for t in fresh2["text"] if same_text(t) in seen]
    assert shared == []


def test_new_brands_only(fresh2: pd.DataFrame, earlier: pd.DataFrame) -> None:
    per_brand = fresh2["brand"].value_counts()
    assert 16 <= len(per_brand) <= 18
    assert per_brand.min() >= 15
    assert not (USED_BEFORE | set(earlier["brand"])) & set(per_brand.index)
    assert (fresh2.groupby("brand")["expect_reply"].agg(set).map(len) == 2).all()


def test_every_platform_has_both_answers(fresh2: pd.DataFrame) -> None:
    assert (fresh2.groupby("platform")["expect_reply"].agg(set).map(len) == 2).all()


def test_every_brand_is_in_the_brands_table(fresh2: pd.DataFrame) -> None:
    notes = NOTES.read_text(encoding="utf-8")
    section = notes.split("## Brands", 1)[1].split("\n## ", 1)[0]
    table = {line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ")}
    table -= {"brand"}
    assert table == set(fresh2["brand"])


def table_rows(fresh2: pd.DataFrame, column: str) -> list[str]:
    rows = []
    for value, part in fresh2.groupby(column):
        rows.append(f"| {value} | {len(part)} | {(part['expect_reply'] == 'True').sum()} |")
    return rows


def test_counts_in_the_notes_match_the_file(fresh2: pd.DataFrame) -> None:
    notes = NOTES.read_text(encoding="utf-8")
    true = int((fresh2["expect_reply"] == "True").sum())
    assert (
        f"Rows: {len(fresh2)}; expect_reply True: {true}; expect_reply False: {len(fresh2) - true}; "
        f"brands: {fresh2['brand'].nunique()}"
    ) in notes
    lines = set(notes.splitlines())
    for column in ("label", "platform", "kind", "brand"):
        missing = [row for row in table_rows(fresh2, column) if row not in lines]
        assert missing == [], column
    for (label, answer), part in fresh2.groupby(["label", "expect_reply"]):
        assert f"| {label} | {answer} | {len(part)} |" in lines
    assert f"{fresh2['brand'].nunique()} brands from industries" in notes
