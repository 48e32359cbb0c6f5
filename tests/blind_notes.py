"""The notes of the blind sets (tests/data/flags_freshN.md): their "Brands" table, the one place each set's brands are
written down (read by the data tests and by tests/test_flags.py, which configures the brands from it)."""

from __future__ import annotations

from pathlib import Path


def brands_table(notes: str) -> dict[str, list[str]]:
    """The notes' brands table: brand -> the words that name it (name, X handle, other spellings)."""
    section = notes.split("## Brands", 1)[1].split("\n## ", 1)[0]
    table: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        if not line.startswith("| ") or cells[0] == "brand":
            continue
        also = cells[3] if len(cells) > 3 else ""
        others = [word.strip().strip('"') for word in also.split(",") if word.strip() not in ("", "-")]
        table[cells[0]] = [cells[0], cells[2], *others]
    return table


def notes_brands_words(csv_path: Path) -> list[list[str]]:
    """The words of each brand in the "Brands" table of the notes beside `csv_path` (its `.md`), in table order."""
    return list(brands_table(csv_path.with_suffix(".md").read_text(encoding="utf-8")).values())
