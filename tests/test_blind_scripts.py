"""The blind round's scripts (docs/labelling.md): what a writer may see of earlier sets, and the one scoring run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FRESH39 = ROOT / "tests" / "data" / "flags_fresh39.csv"


def _run(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=600)
    return done.stdout


def test_blind_meta_shows_each_sets_shape_and_none_of_its_texts() -> None:
    out = _run("scripts/blind_meta.py")
    section = out.split("## flags_fresh39.csv\n", 1)[1].split("\n## ", 1)[0]
    data = pd.read_csv(FRESH39, dtype=str, keep_default_na=False)
    assert f"rows: {len(data)}, highest id: {data['id'].astype(int).max()}, line endings: LF" in section
    assert "header: " + ",".join(data.columns) in section
    assert all(brand in section for brand in set(data["brand"]))
    assert not any(text in out for text in data["text"] if len(text) > 20)


def test_score_blind_gives_the_pinned_figures() -> None:
    """fresh39's figures as the tests pin them (tests/test_flags.py SET_PINS, exact for this set)."""
    from tests.test_flags import SET_PINS

    rows, (found, false), (found_collected, false_collected) = next(p[3:] for p in SET_PINS if p[0] == "fresh39")
    out = _run("scripts/score_blind.py", "--ids", str(FRESH39))
    assert (
        f"as the file is: {rows} rows, found {found} of 227 ({found / 227:.3f}), flagged with no need {false} of 228"
        in out
    )
    collected = f"as collected: {rows} rows, found {found_collected} of 227 ({found_collected / 227:.3f}), flagged with"
    assert f"{collected} no need {false_collected} of 228 ({false_collected / 228:.3f})" in out
    missed = out.split("as collected", 1)[1].split("missed:", 1)[1].split("\n", 1)[0].split()
    assert len(missed) == 227 - found_collected


def test_second_labeller_strips_the_labels_and_measures_agreement(tmp_path: Path) -> None:
    stripped, labels = tmp_path / "texts.csv", tmp_path / "second.csv"
    _run("scripts/second_labeller.py", "strip", str(FRESH39), str(stripped))
    given = pd.read_csv(stripped, dtype=str, keep_default_na=False)
    assert "label" not in given.columns and "expect_reply" not in given.columns and len(given) == 455
    first = pd.read_csv(FRESH39, dtype=str, keep_default_na=False)
    second = first[["id", "label", "expect_reply"]].copy()
    second.to_csv(labels, index=False)
    assert _run("scripts/second_labeller.py", "compare", str(FRESH39), str(labels)).startswith(
        "455 of 455 agree on expect_reply; kappa 1.000"
    )
    flipped = second["id"].isin(["41001", "41002"])
    second.loc[flipped, "expect_reply"] = second.loc[flipped, "expect_reply"].map({"True": "False", "False": "True"})
    second.to_csv(labels, index=False)
    out = _run("scripts/second_labeller.py", "compare", str(FRESH39), str(labels))
    assert out.startswith("453 of 455 agree on expect_reply; kappa 0.99") and "41001: first " in out
    second.iloc[:-1].to_csv(labels, index=False)
    done = subprocess.run(
        [sys.executable, "scripts/second_labeller.py", "compare", str(FRESH39), str(labels)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 2 and "the second labels lack 1 rows" in done.stderr
