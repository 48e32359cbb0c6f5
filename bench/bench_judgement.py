"""Judgement quality, the rules before this round and now side by side, in one run.

- Reply flags on tests/data/flags_labelled.csv: recall of posts that need a reply and the share of
  posts that do not need one that get flagged, on the `dev` part (rules tuned there) and the
  held-out `test` part. "before" is analysis/flags.py and unmasked sentiment as of BASELINE
  (read from git); "now" is the working tree (rule table, brand-neutral sentiment, languages).
- Sentiment on the 4,200 human-rated VADER tweets (../shared/data/vader/): Pearson r, and on
  the brand-named sets (`brand_sets`): mean |score - human rating / 4| unmasked and masked.
- Language detection on short posts: tests/data/lang_short_posts.csv (non-English) and the
  VADER tweets of 5-30 words (English); and its cost per distinct text.

"round 1", "session 2", "session 3" and "phase 1" are the whole tree as of ROUND_ONE, SESSION_TWO,
SESSION_THREE and PHASE_ONE (git archive, run in a child process). The reply flags are also measured on
tests/data/flags_dev_extra.csv (eight other brands) and tests/data/flags_fresh.csv (17 other brands,
scored once blind in session 3, development data since), and on those 25 brands in two folds by brand
(`brand_fold`): session 4 tuned on fold 0's errors only up to PHASE_ONE, so fold 1's "phase 1" figure
is a figure on brands the changes were not written for; the later changes were written from fold 1's
errors, and their effect on fold 0 (phase 1 -> now) is the other half of that estimate. Session 4's own
extra posts (tests/data/flags_dev_extra2.csv, seven more brands) were scored once before they were tuned on.

Session 5: tests/data/flags_fresh2.csv (17 more brands, scored once blind at the end of session 4) is
development data, measured as the file is and as collected (`collected_copy`: replies that name no brand
term answer the brand's post, as ingest knows from their parent). Its brands are split by `brand_fold`
too: "s5 phase 1" (S5_PHASE_ONE) was written from fold 0's errors only, so its fold 1 figure against
"session 4" (SESSION_FOUR, main before session 5) is out of fold; "now" was then written from fold 1's
errors ("s5 phase 2", S5_PHASE_TWO), so fold 0's change from "s5 phase 1" to "s5 phase 2" is the other
out-of-fold figure; "now" adds phase 3, written from the older sets' errors (extra, fresh, extra2), whose
change from "s5 phase 2" on both of fresh2's folds is out of fold.

Session 6 (branch rules2): tests/data/flags_fresh3.csv (17 more brands, scored once blind at SESSION_FIVE) is
development data, printed in its own table (as the file is and as collected, per `brand_fold`): "r2 phase 1"
(R2_PHASE_ONE) was written from fold 0's errors only, so its fold 1 change from "session 5" is out of fold; "now" was
then written from fold 1's errors, so fold 0's change from "r2 phase 1" to "now" is the other out-of-fold figure.

Session 6 (branch learned): the learned layer (analysis.reply_model, combined with the rules by flags.combine) is
part of "now"; "rules2" (RULES_TWO) is the rule table alone as merged before it. `loso_table` leaves one development
set out at a time: the model is trained on the other five (scripts/train_reply_model.py) and scores the held-out set,
beside the rules now (tuned on every set) and the rules each set was scored blind with (BLIND_RULES).

Session 7 (branch judge): tests/data/flags_fresh4.csv (17 more brands, scored once blind at SESSION_SIX) is development
data: `fresh4_table` (alone with --fresh4) compares session 6, session 7's rules with session 6's layer (S7_RULES) and
now per `brand_fold`; `loso_table` takes the seven sets, and `--never-train fresh4` gives session 6's layer's
leave-one-set-out figures (run in a checkout of main before session 7: its rules, the layer never trained on fresh4).

Session 8 (branch judge3): flags_fresh5.csv and flags_fresh6.csv are development data (the trainer's SETS, so `loso_table`
takes nine sets); `threshold_table` (alone with --thresholds) chooses KEEP_AT and ADD_AT in two folds by brand on every
set's leave-one-set-out decisions.

Session 17 (branch stack): the learned layer decides the rows it applies to, reading the rule signals; `flag_at_table`
(alone with --thresholds) replaces session 8's grid: FLAG_AT on flags_fresh30.csv .. flags_fresh35.csv judged by a model
trained on the sets before them. Session 22: `keep_add_table` (alone with --keep-add) chooses KEEP_AT (posts the rules
flag) and ADD_AT (the others) on flags_fresh52.csv .. flags_fresh61.csv judged by a model trained on the sets before
them and on the demo's development part in five folds. Session 23: `fit_option_table` (alone with --demo-weight) chooses
the weight of the demo's development rows in training the same way (flags_fresh62.csv .. flags_fresh67.csv); session 24
(alone with --c) the logistic regression's C (flags_fresh62.csv on: fresh62-69 before session 24's round).
Session 25: `blind_like_table` (alone with --platform) measures main as of SESSION_24, whose layer read the platform a
post came from, beside the working tree, whose layer does not, the same way (fresh62 .. fresh71).

Session 9 (branch judge4): flags_fresh7.csv is a development set too (tests.test_flags.DEVELOPMENT_SETS, ten sets).

Session 10 (branch judge5): flags_fresh8.csv is a development set too (eleven sets).

Session 10 (branch judge6): flags_fresh9.csv is a development set too (twelve sets).

Session 10 (branch judge7): flags_fresh10.csv is a development set too (thirteen sets).

Session 11 (branch judge8): flags_fresh11.csv is a development set too (fourteen sets); branch judge9 (session 11):
flags_fresh12.csv and flags_fresh13.csv (sixteen sets).

Run: .venv/bin/python bench/bench_judgement.py [--dev-errors] [--dev-only] [--loso] [--fresh4] [--thresholds] [--never-train SET]  (~25 min at load 9-16; --dev-errors
lists the development rows the new rules get wrong, never the test rows; --dev-only prints no test
figures, for tuning).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import flags, language, reply_model, sentiment  # noqa: E402
from config import Brand  # noqa: E402
from tests.test_flags import (  # noqa: E402
    DEV_EXTRA,
    DEV_EXTRA2,
    EXTRA2_BRANDS,
    EXTRA_BRANDS,
    FRESH,
    FRESH2,
    FRESH2_BRANDS,
    FRESH3,
    FRESH3_BRANDS,
    FRESH4,
    FRESH4_BRANDS,
    FRESH_BRANDS,
)

#: the commit whose rules are "before" (the regular-expression pile, unmasked sentiment).
BASELINE = "1928150"
#: the commit whose rules are "round one" (the first rule table, merged before round 2's tuning).
ROUND_ONE = "b368e93"
#: the commit whose rules are "session 2" (round 2's tuned table, as merged before session 3).
SESSION_TWO = "740d997"
#: the commit whose rules are "session 3" (main before session 4).
SESSION_THREE = "c27e99f"
#: session 4 after its first phase: tuned on fold 0 of the 25 other brands only (`brand_fold`).
PHASE_ONE = "8281186"
#: main before session 5 (session 4's rules as merged).
SESSION_FOUR = "bd73e51"
#: session 5 after its first phase: tuned on fold 0 of flags_fresh2.csv's brands only.
S5_PHASE_ONE = "10d0d4e"
#: session 5 after its second phase (also tuned on fold 1 of flags_fresh2.csv's brands).
S5_PHASE_TWO = "be7b148"
#: main with session 5's rules, frozen when tests/data/flags_fresh3.csv was scored blind.
SESSION_FIVE = "b93ef14"
#: branch rules2 after its first phase: tuned on fold 0 of flags_fresh3.csv's brands only.
R2_PHASE_ONE = "b8bbb53"
#: main before session 6's learned layer (rules2 merged): the rule table alone.
RULES_TWO = "4977e0c"
#: main with the learned layer, frozen when tests/data/flags_fresh4.csv was scored blind (session 6's end).
SESSION_SIX = "9b6a2bc"
#: branch judge (session 7) with its new rules and session 6's layer (not yet retrained with flags_fresh4.csv).
S7_RULES = "cc21af4"
#: the rule sets compared, oldest first.
RULE_SETS = (
    "before", "round 1", "session 2", "session 3", "phase 1", "session 4", "s5 phase 1", "s5 phase 2", "rules2", "now",
)  # fmt: skip
LABELLED = ROOT / "tests" / "data" / "flags_labelled.csv"


def brand_fold(brand: str) -> int:
    """Fold 0 or 1 of a brand, fixed by a hash of its name (session 4's two folds of the 25 other brands)."""
    return int(hashlib.sha256(brand.encode()).hexdigest(), 16) % 2


LANG_POSTS = ROOT / "tests" / "data" / "lang_short_posts.csv"
TWEETS = ROOT.parent / "shared" / "data" / "vader" / "tweets_GroundTruth.txt"
ACME = Brand(
    "Acme",
    keywords=("acme", '"acme phone"', "acmephone"),
    exclude=("acme anvil",),
    competitors=("Globex", "Initech"),
    handles={"x": "acme", "reddit": "acme_support", "bluesky": "acme.bsky.social", "mastodon": "acme@mastodon.social"},
    sla_hours=4,
)
BRANDS = [ACME, Brand("Globex", keywords=("globex",)), Brand("Initech", keywords=("initech",))]
#: brands whose names VADER's lexicon scores, and how a post names them.
LEXICON_BRANDS = [
    (Brand("United", keywords=("united airlines",), handles={"x": "united"}), ["@united", "United Airlines"]),
    (Brand("Best Buy", keywords=("bestbuy",), handles={"x": "BestBuy"}), ["@BestBuy", "Best Buy"]),
    (Brand("Honest Company", keywords=("honest company",), handles={"x": "Honest"}), ["@Honest", "Honest Company"]),
    (Brand("Glad", keywords=("glad",), handles={"x": "glad"}), ["@Glad", "Glad"]),
    (Brand("Free Now", keywords=("free now",), handles={"x": "FREENOW"}), ["@FREENOW", "Free Now"]),
    (Brand("Smart", keywords=("smart",), handles={"x": "smart"}), ["@smart", "Smart"]),
    (Brand("Amazon", keywords=("amazon",), handles={"x": "amazon"}), ["@amazon", "Amazon"]),
]


def collected_copy(path: Path, brands: list[Brand], folder: Path) -> Path:
    """`path` as collected (tests.test_flags.judged_posts' `as_collected`, in a form any tree reads): a reply
    that names none of its brand's terms sits in the thread of the brand's post (`thread_id`), and that post
    is added as an own row per (platform, brand) (own rows are never counted)."""
    data = pd.read_csv(path, dtype=str, keep_default_na=False)
    terms = {
        b.name: re.compile("|".join(re.escape(t) for t in (b.name, *b.keywords, *b.handles.values())), re.I)
        for b in brands
    }
    names_none = [not terms[b].search(t or "") for b, t in zip(data["brand"], data["text"], strict=True)]
    in_thread = (data["kind"] == "reply") & pd.Series(names_none, index=data.index)
    data.loc[in_thread, "thread_id"] = "brand-post-" + data.loc[in_thread, "brand"]
    own = data.loc[in_thread, ["platform", "brand"]].drop_duplicates().reset_index(drop=True)
    rows = own.assign(
        id=[f"own-{i}" for i in range(len(own))],
        post_id="brand-post-" + own["brand"],
        kind="post",
        is_own="True",
        author_handle="brand",
        author_followers="0",
        lang="en",
        text="",
        label="chatter",
        group="own",
        split=data["split"].iloc[0],
        expect_reply="False",
    )
    out = folder / f"{path.stem}_collected.csv"
    pd.concat([data, rows[[c for c in data.columns if c in rows]]], ignore_index=True).fillna("").to_csv(
        out, index=False
    )
    return out


def baseline_flags() -> object:
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE}:analysis/flags.py"], capture_output=True, text=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "flags_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("flags_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_labelled(path: Path = LABELLED) -> pd.DataFrame:
    data = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
    data["author_followers"] = pd.to_numeric(data["author_followers"]).astype("Int64")
    data["is_own"] = data["is_own"] == "True"
    data["expect_reply"] = data["expect_reply"] == "True"
    return data


def judge_before(data: pd.DataFrame, before: object, brands: list[Brand] = BRANDS) -> pd.Series:
    scored = pd.concat([data, sentiment.score_frame(data)], axis=1)
    return before.assess(scored, brands)["needs_reply"]  # type: ignore[attr-defined]


_TREE_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
import bench_judgement as b
from config import Brand
spec = json.loads(sys.argv[4])
if spec:
    b.BRANDS = [Brand(s["name"], keywords=tuple(s["keywords"]), handles=s["handles"]) for s in spec]
import pandas as pd
data = pd.read_csv(sys.argv[3], dtype=str, keep_default_na=False).replace("", None)
data["author_followers"] = pd.to_numeric(data["author_followers"]).astype("Int64")
data["is_own"] = data["is_own"] == "True"
import inspect
takes_brands = "brands" in inspect.signature(b.judge_now).parameters  # later trees: BRANDS is only its default
flagged = b.judge_now(data, b.BRANDS) if takes_brands else b.judge_now(data)
print("".join("1" if f else "0" for f in flagged))
"""


def judge_tree(commit: str, path: Path = LABELLED, brands: list[Brand] | None = None) -> pd.Series:
    """needs_reply with the whole tree as of `commit` (its analysis/ and config), in a child process,
    on the posts in `path` (with `brands` instead of the tree's own BRANDS when given)."""
    data = load_labelled(path)
    spec = [{"name": b.name, "keywords": list(b.keywords), "handles": dict(b.handles)} for b in brands or []]
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        if path == LABELLED:
            path = Path(tmp) / "tests" / "data" / "flags_labelled.csv"
        out = subprocess.run(
            [sys.executable, "-c", _TREE_SCRIPT, tmp, str(Path(tmp) / "bench"), str(path), json.dumps(spec)],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp,
        ).stdout.strip()
    return pd.Series([c == "1" for c in out], index=data.index)


def judge_now(data: pd.DataFrame, brands: list[Brand] = BRANDS) -> pd.Series:
    english = sentiment.scorable(data)
    scored = pd.concat([data, sentiment.score_frame(data, brands, ok=english)], axis=1)
    return flags.assess(scored, brands, english=english)["needs_reply"]


def flag_rates(data: pd.DataFrame, flagged: pd.Series) -> dict[str, float]:
    need = data["expect_reply"]
    return {
        "recall": float(flagged[need].mean()),
        "flagged_no_need": float(flagged[~need].mean()),
        "n_need": int(need.sum()),
        "n_no_need": int((~need).sum()),
    }


def read_tweets() -> pd.DataFrame:
    rows = [line.split("\t") for line in TWEETS.read_bytes().decode("utf-8").split("\r\n") if line.strip()]
    return pd.DataFrame({"rating": [float(r[1]) for r in rows], "text": [r[2] for r in rows]})


def brand_sets(tweets: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Posts naming a lexicon-scored brand, with a human rating.

    `real`: tweets of the set that name one of the brands as a brand (@handle or capitalised
    name). `inserted`: every tweet with one brand mention put in front of it ("@united " + text,
    brands in turn): the raters judged the text without the name, so the name should not move the
    score.
    """
    rows, inserted = [], []
    for i, (text, rating) in enumerate(zip(tweets["text"], tweets["rating"], strict=True)):
        for brand, forms in LEXICON_BRANDS:
            if any(f in text for f in forms if f.startswith("@") or f[0].isupper() and f != "Glad" and f != "Smart"):
                rows.append({"text": text, "rating": rating, "brand": brand.name})
        brand, forms = LEXICON_BRANDS[i % len(LEXICON_BRANDS)]
        inserted.append(
            {"text": f"{forms[i // len(LEXICON_BRANDS) % 2]} {text}", "rating": rating, "brand": brand.name}
        )
    return {"real": pd.DataFrame(rows), "inserted": pd.DataFrame(inserted)}


def masking_error(posts: pd.DataFrame) -> dict[str, float]:
    brands = [b for b, _ in LEXICON_BRANDS]
    frame = posts.assign(lang="en")
    plain = sentiment.score(posts["text"])["sentiment"]
    masked = sentiment.score_frame(frame, brands, ok=pd.Series(True, index=frame.index))["sentiment"]
    truth = posts["rating"] / 4
    return {
        "n": len(posts),
        "unmasked": float((plain - truth).abs().mean()) if len(posts) else float("nan"),
        "masked": float((masked - truth).abs().mean()) if len(posts) else float("nan"),
    }


def fold_table(name: str, path: Path, brands: list[Brand], commits: dict[str, str], folder: Path, note: str) -> None:
    """A development set once scored blind, as the file is and as collected, whole and per `brand_fold`: the rules
    of `commits` (git archive) and now."""
    print(f"\n{name} ({note}): recall / share flagged with no need")
    print(f"{'part':<13} {'rows':>9}  " + "  ".join(f"{n:>13}" for n in (*commits, "now")))
    for label, part_path in ((name, path), (f"{name} col", collected_copy(path, brands, folder))):
        frame = load_labelled(part_path)
        runs = {run: judge_tree(commit, part_path, brands) for run, commit in commits.items()}
        runs["now"] = judge_now(frame, brands)
        posts = ~frame["is_own"].to_numpy(dtype=bool)
        fold = frame["brand"].map(brand_fold).to_numpy()
        for part, rows in ((label, posts), (f"{label} f0", posts & (fold == 0)), (f"{label} f1", posts & (fold == 1))):
            cells = [flag_rates(frame[rows], flagged[rows]) for flagged in runs.values()]
            text = "  ".join(f"{c['recall']:.3f} / {c['flagged_no_need']:.3f}" for c in cells)
            print(f"{part:<13} {cells[0]['n_need']:>4}+{cells[0]['n_no_need']:<4}  {text}")
    print(f"{name} fold 0:", ", ".join(sorted({b.name for b in brands if brand_fold(b.name) == 0})))


def fresh3_table(folder: Path) -> None:
    """flags_fresh3.csv: session 5 (blind), rules2's phase 1 (tuned on fold 0 only) and now (also tuned on fold 1)."""
    commits = {"session 5": SESSION_FIVE, "r2 phase 1": R2_PHASE_ONE}
    fold_table("fresh3", FRESH3, FRESH3_BRANDS, commits, folder, "scored once blind at session 5, development since")


def fresh4_table(folder: Path) -> None:
    """Session 7: flags_fresh4.csv: session 6 (the blind score), session 7's rules with session 6's layer (S7_RULES:
    the rules were written from fold 0's errors; fold 1's change is the nearest to an out-of-fold figure, see
    bench/README.md for what of fold 1 was read) and now (the layer retrained with flags_fresh4.csv too: in-sample)."""
    commits = {"session 6": SESSION_SIX, "s7 rules": S7_RULES}
    fold_table("fresh4", FRESH4, FRESH4_BRANDS, commits, folder, "scored once blind at session 6, development since")


#: the rules each development set was scored with blind, before anyone tuned on it (labelled dev and extra: none kept).
BLIND_RULES = {
    "extra2": SESSION_THREE,
    "fresh": SESSION_THREE,
    "fresh2": SESSION_FOUR,
    "fresh3": SESSION_FIVE,
    # scored blind by main 9b6a2bc: RULES_TWO's rule table (unchanged there) + the layer trained on the six older sets
    "fresh4": RULES_TWO,
}


def _trainer() -> object:
    spec = importlib.util.spec_from_file_location("train_reply_model", ROOT / "scripts" / "train_reply_model.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def loso_table(folder: Path, never_train: frozenset[str] = frozenset()) -> None:
    """Session 6: the learned layer (analysis.reply_model) left one set out. For each development set in turn, the
    model is trained on the other five (scripts/train_reply_model.py's `fit`, as collected) and scores the held-out
    set, as the file is and as collected. Columns: the rules now (tuned on every set: no estimate), the model alone
    (decision >= FLAG_AT where it applies), rules OR model, the shipped combination (`flags.combine`), and, where the
    set was scored blind once (BLIND_RULES), those blind rules alone and combined with the held-out model (which reads
    the rules' signals now, a proxy the old trees do not report; session 17).
    `never_train`: sets no model is trained on (session 7's "before": the layer as shipped in session 6 never saw
    flags_fresh4.csv, so its held-out model for fresh4 is the shipped one and the others' are trained without it)."""
    trainer: Any = _trainer()
    model = reply_model.load()
    variants = {"col": trainer.all_sets(as_collected=True), "file": trainer.all_sets(as_collected=False)}
    paths = {name: (path, brands) for name, path, brands in trainer.SETS}
    heads = ("rules now", "model", "rules|model", "combined", "blind rules", "blind+model")
    pooled: dict[tuple[str, str, str], np.ndarray] = {}
    print(
        "\nleave one set out: the learned layer (recall / share flagged with no need; own posts left out)"
        + (f"; never trained on: {', '.join(sorted(never_train))}" if never_train else "")
    )
    print(f"{'set':<18} {'rows':>9}  " + "  ".join(f"{h:>13}" for h in heads))
    for k, held in enumerate(variants["col"]):
        fitted = trainer.fit([s for i, s in enumerate(variants["col"]) if i != k and s.name not in never_train])
        learned_model = reply_model.from_dict(trainer.to_dict(fitted, digits=None))
        for variant, sets in variants.items():
            d = sets[k]
            decision = _decisions(d, learned_model)
            at = np.where(d.rules, model.keep_at, model.add_at)
            alone = d.rows & (np.nan_to_num(decision, nan=-np.inf) >= at)
            runs = {
                "rules now": d.rules,
                "model": alone,
                "rules|model": d.rules | alone,
                "combined": flags.combine(d.rules, decision, model)[0],
            }
            commit = BLIND_RULES.get(held.name)
            if commit is not None:
                path, brands = paths[held.name]
                source = collected_copy(path, brands, folder) if variant == "col" else path
                blind = judge_tree(commit, source, brands).to_numpy(dtype=bool)[: len(d.data)]
                runs["blind rules"] = blind
                runs["blind+model"] = flags.combine(blind, decision, model)[0]
            posts = ~d.data["is_own"].to_numpy(dtype=bool)
            need = d.data["expect_reply"].to_numpy(dtype=bool)
            cells = []
            for head in heads:
                if head not in runs:
                    cells.append(f"{'-':>13}")
                    continue
                f = runs[head]
                counts = np.array(
                    [(f & need & posts).sum(), (need & posts).sum(), (f & ~need & posts).sum(), (~need & posts).sum()]
                )
                for scope in ("all", "blind") if commit is not None else ("all",):
                    pooled[(variant, head, scope)] = pooled.get((variant, head, scope), np.zeros(4)) + counts
                cells.append(f"{counts[0] / counts[1]:.3f} / {counts[2] / counts[3]:.3f}")
            label = f"{held.name} {variant}"
            print(f"{label:<18} {(need & posts).sum():>4}+{(~need & posts).sum():<4}  " + "  ".join(cells))
    for scope, title in (("all", f"all {len(variants['col'])}"), ("blind", f"the {len(BLIND_RULES)} blind")):
        for variant in variants:
            cells = []
            for head in heads:
                c = pooled.get((variant, head, scope))
                cells.append(f"{'-':>13}" if c is None else f"{c[0] / c[1]:.3f} / {c[2] / c[3]:.3f}")
            print(f"{title + ' ' + variant:<28}" + "  ".join(cells))
    print(
        f"(model: decision >= {model.keep_at} where the rules flag, {model.add_at} where not, on the rows it applies to; combined: flags.combine, the model decides those"
        " rows, the rules the others; the model reads the rules' signals now, a proxy for blind+model; blind rules: "
        + ", ".join(f"{n} {c}" for n, c in BLIND_RULES.items())
        + ")"
    )


def _decisions(d: Any, model: reply_model.Model) -> np.ndarray:
    """The learned layer's decision (text, rule signals and tone) on a judged set's rows it applies to, NaN elsewhere."""
    decision = np.full(len(d.data), np.nan)
    decision[d.rows] = reply_model.decision([str(t) for t in d.text[d.rows]], model) + reply_model.signal_score(
        d.signals[d.rows], d.compound[d.rows], model
    )
    return decision


def _counts(d: Any, decision: np.ndarray, model: reply_model.Model) -> np.ndarray:
    """found, need, flagged with no need, no need (own posts left out) where flags.combine decides with `decision`."""
    f = flags.combine(d.rules, decision, model)[0]
    posts = ~d.data["is_own"].to_numpy(dtype=bool)
    need = d.data["expect_reply"].to_numpy(dtype=bool)
    return np.array([(f & need & posts).sum(), (need & posts).sum(), (f & ~need & posts).sum(), (~need & posts).sum()])


#: session 17's threshold grid (`flag_at_table`).
FLAG_GRID = (-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0)


def flag_at_table(tune_from: str = "fresh30", min_recall: float = 0.92) -> None:
    """Session 17 (branch stack): FLAG_AT chosen on the development sets from `tune_from` on, judged by a model trained
    on the sets before them only (as collected; own posts left out): the highest threshold at which every one of those
    sets finds at least `min_recall` of the posts that need a reply. (Session 8's KEEP_AT x ADD_AT grid in folds by
    brand, `threshold_table`, went with the veto-and-add layer it tuned.)"""
    trainer: Any = _trainer()
    sets = trainer.all_sets(as_collected=True)
    cut = [s.name for s in sets].index(tune_from)
    fitted = trainer.fit(sets[:cut])
    model = reply_model.from_dict(trainer.to_dict(fitted))
    tune = sets[cut:]
    decisions = [_decisions(d, model) for d in tune]
    print(f"\nFLAG_AT on {', '.join(d.name for d in tune)}, the model trained on the {cut} sets before them")
    print(f"{'flag_at':>8} {'pooled':>15}  " + "  ".join(f"{d.name:>13}" for d in tune))
    chosen = None
    for at in FLAG_GRID:
        thresholds = dataclasses.replace(model, keep_at=at, add_at=at)
        total, cells, lowest = np.zeros(4), [], 1.0
        for d, decision in zip(tune, decisions, strict=True):
            c = _counts(d, decision, thresholds)
            total += c
            lowest = min(lowest, c[0] / c[1])
            cells.append(f"{c[0] / c[1]:.3f} / {c[2] / c[3]:.3f}")
        if lowest >= min_recall:
            chosen = at
        print(f"{at:>8} {total[0] / total[1]:.3f} / {total[2] / total[3]:.3f}  " + "  ".join(cells))
    shipped = reply_model.load()
    print(
        f"chosen (every set's recall >= {min_recall}): {chosen}; shipped since session 22: {shipped.keep_at} / {shipped.add_at}"
    )


#: session 22's grid (`keep_add_table`): KEEP_AT for posts the rules flag, ADD_AT for the others.
KEEP_GRID = (0.0, -0.25, -0.5, -0.75, -1.0)
ADD_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


def keep_add_table(tune_from: str = "fresh52", folds: int = 5) -> None:
    """Session 22: KEEP_AT (a post the rules flag stays flagged at that decision and above) and ADD_AT (one they do not
    flag is added there) on two kinds of data the layer was not trained on: the development sets from `tune_from` on
    (as collected), judged by a model trained on the sets before them, and the demo's development part in `folds` folds
    (row i in fold i % folds), each judged by a model trained on everything else (the ~6 fits take about 12 minutes).
    The demo's held-out part is not read."""
    trainer: Any = _trainer()
    sets = trainer.all_sets(as_collected=True)
    cut = [s.name for s in sets].index(tune_from)
    model = reply_model.from_dict(trainer.to_dict(trainer.fit(sets[:cut])))
    judged = [(d, _decisions(d, model)) for d in sets[cut:]]
    demo = sets[0]
    fold = np.arange(len(demo.data)) % folds
    decision = np.full(len(demo.data), np.nan)
    for k in range(folds):
        train = dataclasses.replace(demo, rows=demo.rows & (fold != k))
        fitted = reply_model.from_dict(trainer.to_dict(trainer.fit([train, *sets[1:]])))
        decision = np.where(fold == k, _decisions(demo, fitted), decision)
    print(
        f"\nKEEP_AT x ADD_AT: {', '.join(d.name for d, _ in judged)} judged by a model trained on the {cut} sets before"
    )
    print(f"them; the demo's development part in {folds} folds (found / flagged with no need; own posts left out)")
    print(f"{'keep_at':>8} {'add_at':>7} {'the sets':>24}  {'demo development':>22}")
    for keep in KEEP_GRID:
        for add in ADD_GRID:
            thresholds = dataclasses.replace(model, keep_at=keep, add_at=add)
            cells = []
            for part in (judged, [(demo, decision)]):
                c = np.zeros(4, dtype=int)
                for d, dec in part:
                    c += _counts(d, dec, thresholds)
                cells.append(f"{c[0]:>5}/{c[1]} {c[0] / c[1]:.3f} {c[2]:>4}/{c[3]} {c[2] / c[3]:.3f}")
            print(f"{keep:>8} {add:>7} {cells[0]:>24}  {cells[1]:>22}")
    shipped = reply_model.load()
    print(f"shipped: keep_at {shipped.keep_at}, add_at {shipped.add_at}")


#: session 23's grid (`fit_option_table`): the weight of the demo's development rows in training.
DEMO_WEIGHT_GRID = (1.0, 2.0, 4.0, 8.0)
#: session 24's grid (`fit_option_table`): the logistic regression's C, the value shipped since session 17 first.
C_GRID = (10.0, 3.0, 1.0, 30.0)
#: a value may cost the sets judged blind-like at most this much against the grid's first, on found and on flagged with
#: no need.
FIT_OPTION_TOLERANCE = 0.005


def unseen_counts(
    trainer: Any, sets: list[Any], cut: int, folds: int, **options: float
) -> tuple[np.ndarray, np.ndarray]:
    """`_counts` on posts the layer was not trained on, with the shipped thresholds: `sets[cut:]` judged by a layer
    trained on `sets[:cut]`, and the demo's development part (`sets[0]`) in `folds` folds (row i in fold i % folds),
    each judged by a layer trained on everything else in `sets`; `options` go to the trainer's `fit`."""
    shipped = reply_model.load()
    model = reply_model.from_dict(trainer.to_dict(trainer.fit(sets[:cut], **options)))
    later = sum((_counts(d, _decisions(d, model), shipped) for d in sets[cut:]), np.zeros(4, dtype=int))
    demo = sets[0]
    fold = np.arange(len(demo.data)) % folds
    decision = np.full(len(demo.data), np.nan)
    for k in range(folds):
        train = dataclasses.replace(demo, rows=demo.rows & (fold != k))
        fitted = reply_model.from_dict(trainer.to_dict(trainer.fit([train, *sets[1:]], **options)))
        decision = np.where(fold == k, _decisions(demo, fitted), decision)
    return later, _counts(demo, decision, shipped)


def _cell(c: np.ndarray) -> str:
    """found/need share, flagged/no need share, as the fit tables print them."""
    return f"{c[0]:>5}/{c[1]} {c[0] / c[1]:.3f} {c[2]:>3}/{c[3]} {c[2] / c[3]:.3f}"


def fit_option_table(
    option: str, grid: tuple[float, ...], shipped_name: str, tune_from: str = "fresh62", folds: int = 5
) -> None:
    """One option of the trainer's `fit` (`demo_weight`, session 23; `c`, session 24; its shipped value the trainer's
    constant named `shipped_name`) on data the model was not trained
    on: the development sets from `tune_from` on (as collected), judged by a model trained on the sets before them, and
    the demo's development part in `folds` folds (row i in fold i % folds), each judged by a model trained on everything
    else (six fits a value, about 17 minutes). The demo's held-out part is not read. Chosen: the value that finds the
    most of the demo's development posts among those within FIT_OPTION_TOLERANCE of the grid's first value on the later
    sets, found and flagged with no need (ties: fewer flagged, then the earlier value in the grid)."""
    trainer: Any = _trainer()
    sets = trainer.all_sets(as_collected=True)
    cut = [s.name for s in sets].index(tune_from)
    print(f"\n{option}: {', '.join(d.name for d in sets[cut:])} judged by a model trained on the {cut} sets before")
    print(f"them; the demo's development part in {folds} folds (found / flagged with no need; own posts left out)")
    print(f"{option:>11} {'the sets':>26}  {'demo development':>24}")
    rows: list[tuple[int, float, np.ndarray, np.ndarray]] = []
    for value in grid:
        later, own = unseen_counts(trainer, sets, cut, folds, **{option: value})
        rows.append((len(rows), value, later, own))
        print(f"{value:>11} {_cell(later):>26}  {_cell(own):>24}", flush=True)
    base = rows[0][2]
    allowed = [
        (order, value, own)
        for order, value, later, own in rows
        if later[0] / later[1] >= base[0] / base[1] - FIT_OPTION_TOLERANCE
        and later[2] / later[3] <= base[2] / base[3] + FIT_OPTION_TOLERANCE
    ]
    chosen = min(allowed, key=lambda r: (-r[2][0], r[2][2], r[0]))[1]
    print(
        f"chosen (within {FIT_OPTION_TOLERANCE} of {option} {grid[0]} on the later sets): {chosen}; shipped:"
        f" {getattr(trainer, shipped_name)}"
    )


#: main at the end of session 24: the layer read the platform a post came from (session 25's `blind_like_table`).
SESSION_24 = "7281ce4"

#: session 25 (`blind_like_table`): SESSION_24's own `fit_option_table` with its shipped C only, run in its tree (the
#: tree is argv[1]); its sets end at fresh71.
_SESSION_24_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1] + "/bench")
import bench_judgement as b
b.fit_option_table("c", (10.0,), "C", tune_from=sys.argv[2], folds=int(sys.argv[3]))
"""


def blind_like_table(tune_from: str = "fresh62", last: str = "fresh71", folds: int = 5) -> None:
    """Session 25: SESSION_24 (the layer read the platform a post came from: "platform:x", "platform:mastodon", ...)
    beside the working tree (it does not), each on data its layer was not trained on (`unseen_counts`):
    `tune_from` .. `last` (as collected) judged by a layer trained on the sets before them, and the demo's development
    part in `folds` folds. SESSION_24 runs its own `fit_option_table` (C 10, as shipped) in a child process while the
    working tree runs here (about 20 minutes on two cores); SESSION_24's sets end at `last`, and the working tree's
    later sets are left out, so both train and judge on the same posts. The demo's held-out part is not read."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", SESSION_24], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        before = subprocess.Popen(
            [sys.executable, "-c", _SESSION_24_SCRIPT, tmp, tune_from, str(folds)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=tmp,
        )
        trainer: Any = _trainer()
        sets = trainer.all_sets(as_collected=True)
        names = [s.name for s in sets]
        now = unseen_counts(trainer, sets[: names.index(last) + 1], names.index(tune_from), folds)
        row = before.communicate()[0].strip().splitlines()[-2]  # the C 10 row; the last line names the choice
    print(f"\n{tune_from} .. {last} judged by a layer trained on the sets before them; the demo's development part")
    print(f"in {folds} folds (found / flagged with no need; own posts left out)")
    print(f"{'tree':<20} {'the sets':>26}  {'demo development':>24}")
    print(f"{'session 24 ' + SESSION_24:<20} {row[12:]}")  # the row after its C, printed 11 wide and a space
    print(f"{'now':<20} {_cell(now[0]):>26}  {_cell(now[1]):>24}")


def unseen_misses_table(tune_from: str = "fresh62") -> None:
    """Session 26: the development sets from `tune_from` on (as collected) judged by a layer trained on the sets before
    them (`unseen_counts`' first half), with every post they get wrong: set, id, miss or false flag, whether the rules
    alone flag it, the layer's decision (nan where it does not apply) and the text as the layer reads it (brand names
    masked). Where to look for the kinds of post the rules and the layer miss on brands they never saw; the demo's
    held-out part is not read. About 4 minutes."""
    trainer: Any = _trainer()
    sets = trainer.all_sets(as_collected=True)
    cut = [s.name for s in sets].index(tune_from)
    shipped = reply_model.load()
    model = reply_model.from_dict(trainer.to_dict(trainer.fit(sets[:cut])))
    total = np.zeros(4, dtype=int)
    wrong: list[str] = []
    for d in sets[cut:]:
        decision = _decisions(d, model)
        total += _counts(d, decision, shipped)
        flagged = flags.combine(d.rules, decision, shipped)[0]
        posts = ~d.data["is_own"].to_numpy(dtype=bool)
        need = d.data["expect_reply"].to_numpy(dtype=bool)
        for i in np.flatnonzero(posts & (flagged != need)):
            text = " ".join(str(d.text[i]).split())[:200]
            wrong.append(
                f"{d.name} {d.data['id'].iloc[i]} {'miss' if need[i] else 'false'} {'rules' if d.rules[i] else '-'}"
                f" {decision[i]:.2f} {text}"
            )
    print(f"\n{tune_from} on, judged by a layer trained on the {cut} sets before: {_cell(total)}")
    print("set id miss/false rules-flag decision text")
    print("\n".join(wrong))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev-errors", action="store_true", help="list the dev rows the new rules get wrong")
    parser.add_argument("--dev-only", action="store_true", help="reply flags on the dev part only (while tuning)")
    parser.add_argument("--loso", action="store_true", help="only the learned layer's leave-one-set-out table")
    parser.add_argument("--fresh4", action="store_true", help="only session 7's flags_fresh4.csv table by fold")
    parser.add_argument("--never-train", action="append", default=[], help="a set --loso never trains on (repeat)")
    parser.add_argument("--thresholds", action="store_true", help="only session 17's FLAG_AT table (flag_at_table)")
    parser.add_argument("--keep-add", action="store_true", help="only session 22's KEEP_AT x ADD_AT table")
    parser.add_argument("--demo-weight", action="store_true", help="only session 23's demo weight table")
    parser.add_argument("--c", action="store_true", help="only session 24's table of the regression's C")
    parser.add_argument("--platform", action="store_true", help="only session 25's table: the platform read or not")
    parser.add_argument(
        "--unseen-misses",
        metavar="SET",
        help="only the posts from SET on that a layer trained on the sets before gets wrong",
    )
    args = parser.parse_args()
    if args.thresholds:
        flag_at_table()
        return
    if args.keep_add:
        keep_add_table()
        return
    if args.demo_weight:
        fit_option_table("demo_weight", DEMO_WEIGHT_GRID, "DEMO_WEIGHT")
        return
    if args.c:
        fit_option_table("c", C_GRID, "C")
        return
    if args.platform:
        blind_like_table()
        return
    if args.unseen_misses:
        unseen_misses_table(args.unseen_misses)
        return
    if args.fresh4:
        fresh4_table(Path(tempfile.mkdtemp()))
        return
    if args.loso:
        loso_table(Path(tempfile.mkdtemp()), frozenset(args.never_train))
        return

    data = load_labelled()
    extra = load_labelled(DEV_EXTRA)
    fresh = load_labelled(FRESH)
    extra2 = load_labelled(DEV_EXTRA2)
    fresh2 = load_labelled(FRESH2)
    folder = Path(tempfile.mkdtemp())
    fresh2_collected_path = collected_copy(FRESH2, FRESH2_BRANDS, folder)
    fresh2_collected = load_labelled(fresh2_collected_path)
    before_fn = baseline_flags()
    commits = {
        "round 1": ROUND_ONE,
        "session 2": SESSION_TWO,
        "session 3": SESSION_THREE,
        "phase 1": PHASE_ONE,
        "session 4": SESSION_FOUR,
        "s5 phase 1": S5_PHASE_ONE,
        "s5 phase 2": S5_PHASE_TWO,
        "rules2": RULES_TWO,
    }
    judged: dict[str, dict[str, pd.Series]] = {}
    for source, frame, path, brands in (
        ("labelled", data, LABELLED, None),
        ("extra", extra, DEV_EXTRA, EXTRA_BRANDS),
        ("fresh", fresh, FRESH, FRESH_BRANDS),
        ("extra2", extra2, DEV_EXTRA2, EXTRA2_BRANDS),
        ("fresh2", fresh2, FRESH2, FRESH2_BRANDS),
        ("fresh2 collected", fresh2_collected, fresh2_collected_path, FRESH2_BRANDS),
    ):
        judged[source] = {
            "before": judge_before(frame, before_fn, brands or BRANDS),
            **{name: judge_tree(commit, path, brands) for name, commit in commits.items()},
            "now": judge_now(frame, brands or BRANDS),
        }
    others = pd.concat([extra, fresh], ignore_index=True)
    other_flags = {n: pd.concat([judged["extra"][n], judged["fresh"][n]], ignore_index=True) for n in RULE_SETS}
    fold = others["brand"].map(brand_fold).to_numpy()
    not_own = ~others["is_own"].to_numpy(dtype=bool)
    dev = (data["split"] == "dev").to_numpy()
    parts: list[tuple[str, pd.DataFrame, dict[str, pd.Series], np.ndarray]] = [
        ("dev", data, judged["labelled"], dev),
        ("extra", extra, judged["extra"], np.ones(len(extra), dtype=bool)),
        ("fresh", fresh, judged["fresh"], np.ones(len(fresh), dtype=bool)),
        ("25 brands", others, other_flags, not_own),
        ("fold 0", others, other_flags, not_own & (fold == 0)),
        ("fold 1", others, other_flags, not_own & (fold == 1)),
        ("extra2", extra2, judged["extra2"], np.ones(len(extra2), dtype=bool)),
    ]
    fold2 = fresh2["brand"].map(brand_fold).to_numpy()
    collected_fold = fresh2_collected["brand"].map(brand_fold).to_numpy()
    collected_posts = ~fresh2_collected["is_own"].to_numpy(dtype=bool)
    parts += [
        ("fresh2", fresh2, judged["fresh2"], np.ones(len(fresh2), dtype=bool)),
        ("f2 fold 0", fresh2, judged["fresh2"], fold2 == 0),
        ("f2 fold 1", fresh2, judged["fresh2"], fold2 == 1),
        ("fresh2 col", fresh2_collected, judged["fresh2 collected"], collected_posts),
        ("f2c fold 0", fresh2_collected, judged["fresh2 collected"], collected_posts & (collected_fold == 0)),
        ("f2c fold 1", fresh2_collected, judged["fresh2 collected"], collected_posts & (collected_fold == 1)),
    ]
    if not args.dev_only:
        parts.append(("test", data, judged["labelled"], (data["split"] == "test").to_numpy()))
    print("reply flags (needs_reply vs expect_reply): recall / share flagged of posts needing no reply")
    print(f"{'part':<10} {'rows':>9}  " + "  ".join(f"{n:>13}" for n in RULE_SETS))
    for part, frame, flagged, rows in parts:
        cells = []
        for name in RULE_SETS:
            rates = flag_rates(frame[rows], flagged[name][rows])
            cells.append(f"{rates['recall']:.3f} / {rates['flagged_no_need']:.3f}")
        rates = flag_rates(frame[rows], flagged["now"][rows])
        print(f"{part:<10} {rates['n_need']:>4}+{rates['n_no_need']:<4}  " + "  ".join(f"{c:>13}" for c in cells))
    print("fold 0:", ", ".join(sorted(others.loc[fold == 0, "brand"].unique())))
    print("fold 1:", ", ".join(sorted(others.loc[fold == 1, "brand"].unique())))
    print("f2 fold 0:", ", ".join(sorted(fresh2.loc[fold2 == 0, "brand"].unique())))
    print("f2 fold 1:", ", ".join(sorted(fresh2.loc[fold2 == 1, "brand"].unique())))
    fresh3_table(folder)
    fresh4_table(folder)
    loso_table(folder)
    if args.dev_errors:
        for name, frame, flagged, rows in parts[:3] + parts[6:7] + parts[10:11]:
            now = flagged["now"]
            wrong = frame[rows & (now != frame["expect_reply"]).to_numpy()]
            for _, row in wrong.iterrows():
                print(f"  {name} miss: expect={row['expect_reply']} {row['label']:<9} {row['text'][:110]}")

    if TWEETS.exists():
        tweets = read_tweets()
        plain = sentiment.score(tweets["text"])["sentiment"]
        r = float(np.corrcoef(plain, tweets["rating"])[0, 1])
        masked_all = sentiment.score_frame(
            tweets.assign(lang="en", brand=None), [], ok=pd.Series(True, index=tweets.index)
        )
        r_masked = float(np.corrcoef(masked_all["sentiment"], tweets["rating"])[0, 1])
        print(
            f"\nsentiment, 4,200 VADER tweets: Pearson r {r:.4f} (score, unchanged VADER); {r_masked:.4f} with @handles/URLs masked"
        )
        for name, posts in brand_sets(tweets).items():
            e = masking_error(posts)
            print(
                f"brand set {name:<9} n={e['n']:>5}: mean |score - rating/4| unmasked {e['unmasked']:.4f}, masked {e['masked']:.4f}"
            )

        words = tweets["text"].str.split().str.len()
        english = tweets.loc[words.between(5, 30), "text"]
        foreign = pd.read_csv(LANG_POSTS)
        language._identifier()
        start = time.perf_counter()
        wrong_en = language.not_english(english)
        per_text = (time.perf_counter() - start) / max(len(english.unique()), 1)
        found = language.not_english(foreign["text"])
        print(f"\nlanguage: English tweets (5-30 words) marked not English: {wrong_en.mean():.3%} of {len(english)}")
        for lang, part in foreign.groupby("lang"):
            print(f"  {lang}: detected as not English {found[part.index].mean():.1%} of {len(part)}")
        print(
            f"  all non-English: {found.mean():.2%}; cost {per_text * 1e6:.0f} us per distinct text"
            f" = {per_text * 1e6:.0f} s per 1,000,000 distinct texts without a language"
        )


if __name__ == "__main__":
    main()
