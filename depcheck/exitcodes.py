"""The process exit codes, a public contract (DESIGN.md, "Exit codes"), and how a report maps to one.

Distinct codes let CI tell "your pins are wrong" (1) from "depcheck could not verify them" (3)
and from "depcheck was called wrongly" (2), which pip-audit, for one, folds together.
"""

from __future__ import annotations

from depcheck.model import Severity
from depcheck.report import Report

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_REGISTRY = 3


def exit_code(report: Report, fail_on: Severity | None) -> int:
    """The exit code for ``report`` when failing on findings at or above ``fail_on``.

    A registry failure wins over findings, and applies even with ``fail_on=None``
    (``--fail-on never``): an unverified reference is never a pass, and it is the more urgent
    state since the findings themselves may be incomplete.
    """
    if report.registry_failed:
        return EXIT_REGISTRY
    if report.failing(fail_on):
        return EXIT_FINDINGS
    return EXIT_OK
