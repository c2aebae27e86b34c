"""pip requirements files and ``pip install`` arguments, read the way pip reads them, with exact positions.

A requirements file is read in pip's own steps (``pip/_internal/req/req_file.py``): lines ending
in a backslash are joined (a comment line ends the join), comments are cut where pip's
``COMMENT_RE`` cuts them, ``${VAR}`` references are expanded, and each line is split into the
requirement and its options at the first word that starts with ``-`` (``break_args_options``).
Unlike pip, every step keeps track of where each character came from, so a requirement continued
over several lines, in a CRLF file or behind a BOM still gets the exact byte span a fix replaces.
(A requirement whose own text is split by a continuation, rare, gets a span from its first to its
last character, the backslash and newline included, and pip's joined text as its ``text``.)
``-r``/``-c`` includes are followed through the :class:`~depcheck.sources.interface.FileReader`;
index options apply to every requirement the file and its includes name, as pip's one shared
finder does: the last ``--index-url`` wins and drops the extra indexes named before it.
Requirements themselves are parsed by ``packaging``: a fast path takes the plain ``name[extras]
op version ; marker`` shape apart with a strict pattern and hands the specifier and marker to
packaging's ``SpecifierSet`` and ``Marker`` (10,000 lines must parse in well under 0.3 s, and a full
``Requirement`` parse costs 25-70 us a line); anything else goes to ``Requirement`` itself, and a
test checks that both ways give the same record. ``requirements-parser`` is not used: it keeps
no line or column, does not follow pip's continuation, comment and option rules, and opens
includes itself instead of through the reader.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import NamedTuple

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from depcheck.model import Dependency, Ecosystem, FileKind, Finding, Location, ParseResult, Role, SpanRole
from depcheck.registries.filenames import ARCHIVE_SUFFIXES
from depcheck.rules import invalid, unresolved_at
from depcheck.sources.document import Document
from depcheck.sources.ignores import parse_ignore_comment
from depcheck.sources.interface import FileReadError, LocalFileReader, ParseContext, Source
from depcheck.sources.names import is_requirements
from depcheck.sources.pep508 import marker_start

__all__ = ["RequirementsSource", "parse_pip_arguments"]

logger = logging.getLogger(__name__)

PYPI = Ecosystem.PYPI
_REQUIREMENT_SPAN = SpanRole.REQUIREMENT

MAX_INCLUDE_DEPTH = 32
"""Deeper ``-r`` chains are reported rather than followed (a symlinked folder can make paths grow forever)."""

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_NAME_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# The plain shape of most requirement lines: name, optional [extras], optional specifier, all
# before the first ';'. Anything else goes to packaging's full parser.
_PLAIN = re.compile(
    r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)[ \t]*(?:\[([^\[\]]*)\][ \t]*)?([<>=!~][^;]*)?"
)
_UNQUOTED_WORD = re.compile(r"[^ \t\r\n]+")

# Patterns for the rarer lines (environment references, remote includes, URL requirements, shell
# variables in a Dockerfile's pip install) are kept as text and compiled by ``re`` (which caches
# them) on first use, so that importing the parser does not pay for them.
# pip's ENV_VAR_RE: only ${NAME} with upper-case letters, digits and underscores is expanded.
_ENV_VAR = r"\$\{([A-Z0-9_]+)\}"
# pip's SCHEME_RE: an include written as a URL is fetched by pip, never by depcheck.
_REMOTE_INCLUDE = r"(?i:http|https|file):"
_EGG = r"[#&]egg=([^&]*)"
_EGG_VALUE = r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?:\[([^\[\]]*)\])?"
_SUBDIRECTORY = r"[#&]subdirectory=([^&]*)"
_SHELL_VARIABLE = r"\$(?:\{[^}]*\}?|[A-Za-z_][A-Za-z0-9_]*|.?)"

# pip's vcs.all_schemes plus its plain URL schemes (pip/_internal/utils/urls.py, vcs/*.py).
_VCS_SCHEMES = frozenset(
    {
        "git", "git+http", "git+https", "git+ssh", "git+git", "git+file",
        "hg+file", "hg+http", "hg+https", "hg+ssh", "hg+static-http",
        "svn", "svn+ssh", "svn+http", "svn+https", "svn+svn", "svn+file",
        "bzr+http", "bzr+https", "bzr+ssh", "bzr+sftp", "bzr+ftp", "bzr+lp", "bzr+file",
    }
)  # fmt: skip
_URL_SCHEMES = _VCS_SCHEMES | {"http", "https", "file", "ftp"}
# pip's ARCHIVE_EXTENSIONS: a requirement ending in one of these is a file, not a project name.
_STRONG_HASHES = ("sha256", "sha384", "sha512")

# The options pip accepts in a requirements file (req_file.SUPPORTED_OPTIONS and
# SUPPORTED_OPTIONS_REQ): spelling -> (what depcheck does with it, whether it takes a value).
_FILE_OPTIONS: dict[str, tuple[str, bool]] = {
    "--index-url": ("index-url", True),
    "--pypi-url": ("index-url", True),
    "--extra-index-url": ("extra-index-url", True),
    "--no-index": ("", False),
    "--constraint": ("constraint", True),
    "--requirement": ("requirement", True),
    "--editable": ("editable", True),
    "--find-links": ("find-links", True),
    "--no-binary": ("", True),
    "--only-binary": ("", True),
    "--prefer-binary": ("", False),
    "--require-hashes": ("", False),
    "--pre": ("", False),
    "--trusted-host": ("", True),
    "--use-feature": ("", True),
    "--global-option": ("", True),
    "--hash": ("hash", True),
    "--config-settings": ("", True),
}
_FILE_SHORT = {
    "i": "--index-url",
    "c": "--constraint",
    "r": "--requirement",
    "e": "--editable",
    "f": "--find-links",
    "C": "--config-settings",
}

# `pip install` / `uv pip install` on a command line: options whose value is a separate word.
_PIP_ACTIONS = {
    "--requirement": "requirement",
    "--constraint": "constraint",
    "--editable": "editable",
    "--index-url": "index-url",
    "--default-index": "index-url",
    "--extra-index-url": "extra-index-url",
    "--index": "extra-index-url",
}
_PIP_SHORT_ACTIONS = {"r": "requirement", "c": "constraint", "e": "editable", "i": "index-url"}
_PIP_VALUE_OPTIONS = frozenset(
    {
        "--target", "--prefix", "--root", "--trusted-host", "--find-links", "--platform",
        "--python-version", "--implementation", "--abi", "--progress-bar", "--cache-dir", "--src",
        "--upgrade-strategy", "--python", "--no-binary", "--only-binary", "--config-settings",
        "--global-option", "--install-option", "--log", "--log-file", "--timeout", "--retries",
        "--proxy", "--cert", "--client-cert", "--exists-action", "--report", "--root-user-action",
        "--use-feature", "--use-deprecated", "--keyring-provider", "--override", "--overrides",
        "--build-constraint", "--build-constraints", "--index-strategy", "--resolution",
        "--prerelease", "--exclude-newer", "--link-mode", "--python-platform", "--reinstall-package",
        "--upgrade-package", "--refresh-package", "--no-build-package", "--no-binary-package",
        "--extra", "--group", "--config-file", "--directory", "--project", "--color",
        "--allow-insecure-host", "--torch-backend", "--constraints", "--requirements",
        # uv: global options (accepted after `pip install` too) and per-package lists.
        "--python-preference", "--python-fetch", "--config-setting", "--config-settings-package",
        "--exclude", "--excludes", "--exclude-newer-package", "--fork-strategy",
        "--no-build-isolation-package", "--no-editable-package", "--no-sources-package",
        "--upgrade-group",
        # pip: newer and hidden ones.
        "--resume-retries", "--local-log",
    }
)  # fmt: skip
_PIP_SHORT_VALUES = frozenset("rceiftCpPb")


class _Unparsable(Exception):
    """A requirement pip would refuse; the message is the parser's reason."""


