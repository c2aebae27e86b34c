"""PEP 691 JSON project pages read straight into depcheck's compact reading.

A cold audit downloads every project page it names, and a large project lists tens of thousands
of files (14 MB of JSON for the 28 projects of the registry benchmark): reading them is most of a
cold run's own work. ``msgspec`` decodes a page into typed records holding only the keys named
below (URLs, sizes, metadata hashes and the rest are skipped unread) and checks their types as it
goes, so a wrongly shaped page is an :class:`~depcheck.registries.http.InvalidBody` in one place.
An audit reads no file hashes at all (``files=False``: release summaries only); ``fix --hash``
asks for the files too.

The reading is the two-line layout :func:`depcheck.registries.pypi.expand_page` reads: a JSON
head (status, whether files follow, and per release: version, yank, reason, earliest upload
time, ``requires-python`` and the Pythons its installable files accept), then, when files were
read, one list per release of ``[file name, sha256, requires-python, yanked, yank reason,
upload time as written]``. Releases are oldest first; a version is spelled as the
index's PEP 700 ``versions`` list spells it, else as its first file does.

This module is imported only when a page arrives from the network: a warm run never loads it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import msgspec
import orjson
from packaging.utils import canonicalize_name
from packaging.version import Version

from depcheck.registries.filenames import VersionReader
from depcheck.registries.http import InvalidBody
from depcheck.registries.pypi import upload_moment
from depcheck.versions import parse_version

logger = logging.getLogger(__name__)


class _Meta(msgspec.Struct):
    api_version: str = msgspec.field(name="api-version")


class _Status(msgspec.Struct):
    status: Any = None


class _File(msgspec.Struct, gc=False):
    # gc=False: tens of thousands of these are made per cold run, and they hold only strings,
    # booleans and None (no cycles), so the cyclic collector need not track them.
    filename: str
    # PEP 592: false, true, or the reason as a string; a mirror writing null means "not yanked".
    yanked: bool | str | None = False
    requires_python: str | None = msgspec.field(default=None, name="requires-python")
    upload_time: str | None = msgspec.field(default=None, name="upload-time")


class _HashedFile(_File, gc=False):
    hashes: dict[str, Any] = msgspec.field(default_factory=dict)


class _Page(msgspec.Struct):
    meta: _Meta
    name: str
    files: list[_File]
    versions: list[Any] | None = None
    project_status: _Status | None = msgspec.field(default=None, name="project-status")


class _HashedPage(msgspec.Struct):
    meta: _Meta
    name: str
    files: list[_HashedFile]
    versions: list[Any] | None = None
    project_status: _Status | None = msgspec.field(default=None, name="project-status")


_SUMMARY = msgspec.json.Decoder(_Page)
_WITH_FILES = msgspec.json.Decoder(_HashedPage)


class _MetaOnly(msgspec.Struct):
    meta: _Meta


def earliest(texts: list[str]) -> str | None:
    """The earliest of a release's file upload times (PEP 700 text), as the index wrote it.

    Kept as text: the reading parses it only when a rule asks (see ``_ReadRelease``). PEP 700
    times are UTC with a ``Z`` suffix (a ``Z`` appears nowhere else in such a time, so counting
    them tells whether all have it) and differ only in optional fractional seconds, so their first
    19 characters sort as the times do: only texts sharing the smallest such prefix need parsing
    to be compared. Any other spelling is parsed in full. A text that is not a time at all reads
    as an unknown upload time when it is the one chosen.
    """
    if len(texts) == 1:
        return texts[0]
    if "".join(texts).count("Z") == len(texts):
        second = min([text[:19] for text in texts])
        candidates = [text for text in texts if text.startswith(second)]
        if len(candidates) == 1:
            return candidates[0]
        timed = [(moment, text) for text in candidates if (moment := upload_moment(text)) is not None]
        if timed:
            return min(timed)[1]
    timed = [(moment, text) for text in texts if (moment := upload_moment(text)) is not None]
    return min(timed)[1] if timed else None


def _decode(body: bytes, url: str, files: bool, check_api: Callable[[str], None]) -> _Page | _HashedPage:
    try:
        page = (_WITH_FILES if files else _SUMMARY).decode(body)
    except msgspec.ValidationError as exc:  # JSON, but not shaped as PEP 691 says
        # A page of another API major version may well be shaped otherwise: say that instead.
        try:
            declared = msgspec.json.decode(body, type=_MetaOnly).meta.api_version
        except msgspec.DecodeError:
            declared = None
        if declared is not None:
            check_api(declared)
        raise InvalidBody(f"unexpected JSON from {url}: {exc}") from exc
    except msgspec.DecodeError as exc:  # not JSON at all: cut short, or garbled on the way
        raise InvalidBody(f"invalid JSON from {url}: {exc}") from exc
    check_api(page.meta.api_version)
    return page


def _grouped(page: _Page | _HashedPage) -> list[tuple[str, list[_File]]]:
    """The page's files by release (oldest first), in page order within a release.

    Files are grouped by the version text in their names first (a string key: cheap), and the
    texts that are one version under PEP 440 (``1.0`` and ``1.0.0``) are merged after, so the
    tens of thousands of files of a cold audit are not each hashed as a parsed version. A
    release is spelled as the PEP 700 ``versions`` list spells it, else as its first file does.
    """
    project = canonicalize_name(page.name)
    listed: dict[Version, str] = {}
    parsed: dict[str, Version] = {}
    for text in page.versions or ():
        listed_version = parse_version(text) if isinstance(text, str) else None
        if listed_version is None:
            logger.debug("%s: skipping version %r listed by the index: not PEP 440", project, text)
            continue
        parsed[text] = listed_version
        listed.setdefault(listed_version, text)
    reader = VersionReader(project)
    version_of = reader.version
    # A wheel's version is its second dash-separated part; other names go through the reader.
    texts = [
        name.split("-", 2)[1] if name.endswith(".whl") and name.count("-") >= 4 else version_of(name)
        for name in [file.filename for file in page.files]
    ]
    by_text: dict[str, list[_File]] = {}
    for written, file in zip(texts, page.files, strict=True):
        if written is None:
            logger.debug("%s: skipping %s: no version in the file name", project, file.filename)
            continue
        group = by_text.get(written)
        if group is None:
            by_text[written] = [file]
        else:
            group.append(file)
    grouped: dict[Version, tuple[str, list[_File]]] = {}
    merged = False
    for text, files in by_text.items():  # in the order each text first appears on the page
        version = parsed.get(text) or parse_version(text)
        if version is None:
            merged |= _regroup(reader, text, files, listed, grouped)
            continue
        found = grouped.get(version)
        if found is None:
            grouped[version] = (listed.get(version, text), files)
        else:
            found[1].extend(files)
            merged = True
    if merged:  # files of one release under several spellings: put them back in page order
        place = {id(file): index for index, file in enumerate(page.files)}
        for _, files in grouped.values():
            files.sort(key=lambda file: place[id(file)])
    return [grouped[version] for version in sorted(grouped)]


def _regroup(
    reader: VersionReader,
    text: str,
    files: list[_File],
    listed: dict[Version, str],
    grouped: dict[Version, tuple[str, list[_File]]],
) -> bool:
    """Files whose quick reading is not PEP 440, read by the full file-name patterns; whether any
    joined a release already grouped.

    A built distribution named like an sdist (``name-1.0.linux-x86_64.tar.gz``, an old
    bdist_dumb) carries its version before the platform, which the full patterns know.
    """
    joined = False
    for file in files:
        written = reader.full(file.filename) or text
        version = parse_version(written)
        if version is None:
            logger.debug("%s: skipping %s: version %r is not PEP 440", reader.project, file.filename, written)
            continue
        found = grouped.get(version)
        if found is None:
            grouped[version] = (listed.get(version, written), [file])
        else:
            found[1].append(file)
            joined = True
    return joined


def read_page(body: bytes, url: str, *, files: bool, check_api: Callable[[str], None]) -> bytes:
    """The compact reading of a PEP 691 page; ``check_api`` judges its ``meta.api-version``.

    Raises :class:`~depcheck.registries.http.InvalidBody` for invalid JSON or a wrong shape, and
    whatever ``check_api`` raises for an API version depcheck does not read.
    """
    page = _decode(body, url, files, check_api)
    releases = _grouped(page)
    summaries = []
    # Comprehensions rather than one loop with branches: this runs over every file of a cold
    # audit, and each comprehension is a tight loop of its own.
    for version, rows in releases:
        installable = [file for file in rows if file.yanked is False or file.yanked is None]
        times = [file.upload_time for file in rows if file.upload_time]
        reason = (
            None
            if installable
            else next((file.yanked for file in rows if isinstance(file.yanked, str) and file.yanked), None)
        )
        summaries.append(
            [
                version,
                not installable,
                reason,
                earliest(times) if times else None,
                next((file.requires_python for file in rows if file.requires_python), None),
                list(dict.fromkeys([file.requires_python or None for file in installable or rows])),
            ]
        )
    status = page.project_status.status if page.project_status is not None else None
    head = orjson.dumps(
        {"status": status if isinstance(status, str) else None, "files": files, "releases": summaries}
    )
    if not files:
        return head
    written = [
        [
            [
                file.filename,
                _sha256(file),
                file.requires_python or None,
                file.yanked is True or isinstance(file.yanked, str),
                file.yanked if isinstance(file.yanked, str) and file.yanked else None,
                file.upload_time or None,
            ]
            for file in rows
        ]
        for _, rows in releases
    ]
    return head + b"\n" + orjson.dumps(written)


def _sha256(file: _File) -> str | None:
    digest = file.hashes.get("sha256") if isinstance(file, _HashedFile) else None
    return digest if isinstance(digest, str) else None
