"""A package index that answers as pip's whole index list does: the index and every extra index.

:class:`UnionIndex` wraps a :class:`~depcheck.registries.interface.PackageIndex` (which already
asks any index it is given, each URL once per run) with the run's extra indexes. Each question
goes to the index and to every extra index at once, and the answers are merged by
:func:`~depcheck.registries.merge.merge_facts`, so a project that only an extra index serves is
found, and its releases are the union pip installs from. ``depcheck latest`` asks through it;
the audit's verifier plans its lookups itself (:mod:`depcheck.verify`), to share them between
dependencies whose index lists differ.

If any index cannot answer, the question fails with that index's
:class:`~depcheck.registries.interface.RegistryError` (the first, in index order): an answer
worked out from the other indexes could call a private project missing, or a version the newest
when it is not.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from depcheck import eventloop
from depcheck.registries.interface import PackageIndex, ProjectFacts
from depcheck.registries.merge import differing_indexes, distinct_extras, highest_version, merge_facts

logger = logging.getLogger(__name__)


class UnionIndex(PackageIndex):
    """``index`` together with ``extra_index_urls``; ``index_url`` is the index's own URL when known,
    so that an extra index repeating it is not asked twice."""

    def __init__(
        self, index: PackageIndex, extra_index_urls: Sequence[str], *, index_url: str | None = None
    ) -> None:
        self.index = index
        self.index_url = index_url
        self.extra_index_urls = distinct_extras(index_url, extra_index_urls)

    async def answers(self, name: str, index_url: str | None = None) -> list[ProjectFacts]:
        """Each index's own answer about ``name``, ``index_url``'s (else the index's) first, not
        merged or judged; the first failure, in index order, is raised."""
        urls: list[str | None] = [index_url, *distinct_extras(index_url, self.extra_index_urls)]
        # Every index is let finish (each answer is cached for the run) before a failure is raised.
        answers = await eventloop.gather(
            *(self.index.project(name, url) for url in urls), return_exceptions=True
        )
        facts: list[ProjectFacts] = []
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer  # a RegistryError names the index that could not answer
            facts.append(answer)
        return facts

    async def project(self, name: str, index_url: str | None = None) -> ProjectFacts:
        """``name`` on ``index_url`` (else the index's own) and on every extra index, merged; a
        version only an extra index offers is warned of (dependency confusion)."""
        facts = await self.answers(name, index_url)
        differing = differing_indexes(facts[0], facts[1:])
        if differing:
            shown = ", ".join(f"{each.index} (highest {highest_version(each)})" for each in differing)
            logger.warning(
                "%s is on %s (highest %s) and on %s, which offers versions the index lacks: pip "
                "installs the highest version from any of them (dependency confusion)",
                name,
                facts[0].index,
                highest_version(facts[0]),
                shown,
            )
        return merge_facts(facts)