# --- lines -------------------------------------------------------------------------------------


class _Line:
    """One line as pip parses it, and where each of its characters sits in the document.

    ``text`` is the logical line (physical lines joined at trailing backslashes) with the comment
    and surrounding whitespace removed; ``comment`` is the comment's text from its ``#``.
    ``exact`` is false when ``text`` is not verbatim in the document (a shell word whose quotes
    were removed), so no fix span can be given for it.
    """

    __slots__ = ("_base", "_offsets", "_starts", "comment", "exact", "text")

    def __init__(
        self,
        text: str,
        comment: str | None,
        base: int,
        starts: Sequence[int],
        offsets: Sequence[int],
        exact: bool = True,
    ) -> None:
        self.text = text
        self.comment = comment
        self.exact = exact
        self._base = base
        self._starts = starts
        self._offsets = offsets

    def offset(self, index: int) -> int:
        """The character offset in the document of character ``index`` of :attr:`text`."""
        joined = index + self._base
        if len(self._offsets) == 1:
            return self._offsets[0] + joined
        segment = max(bisect.bisect_right(self._starts, joined) - 1, 0)
        return self._offsets[segment] + joined - self._starts[segment]


def _comment_start(text: str) -> int:
    """Where pip's ``COMMENT_RE`` (``(^|\\s+)#.*$``) cuts ``text``: the first ``#`` at the start or after whitespace."""
    index = text.find("#")
    while index > 0 and not text[index - 1].isspace():
        index = text.find("#", index + 1)
    return index


def _finish(joined: str, starts: Sequence[int], offsets: Sequence[int]) -> _Line | None:
    cut = _comment_start(joined) if "#" in joined else -1
    comment = joined[cut:] if cut != -1 else None
    code = joined[:cut] if cut != -1 else joined
    stripped = code.lstrip()
    base = len(code) - len(stripped)
    stripped = stripped.rstrip()
    if not stripped:
        return None
    return _Line(stripped, comment, base, starts, offsets)


def _logical_lines(text: str) -> Iterator[_Line]:
    """pip's ``join_lines`` and ``ignore_comments``, keeping every character's document offset.

    A line ending in ``\\`` joins the next one (the backslashes are dropped, nothing is put in
    their place); a comment line never continues and, inside a continuation, ends it (pip puts a
    space in front of it so that the comment is still cut). A ``\\r`` before ``\\n`` is not part of
    the line.
    """
    parts: list[str] = []
    starts: list[int] = []
    offsets: list[int] = []
    length = 0
    position = 0
    size = len(text)
    while position < size:
        newline = text.find("\n", position)
        end = size if newline == -1 else newline
        following = size if newline == -1 else newline + 1
        if end > position and text[end - 1] == "\r":
            end -= 1
        line = text[position:end]
        first = line[:1]
        comment_line = first == "#" or (first.isspace() and line.lstrip().startswith("#"))
        if comment_line or not line.endswith("\\"):
            logical: _Line | None
            if parts:
                starts.append(length)
                if comment_line:
                    # The space pip adds is at offset position - 1; it is only ever cut with the comment.
                    offsets.append(position - 1)
                    parts.append(" " + line)
                else:
                    offsets.append(position)
                    parts.append(line)
                logical = _finish("".join(parts), starts, offsets)
                parts, starts, offsets, length = [], [], [], 0
            else:
                logical = _finish(line, (0,), (position,))
            if logical is not None:
                yield logical
        else:
            lead = len(line) - len(line.lstrip("\\"))
            body = line.strip("\\")
            starts.append(length)
            offsets.append(position + lead)
            parts.append(body)
            length += len(body)
        position = following
    if parts:
        logical = _finish("".join(parts), starts, offsets)
        if logical is not None:
            yield logical


