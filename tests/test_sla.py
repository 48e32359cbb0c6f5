"""Business-hours SLA clocks: analysis.sla.deadline and business_elapsed, with config.BusinessHours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from analysis.sla import business_elapsed, deadline
from config import BusinessHours

NY = ZoneInfo("America/New_York")
OFFICE = BusinessHours(
    **{"timezone": "America/New_York", "days": "mon-fri", "hours": "09:00-17:00", "holidays": ["2026-12-25"]}
)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY).astimezone(UTC)


def test_around_the_clock_without_business_hours() -> None:
    start = datetime(2026, 11, 20, 16, 45, tzinfo=UTC)
    assert deadline(start, 4, None) == start + timedelta(hours=4)
    assert business_elapsed(start, start + timedelta(hours=30), None) == timedelta(hours=30)
    assert business_elapsed(start, start - timedelta(hours=1), None) == timedelta(0)


def test_friday_afternoon_breaches_monday_morning() -> None:
    # Mon-Fri 09:00-17:00, SLA 30 minutes, mention Friday 16:45 -> breach Monday 09:15
    assert deadline(ny(2026, 11, 20, 16, 45), 0.5, OFFICE) == ny(2026, 11, 23, 9, 15)


def test_early_mention_answered_after_opening_counts_business_minutes() -> None:
    # 06:00 mention answered at 09:05 the same day: 5 minutes of business time
    assert business_elapsed(ny(2026, 11, 18, 6, 0), ny(2026, 11, 18, 9, 5), OFFICE) == timedelta(minutes=5)


@pytest.mark.parametrize(
    "created",
    [
        (2026, 11, 21, 11, 0),  # Saturday
        (2026, 11, 22, 23, 30),  # Sunday night
        (2026, 11, 20, 18, 0),  # Friday after closing
    ],
)
def test_weekend_and_after_hours_start_at_next_opening(created: tuple[int, ...]) -> None:
    assert deadline(ny(*created), 1, OFFICE) == ny(2026, 11, 23, 10, 0)


def test_holiday_starts_the_clock_at_next_opening() -> None:
    # Christmas 2026 is a Friday and a holiday: the clock starts Monday 28 Dec at 09:00
    assert deadline(ny(2026, 12, 25, 10, 0), 2, OFFICE) == ny(2026, 12, 28, 11, 0)
    assert business_elapsed(ny(2026, 12, 24, 16, 0), ny(2026, 12, 28, 9, 30), OFFICE) == timedelta(minutes=90)


def test_sla_longer_than_a_day_spans_days() -> None:
    # 4 business hours from Thursday 15:00: 2 h Thursday, 2 h Friday -> Friday 11:00
    assert deadline(ny(2026, 11, 19, 15, 0), 4, OFFICE) == ny(2026, 11, 20, 11, 0)
    assert business_elapsed(ny(2026, 11, 16, 9, 0), ny(2026, 11, 23, 9, 0), OFFICE) == timedelta(hours=40)


def test_daylight_saving_change_week_keeps_local_hours() -> None:
    # US clocks go back on Sunday 1 Nov 2026: 09:00 local is 13:00 UTC before, 14:00 UTC after
    before = deadline(ny(2026, 10, 30, 16, 30), 1, OFFICE)  # Friday 16:30 EDT
    assert before == ny(2026, 11, 2, 9, 30)
    assert before == datetime(2026, 11, 2, 14, 30, tzinfo=UTC)
    # the whole change week still holds 5 x 8 business hours
    assert business_elapsed(ny(2026, 10, 26, 0, 0), ny(2026, 11, 2, 0, 0), OFFICE) == timedelta(hours=40)
    # and the spring-forward week (8 Mar 2026) too
    assert business_elapsed(ny(2026, 3, 2, 0, 0), ny(2026, 3, 9, 0, 0), OFFICE) == timedelta(hours=40)
    assert business_elapsed(ny(2026, 3, 6, 16, 0), ny(2026, 3, 9, 10, 0), OFFICE) == timedelta(hours=2)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline(datetime(2026, 11, 20, 9, 0), 1, OFFICE)
