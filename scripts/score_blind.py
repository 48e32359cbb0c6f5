"""Score blind sets once: found and flagged-with-no-need, as the file is and as collected (docs/labelling.md, step 3).

    python scripts/score_blind.py [--tree DIR] SET.csv [SET.csv ...]

Each SET.csv is judged with the brands its notes (SET.md, "Brands" table) configure, by the rules and learned layer
of the tree at DIR (default: this checkout), exactly as tests/test_flags.py `judged_posts` judges the pinned sets. To
score a commit, extract it first (`git archive REF | tar -x -C DIR`) and pass `--tree DIR`; the sets are read from
where they are, so the tree never needs them. Prints one line per set and mode, then the misses and false flags' ids.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path, help="labelled CSV files with their .md notes beside them")
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1], help="the tree to score")
    parser.add_argument("--ids", action="store_true", help="also list the ids of misses and false flags")
    args = parser.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))
    from tests.test_flags import _notes_brands, judged_posts

    print(f"rules and layer of {args.tree.resolve()}")
    for path in args.sets:
        brands = _notes_brands(path.resolve())
        for as_collected in (False, True):
            data, flagged = judged_posts(path.resolve(), brands, as_collected=as_collected)
            need = data["expect_reply"]
            found, false = int(flagged[need].sum()), int(flagged[~need].sum())
            mode = "as collected" if as_collected else "as the file is"
            print(
                f"{path.name} {mode}: {len(data)} rows, found {found} of {int(need.sum())} ({found / need.sum():.3f}),"
                f" flagged with no need {false} of {int((~need).sum())} ({false / (~need).sum():.3f})"
            )
            if args.ids:
                print("  missed:", " ".join(data.loc[need & ~flagged, "id"].astype(str)))
                print("  false flags:", " ".join(data.loc[~need & flagged, "id"].astype(str)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
