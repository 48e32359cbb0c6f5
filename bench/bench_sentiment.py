"""Sentiment speed: analysis.sentiment.score against a plain VADER loop on the same texts.

200,000 social texts built from templates (short posts to long Reddit comments, emoji,
hashtags, handles, order numbers), 30% of them repeats as reposts give. Prints both times,
the ratio, and checks that every score is identical. Run: .venv/bin/python bench/bench_sentiment.py
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from analysis import sentiment  # noqa: E402

BRANDS = ["Acme", "@acme", "#acme", "Acme Phone", "acme support", "the acme app", "AcmePay"]
PRODUCTS = ["phone", "app", "router", "earbuds", "watch", "laptop", "charger", "subscription", "update", "order"]
OPENERS = ["", "ok so ", "honestly ", "lol ", "PSA: ", "Day 3 and ", "update: ", "hey ", "ngl ", "so "]
EMOJI = ["", "", "", " 😡", " 🙄", " 😍", " 🔥", " 👍", " 😭", " 🤔", " ❤️", " 💀", " 🙏"]
TAGS = ["", "", "", " #fail", " #customerservice", " #tech", " #love", " #help", " #unboxing", " #android"]
COMPLAINTS = [
    "my {p} from {b} stopped working after {n} days",
    "{b} charged me twice for the {p} and nobody answers",
    "still waiting on my refund for order #{id}, {n} days now",
    "{b} why does the {p} keep crashing every time I open it",
    "worst customer service ever, {b}. {n} hours on hold",
    "the new {p} update broke everything, thanks {b}",
    "{b} my {p} arrived damaged and the box was open",
    "cancelled my order #{id} and {b} still took the money",
    "is {b} down again? can't log in since {n}am",
    "{b} your chat bot is useless, I need a human",
]
QUESTIONS = [
    "{b} does the {p} work with {o}?",
    "anyone know if {b} ships to {c}?",
    "how do I reset my {p}? {b}",
    "{b} when is the {p} restocking in {c}?",
    "can I transfer my {p} warranty to a new owner {b}?",
    "is the {b} {p} worth it over the {o} one",
]
PRAISE = [
    "just got the new {p} from {b} and wow, it is amazing",
    "shoutout to {b} support, fixed my {p} in {n} minutes",
    "{b} the {p} battery lasts forever, love it",
    "been using the {b} {p} for {n} months, zero problems, great value",
    "thank you {b}! replacement {p} arrived a day early",
    "honestly the best {p} I have owned, well done {b}",
]
CHATTER = [
    "{b} announced a new {p} today, launch in {c} next week",
    "comparing the {b} {p} with the {o} one for a review, results tomorrow",
    "my cat sat on the {p} again",
    "{b} event starts at {n}pm, who is watching",
    "new video: unboxing the {b} {p}",
    "saw a {b} ad on the train in {c}",
]
LONG = [
    "Long post, sorry. I bought the {p} from {b} in {c} about {n} weeks ago. The first few days were fine, "
    "then it started to {v} whenever I {a}. Support told me to reinstall, which I did twice. Then they said to "
    "wait for the next update. The update came and nothing changed. I like the design and the screen is great, "
    "but I cannot recommend it until they fix this. Has anyone else seen this? Order #{id} if {b} reads this.",
    "Review after {n} months with the {b} {p}: build quality is excellent, the camera is better than my old "
    "{o}, battery gets me through a full day with {n}% left. Downsides: the charger is slow and the case "
    "scratches easily. Overall really happy, would buy again, and their support was friendly when I asked "
    "about the warranty.",
]
FILL = {
    "o": ["Globex", "Initech", "Samsung", "Pixel", "older", "cheap"],
    "c": ["Canada", "Germany", "Brazil", "the UK", "Texas", "Lagos", "Sydney"],
    "v": ["freeze", "restart", "overheat", "disconnect", "lag badly"],
    "a": ["open the camera", "use bluetooth", "charge it", "play a game", "switch apps"],
}


def realistic_texts(n: int, repeat_share: float = 0.3, seed: int = 7) -> list[str]:
    """`n` social texts; `repeat_share` of them copies of earlier ones (reposts)."""
    rng = random.Random(seed)
    kinds = [(COMPLAINTS, 30), (QUESTIONS, 20), (PRAISE, 20), (CHATTER, 25), (LONG, 5)]
    pools, weights = zip(*kinds, strict=True)
    texts: list[str] = []
    for _ in range(n):
        if texts and rng.random() < repeat_share:
            texts.append(texts[rng.randrange(len(texts))])
            continue
        template = rng.choice(rng.choices(pools, weights)[0])
        fill = {k: rng.choice(v) for k, v in FILL.items()}
        body = template.format(
            b=rng.choice(BRANDS), p=rng.choice(PRODUCTS), n=rng.randint(1, 90), id=rng.randint(10_000, 99_999), **fill
        )
        text = rng.choice(OPENERS) + body + rng.choice(EMOJI) + rng.choice(TAGS)
        if rng.random() < 0.15:
            text = text.upper() if rng.random() < 0.3 else text + "!!!"
        texts.append(text)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200_000)
    args = parser.parse_args()
    texts = realistic_texts(args.n)
    print(
        f"{len(texts):,} texts, {len(set(texts)):,} distinct; cores {sentiment._cores()}, "
        f"load {os.getloadavg()[0]:.1f}, workers chosen {sentiment._workers()}"
    )

    start = time.perf_counter()
    sia = SentimentIntensityAnalyzer()
    plain = [sia.polarity_scores(t)["compound"] for t in texts]
    plain_s = time.perf_counter() - start

    start = time.perf_counter()
    fast = sentiment.score(pd.Series(texts))
    fast_s = time.perf_counter() - start

    assert fast["sentiment"].tolist() == plain, "scores differ from the plain VADER loop"
    timings = {"sentiment.score (default)": fast_s}
    for workers in (1, 2):
        start = time.perf_counter()
        scores = sentiment.compounds(texts, workers=workers)
        timings[f"compounds, workers={workers}"] = time.perf_counter() - start
        assert scores == plain, f"scores differ from the plain VADER loop (workers={workers})"
    print(f"{'plain loop':<28}{plain_s:7.2f} s  ({len(texts) / plain_s:,.0f} texts/s)")
    for name, seconds in timings.items():
        print(f"{name:<28}{seconds:7.2f} s  ({len(texts) / seconds:,.0f} texts/s)  {plain_s / seconds:5.2f}x")
    print(f"ratio (default)             {plain_s / fast_s:7.2f} x   scores identical: yes")


if __name__ == "__main__":
    main()
