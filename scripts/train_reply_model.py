"""Train the learned reply layer (analysis/reply_model.py) and write analysis/reply_model.json, deterministically.

Run: .venv/bin/python scripts/train_reply_model.py [--check]  (needs scikit-learn, requirements-dev.txt; ~2 min)

Training rows: every development set (SETS; flags_labelled.csv without its held-out `test` split, dropped as the
file is read), as collected (tests.test_flags.judged_posts' `as_collected`: a reply naming no brand term sits in
its brand's thread), where analysis.flags applies the layer (`flags.learned_inputs`: English, eligible, addressed
to an own brand, no review); target `expect_reply`. Features: TF-IDF of word 1-2 grams and character 2-5 grams
(inside word boundaries) of the brand-masked text, sublinear tf, terms in at least 2 posts, the WORD_TERMS and
CHAR_TERMS most frequent kept (ties broken by the term: `most_frequent`); the rule table's signals for the post and how
it reaches the brand (flags.signal_tokens, 0/1, those of at least 2 posts) and its sentiment compound; a logistic
regression, C=10, classes balanced. Where the layer applies, it decides: a post the rules flag stays flagged at KEEP_AT
and above, one they do not is flagged at ADD_AT and above (session 22; from session 17 one threshold, FLAG_AT = 0.0;
before session 17 it only vetoed weaker rule cues below KEEP_AT = -1.0 and added posts at ADD_AT = 1.0, chosen by
leave-one-set-out figures in session 6). Session 7 added
flags_fresh4.csv (scored once blind at the end of session 6) to the training sets; branch judge2 (session 7) added
flags_fresh5.csv (scored once blind in session 7, main 4981090); branch judge3 (session 8) added flags_fresh6.csv
(scored once blind at the end of session 7, main 74ca037) and leaves out posts opening with other users' @handles
(flags.learned_inputs: the layer no longer applies to them); branch judge4 (session 9) added flags_fresh7.csv (scored
once blind at the end of session 8, main 42cfa78) and leaves out replies in the brand's thread that advise another user
(rules category `peer`, treated as replies to other users); branch judge5 (session 10) added flags_fresh8.csv (scored
once blind in session 9, main 1f2082b); branch judge6 (session 10) added flags_fresh9.csv (scored once blind in session
10, main 50fe760); branch judge7 flags_fresh10.csv; branch judge8 (session 11) flags_fresh11.csv (scored once blind in
session 10, main 973aecc); branch judge9 (session 11) flags_fresh12.csv and flags_fresh13.csv (scored once blind at
b494a8b); branch judge10 (session 12) flags_fresh14.csv and flags_fresh15.csv (scored once blind at 94e5426); branch judge11
(session 13) flags_fresh16.csv and flags_fresh17.csv (scored once blind at deb5e4d); branch judge12 (session 13)
flags_fresh18.csv and flags_fresh19.csv (scored once blind at 8703327); branch judge14 (session 14) flags_fresh20.csv ..
flags_fresh23.csv (scored once blind at b566d60), and the layer reads styled letters as plain ones (flags.plain_letters);
branch judge15 (session 15) flags_fresh24.csv and flags_fresh25.csv (scored once blind at ccaf415), with fresh20's and
fresh21's bare moods relabelled False; the layer no longer reads bare moods or headline posts (rules categories
`bare-mood`, `article`); branch judge16 (session 15) flags_fresh26.csv .. flags_fresh29.csv (scored once blind at
3bd5d4d), with 17 bare moods of older sets relabelled False. Session 16: 4 decimals instead of 6 (the same flags on
every labelled set; the file under 2 MB). Session 17 (branch stack): the layer reads the rule signals and decides
(FLAG_AT), with C, FLAG_AT and the term caps chosen on flags_fresh30.csv .. flags_fresh35.csv judged by a model trained
without them; then retrained with them as development sets (thirty-eight sets). Session 18: the terms kept chosen the
same on every machine (`most_frequent`; scikit-learn's `max_features` broke ties by CPU), retrained: 669 word and 620
character terms of the boundary changed, no decision on the 13,890 development rows. Branch judge19 (session 18):
flags_fresh36.csv .. flags_fresh41.csv added (fresh40 and fresh41 scored once blind first), forty-four sets. Branch
judge20 (session 19): retrained after the rule changes of FORMULAS_VERSION 22 (a brand's name an ordinary word only when
it is a common English word, creators' pitches not read) and three pitches relabelled False; frozen so (3087f3f) to
score flags_fresh42.csv and flags_fresh43.csv once blind, then retrained with them: forty-six sets. Branch judge21
(session 19): retrained after the rule changes of FORMULAS_VERSION 23, the same forty-six sets; frozen so
(9ca0b4b) to score flags_fresh44.csv and flags_fresh45.csv once blind, then retrained with them: forty-eight sets.
Session 20: branch judge22 retrained after FORMULAS_VERSION 24 (the same forty-eight sets), frozen (cca780e) to score
flags_fresh46.csv and flags_fresh47.csv once blind, then retrained with them (fifty sets); branch judge23 retrained
after FORMULAS_VERSION 25 (faults put right with nothing asked not read, the "praise" and "praise-spoken" signals), frozen
(75402d7) to score flags_fresh48.csv and flags_fresh49.csv once blind, then retrained with them: fifty-two sets;
branch judge24 retrained after FORMULAS_VERSION 26 (more praise words), frozen (5f22802) to score flags_fresh50.csv and
flags_fresh51.csv once blind, then retrained with them: fifty-four sets. Session 21: flags_fresh52.csv and flags_fresh53.csv
(scored once blind with main d6f22ca) added, and branch judge25 retrained after FORMULAS_VERSION 27 (codes standing on
their own as references, more ways a case put right ends): fifty-six sets; frozen (611f4e2) to score flags_fresh54.csv
and flags_fresh55.csv once blind, then branch judge26 retrained with them after FORMULAS_VERSION 28: fifty-eight sets;
frozen (db36bc5) to score flags_fresh56.csv and flags_fresh57.csv once blind, then branch judge27 retrained with them
after FORMULAS_VERSION 29: sixty sets; frozen (e42f37f) to score flags_fresh58.csv and flags_fresh59.csv once blind,
then retrained with them: sixty-two sets; branch judge28 retrained after FORMULAS_VERSION 30 (booking locators and player
tags as references, Hacker News comments about the writer's own integration addressed), the same sixty-two sets; frozen
(a466316) to score flags_fresh60.csv and flags_fresh61.csv once blind, then retrained with them: sixty-four sets. Session 22:
the demo's development comments under the brand's own Show HN story trained on as ingest judges them (`held_out_own_posts`),
branch judge29 retrained so and frozen (9e518aa, with thresholds -0.5 / 0.5 dropped after) to score flags_fresh62.csv and
flags_fresh63.csv once blind, then retrained with them (branch judge30): sixty-six sets; frozen so (7b058ea) to score
flags_fresh64.csv and flags_fresh65.csv once blind, then branch judge31 retrained with them after FORMULAS_VERSION 32
(rule `non-english-hailed`): sixty-eight sets; frozen so (a5adb56) to score flags_fresh66.csv and
flags_fresh67.csv once blind, then retrained with them: seventy sets. Session 23 (branch judge32): the demo's development
rows weigh DEMO_WEIGHT = 4 (bench/bench_judgement.py --demo-weight), retrained on the same seventy sets and frozen so to
score flags_fresh68.csv and flags_fresh69.csv once blind, then retrained with them: seventy-two sets. Session 24
(branch judge33): C = 3.0 (bench/bench_judgement.py --c), retrained after FORMULAS_VERSION 34 (rule `non-english-fault`,
repair quotes in rule `billing`) on the same seventy-two sets and frozen so to score flags_fresh70.csv and
flags_fresh71.csv once blind; C back to 10.0 (3.0 found fewer on fresh70), retrained with them: seventy-four sets.
Session 25 (branch judge34): the rule signals no longer hold the platform (flags.signal_tokens), more words in rule
`non-english-fault` (FORMULAS_VERSION 35), retrained on the same seventy-four sets and frozen so to score
flags_fresh72.csv and flags_fresh73.csv once blind, then retrained with them: seventy-six sets. Session 26 (branch
judge35): retrained after FORMULAS_VERSION 36 (rules outage, hazard, injury and shrugged-off) on the same seventy-six
sets and frozen so to score flags_fresh74.csv and flags_fresh75.csv once blind, then retrained with them: seventy-eight
sets.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402

from analysis import flags, reply_model, sentiment  # noqa: E402
from config import Brand  # noqa: E402
from tests.test_flags import DEVELOPMENT_SETS, in_brand_threads  # noqa: E402

#: the development sets: name, file, brands as configured (flags_labelled.csv without its `test` split).
SETS = DEVELOPMENT_SETS
#: the demo's development part's name among SETS (DEMO_WEIGHT).
DEMO = SETS[0][0]


#: where the layer applies, session 17 flagged a post where the decision was at least FLAG_AT = 0.0 (chosen with C and the
#: term caps on flags_fresh30.csv .. flags_fresh35.csv judged by the model trained on the sets before them, the highest
#: threshold keeping every one of those sets' recall >= 0.92: pooled 0.937 found / 0.069 flagged with no need at 0.0 with
#: the address and platform signals, 0.932 / 0.077 without; a separate, higher threshold for posts the rules do not flag
#: lost recall there: 0.913 / 0.064 at 1.0; bench/README.md "Judgement", session 17). Session 22: two thresholds, a post
#: the rules flag kept at KEEP_AT and above, one they do not added at ADD_AT and above, chosen on flags_fresh52.csv ..
#: flags_fresh61.csv judged by a model trained without them and on the demo's development part in five folds
#: (bench/bench_judgement.py --keep-add): the ten sets 2,072 of 2,146 found / 127 of 2,449 flagged with no need at 0.0
#: and 0.0, 2,070 / 131 at -0.5 and 0.5; the demo's development part 253 of 278 / 4 of 156, then 260 / 3. The demo's
#: posts the rules flag and the layer vetoed were mostly ones its labels call needing a reply (plain faults with no
#: reference: "@acme the keyboard on my laptop has three keys that double-type").
KEEP_AT = 0.0
ADD_AT = 0.0
#: session 23: the weight of the demo's development rows (flags_labelled.csv, the set the issue's held-out target is
#: measured on) against every other set's 1.0, chosen on data the model was not trained on (bench/bench_judgement.py
#: --demo-weight): the demo's development part in five folds, and flags_fresh62.csv .. flags_fresh67.csv judged by a
#: model trained on the sets before them.
DEMO_WEIGHT = 4.0
#: the regularisation (inverse strength) of the logistic regression: 4.0 until session 17, then 10.0. Session 24's
#: branch judge33 was frozen with 3.0, chosen as DEMO_WEIGHT was (bench/bench_judgement.py --c: flags_fresh62.csv ..
#: flags_fresh69.csv judged by a model trained on the sets before them, and the demo's development part in five folds),
#: and found two posts fewer on flags_fresh70.csv scored blind than 10.0 (and as many on flags_fresh71.csv): 10.0 kept.
C = 10.0
#: the most frequent word and character terms kept (session 17: the same figures on fresh30-35 as no cap, a smaller file).
WORD_TERMS = 20_000
CHAR_TERMS = 30_000
#: decimals kept in analysis/reply_model.json (6 until session 16: 4 flag exactly the same posts in every labelled set and
#: keep the tracked file under 2 MB; branch judge17 measured the same on thirty-four sets).
DIGITS = 4


@dataclass(frozen=True)
class Judged:
    """One set judged by the rules: its rows, the rules' answer and what the model layer sees."""

    name: str
    data: pd.DataFrame  # with expect_reply (bool), is_own (bool)
    scored: pd.DataFrame  # data + sentiment columns, as assess reads it
    brands: list[Brand]
    own_posts: list[tuple[str, str]]
    english: pd.Series
    rules: np.ndarray  # needs_reply by the rules alone
    rows: np.ndarray  # where the learned layer applies
    text: np.ndarray  # what it reads (flags.model_text)
    signals: np.ndarray  # the rule signals it reads (flags.signal_tokens: a tuple of strings per row)
    compound: np.ndarray  # the sentiment compound it reads


