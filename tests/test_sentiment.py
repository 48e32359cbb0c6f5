"""analysis.sentiment: VADER compound and labels, unscorable text, overrides, speed-ups that keep scores identical."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis import _vader, sentiment
from config import Brand

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GROUND_TRUTH = SHARED / "data" / "vader" / "tweets_GroundTruth.txt"

TRICKY = [
    "I love it",
    "awful service",
    "",
    "   ",
    "😍😍",
    "a😍b 😍 c",
    " 😡 my order is late",
    "NOT good :( but :) ok",
    "without doubt the best",
    "never so good",
    "kind of bad",
    "The phone is not at all bad, but the support is the worst!!!",
    "I don't hate it",
    "at least it works",
    "THIS IS AMAZING and so are you",
    "least favourite update",
    "no problems, no complaints",
    "hold on, it's kind of cool sort of",
    "¿Qué tal? 🙂 fine",
]


def stock(texts: list[str]) -> list[float]:
    sia = SentimentIntensityAnalyzer()
    return [sia.polarity_scores(t)["compound"] for t in texts]


def read_ground_truth(path: Path) -> pd.DataFrame:
    # CRLF line ends (read as bytes: text mode would turn them into \n)
    rows = [line.split("\t") for line in path.read_bytes().decode("utf-8").split("\r\n") if line.strip()]
    return pd.DataFrame({"mean": [float(r[1]) for r in rows], "text": [r[2] for r in rows]})


def test_score_is_vader_compound_with_labels_and_index() -> None:
    texts = pd.Series(["I love it", "awful service", "the box is blue"], index=[10, 20, 30])
    out = sentiment.score(texts)
    assert list(out.columns) == ["sentiment", "sentiment_label"]
    assert list(out.index) == [10, 20, 30]
    assert out["sentiment"].tolist() == [0.6369, -0.4588, 0.0]
    assert out["sentiment_label"].tolist() == ["positive", "negative", "neutral"]


def test_score_matches_stock_vader_exactly_on_tricky_texts() -> None:
    assert sentiment.score(pd.Series(TRICKY))["sentiment"].tolist() == stock(TRICKY)


def test_missing_text_is_unscored() -> None:
    out = sentiment.score(pd.Series(["good", None], dtype="string"))
    assert out["sentiment_label"].tolist() == ["positive", "unscored"]
    assert np.isnan(out["sentiment"].iloc[1])


def test_label_thresholds() -> None:
    values = pd.Series([0.05, 0.0499, -0.0499, -0.05, np.nan, 1.0, -1.0])
    assert sentiment.label_of(values).tolist() == [
        "positive",
        "neutral",
        "neutral",
        "negative",
        "unscored",
        "positive",
        "negative",
    ]


def test_repeated_texts_are_scored_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = _vader.compounds

    def counting(texts: list[str]) -> list[float]:
        seen.extend(texts)
        return real(texts)

    monkeypatch.setattr(_vader, "compounds", counting)
    out = sentiment.score(pd.Series(["great", "bad", "great", "great", "bad"]))
    assert sorted(seen) == ["bad", "great"]
    assert out["sentiment"].tolist() == stock(["great", "bad", "great", "great", "bad"])


def test_parallel_path_gives_identical_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"{t} #{i % 7}" for i, t in enumerate(TRICKY * 6)]
    monkeypatch.setattr(sentiment, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(sentiment, "CHUNK_TEXTS", 8)
    assert sentiment.compounds(texts, workers=2) == stock(texts)
    assert sentiment.compounds(texts, workers=1) == stock(texts)


def test_score_frame_leaves_non_english_unscored() -> None:
    frame = pd.DataFrame(
        {
            "text": [
                "I love it",
                "awful service",
                "Hola, el servicio es malo",
                "Привет, всё плохо",
                "Great phone",
                "bad bad bad",
                "注文した商品がまだ届きません",
                None,
            ],
            "lang": ["en", "en-GB", "es", None, "und", None, None, "en"],
        },
        index=list("abcdefgh"),
    )
    out = sentiment.score_frame(frame)
    assert list(out.index) == list("abcdefgh")
    assert out["sentiment_label"].tolist() == [
        "positive",
        "negative",
        "unscored",  # known, not English
        "unscored",  # no language, Cyrillic
        "positive",  # "und" says nothing: Latin script is scored
        "negative",
        "unscored",  # no language, Japanese
        "unscored",  # no text
    ]
    assert out["sentiment"].iloc[0] == 0.6369
    assert out["sentiment"].isna().tolist() == [False, False, True, True, False, False, True, True]


def test_mostly_latin_text_with_a_few_other_letters_is_scored() -> None:
    frame = pd.DataFrame(
        {"text": ["Love the new phone, 10/10 ❤️ ありがとう Acme team, fantastic support"], "lang": [None]}
    )
    assert sentiment.score_frame(frame)["sentiment_label"].tolist() == ["positive"]


def test_mostly_latin_equals_counting_every_text_s_letters() -> None:
    """scorable's script rule (`_mostly_latin`, which counts only non-ASCII texts' letters) against counting the Latin
    letters and all letters of every text, on the ground-truth and tricky texts, their upper case and odd texts."""
    texts = [*TRICKY, *read_ground_truth(GROUND_TRUTH)["text"].tolist()] if GROUND_TRUTH.exists() else [*TRICKY]
    texts += [t.upper() for t in texts] + [
        "",
        " ",
        "123 456_789",
        "ß ǅ İstanbul ﬁx e\u0301",
        "ありがとう Acme",
        "Привет мир and a few words",
        "a ありがとうございます",
        "ĀĂĄ ḀẞỸ ΩΣ",
        "\x00\x7f\U0010ffff",
        "🙂🎉 ok",
    ]
    series = pd.Series([*texts, None], dtype="string")
    counted = (
        series.str.count(sentiment._LATIN).fillna(0) * 2 >= series.str.count(sentiment._LETTER).fillna(0)
    ).astype(bool)
    fast = sentiment._mostly_latin(series)
    assert fast.tolist() == counted.tolist()
    assert 0 < int((~fast).sum()) < len(fast)  # both answers occur


def test_effective_label_override_wins() -> None:
    label = pd.Series(["positive", "neutral", "negative", "unscored", "positive"], index=[3, 4, 5, 6, 7])
    override = pd.Series([None, "Negative", "bogus", "positive", " "], index=[3, 4, 5, 6, 7])
    out = sentiment.effective_label(label, override)
    assert out.tolist() == ["positive", "negative", "negative", "positive", "positive"]
    assert list(out.index) == [3, 4, 5, 6, 7]


def test_effective_label_with_missing_override_rows() -> None:
    label = pd.Series(["positive", "neutral"], index=[1, 2])
    override = pd.Series(["negative"], index=[2])
    assert sentiment.effective_label(label, override).tolist() == ["positive", "negative"]


@pytest.mark.shared
@pytest.mark.skipif(not GROUND_TRUTH.exists(), reason=f"needs ../shared ({GROUND_TRUTH} not found)")
def test_fast_analyzer_identical_to_stock_on_ground_truth() -> None:
    texts = read_ground_truth(GROUND_TRUTH)["text"].tolist()
    fast = _vader.FastAnalyzer()
    sia = SentimentIntensityAnalyzer()
    stock_scores = [sia.polarity_scores(t) for t in texts]
    assert [fast.polarity_scores(t) for t in texts] == stock_scores
    assert [fast.compound(t) for t in texts + TRICKY] == [s["compound"] for s in stock_scores] + stock(TRICKY)


@pytest.mark.shared
@pytest.mark.skipif(not GROUND_TRUTH.exists(), reason=f"needs ../shared ({GROUND_TRUTH} not found)")
def test_compound_correlates_with_human_ratings() -> None:
    truth = read_ground_truth(GROUND_TRUTH)
    assert len(truth) == 4200
    scores = sentiment.score(truth["text"])["sentiment"]
    r = float(np.corrcoef(scores.to_numpy(), truth["mean"].to_numpy())[0, 1])
    assert r >= 0.87, r


BRANDS = [
    Brand("United", keywords=("united airlines",), handles={"x": "united"}, competitors=("Delta",)),
    Brand("Delta", keywords=("delta",)),
]


def test_masked_text_removes_brand_names_handles_competitors_and_links() -> None:
    frame = pd.DataFrame(
        {
            "text": ["@united lost my bag http://x.co/good", "Delta beats United Airlines", "@someone united we stand"],
            "brand": ["United", "United", None],
        }
    )
    masked = sentiment.masked_text(frame, BRANDS).str.split().str.join(" ").tolist()
    assert masked == ["lost my bag", "beats", "united we stand"]  # no brand context: only the @handle goes


def test_brand_name_no_longer_moves_the_score() -> None:
    frame = pd.DataFrame(
        {"text": ["@united my flight is delayed", "my flight is delayed"], "brand": ["United"] * 2, "lang": "en"}
    )
    masked = sentiment.score_frame(frame, BRANDS)["sentiment"].tolist()
    assert masked[0] == masked[1] == stock(["my flight is delayed"])[0]
    assert sentiment.score_frame(frame)["sentiment"].iloc[0] != masked[1]  # unmasked: "united" +1.8


def test_score_without_brand_context_is_plain_vader() -> None:
    texts = ["@united thanks", "Best Buy rocks", *TRICKY]
    assert sentiment.score(pd.Series(texts))["sentiment"].tolist() == stock(texts)


def test_detected_non_english_without_lang_is_unscored() -> None:
    frame = pd.DataFrame(
        {
            "text": [
                "Ma commande n'est toujours pas arrivée après deux semaines",
                "Mi pedido todavía no ha llegado y ya pasaron dos semanas",
                "My order still has not arrived, awful service",
                "Ma commande n'est toujours pas arrivée après deux semaines",
            ],
            "lang": [None, "und", None, "en"],
        }
    )
    labels = sentiment.score_frame(frame)["sentiment_label"].tolist()
    assert labels[:2] == ["unscored", "unscored"] and labels[2] != "unscored"
    assert sentiment.scorable(frame).tolist() == [False, False, True, True]  # a given "en" is trusted
    assert sentiment.scorable(frame, detect=False).tolist() == [True, True, True, True]
