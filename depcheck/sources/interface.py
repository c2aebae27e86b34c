"""The seam between files and depcheck: where dependency references come from.

A :class:`Source` knows one kind of file: which names it claims during discovery and how to turn
a :class:`~depcheck.sources.document.Document` into :class:`~depcheck.model.Dependency` records.
Adding a file kind is one new module with one ``Source`` subclass, registered in
:mod:`depcheck.sources`.

Parsers never open files themselves. They go through a :class:`FileReader`, so that a ``-r``
include is read from the local disk by the CLI and from the files a client sent by the service,
and so that a path escaping the audited tree is noticed in one place.
"""

from __future__ import annotations

import abc
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath

from depcheck.model import FileKind, ParseResult
from depcheck.sources.document import DecodeError, Document

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Files larger than this are reported as ``invalid`` rather than read."""


class SourceError(Exception):
    """Base of the errors raised while reading a dependency file.

    Parsers catch these and carry them as ``invalid`` findings; they only escape to the caller for
    the file the caller asked for, when it cannot even be opened.
    """


class FileReadError(SourceError):
    """A file could not be read: missing, unreadable, a directory, too large, or not text."""

    def __init__(self, path: str, reason: str, line: int = 1) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


class FileReader(abc.ABC):
    """Reads files named relative to each other, and says how to show their paths."""

    @abc.abstractmethod
    def read(self, path: PurePath) -> Document:
        """Read and decode ``path``; raise :class:`FileReadError` when it cannot be."""

    @abc.abstractmethod
    def resolve(self, base: PurePath, name: str) -> PurePath:
        """The path of ``name`` written inside file ``base`` (relative to ``base``'s folder)."""

    @abc.abstractmethod
    def escapes(self, path: PurePath) -> bool:
        """Whether ``path`` lies outside the audited tree (through ``..`` or a symlink)."""

    @abc.abstractmethod
    def display(self, path: PurePath) -> str:
        """``path`` as reports show it."""


class LocalFileReader(FileReader):
    """Reads from the local disk; paths are shown relative to ``cwd`` when they lie below it."""

    def __init__(self, root: Path, cwd: Path | None = None, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.root = root.resolve()
        self.cwd = (cwd or Path.cwd()).resolve()
        self.max_bytes = max_bytes

    def read(self, path: PurePath) -> Document:
        local = Path(path)
        shown = self.display(path)
        try:
            size = local.stat().st_size
            if local.is_dir():
                raise FileReadError(shown, "is a directory, not a file")
            if size > self.max_bytes:
                raise FileReadError(shown, f"file is {size} bytes, over the {self.max_bytes}-byte limit")
            raw = local.read_bytes()
        except FileNotFoundError as exc:
            raise FileReadError(shown, "no such file") from exc
        except PermissionError as exc:
            raise FileReadError(shown, "permission denied") from exc
        except IsADirectoryError as exc:
            raise FileReadError(shown, "is a directory, not a file") from exc
        except OSError as exc:  # I/O errors, too many symlink levels, a name too long
            raise FileReadError(shown, exc.strerror or str(exc)) from exc
        try:
            return Document.from_bytes(shown, raw)
        except DecodeError as exc:
            raise FileReadError(shown, str(exc), exc.line) from exc

    def resolve(self, base: PurePath, name: str) -> PurePath:
        return Path(base).parent / os.path.expanduser(name)

    def escapes(self, path: PurePath) -> bool:
        try:
            Path(path).resolve().relative_to(self.root)
        except ValueError:
            return True
        return False

    def display(self, path: PurePath) -> str:
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.cwd).as_posix()
        except ValueError:
            return absolute.as_posix()


class MemoryFileReader(FileReader):
    """Reads from files held in memory by name: what a service client sent. Never the disk."""

    def __init__(self, files: Mapping[str, bytes], max_bytes: int = MAX_FILE_BYTES) -> None:
        self.files = {PurePosixPath(name).as_posix(): data for name, data in files.items()}
        self.max_bytes = max_bytes

    def read(self, path: PurePath) -> Document:
        name = self._normalise(path)
        if name is None or name not in self.files:
            raise FileReadError(PurePosixPath(path).as_posix(), "no such file among those sent")
        raw = self.files[name]
        if len(raw) > self.max_bytes:
            raise FileReadError(name, f"file is {len(raw)} bytes, over the {self.max_bytes}-byte limit")
        try:
            return Document.from_bytes(name, raw)
        except DecodeError as exc:
            raise FileReadError(name, str(exc), exc.line) from exc

    def resolve(self, base: PurePath, name: str) -> PurePath:
        return PurePosixPath(base).parent / name

    def escapes(self, path: PurePath) -> bool:
        return self._normalise(path) is None

    def display(self, path: PurePath) -> str:
        return self._normalise(path) or PurePosixPath(path).as_posix()

    @staticmethod
    def _normalise(path: PurePath) -> str | None:
        """Collapse ``a/../b``; ``None`` for an absolute path or one that climbs above the top."""
        parts: list[str] = []
        posix = PurePosixPath(path)
        if posix.is_absolute():
            return None
        for part in posix.parts:
            if part == "..":
                if not parts:
                    return None
                parts.pop()
            elif part != ".":
                parts.append(part)
        return "/".join(parts)


@dataclass(frozen=True)
class ParseContext:
    """What a parser needs beyond the file itself.

    ``build_args`` are ``--build-arg NAME=VALUE`` overrides for Dockerfiles; ``environ`` feeds
    ``${VAR}`` references in requirements and compose files (empty by default, so that an audit
    does not depend on the auditor's shell).
    """

    reader: FileReader
    build_args: Mapping[str, str] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=dict)


class Source(abc.ABC):
    """One kind of dependency file."""

    kind: FileKind

    @abc.abstractmethod
    def claims(self, path: PurePath) -> bool:
        """Whether discovery should read ``path`` as this kind of file (decided by its name)."""

    @abc.abstractmethod
    def parse(self, document: Document, path: PurePath, context: ParseContext) -> ParseResult:
        """Every dependency reference in ``document`` (read from ``path``).

        Never raises for bad content: a line that cannot be read becomes an ``invalid`` finding
        with its line, and the rest of the file is still read.
        """
