"""``--changed-since REF``: report only what a change touches.

:func:`changed_lines` asks git which lines differ between ``REF`` and the working tree (``git
diff --unified=0``, so staged and unstaged edits both count) and adds untracked files whole;
:func:`touches` decides whether a finding or dependency lies on one of those lines. A
dependency counts when its own line changed or when the bytes a fix would rewrite lie on a
changed line: the Dockerfile parser puts the span of ``FROM python:${PY}`` on the ``ARG PY=...``
default, so editing the ``ARG`` counts as touching the ``FROM``. A finding with no dependency (a
file that cannot be read, a broken include) counts when anything in its file changed.

git runs as a subprocess with an argument list, never through a shell, and with options that
make its output independent of the user's git configuration (prefixes, quoting, renames,
external diff drivers). Renames are not followed: a moved file counts as all new lines, since a
pre-merge check should rather look at a moved pin again than miss one.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path

from depcheck.model import Dependency, Finding, Location, Span

logger = logging.getLogger(__name__)

_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): ord('"'),
    ord("\\"): ord("\\"),
}


class ChangesError(Exception):
    """git could not say what changed: not a repository, an unknown ref, git missing (exit 2)."""


def _git(directory: Path, *arguments: str) -> bytes:
    """Run git in ``directory`` and return its output; raise :class:`ChangesError` on failure."""
    command = ["git", "-C", os.fspath(directory), "-c", "core.quotePath=false", *arguments]
    try:
        completed = subprocess.run(command, capture_output=True, check=False)
    except FileNotFoundError:
        raise ChangesError("--changed-since needs git, and git is not installed or not on PATH") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ChangesError(f"git {arguments[0]} failed: {message[-1] if message else 'no message'}")
    return completed.stdout


def _toplevel(directory: Path) -> Path:
    if not directory.is_dir():
        raise ChangesError(f"{directory} is not a directory, so it cannot be a git repository")
    try:
        output = _git(directory, "rev-parse", "--show-toplevel")
    except ChangesError as exc:
        logger.debug("git rev-parse --show-toplevel in %s: %s", directory, exc)
        raise ChangesError(f"{directory} is not inside a git repository") from None
    top = output.decode("utf-8", "surrogateescape").strip()
    if not top:
        # A bare repository, or .git itself: there is no working tree to compare.
        raise ChangesError(f"{directory} is not inside a git working tree")
    return Path(top)


def _commit(top: Path, ref: str) -> str:
    """The commit ``ref`` names; resolving it first keeps a ref like ``-x`` from being an option."""
    command = ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"]
    try:
        output = _git(top, *command)
    except ChangesError:
        raise ChangesError(
            f"--changed-since: {ref!r} is not a commit in {top} (in a shallow CI checkout, fetch it first)"
        ) from None
    return output.decode("ascii").strip()


def _unquote(path: bytes) -> bytes:
    """A path as git writes it in a diff header: C-quoted when it holds ``"``, ``\\`` or controls."""
    if not (path.startswith(b'"') and path.endswith(b'"') and len(path) >= 2):
        return path
    body = path[1:-1]
    result = bytearray()
    index = 0
    while index < len(body):
        byte = body[index]
        if byte != ord("\\") or index + 1 == len(body):
            result.append(byte)
            index += 1
            continue
        following = body[index + 1]
        if ord("0") <= following <= ord("7"):
            result.append(int(body[index + 1 : index + 4], 8))
            index += 4
        else:
            result.append(_ESCAPES.get(following, following))
            index += 2
    return bytes(result)


def _new_path(header: bytes) -> bytes | None:
    """The file named by a ``+++ b/path`` line (``None`` for ``/dev/null``, a deletion)."""
    name = header[4:]
    # git ends the name with a TAB when it holds a space, for the sake of `patch`.
    name = name.removesuffix(b"\t") if not name.startswith(b'"') else name.rstrip(b"\t")
    if name == b"/dev/null":
        return None
    name = _unquote(name)
    if not name.startswith(b"b/"):
        raise ChangesError(f"unexpected file header in git diff output: {header.decode('utf-8', 'replace')}")
    return name[2:]


