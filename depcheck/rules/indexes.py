"""The ``index-confusion`` rule: a project that pip's primary index and an extra index publish differently.

pip gathers a project's candidates from every index it is given (``--index-url`` and each
``--extra-index-url``) and installs the highest version, with no preference for any index. When
the primary index and an extra index both list a project and their releases differ, whoever
publishes a higher version on either one decides what is installed: the classic dependency
confusion setup (a private name on the extra index, an attacker's ``99.0`` on the public one).

Pure: :func:`check_index_confusion` reads the dependency and each index's own answer (before
they are merged) and returns a warning naming both indexes and the highest version on each. Two
indexes with the same versions (a mirror used as an extra index) are not reported, nor is a
requirement with ``--hash`` values: pip's hash-checking mode refuses any file but those, whichever
index serves it.
"""

from __future__ import annotations

from collections.abc import Sequence

from depcheck.model import Dependency, Finding
from depcheck.registries.interface import ProjectFacts
from depcheck.registries.merge import differing_indexes, highest_version, name_indexes
from depcheck.rules import RULES

RULE = "index-confusion"


def _shown(facts: ProjectFacts) -> str:
    highest = highest_version(facts)
    return f"{facts.index} (highest {highest})" if highest is not None else f"{facts.index} (no release)"


def check_index_confusion(
    dependency: Dependency, primary: ProjectFacts, extras: Sequence[ProjectFacts]
) -> Finding | None:
    """``index-confusion`` when ``primary`` and an extra index both list the project with different releases.

    ``primary`` is the answer of the dependency's own index (a requirements file's
    ``--index-url``, else the configured one); ``extras`` those of its extra indexes, in order.
    """
    if dependency.hashes:
        return None
    differing = differing_indexes(primary, extras)
    if not differing:
        return None
    plural = "es" if len(differing) > 1 else ""
    message = (
        f"{dependency.name} is on {_shown(primary)} and on the extra index{plural} "
        f"{name_indexes([_shown(facts) for facts in differing])} with different releases: pip installs "
        "the highest version from any of them, so a higher version published on one index takes over "
        "the install (dependency confusion)"
    )
    return Finding.about(dependency, RULE, RULES[RULE].severity, message)
