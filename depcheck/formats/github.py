"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request diff.

``::error file=F,line=L,col=C,title=T::message`` per finding (``warning`` and ``notice`` for
the lower severities), then the summary as a plain log line. Values are escaped as the Actions
runner expects: ``%``, CR and LF everywhere, and also ``:`` and ``,`` inside properties, where
they would otherwise end a property.
"""

from __future__ import annotations

from depcheck.formats.interface import Formatter, ordered_findings
from depcheck.formats.wording import NOT_VERIFIED, message_with_fix, summary
from depcheck.model import Finding, Severity
from depcheck.report import Report

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """Escape a command's message (the part after ``::``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value (``file=...``), where ``:`` and ``,`` are separators too."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """The workflow command for one finding."""
    properties = ",".join(
        f"{key}={escape_property(value)}"
        for key, value in (
            ("file", finding.location.file.replace("\\", "/")),
            ("line", str(finding.location.line)),
            ("col", str(finding.location.column)),
            ("title", f"depcheck {finding.rule}"),
        )
    )
    return f"::{COMMANDS[finding.severity]} {properties}::{escape_data(message_with_fix(finding))}"


class GithubFormatter(Formatter):
    """``--format github``: one annotation per finding and a closing summary line."""

    name = "github"

    def render(self, report: Report) -> str:
        lines = [annotation(finding) for finding in ordered_findings(report.findings)]
        lines.append(f"depcheck: {summary(report)}")
        if report.registry_failed:
            lines.append(f"depcheck: {NOT_VERIFIED}")
        return "\n".join(lines) + "\n"
