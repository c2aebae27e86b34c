"""How one pin change reads to people: ``name: from -> to (rule)``.

The fix summary, the commit message and the pull request table all show a change this way:
versions and tags rather than whole lines, so a reviewer sees ``>=2.31 -> 2.34.2`` and
``3.12-slim -> 3.12.7-slim`` at a glance. Pure; no I/O.
"""

from __future__ import annotations

import re

from depcheck.model import Ecosystem, Finding, SpanRole

# A requirement's name and extras, as PEP 508 writes them; what follows is its specifier.
_REQUIREMENT_HEAD = re.compile(r"\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?(?P<rest>.*)", re.DOTALL)


def change_text(finding: Finding) -> tuple[str, str]:
    """``(from, to)`` as people read a pin change: versions and tags, not whole lines.

    A requirement shows its specifier (``>=2.31`` -> ``2.34.2``), a Poetry value its text
    (``^25.1``), an image its tag (``3.12-slim`` -> ``3.12.7-slim``), with a short digest when one
    is written; nothing written reads ``(none)``.
    """
    dependency = finding.dependency
    to = finding.suggestion or finding.replacement or ""
    if dependency is None:
        return finding.current or "(none)", to
    if dependency.ecosystem is Ecosystem.PYPI:
        if finding.location.span_role is SpanRole.VERSION:
            old = dependency.text
        else:
            # The specifier as written (``>=2.0,<3``), not as packaging orders it (``<3,>=2.0``).
            written = _REQUIREMENT_HEAD.match(dependency.text)
            rest = written.group("rest").strip() if written is not None else ""
            old = rest if rest and rest[0] not in "@;" else dependency.specifier
        return old or "(none)", to
    old = dependency.tag or "(none)"
    if dependency.digest is not None:
        old += "@" + short_digest(dependency.digest)
    if "@" in to:
        tag, _, digest = to.partition("@")
        to = f"{tag}@{short_digest(digest)}"
    return old, to


def short_digest(digest: str) -> str:
    """``sha256:`` and the first 12 hex digits, as ``docker images`` shows them."""
    algorithm, _, value = digest.partition(":")
    return f"{algorithm}:{value[:12]}" if value else digest


def describe(finding: Finding) -> str:
    """One change as a line: ``name: from -> to (rule)``."""
    old, new = change_text(finding)
    return f"{finding.name or finding.current}: {old} -> {new} ({finding.rule})"
