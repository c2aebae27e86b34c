"""Just enough of the POSIX shell to find ``pip install`` commands in a Dockerfile ``RUN``.

A ``RUN`` line is a shell script. depcheck does not run it; it splits it into simple commands
(on ``&&``, ``||``, ``;``, ``|``, ``&``, newlines and parentheses), splits each command into
words the way the shell would (quotes removed, backslash escapes, comments, redirections
dropped), and keeps for every character of every word its offset in the document, so that a
requirement found in ``pip install "requests==2.31.0"`` points at the exact characters a fix
would replace. Words the shell would compute at run time (``$VAR``, ``$(...)``, backticks) are
marked ``dynamic``. :func:`pip_install_arguments` picks out the arguments of ``pip install``,
``pip3 install``, ``python -m pip install``, ``python3.12 -m pip install`` and
``uv pip install``, through ``sudo``, ``env`` and ``VAR=value`` prefixes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from depcheck.sources.expansion import Sourced

__all__ = ["ShellWord", "commands", "pip_install_arguments"]


@dataclass(frozen=True)
class ShellWord:
    """One word as the shell would pass it to a program.

    ``source`` is the word with quotes removed and each character's document offset;
    ``expansions`` the ``(start, end)`` ranges of ``source`` that the shell computes at run time
    (``$VAR``, ``${...}``, ``$(...)``, backticks), which ``source.text`` holds as written.
    """

    source: Sourced
    expansions: tuple[tuple[int, int], ...] = ()

    @property
    def dynamic(self) -> bool:
        return bool(self.expansions)

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def start(self) -> int | None:
        """The document offset of the word's first character (inside any opening quote)."""
        return self.source.first_offset()


_PLAIN = re.compile(r"[^ \t\r\f\v\n;&|()<>\\'\"$`]+")
_DOUBLE_QUOTED_PLAIN = re.compile(r'[^"\\$`]+')
_PARAMETER = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])?")
_SEPARATORS = ("&&", "||", ";;", ";", "|", "&", "(", ")", "\n")
_SEPARATOR_STARTS = frozenset(separator[0] for separator in _SEPARATORS)
_REDIRECTIONS = (">>", ">&", ">|", "<<<", "<<-", "<<", "<&", "<>", ">", "<")
_BLANKS = " \t\r\f\v"


class _Tokenizer:
    def __init__(self, script: Sourced) -> None:
        self.script = script
        self.text = script.text
        self.index = 0
        self.commands: list[list[ShellWord]] = []
        self.current: list[ShellWord] = []

    def run(self) -> list[list[ShellWord]]:
        text = self.text
        while self.index < len(text):
            character = text[self.index]
            if character in _BLANKS:
                self.index += 1
            elif character == "\\" and text.startswith("\n", self.index + 1):
                self.index += 2  # a line continuation (heredoc scripts)
            elif character == "#":
                end = text.find("\n", self.index)
                self.index = len(text) if end == -1 else end
            elif self._separator() or self._redirection():
                continue
            else:
                word = self._word()
                if word is not None:
                    self.current.append(word)
        self._end_command()
        return self.commands

    def _end_command(self) -> None:
        if self.current:
            self.commands.append(self.current)
        self.current = []

    def _separator(self) -> bool:
        if self.text[self.index] not in _SEPARATOR_STARTS:  # most positions start a word
            return False
        for separator in _SEPARATORS:
            if self.text.startswith(separator, self.index):
                if separator == "&" and self.text.startswith("&>", self.index):
                    return False
                self.index += len(separator)
                self._end_command()
                return True
        return False

    def _redirection(self) -> bool:
        text = self.text
        start = self.index
        if text[start] not in "&<>":
            return False
        if text.startswith("&>", start):
            self.index += 3 if text.startswith("&>>", start) else 2
        else:
            for operator in _REDIRECTIONS:
                if text.startswith(operator, start):
                    self.index += len(operator)
                    break
            else:
                return False
        while self.index < len(text) and text[self.index] in _BLANKS:
            self.index += 1
        if self.index < len(text) and text[self.index] not in "\n;&|()":
            self._word()  # the redirection's target is not an argument
        return True

    def _word(self) -> ShellWord | None:
        """Read one word; ``None`` when it is only a file-descriptor number before a redirection."""
        text = self.text
        pieces: list[Sourced] = []
        expansions: list[tuple[int, int]] = []
        start = self.index
        while self.index < len(text):
            character = text[self.index]
            if character in _BLANKS or character in "\n;&|()<>":
                break
            if character == "\\":
                if self.index + 1 < len(text):
                    if text[self.index + 1] != "\n":
                        pieces.append(self.script[self.index + 1 : self.index + 2])
                    self.index += 2
                else:
                    self.index += 1
            elif character == "'":
                end = text.find("'", self.index + 1)
                end = len(text) if end == -1 else end
                pieces.append(self.script[self.index + 1 : end])
                self.index = end + 1
            elif character == '"':
                self._double_quoted(pieces, expansions)
            elif character in "$`":
                self._expansion(pieces, expansions)
            else:
                run = _PLAIN.match(text, self.index)
                end = run.end() if run else self.index + 1
                pieces.append(self.script[self.index : end])
                self.index = end
        if self.index < len(text) and text[self.index] in "<>" and text[start : self.index].isdigit():
            return None  # "2>&1": the 2 belongs to the redirection
        if self.index == start:
            return None
        # One piece (an unquoted word) is already the word: no need to copy it through a join.
        source = pieces[0] if len(pieces) == 1 else Sourced.join(pieces)
        return ShellWord(source, tuple(expansions))

    def _double_quoted(self, pieces: list[Sourced], expansions: list[tuple[int, int]]) -> None:
        text = self.text
        self.index += 1
        while self.index < len(text) and text[self.index] != '"':
            character = text[self.index]
            if character == "\\" and self.index + 1 < len(text) and text[self.index + 1] in '$`"\\\n':
                if text[self.index + 1] != "\n":
                    pieces.append(self.script[self.index + 1 : self.index + 2])
                self.index += 2
            elif character in "$`":
                self._expansion(pieces, expansions)
            else:
                run = _DOUBLE_QUOTED_PLAIN.match(text, self.index)
                end = run.end() if run else self.index + 1
                pieces.append(self.script[self.index : end])
                self.index = end
        self.index += 1

    def _expansion(self, pieces: list[Sourced], expansions: list[tuple[int, int]]) -> None:
        """``$NAME``, ``${...}``, ``$(...)``, ``$((...))`` or a backtick substitution, as written."""
        text = self.text
        start = self.index
        if text[start] == "`":
            end = text.find("`", start + 1)
            self.index = len(text) if end == -1 else end + 1
        elif text.startswith("${", start):
            self.index = self._closing(start + 2, "{", "}")
        elif text.startswith("$(", start):
            self.index = self._closing(start + 2, "(", ")")
        else:
            match = _PARAMETER.match(text, start)
            self.index = match.end() if match else start + 1
        if self.index == start + 1 and text[start] == "$":
            pieces.append(self.script[start : self.index])  # a lone "$" is literal
            return
        length = sum(len(piece) for piece in pieces)
        pieces.append(self.script[start : self.index])
        expansions.append((length, length + self.index - start))

    def _closing(self, index: int, opening: str, closing: str) -> int:
        depth = 1
        text = self.text
        while index < len(text):
            character = text[index]
            if character == "\\":
                index += 2
                continue
            if character == "'":
                end = text.find("'", index + 1)
                index = len(text) if end == -1 else end + 1
                continue
            if character == opening:
                depth += 1
            elif character == closing:
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
        return len(text)


