"""KPI tiles: a value, its change against the previous period, and the formula in the help."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.delta_generator import DeltaGenerator

from ui.text import duration_hours


def _change(now: float | None, before: float | None, fmt: Callable[[float], str]) -> str | None:
    if now is None or before is None:
        return None
    return fmt(now - before)


def count_change(now: int | None, before: int | None) -> str | None:
    """'+1,234 (+5%)' against the previous period, or None when there is nothing to compare."""
    if now is None or before is None:
        return None
    diff = now - before
    if before:
        return f"{diff:+,} ({diff / before:+.0%})"
    return f"{diff:+,}"


def points_change(now: float | None, before: float | None) -> str | None:
    """A change of a share, in percentage points."""
    return _change(now, before, lambda d: f"{d * 100:+.1f} pp")


def score_change(now: float | None, before: float | None) -> str | None:
    return _change(now, before, lambda d: f"{d:+.2f}")


def minutes_change(now: float | None, before: float | None) -> str | None:
    return _change(now, before, lambda d: ("+" if d >= 0 else "−") + duration_hours(abs(d) / 60))


def percent(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}%}"


def tile(
    where: DeltaGenerator,
    label: str,
    value: str,
    change: str | None,
    help_text: str,
    *,
    lower_is_better: bool = False,
) -> None:
    """One st.metric tile: the change is green when it is good news."""
    where.metric(
        label,
        value,
        change,
        delta_color="inverse" if lower_is_better else "normal",
        help=help_text,
        border=True,
        delta_description="vs previous period" if change is not None else None,
    )


