"""A file's bytes and text side by side, with exact positions.

Parsers work on text but report positions a fixer can use on bytes: :class:`Document` maps a
character offset in the decoded text to a 1-based line and column and to a byte offset in the
raw file (BOM included), and builds :class:`~depcheck.model.Location` records from either.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
from dataclasses import dataclass, field

from depcheck.model import Location, Span, SpanRole

BOM = codecs.BOM_UTF8


class DecodeError(ValueError):
    """The file is not text depcheck can read; ``line`` is where reading failed (1-based)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Document:
    """One file to parse: ``path`` as shown to users, ``raw`` bytes and the decoded ``text``.

    ``text`` has the BOM removed and keeps every other character, CR included, so character
    offsets map one-to-one to bytes of the UTF-8 encoding.
    """

    path: str
    raw: bytes
    text: str
    bom: bool = False
    _line_starts: list[int] = field(default_factory=list, repr=False, compare=False)
    _line_bytes: list[int] = field(default_factory=list, repr=False, compare=False)
    _ascii: bool = field(default=False, repr=False, compare=False)

    @classmethod
    def from_bytes(cls, path: str, raw: bytes) -> Document:
        """Decode ``raw`` as UTF-8; raise :class:`DecodeError` for binary data or bad UTF-8."""
        if b"\x00" in raw[:8192]:
            raise DecodeError("binary file (contains NUL bytes), not a text file")
        bom = raw.startswith(BOM)
        body = raw[len(BOM) :] if bom else raw
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = body.count(b"\n", 0, exc.start) + 1
            raise DecodeError(
                f"invalid UTF-8 at byte {exc.start + (len(BOM) if bom else 0)}: {exc.reason}", line
            ) from exc
        return cls(path=path, raw=raw, text=text, bom=bom)

    @classmethod
    def from_text(cls, path: str, text: str) -> Document:
        """A document for text held in memory (tests, the service)."""
        return cls(path=path, raw=text.encode("utf-8"), text=text)

    def __post_init__(self) -> None:
        lines = self.text.split("\n")
        starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
        self._line_starts.extend(starts)
        offset = len(BOM) if self.bom else 0
        ascii_only = self.text.isascii()
        object.__setattr__(self, "_ascii", ascii_only)
        if ascii_only:
            self._line_bytes.extend(start + offset for start in starts)
            return
        widths = (len(line.encode("utf-8")) + 1 for line in lines[:-1])
        self._line_bytes.extend(itertools.accumulate(widths, initial=offset))

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def line_of(self, offset: int) -> int:
        """The 1-based line holding character ``offset``."""
        return bisect.bisect_right(self._line_starts, offset)

    def line_start(self, line: int) -> int:
        """The character offset where 1-based ``line`` starts."""
        return self._line_starts[line - 1]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of character ``offset``; the column counts characters."""
        line = self.line_of(offset)
        return line, offset - self._line_starts[line - 1] + 1

    def byte_offset(self, offset: int) -> int:
        """The byte offset in :attr:`raw` of character ``offset``."""
        if self._ascii:  # one byte per character: only the BOM shifts offsets
            return offset + len(BOM) if self.bom else offset
        line = bisect.bisect_right(self._line_starts, offset)
        start = self._line_starts[line - 1]
        before = self.text[start:offset]
        # Most lines of a non-ASCII file are still ASCII; encoding only the others saves the copy.
        width = len(before) if before.isascii() else len(before.encode("utf-8"))
        return self._line_bytes[line - 1] + width

    def span(self, start: int, end: int) -> Span:
        """The byte span of characters ``[start, end)``."""
        return Span(self.byte_offset(start), self.byte_offset(end))

    def location(
        self,
        start: int,
        end: int | None = None,
        *,
        role: SpanRole | None = None,
        section: str | None = None,
    ) -> Location:
        """A location at character ``start``; with ``end`` and ``role`` it carries a fix span."""
        # position() inlined: a parser builds one location per dependency and finding.
        line = bisect.bisect_right(self._line_starts, start)
        column = start - self._line_starts[line - 1] + 1
        if end is None or role is None:
            return Location(file=self.path, line=line, column=column, section=section)
        span = Span(self.byte_offset(start), self.byte_offset(end))
        return Location(file=self.path, line=line, column=column, span=span, span_role=role, section=section)

    def line_location(self, line: int, *, section: str | None = None) -> Location:
        """A location at the start of 1-based ``line`` with no fix span."""
        return Location(file=self.path, line=line, column=1, section=section)
