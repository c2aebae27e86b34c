"""Where each key and value of a TOML document stands in its text.

``tomllib`` gives structure and validation but no positions, and a fix must splice text at exact
offsets. This scanner walks a document that ``tomllib`` has already accepted and records, for
every key path (``("project", "dependencies", 2)``), the character range of the value and, for
strings, of the raw content between the quotes; it also records every comment, so that inline
``# depcheck: ignore`` directives can be matched to their line. Because the input is known to be
valid TOML, the scanner only needs to tell tokens apart, not to judge them; anything it does not
expect raises :class:`TomlScanError`, which means a bug here or TOML syntax newer than
``tomllib``'s (TOML 1.0 on Python 3.11).
"""

from __future__ import annotations

import enum
import re
import tomllib
from dataclasses import dataclass, field

KeyPath = tuple[str | int, ...]
"""Table keys and array indexes from the document root, as ``tomllib``'s result nests them."""

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# A number, boolean or date runs until a delimiter; a date may hold one inner space.
_SCALAR = re.compile(r"[^,\]}\n#]*")


class TomlScanError(Exception):
    """The scanner met text it did not expect at ``offset`` (in a document ``tomllib`` accepted)."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(f"{reason} at character {offset}")
        self.offset = offset


class StringKind(enum.StrEnum):
    """The four TOML string forms; only the basic ones have escapes."""

    BASIC = "basic"
    LITERAL = "literal"
    MULTILINE_BASIC = "multiline-basic"
    MULTILINE_LITERAL = "multiline-literal"


@dataclass(frozen=True)
class Located:
    """One value's place: ``[start, end)`` covers it whole (quotes, brackets and braces included).

    For a string, ``[content_start, content_end)`` is the raw text between the quotes, after the
    newline that TOML trims right behind an opening ``\"\"\"``; for other values it equals the whole.
    """

    start: int
    end: int
    content_start: int
    content_end: int
    string: StringKind | None = None


@dataclass
class TomlPositions:
    """Positions of every value, key and comment of one document (character offsets)."""

    values: dict[KeyPath, Located] = field(default_factory=dict)
    keys: dict[KeyPath, int] = field(default_factory=dict)
    """Where the key (or the ``[table]`` header) that first names each path starts."""
    comments: list[tuple[int, str]] = field(default_factory=list)
    """``(offset of the #, comment text up to the line end)`` in document order."""


def locate(text: str) -> TomlPositions:
    """Positions of everything in ``text``, which ``tomllib`` must already have accepted."""
    scanner = _Scanner(text)
    try:
        scanner.document()
    except IndexError as exc:  # ran past the end: a construct this scanner does not close
        raise TomlScanError("unexpected end of document", len(text)) from exc
    return scanner.positions


def identical_prefix(text: str, located: Located, value: str) -> int:
    """How many leading characters of the decoded ``value`` stand unchanged at ``content_start``.

    Up to that length, an offset into ``value`` plus ``content_start`` is an offset into ``text``.
    Past it, an escape (``\\"``, ``\\u00e9``) or a normalised line end makes the raw text differ
    from the value, so positions computed on the value would be wrong there.
    """
    raw = text[located.content_start : located.content_end]
    limit = min(len(raw), len(value))
    if located.string in (StringKind.BASIC, StringKind.MULTILINE_BASIC):
        backslash = raw.find("\\")
        if backslash != -1:
            limit = min(limit, backslash)
    for index in range(limit):
        if raw[index] != value[index]:
            return index
    return limit


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.positions = TomlPositions()
        # Array-of-tables paths (with the indexes of enclosing arrays) -> elements seen so far.
        self.table_arrays: dict[KeyPath, int] = {}

    # --- layout ---------------------------------------------------------------------------------

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_blank()
            if self.pos >= len(self.text):
                return
            if self.text[self.pos] == "[":
                table = self.header()
            else:
                self.key_value(table)
            self.skip_spaces()
            self.skip_comment()
            if self.pos < len(self.text) and not self.at_newline():
                raise TomlScanError("expected the end of the line", self.pos)

    def at_newline(self) -> bool:
        return self.text.startswith("\n", self.pos) or self.text.startswith("\r\n", self.pos)

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def skip_comment(self) -> None:
        if self.pos < len(self.text) and self.text[self.pos] == "#":
            end = self.text.find("\n", self.pos)
            end = len(self.text) if end == -1 else end
            self.positions.comments.append((self.pos, self.text[self.pos : end].rstrip("\r")))
            self.pos = end

    def skip_blank(self) -> None:
        """Spaces, comments and line ends: what may stand between array items or statements."""
        while True:
            self.skip_spaces()
            self.skip_comment()
            if self.text.startswith("\n", self.pos):
                self.pos += 1
            elif self.text.startswith("\r\n", self.pos):
                self.pos += 2
            else:
                return

    def expect(self, token: str) -> None:
        if not self.text.startswith(token, self.pos):
            raise TomlScanError(f"expected {token!r}", self.pos)
        self.pos += len(token)

    # --- keys and tables ------------------------------------------------------------------------

    def key(self) -> list[tuple[str, int]]:
        """A dotted key: each part with the offset where it starts."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_spaces()
            start = self.pos
            char = self.text[start]
            if char == '"':
                end = self.basic_string_end(start)
                # tomllib decodes the escapes, so a quoted key reads exactly as tomllib reads it.
                name = tomllib.loads("k = " + self.text[start:end])["k"]
                self.pos = end
            elif char == "'":
                end = self.text.index("'", start + 1)
                name = self.text[start + 1 : end]
                self.pos = end + 1
            else:
                match = _BARE_KEY.match(self.text, start)
                if match is None:
                    raise TomlScanError("expected a key", start)
                name = match.group()
                self.pos = match.end()
            parts.append((name, start))
            self.skip_spaces()
            if not self.text.startswith(".", self.pos):
                return parts
            self.pos += 1

    def header(self) -> KeyPath:
        start = self.pos
        array = self.text.startswith("[[", start)
        self.pos += 2 if array else 1
        parts = self.key()
        self.expect("]]" if array else "]")
        path: KeyPath = ()
        for index, (name, _offset) in enumerate(parts):
            path = (*path, name)
            if index == len(parts) - 1 and array:
                count = self.table_arrays.get(path, 0)
                self.table_arrays[path] = count + 1
                self.positions.keys.setdefault(path, start)
                path = (*path, count)
            elif path in self.table_arrays:
                # [a.b] below [[a]] names a table inside the latest element of a.
                path = (*path, self.table_arrays[path] - 1)
        self.positions.keys.setdefault(path, start)
        return path

    def key_value(self, table: KeyPath) -> None:
        path = table
        for name, offset in self.key():
            path = (*path, name)
            self.positions.keys.setdefault(path, offset)
        self.expect("=")
        self.skip_spaces()
        self.value(path)

    # --- values ---------------------------------------------------------------------------------

    def value(self, path: KeyPath) -> None:
        text = self.text
        start = self.pos
        if text.startswith('"""', start):
            self.multiline_string(path, '"', StringKind.MULTILINE_BASIC)
        elif text.startswith("'''", start):
            self.multiline_string(path, "'", StringKind.MULTILINE_LITERAL)
        elif text[start] == '"':
            end = self.basic_string_end(start)
            self.record(path, start, end, start + 1, end - 1, StringKind.BASIC)
        elif text[start] == "'":
            end = text.index("'", start + 1) + 1
            self.record(path, start, end, start + 1, end - 1, StringKind.LITERAL)
        elif text[start] == "[":
            self.array(path)
        elif text[start] == "{":
            self.inline_table(path)
        else:
            match = _SCALAR.match(text, start)
            assert match is not None  # the pattern matches the empty string
            end = start + len(match.group().rstrip(" \t\r"))
            if end == start:
                raise TomlScanError("expected a value", start)
            self.record(path, start, end, start, end, None)

    def record(
        self,
        path: KeyPath,
        start: int,
        end: int,
        content_start: int,
        content_end: int,
        kind: StringKind | None,
    ) -> None:
        self.positions.values[path] = Located(start, end, content_start, content_end, kind)
        self.pos = end

    def basic_string_end(self, start: int) -> int:
        """One past the closing quote of the single-line basic string opening at ``start``."""
        index = start + 1
        while True:
            char = self.text[index]
            if char == "\\":
                index += 2
            elif char == '"':
                return index + 1
            elif char == "\n":
                raise TomlScanError("unterminated string", start)
            else:
                index += 1

    def multiline_string(self, path: KeyPath, quote: str, kind: StringKind) -> None:
        start = self.pos
        index = start + 3
        content_start = index
        if self.text.startswith("\n", index):
            content_start = index + 1
        elif self.text.startswith("\r\n", index):
            content_start = index + 2
        delimiter = quote * 3
        while True:
            if kind is StringKind.MULTILINE_BASIC and self.text[index] == "\\":
                index += 2
                continue
            if self.text.startswith(delimiter, index):
                # Up to two quotes may end the content right before the closing delimiter.
                run_end = index
                while run_end < len(self.text) and self.text[run_end] == quote:
                    run_end += 1
                self.record(path, start, run_end, content_start, run_end - 3, kind)
                return
            index += 1

    def array(self, path: KeyPath) -> None:
        start = self.pos
        self.pos += 1
        index = 0
        while True:
            self.skip_blank()
            if self.text[self.pos] == "]":
                self.pos += 1
                break
            self.value((*path, index))
            index += 1
            self.skip_blank()
            if self.text[self.pos] == ",":
                self.pos += 1
            elif self.text[self.pos] != "]":
                raise TomlScanError("expected ',' or ']'", self.pos)
        self.record(path, start, self.pos, start, self.pos, None)

    def inline_table(self, path: KeyPath) -> None:
        start = self.pos
        self.pos += 1
        while True:
            self.skip_blank()
            if self.text[self.pos] == "}":
                self.pos += 1
                break
            self.key_value(path)
            self.skip_blank()
            if self.text[self.pos] == ",":
                self.pos += 1
            elif self.text[self.pos] != "}":
                raise TomlScanError("expected ',' or '}'", self.pos)
        self.record(path, start, self.pos, start, self.pos, None)
