"""Chart and tile helpers: bounded point counts, period choice, titles with units, change texts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from ui import charts, tiles


def test_the_period_keeps_charts_small() -> None:
    start = date(2026, 1, 1)
    assert charts.period_for(start, start + timedelta(days=2)) == "hour"
    assert charts.period_for(start, start + timedelta(days=29)) == "day"
    assert charts.period_for(start, start + timedelta(days=400)) == "week"
    for days in (1, 3, 30, 120, 121, 365, 1095):
        period = charts.period_for(start, start + timedelta(days=days - 1))
        per_series = {"hour": days * 24, "day": days, "week": days / 7 + 1}[period]
        assert per_series * 8 <= charts.MAX_POINTS


def test_figures_have_titles_units_and_bounded_points() -> None:
    frame = pd.DataFrame(
        {
            "period": list(pd.date_range("2026-01-01", periods=30, tz="UTC")) * 2,
            "platform": ["x"] * 30 + ["reddit"] * 30,
            "mentions": range(60),
        }
    )
    figure = charts.lines(
        frame,
        x="period",
        y="mentions",
        group="platform",
        title="Mentions per day",
        x_title="Day (UTC)",
        y_title="Mentions",
        period="day",
    )
    assert figure.layout.title.text == "Mentions per day"
    assert figure.layout.xaxis.title.text == "Day (UTC)" and figure.layout.yaxis.title.text == "Mentions"
    assert figure.layout.xaxis.tickformat == "%d %b"
    assert charts.points(figure) == 60
    heat = charts.heatmap(pd.DataFrame(1.0, index=range(7), columns=range(24)), title="t", value_title="v")
    assert charts.points(heat) == 168
    big = charts.lines(
        pd.DataFrame({"x": range(4000), "y": range(4000)}),
        x="x",
        y="y",
        group=None,
        title="big",
        x_title="x",
        y_title="y",
    )
    assert charts.show(big) is False  # says so instead of sending 4,000 points


def test_change_texts() -> None:
    assert tiles.count_change(120, 100) == "+20 (+20%)"
    assert tiles.count_change(5, 0) == "+5"
    assert tiles.count_change(5, None) is None
    assert tiles.points_change(0.52, 0.50) == "+2.0 pp"
    assert tiles.points_change(0.0097, 0.0101, digits=2) == "-0.04 pp"
    assert tiles.score_change(0.45, 0.56) == "-0.11"
    assert tiles.minutes_change(150.0, 149.9) == "+0.1 min"
    assert tiles.minutes_change(60.0, 200.0) == "-2.3 h"  # ASCII: st.metric's arrow goes down
    assert tiles.percent(None) == "n/a" and tiles.percent(0.515) == "51.5%"


def test_times_are_sent_as_plotly_writes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Traces carry times with a zone as their ISO strings: the JSON sent to the browser is the very
    one plotly writes for the Timestamps themselves (hours, days, ISO weeks; spike marks included)."""
    import plotly.io as pio
    import plotly.tools

    def sent(figure: object) -> str:
        return str(pio.to_json(plotly.tools.return_figure_from_figure_or_data(figure, True), validate=False))

    def draw(period: str, freq: str) -> list[object]:
        periods = pd.date_range("2026-10-05", periods=30, freq=freq, tz="UTC")
        rows = pd.DataFrame(
            [(p, name, i * 7 % 11, (i % 5) / 4 - 0.5) for i, p in enumerate(periods) for name in ("x", "reddit")],
            columns=["period", "platform", "mentions", "net"],
        )
        marks = pd.DataFrame({"x": periods[:2], "y": [3.0, 4.0], "text": ["a", "b"]})
        common: dict[str, Any] = {"title": "t", "x_title": "x", "y_title": "y", "period": period}
        return [
            charts.stacked_areas(rows, x="period", y="mentions", group="platform", marks=marks, **common),
            charts.lines(rows, x="period", y="net", group="platform", y_format="+.2f", marks=marks, **common),
            charts.bars(rows, x="period", y="mentions", group="platform", **common),
        ]

    for freq, period in (("h", "hour"), ("D", "day"), ("7D", "week")):
        found = draw(period, freq)
        assert all(isinstance(t.x, tuple | list) and isinstance(t.x[0], str) for f in found for t in f.data)  # type: ignore[attr-defined]
        with monkeypatch.context() as patched:  # the Timestamps themselves, as before
            patched.setattr(charts, "_values", lambda column: column.to_numpy())
            expected = draw(period, freq)
        assert isinstance(expected[0].data[0].x[0], pd.Timestamp)  # type: ignore[attr-defined]
        assert [sent(f) for f in found] == [sent(f) for f in expected]
        assert [charts.points(f) for f in found] == [charts.points(f) for f in expected]  # type: ignore[arg-type]
