"""A Markdown table for pull-request comments (GitHub-flavoured Markdown).

A heading with the summary, then one row per finding. Names, pins and paths are code spans so
that characters such as ``*`` and ``[`` in them are not read as emphasis or links; ``|`` is
escaped in every cell (GFM splits cells on it even inside code spans) and line breaks become
spaces, since a table row must stay on one line.
"""

from __future__ import annotations

import re

from depcheck.formats.interface import Formatter, ordered_findings
from depcheck.formats.links import rule_help_uri
from depcheck.formats.text import one_line
from depcheck.formats.wording import NOT_VERIFIED, fix_text, summary
from depcheck.report import Report

HEADER = "| Severity | File | Line | Rule | Dependency | Found | Suggested | Message |"
DIVIDER = "|---|---|---:|---|---|---|---|---|"

_BACKTICKS = re.compile(r"`+")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def _cell(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text).replace("|", "\\|")


def code(text: str | None) -> str:
    """``text`` as an inline code span fit for a table cell; ``""`` for nothing.

    The fence is one backtick longer than the longest run inside the text, and padded with a
    space when the text starts or ends with a backtick, as CommonMark requires.
    """
    if not text:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return _cell(f"{fence}{padding}{text}{padding}{fence}")


class MarkdownFormatter(Formatter):
    """``--format markdown``: a summary heading and a table of findings."""

    name = "markdown"

    def render(self, report: Report) -> str:
        lines = [f"### depcheck: {summary(report)}", ""]
        if report.registry_failed:
            lines += [f"**{NOT_VERIFIED}**", ""]
        findings = ordered_findings(report.findings)
        if not findings:
            return "\n".join(lines)
        lines += [HEADER, DIVIDER]
        for finding in findings:
            cells = (
                finding.severity.value,
                code(finding.location.file),
                str(finding.location.line),
                f"[{_cell(finding.rule)}]({rule_help_uri(finding.rule)})",
                code(finding.name),
                code(finding.current),
                code(fix_text(finding)),
                _cell(one_line(finding.message)),
            )
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"
