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

**Worked out once per facts object.** An audit asks about the same project once per line that
names it (500 lines may name 28 projects, dozens of them boto3 with thousands of releases and
different pins and ranges). What depends only on the project (every version parsed and sorted,
the index from version to release, the releases eligible for a target Python) is worked out on
the first question and remembered for as long as the
:class:`~depcheck.registries.interface.ProjectFacts` object lives (:mod:`depcheck.suggest.memo`;
the facts are frozen and never change after a lookup); later questions are dict lookups and a
walk down from the newest release.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
import operator
from collections.abc import Hashable, Iterator, Sequence
from typing import TypeVar

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from depcheck.policy import Policy, Strategy, running_python
from depcheck.registries.interface import ProjectFacts, Release, release_pythons
from depcheck.suggest.memo import PerAnswer
from depcheck.versions import parse_version

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
    return _running_python()


@functools.cache
def _running_python() -> Version:
    return running_python()


@functools.lru_cache(maxsize=4096)
def _allows(requires_python: str, target: Version) -> bool:
    """Whether ``requires_python`` admits ``target`` or a later patch release of its minor line."""
    try:
        allowed = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True  # pip ignores an invalid requires-python (with a warning); so do we
    return any(
        allowed.contains(patch, prereleases=True)
        for patch in _patches(target.major, target.minor, target.micro)
    )


@functools.lru_cache(maxsize=64)
def _patches(major: int, minor: int, first: int) -> tuple[Version, ...]:
    """``major.minor.first`` and the later patch releases a ``requires-python`` is tried against."""
    return tuple(Version(f"{major}.{minor}.{micro}") for micro in range(first, max(_MICROS.stop, first + 1)))


def has_files(release: Release) -> bool:
    """Whether ``release`` lists any file (a release with none cannot be installed)."""
    return bool(release_pythons(release))


def fits_python(release: Release, target: Version) -> bool:
    """Whether one of ``release``'s installable files accepts Python ``target``."""
    pythons = release_pythons(release)
    if not pythons:
        return release.requires_python is None or _allows(release.requires_python, target)
    return any(value is None or _allows(value, target) for value in pythons)


@functools.lru_cache(maxsize=1024)
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


_VERSION = operator.itemgetter(0)
"""The version of a ``(version, release)`` pair, as a sort and bisection key."""


class _Project:
    """One project's releases, worked out once: parsed, put in order, indexed by version.

    ``parsed`` keeps the index's order. ``installable`` holds the releases an installer could
    take on some Python (not yanked, with files), oldest first (releases whose versions are equal,
    like ``1.0`` and ``1.0.0``, keep the index's order), each with its files' ``requires_python``
    values and whether it is a pre-release; ``python_sets`` holds each distinct set of those
    values once. ``ordered`` holds every release, oldest first in the same way: a bisection in it
    answers a PEP 440 equality lookup with the first such release the index lists (a dictionary
    keyed by version would hash thousands of parsed versions to answer a few dozen lookups);
    ``versions`` maps each version as the index writes it to its parsed form. ``eligible``,
    ``in_range`` and ``newest`` hold the answers to the questions asked so far
    (:func:`_eligible`, :func:`candidates`, :func:`suggest_version`).
    """

    __slots__ = (
        "eligible",
        "in_range",
        "installable",
        "newest",
        "ordered",
        "parsed",
        "python_sets",
        "versions",
    )

    def __init__(self, facts: ProjectFacts) -> None:
        parsed: list[tuple[Version, Release]] = []
        versions: dict[str, Version] = {}
        for text, release in facts.releases.items():
            # The reader parsed these same strings a moment ago in a cold run: a cache hit.
            version = parse_version(text)
            if version is None:
                logger.debug("%s: skipping version %r: not PEP 440", facts.name, text)
                continue
            parsed.append((version, release))
            versions[text] = version
        self.parsed = tuple(parsed)
        self.versions = versions
        # Stable, so equal versions keep the index's order; little work when the index lists
        # releases oldest first already.
        self.ordered = tuple(sorted(parsed, key=_VERSION))
        installable = []
        for version, release in self.ordered:
            pythons = release_pythons(release)
            if pythons and not release.yanked:  # no files: nothing to install
                installable.append((version, release, pythons, version.is_prerelease))
        self.installable: tuple[tuple[Version, Release, tuple[str | None, ...], bool], ...] = tuple(
            installable
        )
        self.python_sets = tuple(dict.fromkeys(pythons for _, _, pythons, _ in installable))
        self.eligible: dict[Hashable, tuple[tuple[Version, Release], ...]] = {}
        self.in_range: dict[Hashable, tuple[tuple[Version, Release], ...]] = {}
        self.newest: dict[Hashable, str | None] = {}


