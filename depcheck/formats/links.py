"""Where each rule's documentation lives, so that SARIF and Markdown link to the same anchors.

The README has one section per rule headed so that its anchor is ``rule-<id>``; change
:data:`HELP_BASE_URI` here if the documentation moves.
"""

from __future__ import annotations

INFORMATION_URI = "https://github.com/depcheck/depcheck"
HELP_BASE_URI = f"{INFORMATION_URI}#rule-"


def rule_help_uri(rule_id: str) -> str:
    """The README anchor documenting ``rule_id``."""
    return f"{HELP_BASE_URI}{rule_id}"
