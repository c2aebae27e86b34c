"""The errors of ``depcheck fix``, drawn once::

    FixError                  a file could not be fixed; nothing of it was written
    +-- StaleFileError        the file changed since it was read (the spans no longer hold the text)
    +-- ReadbackError         the spliced file no longer parses, or reads back something else
    +-- WriteError            the file is read-only, or the write or the rename failed

Each names the file as reports show it and, where one line is at fault, that line (1-based), so
the command line can print one clear message per file. A finding that cannot be fixed for a
reason of its own (a VCS URL without a ref, two fixes over the same text) is not an error here:
it is carried as data (:class:`depcheck.fix.edits.Skipped`).
"""

from __future__ import annotations


class FixError(Exception):
    """A file could not be fixed; ``path`` is as shown in reports, ``line`` 1-based when known."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


class StaleFileError(FixError):
    """The bytes under a span are not the ones the plan was made from: the file was edited since."""


class ReadbackError(FixError):
    """After splicing, the file is not valid any more, or a value reads back differently."""


class WriteError(FixError):
    """The file could not be replaced: read-only, a folder we cannot write, a full disk."""
