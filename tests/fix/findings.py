"""Findings built by hand the way the rules build them, pointing at text in given bytes.

The fixer only needs a finding's span, span role, replacement and (for hashed requirements) its
dependency; these helpers locate the text in the file's bytes so each test can write its input
literally.
"""

from __future__ import annotations

from depcheck.model import Dependency, Ecosystem, Finding, Location, Span, SpanRole
from depcheck.rules import RULES


def span_of(raw: bytes, text: str, nth: int = 0) -> Span:
    """The byte span of the ``nth`` occurrence (0-based) of ``text`` in ``raw``."""
    needle = text.encode("utf-8")
    start = -1
    for _ in range(nth + 1):
        start = raw.index(needle, start + 1)
    return Span(start, start + len(needle))


def finding_at(
    path: str,
    raw: bytes,
    text: str,
    replacement: str | None,
    *,
    rule: str = "ranged",
    role: SpanRole | None = SpanRole.REQUIREMENT,
    nth: int = 0,
    name: str = "pkg",
    ecosystem: Ecosystem = Ecosystem.PYPI,
    hashes: tuple[str, ...] = (),
    url: str | None = None,
    with_span: bool = True,
) -> Finding:
    """A ``rule`` finding about ``text`` (its ``nth`` occurrence in ``raw``) whose fix writes ``replacement``."""
    span = span_of(raw, text, nth)
    line = raw.count(b"\n", 0, span.start) + 1
    column = span.start - (raw.rfind(b"\n", 0, span.start) + 1) + 1
    location = Location(path, line, column, span if with_span else None, role if with_span else None)
    dependency = Dependency(ecosystem, name, text, location, hashes=hashes, url=url)
    return Finding.about(
        dependency,
        rule,
        RULES[rule].severity,
        f"{name} needs an exact pin",
        suggestion=None if replacement is None else replacement.rpartition("=")[2],
        replacement=replacement,
    )
