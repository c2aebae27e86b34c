"""Compose's ``.env`` file: the variables a compose file's ``${VAR}`` references take, and where.

Docker Compose interpolates a compose file with the variables of the ``.env`` file in the
project folder (the compose file's folder), below the shell environment. This reader follows the
Compose documentation's ``.env`` syntax and the behaviour of its parser (compose-go's ``dotenv``):

- blank lines and lines starting with ``#`` are skipped; ``export`` before a name is ignored;
- ``KEY=VALUE`` (spaces around ``=`` allowed; ``KEY: VALUE`` too); a name is letters, digits,
  ``_``, ``.``, ``-``, ``[`` and ``]``; a name alone on its line takes its value from the shell,
  which depcheck does not read, so it sets nothing;
- an unquoted value runs to the end of the line, an inline comment needs a space before its
  ``#`` (``VAL # comment``, but ``VAL# not a comment``), trailing whitespace is dropped;
- a single-quoted value is literal (``\\'`` is a quote); a double-quoted value may span lines
  and knows the escapes ``\\n``, ``\\r``, ``\\t``, ``\\\\``, ``\\"``, ``\\$`` and the like; a
  comment may follow the closing quote;
- unquoted and double-quoted values are interpolated (``$VAR``, ``${VAR:-default}``, ...) with
  the variables defined above them in the file.

Values keep, per character, their offset in the ``.env`` text (:class:`~depcheck.sources.expansion.Sourced`),
``None`` for characters that are not written as they read (an escape, a variable's value), so a
fix can rewrite a tag exactly where the ``.env`` file writes it. Interpolation is done only when
a value is asked for (:meth:`Dotenv.lookup`): a password full of ``$`` signs is none of depcheck's
business until an image reference uses it. A line that cannot be read (a bad name, an unclosed
quote, a name with a space) is reported in :attr:`Dotenv.errors` with its line, and reading goes
on with the next line, where Compose would stop.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from depcheck.sources.document import Document
from depcheck.sources.expansion import COMPOSE, ExpansionSyntaxError, Sourced, UnresolvedVariable, expand

__all__ = ["Dotenv", "DotenvError", "DotenvValue", "parse_dotenv"]

DOTENV_FILE = ".env"

# compose-go's isSpace: space-like characters that are not a line break.
_SPACE = frozenset("\t\v\f\r \x85\xa0")
_EXPORT = re.compile(r"export[ \t]+")
_NAME_PUNCTUATION = frozenset("_.-[]")
# The escapes compose-go expands in double-quoted values: one character, or an octal \0NNN.
# (compose-go's pattern also lists ``\c``, which Go cannot unquote and so leaves as written.)
_ESCAPE = re.compile(r"\\(?:[abfnrtv$\"\\]|0[0-7]{0,3})")
_ESCAPED = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


class DotenvError(NamedTuple):
    """A line of the ``.env`` file that cannot be read."""

    line: int
    reason: str


class DotenvValue(NamedTuple):
    """One ``KEY=VALUE`` statement.

    ``text`` is the value after quote and escape processing, before interpolation; ``interpolated``
    whether interpolation applies to it (unquoted and double-quoted values). ``order`` numbers the
    statements: a value sees the variables of the statements before it.
    """

    name: str
    text: Sourced
    interpolated: bool
    line: int
    order: int


@dataclass(frozen=True)
class Dotenv:
    """A parsed ``.env`` file: its values in file order, and the lines that could not be read."""

    document: Document
    statements: tuple[DotenvValue, ...]
    errors: tuple[DotenvError, ...]
    _by_name: dict[str, list[DotenvValue]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for statement in self.statements:
            self._by_name.setdefault(statement.name, []).append(statement)

    @property
    def path(self) -> str:
        return self.document.path

    def statement(self, name: str, before: int | None = None) -> DotenvValue | None:
        """The statement that sets ``name`` last (before statement ``before``), or ``None``."""
        found = self._by_name.get(name)
        if not found:
            return None
        if before is None:
            return found[-1]
        position = bisect.bisect_left(found, before, key=lambda statement: statement.order)
        return found[position - 1] if position else None

    def statement_at(self, offset: int) -> DotenvValue | None:
        """The statement whose value holds the character at ``offset`` of the file's text."""
        for statement in self.statements:
            written = [position for position in statement.text.offsets if position is not None]
            if written and written[0] <= offset <= written[-1]:
                return statement
        return None

    def lookup(self, name: str) -> Sourced | None:
        """The value of ``name`` as Compose would take it from this file, or ``None`` when unset.

        Raises :class:`~depcheck.sources.expansion.UnresolvedVariable` when the value depends on
        a variable the file does not set (Compose would take it from the shell, which depcheck
        does not read) or cannot be interpolated.
        """
        statement = self.statement(name)
        return None if statement is None else self._value(statement)

    def users(self, name: str) -> tuple[int, ...]:
        """The lines of other statements whose value interpolates ``name``: rewriting ``name``'s
        value would change theirs too."""
        lines = []
        for statement in self.statements:
            text = statement.text.text
            if statement.name != name and statement.interpolated and name in _REFERENCE.findall(text):
                lines.append(statement.line)
        return tuple(lines)

    def _value(self, statement: DotenvValue) -> Sourced:
        if not statement.interpolated or "$" not in statement.text.text:
            return statement.text

        def earlier(name: str) -> Sourced | None:
            found = self.statement(name, before=statement.order)
            return None if found is None else self._value(found)

        def missing(name: str) -> str:
            return (
                f"{statement.name} in {self.path} (line {statement.line}) uses ${name}, which {self.path} "
                "does not set above it"
            )

        try:
            value = expand(statement.text, earlier, COMPOSE, missing)
        except ExpansionSyntaxError as exc:
            raise UnresolvedVariable(
                f"{statement.name} in {self.path} (line {statement.line}) cannot be interpolated: {exc}"
            ) from exc
        # A value's characters that another statement wrote are that statement's to change.
        return Sourced(
            value.text,
            tuple(
                offset if offset is not None and _within(statement, offset) else None
                for offset in value.offsets
            ),
        )