def read(path: Path) -> pd.DataFrame:
    """A labelled file without the held-out `test` split (dropped before anything reads a row)."""
    data = pd.read_csv(path, dtype=str, keep_default_na=False)
    data = data[data["split"] != "test"].reset_index(drop=True).replace("", None)
    data["author_followers"] = pd.to_numeric(data["author_followers"]).astype("Int64")
    data["is_own"] = data["is_own"] == "True"
    data["expect_reply"] = data["expect_reply"] == "True"
    return data


def held_out_own_posts(path: Path) -> list[tuple[str, str]]:
    """(platform, post_id) of the brand's own posts in the held-out `test` split: thread parents only (session 22).

    flags_labelled.csv's own "Show HN: Acme API 2.0" story sits in the held-out part while 19 comments under it sit in
    the development part; with the story dropped, those comments answered nobody's post, so the layer never trained on
    them although ingest (and the held-out figures) judge them as comments in the brand's own thread. Only the
    mechanical columns `is_own`, `platform` and `post_id` of those rows are read (an own post never needs a reply):
    no label and no text."""
    data = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["platform", "post_id", "is_own", "split"])
    own = data[(data["split"] == "test") & (data["is_own"] == "True")]
    return sorted(zip(own["platform"], own["post_id"], strict=True))


