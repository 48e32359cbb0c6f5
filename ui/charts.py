"""Plotly charts every page draws the same way: titled with units, UTC axes, bounded point counts.

Figures are built from plain dicts without plotly's property validation: plotly.express and
validated graph_objects cost 0.03-0.1 s a figure, too much for a 0.3 s rerun.
`show` refuses to send more than MAX_POINTS points (it says so instead): callers pick a coarser
period first (`period_for`), so this is a guard, not a sampler.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.periods import Period

MAX_POINTS = 3000
#: one colour per platform, the same on every chart.
PLATFORM_COLOURS = {
    "x": "#1f2937",
    "reddit": "#ff4500",
    "bluesky": "#0a7aff",
    "mastodon": "#6364ff",
    "hackernews": "#f0a020",
    "rss": "#2e9d5b",
    "csv": "#8c564b",
    "instagram": "#c13584",
    "facebook": "#1877f2",
    "linkedin": "#0a66c2",
    "youtube": "#cc0000",
    "tiktok": "#25b8b0",
    "appstore": "#0d84f5",
    "googleplay": "#01875f",
}
SENTIMENT_COLOURS = {"positive": "#2e9d5b", "neutral": "#9ca3af", "negative": "#d62728", "unscored": "#d4d4d8"}
BRAND_COLOURS = ["#0a7aff", "#f0a020", "#6b7280", "#9467bd", "#17becf", "#bcbd22"]
SPIKE_COLOUR = "#d62728"
PERIOD_WORD = {"hour": "hour", "day": "day", "week": "ISO week"}
#: Plotly's toolbar band at the top of a chart (px): titles start below it.
TOOLBAR_PX = 36
#: a Monday (any one): weekly ticks count from it.
MONDAY = "2024-01-01"
WEEK_MS = 7 * 24 * 3600 * 1000


def period_for(start: date, end: date, series: int = 8) -> Period:
    """The finest period ('hour', 'day', 'week') that keeps `series` lines under MAX_POINTS and readable."""
    days = (end - start).days + 1
    if days <= 3:
        return "hour"
    if days <= 120 and days * series <= MAX_POINTS:
        return "day"
    return "week"


def _layout(
    title: str, x_title: str, y_title: str, *, legend: str | None = None, period: str | None = None
) -> dict[str, Any]:
    """Title top left, legend under the plot (never over the title), axis titles with units; with a
    `period`, date ticks as '21 Oct' ('21 Oct 14:00' for hours): the year is in the page caption."""
    layout: dict[str, Any] = {
        # the title sits under Plotly's toolbar (top right, shown on hover or tap), so on a narrow
        # phone screen the toolbar never covers it
        "title": {
            "text": title,
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": TOOLBAR_PX, "l": 8},
            "font": {"size": 15},
        },
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "legend": {
            "orientation": "h",
            "yanchor": "top",
            "y": -0.26,
            "xanchor": "left",
            "x": 0,
            "title": {"text": f"{legend}:" if legend else ""},
        },
        "hovermode": "x unified",
        "margin": {"t": TOOLBAR_PX + 40, "l": 8, "r": 8, "b": 8},
        "height": 400,
    }
    if period is not None:
        layout["xaxis"]["tickformat"] = "%d %b %H:%M" if period == "hour" else "%d %b"
    return layout


def week_ticks(layout: dict[str, Any], periods: pd.Series) -> dict[str, Any]:
    """Ticks on the Mondays that start ISO weeks (Plotly's own fall on Sundays), about a dozen at most."""
    stamps = pd.to_datetime(pd.Series(periods).dropna())
    weeks = 1 if stamps.empty else int((stamps.max() - stamps.min()).days // 7) + 1
    step = max(1, -(-weeks // 12))
    layout["xaxis"] |= {"tick0": MONDAY, "dtick": step * WEEK_MS, "ticklabelmode": "instant"}
    return layout


def figure(traces: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A Figure from plain trace and layout dicts, without plotly's per-property validation.

    Validation costs more than the rest of a rerun; the dicts built here are fixed and tested.
    """
    return go.Figure(data=traces, layout=layout, _validate=False)


def colour(name: str, index: int, palette: dict[str, str] | None = None) -> str:
    if palette and name in palette:
        return palette[name]
    return BRAND_COLOURS[index % len(BRAND_COLOURS)]


def _groups(frame: pd.DataFrame, group: str | None) -> list[tuple[str | None, pd.DataFrame]]:
    if group is None:
        return [(None, frame)]
    return [(str(name), rows) for name, rows in frame.groupby(group, sort=True, observed=True)]


def _values(column: pd.Series) -> Any:
    """A column's values for a trace. Times with a zone are given as their ISO strings, which is what
    plotly's JSON encoder writes for each Timestamp (`isoformat`), so the chart sent is the same; the
    encoder would otherwise call its chain of type checks once per value on every draw."""
    if isinstance(column.dtype, pd.DatetimeTZDtype) and not column.isna().any():
        return [stamp.isoformat() for stamp in column]
    return column.to_numpy()


def _mark_trace(marks: pd.DataFrame | None, label: str) -> list[dict[str, Any]]:
    if marks is None or not len(marks):
        return []
    return [
        {
            "type": "scatter",
            "x": _values(marks["x"]),
            "y": marks["y"].to_numpy(),
            "name": label,
            "mode": "markers",
            "marker": {
                "symbol": "triangle-up",
                "size": 13,
                "color": SPIKE_COLOUR,
                "line": {"width": 1, "color": "white"},
            },
            "text": marks["text"].tolist(),
            "hovertemplate": "%{text}<extra></extra>",
        }
    ]


def lines(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    group: str | None,
    title: str,
    x_title: str,
    y_title: str,
    palette: dict[str, str] | None = None,
    y_format: str = ",.0f",
    marks: pd.DataFrame | None = None,
    mark_label: str = "spike",
    period: str | None = None,
) -> go.Figure:
    """One line per value of `group` (or one line); `marks` (columns x, y, text) drawn as red triangles."""
    traces = [
        {
            "type": "scatter",
            "x": _values(rows[x]),
            "y": rows[y].to_numpy(),
            "name": name or y_title,
            "mode": "lines",
            "line": {"color": colour(name or y_title, i, palette), "width": 2},
            "hovertemplate": f"%{{y:{y_format}}}",
        }
        for i, (name, rows) in enumerate(_groups(frame, group))
    ]
    layout = _layout(title, x_title, y_title, legend=group.capitalize() if group else None, period=period)
    if period == "week":
        week_ticks(layout, frame[x])
    layout["yaxis"] |= {"tickformat": y_format.lstrip(",")}
    if y_format.startswith("+"):
        layout["yaxis"] |= {"range": [-1.05, 1.05], "zeroline": True}
    else:
        layout["yaxis"] |= {"rangemode": "tozero"}
    return figure(traces + _mark_trace(marks, mark_label), layout)


def stacked_areas(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    group: str,
    title: str,
    x_title: str,
    y_title: str,
    palette: dict[str, str] | None = None,
    marks: pd.DataFrame | None = None,
    mark_label: str = "spike",
    period: str | None = None,
    y_format: str = ",.0f",
) -> go.Figure:
    """Areas stacked per `group` value, so the top edge is the total; `marks` (x, y, text) as red triangles."""
    traces = [
        {
            "type": "scatter",
            "x": _values(rows[x]),
            "y": rows[y].to_numpy(),
            "name": name,
            "mode": "lines",
            "stackgroup": "one",
            "line": {"color": colour(str(name), i, palette), "width": 1},
            "hovertemplate": f"%{{y:{y_format}}}",
        }
        for i, (name, rows) in enumerate(_groups(frame, group))
    ]
    layout = _layout(title, x_title, y_title, legend=group.capitalize(), period=period)
    if period == "week":
        week_ticks(layout, frame[x])
    layout["yaxis"] |= {"tickformat": y_format.lstrip(","), "rangemode": "tozero"}
    return figure(traces + _mark_trace(marks, mark_label), layout)


def bars(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    group: str | None,
    title: str,
    x_title: str,
    y_title: str,
    palette: dict[str, str] | None = None,
    y_format: str = ",.0f",
    stacked: bool = True,
    period: str | None = None,
) -> go.Figure:
    """Bars per `x`, one colour per `group` value (stacked unless told otherwise)."""
    traces = [
        {
            "type": "bar",
            "x": _values(rows[x]),
            "y": rows[y].to_numpy(),
            "name": name or y_title,
            "marker": {"color": colour(name or y_title, i, palette)},
            "hovertemplate": f"%{{y:{y_format}}}",
        }
        for i, (name, rows) in enumerate(_groups(frame, group))
    ]
    layout = _layout(title, x_title, y_title, legend=group.capitalize() if group else None, period=period)
    if period == "week":
        week_ticks(layout, frame[x])
    layout["barmode"] = "stack" if stacked else "group"
    layout["yaxis"] |= {"tickformat": y_format.lstrip(",")}
    return figure(traces, layout)


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def heatmap(table: pd.DataFrame, *, title: str, value_title: str, value_format: str = ",.0f") -> go.Figure:
    """A weekday x hour grid (rows Mon..Sun, columns 0..23) as a heatmap."""
    trace = {
        "type": "heatmap",
        "z": table.to_numpy(dtype=float),
        "x": [f"{h:02d}:00" for h in table.columns],
        "y": [WEEKDAYS[d] for d in table.index],
        "colorscale": [[0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1.0, "#08306b"]],
        "colorbar": {"title": {"text": value_title}},
        "hovertemplate": f"%{{y}} %{{x}} UTC: %{{z:{value_format}}}<extra></extra>",
    }
    layout = _layout(title, "Hour of day (UTC)", "Weekday")
    layout["yaxis"] |= {"autorange": "reversed"}
    layout["hovermode"] = "closest"
    return figure([trace], layout)


def points(fig: go.Figure) -> int:
    """How many data points a figure sends."""
    total = 0
    for trace in fig.data:
        z = getattr(trace, "z", None)
        if z is not None:
            total += int(np.size(z))
            continue
        x = getattr(trace, "x", None)
        total += len(x) if x is not None else 0
    return total


def show(fig: go.Figure, *, key: str | None = None) -> bool:
    """Draw a figure full width, unless it would send more than MAX_POINTS points: then say so instead
    (a range of many years charted by week). True when drawn."""
    count = points(fig)
    if count > MAX_POINTS:
        st.info(
            f"{fig.layout.title.text}: too long a range to chart ({count:,} points; at most {MAX_POINTS:,}). "
            "Narrow the dates in the sidebar.",
            icon=":material/zoom_in:",
        )
        return False
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})
    return True


def period_label(period: str) -> str:
    return PERIOD_WORD.get(period, period)


def x_title(period: str) -> str:
    return {"hour": "Hour (UTC)", "day": "Day (UTC)", "week": "ISO week starting Monday (UTC)"}.get(period, period)
