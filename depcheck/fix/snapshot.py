"""Remember the exact bytes the audit parsed, so a fix splices the spans into those same bytes.

A finding's span is an offset into the file as the parser saw it. If the file is saved again
between the audit and the fix (an editor, a formatter, a second hook), offsets into the new bytes
would point at the wrong text. Wrapping the audit's :class:`~depcheck.sources.interface.FileReader`
in a :class:`SnapshotReader` keeps each file's bytes by the path reports show; passing
:meth:`SnapshotReader.read_bytes` as ``read`` to :func:`depcheck.fix.fix_files` makes the plan
from exactly those bytes, and the writer's final check refuses to replace a file whose bytes on
disk are no longer them.
"""

from __future__ import annotations

from pathlib import PurePath

from depcheck.sources.document import Document
from depcheck.sources.interface import FileReader


class SnapshotReader(FileReader):
    """A :class:`FileReader` that remembers the raw bytes of every file it reads."""

    def __init__(self, inner: FileReader) -> None:
        self.inner = inner
        self.snapshots: dict[str, bytes] = {}

    def read(self, path: PurePath) -> Document:
        document = self.inner.read(path)
        self.snapshots.setdefault(document.path, document.raw)
        return document

    def resolve(self, base: PurePath, name: str) -> PurePath:
        return self.inner.resolve(base, name)

    def escapes(self, path: PurePath) -> bool:
        return self.inner.escapes(path)

    def display(self, path: PurePath) -> str:
        return self.inner.display(path)

    def read_bytes(self, shown: str) -> bytes:
        """The bytes the audit read for the file shown as ``shown`` (a ``read`` for ``fix_files``).

        Raises :class:`FileNotFoundError` for a file the audit never read.
        """
        try:
            return self.snapshots[shown]
        except KeyError:
            raise FileNotFoundError(2, "the audit did not read this file", shown) from None
