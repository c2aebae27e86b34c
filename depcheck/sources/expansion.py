"""Variable expansion that remembers where every character came from.

Dockerfiles (``FROM python:${PY}``, with ``ARG PY=3.12`` above) and compose files
(``image: app:${TAG:-1.0}``) build image references out of variables. depcheck must know the
expanded reference to check it, and where each of its characters is written in the file to fix
it: a fix may only rewrite text that is written out in one piece (the whole ``ARG`` default, the
default inside ``${TAG:-1.0}``), never text that came from a ``--build-arg`` or the environment.
:class:`Sourced` is text with a document offset per character (``None`` for characters that are
not in the file); :func:`expand` expands ``$X``, ``${X}``, ``${X:-default}``, ``${X-default}``,
``${X:?message}`` and ``${X?message}`` with that bookkeeping, in two dialects: the Dockerfile
shell lexer (quotes removed, an escape character, a lone ``$`` kept) and compose interpolation
(``$$`` for a literal ``$``, no quoting). ``${X:+alt}``, ``${X+alt}`` and the pattern operators
(``${X#p}``, ``${X%p}``, ``${X/a/b}``) are parsed but left unresolved: they are rare in image
references and their result hangs on whether a variable is set, which an audit should not guess.
:func:`expand_traced` also says which stretch of the result each variable produced
(:class:`Substitution`), so that a parser can tell the text a variable supplied from the literal
text around it (``python:${PY}-slim``: ``3.12`` came from ``PY``, ``python:`` and ``-slim`` did not).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "COMPOSE",
    "DOCKERFILE",
    "ExpansionSyntaxError",
    "Sourced",
    "Substitution",
    "Syntax",
    "UnresolvedVariable",
    "expand",
    "expand_traced",
]


@dataclass(frozen=True)
class Sourced:
    """Text with, for each character, its character offset in the document (``None``: not in it)."""

    text: str
    offsets: tuple[int | None, ...]

    def __post_init__(self) -> None:
        if len(self.text) != len(self.offsets):
            raise ValueError("one offset per character")

    @classmethod
    def at(cls, text: str, start: int) -> Sourced:
        """``text`` written in one piece at character ``start``."""
        return cls(text, tuple(range(start, start + len(text))))

    @classmethod
    def detached(cls, text: str) -> Sourced:
        """``text`` that is not written in the document (a build argument, an environment value)."""
        return cls(text, (None,) * len(text))

    @classmethod
    def join(cls, parts: Iterable[Sourced]) -> Sourced:
        texts: list[str] = []
        offsets: list[int | None] = []
        for part in parts:
            texts.append(part.text)
            offsets.extend(part.offsets)
        return cls("".join(texts), tuple(offsets))

    def __add__(self, other: Sourced) -> Sourced:
        return Sourced(self.text + other.text, self.offsets + other.offsets)

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, index: slice) -> Sourced:
        return Sourced(self.text[index], self.offsets[index])

    def contiguous(self) -> tuple[int, int] | None:
        """``(start, end)`` when the text is written in the document in one unbroken piece."""
        if not self.offsets or self.offsets[0] is None:
            return None
        first = self.offsets[0]
        for position, offset in enumerate(self.offsets):
            if offset != first + position:
                return None
        return first, first + len(self.offsets)

    def written_range(self, document_text: str) -> tuple[int, int] | None:
        """Where this text is written in one piece in ``document_text``, identical character for character.

        Only such a range is safe for a fix to rewrite: text that came from elsewhere (a build
        argument), was assembled from pieces, or had quotes or escapes removed inside it is not.
        """
        found = self.contiguous()
        if found is None or document_text[found[0] : found[1]] != self.text:
            return None
        return found

    def first_offset(self) -> int | None:
        """The offset of the first character written in the document."""
        return next((offset for offset in self.offsets if offset is not None), None)

    def strip(self) -> Sourced:
        text = self.text
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        return self[start:end] if end > start else self[0:0]

    def split(self) -> list[Sourced]:
        """Split on runs of whitespace, like ``str.split()``."""
        words: list[Sourced] = []
        start: int | None = None
        for position, character in enumerate(self.text):
            if character.isspace():
                if start is not None:
                    words.append(self[start:position])
                    start = None
            elif start is None:
                start = position
        if start is not None:
            words.append(self[start:])
        return words


class ExpansionSyntaxError(ValueError):
    """The text is not a well-formed word: an unclosed quote or ``${``, a bad substitution."""


class UnresolvedVariable(Exception):
    """A variable the result depends on has no value; ``reason`` says which and what to do."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Syntax:
    """One expansion dialect.

    ``escape``: the character that makes the next one literal (the Dockerfile's ``\\`` or the
    backtick set by ``# escape=``), ``None`` for none. ``quotes``: single and double quotes are
    removed the way a shell removes them. ``dollar_escape``: ``$$`` is a literal ``$`` and a ``$``
    followed by anything but a name or ``{`` is an error (compose); otherwise such a ``$`` is kept.
    ``pattern_operators``: ``${X#p}`` and friends are recognised (BuildKit) rather than an error.
    """

    escape: str | None
    quotes: bool
    dollar_escape: bool
    pattern_operators: bool

    def with_escape(self, escape: str) -> Syntax:
        return Syntax(escape, self.quotes, self.dollar_escape, self.pattern_operators)


DOCKERFILE = Syntax(escape="\\", quotes=True, dollar_escape=False, pattern_operators=True)
COMPOSE = Syntax(escape=None, quotes=False, dollar_escape=True, pattern_operators=False)

Lookup = Callable[[str], "Sourced | None"]
"""A variable's value, or ``None`` when it is not set."""


# The parsed word's nodes are NamedTuples: as immutable as a frozen dataclass, and several times
# cheaper to define when the module is imported.
class _Literal(NamedTuple):
    text: Sourced


class _Variable(NamedTuple):
    name: str
    operator: str
    """``""`` for ``$X``/``${X}``, else ``:-``, ``-``, ``:?``, ``?``, ``:+``, ``+``, ``#``, ``%``, ``/``..."""
    word: tuple[_Literal | _Variable, ...]
    written: Sourced


_Node = _Literal | _Variable


@dataclass(frozen=True)
class Substitution:
    """What one variable of a word expanded to: characters ``[start, end)`` of the expanded text.

    ``name`` is the variable, ``written`` the expression as written (``${PY:-3.12}``, ``$PY``), and
    ``defaulted`` whether the text is the expression's own default word (``3.12`` above) rather
    than the variable's value. Only the word's own variables are listed, not those nested in a
    default: the whole default is the outer variable's text.
    """

    name: str
    start: int
    end: int
    written: str
    defaulted: bool


def expand(word: Sourced, lookup: Lookup, syntax: Syntax, missing: Callable[[str], str]) -> Sourced:
    """``word`` with its variables expanded and (for the Dockerfile dialect) its quotes removed.

    ``missing(name)`` words the reason for a variable with no value; it is raised as
    :class:`UnresolvedVariable`. A malformed word raises :class:`ExpansionSyntaxError`.
    """
    if _is_literal(word.text, syntax):
        return word
    nodes = _Parser(word, syntax).parse()
    return _evaluate(nodes, lookup, missing, None)


def expand_traced(
    word: Sourced, lookup: Lookup, syntax: Syntax, missing: Callable[[str], str]
) -> tuple[Sourced, tuple[Substitution, ...]]:
    """Like :func:`expand`, and where in the result each of the word's variables put its text."""
    if _is_literal(word.text, syntax):
        return word, ()
    nodes = _Parser(word, syntax).parse()
    trace: list[Substitution] = []
    return _evaluate(nodes, lookup, missing, trace), tuple(trace)


def _is_literal(text: str, syntax: Syntax) -> bool:
    """Whether ``text`` has nothing to expand and nothing to remove, so it is its own expansion:
    most image references are written out in full, and parsing them character by character is
    most of the cost of reading a Dockerfile's FROM lines."""
    if "$" in text:
        return False
    if syntax.quotes and ("'" in text or '"' in text):
        return False
    return syntax.escape is None or syntax.escape not in text


def _evaluate(
    nodes: Iterable[_Node], lookup: Lookup, missing: Callable[[str], str], trace: list[Substitution] | None
) -> Sourced:
    parts: list[Sourced] = []
    length = 0
    for node in nodes:
        if isinstance(node, _Literal):
            parts.append(node.text)
            length += len(node.text)
            continue
        value = lookup(node.name)
        operator = node.operator
        defaulted = False
        if operator == "":
            if value is None:
                raise UnresolvedVariable(missing(node.name))
            parts.append(value)
        elif operator in (":-", "-"):
            defaulted = value is None or (operator == ":-" and not value.text)
            parts.append(_evaluate(node.word, lookup, missing, None) if defaulted or value is None else value)
        elif operator in (":?", "?"):
            if value is None or (operator == ":?" and not value.text):
                message = "".join(_written(node.word)).strip()
                reason = missing(node.name)
                raise UnresolvedVariable(f"{reason}: {message}" if message else reason)
            parts.append(value)
        elif operator in (":+", "+"):
            raise UnresolvedVariable(
                f"{node.written.text} depends on whether {node.name} is set; depcheck does not "
                "resolve ${...:+...}"
            )
        else:
            raise UnresolvedVariable(
                f"{node.written.text} uses the {operator} pattern operator, which depcheck does not resolve"
            )
        added = len(parts[-1])
        if trace is not None:
            trace.append(Substitution(node.name, length, length + added, node.written.text, defaulted))
        length += added
    return Sourced.join(parts)


def _written(nodes: Iterable[_Node]) -> list[str]:
    return [node.text.text if isinstance(node, _Literal) else node.written.text for node in nodes]


def _is_name_start(character: str) -> bool:
    return character == "_" or ("a" <= character.lower() <= "z")


def _is_name_char(character: str) -> bool:
    return _is_name_start(character) or character.isdigit()


_PATTERN_OPERATORS = ("##", "#", "%%", "%", "//", "/")


class _Parser:
    """A recursive-descent reader of one word (BuildKit's ``shell.Lex`` without word splitting)."""

    def __init__(self, word: Sourced, syntax: Syntax) -> None:
        self.word = word
        self.text = word.text
        self.syntax = syntax
        self.index = 0

    def parse(self) -> tuple[_Node, ...]:
        nodes, _ = self._sequence(stop=None)
        return nodes

    def _sequence(self, stop: str | None) -> tuple[tuple[_Node, ...], bool]:
        """Nodes up to ``stop`` (consumed) or the end; whether ``stop`` was found."""
        nodes: list[_Node] = []
        literal_start: int | None = None
        pieces: list[Sourced] = []

        def flush() -> None:
            nonlocal literal_start
            if literal_start is not None:
                pieces.append(self.word[literal_start : self.index])
                literal_start = None
            if pieces:
                nodes.append(_Literal(Sourced.join(pieces)))
                pieces.clear()

        text = self.text
        syntax = self.syntax
        while self.index < len(text):
            character = text[self.index]
            if stop is not None and character == stop:
                flush()
                self.index += 1
                return tuple(nodes), True
            if character == "$":
                if literal_start is not None:
                    pieces.append(self.word[literal_start : self.index])
                    literal_start = None
                node = self._dollar()
                if isinstance(node, _Literal):
                    pieces.append(node.text)
                else:
                    flush()
                    nodes.append(node)
                continue
            if syntax.quotes and character in "'\"":
                if literal_start is not None:
                    pieces.append(self.word[literal_start : self.index])
                    literal_start = None
                if character == "'":
                    pieces.append(self._single_quoted())
                else:
                    inner = self._double_quoted()
                    for node in inner:
                        if isinstance(node, _Literal):
                            pieces.append(node.text)
                        else:
                            flush()
                            nodes.append(node)
                continue
            if syntax.escape is not None and character == syntax.escape:
                if literal_start is not None:
                    pieces.append(self.word[literal_start : self.index])
                    literal_start = None
                if self.index + 1 < len(text):
                    pieces.append(self.word[self.index + 1 : self.index + 2])
                    self.index += 2
                else:
                    pieces.append(self.word[self.index : self.index + 1])
                    self.index += 1
                continue
            if literal_start is None:
                literal_start = self.index
            self.index += 1
        flush()
        return tuple(nodes), False

    def _single_quoted(self) -> Sourced:
        start = self.index + 1
        end = self.text.find("'", start)
        if end == -1:
            raise ExpansionSyntaxError(f"unterminated single quote in {self.text!r}")
        self.index = end + 1
        return self.word[start:end]

    def _double_quoted(self) -> list[_Node]:
        self.index += 1
        nodes: list[_Node] = []
        pieces: list[Sourced] = []
        text = self.text
        escape = self.syntax.escape

        def flush() -> None:
            if pieces:
                nodes.append(_Literal(Sourced.join(pieces)))
                pieces.clear()

        while self.index < len(text):
            character = text[self.index]
            if character == '"':
                self.index += 1
                flush()
                return nodes
            if character == "$":
                node = self._dollar()
                if isinstance(node, _Literal):
                    pieces.append(node.text)
                else:
                    flush()
                    nodes.append(node)
                continue
            if escape is not None and character == escape and self.index + 1 < len(text):
                following = text[self.index + 1]
                # Inside double quotes the escape only escapes '"', '$' and itself (BuildKit).
                if following in ('"', "$", escape):
                    pieces.append(self.word[self.index + 1 : self.index + 2])
                    self.index += 2
                    continue
            pieces.append(self.word[self.index : self.index + 1])
            self.index += 1
        raise ExpansionSyntaxError(f"unterminated double quote in {self.text!r}")

    def _dollar(self) -> _Node:
        start = self.index
        text = self.text
        self.index += 1
        if self.index >= len(text):
            return self._lone_dollar(start)
        character = text[self.index]
        if self.syntax.dollar_escape and character == "$":
            self.index += 1
            return _Literal(self.word[start : start + 1])
        if character != "{":
            name = self._name()
            if not name:
                return self._lone_dollar(start)
            return _Variable(name, "", (), self.word[start : self.index])
        self.index += 1
        name = self._name()
        if not name:
            raise ExpansionSyntaxError(f"bad substitution in {text!r}: ${{ without a variable name")
        operator = self._operator()
        if operator == "":
            if self.index < len(text) and text[self.index] == "}":
                self.index += 1
                return _Variable(name, "", (), self.word[start : self.index])
            raise ExpansionSyntaxError(f"bad substitution in {text!r}: missing '}}' after ${{{name}")
        word, closed = self._sequence(stop="}")
        if not closed:
            raise ExpansionSyntaxError(f"bad substitution in {text!r}: missing '}}' after ${{{name}")
        return _Variable(name, operator, word, self.word[start : self.index])

    def _lone_dollar(self, start: int) -> _Node:
        if self.syntax.dollar_escape:
            raise ExpansionSyntaxError(f"invalid interpolation in {self.text!r}: write $$ for a literal $")
        self.index = start + 1
        return _Literal(self.word[start : start + 1])

    def _name(self) -> str:
        text = self.text
        start = self.index
        if start < len(text) and _is_name_start(text[start]):
            self.index += 1
            while self.index < len(text) and _is_name_char(text[self.index]):
                self.index += 1
        elif start < len(text) and text[start].isdigit() and not self.syntax.dollar_escape:
            # Positional parameters ($1) are never set in a Dockerfile; keep them as names.
            while self.index < len(text) and text[self.index].isdigit():
                self.index += 1
        return text[start : self.index]

    def _operator(self) -> str:
        text = self.text
        rest = text[self.index : self.index + 2]
        for operator in (":-", ":?", ":+", "-", "?", "+"):
            if rest.startswith(operator):
                self.index += len(operator)
                return operator
        if self.syntax.pattern_operators:
            for operator in _PATTERN_OPERATORS:
                if rest.startswith(operator):
                    self.index += len(operator)
                    return operator
        if rest and rest[0] != "}":
            raise ExpansionSyntaxError(f"bad substitution in {text!r}: unsupported modifier {rest[0]!r}")
        return ""