def _shell_words(text: str, start: int) -> list[tuple[str, int]]:
    """``shlex.split(text[start:])`` (what pip does to the options part), with each word's start index.

    Raises :class:`ValueError` with shlex's message for an unclosed quote or a trailing backslash.
    """
    if "'" not in text and '"' not in text and "\\" not in text:
        return [(match.group(), match.start()) for match in _UNQUOTED_WORD.finditer(text, start)]
    words: list[tuple[str, int]] = []
    index = start
    size = len(text)
    while index < size:
        if text[index] in " \t\r\n":
            index += 1
            continue
        begin = index
        pieces: list[str] = []
        while index < size and text[index] not in " \t\r\n":
            character = text[index]
            if character == "'":
                close = text.find("'", index + 1)
                if close == -1:
                    raise ValueError("No closing quotation")
                pieces.append(text[index + 1 : close])
                index = close + 1
            elif character == '"':
                index += 1
                while True:
                    if index >= size:
                        raise ValueError("No closing quotation")
                    character = text[index]
                    if character == '"':
                        index += 1
                        break
                    if character == "\\" and index + 1 < size and text[index + 1] in '"\\':
                        pieces.append(text[index + 1])
                        index += 2
                        continue
                    pieces.append(character)
                    index += 1
            elif character == "\\":
                if index + 1 >= size:
                    raise ValueError("No escaped character")
                pieces.append(text[index + 1])
                index += 2
            else:
                stop = index
                while stop < size and text[stop] not in " \t\r\n'\"\\":
                    stop += 1
                pieces.append(text[index:stop])
                index = stop
        words.append(("".join(pieces), begin))
    return words


# --- options -----------------------------------------------------------------------------------


@dataclass
class _Options:
    """The options of one requirements-file line, each value with its index in the line."""

    requirements: list[tuple[str, int]] = field(default_factory=list)
    constraints: list[tuple[str, int]] = field(default_factory=list)
    editables: list[tuple[str, int]] = field(default_factory=list)
    index_url: tuple[str, int] | None = None
    extra_index_urls: list[tuple[str, int]] = field(default_factory=list)
    find_links: list[tuple[str, int]] = field(default_factory=list)
    hashes: list[tuple[str, int]] = field(default_factory=list)
    leftovers: list[tuple[str, int]] = field(default_factory=list)
    errors: list[tuple[str, int]] = field(default_factory=list)


def _long_option(name: str) -> tuple[str | None, str | None]:
    """optparse's lookup: the exact spelling, else a unique prefix; ``(option, None)`` or ``(None, error)``."""
    if name in _FILE_OPTIONS:
        return name, None
    candidates = sorted(option for option in _FILE_OPTIONS if option.startswith(name))
    if len(candidates) == 1:
        return candidates[0], None
    if candidates:
        return None, f"ambiguous option: {name} ({', '.join(candidates)}?)"
    return None, f"no such option: {name}"


def _parse_options(text: str, start: int) -> _Options:
    """The options part of a line, read like pip's optparse parser (errors in optparse's words)."""
    options = _Options()
    try:
        words = _shell_words(text, start)
    except ValueError as exc:
        options.errors.append((f"could not split options: {exc}", start))
        return options
    index = 0
    # optparse stops at the first error, and so does pip's reading of the line.
    while index < len(words) and not options.errors:
        word, at = words[index]
        index += 1
        if word == "--":
            options.leftovers.extend(words[index:])
            break
        if not word.startswith("-") or word == "-":
            options.leftovers.append((word, at))
            continue
        value: str | None = None
        value_at = at
        if word.startswith("--"):
            written, equals, attached = word.partition("=")
            option, error = _long_option(written)
            if option is None:
                options.errors.append((error or f"no such option: {written}", at))
                continue
            action, takes_value = _FILE_OPTIONS[option]
            if not takes_value:
                if equals:
                    options.errors.append((f"{written} option does not take a value", at))
                continue
            if equals:
                value, value_at = attached, at + len(written) + 1
        else:
            short = _FILE_SHORT.get(word[1])
            if short is None:
                options.errors.append((f"no such option: -{word[1]}", at))
                continue
            written = word[:2]
            action, _ = _FILE_OPTIONS[short]
            if len(word) > 2:
                value, value_at = word[2:], at + 2
        if value is None:
            if index >= len(words):
                options.errors.append((f"{written} option requires 1 argument", at))
                continue
            value, value_at = words[index]
            index += 1
        _record(options, action, written, value, value_at)
    return options


def _record(options: _Options, action: str, written: str, value: str, at: int) -> None:
    if action == "requirement":
        options.requirements.append((value, at))
    elif action == "constraint":
        options.constraints.append((value, at))
    elif action == "editable":
        options.editables.append((value, at))
    elif action == "index-url":
        options.index_url = (value, at)
    elif action == "extra-index-url":
        options.extra_index_urls.append((value, at))
    elif action == "find-links":
        options.find_links.append((value, at))
    elif action == "hash":
        algorithm, colon, digest = value.partition(":")
        if not colon:
            options.errors.append(
                (
                    f"Arguments to {written} must be a hash name followed by a value, like --hash=sha256:abcde...",
                    at,
                )
            )
        elif algorithm not in _STRONG_HASHES:
            options.errors.append(
                (f"Allowed hash algorithms for {written} are {', '.join(_STRONG_HASHES)}.", at)
            )
        elif not digest:
            options.errors.append((f"{written} {value} has no digest", at))
        else:
            options.hashes.append((value, at))


# --- requirements ------------------------------------------------------------------------------


class _Parsed(NamedTuple):
    """What one requirement says, before it is placed in a document (a tuple: built once a line)."""

    name: str
    body_end: int
    """Where the text a fix replaces ends: the requirement without its marker."""
    style: str
    """How the marker is separated: ``pep508``, ``pep508-url`` (whitespace before ``;``), ``pip-url`` (``"; "``)."""
    specifier: str = ""
    extras: tuple[str, ...] = ()
    marker: str | None = None
    url: str | None = None
    unresolved: str | None = None


