"""tests/data/flags_fresh4.csv, the fourth blind held-out set of issue 12: its shape only.

The set was written blind to the flag rules. These tests check the file (columns, values, no
duplicates, no overlap with the earlier sets, brands, the in-thread replies, the counts in
flags_fresh4.md); they deliberately do not score the rules on it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

import platforms

DATA = Path(__file__).parent / "data"
FRESH4 = DATA / "flags_fresh4.csv"
NOTES = DATA / "flags_fresh4.md"
EARLIER = (
    DATA / "flags_labelled.csv",
    DATA / "flags_dev_extra.csv",
    DATA / "flags_dev_extra2.csv",
    DATA / "flags_fresh.csv",
    DATA / "flags_fresh2.csv",
    DATA / "flags_fresh3.csv",
)

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
# Brands named in the notes of the earlier sets besides their `brand` columns (which are read too).
USED_BEFORE = {"Acme", "Globex", "Initech"}


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def same_text(text: str) -> str:
    """Texts compared case-blind with whitespace collapsed."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def brands_table() -> dict[str, list[str]]:
    """The notes' brands table: brand -> the words that name it (name, X handle, other spellings)."""
    notes = NOTES.read_text(encoding="utf-8")
    section = notes.split("## Brands", 1)[1].split("\n## ", 1)[0]
    table: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        if not line.startswith("| ") or cells[0] == "brand":
            continue
        others = [word.strip().strip('"') for word in cells[3].split(",") if word.strip() not in ("", "-")]
        table[cells[0]] = [cells[0], cells[2], *others]
    return table


def names_brand(text: str, words: list[str]) -> bool:
    low = text.casefold()
    return any(word.casefold() in low for word in words)


@pytest.fixture(scope="module")
def fresh4() -> pd.DataFrame:
    return read(FRESH4)


@pytest.fixture(scope="module")
def earlier() -> pd.DataFrame:
    return pd.concat([read(path) for path in EARLIER], ignore_index=True)


