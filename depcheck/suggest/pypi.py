"""Pure: which exact PyPI version to write, given what the index published.

:func:`suggest_version` takes the newest release that an installer would take today for this
project and this policy: it has files, is not yanked (PEP 592: pip skips yanked releases unless
pinned), is not a pre-release or dev release unless allowed, fits the target Python, is older
than ``policy.min_age`` when one is given, and satisfies the author's existing range unless
``policy.strategy`` is ``LATEST``.

**The target Python** is ``policy.python`` (``--python``), else the lowest Python the project's
own ``requires-python`` allows, else the running interpreter. The lowest, because a project that
declares ``requires-python = ">=3.11"`` promises to work on 3.11: a release that needs 3.12 would
break that promise for its 3.11 users, while one that runs on 3.11 runs on the newer ones too
(ranges in the wild are lower bounds, with an occasional upper cap that the lowest target also
respects). The target is a minor line: a release fits when one of its non-yanked files declares
no ``requires-python`` or one that admits the target or a later patch of the same minor
(``cryptography``'s ``>=3.9,!=3.9.0,!=3.9.1`` fits 3.9, since 3.9 users can take a patch); an unparsable ``requires-python`` counts as fitting, as pip
ignores it too.

A release whose upload time is unknown (an HTML-only index) is dropped when ``min_age`` is set:
a cooldown that cannot be checked is not granted.

**Memoised per facts object.** An audit asks about the same project once per line that names it
(500 lines may name 28 projects), and each question walks every release (numpy has thousands of
files). :func:`parsed_releases` and :func:`candidates` therefore remember their answer for the
last few :class:`~depcheck.registries.interface.ProjectFacts` objects they saw, keyed by the
object's identity (the facts are frozen and never change after a lookup) and holding a reference
to it, so an identity is never reused while its entry lives.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from typing import cast

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from depcheck.policy import Policy, Strategy, running_python
from depcheck.registries.interface import ProjectFacts, Release, installable_pythons

logger = logging.getLogger(__name__)

_PYTHON_MINORS = {2: range(7, 8), 3: range(0, 40)}
_MICROS = range(0, 30)


@functools.lru_cache(maxsize=256)
def lowest_python(requires_python: str) -> Version | None:
    """The lowest ``X.Y.Z`` (CPython 2.7 or 3.x) that ``requires_python`` allows, or ``None``.

    ``">=3.11"`` -> ``3.11.0``; ``">3.9"`` -> ``3.9.1``; ``">=3.9, !=3.9.0"`` -> ``3.9.1``.
    """
    try:
        allowed = SpecifierSet(requires_python)
    except InvalidSpecifier:
        logger.debug("cannot read requires-python %r; using the running interpreter", requires_python)
        return None
    for major, minors in _PYTHON_MINORS.items():
        for minor in minors:
            for micro in _MICROS:
                candidate = Version(f"{major}.{minor}.{micro}")
                if allowed.contains(candidate, prereleases=True):
                    return candidate
    return None


def target_python(policy: Policy, requires_python: str | None) -> Version:
    """``policy.python``, else the lowest Python ``requires_python`` allows, else the running one."""
    if policy.python is not None:
        return policy.python
    if requires_python:
        lowest = lowest_python(requires_python)
        if lowest is not None:
            return lowest
    return running_python()


@functools.lru_cache(maxsize=4096)
def _allows(requires_python: str, target: Version) -> bool:
    """Whether ``requires_python`` admits ``target`` or a later patch release of its minor line."""
    try:
        allowed = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True  # pip ignores an invalid requires-python (with a warning); so do we
    return any(
        allowed.contains(Version(f"{target.major}.{target.minor}.{micro}"), prereleases=True)
        for micro in range(target.micro, max(_MICROS.stop, target.micro + 1))
    )


def _pythons(release: Release) -> tuple[str | None, ...]:
    """The ``requires_python`` values of ``release``'s installable files, once each.

    Readers work them out beforehand (``Release.installable_pythons``), so a warm audit never
    goes through the thousands of files of a large project, nor needs them decoded.
    """
    known = release.installable_pythons
    return known if known is not None else installable_pythons(release.files)


def has_files(release: Release) -> bool:
    """Whether ``release`` lists any file (a release with none cannot be installed)."""
    return bool(_pythons(release))


def fits_python(release: Release, target: Version) -> bool:
    """Whether one of ``release``'s installable files accepts Python ``target``."""
    pythons = _pythons(release)
    if not pythons:
        return release.requires_python is None or _allows(release.requires_python, target)
    return any(value is None or _allows(value, target) for value in pythons)


def _range(specifier: str) -> SpecifierSet | None:
    """The author's range to stay inside, or ``None`` (no specifier, an exact pin, or unreadable)."""
    if not specifier:
        return None
    try:
        specifiers = SpecifierSet(specifier)
    except InvalidSpecifier:
        logger.debug("ignoring unreadable specifier %r", specifier)
        return None
    clauses = list(specifiers)
    if len(clauses) == 1 and (
        clauses[0].operator == "==="
        or (clauses[0].operator == "==" and not clauses[0].version.endswith(".*"))
    ):
        return None  # an exact pin is not a range to keep; the question is what to move it to
    return specifiers