def parse_unified_diff(output: bytes) -> dict[str, set[int]]:
    """New-side line numbers of every hunk in ``git diff --unified=0`` output, by path.

    A file whose hunks only delete lines is present with an empty set: it changed, though none of
    its current lines did. Hunk bodies are counted, not pattern-matched, so an added line that
    reads ``++ b/x`` is never taken for a header.
    """
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    lines = output.split(b"\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith(b"diff --git "):
            current = None
        elif line.startswith(b"+++ "):
            path = _new_path(line)
            current = (
                None if path is None else changed.setdefault(path.decode("utf-8", "surrogateescape"), set())
            )
        elif line.startswith(b"@@ "):
            match = _HUNK.match(line)
            if match is None:
                raise ChangesError(
                    f"unexpected hunk header in git diff output: {line.decode('utf-8', 'replace')}"
                )
            old_count = int(match.group(2)) if match.group(2) is not None else 1
            start = int(match.group(3))
            new_count = int(match.group(4)) if match.group(4) is not None else 1
            if current is not None:
                current.update(range(start, start + new_count))
            # Skip the hunk's body: old_count '-' lines, new_count '+' lines, and any
            # "\ No newline at end of file" markers between them.
            remaining = old_count + new_count
            while remaining > 0 and index < len(lines):
                if not lines[index].startswith(b"\\"):
                    remaining -= 1
                index += 1
            while index < len(lines) and lines[index].startswith(b"\\"):
                index += 1
    return changed


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _display(path: Path, cwd: Path) -> str:
    """``path`` as reports show it: relative to ``cwd`` when below it, else absolute."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def changed_lines(repo_dir: Path, ref: str, *, cwd: Path | None = None) -> dict[str, set[int]]:
    """Lines changed since ``ref`` in the repository holding ``repo_dir``, by file.

    Keys are paths as reports show them (relative to ``cwd``, default the current directory, or
    absolute outside it); values are 1-based line numbers in the working tree's version. Tracked
    files compare ``ref`` with the working tree; untracked files that are not ignored count with
    every line. Deleted files are absent. Raises :class:`ChangesError` when ``repo_dir`` is not
    in a git working tree, ``ref`` is not a commit, or git is missing.
    """
    here = (cwd if cwd is not None else Path.cwd()).resolve()
    top = _toplevel(repo_dir).resolve()
    commit = _commit(top, ref)
    diff = _git(
        top,
        "diff",
        "--unified=0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        commit,
        "--",
    )
    by_top = parse_unified_diff(diff)
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
    for raw in untracked.split(b"\0"):
        if not raw:
            continue
        name = raw.decode("utf-8", "surrogateescape")
        try:
            data = (top / name).read_bytes()
        except OSError as exc:
            # Listed a moment ago, so this is a race with an editor or a special file (a socket).
            logger.warning("cannot read untracked file %s to count its lines: %s", name, exc)
            by_top[name] = set()
            continue
        by_top[name] = set(range(1, _line_count(data) + 1))
    changed = {_display(top / name, here): lines for name, lines in by_top.items()}
    logger.debug("%d files changed since %s (%s)", len(changed), ref, commit)
    return changed


def span_lines(data: bytes, span: Span) -> range:
    """The 1-based lines the bytes of ``span`` lie on in ``data``."""
    first = data.count(b"\n", 0, span.start) + 1
    last = data.count(b"\n", 0, max(span.start, span.end - 1)) + 1
    return range(first, last + 1)


def _read_local(file: str) -> bytes:
    return Path(file).read_bytes()


def touches(
    item: Finding | Dependency,
    changed: Mapping[str, Collection[int]],
    *,
    read: Callable[[str], bytes] | None = None,
) -> bool:
    """Whether ``item`` lies on a changed line.

    A dependency (or a finding about one) counts when its own line changed, or when any line its
    fix span covers changed; the span's lines are counted in the file's bytes, fetched with
    ``read`` (default: from disk, relative to the current directory) only when the line itself did
    not change. A finding without a dependency counts when anything in its file changed. A file
    that cannot be read to place a span counts as touched, logged: a pre-merge check had better
    report too much than hide a pin.
    """
    dependency = item.dependency if isinstance(item, Finding) else item
    location: Location = item.location
    lines = changed.get(location.file)
    if lines is None:
        return False
    if dependency is None:
        return True
    if location.line in lines:
        return True
    span = location.span if location.span is not None else dependency.location.span
    if span is None or not lines:
        return False
    try:
        data = (read or _read_local)(location.file)
    except OSError as exc:
        logger.warning(
            "cannot read %s to place %s: %s; counting it as changed", location.file, dependency.text, exc
        )
        return True
    return any(line in lines for line in span_lines(data, span))


def filter_changed(
    findings: Iterable[Finding],
    changed: Mapping[str, Collection[int]],
    *,
    read: Callable[[str], bytes] | None = None,
) -> list[Finding]:
    """The findings that :func:`touches` the change, in order; each file is read at most once."""
    reader = read or _read_local
    cache: dict[str, bytes] = {}

    def cached(file: str) -> bytes:
        if file not in cache:
            cache[file] = reader(file)
        return cache[file]

    return [finding for finding in findings if touches(finding, changed, read=cached)]
