"""SARIF 2.1.0 output, for GitHub code scanning and other static-analysis dashboards.

One run whose driver lists every rule in the catalog (so a dashboard can show a rule's help even
for rules that did not fire), and one result per finding. Columns count Unicode code points,
as depcheck's locations do, which the run declares with ``columnKind``. A fix replaces the exact
byte span the finding's location carries: SARIF regions may be given in bytes, and the byte span
is the only extent depcheck knows exactly (the characters under it are not in the report), so
``deletedRegion`` uses ``byteOffset``/``byteLength`` rather than guessing an end column.
"""

from __future__ import annotations

import json
import pathlib
import urllib.parse
from typing import Any

import depcheck
from depcheck.formats.fingerprint import fingerprints
from depcheck.formats.interface import Formatter, ordered_findings
from depcheck.formats.links import INFORMATION_URI, rule_help_uri
from depcheck.formats.wording import NOT_VERIFIED, message_with_fix
from depcheck.model import Finding, Severity
from depcheck.report import Report
from depcheck.rules import RULES, Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "depcheckFinding/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule_name(rule_id: str) -> str:
    """SARIF's recommended PascalCase name: ``floating-tag`` -> ``FloatingTag``."""
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _descriptor(rule: Rule) -> dict[str, Any]:
    uri = rule_help_uri(rule.id)
    return {
        "id": rule.id,
        "name": _rule_name(rule.id),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary} {rule.help}"},
        "help": {"text": rule.help, "markdown": f"{rule.help}\n\n[Documentation]({uri})"},
        "helpUri": uri,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def artifact_location(file: str) -> dict[str, Any]:
    """A relative path as a URI reference under ``%SRCROOT%``; an absolute path as a file URI.

    Backslashes become slashes and reserved characters are percent-encoded, since SARIF
    consumers parse ``uri`` as a URI, not as a path.
    """
    posix = file.replace("\\", "/")
    if pathlib.PurePosixPath(posix).is_absolute() or pathlib.PureWindowsPath(file).is_absolute():
        path = (
            pathlib.PureWindowsPath(file)
            if pathlib.PureWindowsPath(file).drive
            else pathlib.PurePosixPath(posix)
        )
        return {"uri": path.as_uri()}
    return {"uri": urllib.parse.quote(posix, safe="/"), "uriBaseId": SRCROOT}


def _fix(finding: Finding, location: dict[str, Any]) -> dict[str, Any] | None:
    span = finding.location.span
    if finding.replacement is None or span is None:
        return None
    return {
        "description": {"text": f"Replace with {finding.replacement}"},
        "artifactChanges": [
            {
                "artifactLocation": location,
                "replacements": [
                    {
                        "deletedRegion": {"byteOffset": span.start, "byteLength": span.end - span.start},
                        "insertedContent": {"text": finding.replacement},
                    }
                ],
            }
        ],
    }


def _result(finding: Finding, rule_index: dict[str, int], fingerprint: str) -> dict[str, Any]:
    location = artifact_location(finding.location.file)
    result: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    result["level"] = LEVELS[finding.severity]
    result["message"] = {"text": message_with_fix(finding)}
    result["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": location,
                "region": {"startLine": finding.location.line, "startColumn": finding.location.column},
            }
        }
    ]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    fix = _fix(finding, location)
    if fix is not None:
        result["fixes"] = [fix]
    properties = {
        key: value
        for key, value in (
            ("ecosystem", finding.ecosystem.value if finding.ecosystem is not None else None),
            ("name", finding.name),
            ("current", finding.current),
            ("suggestion", finding.suggestion),
            ("replacement", finding.replacement),
        )
        if value is not None
    }
    if properties:
        result["properties"] = properties
    return result


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log for ``report`` as plain data."""
    rule_index = {rule_id: index for index, rule_id in enumerate(RULES)}
    findings = ordered_findings(report.findings)
    invocation: dict[str, Any] = {"executionSuccessful": not report.registry_failed}
    if report.registry_failed:
        invocation["toolExecutionNotifications"] = [{"level": "error", "message": {"text": NOT_VERIFIED}}]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "depcheck",
                        "version": depcheck.__version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(rule) for rule in RULES.values()],
                    }
                },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": [
                    _result(finding, rule_index, fingerprint)
                    for finding, fingerprint in zip(findings, fingerprints(findings), strict=True)
                ],
            }
        ],
    }


class SarifFormatter(Formatter):
    """``--format sarif``: a SARIF 2.1.0 log with one run."""

    name = "sarif"

    def render(self, report: Report) -> str:
        return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
