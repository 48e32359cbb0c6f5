"""analysis.language: short non-English posts are told from English ones (targets in bench/README.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import language

POSTS = Path(__file__).parent / "data" / "lang_short_posts.csv"
LABELLED = Path(__file__).parent / "data" / "flags_labelled.csv"


def test_short_posts_in_six_languages_are_not_english() -> None:
    posts = pd.read_csv(POSTS)
    assert posts.groupby("lang").size().min() >= 50
    assert posts["text"].str.split().str.len().between(5, 30).all()
    found = language.not_english(posts["text"])
    assert found.mean() >= 0.95, found.mean()
    for lang, part in posts.groupby("lang"):
        assert found[part.index].mean() >= 0.9, lang


def test_english_posts_are_rarely_marked() -> None:
    data = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    english = data.loc[data["lang"] == "en", "text"]
    assert language.not_english(english).mean() <= 0.02


def test_detect_ignores_handles_links_and_keeps_index() -> None:
    texts = pd.Series(
        ["@acme_fr https://acme.fr/aide", None, "Bonjour, mon colis n'est jamais arrivé"], index=[7, 8, 9]
    )
    found = language.detect(texts)
    assert list(found.index) == [7, 8, 9]
    assert found.isna().tolist()[:2] == [True, True] and found[9] == "fr"
    assert language.not_english(texts).tolist() == [False, False, True]
