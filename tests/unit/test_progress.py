"""A load's progress (loaders/framework/progress.py): a bar on a terminal, lines in a log."""

from __future__ import annotations

import io

from loaders.framework import BarProgress, LineProgress, NoProgress, progress_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_lines_every_interval_with_the_count_the_total_and_the_rate() -> None:
    out, clock = io.StringIO(), Clock()
    progress = LineProgress("ftm", stream=out, every=30.0, clock=clock)
    progress.set_total(1_000_000)
    progress.update(5_000)
    clock.now += 10
    progress.update(5_000)
    assert out.getvalue() == ""  # not yet half a minute
    clock.now += 20
    progress.update(20_000)
    clock.now += 5
    progress.update(1)
    clock.now += 5
    progress.close()
    assert out.getvalue().splitlines() == [
        "ftm: 30,000 of 1,000,000 records read in 30 s, 1,000 records/s",
        "ftm: 30,001 of 1,000,000 records read in 40 s, 750 records/s (done)",
    ]


def test_a_bar_on_a_terminal_lines_elsewhere_nothing_when_quiet() -> None:
    assert isinstance(progress_for("x", quiet=True, stream=Terminal()), NoProgress)
    assert isinstance(progress_for("x", stream=io.StringIO()), LineProgress)
    bar = progress_for("x", stream=Terminal())
    assert isinstance(bar, BarProgress)
    bar.close()


def test_the_end_of_a_load_says_how_many_relationships_are_written() -> None:
    """After the last record is read a load writes the relationships it kept (minutes at millions): the lines go on
    every interval with that count, and the bar shows it."""
    out, clock = io.StringIO(), Clock()
    progress = LineProgress("ftm", stream=out, every=30.0, clock=clock)
    progress.update(40_000)
    progress.written(2_000)
    assert out.getvalue() == ""
    clock.now += 30
    progress.written(3_000)
    clock.now += 10
    progress.written(1_000)  # not yet another half minute
    clock.now += 20
    progress.close()
    assert out.getvalue().splitlines() == [
        "ftm: 40,000 records read in 30 s, 1,333 records/s; 5,000 relationships written",
        "ftm: 40,000 records read in 60 s, 667 records/s; 6,000 relationships written (done)",
    ]
    terminal = Terminal()
    bar = BarProgress("x", stream=terminal)
    bar.written(7)
    bar.close()
    assert "7 relationships written" in terminal.getvalue()
    NoProgress().written(3)
