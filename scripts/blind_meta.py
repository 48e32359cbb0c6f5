"""What a blind writer may know of the labelled sets: their shape, never their texts or labels.

    python scripts/blind_meta.py [REPO]

Prints, for every tests/data/flags_*.csv: its header, row count, highest `id`, line endings and the
distinct values of its `brand` column (so a new set can take ids and brands nobody used). It reads the
`id` and `brand` columns only; no text or label is printed. docs/labelling.md says how it is used.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def describe(path: Path) -> str:
    """One set's shape: header, rows, highest id, line endings, brands."""
    raw = path.read_bytes()
    endings = "CRLF" if b"\r\n" in raw else "LF"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        ids: list[int] = []
        brands: set[str] = set()
        for row in reader:
            if (row.get("id") or "").isdigit():
                ids.append(int(row["id"]))
            if row.get("brand"):
                brands.add(row["brand"])
    return "\n".join(
        [
            f"## {path.name}",
            f"header: {','.join(header)}",
            f"rows: {len(ids)}, highest id: {max(ids) if ids else '-'}, line endings: {endings}",
            f"brands: {'; '.join(sorted(brands))}",
        ]
    )


def main(argv: list[str]) -> int:
    repo = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    paths = sorted(
        (repo / "tests" / "data").glob("flags_*.csv"),
        key=lambda p: (len(p.stem), p.stem),
    )
    if not paths:
        print(f"no tests/data/flags_*.csv under {repo}", file=sys.stderr)
        return 2
    print("\n\n".join(describe(path) for path in paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
