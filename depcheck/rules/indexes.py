"""The ``index-confusion`` rule: an extra index offering versions of a project that pip's primary index lacks.

pip gathers a project's candidates from every index it is given (``--index-url`` and each
``--extra-index-url``) and installs the highest fitting version, with no preference for any index.
The rule is reported when the primary index lists the project and an extra index lists at least
one version of it (by PEP 440 equality) that the primary does not: the two indexes then compete,
and whoever publishes a higher version on either one decides what is installed. That covers each
index offering versions the other lacks (the classic dependency confusion: a private ``1.0`` and
``1.1`` on the extra index, an attacker's ``99.0`` on the public one) and an extra index offering a
version the primary lacks (a local build, a private fork).

An extra index whose versions are all on the primary is not reported: a mirror, or a local
wheelhouse holding one or two versions of hundreds of projects, can only supply a version the
primary also offers. (Its limit: an attacker who copied every private version to the public index
as well as adding ``99.0`` would make the private index look like such a mirror; attacks publish
one high version, not the private history.) Nor is a project the primary does not list (only one
index has it), nor a requirement with ``--hash`` values: pip's hash-checking mode refuses any file
but those, whichever index serves it.

Pure: :func:`check_index_confusion` reads the dependency and each index's own answer (before
they are merged) and returns a warning naming both indexes, the highest version on each and the
versions only the extra index offers.
"""

from __future__ import annotations

from collections.abc import Sequence

from depcheck.model import Dependency, Finding
from depcheck.registries.interface import ProjectFacts
from depcheck.registries.merge import differing_indexes, highest_version, name_indexes, versions_lacking
from depcheck.rules import RULES

RULE = "index-confusion"

SHOWN_VERSIONS = 3
"""How many of the versions only an extra index offers a message lists (newest first)."""


def _highest(facts: ProjectFacts) -> str:
    highest = highest_version(facts)
    return f"highest {highest}" if highest is not None else "no release"


def _extra(primary: ProjectFacts, extra: ProjectFacts) -> str:
    lacking = versions_lacking(primary, extra)
    listed = ", ".join(lacking[:SHOWN_VERSIONS])
    more = len(lacking) - SHOWN_VERSIONS
    if more > 0:
        listed += f" and {more} more"
    return f"{extra.index} ({_highest(extra)}; not on the index: {listed})"


def check_index_confusion(
    dependency: Dependency, primary: ProjectFacts, extras: Sequence[ProjectFacts]
) -> Finding | None:
    """``index-confusion`` when an extra index offers a version of the project that ``primary``, which lists it, lacks.

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
        f"{dependency.name} is on {primary.index} ({_highest(primary)}) and on the extra index{plural} "
        f"{name_indexes([_extra(primary, facts) for facts in differing])}: pip installs the highest "
        "version from any of them, so a higher version published on one index takes over the install "
        "(dependency confusion)"
    )
    return Finding.about(dependency, RULE, RULES[RULE].severity, message)
