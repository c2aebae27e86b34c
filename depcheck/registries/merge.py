"""Pure: several indexes' answers about one project, merged into the one answer pip acts on.

pip installs from the union of its indexes (``--index-url`` plus every ``--extra-index-url``): it
gathers the candidate files of a project from each index and picks among all of them, with no
preference for any index. :func:`merge_facts` gives the rules that same view:

- the project is found when any index lists it (a 404 from one index and a page from another is
  simply found);
- the releases are the union, versions matched by PEP 440 equality (``1.0`` on one index and
  ``1.0.0`` on another are one release, spelt as the first index to list it spells it);
- a release offered by several indexes (:func:`merge_releases`) is yanked only when it is yanked
  on every index that offers files for it, since pip takes an unyanked file wherever it finds
  one; its yank reason is the first one given; its upload time is the earliest any index reports
  (it was published then, wherever it was later copied);
- its installable Pythons are the union of those of the indexes that offer it unyanked (all of
  them when it is yanked everywhere): a Python fits the release when any installable file accepts
  it, because pip would install that file. Its release-level ``requires_python`` is the first value
  those same indexes give, in index order (it is only consulted for a release with no files).

Failures are not merged here: an index that could not answer leaves nothing to merge, and the
caller reports it (a down private index must not make its packages look invented).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from packaging.version import Version

from depcheck.registries.interface import ProjectFacts, Release, release_pythons
from depcheck.versions import parse_version


def same_index(first: str, second: str) -> bool:
    """Whether two index URLs name one index (a trailing ``/`` aside)."""
    return first.rstrip("/") == second.rstrip("/")


def distinct_extras(primary: str | None, extras: Iterable[str]) -> tuple[str, ...]:
    """``extras`` less any that repeats ``primary`` or an earlier extra, so that no index is asked twice."""
    known = [primary] if primary is not None else []
    chosen: list[str] = []
    for url in extras:
        if not any(same_index(url, other) for other in known):
            known.append(url)
            chosen.append(url)
    return tuple(chosen)


def name_indexes(indexes: Sequence[str]) -> str:
    """Indexes as a message names them: ``A``, ``A and B``, ``A, B and C``."""
    if len(indexes) <= 1:
        return "".join(indexes)
    return f"{', '.join(indexes[:-1])} and {indexes[-1]}"


def merge_releases(offerings: Sequence[Release]) -> Release:
    """One version as several indexes offer it, merged as pip sees it (see the module docstring).

    ``offerings`` are in index order; a single offering is returned as it is.
    """
    if not offerings:
        raise ValueError("merge_releases() needs at least one release")
    if len(offerings) == 1:
        return offerings[0]
    with_pythons = [(release, release_pythons(release)) for release in offerings]
    # An index that lists the version with no file offers nothing to install.
    offered = [(release, pythons) for release, pythons in with_pythons if pythons] or with_pythons
    live = [(release, pythons) for release, pythons in offered if not release.yanked]
    considered = live or offered
    yanked = not live
    times = [release.upload_time for release in offerings if release.upload_time is not None]
    return Release(
        version=offerings[0].version,
        files=tuple(file for release in offerings for file in release.files),
        yanked=yanked,
        yanked_reason=next((release.yanked_reason for release, _ in offered if release.yanked_reason), None)
        if yanked
        else None,
        upload_time=min(times) if times else None,
        requires_python=next(
            (release.requires_python for release, _ in considered if release.requires_python), None
        ),
        installable_pythons=tuple(dict.fromkeys(value for _, pythons in considered for value in pythons)),
    )


def merge_facts(facts: Sequence[ProjectFacts]) -> ProjectFacts:
    """Several indexes' answers about one project (in pip's index order) as one answer.

    A single answer is returned as it is. The merged answer's ``indexes`` names every index
    asked; its ``index`` is the first that lists the project or, when none does, every index asked
    (``A and B``), so that "does not exist on ..." names them all. Its ``status`` (PEP 792) is
    the first one given; its releases carry files only when every answer read them.
    """
    if not facts:
        raise ValueError("merge_facts() needs at least one answer")
    if len(facts) == 1:
        return facts[0]
    indexes = tuple(dict.fromkeys(answer.index for answer in facts))
    found = [answer for answer in facts if answer.found]
    if not found:
        return ProjectFacts(name=facts[0].name, found=False, index=name_indexes(indexes), indexes=indexes)
    if len(found) == 1:
        return dataclasses.replace(found[0], indexes=indexes)
    spelled: dict[Version | str, str] = {}
    grouped: dict[Version | str, list[Release]] = {}
    for answer in found:
        for text, release in answer.releases.items():
            parsed = parse_version(text)
            key: Version | str = parsed if parsed is not None else text
            spelled.setdefault(key, text)
            grouped.setdefault(key, []).append(release)
    # Oldest first, as the readers list releases; versions that are not PEP 440 (kept only for a
    # ``===`` pin) after them, in the order met.
    ordered: list[Version | str] = [
        *sorted(key for key in grouped if isinstance(key, Version)),
        *(key for key in grouped if isinstance(key, str)),
    ]
    return ProjectFacts(
        name=facts[0].name,
        found=True,
        releases={spelled[key]: merge_releases(grouped[key]) for key in ordered},
        index=found[0].index,
        status=next((answer.status for answer in found if answer.status is not None), None),
        files_read=all(answer.files_read for answer in found),
        indexes=indexes,
    )


def release_set(facts: ProjectFacts) -> frozenset[Version | str]:
    """The versions ``facts`` lists, compared by PEP 440 equality (by their text when not PEP 440)."""
    versions: set[Version | str] = set()
    for text in facts.releases:
        parsed = parse_version(text)
        versions.add(parsed if parsed is not None else text)
    return frozenset(versions)


def highest_version(facts: ProjectFacts) -> str | None:
    """The highest PEP 440 version ``facts`` lists, as the index spells it (pre-releases and yanks included)."""
    best: tuple[Version, str] | None = None
    for text in facts.releases:
        parsed = parse_version(text)
        if parsed is not None and (best is None or parsed > best[0]):
            best = (parsed, text)
    return best[1] if best is not None else None


def versions_lacking(primary: ProjectFacts, extra: ProjectFacts) -> tuple[str, ...]:
    """The versions ``extra`` lists that ``primary`` does not (PEP 440 equality), newest first, as
    ``extra`` spells them (versions that are not PEP 440 last)."""
    ours = release_set(primary)
    theirs: list[tuple[Version, str]] = []
    unparsed: list[str] = []
    for text in extra.releases:
        parsed = parse_version(text)
        if parsed is None:
            if text not in ours:
                unparsed.append(text)
        elif parsed not in ours:
            theirs.append((parsed, text))
    return (*(text for _, text in sorted(theirs, reverse=True)), *unparsed)


def differing_indexes(primary: ProjectFacts, extras: Sequence[ProjectFacts]) -> tuple[ProjectFacts, ...]:
    """The extra indexes' answers that offer a version of the project ``primary`` does not list.

    pip takes the highest fitting version from any of its indexes. An extra index whose versions
    are all on the primary (a mirror or a wheelhouse holding some of them) can only ever supply a
    version the primary offers too, so it decides nothing. One that lists a version the primary
    lacks (a private ``1.0`` beside the public ``99.0``, a local build, a fork) is where the two
    indexes compete: whoever publishes the higher version on either one decides what is installed.
    Empty when the primary does not list the project at all (only one index has it).
    """
    if not primary.found:
        return ()
    return tuple(facts for facts in extras if facts.found and versions_lacking(primary, facts))
