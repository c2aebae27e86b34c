"""The sentences several formats share: the summary line and a finding's message with its fix.

Kept in one place so that the terminal, GitHub annotations and pull-request comments say the
same thing in the same words (users grep CI logs for these lines).
"""

from __future__ import annotations

from depcheck.model import Finding, Severity
from depcheck.report import Report

NOT_VERIFIED = "Some references were not verified: a registry could not be reached."


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 file``, ``2 files``; ``plural_form`` for irregular words (``dependencies``)."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def scope(report: Report) -> str:
    """How much was read: ``3 files, 41 dependencies``."""
    return (
        f"{plural(len(report.files), 'file')}, "
        f"{plural(len(report.dependencies), 'dependency', 'dependencies')}"
    )


def counts(report: Report) -> str:
    """The findings by severity: ``5 errors, 1 warning, 9 info`` (``info`` is uncountable)."""
    tally = report.counts()
    return (
        f"{plural(tally[Severity.ERROR], 'error')}, "
        f"{plural(tally[Severity.WARNING], 'warning')}, "
        f"{tally[Severity.INFO]} info"
    )


def summary(report: Report) -> str:
    """One line for the end of a report.

    ``No problems found in 3 files (41 dependencies).`` when there is nothing to report and every
    reference was verified, else ``3 files, 41 dependencies: 5 errors, 1 warning, 9 info``. A run
    whose registry failed never says "no problems": nothing was found, but not everything was checked.
    """
    if not report.findings and not report.registry_failed:
        return (
            f"No problems found in {plural(len(report.files), 'file')} "
            f"({plural(len(report.dependencies), 'dependency', 'dependencies')})."
        )
    return f"{scope(report)}: {counts(report)}"


def fix_text(finding: Finding) -> str | None:
    """What to write instead: the full replacement, else the bare suggestion, else ``None``."""
    return finding.replacement if finding.replacement is not None else finding.suggestion


def message_with_fix(finding: Finding) -> str:
    """The message followed by the fix in parentheses: ``... release (use httpx[http2]==0.28.1)``."""
    fix = fix_text(finding)
    if fix is None:
        return finding.message
    return f"{finding.message} (use {fix})"
