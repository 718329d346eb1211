"""Dates and timestamps of variable precision ("2023", "2023-02", "2023-02-24", "2023-02-24T10:12:00Z") as intervals.

Sources give dates to the year, the month or the day, and transfers to the second. A value is read as the interval
it names: "2023-02" is [2023-02-01T00:00:00, 2023-02-28T23:59:59.999999]. Comparisons between intervals then say
what is certain and what only possible, and the analyses state which of the two they use.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True, order=True)
class Moment:
    """The interval a date or timestamp of some precision stands for (naive UTC datetimes)."""

    earliest: datetime
    latest: datetime

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest


def parse_moment(value: object) -> Moment | None:
    """The interval named by an ISO date/timestamp of any precision (also 'YYYY-MM-DD HH:MM:SS', epoch seconds).

    None for missing or unreadable values: callers decide (and say) what an unknown date means for them.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value <= 0:
            return None
        moment = datetime.fromtimestamp(float(value), tz=UTC).replace(tzinfo=None)
        return Moment(moment, moment)
    text = str(value).strip()
    if not text:
        return None
    match = _DATE.match(text)
    if match:
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        try:
            if month is None:
                return Moment(datetime(year, 1, 1), datetime(year, 12, 31, 23, 59, 59, 999999))
            if day is None:
                last = calendar.monthrange(year, month)[1]
                return Moment(datetime(year, month, 1), datetime(year, month, last, 23, 59, 59, 999999))
            start = datetime(year, month, day)
        except ValueError:
            return None
        return Moment(start, start + timedelta(days=1) - timedelta(microseconds=1))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" UTC", ""))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return Moment(parsed, parsed)


def parse_day(value: str) -> date:
    """A date given by a user (``--as-of``, ``--since``): ISO, to the day at most; raises ValueError otherwise."""
    moment = parse_moment(value)
    if moment is None:
        raise ValueError(f"'{value}' is not a date (write it as YYYY-MM-DD)")
    return moment.earliest.date()


def day_interval(day: date) -> Moment:
    start = datetime(day.year, day.month, day.day)
    return Moment(start, start + timedelta(days=1) - timedelta(microseconds=1))


def today() -> date:
    return datetime.now(tz=UTC).date()


def utc_now_iso() -> str:
    return datetime.now(tz=UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
