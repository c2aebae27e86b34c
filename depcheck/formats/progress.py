"""A progress bar on stderr while registry lookups take longer than a moment.

Only on a terminal, never under ``NO_COLOR``-less pipes or ``-q``; it appears after
:data:`DELAY` seconds so that a warm-cache run (a few milliseconds) never flickers, and it is
transient: it leaves nothing behind in the scrollback once the report is printed.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from depcheck.formats.text import color_wanted

if TYPE_CHECKING:
    # rich costs 30 ms to import; it is loaded only when the bar is about to appear.
    from rich.progress import Progress, TaskID

DELAY = 0.5
"""Seconds of lookups before the bar appears."""


class LookupProgress:
    """Callable as ``progress(done, total)``; a context manager that removes the bar at the end."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or (self._progress is None and time.monotonic() - self.started < DELAY):
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(
                file=self.stream, no_color=not color_wanted(self.stream, os.environ), highlight=False
            )
            self._progress = Progress(
                TextColumn("checking registries"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._task = self._progress.add_task("lookups", total=total)
            self._progress.start()
        assert self._task is not None
        self._progress.update(self._task, completed=done, total=total)

    def __enter__(self) -> LookupProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