def commands(script: Sourced) -> list[list[ShellWord]]:
    """The simple commands of ``script``, each a list of words."""
    return _Tokenizer(script).run()


_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_PIP = re.compile(r"pip(?:\d+(?:\.\d+)*)?")
_PYTHON = re.compile(r"python(?:\d+(?:\.\d+)*)?")
_PREFIX_COMMANDS = frozenset(
    {"sudo", "env", "exec", "command", "nohup", "time", "nice", "then", "else", "do", "!", "{", "if"}
)
# Options of the prefix commands and of pip/python/uv that take a separate value.
_OPTIONS_WITH_VALUE = frozenset(
    {
        "-u",  # sudo -u user, env -u NAME
        "-g",
        "-C",
        "-n",
        "-W",  # python -W ignore
        "-X",  # python -X dev
        "--proxy",
        "--log",
        "--cache-dir",
        "--python",
        "--timeout",
        "--retries",
        "--exists-action",
        "--cert",
        "--client-cert",
        "--trusted-host",
        "--directory",
        "--project",
        "--config-file",
    }
)


def pip_install_arguments(command: Sequence[ShellWord]) -> list[ShellWord] | None:
    """The arguments after ``install`` when ``command`` runs ``pip install``, else ``None``."""
    words = list(command)
    position = _skip_prefixes(words)
    if position >= len(words):
        return None
    program = words[position].text.rsplit("/", 1)[-1]
    position += 1
    if _PIP.fullmatch(program):
        return _after_install(words, position)
    if _PYTHON.fullmatch(program):
        while position < len(words):
            word = words[position].text
            if word == "-m" and position + 1 < len(words) and words[position + 1].text == "pip":
                return _after_install(words, position + 2)
            if word == "-mpip":
                return _after_install(words, position + 1)
            if not word.startswith("-"):
                return None
            position += 2 if word in _OPTIONS_WITH_VALUE else 1
        return None
    if program == "uv":
        position = _skip_options(words, position)
        if position < len(words) and words[position].text == "pip":
            return _after_install(words, position + 1)
    return None


def _skip_prefixes(words: Sequence[ShellWord]) -> int:
    position = 0
    while position < len(words):
        word = words[position]
        if not word.dynamic and _ASSIGNMENT.match(word.text):
            position += 1
        elif word.text in _PREFIX_COMMANDS:
            position = _skip_options(words, position + 1)
        else:
            break
    return position


def _skip_options(words: Sequence[ShellWord], position: int) -> int:
    while position < len(words) and words[position].text.startswith("-"):
        position += 2 if words[position].text in _OPTIONS_WITH_VALUE else 1
    return position


def _after_install(words: Sequence[ShellWord], position: int) -> list[ShellWord] | None:
    position = _skip_options(words, position)
    if position < len(words) and words[position].text == "install":
        return list(words[position + 1 :])
    return None
