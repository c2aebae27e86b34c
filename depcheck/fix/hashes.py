"""The ``--hash`` options of a requirements line, found in the file's bytes and rewritten.

A requirement pinned with hashes (what ``pip install --require-hashes`` needs) can only move to a
new version together with its hashes: the sha256 of every file published for that version. This
module finds the existing ``--hash`` tokens of one logical line (from the end of the requirement's
span, across ``\\`` continuations, up to a comment or the end of the line, as pip joins lines) and
writes the new ones in the same layout: the same spelling (``--hash=`` or ``--hash``), and the
same separator, so a pip-compile file keeps one hash per indented continuation line (with its
own line ending, CRLF included) and an inline line stays inline.

The hashes come in as a mapping ``version -> sha256 list`` built from registry facts
(:func:`release_hashes`) by whoever looked the project up; the one thing read here is a local
file the index gave no hash for, when its version's hashes are asked for.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from depcheck.model import Dependency, Span
from depcheck.registries.interface import ProjectFacts, ReleaseFile

HashLookup = Callable[[Dependency], Mapping[str, Sequence[str]] | None]
"""Given a hashed requirement, the sha256 hashes of every file of each version of its project
(``{"2.32.3": ["<64 hex>", ...]}``), or ``None`` when the project was not looked up."""

# A token starts after whitespace (pip splits options on whitespace); ``--hash sha256:...`` with a
# space is the optparse spelling pip also accepts.
_TOKEN = re.compile(rb"(?<![^\s])--hash(?:=|[ \t]+)(?P<value>[A-Za-z0-9]+:[0-9A-Fa-f]+)(?![^\s])")
# Only blanks and backslash-continuations may stand between two hashes we replace as one block.
_GAP = re.compile(rb"[ \t]*(?:\\\r?\n[ \t]*)*")
# pip's comment rule: a ``#`` at the start of a line or after whitespace opens a comment.
_COMMENT_AT_START = re.compile(rb"^[ \t]*#|[ \t]#", re.MULTILINE)
_COMMENT_INSIDE = re.compile(rb"[ \t]#")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class HashLayoutError(ValueError):
    """The ``--hash`` options of a line cannot be rewritten as one block (the reason says why)."""


@dataclass(frozen=True)
class HashOptions:
    """The ``--hash`` tokens of one requirement: where they stand and how they are laid out.

    ``span`` runs from the first token's ``-`` to the last token's last hex digit; ``values`` are
    the ``algorithm:hex`` texts as written; ``spelling`` is ``b"--hash="`` or ``b"--hash "``;
    ``separator`` the bytes written between two tokens (`` \\`` + line ending + indentation on
    continuation lines, blanks when inline).
    """

    span: Span
    values: tuple[str, ...]
    spelling: bytes
    separator: bytes


def _logical_segments(raw: bytes, start: int) -> list[tuple[int, int]]:
    """The byte ranges of the rest of the logical line that begins before ``start``.

    One range per physical line, comments cut off. Mirrors pip's ``join_lines``: a physical line
    ending in ``\\`` continues, unless it is a comment line; a comment runs to the end of the
    logical line, so nothing after it counts.
    """
    segments: list[tuple[int, int]] = []
    position = start
    at_line_start = start == 0 or raw[start - 1 : start] == b"\n"
    while True:
        newline = raw.find(b"\n", position)
        end = len(raw) if newline == -1 else newline
        content_end = end - 1 if end > position and raw[end - 1 : end] == b"\r" else end
        pattern = _COMMENT_AT_START if at_line_start else _COMMENT_INSIDE
        comment = pattern.search(raw, position, content_end)
        if comment is not None:
            segments.append((position, comment.start()))
            return segments
        segments.append((position, content_end))
        if newline == -1 or raw[content_end - 1 : content_end] != b"\\" or content_end == position:
            return segments
        position = newline + 1
        at_line_start = True


def find_hash_options(raw: bytes, start: int) -> HashOptions | None:
    """The ``--hash`` options following the requirement that ends at byte ``start``.

    ``None`` when the logical line has none. Raises :class:`HashLayoutError` when something other
    than blanks and continuations stands between two of them (another option in the middle), since
    replacing them as one block would drop it.
    """
    tokens: list[re.Match[bytes]] = []
    for segment_start, segment_end in _logical_segments(raw, start):
        tokens.extend(_TOKEN.finditer(raw, segment_start, segment_end))
    if not tokens:
        return None
    for before, after in itertools.pairwise(tokens):
        if _GAP.fullmatch(raw, before.end(), after.start()) is None:
            raise HashLayoutError(
                "other text stands between its --hash options: "
                + raw[before.end() : after.start()].strip().decode("utf-8", "backslashreplace")
            )
    first = tokens[0]
    if len(tokens) > 1:
        separator = raw[first.end() : tokens[1].start()]
    else:
        # One hash: the gap in front of it shows the layout (a continuation or blanks).
        gap_start = first.start()
        while gap_start > start and raw[gap_start - 1 : gap_start] in (b" ", b"\t", b"\\", b"\r", b"\n"):
            gap_start -= 1
        separator = raw[gap_start : first.start()] or b" "
    return HashOptions(
        span=Span(first.start(), tokens[-1].end()),
        values=tuple(token.group("value").decode("ascii") for token in tokens),
        spelling=raw[first.start() : first.start("value")],
        separator=separator,
    )


def render_hashes(options: HashOptions, sha256s: Sequence[str]) -> bytes:
    """The text that replaces ``options.span``: one sha256 token per file, sorted as pip-compile does."""
    if not sha256s:
        raise HashLayoutError("the new version has no files with a sha256 hash")
    tokens = [options.spelling + b"sha256:" + digest.encode("ascii") for digest in sorted(set(sha256s))]
    return options.separator.join(tokens)


def hashes_for(version: str, by_version: Mapping[str, Sequence[str]]) -> tuple[str, ...] | None:
    """The sha256 hashes of ``version`` in ``by_version``, matched as PEP 440 versions.

    The index may write a version differently from the pin (``2.0`` and ``2.0.0`` are one
    version); ``None`` when no key matches. Only the matching version's hashes are asked for
    (``by_version`` may work them out when asked: see :func:`release_hashes`). Raises
    :class:`HashLayoutError` for a value that is not a 64-digit hex sha256, or a local file whose
    hash cannot be read.
    """
    found = by_version.get(version)
    if found is None:
        try:
            wanted = Version(version)
        except InvalidVersion:
            return None
        for key in by_version:
            try:
                if Version(key) == wanted:
                    found = by_version[key]
                    break
            except InvalidVersion:
                continue
    if found is None:
        return None
    digests = tuple(digest.lower() for digest in found)
    for digest in digests:
        if not _SHA256.match(digest):
            raise HashLayoutError(f"{digest!r} is not a sha256 hash")
    return digests


def release_hashes(facts: ProjectFacts) -> Mapping[str, tuple[str, ...]]:
    """``version -> sha256 of every file`` from what the index said about a project.

    A version with a file whose sha256 the index did not give is left out: its list would be
    incomplete, and pip would refuse the file it picks if that file's hash were missing. A file on
    this machine (a find-links folder, a ``file:`` index) is the exception: pip hashes such a file
    itself, so its sha256 is read from the disk, once, when that version's hashes are asked for
    (a wheelhouse may hold gigabytes no fix needs). Facts read without their files (an audit's)
    have no hashes to give: a ``ValueError``, since an empty answer would read as "no release has
    hashes".
    """
    if not facts.files_read:
        raise ValueError(
            f"{facts.name}: the index was read without files; read it with SimpleIndex(files=True)"
        )
    return _ReleaseHashes(
        {
            version: release.files
            for version, release in facts.releases.items()
            if release.files and all(file.sha256 or file.local_url for file in release.files)
        }
    )


class _ReleaseHashes(Mapping[str, tuple[str, ...]]):
    """Each version's sorted, distinct sha256 hashes, local files hashed on first access."""

    def __init__(self, files: Mapping[str, tuple[ReleaseFile, ...]]) -> None:
        self._files = files
        self._known: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, version: str) -> tuple[str, ...]:
        known = self._known.get(version)
        if known is None:
            files = self._files[version]
            known = self._known[version] = tuple(sorted({_sha256(file) for file in files}))
        return known

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


def _sha256(file: ReleaseFile) -> str:
    """The file's sha256: the index's word for it, else read from the disk as pip reads a local
    file to check ``--require-hashes``."""
    if file.sha256:
        return file.sha256
    if file.local_url is None:  # release_hashes keeps no such file
        raise HashLayoutError(f"{file.filename} has no sha256 hash")
    from depcheck.registries.local_index import url_to_path

    digest = hashlib.sha256()
    try:
        with open(url_to_path(file.local_url), "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise HashLayoutError(f"cannot hash {file.local_url}: {reason}") from exc
    return digest.hexdigest()


def lookup_from_facts(facts: Mapping[Dependency, ProjectFacts]) -> HashLookup:
    """A :data:`HashLookup` over facts already fetched for each requirement (requirements of one
    project may name different indexes, so the answer is the requirement's own)."""

    def lookup(dependency: Dependency) -> Mapping[str, Sequence[str]] | None:
        project = facts.get(dependency)
        return release_hashes(project) if project is not None and project.found else None

    return lookup