_ANSWERS = 256
"""How many answers one project keeps per kind: an audit asks a few dozen questions, while the
service, if it ever kept a facts object alive across requests, would meet a new clock (and so a
new ``min_age`` cutoff) and new ranges on each."""

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


def _keep(store: dict[Key, Value], key: Key, value: Value) -> Value:
    """Remember ``value`` in ``store``; a store that is full starts afresh."""
    if len(store) >= _ANSWERS:
        store.clear()
    store[key] = value
    return value


_project = PerAnswer(_Project)


def version_of(facts: ProjectFacts, text: str) -> Version | None:
    """The parsed form of a version ``facts`` lists (or of any other ``text``), ``None`` if not PEP 440."""
    known = _project(facts).versions.get(text)
    return known if known is not None else parse_version(text)


def release_named(facts: ProjectFacts, version: Version) -> Release | None:
    """The release whose version equals ``version`` under PEP 440 (``1.0`` finds ``1.0.0``).

    When several do, the first the index lists.
    """
    ordered = _project(facts).ordered
    at = bisect.bisect_left(ordered, version, key=_VERSION)
    return ordered[at][1] if at < len(ordered) and ordered[at][0] == version else None


def count_between(releases: Sequence[tuple[Version, Release]], low: Version, high: Version) -> int:
    """How many of ``releases`` (sorted oldest first) lie in ``(low, high]``."""
    above_high = bisect.bisect_right(releases, high, key=_VERSION)
    return max(above_high - bisect.bisect_right(releases, low, key=_VERSION), 0)


def parsed_releases(facts: ProjectFacts) -> Iterator[tuple[Version, Release]]:
    """Every release whose version is PEP 440, with its parsed version (others are skipped)."""
    return iter(_project(facts).parsed)


def _eligible(
    project: _Project, target: Version, allow_prerelease: bool, cutoff: dt.datetime | None
) -> tuple[tuple[Version, Release], ...]:
    """The releases an installer could take for ``target`` whatever the range, oldest first."""
    key = (target, allow_prerelease, cutoff)
    known = project.eligible.get(key)
    if known is not None:
        return known
    # Releases of a project mostly share their requires-python values: judge each set once.
    fitting = {
        pythons: any(value is None or _allows(value, target) for value in pythons)
        for pythons in project.python_sets
    }
    eligible = tuple(
        (version, release)
        for version, release, pythons, prerelease in project.installable
        if fitting[pythons]
        and (allow_prerelease or not prerelease)
        and (cutoff is None or (release.upload_time is not None and _aware(release.upload_time) <= cutoff))
    )
    return _keep(project.eligible, key, eligible)


def _question(
    facts: ProjectFacts, current_specifier: str, policy: Policy, requires_python: str | None
) -> tuple[_Project, Version, dt.datetime | None, SpecifierSet | None]:
    """The project and what a choice among its releases depends on: target, cutoff, range."""
    target = target_python(policy, requires_python)
    cutoff = policy.now - policy.min_age if policy.min_age is not None else None
    keep = _range(current_specifier) if policy.strategy is Strategy.RANGE else None
    return _project(facts), target, cutoff, keep


def candidates(
    facts: ProjectFacts,
    *,
    current_specifier: str,
    policy: Policy,
    requires_python: str | None,
    allow_prerelease: bool,
) -> Sequence[tuple[Version, Release]]:
    """Every release :func:`suggest_version` may choose from, oldest first (a shared, immutable answer)."""
    project, target, cutoff, keep = _question(facts, current_specifier, policy, requires_python)
    eligible = _eligible(project, target, allow_prerelease, cutoff)
    if keep is None:
        return eligible
    key = (target, allow_prerelease, cutoff, current_specifier)
    known = project.in_range.get(key)
    if known is None:
        known = _keep(
            project.in_range,
            key,
            tuple(pair for pair in eligible if keep.contains(pair[0], prereleases=True)),
        )
    return known


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

    The newest of :func:`candidates`, found from the newest end without listing them all.
    """
    project, target, cutoff, keep = _question(facts, current_specifier, policy, requires_python)
    eligible = _eligible(project, target, allow_prerelease, cutoff)
    if keep is None:
        return eligible[-1][1].version if eligible else None
    key = (target, allow_prerelease, cutoff, current_specifier)
    if key in project.newest:
        return project.newest[key]
    newest = next(
        (
            release.version
            for version, release in reversed(eligible)
            if keep.contains(version, prereleases=True)
        ),
        None,
    )
    return _keep(project.newest, key, newest)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
