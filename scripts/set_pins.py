"""Each pinned set's found and flagged-with-no-need counts now, beside its pins in tests/test_flags.py `SET_PINS`.

    python scripts/set_pins.py [--write] [SET ...]

Judges every set of `SET_PINS` (or the ones named) as tests/test_flags.py `test_blind_written_set_figures` does, as
the file is and as collected, and prints one line a set: the four counts, the pins, and "lower" where a count is worse
than its pin (the test fails), "moved" where it differs and is not worse. Then the totals as collected. `--write`
rewrites those sets' pins to the counts now (after a retrain: comment each lowered pin by hand, as the file does). About
two minutes for all of them.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEST_FILE = ROOT / "tests" / "test_flags.py"


def counts(path: Path, brands: list[Any], judged_posts: Callable[..., Any]) -> tuple[list[tuple[int, int]], int, int]:
    """(found, flagged with no need) as the file is, then as collected; the posts that need a reply; the rows."""
    out = []
    for as_collected in (False, True):
        data, flagged = judged_posts(path, brands, as_collected=as_collected)
        need = data["expect_reply"]
        out.append((int(flagged[need].sum()), int(flagged[~need].sum())))
    return out, int(need.sum()), len(data)


def rewrite(text: str, name: str, now: list[tuple[int, int]]) -> str:
    """`text` (tests/test_flags.py) with the pins of set `name` set to `now`."""
    pattern = rf'(\("{re.escape(name)}", \w+, \w+, \d+, )\(\d+, \d+\), \(\d+, \d+\)\)'
    new, found = re.subn(pattern, rf"\g<1>{now[0]}, {now[1]})", text)
    if found != 1:
        raise SystemExit(f"{name}: its SET_PINS row was not found once in {TEST_FILE} ({found})")
    return new


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="set names (default: every pinned set)")
    parser.add_argument("--write", action="store_true", help="rewrite the pins of the sets that moved")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.test_flags import SET_PINS, judged_posts

    unknown = set(args.sets) - {row[0] for row in SET_PINS}
    if unknown:
        raise SystemExit(f"not pinned: {', '.join(sorted(unknown))}")
    text = TEST_FILE.read_text(encoding="utf-8")
    total = [0, 0, 0, 0]
    for name, path, brands, _, file_pins, collected_pins in SET_PINS:
        if args.sets and name not in args.sets:
            continue
        now, need, rows = counts(path, brands, judged_posts)
        pins = [file_pins, collected_pins]
        lower = any(n[0] < p[0] or n[1] > p[1] for n, p in zip(now, pins, strict=True))
        mark = " lower" if lower else (" moved" if now != pins else "")
        print(f"{name}: {now[0]} {now[1]} | pins {file_pins} {collected_pins}{mark}", flush=True)
        total = [total[0] + now[1][0], total[1] + need, total[2] + now[1][1], total[3] + rows - need]
        if args.write and now != pins:
            text = rewrite(text, name, now)
    print(f"as collected: found {total[0]} of {total[1]}, flagged with no need {total[2]} of {total[3]}")
    if args.write:
        TEST_FILE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
