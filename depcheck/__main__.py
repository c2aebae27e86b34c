"""Entry point for ``python -m depcheck`` and the ``depcheck`` command (:func:`entry`)."""

from __future__ import annotations

import gc
import sys
from typing import NoReturn

EXIT_UNWRITTEN = 120
"""The status when standard output or error cannot be flushed at the end: Python's own for it."""


def entry() -> NoReturn:
    """Run the command line with the cyclic collector off from the first import, then leave
    without tearing the interpreter down (:func:`leave`).

    A one-shot command keeps what it builds until it exits, so the collector would only rescan
    it: importing the command line alone set it off 16 times (28 ms of a 0.9 s cold audit).
    :func:`depcheck.cli.main` turns it back on for ``depcheck serve``, which runs for days.
    """
    gc.disable()
    from depcheck.cli import main

    leave(main())


def leave(code: int) -> NoReturn:
    """Exit with ``code`` once everything written is out, skipping the interpreter's teardown.

    Tearing down frees every module and object one by one: 50 ms after a warm audit had
    finished, a tenth of its time, for memory the system takes back at once anyway. What a normal
    exit does that matters still happens: the ``atexit`` functions run (``logging`` flushes its
    handlers there; a coverage tool saves its data there), then standard output and error are
    flushed. Files the commands write are closed by the commands; the cache's SQLite commits
    each write as it is made. If a thread other than this one is still running, the exit is the
    normal one, which waits for it.
    """
    import atexit
    import contextlib
    import os

    atexit._run_exitfuncs()
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started without one (pythonw, a closed descriptor)
            continue
        try:
            stream.flush()
        except (OSError, ValueError) as exc:  # a closed pipe, a full disk, a closed stream
            name = "standard output" if stream is sys.stdout else "standard error"
            # When standard error itself is gone, the exit status is all that is left to say it.
            with contextlib.suppress(OSError):
                os.write(2, f"depcheck: error: could not write to {name}: {exc}\n".encode())
            code = EXIT_UNWRITTEN
    os._exit(code)


if __name__ == "__main__":
    entry()