@functools.lru_cache(maxsize=4096)
def _marker(text: str) -> str:
    """packaging's normal form of a marker; markers repeat a lot in generated files, so it is cached."""
    return str(Marker(text))


@functools.lru_cache(maxsize=8192)
def _specifier(text: str) -> str:
    """packaging's normal form of a specifier set (cached: ``==1.0.0`` and the like repeat).

    One clause is what ``SpecifierSet`` would build from it, at half the cost of building the set.
    """
    if "," not in text:
        return str(Specifier(text.strip()))
    return str(SpecifierSet(text))


def _canonical(name: str) -> str:
    """``canonicalize_name``, skipping its regex for a name that is already canonical once lowercased."""
    lowered = name.lower()
    if "_" in lowered or "." in lowered or "--" in lowered:
        return canonicalize_name(name)
    return lowered


def _first_line(message: str) -> str:
    return message.splitlines()[0] if message else message


def _is_url(text: str) -> bool:
    """pip's ``is_url``: a scheme pip downloads from or a VCS scheme."""
    scheme, colon, _ = text.partition(":")
    return bool(colon) and scheme.lower() in _URL_SCHEMES


def _looks_like_path(text: str) -> bool:
    """pip's ``_looks_like_path``: a separator in it, or a leading dot."""
    return "/" in text or "\\" in text or text.startswith(".")


def _is_archive(text: str) -> bool:
    return text.lower().endswith(ARCHIVE_SUFFIXES)


def _strip_extras(text: str) -> tuple[str, str | None]:
    """pip's ``_strip_extras``: ``./pkg[a,b]`` -> (``./pkg``, ``[a,b]``)."""
    if text.endswith("]"):
        opening = text.rfind("[")
        if opening > 0 and "]" not in text[opening + 1 : -1] and opening + 1 < len(text) - 1:
            return text[:opening], text[opening:]
    return text, None


def _extras_of(extras: str) -> tuple[str, ...]:
    try:
        return tuple(sorted(Requirement("placeholder" + extras).extras))
    except InvalidRequirement as exc:
        raise _Unparsable(f"invalid extras {extras}: {_first_line(exc.message)}") from exc


def _egg(url: str) -> tuple[str, tuple[str, ...]] | None:
    """The project name (and extras) an ``#egg=`` fragment gives."""
    match = re.search(_EGG, url)
    if match is None:
        return None
    value = match.group(1)
    parts = re.fullmatch(_EGG_VALUE, value)
    if parts is None:
        raise _Unparsable(f"the egg fragment {value!r} is not a valid project name")
    extras = _extras_of(f"[{parts.group(2)}]") if parts.group(2) else ()
    return canonicalize_name(parts.group(1)), extras


def _filename_name(path: str) -> str | None:
    """The project a wheel or sdist file name names (``pkg-1.0-py3-none-any.whl`` -> ``pkg``)."""
    filename = path.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[0])
        if filename.endswith((".tar.gz", ".zip")):
            return str(parse_sdist_filename(filename)[0])
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return None


def _vcs_name(url: str) -> str | None:
    """A VCS URL's project name without ``#egg=``: the repository's last path part, less ``.git``.

    ``#subdirectory=`` names the project folder, so its last part is used instead. This is a
    guess (pip learns the real name by building the project), good enough to report and look up.
    """
    head, _, fragment = url.partition("#")
    head = head.split("?", 1)[0]
    _, separator, rest = head.partition("://")
    if not separator:
        return None
    slash = rest.find("/")
    if slash == -1:
        return None
    repository = rest[slash:]
    if "@" in repository:
        repository = repository.rsplit("@", 1)[0]
    subdirectory = re.search(_SUBDIRECTORY, "#" + fragment) if fragment else None
    if subdirectory is not None and subdirectory.group(1).strip("/"):
        repository = subdirectory.group(1)
    last = repository.rstrip("/").rsplit("/", 1)[-1]
    if last.lower().endswith(".git"):
        last = last[:-4]
    return canonicalize_name(last) if _NAME.fullmatch(last) else None


def _parse_url(text: str) -> _Parsed:
    """A bare URL requirement: pip splits its marker off at ``"; "``."""
    cut = text.find("; ")
    url = (text if cut == -1 else text[:cut]).rstrip()
    marker = None
    if cut != -1 and text[cut + 2 :].strip():
        try:
            marker = _marker(text[cut + 2 :].strip())
        except InvalidMarker as exc:
            raise _Unparsable(_first_line(str(exc))) from exc
    if any(character.isspace() for character in url):
        raise _Unparsable(f"{url!r} is not a URL: it holds whitespace")
    scheme = url.split(":", 1)[0].lower()
    egg = _egg(url)
    name, extras = egg if egg is not None else (None, ())
    unresolved = None
    if scheme in _VCS_SCHEMES:
        name = name or _vcs_name(url)
    else:
        name = name or _filename_name(url)
        if scheme == "file":
            unresolved = f"local path {url}"
    return _Parsed(
        name=name or url,
        body_end=len(url),
        style="pip-url",
        extras=extras,
        marker=marker,
        url=url,
        unresolved=unresolved,
    )


def _parse_local(text: str) -> _Parsed:
    """A local directory or archive: pip splits its marker off at the first ``;``."""
    cut = text.find(";")
    written = (text if cut == -1 else text[:cut]).rstrip()
    marker = None
    if cut != -1 and text[cut + 1 :].strip():
        try:
            marker = _marker(text[cut + 1 :].strip())
        except InvalidMarker as exc:
            raise _Unparsable(_first_line(str(exc))) from exc
    path, extras = _strip_extras(written)
    return _Parsed(
        name=_filename_name(path) or path,
        body_end=len(written),
        style="pep508",
        extras=_extras_of(extras) if extras else (),
        marker=marker,
        unresolved=f"local path {path}",
    )


