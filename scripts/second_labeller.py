"""The second, blind labeller's step of a blind round (docs/labelling.md, step 2).

    python scripts/second_labeller.py strip SET.csv OUT.csv        the texts and mechanical columns, no labels
    python scripts/second_labeller.py compare SET.csv LABELS.csv   agreement (Cohen's kappa) and each disagreement

`strip` writes what the second labeller gets: every column but `label` and `expect_reply`. The labeller returns
LABELS.csv with the columns `id`, `label`, `expect_reply` (True/False) for every row. `compare` prints how many rows
agree on `expect_reply`, Cohen's kappa, and each disagreement with both labels and the text, for the lead to decide
from the row alone before the set is scored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

HIDDEN = ("label", "expect_reply")


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def strip(labelled: pd.DataFrame) -> pd.DataFrame:
    """The set without its labels."""
    return labelled.drop(columns=[c for c in HIDDEN if c in labelled.columns])


def kappa(first: pd.Series, second: pd.Series) -> float:
    """Cohen's kappa of two labellings of the same rows (1.0 when both give one and the same answer throughout)."""
    agree = float((first == second).mean())
    chance = sum(float((first == v).mean()) * float((second == v).mean()) for v in set(first) | set(second))
    return 1.0 if chance == 1.0 else (agree - chance) / (1.0 - chance)


def compare(labelled: pd.DataFrame, second: pd.DataFrame) -> tuple[int, float, pd.DataFrame]:
    """(rows that agree on expect_reply, kappa, the disagreements: id, both labels, text)."""
    missing = set(labelled["id"]) - set(second["id"])
    if missing:
        raise ValueError(f"the second labels lack {len(missing)} rows, e.g. id {sorted(missing)[0]}")
    both = labelled.merge(second[["id", "label", "expect_reply"]], on="id", suffixes=("", "_second"))
    first_says, second_says = both["expect_reply"] == "True", both["expect_reply_second"].str.strip() == "True"
    differ = both[first_says != second_says]
    table = differ[["id", "label", "expect_reply", "label_second", "expect_reply_second", "text"]]
    return int((first_says == second_says).sum()), kappa(first_says, second_says), table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("strip", "compare"))
    parser.add_argument("set", type=Path)
    parser.add_argument("other", type=Path)
    args = parser.parse_args()
    labelled = read(args.set)
    if args.step == "strip":
        strip(labelled).to_csv(args.other, index=False, lineterminator="\n")
        print(f"wrote {args.other}: {len(labelled)} rows without {', '.join(HIDDEN)}")
        return 0
    try:
        agree, k, table = compare(labelled, read(args.other))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{agree} of {len(labelled)} agree on expect_reply; kappa {k:.3f}")
    for row in table.itertuples(index=False):
        print(f"{row.id}: first {row.label}/{row.expect_reply}, second {row.label_second}/{row.expect_reply_second}")
        print(f"    {row.text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
