"""Simulation clock units.

The clock runs in *working hours*: it only advances during office hours on weekdays, so
a task that is still running at 16:00 simply continues the next morning, and a "week" is
40 clock hours. Calendar quantities reported to users (days, weeks, months) are converted
here and nowhere else.
"""

import math

HOURS_PER_DAY = 8.0
DAYS_PER_WEEK = 5
WEEK = HOURS_PER_DAY * DAYS_PER_WEEK  # 40 working hours
WEEKS_PER_YEAR = 52
FULL_WEEK = 7 * 24.0  # a week of the validation reductions, whose clock runs around the day
YEAR = WEEKS_PER_YEAR * WEEK
MONTH = YEAR / 12  # 173.3 working hours, about 4.33 weeks


def to_weeks(hours: float) -> float:
    """Working hours to weeks."""
    return hours / WEEK


def weeks_to_years(weeks: float) -> float:
    """Weeks (working or calendar: both are 52 a year) to years."""
    return weeks / WEEKS_PER_YEAR


def to_calendar_days(hours: float) -> float:
    """Working hours to calendar days (a working week is seven calendar days)."""
    return hours / WEEK * 7.0


def calendar_days_to_hours(days: float) -> float:
    """Calendar days to working hours (e.g. the late-payment threshold, ``process.late_payment_days``)."""
    return days / 7.0 * WEEK


def months_ceil(months: float) -> int:
    """Monthly payments an episode of ``months`` needs (at least one)."""
    return max(1, math.ceil(months - 1e-9))