@functools.lru_cache(maxsize=8192)
def _parse_plain(text: str) -> _Parsed | None:
    """The fast path for ``name[extras] op version, ... ; marker``; ``None`` when it cannot decide.

    It accepts only what packaging's grammar accepts with the same meaning (a property test
    checks this against ``Requirement``), and nothing pip would read as a URL or a file (the name
    pattern has no ``:`` or ``/``, and a bare ``x.whl`` falls through). Anything else goes on to
    the full rules in :func:`_parse`. Cached: the same lines recur across a tree's files, and the
    answer (an immutable tuple) depends on the text alone.
    """
    semicolon = text.find(";")
    head = (text if semicolon == -1 else text[:semicolon]).rstrip(" \t")
    if not head.isascii():
        return None
    match = _PLAIN.fullmatch(head)
    if match is None:
        return None
    name, extras_text, specifier_text = match.groups()
    extras: tuple[str, ...] = ()
    if extras_text is not None:
        written = [extra.strip(" \t") for extra in extras_text.split(",")]
        for extra in written:
            if _NAME.fullmatch(extra) is None:
                return None
        extras = tuple(sorted(set(written)))
    specifier = ""
    if specifier_text:
        if "," in specifier_text:
            for part in specifier_text.split(","):
                if not part.strip(" \t"):
                    return None
        try:
            specifier = _specifier(specifier_text)
        except InvalidSpecifier:
            return None
    elif name.lower().endswith(ARCHIVE_SUFFIXES):
        return None  # pip reads `pkg.whl` as a file, though it is a valid project name
    marker = None
    if semicolon != -1:
        marker_text = text[semicolon + 1 :].strip(" \t")
        if not marker_text:
            return None
        try:
            marker = _marker(marker_text)
        except InvalidMarker:
            return None
    return _Parsed(_canonical(name), len(head), "pep508", specifier, extras, marker)


def _parse_pep508(text: str) -> _Parsed:
    try:
        requirement = Requirement(text)
    except InvalidRequirement as exc:
        raise _Unparsable(_first_line(exc.message)) from exc
    has_url = requirement.url is not None
    body_end = len(text[: marker_start(text, has_url)].rstrip())
    url = requirement.url
    unresolved = None
    if url is not None and (url.lower().startswith("file:") or "://" not in url):
        unresolved = f"local path {url}"
    return _Parsed(
        name=canonicalize_name(requirement.name),
        body_end=body_end,
        style="pep508-url" if has_url else "pep508",
        specifier=str(requirement.specifier),
        extras=tuple(sorted(requirement.extras)),
        marker=str(requirement.marker) if requirement.marker is not None else None,
        url=url,
        unresolved=unresolved,
    )


def _parse(text: str) -> _Parsed:
    """One requirement as pip's ``parse_req_from_line`` sorts it: URL, local path, or PEP 508."""
    plain = _parse_plain(text)
    if plain is not None:
        return plain
    if _is_url(text):
        return _parse_url(text)
    head = text.split(";", 1)[0].strip()
    path, _ = _strip_extras(head)
    if _looks_like_path(head) or _is_archive(path):
        # pip reads `name @ https://host/x.whl` as PEP 508 when the part before `@` is no path.
        before_at, at, _ = head.partition("@")
        if not (at and not _looks_like_path(before_at)):
            return _parse_local(text)
    return _parse_pep508(text)


def _body_end(text: str, style: str) -> int:
    """Where the requirement text ends before its marker, by the separator rule ``style`` names."""
    if style == "pip-url":
        cut = text.find("; ")
        end = len(text) if cut == -1 else cut
    else:
        end = marker_start(text, style == "pep508-url")
    return len(text[:end].rstrip())


