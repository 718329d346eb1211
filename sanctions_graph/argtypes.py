"""Click value types shared by the CLI modules: each rejects bad input with a sentence click prints (exit 2)."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from graph import parse_day


def int_between(low: int, high: int) -> click.IntRange:
    """A whole number in [low, high]."""
    return click.IntRange(low, high)


class Day(click.ParamType[date]):
    """A day, YYYY-MM-DD (or the shorter forms graph.analytics.dates accepts)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_day(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DAY = Day()
