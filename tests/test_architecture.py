"""The layer rules of docs/architecture.md, checked on the source: every import statement of every
module is parsed with `ast` (imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", "tests", ".git", "data", "artifacts", "node_modules"}


def modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not SKIP & set(p.relative_to(ROOT).parts))


def imported(path: Path) -> set[str]:
    """Top-level package names and dotted module names that `path` imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def layer(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else path.stem


def breaks(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(n for n in imported(path) if n.split(".")[0] in forbidden)


#: layer -> top-level packages it must not import (docs/architecture.md, "What each layer may import").
RULES: dict[str, tuple[str, ...]] = {
    "redact": (
        "frame",
        "platforms",
        "config",
        "collectors",
        "store",
        "analysis",
        "pipeline",
        "ui",
        "pages",
        "app",
        "cli",
    ),
    "platforms": ("frame", "config", "collectors", "store", "analysis", "pipeline", "ui", "pages", "app", "cli"),
    "frame": ("config", "collectors", "store", "analysis", "pipeline", "ui", "pages", "app", "cli"),
    "config": ("collectors", "store", "pipeline", "ui", "pages", "app", "cli"),
    "collectors": ("pipeline", "store", "ui", "pages", "app", "cli"),
    "store": ("collectors", "pipeline", "ui", "pages", "app", "cli"),
    "analysis": ("collectors", "pipeline", "store", "ui", "pages", "app", "cli"),
    "pipeline": ("ui", "pages", "app", "cli"),
}
#: the only places that import streamlit (bench/ measures the pages).
STREAMLIT_LAYERS = {"app", "pages", "ui", "bench"}


@pytest.mark.parametrize("name", sorted(RULES))
def test_layers_import_only_downwards(name: str) -> None:
    found = {
        str(p.relative_to(ROOT)): broken for p in modules() if layer(p) == name and (broken := breaks(p, RULES[name]))
    }
    assert not found, f"{name} imports a layer above it or beside it: {found} (see docs/architecture.md)"


def test_only_the_dashboard_imports_streamlit() -> None:
    found = [
        str(p.relative_to(ROOT)) for p in modules() if layer(p) not in STREAMLIT_LAYERS and breaks(p, ("streamlit",))
    ]
    assert not found, f"streamlit imported outside app.py, pages/ and ui/: {found}"


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from pipeline import seed\n    import streamlit as st\n", encoding="utf-8")
    assert breaks(module, ("pipeline", "streamlit")) == ["pipeline", "pipeline.seed", "streamlit"]


def test_every_layer_is_checked() -> None:
    layers = {layer(p) for p in modules()}
    assert {"frame", "config", "collectors", "store", "analysis", "pipeline", "ui", "pages", "app", "cli"} <= layers
    unknown = layers - set(RULES) - STREAMLIT_LAYERS - {"cli", "platforms", "scripts"}
    assert not unknown, f"modules outside every layer of docs/architecture.md: {unknown}"