def _within(statement: DotenvValue, offset: int) -> bool:
    known = [position for position in statement.text.offsets if position is not None]
    return bool(known) and known[0] <= offset <= known[-1]


def parse_dotenv(document: Document) -> Dotenv:
    """Every statement of ``document`` (a ``.env`` file), and the lines that cannot be read."""
    return _Reader(document).read()


class _Reader:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.text = document.text
        self.statements: list[DotenvValue] = []
        self.errors: list[DotenvError] = []

    def read(self) -> Dotenv:
        position = self._statement_start(0)
        while position is not None:
            try:
                position = self._statement(position)
            except _LineError as exc:
                self.errors.append(DotenvError(self.document.line_of(exc.offset), exc.reason))
                position = self._line_end(exc.offset)
            position = self._statement_start(position)
        return Dotenv(self.document, tuple(self.statements), tuple(self.errors))

    def _line_end(self, offset: int) -> int:
        end = self.text.find("\n", offset)
        return len(self.text) if end == -1 else end

    def _statement_start(self, position: int) -> int | None:
        """The offset where the next statement starts (blank and comment lines skipped), or ``None``."""
        text = self.text
        while True:
            while position < len(text) and text[position].isspace():
                position += 1
            if position >= len(text):
                return None
            if text[position] != "#":
                return position
            position = self._line_end(position)

    def _statement(self, start: int) -> int:
        """Read the statement at ``start``; return where reading goes on."""
        text = self.text
        export = _EXPORT.match(text, start)
        key_start = export.end() if export is not None else start
        position = key_start
        while True:
            if position >= len(text):
                terminator = "\n"  # a name alone on the last line, with no newline after it
                break
            character = text[position]
            if character in "=:\n":
                terminator = character
                break
            if character not in _SPACE and not (character.isalnum() or character in _NAME_PUNCTUATION):
                written = text[start : self._line_end(start)]
                raise _LineError(position, f"unexpected character {character!r} in variable name {written!r}")
            position += 1
        name = text[key_start:position].rstrip("".join(_SPACE))
        if any(character in _SPACE for character in name):
            raise _LineError(start, f"a variable name cannot contain a space: {name!r}")
        if not name:
            raise _LineError(
                start, f"{text[start : self._line_end(start)]!r} has no variable name before {terminator!r}"
            )
        if terminator == "\n":
            # ``NAME`` alone: Compose takes NAME from the shell, which an audit does not read.
            return position
        position += 1
        while position < len(text) and text[position] in _SPACE:
            position += 1
        line = self.document.line_of(start)
        order = len(self.statements)
        if position < len(text) and text[position] in "'\"":
            value, after = self._quoted(position)
            self.statements.append(DotenvValue(name, value, text[position] == '"', line, order))
            return after
        end = self._line_end(position)
        raw = text[position:end]
        comment = raw.find(" #")
        if comment != -1:
            raw = raw[:comment]
        raw = raw.rstrip()
        self.statements.append(DotenvValue(name, Sourced.at(raw, position), True, line, order))
        return end

    def _quoted(self, start: int) -> tuple[Sourced, int]:
        """The value of the quoted string opening at ``start``, and the offset after its closing quote."""
        text = self.text
        quote = text[start]
        pieces: list[Sourced] = []
        position = start + 1
        while position < len(text):
            character = text[position]
            if character == "\\" and position + 1 < len(text):
                following = text[position + 1]
                if following == quote:
                    pieces.append(Sourced.detached(quote))  # an escaped quote drops its backslash
                else:
                    pieces.append(Sourced.at(text[position : position + 2], position))
                position += 2
                continue
            if character == quote:
                value = Sourced.join(pieces)
                return (_unescape(value) if quote == '"' else value), position + 1
            pieces.append(Sourced.at(character, position))
            position += 1
        raise _LineError(start, f"unterminated quoted value {text[start : self._line_end(start)]}")


def _unescape(value: Sourced) -> Sourced:
    """``value`` with compose-go's double-quote escapes expanded; ``\\$`` becomes ``$$``, which
    interpolation then reads as a literal ``$``."""
    if "\\" not in value.text:
        return value
    pieces: list[Sourced] = []
    last = 0
    for match in _ESCAPE.finditer(value.text):
        pieces.append(value[last : match.start()])
        sequence = match.group()[1:]
        if sequence == "$":
            replaced = "$$"
        elif sequence[0] == "0" and len(sequence) > 1:
            replaced = chr(int(sequence[1:], 8))
        else:
            replaced = _ESCAPED.get(sequence, sequence)
        pieces.append(Sourced.detached(replaced))
        last = match.end()
    pieces.append(value[last:])
    return Sourced.join(pieces)


class _LineError(Exception):
    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset = offset
        self.reason = reason
