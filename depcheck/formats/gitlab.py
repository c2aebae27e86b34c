"""GitLab code-quality report: a JSON list of issues shown in merge-request widgets.

Each finding becomes ``{description, check_name, fingerprint, severity, location}`` as GitLab's
code-quality artifact expects (a subset of the Code Climate issue format). GitLab has five
severities; depcheck's three map onto ``major`` (an error fails the build, but is not a
security ``critical``), ``minor`` and ``info``.
"""

from __future__ import annotations

import json
from typing import Any

from depcheck.formats.fingerprint import fingerprints
from depcheck.formats.interface import Formatter, ordered_findings
from depcheck.formats.wording import message_with_fix
from depcheck.model import Severity
from depcheck.report import Report

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def code_quality(report: Report) -> list[dict[str, Any]]:
    """The code-quality issues for ``report`` as plain data."""
    findings = ordered_findings(report.findings)
    return [
        {
            "description": message_with_fix(finding),
            "check_name": finding.rule,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "location": {
                "path": finding.location.file.replace("\\", "/"),
                "lines": {"begin": finding.location.line},
            },
        }
        for finding, fingerprint in zip(findings, fingerprints(findings), strict=True)
    ]


class GitlabFormatter(Formatter):
    """``--format gitlab``: a GitLab code-quality artifact."""

    name = "gitlab"

    def render(self, report: Report) -> str:
        return json.dumps(code_quality(report), indent=2, ensure_ascii=False) + "\n"