def test_columns_are_those_of_the_other_sets() -> None:
    for path in (FRESH4, *EARLIER):
        with path.open(encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == COLUMNS, path.name


def test_fixed_columns(fresh4: pd.DataFrame) -> None:
    assert 400 <= len(fresh4) <= 500
    assert set(fresh4["split"]) == {"fresh4"}
    assert set(fresh4["group"]) == {"main"}
    assert set(fresh4["is_own"]) == {"False"}
    assert set(fresh4["lang"]) == {"en"}
    assert (fresh4["author_handle"] == "fresh4_" + fresh4["id"]).all()


def test_values_are_in_their_allowed_sets(fresh4: pd.DataFrame) -> None:
    assert set(fresh4["label"]) == LABELS
    assert set(fresh4["expect_reply"]) == {"True", "False"}
    assert set(fresh4["kind"]) == KINDS
    assert set(fresh4["platform"]) == {"x", "reddit", "bluesky", "mastodon", "hackernews"}
    assert set(fresh4["platform"]) <= set(platforms.COLLECTED)
    assert fresh4["author_followers"].str.fullmatch(r"\d+").all()
    assert (fresh4["text"].str.strip() != "").all()
    assert (fresh4["brand"].str.strip() != "").all()
    hn = fresh4[fresh4["platform"] == "hackernews"]
    assert (hn["kind"] == "comment").all() and (hn["thread_id"] != "").all()
    assert (fresh4.loc[fresh4["platform"] != "hackernews", "thread_id"] == "").all()


def test_ids_are_unique_and_apart_from_the_earlier_sets(fresh4: pd.DataFrame, earlier: pd.DataFrame) -> None:
    assert fresh4["id"].is_unique and fresh4["post_id"].is_unique
    assert fresh4["id"].astype(int).min() >= 6001
    assert not set(fresh4["id"]) & set(earlier["id"])
    assert not set(fresh4["post_id"]) & set(earlier["post_id"])
    assert (fresh4["post_id"] == fresh4["platform"] + "-" + fresh4["id"]).all()


def test_labels_agree_with_expect_reply(fresh4: pd.DataFrame) -> None:
    """praise and chatter never need a reply, help always does (the labelling guide)."""
    by_label = fresh4.groupby("label")["expect_reply"].agg(set).to_dict()
    assert by_label["praise"] == {"False"} and by_label["chatter"] == {"False"}
    assert by_label["help"] == {"True"}
    assert by_label["complaint"] == {"True", "False"}
    assert by_label["question"] == {"True", "False"}
    share = (fresh4["expect_reply"] == "True").mean()
    assert 0.45 <= share <= 0.55, share


def test_no_duplicate_texts(fresh4: pd.DataFrame) -> None:
    texts = fresh4["text"].map(same_text)
    assert texts[texts.duplicated()].tolist() == []


def test_no_text_shared_with_the_earlier_sets(fresh4: pd.DataFrame, earlier: pd.DataFrame) -> None:
    seen = set(earlier["text"].map(same_text))
    shared = [t for t in fresh4["text"] if same_text(t) in seen]
    assert shared == []


def test_new_brands_only(fresh4: pd.DataFrame, earlier: pd.DataFrame) -> None:
    per_brand = fresh4["brand"].value_counts()
    assert 15 <= len(per_brand) <= 20
    assert per_brand.min() >= 15
    assert not (USED_BEFORE | set(earlier["brand"])) & set(per_brand.index)
    assert (fresh4.groupby("brand")["expect_reply"].agg(set).map(len) == 2).all()


def test_every_platform_has_both_answers(fresh4: pd.DataFrame) -> None:
    assert (fresh4.groupby("platform")["expect_reply"].agg(set).map(len) == 2).all()


def test_every_brand_is_in_the_brands_table(fresh4: pd.DataFrame) -> None:
    assert set(brands_table()) == set(fresh4["brand"])


def test_posts_name_their_brand_and_replies_in_its_thread_do_not(fresh4: pd.DataFrame) -> None:
    """A post is collected because it names the brand; a reply is collected from the brand's thread.

    Every `post` names its brand (name, handle or another spelling in the notes' table), no `reply`
    does, and the replies are at least 15% of the set."""
    words = brands_table()
    named = fresh4.apply(lambda row: names_brand(row["text"], words[row["brand"]]), axis=1)
    posts, replies = fresh4["kind"] == "post", fresh4["kind"] == "reply"
    assert fresh4.loc[posts & ~named, "id"].tolist() == []
    assert fresh4.loc[replies & named, "id"].tolist() == []
    assert replies.mean() >= 0.15
    assert set(fresh4.loc[replies, "platform"]) <= {"x", "bluesky", "mastodon"}


def test_reddit_comments_sit_under_a_post_of_the_set(fresh4: pd.DataFrame) -> None:
    reddit = fresh4[fresh4["platform"] == "reddit"]
    posts = reddit[reddit["kind"] == "post"]
    assert (reddit["kind"] != "reply").all()
    for _, row in reddit[reddit["kind"] == "comment"].iterrows():
        parent = posts[posts["brand"] == row["brand"]]
        assert any(row["url"].startswith(url) and row["url"] != url for url in parent["url"]), row["id"]


def table_rows(fresh4: pd.DataFrame, column: str) -> list[str]:
    rows = []
    for value, part in fresh4.groupby(column):
        rows.append(f"| {value} | {len(part)} | {(part['expect_reply'] == 'True').sum()} |")
    return rows


def test_counts_in_the_notes_match_the_file(fresh4: pd.DataFrame) -> None:
    notes = NOTES.read_text(encoding="utf-8")
    true = int((fresh4["expect_reply"] == "True").sum())
    assert (
        f"Rows: {len(fresh4)}; expect_reply True: {true}; expect_reply False: {len(fresh4) - true}; "
        f"brands: {fresh4['brand'].nunique()}"
    ) in notes
    lines = set(notes.splitlines())
    for column in ("label", "platform", "kind", "brand"):
        missing = [row for row in table_rows(fresh4, column) if row not in lines]
        assert missing == [], column
    for (label, answer), part in fresh4.groupby(["label", "expect_reply"]):
        assert f"| {label} | {answer} | {len(part)} |" in lines
    assert f"{fresh4['brand'].nunique()} brands from industries" in notes
    replies = fresh4[fresh4["kind"] == "reply"]
    share = len(replies) / len(fresh4)
    true_replies = int((replies["expect_reply"] == "True").sum())
    assert (
        f"In-thread replies naming neither the brand nor its handle: {len(replies)} of {len(fresh4)} "
        f"({share:.1%}); expect_reply True: {true_replies}"
    ) in notes
