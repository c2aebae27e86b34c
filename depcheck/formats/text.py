"""The human-readable report for terminals and CI logs, drawn with rich.

Findings are grouped under their file, one finding per line (``3:1  error  unpinned  message ->
fix``), aligned in columns and never wrapped, so a line can be grepped and copied whole. Colour
is the caller's decision (:func:`color_wanted` is the usual one); without it the output is
plain text with no escape codes at all.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING

from depcheck.formats.interface import Formatter, ordered_findings
from depcheck.formats.wording import NOT_VERIFIED, fix_text, summary
from depcheck.model import Finding, Severity
from depcheck.report import Report

if TYPE_CHECKING:
    # rich costs 30 ms to import; it is loaded when a text report is rendered, not for the other
    # formats (this module also holds helpers they share).
    from rich.console import Console

_SEVERITY_STYLE = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "yellow",
    Severity.INFO: "cyan",
}
_LINE_BREAK = re.compile(r"\s*[\r\n]\s*")
_SEVERITY_WIDTH = max(len(severity.value) for severity in Severity)


def color_wanted(stream: IO[str], environ: Mapping[str, str]) -> bool:
    """Whether to colour output written to ``stream``: only a terminal, and never under ``NO_COLOR``.

    ``NO_COLOR`` counts when set to anything but the empty string (https://no-color.org).
    """
    if environ.get("NO_COLOR", ""):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def one_line(message: str) -> str:
    """``message`` with its line breaks (and the indentation after them) folded to one space.

    Parser reasons can span lines (packaging draws a caret under the error); a finding must stay
    on one line so that grepping for a file's findings finds all of each.
    """
    return _LINE_BREAK.sub(" ", message.strip())


def _position(finding: Finding) -> str:
    return f"{finding.location.line}:{finding.location.column}"


class TextFormatter(Formatter):
    """``--format text``: findings grouped by file, then a summary line."""

    name = "text"

    def __init__(self, *, color: bool = False, width: int = 120) -> None:
        super().__init__(color=color)
        self.width = width

    def _console(self, buffer: io.StringIO) -> Console:
        from rich.console import Console

        # Every setting is explicit so that neither the environment (TERM, COLUMNS, NO_COLOR,
        # FORCE_COLOR) nor the platform changes the output: the caller already decided colour.
        return Console(
            file=buffer,
            force_terminal=self.color,
            no_color=not self.color,
            color_system="standard" if self.color else None,
            width=self.width,
            soft_wrap=True,
            highlight=False,
            markup=False,
            emoji=False,
            legacy_windows=False,
            force_jupyter=False,
            force_interactive=False,
        )

    def render(self, report: Report) -> str:
        from rich.text import Text

        buffer = io.StringIO()
        console = self._console(buffer)
        findings = ordered_findings(report.findings)
        position_width = max((len(_position(finding)) for finding in findings), default=0)
        rule_width = max((len(finding.rule) for finding in findings), default=0)
        for file, group in itertools.groupby(findings, key=lambda finding: finding.location.file):
            console.print(Text(file, style="bold underline"))
            for finding in group:
                line = Text("  ")
                line.append(_position(finding).ljust(position_width), style="dim")
                line.append("  ")
                line.append(
                    finding.severity.value.ljust(_SEVERITY_WIDTH), style=_SEVERITY_STYLE[finding.severity]
                )
                line.append("  ")
                line.append(finding.rule.ljust(rule_width), style="bold")
                line.append("  ")
                line.append(one_line(finding.message))
                fix = fix_text(finding)
                if fix is not None:
                    line.append(" -> ")
                    line.append(fix, style="green")
                console.print(line)
            console.print()
        console.print(Text(summary(report), style="bold"))
        if report.registry_failed:
            console.print(Text(NOT_VERIFIED, style="bold red"))
        return buffer.getvalue()