_MEMO_SIZE = 256
_memo: OrderedDict[Hashable, tuple[ProjectFacts, object]] = OrderedDict()


def _remembered(facts: ProjectFacts, key: Hashable) -> object | None:
    found = _memo.get((id(facts), key))
    if found is None or found[0] is not facts:
        return None
    _memo.move_to_end((id(facts), key))
    return found[1]


def _remember(facts: ProjectFacts, key: Hashable, value: object) -> None:
    _memo[(id(facts), key)] = (facts, value)
    while len(_memo) > _MEMO_SIZE:
        _memo.popitem(last=False)


def _parsed(facts: ProjectFacts) -> list[tuple[Version, Release]]:
    known = cast("list[tuple[Version, Release]] | None", _remembered(facts, "parsed"))
    if known is not None:
        return known
    parsed = []
    for text, release in facts.releases.items():
        try:
            parsed.append((Version(text), release))
        except InvalidVersion:
            logger.debug("%s: skipping version %r: not PEP 440", facts.name, text)
    _remember(facts, "parsed", parsed)
    return parsed


def release_named(facts: ProjectFacts, version: Version) -> Release | None:
    """The release whose version equals ``version`` under PEP 440 (``1.0`` finds ``1.0.0``)."""
    index = cast("dict[Version, Release] | None", _remembered(facts, "by-version"))
    if index is None:
        index = {}
        for parsed, release in _parsed(facts):
            index.setdefault(parsed, release)
        _remember(facts, "by-version", index)
    return index.get(version)


def count_between(releases: Sequence[tuple[Version, Release]], low: Version, high: Version) -> int:
    """How many of ``releases`` (sorted oldest first) lie in ``(low, high]``."""
    versions = [version for version, _ in releases]
    return max(bisect.bisect_right(versions, high) - bisect.bisect_right(versions, low), 0)


def parsed_releases(facts: ProjectFacts) -> Iterator[tuple[Version, Release]]:
    """Every release whose version is PEP 440, with its parsed version (others are skipped)."""
    return iter(_parsed(facts))


def candidates(
    facts: ProjectFacts,
    *,
    current_specifier: str,
    policy: Policy,
    requires_python: str | None,
    allow_prerelease: bool,
) -> list[tuple[Version, Release]]:
    """Every release :func:`suggest_version` may choose from, oldest first."""
    key = ("candidates", current_specifier, policy, requires_python, allow_prerelease)
    known = cast("list[tuple[Version, Release]] | None", _remembered(facts, key))
    if known is None:
        known = _candidates(
            facts,
            current_specifier=current_specifier,
            policy=policy,
            requires_python=requires_python,
            allow_prerelease=allow_prerelease,
        )
        _remember(facts, key, known)
    return list(known)


def _candidates(
    facts: ProjectFacts,
    *,
    current_specifier: str,
    policy: Policy,
    requires_python: str | None,
    allow_prerelease: bool,
) -> list[tuple[Version, Release]]:
    target = target_python(policy, requires_python)
    keep = _range(current_specifier) if policy.strategy is Strategy.RANGE else None
    cutoff = policy.now - policy.min_age if policy.min_age is not None else None
    chosen = []
    # Releases of a project mostly share their requires-python values: judge each set once.
    fitting: dict[tuple[str | None, ...], bool] = {}
    for version, release in parsed_releases(facts):
        pythons = _pythons(release)
        if release.yanked or not pythons:  # no files: nothing to install
            continue
        if version.is_prerelease and not allow_prerelease:
            continue
        if keep is not None and not keep.contains(version, prereleases=True):
            continue
        if cutoff is not None and (release.upload_time is None or _aware(release.upload_time) > cutoff):
            continue
        fits = fitting.get(pythons)
        if fits is None:
            fits = fitting[pythons] = fits_python(release, target)
        if not fits:
            continue
        chosen.append((version, release))
    chosen.sort(key=lambda pair: pair[0])
    return chosen


def suggest_version(
    facts: ProjectFacts,
    *,
    current_specifier: str,
    policy: Policy,
    requires_python: str | None,
    allow_prerelease: bool,
) -> str | None:
    """The exact version to write (as the index spells it), or ``None`` when no release qualifies.

    ``current_specifier`` is the range written today (``""`` for none); an exact pin counts as no
    range. ``requires_python`` is the project's own ``requires-python`` (see the module docstring
    for how the target Python is chosen). ``allow_prerelease`` admits pre- and dev releases
    (callers pass true when the pin or range already names one).
    """
    chosen = candidates(
        facts,
        current_specifier=current_specifier,
        policy=policy,
        requires_python=requires_python,
        allow_prerelease=allow_prerelease,
    )
    return chosen[-1][1].version if chosen else None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
