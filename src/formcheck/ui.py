"""Terminal helpers shared by the front ends: progress on stderr, one-line messages."""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Callable, Iterator

from formcheck.errors import FormcheckError


def error_line(err: FormcheckError) -> str:
    """The one line an error is shown as."""
    return f"formcheck: error: {err}"


def duration_text(seconds: float) -> str:
    """A session's length, seconds, as m:ss, rounded to the second (the live session's
    last line and ``formcheck history`` say the same)."""
    s = max(math.floor(seconds + 0.5), 0)  # halves up (round() takes them to even)
    return f"{s // 60}:{s % 60:02d}"


def say(message: str) -> None:
    """Print one line of status to stderr."""
    print(message, file=sys.stderr, flush=True)


def result(message: str) -> None:
    """Print one line of a command's result to stdout (``analyze x > results.txt`` keeps
    it; status, progress and errors stay on stderr)."""
    print(message, flush=True)


@contextlib.contextmanager
def progress_bar(
    total: int | None, description: str, enabled: bool = True
) -> Iterator[Callable[[], None]]:
    """A rich progress bar on stderr; yields a function that advances it by one frame.

    ``total`` is an estimate (a container's frame count, scaled to the analysis rate);
    when the work ends without an error the bar is shown full at the frames done.
    """
    if not enabled:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=console, transient=False,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)
        bar.update(task, total=bar.tasks[0].completed)
