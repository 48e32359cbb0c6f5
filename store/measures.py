"""The SQL forms of analysis/formulas, one definition each: engagements, the sums behind the
engagement rate, and each brand's SLA. store.writer (rollups), store.reader (pages) and
store.queue (ordering) all build their queries from these; the numpy forms are in analysis/.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, case, func, literal
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import TableClause

from analysis.engagement import ENGAGEMENT_COUNTS
from analysis.formulas import DEFAULT_SLA_HOURS, SATISFIED_AT
from frame import RATINGS
from store.schema import mentions


def engagements(m: TableClause = mentions) -> ColumnElement[Any]:
    """FORMULAS["engagements"]: likes + replies + reposts + quotes, a missing count as 0.

    `m`: `mentions`, or a table with its columns (store.writer's rows a write stored)."""
    return sum((func.coalesce(m.c[c], 0) for c in ENGAGEMENT_COUNTS), start=literal(0))


def no_engagement_data(m: TableClause = mentions) -> ColumnElement[bool]:
    """True for a mention that reports none of the engagement counts."""
    return and_(*(m.c[c].is_(None) for c in ENGAGEMENT_COUNTS))


def sum_if(condition: ColumnElement[bool], value: Any) -> ColumnElement[Any]:
    """SUM(value) over the rows where `condition` holds, 0 when none does."""
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def rate_sums(m: TableClause = mentions) -> list[ColumnElement[Any]]:
    """The sums FORMULAS["engagement_rate"] divides (analysis.engagement.add_rates): views and the
    engagements of mentions with views, followers and the engagements of mentions with followers;
    a denominator counts only when > 0. Labelled like analysis.engagement.SUM_COLUMNS."""
    eng = engagements(m)
    has_views = func.coalesce(m.c.views, 0) > 0
    has_followers = func.coalesce(m.c.author_followers, 0) > 0
    return [
        sum_if(has_views, m.c.views).label("views"),
        sum_if(has_views, eng).label("engagements_with_views"),
        sum_if(has_followers, m.c.author_followers).label("followers"),
        sum_if(has_followers, eng).label("engagements_with_followers"),
    ]


def sla_hours(by_brand: Mapping[str, float]) -> ColumnElement[float]:
    """Each mention's SLA in hours: its brand's when > 0, else analysis.formulas.DEFAULT_SLA_HOURS
    (analysis.flags.effective_sla in numpy)."""
    default = literal(float(DEFAULT_SLA_HOURS))
    known = {name: float(hours) for name, hours in by_brand.items() if float(hours) > 0}
    if not known:
        return default
    return case(*((mentions.c.brand == name, literal(hours)) for name, hours in known.items()), else_=default)


def rating_sums() -> list[ColumnElement[Any]]:
    """The sums FORMULAS["avg_rating"] and ["csat"] divide (analysis.satisfaction.COUNT_COLUMNS), over rated
    mentions: rated reviews, the sum of their stars, those rated SATISFIED_AT or more, and each star's count."""
    stars = mentions.c.rating
    return [
        func.count(stars).label("rated"),
        func.coalesce(func.sum(stars), 0).label("rating_sum"),
        sum_if(stars >= SATISFIED_AT, 1).label("satisfied"),
        *(sum_if(stars == s, 1).label(f"stars_{s}") for s in RATINGS),
    ]
