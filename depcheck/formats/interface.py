"""The output-format seam: one :class:`Formatter` per ``--format`` value, each in its own module.

A formatter turns a finished :class:`~depcheck.report.Report` into the text written to standard
output; it never writes, exits or decides colour itself (the CLI does, so formats stay pure and
testable). Every format lists findings in the same stable order (:func:`ordered_findings`), so
reports diff cleanly between runs whatever order the audit finished its lookups in.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import ClassVar

from depcheck.model import Finding
from depcheck.report import Checked, Report


class Formatter(abc.ABC):
    """Renders a report in one output format.

    ``color`` is accepted by every format so the CLI can pass it unconditionally; formats that
    have no colour (all but ``text``) ignore it.
    """

    name: ClassVar[str]
    """The ``--format`` value that selects this formatter."""

    def __init__(self, *, color: bool = False) -> None:
        self.color = color

    @abc.abstractmethod
    def render(self, report: Report) -> str:
        """The whole output for ``report``, ending in a newline."""


def ordered_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by file, line, column and rule; ties keep the order the audit produced."""
    return sorted(
        findings,
        key=lambda finding: (
            finding.location.file,
            finding.location.line,
            finding.location.column,
            finding.rule,
        ),
    )


def ordered_dependencies(dependencies: Iterable[Checked]) -> list[Checked]:
    """Checked dependencies by file, line and column; ties keep the audit's order."""
    return sorted(
        dependencies,
        key=lambda checked: (
            checked.dependency.location.file,
            checked.dependency.location.line,
            checked.dependency.location.column,
        ),
    )