def judge(name: str, path: Path, brands: list[Brand], *, as_collected: bool) -> Judged:
    """As tests.test_flags.judged_posts (the same `as_collected` rule), without the test split (its own posts kept as
    thread parents: `held_out_own_posts`)."""
    data = read(path)
    own_posts = (in_brand_threads(data, brands) if as_collected else []) + held_out_own_posts(path)
    english = sentiment.scorable(data)
    scored = pd.concat([data, sentiment.score_frame(data, brands, ok=english)], axis=1)
    inputs = flags.learned_inputs(scored, brands, own_post_ids=own_posts, english=english)
    rules, rows = inputs["rules"].to_numpy(dtype=bool), inputs["rows"].to_numpy(dtype=bool)
    text, signals = inputs["text"].to_numpy(dtype=object), inputs["signals"].to_numpy(dtype=object)
    compound = inputs["compound"].to_numpy(dtype=float)
    return Judged(name, data, scored, brands, own_posts, english, rules, rows, text, signals, compound)


def all_sets(*, as_collected: bool) -> list[Judged]:
    return [judge(n, p, b, as_collected=as_collected) for n, p, b in SETS]


def _signals(row: tuple[str, ...]) -> tuple[str, ...]:
    return row


def fit(sets: list[Judged], demo_weight: float | None = None, c: float | None = None) -> tuple[Any, Any, Any, Any]:
    """(word vectorizer, character vectorizer, signal vectorizer, logistic regression) trained on `sets`' rows, the
    demo's development rows weighted `demo_weight` (DEMO_WEIGHT when None), the regression's C `c` (C when None)."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = np.concatenate([s.text[s.rows] for s in sets]).astype(str)
    signals = list(np.concatenate([s.signals[s.rows] for s in sets]))
    compound = np.concatenate([s.compound[s.rows] for s in sets])
    target = np.concatenate([s.data["expect_reply"].to_numpy(dtype=bool)[s.rows] for s in sets])
    word_terms = dict(analyzer="word", token_pattern=reply_model.WORD_TOKEN, ngram_range=reply_model.WORD_NGRAMS)
    char_terms = dict(analyzer="char_wb", ngram_range=reply_model.CHAR_NGRAMS)
    words = TfidfVectorizer(
        **word_terms, vocabulary=most_frequent(word_terms, texts, WORD_TERMS), sublinear_tf=True, lowercase=False,
        dtype=np.float64,
    )  # fmt: skip
    chars = TfidfVectorizer(
        **char_terms, vocabulary=most_frequent(char_terms, texts, CHAR_TERMS), sublinear_tf=True, lowercase=False,
        dtype=np.float64,
    )  # fmt: skip
    rules = CountVectorizer(analyzer=_signals, binary=True, min_df=2, dtype=np.float64)
    features = features_of((words.fit(texts), chars.fit(texts), rules.fit(signals)), texts, signals, compound)
    weight = DEMO_WEIGHT if demo_weight is None else demo_weight
    weights = np.concatenate([np.full(int(s.rows.sum()), weight if s.name == DEMO else 1.0) for s in sets])
    regression = LogisticRegression(C=C if c is None else c, class_weight="balanced", max_iter=5000, tol=1e-8)
    regression.fit(features, target, sample_weight=weights)
    return words, chars, rules, regression


def most_frequent(analyzer: dict[str, Any], texts: np.ndarray, limit: int) -> list[str]:
    """The `limit` terms used most often (counted over every post) among those in at least 2 posts, ties broken by the
    term, in alphabetical order: the same on every machine. scikit-learn's `max_features` breaks ties with numpy's
    default argsort, whose order differs between CPUs (its SIMD sorts), so the shipped model could not be reproduced
    on another machine (session 18's CI)."""
    from sklearn.feature_extraction.text import CountVectorizer

    counter = CountVectorizer(**analyzer, min_df=2, lowercase=False, dtype=np.int64)
    counts = counter.fit_transform(texts)
    terms = counter.get_feature_names_out()  # alphabetical
    used = np.asarray(counts.sum(axis=0)).ravel()
    return sorted(str(t) for t in terms[np.argsort(-used, kind="stable")[:limit]])


def features_of(vectorizers: tuple[Any, Any, Any], texts: Any, signals: Any, compound: np.ndarray) -> Any:
    """The regression's input: word and character TF-IDF, the signals (0/1) and the compound, side by side."""
    words, chars, rules = vectorizers
    tone = sp.csr_matrix(np.asarray(compound, dtype=float).reshape(-1, 1))
    return sp.hstack([words.transform(texts), chars.transform(texts), rules.transform(list(signals)), tone]).tocsr()


def sklearn_decision(trained: tuple[Any, Any, Any, Any], texts: list[str], signals: Any, compound: Any) -> np.ndarray:
    words, chars, rules, regression = trained
    return regression.decision_function(features_of((words, chars, rules), texts, signals, compound))


def to_dict(trained: tuple[Any, Any, Any, Any], digits: int | None = DIGITS) -> dict[str, object]:
    """The model as analysis/reply_model.json holds it (numbers rounded to `digits` decimals; None: exact)."""
    words, chars, rules, regression = trained
    coef = regression.coef_[0]
    word_end = len(words.vocabulary_)
    char_end = word_end + len(chars.vocabulary_)
    signal_end = char_end + len(rules.vocabulary_)

    def rounded(values: np.ndarray) -> list[float]:
        return [float(v) if digits is None else round(float(v), digits) for v in values]

    def family(vectorizer: Any, part: np.ndarray) -> dict[str, object]:
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        return {"terms": terms, "idf": rounded(vectorizer.idf_), "coef": rounded(part)}

    signals = sorted(rules.vocabulary_, key=rules.vocabulary_.get)
    return {
        "about": "analysis/reply_model.py; written by scripts/train_reply_model.py",
        "intercept": rounded(regression.intercept_)[0],
        "keep_at": KEEP_AT,
        "add_at": ADD_AT,
        "signals": dict(zip(signals, rounded(coef[char_end:signal_end]), strict=True)),
        "tone": rounded(coef[signal_end:])[0],
        "words": family(words, coef[:word_end]),
        "chars": family(chars, coef[word_end:char_end]),
    }


def dumps(model: dict[str, object]) -> str:
    return json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the shipped file is what training gives")
    args = parser.parse_args()
    sets = all_sets(as_collected=True)
    trained = fit(sets)
    text = dumps(to_dict(trained))
    print(f"trained on {sum(int(s.rows.sum()) for s in sets):,} rows of {len(sets)} development sets")
    if args.check:
        same = reply_model.MODEL_FILE.read_text(encoding="utf-8") == text
        print("the shipped model is what training gives" if same else "the shipped model differs: retrain")
        return 0 if same else 1
    reply_model.MODEL_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {reply_model.MODEL_FILE} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
