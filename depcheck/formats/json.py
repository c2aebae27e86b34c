"""The JSON report, version 1: the machine-readable contract described in DESIGN.md.

Scripts and bots parse this, so the keys, their order and the value types are fixed; extend the
report with new keys (and a new ``schema_version`` if a meaning changes), never rename one.

The text is written by orjson, in C: the standard library's encoder runs in pure Python as soon
as it indents (tens of milliseconds for the report of a 600-dependency project). The output is
byte for byte what ``json.dumps(report, indent=2, ensure_ascii=False)`` writes (two-space
indent, ``": "`` after keys, no space after a line's comma, UTF-8 left unescaped, control
characters escaped the same way, a final newline), so reports diff cleanly against older ones.
"""

from __future__ import annotations

from typing import Any

import orjson

import depcheck
from depcheck.formats.interface import Formatter, ordered_dependencies, ordered_findings
from depcheck.model import Finding, Severity
from depcheck.report import Checked, Report

SCHEMA_VERSION = 1


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "ecosystem": finding.ecosystem.value if finding.ecosystem is not None else None,
        "file": finding.location.file,
        "line": finding.location.line,
        "column": finding.location.column,
        "name": finding.name,
        "current": finding.current,
        "message": finding.message,
        "suggestion": finding.suggestion,
        "replacement": finding.replacement,
    }


def _dependency(checked: Checked) -> dict[str, Any]:
    dependency = checked.dependency
    return {
        "ecosystem": dependency.ecosystem.value,
        "name": dependency.name,
        "current": dependency.text,
        "file": dependency.location.file,
        "line": dependency.location.line,
        "resolved": checked.resolved,
    }


def report_dict(report: Report) -> dict[str, Any]:
    """The version 1 report as plain data (the service returns this same shape)."""
    tally = report.counts()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "depcheck", "version": depcheck.__version__},
        "summary": {
            "files": len(report.files),
            "dependencies": len(report.dependencies),
            "error": tally[Severity.ERROR],
            "warning": tally[Severity.WARNING],
            "info": tally[Severity.INFO],
        },
        "findings": [_finding(finding) for finding in ordered_findings(report.findings)],
        "dependencies": [_dependency(checked) for checked in ordered_dependencies(report.dependencies)],
    }


class JsonFormatter(Formatter):
    """``--format json``: the version 1 report, two-space indented, UTF-8 left unescaped."""

    name = "json"

    def render(self, report: Report) -> str:
        data = report_dict(report)
        try:
            text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:
            # orjson refuses a string that is not valid Unicode (a lone surrogate, as a file name
            # with undecodable bytes gives); the standard encoder keeps it, and the caller's
            # encoding step decides what to do with it, as before.
            import json

            return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        return text.decode("utf-8")