def _expand(text: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
    """pip's ``expand_env_variables``: ``${NAME}`` replaced when set and not empty, else left as written."""
    if "${" not in text:
        return text, []
    missing: list[str] = []

    def value(match: re.Match[str]) -> str:
        found = environ.get(match.group(1))
        if not found:
            missing.append(match.group(1))
            return match.group(0)
        return found

    return re.sub(_ENV_VAR, value, text), missing


def _missing_reason(missing: Sequence[str], environ: Mapping[str, str]) -> str:
    reasons = [
        f"environment variable ${{{name}}} is {'empty' if name in environ else 'not set'}" for name in missing
    ]
    return "; ".join(dict.fromkeys(reasons))


def _literal_name(text: str) -> str | None:
    """The project name at the start of ``text`` when no variable is part of it (``pkg==${V}``, not ``${P}``)."""
    match = _NAME_PREFIX.match(text)
    if match is None or text.startswith("$", match.end()) or not _NAME.fullmatch(match.group()):
        return None
    return canonicalize_name(match.group())


# --- walking files -----------------------------------------------------------------------------


class _Walker:
    """Reads one requirements file (or one ``pip install`` command) and everything it includes."""

    def __init__(self, context: ParseContext) -> None:
        self.context = context
        self.reader = context.reader
        self.dependencies: list[Dependency] = []
        self.findings: list[Finding] = []
        self.files: list[str] = []
        self.index_url: str | None = None
        self.extra_index_urls: tuple[str, ...] = ()
        self.find_links: tuple[str, ...] = ()
        self._seen: set[tuple[str, bool]] = set()

    def result(self) -> ParseResult:
        """Everything read; the index options apply to every requirement read, as in pip.

        Each dependency was built with the index options known when it was read (usually the
        final ones: they tend to open the file); only those read before a change are rebuilt.
        """
        final = (self.index_url, self.extra_index_urls, self.find_links)
        dependencies = [
            dependency
            if (dependency.index_url, dependency.extra_index_urls, dependency.find_links) == final
            else replace(
                dependency,
                index_url=self.index_url,
                extra_index_urls=self.extra_index_urls,
                find_links=self.find_links,
            )
            for dependency in self.dependencies
        ]
        return ParseResult(
            dependencies=tuple(dependencies),
            findings=tuple(self.findings),
            files=tuple(dict.fromkeys(self.files)),
        )

    # Files ------------------------------------------------------------------------------------

    def read_file(self, document: Document, path: PurePath, constraint: bool, chain: tuple[str, ...]) -> None:
        self.files.append(document.path)
        self._seen.add((chain[-1], constraint))
        role = Role.CONSTRAINT if constraint else Role.REQUIREMENT
        for line in _logical_lines(document.text):
            self._line(document, path, line, role, chain)

    def include(
        self,
        document: Document,
        path: PurePath,
        written: str,
        offset: int,
        *,
        constraint: bool,
        chain: tuple[str, ...],
        section: str | None = None,
        in_image: bool = False,
    ) -> None:
        """Follow ``-r written`` / ``-c written``, found at character ``offset`` of ``document``.

        ``in_image`` is for a ``pip install -r`` in a Dockerfile: the file is read inside the image,
        so an absolute path is never looked for on this machine and a missing file is ``unresolved``.
        """
        option = "-c" if constraint else "-r"
        where = document.location(offset, section=section)
        if in_image and "$" in written:
            self.findings.append(
                unresolved_at(
                    where,
                    f"{option} {written}: the shell variable in it is only known when the image is built",
                    PYPI,
                )
            )
            return
        name, missing = _expand(written, self.context.environ) if not in_image else (written, [])
        if missing:
            reason = _missing_reason(missing, self.context.environ)
            self.findings.append(unresolved_at(where, f"{option} {written}: {reason}", PYPI))
            return
        if re.match(_REMOTE_INCLUDE, name):
            kind = "constraints" if constraint else "requirements"
            self.findings.append(
                unresolved_at(
                    where, f"{option} {name}: a remote {kind} file is not fetched, so it is not checked", PYPI
                )
            )
            return
        if in_image and name.startswith("/"):
            self.findings.append(
                unresolved_at(
                    where,
                    f"{option} {name}: the file is read inside the image, not from the repository",
                    PYPI,
                )
            )
            return
        target = self.reader.resolve(path, name)
        shown = self.reader.display(target)
        if shown in chain:
            cycle = " -> ".join((*chain, shown))
            self.findings.append(invalid(where, f"{option} {name} is an include cycle: {cycle}", PYPI))
            return
        if (shown, constraint) in self._seen:
            logger.debug("%s already read through another include", shown)
            return
        if len(chain) > MAX_INCLUDE_DEPTH:
            self.findings.append(
                invalid(where, f"{option} {name}: includes nested more than {MAX_INCLUDE_DEPTH} deep", PYPI)
            )
            return
        escapes = self.reader.escapes(target)
        try:
            included = self.reader.read(target)
        except FileReadError as exc:
            if escapes:
                message = f"{option} {name} points outside the repository ({shown}), and cannot be read: {exc.reason}"
                self.findings.append(unresolved_at(where, message, PYPI))
            elif in_image:
                message = f"{option} {name}: not found next to the Dockerfile ({exc.reason}); pip reads it inside the image"
                self.findings.append(unresolved_at(where, message, PYPI))
            else:
                self.findings.append(
                    invalid(where, f"{option} {name}: cannot read {shown}: {exc.reason}", PYPI)
                )
            return
        if escapes:
            message = f"{option} {name} points outside the repository ({shown}); it was read, but is not part of the audited tree"
            self.findings.append(unresolved_at(where, message, PYPI))
        logger.debug("reading %s included from %s", shown, document.path)
        self.read_file(included, target, constraint, (*chain, shown))

    # Lines ------------------------------------------------------------------------------------

    def _line(
        self, document: Document, path: PurePath, line: _Line, role: Role, chain: tuple[str, ...]
    ) -> None:
        text = line.text
        # pip's break_args_options: the requirement is every space-separated word before the first
        # word that starts with "-"; the rest are options.
        if text.startswith("-"):
            args_end, options_start = 0, 0
        else:
            gap = text.find(" -")
            args_end, options_start = (len(text), len(text)) if gap == -1 else (gap, gap + 1)
        if options_start == len(text):  # a plain requirement line: nothing to parse
            self.requirement(document, line, 0, text, role=role, ignored=_ignored(line))
            return
        options = _parse_options(text, options_start)
        for message, at in options.errors:
            self.findings.append(invalid(document.location(line.offset(at)), message, PYPI))
        for word, at in options.leftovers if not options.errors else ():
            self.findings.append(
                invalid(
                    document.location(line.offset(at)),
                    f"pip ignores {word!r} here: it follows an option on the same line",
                    PYPI,
                )
            )
        ignored = _ignored(line)
        if args_end > 0:
            hashes = tuple(value for value, _ in options.hashes)
            self.requirement(document, line, 0, text[:args_end], role=role, hashes=hashes, ignored=ignored)
            return
        if options.hashes and not options.editables:  # pip ignores hashes on -e lines quietly
            at = options.hashes[0][1]
            self.findings.append(
                invalid(
                    document.location(line.offset(at)),
                    "--hash with no requirement on its line is ignored by pip (is a backslash missing on the line before?)",
                    PYPI,
                )
            )
        if options.editables:
            value, at = options.editables[0]
            self.editable(document, line, value, at, role=role, ignored=ignored)
        elif options.requirements:
            value, at = options.requirements[0]
            self.include(document, path, value, line.offset(at), constraint=False, chain=chain)
        elif options.constraints:
            value, at = options.constraints[0]
            self.include(document, path, value, line.offset(at), constraint=True, chain=chain)
        else:
            self._index_options(document, path, line, options)

    def _index_options(self, document: Document, path: PurePath, line: _Line, options: _Options) -> None:
        """pip's ``handle_option_line``: ``--index-url`` replaces every index so far, extras add to
        it, and ``--find-links`` adds a location (a relative path that exists next to the file is
        taken from there, else it stays relative to where pip runs)."""
        if options.index_url is not None:
            value, at = options.index_url
            self.index_url = self._index_value(document, line, "--index-url", value, at)
            self.extra_index_urls = ()
        for value, at in options.extra_index_urls:
            self.add_extra_index(self._index_value(document, line, "--extra-index-url", value, at))
        for value, at in options.find_links:
            location = self._find_links_location(
                path, self._index_value(document, line, "--find-links", value, at)
            )
            if location not in self.find_links:
                self.find_links = (*self.find_links, location)

    def _find_links_location(self, path: PurePath, value: str) -> str:
        if "://" in value or value.startswith("file:") or not isinstance(self.reader, LocalFileReader):
            return value
        beside = Path(self.reader.resolve(path, value))
        return str(beside) if beside.exists() else value

    def add_extra_index(self, url: str) -> None:
        if url not in self.extra_index_urls:
            self.extra_index_urls = (*self.extra_index_urls, url)

    def _index_value(self, document: Document, line: _Line, option: str, value: str, at: int) -> str:
        expanded, missing = _expand(value, self.context.environ)
        if missing:
            reason = _missing_reason(missing, self.context.environ)
            self.findings.append(
                unresolved_at(document.location(line.offset(at)), f"{option} {value}: {reason}", PYPI)
            )
        return expanded

    def _location(
        self, document: Document, line: _Line, start: int, end: int, section: str | None
    ) -> Location:
        """The fix span of characters ``[start, end)`` of ``line``, even across a continuation."""
        offsets = line._offsets
        if len(offsets) == 1 and line.exact:
            # One physical line (nearly every requirement): the text is contiguous in the document,
            # so both ends follow from the line's one offset (inlined: this runs once a requirement).
            first = offsets[0] + line._base + start
            last = first + end - start if end > start else first
            return document.location(first, last, role=_REQUIREMENT_SPAN, section=section)
        first = line.offset(start)
        if not line.exact:
            return document.location(first, section=section)
        last = first if end <= start else line.offset(end - 1) + 1
        return document.location(first, last, role=_REQUIREMENT_SPAN, section=section)

    def requirement(
        self,
        document: Document,
        line: _Line,
        start: int,
        written: str,
        *,
        role: Role,
        hashes: tuple[str, ...] = (),
        ignored: frozenset[str] | None = None,
        section: str | None = None,
        shell: bool = False,
    ) -> None:
        """The requirement ``written`` at index ``start`` of ``line``: a Dependency, or an ``invalid`` finding."""
        original = written.rstrip()
        environ = self.context.environ
        missing: list[str] = []
        expanded = original
        if not shell and "${" in original:
            expanded, missing = _expand(original, environ)
        try:
            # The plain shape first: most lines are plain, and this is the hot path.
            parsed = _parse_plain(expanded) or _parse(expanded)
        except _Unparsable as exc:
            if not missing:
                where = document.location(line.offset(start), section=section)
                self.findings.append(invalid(where, f"{original!r} is not a valid requirement: {exc}", PYPI))
                return
            # The variable may be what breaks it (`pkg==${VERSION}`): keep what is literal.
            end = _body_end(original, "pep508")
            parsed = _Parsed(name=_literal_name(original) or original[:end], body_end=end, style="pep508")
        body_end = parsed.body_end if expanded is original else _body_end(original, parsed.style)
        unresolved = _missing_reason(missing, environ) if missing else parsed.unresolved
        self.dependencies.append(
            Dependency(
                ecosystem=PYPI,
                name=parsed.name,
                text=original[:body_end],
                location=self._location(document, line, start, start + body_end, section),
                role=role,
                specifier=parsed.specifier,
                extras=parsed.extras,
                marker=parsed.marker,
                url=parsed.url,
                hashes=hashes,
                index_url=self.index_url,
                extra_index_urls=self.extra_index_urls,
                find_links=self.find_links,
                unresolved=unresolved,
                ignored_rules=ignored,
            )
        )

    def editable(
        self,
        document: Document,
        line: _Line,
        written: str,
        at: int,
        *,
        role: Role,
        ignored: frozenset[str] | None = None,
        section: str | None = None,
        local: bool = True,
    ) -> None:
        """``-e written``: a VCS checkout (with its URL) or a local project (``unresolved``).

        ``local`` false is for ``pip install -e`` in a Dockerfile: a local project there is the
        image's own code, not a dependency, and is skipped; ``$`` is a shell variable, not pip's.
        """
        where = document.location(line.offset(at), section=section)
        if role is Role.CONSTRAINT:
            message = f"-e {written}: pip does not allow editable requirements as constraints"
            self.findings.append(invalid(where, message, PYPI))
        if not local and "$" in written:
            self.dependencies.append(
                Dependency(
                    ecosystem=PYPI,
                    name=_literal_name(written) or written,
                    text=written,
                    location=where,
                    role=role,
                    editable=True,
                    unresolved=_shell_reason(written),
                )
            )
            return
        expanded, missing = _expand(written, self.context.environ) if local else (written, [])
        unresolved = _missing_reason(missing, self.context.environ) if missing else None
        # pip's parse_editable: extras are cut off a local path; a VCS URL is used whole.
        without_extras, extras_text = _strip_extras(expanded)
        scheme = expanded.split(":", 1)[0].lower() if ":" in expanded else ""
        try:
            if scheme in _VCS_SCHEMES:
                egg = _egg(expanded)
                name, extras = egg if egg is not None else (_vcs_name(expanded), ())
                url: str | None = expanded
            elif "://" in expanded and scheme != "file" and not missing:
                raise _Unparsable(
                    f"-e {written} is not a valid editable requirement: "
                    "it should be a path to a local project or a VCS URL"
                )
            elif not local:
                logger.debug("skipping the local project %s in pip install -e", written)
                return
            else:
                egg = _egg(without_extras)
                name = egg[0] if egg is not None else None
                extras = _extras_of(extras_text) if extras_text else ()
                url = None
                unresolved = unresolved or f"editable local path {without_extras}"
        except _Unparsable as exc:
            self.findings.append(invalid(where, str(exc), PYPI))
            return
        self.dependencies.append(
            Dependency(
                ecosystem=PYPI,
                name=name or without_extras,
                text=written,
                location=where,
                role=role,
                extras=extras,
                url=url,
                editable=True,
                index_url=self.index_url,
                extra_index_urls=self.extra_index_urls,
                find_links=self.find_links,
                unresolved=unresolved,
                ignored_rules=ignored,
            )
        )

    # pip install arguments --------------------------------------------------------------------

    def pip_word(self, document: Document, word: str, offset: int, section: str | None) -> None:
        """One positional ``pip install`` argument."""
        line = _Line(word, None, 0, (0,), (offset,), exact=document.text.startswith(word, offset))
        if "$" in word:
            end = _body_end(word, "pep508")
            self.dependencies.append(
                Dependency(
                    ecosystem=PYPI,
                    name=_literal_name(word) or word[:end],
                    text=word[:end],
                    location=self._location(document, line, 0, end, section),
                    unresolved=_shell_reason(word),
                )
            )
            return
        if not _is_url(word):
            head = word.split(";", 1)[0].strip()
            path, _ = _strip_extras(head)
            before_at, at, _ = head.partition("@")
            named_url = bool(at) and not _looks_like_path(before_at)
            if _looks_like_path(head) and not _is_archive(path) and not named_url:
                logger.debug("skipping the local project %s in pip install", word)
                return
        self.requirement(document, line, 0, word, role=Role.REQUIREMENT, section=section, shell=True)


def _ignored(line: _Line) -> frozenset[str] | None:
    return parse_ignore_comment(line.comment) if line.comment is not None else None


def _shell_reason(word: str) -> str:
    match = re.search(_SHELL_VARIABLE, word)
    variable = match.group() if match is not None else "$"
    return f"shell variable {variable} is only known when the image is built"


# --- the source --------------------------------------------------------------------------------


class RequirementsSource(Source):
    """pip requirements and constraints files, and pip-tools ``*.in`` inputs."""

    kind = FileKind.REQUIREMENTS

    def claims(self, path: PurePath) -> bool:
        """``*requirements*.txt``, ``*constraints*.txt``, any ``requirements/*.txt``, and ``*.in``.

        ``*.in`` excludes build templates (``MANIFEST.in``, ``Makefile.in``, ``setup.cfg.in``: a
        name with another suffix before ``.in``).
        """
        return is_requirements(path)

    def parse(self, document: Document, path: PurePath, context: ParseContext) -> ParseResult:
        walker = _Walker(context)
        walker.read_file(document, path, False, (context.reader.display(path),))
        return walker.result()


def parse_pip_arguments(
    document: Document,
    tokens: Sequence[tuple[str, int]],
    path: PurePath,
    context: ParseContext,
    section: str | None,
) -> ParseResult:
    """The dependencies a ``pip install`` (or ``uv pip install``) command line names.

    ``tokens`` are the shell words after ``install``, unquoted, each with the character offset in
    ``document.text`` where its text starts. Requirement words become dependencies located at
    their word (a word whose text is not verbatim at its offset gets no fix span); ``-r``/``-c``
    files are followed relative to ``path`` when they are in the repository; ``--index-url`` and
    ``--extra-index-url`` apply to the whole command; local project folders (``.``, ``./pkg``,
    ``-e .``) are skipped, local wheels and sdists are ``unresolved``, and a word holding a shell
    variable is an ``unresolved`` dependency. Other options are skipped with their values.
    """
    walker = _Walker(context)
    chain = (context.reader.display(path),)
    actions: list[tuple[str, str, int]] = []
    words = list(tokens)
    index = 0
    options_done = False
    while index < len(words):
        word, offset = words[index]
        index += 1
        if options_done or not word.startswith("-") or word == "-":
            if word != "-":
                actions.append(("word", word, offset))
            continue
        if word == "--":
            options_done = True
            continue
        action: str | None = None
        value: str | None = None
        value_offset = offset
        if word.startswith("--"):
            written, equals, attached = word.partition("=")
            action = _PIP_ACTIONS.get(written)
            if action is None and written not in _PIP_VALUE_OPTIONS:
                continue  # a flag (--no-cache-dir, --upgrade, an unknown one): nothing to read
            if equals:
                value, value_offset = attached, offset + len(written) + 1
        else:
            for position in range(1, len(word)):
                letter = word[position]
                if letter in _PIP_SHORT_VALUES:
                    action = _PIP_SHORT_ACTIONS.get(letter)
                    if position + 1 < len(word):
                        value, value_offset = word[position + 1 :], offset + position + 1
                    break
            else:
                continue  # a cluster of flags (-U, -q, -Uq)
        if value is None:
            if index >= len(words):
                break
            value, value_offset = words[index]
            index += 1
        if action is not None:
            actions.append((action, value, value_offset))
    # pip builds its index list from the command line before it reads any -r file, whose own
    # --index-url lines then replace it.
    for action, value, offset in actions:
        if action == "index-url":
            walker.index_url = value
        elif action == "extra-index-url":
            walker.add_extra_index(value)
        if action in ("index-url", "extra-index-url") and "$" in value:
            where = document.location(offset, section=section)
            walker.findings.append(unresolved_at(where, f"{value}: {_shell_reason(value)}", PYPI))
    for action, value, offset in actions:
        if action == "word":
            walker.pip_word(document, value, offset, section)
        elif action in ("requirement", "constraint"):
            walker.include(
                document,
                path,
                value,
                offset,
                constraint=action == "constraint",
                chain=chain,
                section=section,
                in_image=True,
            )
        elif action == "editable":
            line = _Line(value, None, 0, (0,), (offset,), exact=document.text.startswith(value, offset))
            walker.editable(document, line, value, 0, role=Role.REQUIREMENT, section=section, local=False)
    return walker.result()
